"""Shared by REST and GraphQL: the service container, wire formats, limits, query rules."""
