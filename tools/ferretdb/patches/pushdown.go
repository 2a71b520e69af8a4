// Leadscore addition to FerretDB v1.24.2's SQLite backend (see tools/ferretdb/build.sh).
//
// Upstream pushes a filter down to SQLite only when it is exactly {_id: <string|ObjectID>}; any
// other query makes FerretDB read every document of the collection and decode it in Go (about
// 200 µs per document), then filter in memory. This file turns the simple parts of a filter into
// an SQL WHERE clause that SQLite evaluates, so only candidate documents are decoded. The handler
// still applies the whole filter to what comes back (the backend contract: "Filter may be
// ignored, or safely applied partially or entirely"), so each condition only has to keep every
// document that can match — a superset — never to be exact:
//
//   - {field: "text"}               the field is that string, or an array (it may contain it);
//   - {field: {$in: ["a", "b"]}}    the same, for any of the strings;
//   - {field: {$gt|$gte: <date or finite number>}}
//                                   the field is a number (dates are stored as Unix milliseconds)
//                                   that compares so, or it is text: a string, an array or an
//                                   object (left to the handler);
//   - {field: {$lt|$lte: <date or finite number>}}
//                                   the field is a number that compares so, or an array (it may
//                                   hold one); a string or an object never matches such a bound.
//                                   Both are alternatives of the disjunction below, so that a
//                                   range such as {$gt: a, $lt: b} is one index range (with
//                                   `OR field >= ''`, SQLite read every entry above a);
//   - {_id: <string|ObjectID>}      alongside other conditions (upstream: only alone), and
//     {_id: {$in: [strings or ObjectIDs]}}, both as searches of the `_id_` index.
//
// The conditions are spelled like the indexes so that SQLite searches one instead of parsing
// every stored document: `_ferretdb_sjson->>"field"` (the field's SQL value), the expression
// apply.py builds every index on (unique ones keep upstream's `->` and get a twin on `->>`). An
// array is JSON text starting with "[", so "or an array" is the index range ['[', '\'); numbers
// sort before all text in SQLite, so "or text" needs no condition after a lower bound.
//
// Only top-level field names made of letters, digits and underscores (and not FerretDB's own
// `_ferretdb_` columns) are considered, and a name given twice is left alone. Anything else in
// the filter is ignored here and applied by the handler as before.

package sqlite

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// pushdownField matches the field names that can be written as a JSON path without quoting.
var pushdownField = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// maxInValues bounds the values of an $in that is pushed down, and maxArgs all the arguments of
// a clause (SQLite allows 32 766 parameters; a string condition's may repeat, see below).
const (
	maxInValues = 5000
	maxArgs     = 30000
)

