"""Apply Leadscore's changes to the vendored FerretDB sources (run by build.sh).

Each change names the exact upstream text it replaces and fails loudly if that text is not there
(a different FerretDB version), so a build never silently ships an unpatched binary.
"""

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SQLITE = Path(sys.argv[1]) / "internal" / "backends" / "sqlite"

# 1. The `_id` lookup spelled like the `_id_` index (see build.sh).
METADATA_OLD = """IDColumn = DefaultColumn + "->'$._id'\""""
METADATA_NEW = 'IDColumn = DefaultColumn + "->\\"_id\\""'

# 2. Filter pushdown for simple conditions (see pushdown.go).
QUERY_OLD = """	// that logic should exist in one place
	// TODO https://github.com/FerretDB/FerretDB/issues/3235
	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			whereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}
"""
QUERY_NEW = """	whereClause, args = prepareWhereClause(params.Filter)
"""

# 3. `explain` shows the same WHERE clause (its `pushdown` is true when any part was pushed down).
EXPLAIN_OLD = """	// that logic should exist in one place
	// TODO https://github.com/FerretDB/FerretDB/issues/3235
	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			filterPushdown = true
			whereClause = fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}
"""
EXPLAIN_NEW = """	whereClause, args = prepareWhereClause(params.Filter)
	filterPushdown = whereClause != ""
"""


# 4. An `update` command released each statement's read cursor (and its pooled SQLite connection)
#    only when the whole command ended: a command of 50 statements held 50 of the pool's 100
#    connections, so two concurrent bulk updates plus any other query waited on each other for
#    ever. Each statement's cursor is now closed as soon as the statement is done.
UPDATE_OLD = """		closer := iterator.NewMultiCloser()
		defer closer.Close()

		closer.Add(res.Iter)

		iter := common.FilterIterator(res.Iter, closer, u.Filter)

		if !u.Multi {
			iter = common.LimitIterator(iter, closer, 1)
		}

		result, err := common.UpdateDocument(ctx, c, "update", iter, &u)
		if err != nil {
"""
UPDATE_NEW = """		closer := iterator.NewMultiCloser()

		closer.Add(res.Iter)

		iter := common.FilterIterator(res.Iter, closer, u.Filter)

		if !u.Multi {
			iter = common.LimitIterator(iter, closer, 1)
		}

		result, err := common.UpdateDocument(ctx, c, "update", iter, &u)
		closer.Close()
		if err != nil {
"""


# 5. Indexes are searchable by value. Upstream builds every index on `->` (a field's JSON text,
#    in which 10 sorts before 9), so no range on a date or number could search one. An index that
#    is not unique is now built on `->>` (the field's SQL value: numbers as numbers, strings
#    unquoted); a unique index keeps `->` and with it upstream's uniqueness rules (under `->>`
#    true and 1 would collide, and a null would never conflict) and gets a twin on `->>`
#    (`<index>__values`) that is not unique, dropped with it. pushdown.go spells its conditions
#    like the `->>` columns. Indexes created by an unpatched binary keep their expressions:
#    queries on them stay correct and scan, as before.
INDEX_OLD = """\
			columns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))
			if key.Descending {
				columns[i] += " DESC"
			}
		}
"""
INDEX_NEW = """\
			columns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))
			values[i] = DefaultColumn
			for j, f := range fields {
				if j == len(fields)-1 {
					values[i] += "->>" + f
				} else {
					values[i] += "->" + f
				}
			}
			if key.Descending {
				columns[i] += " DESC"
				values[i] += " DESC"
			}
		}

		twin := ""
		if !index.Unique {
			columns = values
		} else if index.Name != backends.DefaultIndexName {
			twin = fmt.Sprintf(
				"CREATE INDEX %q ON %q (%s)",
				c.TableName+"_"+index.Name+"__values", c.TableName, strings.Join(values, ", "),
			)
		}
"""
COLUMNS_OLD = """		columns := make([]string, len(index.Key))
		for i, key := range index.Key {
"""
COLUMNS_NEW = """		columns := make([]string, len(index.Key))
		values := make([]string, len(index.Key))
		for i, key := range index.Key {
"""
CREATE_OLD = """		if _, err := db.ExecContext(ctx, q); err != nil {
			_ = r.indexesDrop(ctx, dbName, collectionName, created)
			return lazyerrors.Error(err)
		}

		created = append(created, index.Name)
"""
CREATE_NEW = """		if _, err := db.ExecContext(ctx, q); err != nil {
			_ = r.indexesDrop(ctx, dbName, collectionName, created)
			return lazyerrors.Error(err)
		}

		if twin != "" {
			if _, err := db.ExecContext(ctx, twin); err != nil {
				_, _ = db.ExecContext(ctx, fmt.Sprintf("DROP INDEX %q", c.TableName+"_"+index.Name))
				_ = r.indexesDrop(ctx, dbName, collectionName, created)
				return lazyerrors.Error(err)
			}
		}

		created = append(created, index.Name)
"""
DROP_OLD = """		q := fmt.Sprintf("DROP INDEX %q", c.TableName+"_"+name)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return lazyerrors.Error(err)
		}
"""
DROP_NEW = """		q := fmt.Sprintf("DROP INDEX %q", c.TableName+"_"+name)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return lazyerrors.Error(err)
		}

		q = fmt.Sprintf("DROP INDEX IF EXISTS %q", c.TableName+"_"+name+"__values")
		if _, err := db.ExecContext(ctx, q); err != nil {
			return lazyerrors.Error(err)
		}
"""


