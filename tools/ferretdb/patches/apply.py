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


# 5. Indexes that are not unique are built on `->>` (the field's SQL value: numbers as numbers,
#    strings unquoted) instead of `->` (its JSON text), so a range on a date or a number can
#    search them (JSON text orders 10 before 9); pushdown.go spells its conditions the same way.
#    Unique indexes keep `->`, and with it upstream's uniqueness rules (under `->>` the boolean
#    true and the number 1 would collide). Indexes created before keep their old expression:
#    queries stay correct and scan, as they did.
INDEX_OLD = """			columns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))
"""
INDEX_NEW = """			columns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))
			if !index.Unique {
				last := len(fields) - 1
				columns[i] = DefaultColumn
				for j, f := range fields {
					if j == last {
						columns[i] += "->>" + f
					} else {
						columns[i] += "->" + f
					}
				}
			}
"""


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    if text.count(old) != 1:
        sys.exit(f"patch does not apply to {path}: expected text not found exactly once")
    path.write_text(text.replace(old, new))


replace(SQLITE / "metadata" / "metadata.go", METADATA_OLD, METADATA_NEW)
replace(SQLITE / "collection.go", QUERY_OLD, QUERY_NEW)
replace(SQLITE / "collection.go", EXPLAIN_OLD, EXPLAIN_NEW)
replace(SQLITE.parent.parent / "handler" / "msg_update.go", UPDATE_OLD, UPDATE_NEW)
replace(SQLITE / "metadata" / "registry.go", INDEX_OLD, INDEX_NEW)
shutil.copy(HERE / "pushdown.go", SQLITE / "pushdown.go")
print("patched", SQLITE)
