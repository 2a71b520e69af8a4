// Leadscore's change to FerretDB's `update` command (copied into internal/handler by apply.py,
// change 6).
//
// Upstream runs each statement of an `update` command on its own: one query, then one SQLite
// transaction per modified document. A bulk write of 1 000 `{_id: x}` updates (how Leadscore folds
// an event batch into its leads) so cost 1 000 queries and 1 000 commits, ~3 ms of CPU per lead.
// When every statement names one document by `_id` (a string or an ObjectID, each `_id` once, no
// upsert; other conditions may come with it, such as a compare-and-set on a version field),
// updateByIDs reads all of them with one query and writes all of them in one transaction. The
// statements are applied by upstream's own code (common.UpdateDocument), in order, so the
// documents, counts and validation are the same. Such commands run one at a time, from the read
// to the commit, so a statement's conditions hold for the document it replaces.
//
// Anything else, or any error before the commit, leaves nothing written and reports ok = false:
// the caller then runs upstream's loop, statement by statement, with upstream's errors and
// partial results. The only difference a client can see is that a successful command is atomic.

package handler

import (
	"context"
	"sync"

	"github.com/FerretDB/FerretDB/internal/backends"
	"github.com/FerretDB/FerretDB/internal/handler/common"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/iterator"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// maxBatchedUpdates bounds the documents one batched command reads and writes at once
// (pymongo sends at most 100 000 statements per command; Leadscore sends 1 000).
const maxBatchedUpdates = 5000

// byIDs serializes by-`_id` updates, from the read of their documents to the commit, so that a
// statement's filter is checked against the document it then replaces. Without it two commands
// could both read a document, both find their compare-and-set condition (`updatedAt`, a
// version) true, and the second would overwrite the first (upstream has the same window between
// a statement's query and its write). SQLite serializes the writes themselves anyway.
var byIDs sync.Mutex

// bufferedCollection is a collection whose UpdateAll keeps the documents instead of writing them.
type bufferedCollection struct {
	backends.Collection
	docs []*types.Document
}

// UpdateAll implements backends.Collection interface.
func (b *bufferedCollection) UpdateAll(_ context.Context, params *backends.UpdateAllParams) (*backends.UpdateAllResult, error) {
	b.docs = append(b.docs, params.Docs...)
	return &backends.UpdateAllResult{Updated: int32(len(params.Docs))}, nil
}

// idKey is the `_id` of a by-id statement as the database stores it, or "" if the statement is
// not one. Other conditions may come with the `_id` (a compare-and-set on a version field):
// the statement's whole filter is applied to the document read, as upstream applies it.
func idKey(u *common.Update) (string, any) {
	if u.Upsert || u.Filter == nil || u.Update == nil {
		return "", nil
	}

	v, err := u.Filter.Get("_id")
	if err != nil {
		return "", nil
	}

	switch v.(type) {
	case string, types.ObjectID:
		return string(must.NotFail(sjson.MarshalSingleValue(v))), v
	default:
		return "", nil
	}
}

// updateByIDs runs the statements with one query and one transaction when each names one
// document by `_id`; ok is false (and nothing was written) otherwise.
func updateByIDs(ctx context.Context, c backends.Collection, updates []common.Update) (matched, modified int32, ok bool) {
	if len(updates) == 0 || len(updates) > maxBatchedUpdates {
		return 0, 0, false
	}

	ids := types.MakeArray(len(updates))
	keys := make([]string, len(updates))
	seen := make(map[string]struct{}, len(updates))

	for i := range updates {
		key, id := idKey(&updates[i])
		if key == "" {
			return 0, 0, false
		}

		if _, dup := seen[key]; dup {
			return 0, 0, false
		}

		seen[key] = struct{}{}
		keys[i] = key
		ids.Append(id)
	}

	filter := must.NotFail(types.NewDocument("_id", must.NotFail(types.NewDocument("$in", ids))))

	byIDs.Lock()
	defer byIDs.Unlock()

	res, err := c.Query(ctx, &backends.QueryParams{Filter: filter})
	if err != nil {
		return 0, 0, false
	}

	docs, err := iterator.ConsumeValues(res.Iter)
	if err != nil {
		return 0, 0, false
	}

	byKey := make(map[string]*types.Document, len(docs))

	for _, doc := range docs {
		if id, err := doc.Get("_id"); err == nil {
			byKey[string(must.NotFail(sjson.MarshalSingleValue(id)))] = doc
		}
	}

	buffer := &bufferedCollection{Collection: c}

	for i := range updates {
		var found []*types.Document
		if doc, exists := byKey[keys[i]]; exists {
			found = append(found, doc)
		}

		closer := iterator.NewMultiCloser()
		iter := common.FilterIterator(iterator.Values(iterator.ForSlice(found)), closer, updates[i].Filter)
		result, err := common.UpdateDocument(ctx, buffer, "update", iter, &updates[i])
		closer.Close()

		if err != nil {
			return 0, 0, false
		}

		matched += result.Matched.Count
		modified += result.Modified.Count
	}

	if len(buffer.docs) > 0 {
		if _, err := c.UpdateAll(ctx, &backends.UpdateAllParams{Docs: buffer.docs}); err != nil {
			return 0, 0, false
		}
	}

	return matched, modified, true
}
