"""The production ASGI application (`uvicorn server.asgi:app`), configured from the environment."""

from server.app import create_app
from server.settings import load_settings

settings = load_settings()
settings.require_production_ready()
app = create_app(settings)
