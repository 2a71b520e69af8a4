"""The production ASGI application (`uvicorn server.asgi:app`), configured from the environment."""

from foundation.settings import load_settings
from server.app import create_app

settings = load_settings()
settings.require_production_ready()
app = create_app(settings, settle_heap=True)