# 6. An `update` command whose statements each change one document named by `_id` reads them with
#    one query and writes them in one transaction (updatebatch.go), instead of one query and one
#    commit per statement: the lead writes of an event batch or an import. Any other command, or
#    any error, runs upstream's loop unchanged.
BATCH_OLD = """	for _, u := range params.Updates {
		c, err := db.Collection(params.Collection)
"""
BATCH_NEW = """	if c, err := db.Collection(params.Collection); err == nil && !h.DisablePushdown {
		if matched, modified, ok := updateByIDs(ctx, c, params.Updates); ok {
			return matched, modified, &upserted, nil
		}
	}

	for _, u := range params.Updates {
		c, err := db.Collection(params.Collection)
"""


# 7. FerretDB tracks the lifetime of every iterator, message and cursor for its own tests: each
#    one records a pprof sample (with its call stack) and gets a finalizer that panics if it was
#    not closed. That cost 7 % of the database's CPU when the score index read a tenant, and a
#    leak would crash the database rather than be logged. Release builds (debugbuild.Enabled is
#    false, as here) now skip it; FerretDB's debug builds keep it.
TRACKING_OLD = """func {name}(obj any, token *Token) {{
	checkArgs(obj, token)
"""
TRACKING_NEW = """func {name}(obj any, token *Token) {{
	if !debugbuild.Enabled {{
		return
	}}

	checkArgs(obj, token)
"""


# 8. SQLite's `memcmp` and `memcpy` are C translated to Go byte by byte (`memcpy` four bytes at a
#    time). SQLite's JSON cache compares each document's text with the texts it parsed before, in
#    full when they match: at every index expression of every insert or update. That loop was 11 %
#    of the database's CPU during a CSV import and 7 % during an event load, `memcpy` another 3-5 %.
#    Both now use Go's own comparison and copy (vectorised). C promises only the sign of
#    `memcmp`'s result, which is all SQLite reads; `copy` also allows overlap, which `memcpy` need
#    not. The translated functions stay in the file under another name.
LIBC_FUNCTIONS = {
    "func Xmemcmp(tls *TLS, vl uintptr, vr uintptr, n Tsize_t) (r1 int32) {\n": (
        "func Xmemcmp(tls *TLS, vl uintptr, vr uintptr, n Tsize_t) (r1 int32) {\n"
        "\tif n == 0 {\n"
        "\t\treturn 0\n"
        "\t}\n"
        "\tl := unsafe.String((*byte)(unsafe.Pointer(vl)), n)\n"
        "\tr := unsafe.String((*byte)(unsafe.Pointer(vr)), n)\n"
        "\tswitch {\n"
        "\tcase l == r:\n"
        "\t\treturn 0\n"
        "\tcase l < r:\n"
        "\t\treturn -1\n"
        "\t}\n"
        "\treturn 1\n"
        "}\n\n"
        "func xmemcmpTranslated(tls *TLS, vl uintptr, vr uintptr, n Tsize_t) (r1 int32) {\n"
    ),
    "func Xmemcpy(tls *TLS, dest uintptr, src uintptr, n Tsize_t) (r uintptr) {\n": (
        "func Xmemcpy(tls *TLS, dest uintptr, src uintptr, n Tsize_t) (r uintptr) {\n"
        "\tif n != 0 {\n"
        "\t\tcopy(unsafe.Slice((*byte)(unsafe.Pointer(dest)), n), "
        "unsafe.Slice((*byte)(unsafe.Pointer(src)), n))\n"
        "\t}\n"
        "\treturn dest\n"
        "}\n\n"
        "func xmemcpyTranslated(tls *TLS, dest uintptr, src uintptr, n Tsize_t) (r uintptr) {\n"
    ),
}


