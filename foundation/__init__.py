"""Foundations: settings, errors, logs, metrics, audit, request context; imports nothing of ours."""
