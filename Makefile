# Leadscore — `make run` serves the app, `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION   := 0.13.9
TOOLS        := .cache/tools
UV           := $(TOOLS)/bin/uv
VENV         := .venv
FERRETDB     := .cache/bin/ferretdb
# Node.js 22 LTS, installed from npm's node-<os>-<arch> package into .cache/tools (the frontend's
# tool chain wants >= 22.15; `engines` in frontend/package.json); every recipe finds it first.
NODE_VERSION := 22.23.3
NODE_PKG     := node-$(shell uname -s | tr A-Z a-z)-$(shell uname -m | sed 's/x86_64/x64/;s/aarch64/arm64/')
NODE_BIN     := $(abspath $(TOOLS))/node/node_modules/$(NODE_PKG)/bin
NODE         := $(NODE_BIN)/node
export PATH  := $(NODE_BIN):$(PATH)
FRONTEND_OUT := frontend/dist/index.html
FRONTEND_SRC := $(shell find frontend/src frontend/index.html frontend/package.json frontend/vite.config.ts schema.graphql -type f 2>/dev/null)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run test compose-check test-python test-frontend test-e2e lint check deps system-deps schema bench clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

run: deps $(FERRETDB) $(FRONTEND_OUT) ## serve on http://127.0.0.1:8000 (embedded FerretDB unless MONGODB_URI)
	$(UV) run --frozen leadscore dev --host $(HOST) --port $(PORT)

test: deps system-deps $(NODE) $(FERRETDB) $(FRONTEND_OUT) compose-check ## install what is missing, run every test
	$(MAKE) --no-print-directory lint
	$(UV) run --frozen pytest tests/unit/test_engine.py -q -p no:cacheprovider \
	  --cov=scoring.engine --cov-branch --cov-report=term-missing --cov-fail-under=95
	$(UV) run --frozen pytest -q
	bash tools/ferretdb/test.sh
	cd frontend && npm test --silent && npm run size --silent

compose-check: deps ## validate docker-compose.yml against the Compose specification's JSON schema
	$(UV) run --frozen check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

lint: deps ## ruff (lint and format), mypy --strict and the import layers contract
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy
	$(UV) run --frozen lint-imports

schema: deps ## re-export schema.graphql from the code
	$(UV) run --frozen leadscore export-schema

VEGETA_VERSION := v12.13.0
VEGETA       := .cache/bin/vegeta

bench: deps $(FERRETDB) $(VEGETA) ## open-loop benchmark: 10k and 100k leads, REST/GraphQL/writes (~10 min)
	$(UV) run --frozen python scripts/bench.py

$(VEGETA):
	GOBIN=$(abspath .cache/bin) go install github.com/tsenart/vegeta/v12@$(VEGETA_VERSION)

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q --disable-pip-version-check uv==$(UV_VERSION)

# Bytecode is compiled at install: with PYTHONDONTWRITEBYTECODE set (it is on the CI machines)
# Python never caches it, and every process, CLI command and test server compiled all of
# strawberry, pymongo, numpy … again (5-10 s of start-up on 2 cores instead of 2).
deps: $(UV) ## Python virtualenv from uv.lock, bytecode compiled
	$(UV) sync --frozen -q --compile-bytecode
	$(VENV)/bin/python -m compileall -q -j 0 foundation models scoring auth api gql server cli scripts >/dev/null

system-deps: ## Debian packages the tests need (chromium, redis-server), when missing
	bash scripts/system-deps.sh

$(FERRETDB): tools/ferretdb/go.mod tools/ferretdb/build.sh $(wildcard tools/ferretdb/patches/*)
	bash tools/ferretdb/build.sh $(abspath $(FERRETDB))

$(NODE):
	npm install --prefix $(TOOLS)/node --no-save --no-package-lock --no-audit --no-fund \
	  $(NODE_PKG)@$(NODE_VERSION)
	@$(NODE) --version

frontend/node_modules/.package-lock.json: frontend/package-lock.json $(NODE)
	cd frontend && npm ci --no-audit --no-fund

$(FRONTEND_OUT): $(NODE) frontend/node_modules/.package-lock.json $(FRONTEND_SRC)
	cd frontend && npm run build

clean: ## remove build outputs and caches (keeps .data)
	rm -rf .cache .venv frontend/dist frontend/node_modules test-artifacts