# 9. Documents are decoded from and encoded to their stored JSON by direct code for the common
#    case (fastsjson.go): upstream ran a new encoding/json Decoder per field and decoded each
#    document's schema by reflection, a fifth of the database's CPU under an event load. Anything
#    the fast code does not handle goes to upstream's, which also reports every error.
UNMARSHAL_OLD = """func Unmarshal(data []byte) (*types.Document, error) {
	var v map[string]json.RawMessage
"""
UNMARSHAL_NEW = """func Unmarshal(data []byte) (*types.Document, error) {
	if d, ok := unmarshalFast(data); ok {
		return d, nil
	}

	return unmarshalSlow(data)
}

// unmarshalSlow is upstream's Unmarshal.
func unmarshalSlow(data []byte) (*types.Document, error) {
	var v map[string]json.RawMessage
"""
MARSHAL_DOC_OLD = """	if d == nil {
		panic("v is nil")
	}

	schema, err := marshalSchemaForDoc(d)
"""
MARSHAL_DOC_NEW = """	if d == nil {
		panic("v is nil")
	}

	if b, ok := marshalDocFast(d); ok {
		return b, nil
	}

	schema, err := marshalSchemaForDoc(d)
"""
MARSHAL_FIELD_OLD = """		b, err := toSJSON(values[i]).MarshalJSON()
"""
MARSHAL_FIELD_NEW = """		if b, ok := marshalFast(values[i]); ok {
			buf.Write(b)
			continue
		}

		b, err := toSJSON(values[i]).MarshalJSON()
"""
MARSHAL_VALUE_OLD = """	b, err := toSJSON(v).MarshalJSON()
	if err != nil {
		return nil, lazyerrors.Error(err)
	}

	return b, nil
"""
MARSHAL_VALUE_NEW = """	if b, ok := marshalFast(v); ok {
		return b, nil
	}

	b, err := toSJSON(v).MarshalJSON()
	if err != nil {
		return nil, lazyerrors.Error(err)
	}

	return b, nil
"""
SCHEMA_KEY_OLD = """		if b, err = json.Marshal(key); err != nil {
			return nil, lazyerrors.Error(err)
		}

		buf.Write(b)
		buf.WriteByte(':')

		b, err = marshalElemForSingleValue("""
SCHEMA_KEY_NEW = """		b, ok := marshalFast(key)
		if !ok {
			if b, err = json.Marshal(key); err != nil {
				return nil, lazyerrors.Error(err)
			}
		}

		buf.Write(b)
		buf.WriteByte(':')

		b, err = marshalElemForSingleValue("""
SCHEMA_KEYS_OLD = """	b, err := json.Marshal(keys)
	if err != nil {"""
SCHEMA_KEYS_NEW = """	b, err := marshalKeys(keys)
	if err != nil {"""


# 10. modernc.org/sqlite prepared every statement again at each execution (stmtcache.go): a
#     connection now keeps the statements it executes, by text, and resets them for the next
#     execution of the same text (7 % of FerretDB's CPU under an event load was parsing and
#     planning the same UPDATE, INSERT, BEGIN and COMMIT).
CONN_OLD = """	writeTimeFormat string
	beginMode       string
}
"""
CONN_NEW = """	writeTimeFormat string
	beginMode       string

	cache stmtCache // prepared statements kept for the next execution (stmtcache.go)
}
"""
EXEC_OLD = [
    (
        """			// ensure stmt finalized.
			e := s.c.finalize(pstmt)
""",
        """			// ensure stmt finalized.
			e := s.c.discard(pstmt)
""",
    ),
    (
        """		if pstmt, err = s.c.prepareV2(&psql); err != nil {
""",
        """		if pstmt, err = s.c.prepareCached(&psql); err != nil {
""",
    ),
    (
        """		e := s.c.finalize(pstmt)
		pstmt = 0 // done with
""",
        """		e := s.c.release(pstmt, err)
		pstmt = 0 // done with
""",
    ),
]
CLOSE_OLD = """	if c.db != 0 {
		if err := c.closeV2(c.db); err != nil {
"""
CLOSE_NEW = """	if c.db != 0 {
		c.finalizeCached()

		if err := c.closeV2(c.db); err != nil {
"""


