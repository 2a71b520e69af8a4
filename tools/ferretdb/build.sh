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
# Two changes to FerretDB's SQLite backend, applied by patches/apply.py (it fails the build if the
# upstream text is not there). Nothing else changes: same documents, same wire protocol, same files.
# 1. FerretDB looks documents up by `_id` with the expression `_ferretdb_sjson->'$._id'`, while the
#    `_id_` index it creates is on `_ferretdb_sjson->"_id"`. SQLite only uses an expression index
#    for the same expression, so every update, replace, delete and find by `_id` scanned the whole
#    collection (an update_one took 60 ms at 10k documents, 1.2 s at 100k). Spelling the lookup
#    like the index makes them index searches.
# 2. Any filter other than {_id: x} made FerretDB decode every document of the collection in Go
#    (~200 us each) to filter them. patches/pushdown.go turns string equality, string $in and
#    $gt/$gte/$lt/$lte on dates and numbers (top-level fields) into a WHERE clause SQLite evaluates
#    on the stored JSON; FerretDB still applies the whole filter to what comes back.
python3 patches/apply.py vendor/github.com/FerretDB/FerretDB
go build -mod=vendor -trimpath -o "$out" github.com/FerretDB/FerretDB/cmd/ferretdb
rm -rf vendor
echo "built FerretDB $version -> $out"
