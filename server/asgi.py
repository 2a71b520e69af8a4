"""The production ASGI application (`uvicorn server.asgi:app`), configured from the environment.

Each of `leadscore serve --workers N`'s worker processes starts here, in a fresh interpreter: it
sets up its own logging (JSON, LOG_LEVEL, no PII), which the parent's does not reach.
"""

from foundation.logs import configure_logging
from foundation.settings import load_settings
from server.app import create_app

settings = load_settings()
settings.require_production_ready()
configure_logging(settings.log_level)
app = create_app(settings, settle_heap=True)