def replace_in_function(path: Path, signature: str, old: str, new: str) -> None:
    """Replace text that occurs exactly once in the named function (other functions may have it)."""
    text = path.read_text()
    start = text.find(signature)
    end = text.find("\n}\n", start)
    if start < 0 or end < 0 or text.count(signature) != 1:
        sys.exit(f"patch does not apply to {path}: {signature!r} not found exactly once")
    body = text[start:end]
    if body.count(old) != 1:
        sys.exit(f"patch does not apply to {path}: expected text not found once in {signature!r}")
    path.write_text(text[:start] + body.replace(old, new) + text[end:])


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    if text.count(old) != 1:
        sys.exit(f"patch does not apply to {path}: expected text not found exactly once")
    path.write_text(text.replace(old, new))


replace(SQLITE / "metadata" / "metadata.go", METADATA_OLD, METADATA_NEW)
replace(SQLITE / "collection.go", QUERY_OLD, QUERY_NEW)
replace(SQLITE / "collection.go", EXPLAIN_OLD, EXPLAIN_NEW)
HANDLER = SQLITE.parent.parent / "handler"
replace(HANDLER / "msg_update.go", UPDATE_OLD, UPDATE_NEW)
replace(HANDLER / "msg_update.go", BATCH_OLD, BATCH_NEW)
for old, new in (
    (COLUMNS_OLD, COLUMNS_NEW),
    (INDEX_OLD, INDEX_NEW),
    (CREATE_OLD, CREATE_NEW),
    (DROP_OLD, DROP_NEW),
):
    replace(SQLITE / "metadata" / "registry.go", old, new)
RESOURCE = SQLITE.parent.parent / "util" / "resource" / "resource.go"
for name in ("Track", "Untrack"):
    replace(RESOURCE, TRACKING_OLD.format(name=name), TRACKING_NEW.format(name=name))
SJSON = HANDLER / "sjson"
for old, new in (
    (UNMARSHAL_OLD, UNMARSHAL_NEW),
    (MARSHAL_DOC_OLD, MARSHAL_DOC_NEW),
    (MARSHAL_FIELD_OLD, MARSHAL_FIELD_NEW),
    (MARSHAL_VALUE_OLD, MARSHAL_VALUE_NEW),
):
    replace(SJSON / "sjson.go", old, new)
for old, new in ((SCHEMA_KEY_OLD, SCHEMA_KEY_NEW), (SCHEMA_KEYS_OLD, SCHEMA_KEYS_NEW)):
    replace(SJSON / "schema.go", old, new)
shutil.copy(HERE / "fastsjson.go", SJSON / "fastsjson.go")
shutil.copy(HERE / "pushdown.go", SQLITE / "pushdown.go")
shutil.copy(HERE / "updatebatch.go", HANDLER / "updatebatch.go")
LIBC = Path(sys.argv[1]).parents[2] / "modernc.org" / "libc"
for name in ("ccgo_linux_amd64.go", "ccgo_linux_arm64.go", "ccgo_linux_loong64.go"):
    for old, new in LIBC_FUNCTIONS.items():
        replace(LIBC / name, old, new)
DRIVER = Path(sys.argv[1]).parents[2] / "modernc.org" / "sqlite"
replace(DRIVER / "sqlite.go", CONN_OLD, CONN_NEW)
replace(DRIVER / "sqlite.go", CLOSE_OLD, CLOSE_NEW)
for old, new in EXEC_OLD:
    replace_in_function(DRIVER / "sqlite.go", "func (s *stmt) exec(", old, new)
shutil.copy(HERE / "stmtcache.go", DRIVER / "stmtcache.go")
print("patched", SQLITE, LIBC, "and", DRIVER)
