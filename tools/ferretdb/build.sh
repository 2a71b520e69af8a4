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
# Leadscore's changes to FerretDB (its SQLite backend and the update handler) are applied by
# patches/apply.py, which explains each one and fails the build if the upstream text it replaces is
# not there; README "Database" says what each changed and how it is tested. Same documents, same
# wire protocol: `_id` lookups spelled like the `_id_` index, simple filters pushed down to SQLite
# (patches/pushdown.go), indexes searchable by value (`->>`), no connection-pool deadlock in bulk
# updates, bulk updates by `_id` in one transaction (patches/updatebatch.go), no lifetime tracking
# in release builds, SQLite's memcmp/memcpy (modernc.org/libc) done by Go's own, and stored
# documents decoded and encoded without encoding/json where it is not needed (patches/fastsjson.go),
# and prepared statements kept by modernc.org/sqlite's connections (patches/stmtcache.go).
python3 patches/apply.py vendor/github.com/FerretDB/FerretDB
go build -mod=vendor -trimpath -o "$out" github.com/FerretDB/FerretDB/cmd/ferretdb
rm -rf vendor
echo "built FerretDB $version -> $out"
