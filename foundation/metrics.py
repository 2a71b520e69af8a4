"""Prometheus metrics of the service (process-wide, exposed at /metrics)."""

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "leadscore_http_requests_total", "HTTP requests served", ["method", "route", "status"]
)
LATENCY = Histogram(
    "leadscore_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5),
)
LEADS_SCORED = Counter("leadscore_leads_scored_total", "Lead scores computed and stored")
FRESHNESS_CHECKS = Counter(
    "leadscore_freshness_checks_total", "Freshness checks, by how they were answered", ["via"]
)
PAGE_CACHE = Counter("leadscore_page_cache_total", "Score page cache lookups", ["result"])
STALE_SERVED = Counter(
    "leadscore_stale_served_total", "Requests answered with stale scores (over latency budget)"
)
