"""The benchmark's reference endpoint: a bare Starlette app serving fixed bytes."""

from __future__ import annotations

import argparse
import base64
import os

import uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

BODY = base64.b64decode(os.environ.get("REFERENCE_BODY", ""))


async def page(request: object) -> Response:
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/leads/scoring", page), Route("/health", page)])

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        app, host="127.0.0.1", port=args.port, loop="uvloop", http="httptools", log_level="warning"
    )
