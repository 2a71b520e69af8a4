#!/usr/bin/env bash
# Runs the Go tests of Leadscore's FerretDB patches (patches/*_test.go) in the vendored, patched
# FerretDB source, as build.sh prepares it (go test of a vendored package: -mod=vendor).
set -euo pipefail
cd "$(dirname "$0")"
trap 'rm -rf vendor' EXIT
go mod vendor
python3 patches/apply.py vendor/github.com/FerretDB/FerretDB >/dev/null
cp patches/fastsjson_test.go vendor/github.com/FerretDB/FerretDB/internal/handler/sjson/
go test -mod=vendor -count=1 github.com/FerretDB/FerretDB/internal/handler/sjson