// pushdownComparisons maps query operators to SQL operators.
var pushdownComparisons = map[string]string{"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}

// prepareWhereClause returns a WHERE clause (empty if nothing could be pushed down) and its
// arguments. Every document that matches filter satisfies the clause.
func prepareWhereClause(filter *types.Document) (string, []any) {
	if filter == nil || filter.Len() == 0 {
		return "", nil
	}

	keys := filter.Keys()
	seen := make(map[string]int, len(keys))

	for _, k := range keys {
		seen[k]++
	}

	var conds []string
	var args []any
	var either [][2]sqlTerm // per string condition: the string itself, or an array

	for _, k := range keys {
		if seen[k] != 1 {
			continue
		}

		v := must.NotFail(filter.Get(k))

		if k == "_id" {
			if cond, idArgs := idCondition(v); cond != "" {
				conds = append(conds, cond)
				args = append(args, idArgs...)
			}

			continue
		}

		if !pushdownField.MatchString(k) || strings.HasPrefix(k, "_ferretdb_") {
			continue
		}

		// spelled exactly like the index expressions (metadata/registry.go, as patched)
		value := fmt.Sprintf("%s->>%q", metadata.DefaultColumn, k)

		switch v := v.(type) {
		case string:
			either = append(either, [2]sqlTerm{{value + " = ?", []any{v}}, {arrayRange(value), nil}})

		case *types.Document:
			opSeen := make(map[string]int, v.Len())
			for _, op := range v.Keys() {
				opSeen[op]++
			}

			for _, op := range v.Keys() {
				if opSeen[op] != 1 {
					continue
				}

				operand := must.NotFail(v.Get(op))

				if op == "$in" {
					if in, ok := inTerm(value, operand); ok {
						either = append(either, [2]sqlTerm{in, {arrayRange(value), nil}})
					}

					continue
				}

				sqlOp, ok := pushdownComparisons[op]
				if !ok {
					continue
				}

				if number, ok := comparable(operand); ok {
					cond := fmt.Sprintf("%s %s ?", value, sqlOp)
					if sqlOp == "<" || sqlOp == "<=" {
						// text sorts after numbers: an array (which may hold a smaller value)
						// is kept as the other alternative, each one an index range
						either = append(either, [2]sqlTerm{{cond, []any{number}}, {arrayRange(value), nil}})

						continue
					}

					conds = append(conds, cond)
					args = append(args, number)
				}
			}
		}
	}

	// The string conditions and upper bounds go first, as one disjunction of every combination
	// of their two alternatives ((a AND b) OR (a AND b[]) OR ...): SQLite searches an index for
	// each term, with the other conditions, where two ANDed ORs would only let it search for one
	// of them.
	if len(either) > maxCombined {
		for _, e := range either[maxCombined:] {
			conds = append(conds, "("+e[0].sql+" OR "+e[1].sql+")")
			args = append(args, e[0].args...)
		}

		either = either[:maxCombined]
	}

	if len(either) > 0 {
		terms := []sqlTerm{{}}
		for _, e := range either {
			var next []sqlTerm
			for _, t := range terms {
				for _, alt := range e {
					sql := alt.sql
					if t.sql != "" {
						sql = t.sql + " AND " + alt.sql
					}

					next = append(next, sqlTerm{sql, append(slices.Clip(t.args), alt.args...)})
				}
			}

			terms = next
		}

		var sqls []string
		var termArgs []any

		for _, t := range terms {
			sqls = append(sqls, "("+t.sql+")")
			termArgs = append(termArgs, t.args...)
		}

		conds = append([]string{"(" + strings.Join(sqls, " OR ") + ")"}, conds...)
		args = append(termArgs, args...)
	}

	if len(conds) == 0 || len(args) > maxArgs {
		return "", nil
	}

	where := " WHERE " + conds[0]
	for _, c := range conds[1:] {
		where += " AND " + c
	}

	return where, args
}

// idCondition is the condition on `_id` (which is never an array) for {_id: x} and
// {_id: {$in: [x, ...]}} with strings and ObjectIDs, spelled like the `_id_` index so that SQLite
// searches it; "" for anything else.
func idCondition(v any) (string, []any) {
	switch v := v.(type) {
	case string, types.ObjectID:
		return metadata.IDColumn + " = ?", []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}

	case *types.Document:
		if v.Len() != 1 || !v.Has("$in") {
			return "", nil
		}

		arr, ok := must.NotFail(v.Get("$in")).(*types.Array)
		if !ok || arr.Len() == 0 || arr.Len() > maxInValues {
			return "", nil
		}

		args := make([]any, 0, arr.Len())

		for i := 0; i < arr.Len(); i++ {
			switch id := must.NotFail(arr.Get(i)).(type) {
			case string, types.ObjectID:
				args = append(args, string(must.NotFail(sjson.MarshalSingleValue(id))))
			default:
				return "", nil
			}
		}

		return fmt.Sprintf("%s IN (%s)", metadata.IDColumn, placeholders(len(args))), args
	}

	return "", nil
}

// placeholders returns "?, ?, ..." for n values.
func placeholders(n int) string {
	marks := "?"
	for i := 1; i < n; i++ {
		marks += ", ?"
	}

	return marks
}

// sqlTerm is a condition and the arguments of its placeholders.
type sqlTerm struct {
	sql  string
	args []any
}

// maxCombined bounds the string conditions combined into one disjunction (2^n terms).
const maxCombined = 3

// arrayRange holds when the expression is an array (JSON text starting with "[").
func arrayRange(expr string) string {
	return fmt.Sprintf(`%s >= '[' AND %s < '\'`, expr, expr)
}

// inTerm is the condition for {field: {$in: [strings]}}; false if an element is not a string.
func inTerm(value string, operand any) (sqlTerm, bool) {
	arr, ok := operand.(*types.Array)
	if !ok || arr.Len() == 0 || arr.Len() > maxInValues {
		return sqlTerm{}, false
	}

	args := make([]any, 0, arr.Len())

	for i := 0; i < arr.Len(); i++ {
		s, ok := must.NotFail(arr.Get(i)).(string)
		if !ok {
			return sqlTerm{}, false
		}

		args = append(args, s)
	}

	return sqlTerm{fmt.Sprintf("%s IN (%s)", value, placeholders(len(args))), args}, true
}

// comparable returns the number a stored date or number is compared with in SQL.
func comparable(operand any) (any, bool) {
	switch o := operand.(type) {
	case time.Time:
		return o.UnixMilli(), true
	case int32:
		return int64(o), true
	case int64:
		return o, true
	case float64:
		if math.IsNaN(o) || math.IsInf(o, 0) {
			return nil, false
		}

		return o, true
	default:
		return nil, false
	}
}
