// Leadscore's change to modernc.org/sqlite (copied into the vendored driver by apply.py,
// change 10).
//
// The driver prepared an SQL statement again at every execution (sqlite3_prepare_v2, then
// sqlite3_finalize): it keeps no prepared statements, even for a database/sql Stmt. FerretDB runs
// the same few statements all the time (an UPDATE of one document by `_id` for each document an
// update command changes, the INSERTs of a batch, BEGIN and COMMIT), and parsing and planning
// them was 7 % of its CPU under an event load. A connection now keeps the statements it executed
// (a single statement each, by its text, at most maxCachedStmts): the next execution of the same
// text resets the statement and binds new arguments instead of preparing it. A statement whose
// execution failed is finalized, not kept; the connection finalizes those it keeps before it
// closes. SQLite re-prepares a kept statement by itself when the schema changed (an index created
// or dropped), or reports the error if what it names is gone.

package sqlite

import (
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// maxCachedStmts bounds the idle prepared statements a connection keeps.
const maxCachedStmts = 64

// stmtCache holds a connection's idle prepared statements by text, and the text of those it has
// handed out for an execution (to be kept again once it is done).
type stmtCache struct {
	idle  map[string]uintptr
	inUse map[uintptr]string
}

// prepareCached is prepareV2 for exec: an idle statement of the same text if the connection
// keeps one, else a new one (kept after its execution when it is the only statement of the text).
func (c *conn) prepareCached(zSQL *uintptr) (uintptr, error) {
	text := libc.GoString(*zSQL)
	if pstmt, ok := c.cache.idle[text]; ok {
		delete(c.cache.idle, text)
		c.cache.inUse[pstmt] = text
		*zSQL += uintptr(len(text))

		return pstmt, nil
	}

	pstmt, err := c.prepareV2(zSQL)
	if err != nil || pstmt == 0 {
		return pstmt, err
	}

	if *(*byte)(unsafe.Pointer(*zSQL)) == 0 { // the whole text was one statement
		if c.cache.idle == nil {
			c.cache.idle = make(map[string]uintptr)
			c.cache.inUse = make(map[uintptr]string)
		}

		c.cache.inUse[pstmt] = text
	}

	return pstmt, nil
}

// release ends a statement's execution: it is kept for the next one unless the execution
// failed (err), it cannot be reset, or the connection keeps enough; otherwise finalized.
func (c *conn) release(pstmt uintptr, err error) error {
	text, ok := c.cache.inUse[pstmt]
	if !ok {
		return c.finalize(pstmt)
	}

	delete(c.cache.inUse, pstmt)

	_, taken := c.cache.idle[text]
	if err != nil || taken || len(c.cache.idle) >= maxCachedStmts ||
		sqlite3.Xsqlite3_reset(c.tls, pstmt) != sqlite3.SQLITE_OK {
		return c.finalize(pstmt)
	}

	sqlite3.Xsqlite3_clear_bindings(c.tls, pstmt)
	c.cache.idle[text] = pstmt

	return nil
}

// discard finalizes a statement whose execution was cut short (never kept).
func (c *conn) discard(pstmt uintptr) error {
	delete(c.cache.inUse, pstmt)

	return c.finalize(pstmt)
}

// finalizeCached finalizes every statement the connection keeps (before it closes: a statement
// left unfinalized keeps a closed connection alive).
func (c *conn) finalizeCached() {
	for text, pstmt := range c.cache.idle {
		delete(c.cache.idle, text)
		c.finalize(pstmt) //nolint:errcheck // closing anyway
	}

	for pstmt := range c.cache.inUse {
		delete(c.cache.inUse, pstmt)
		c.finalize(pstmt) //nolint:errcheck // closing anyway
	}
}
