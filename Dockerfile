# Stage 1: build the dashboard.
FROM node:22-bookworm-slim AS frontend
WORKDIR /src
COPY schema.graphql ./
COPY frontend/package.json frontend/package-lock.json ./frontend/
RUN cd frontend && npm ci --no-audit --no-fund
COPY frontend ./frontend
RUN cd frontend && npm run build

# Stage 2: the API, serving the built dashboard.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
WORKDIR /app
RUN pip install --no-cache-dir uv==0.13.9
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY foundation ./foundation
COPY models ./models
COPY auth ./auth
COPY scoring ./scoring
COPY api ./api
COPY gql ./gql
COPY server ./server
COPY cli ./cli
COPY schema.graphql ./
RUN uv sync --frozen --no-dev
COPY --from=frontend /src/frontend/dist ./frontend/dist
RUN useradd --system --uid 10001 leadscore
USER leadscore
EXPOSE 8000
ENV PATH=/app/.venv/bin:$PATH
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status==200 else 1)"
CMD ["/app/.venv/bin/leadscore", "serve", "--host", "0.0.0.0", "--port", "8000"]
