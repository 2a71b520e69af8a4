#!/usr/bin/env bash
# Builds the pinned FerretDB (see go.mod) into $1 (default ../../.cache/bin/ferretdb).
# FerretDB's build/version package panics at start without a version.txt next to it, and Go
# reports the FerretDB module as the main module even when built from here, so the module is
# vendored and the file written into the vendored copy before building.
set -euo pipefail
cd "$(dirname "$0")"
out="${1:-../../.cache/bin/ferretdb}"
version="$(awk '/github.com\/FerretDB\/FerretDB /{print $NF; exit}' go.mod)"
go mod vendor
printf '%s\n' "$version" > vendor/github.com/FerretDB/FerretDB/build/version/version.txt
go build -mod=vendor -trimpath -o "$out" github.com/FerretDB/FerretDB/cmd/ferretdb
rm -rf vendor
echo "built FerretDB $version -> $out"
