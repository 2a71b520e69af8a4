// Leadscore's change to FerretDB's storage JSON (copied into internal/handler/sjson by apply.py,
// change 9).
//
// Every document FerretDB-SQLite reads is decoded from its stored JSON by sjson.Unmarshal, and
// upstream does it with a new encoding/json Decoder per field (reflection, a buffer, an error
// check per value) and decodes the document's schema (`$s`, about half its text) by reflection
// every time. That was a fifth of the database's CPU under an event load (the lead documents
// an event batch updates are read first) and ~80 µs per lead document.
//
// unmarshalFast decodes the common case directly: an object whose `$s` comes first and whose
// fields follow in the schema's order (as sjson.Marshal writes them), plain keys, and scalar
// values in their canonical JSON form. Schemas are decoded once and kept (documents of a
// collection share a few). The values are the same Go values upstream produces. Anything else
// (escapes, a number encoding/json would refuse or read differently, an empty object or array,
// binary data, regexes, timestamps) goes to upstream's decoder, as does any document this
// decoder does not accept: errors are upstream's.
//
// marshalFast writes strings, integers, dates and booleans the way encoding/json does (a string
// only when it has no character json.Marshal escapes), so stored text and query arguments are
// byte for byte what upstream writes.

package sjson

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// maxCachedSchemas bounds the decoded schemas kept (the cache starts over when full).
const maxCachedSchemas = 4096

// cachedSchema is a decoded schema and whether its keys are all distinct.
type cachedSchema struct {
	schema   *schema
	distinct bool
}

var schemaCache struct {
	sync.RWMutex
	m map[string]cachedSchema
}

// decodeSchema returns the decoded schema of the raw `$s` value, decoded once per distinct text.
func decodeSchema(raw []byte) (cachedSchema, bool) {
	schemaCache.RLock()
	found, ok := schemaCache.m[string(raw)]
	schemaCache.RUnlock()

	if ok {
		return found, true
	}

	var sch schema

	r := bytes.NewReader(raw)
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()

	if err := dec.Decode(&sch); err != nil {
		return cachedSchema{}, false
	}

	if err := checkConsumed(dec, r); err != nil {
		return cachedSchema{}, false
	}

	seen := make(map[string]struct{}, len(sch.Keys))
	for _, key := range sch.Keys {
		seen[key] = struct{}{}
	}

	found = cachedSchema{schema: &sch, distinct: len(seen) == len(sch.Keys)}

	schemaCache.Lock()
	if schemaCache.m == nil || len(schemaCache.m) >= maxCachedSchemas {
		schemaCache.m = make(map[string]cachedSchema)
	}
	schemaCache.m[string(raw)] = found
	schemaCache.Unlock()

	return found, true
}

// unmarshalFast decodes a stored document; ok is false if the caller must use upstream's decoder.
func unmarshalFast(data []byte) (*types.Document, bool) {
	keys, values, ok := members(data)
	if !ok || len(keys) == 0 || string(keys[0]) != "$s" {
		return nil, false
	}

	sch, ok := decodeSchema(values[0])
	if !ok || !sch.distinct || len(sch.schema.Keys) != len(keys)-1 {
		return nil, false
	}

	return documentFast(keys[1:], values[1:], sch.schema)
}

// documentFast builds a document from its members, which must follow the schema's keys.
func documentFast(keys, values [][]byte, sch *schema) (*types.Document, bool) {
	d := types.MakeDocument(len(sch.Keys))

	for i, key := range sch.Keys {
		if string(keys[i]) != key {
			return nil, false
		}

		v, ok := valueFast(values[i], sch.Properties[key])
		if !ok {
			return nil, false
		}

		d.Set(key, v)
	}

	return d, true
}

// valueFast decodes one value by its schema; ok is false for anything left to upstream.
func valueFast(data []byte, sch *elem) (any, bool) {
	if string(data) == "null" {
		return types.Null, true
	}

	if sch == nil {
		return nil, false
	}

	switch sch.Type {
	case elemTypeString:
		return stringFast(data)
	case elemTypeBinData:
		return binaryFast(data, sch)
	case elemTypeInt:
		if n, ok := intFast(data, 32); ok {
			return int32(n), true
		}
	case elemTypeLong:
		return intFast(data, 64)
	case elemTypeDate:
		if n, ok := intFast(data, 64); ok {
			return time.UnixMilli(n), true
		}
	case elemTypeDouble:
		if isNumber(data) {
			if f, err := strconv.ParseFloat(string(data), 64); err == nil {
				return f, true
			}
		}
	case elemTypeBool:
		switch string(data) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	case elemTypeObject:
		if sch.Schema == nil || !distinctKeys(sch.Schema) {
			return nil, false
		}

		keys, values, ok := members(data)
		if !ok || len(keys) == 0 || len(keys) != len(sch.Schema.Keys) {
			return nil, false
		}

		if d, ok := documentFast(keys, values, sch.Schema); ok {
			return d, true
		}
	case elemTypeArray:
		items, ok := elements(data)
		if !ok || len(items) == 0 || len(items) != len(sch.Items) {
			return nil, false
		}

		a := types.MakeArray(len(items))

		for i, item := range items {
			v, ok := valueFast(item, sch.Items[i])
			if !ok {
				return nil, false
			}

			a.Append(v)
		}

		return a, true
	}

	return nil, false
}

// distinctKeys reports whether a nested document's schema names each key once.
func distinctKeys(sch *schema) bool {
	for i, key := range sch.Keys {
		for _, other := range sch.Keys[:i] {
			if key == other {
				return false
			}
		}
	}

	return true
}

// stringFast decodes a JSON string of valid UTF-8 whose escapes, if any, are among \" \\ \/ \b
// \f \n \r \t (a \u escape is left to upstream).
func stringFast(data []byte) (any, bool) {
	s, ok := unquote(data)
	if !ok {
		return nil, false
	}

	return s, true
}

func unquote(data []byte) (string, bool) {
	n := len(data)
	if n < 2 || data[0] != '"' || data[n-1] != '"' {
		return "", false
	}

	inner := data[1 : n-1]
	escaped := false

	for _, c := range inner {
		if c < 0x20 {
			return "", false
		}

		if c == '\\' || c == '"' {
			escaped = true
		}
	}

	if !utf8.Valid(inner) {
		return "", false
	}

	if !escaped {
		return string(inner), true
	}

	out := make([]byte, 0, len(inner))

	for i := 0; i < len(inner); i++ {
		c := inner[i]
		if c == '"' {
			return "", false
		}

		if c != '\\' {
			out = append(out, c)
			continue
		}

		i++
		if i >= len(inner) {
			return "", false
		}

		switch inner[i] {
		case '"', '\\', '/':
			out = append(out, inner[i])
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		default:
			return "", false
		}
	}

	return string(out), true
}

// binaryFast decodes base64 binary data as encoding/json decodes a []byte.
func binaryFast(data []byte, sch *elem) (any, bool) {
	if sch.Subtype == nil {
		return nil, false
	}

	s, ok := unquote(data)
	if !ok {
		return nil, false
	}

	b := make([]byte, base64.StdEncoding.DecodedLen(len(s)))

	n, err := base64.StdEncoding.Decode(b, []byte(s))
	if err != nil {
		return nil, false
	}

	return types.Binary{B: b[:n], Subtype: *sch.Subtype}, true
}

// intFast decodes a JSON integer (no fraction or exponent) that fits in bits.
func intFast(data []byte, bits int) (int64, bool) {
	if !isNumber(data) || bytes.ContainsAny(data, ".eE") {
		return 0, false
	}

	n, err := strconv.ParseInt(string(data), 10, bits)

	return n, err == nil
}

// isNumber reports whether data is a number as JSON spells it.
func isNumber(data []byte) bool {
	i, n := 0, len(data)
	if i < n && data[i] == '-' {
		i++
	}

	switch {
	case i < n && data[i] == '0':
		i++
	case i < n && data[i] >= '1' && data[i] <= '9':
		i = skipDigits(data, i)
	default:
		return false
	}

	if i < n && data[i] == '.' {
		start := i + 1
		if i = skipDigits(data, start); i == start {
			return false // a fraction needs a digit
		}
	}

	if i < n && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < n && (data[i] == '+' || data[i] == '-') {
			i++
		}

		start := i
		if i = skipDigits(data, i); i == start {
			return false // an exponent needs a digit
		}
	}

	return i == n
}

// skipDigits returns the index of the first byte at or after i that is not an ASCII digit.
func skipDigits(data []byte, i int) int {
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}

	return i
}

// members splits a JSON object into its keys and raw values, in order; ok is false for an
// escaped or invalid key, or text this scanner does not follow. Values are only delimited here:
// each is validated by the decoder of its type.
func members(data []byte) (keys, values [][]byte, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, nil, false
	}

	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil, nil, skipSpace(data, i+1) == len(data)
	}

	for {
		if i >= len(data) || data[i] != '"' {
			return nil, nil, false
		}

		j := i + 1
		for j < len(data) && data[j] != '"' {
			if data[j] == '\\' || data[j] < 0x20 {
				return nil, nil, false
			}
			j++
		}

		if j >= len(data) || !utf8.Valid(data[i+1:j]) {
			return nil, nil, false
		}

		key := data[i+1 : j]

		i = skipSpace(data, j+1)
		if i >= len(data) || data[i] != ':' {
			return nil, nil, false
		}

		i = skipSpace(data, i+1)

		end, ok := skipValue(data, i)
		if !ok {
			return nil, nil, false
		}

		keys = append(keys, key)
		values = append(values, data[i:end])

		i = skipSpace(data, end)
		if i >= len(data) {
			return nil, nil, false
		}

		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return keys, values, skipSpace(data, i+1) == len(data)
		default:
			return nil, nil, false
		}
	}
}

// elements splits a JSON array into its raw items (delimited only, as members does).
func elements(data []byte) ([][]byte, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil, false
	}

	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return nil, skipSpace(data, i+1) == len(data)
	}

	var items [][]byte

	for {
		end, ok := skipValue(data, i)
		if !ok {
			return nil, false
		}

		items = append(items, data[i:end])

		i = skipSpace(data, end)
		if i >= len(data) {
			return nil, false
		}

		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case ']':
			return items, skipSpace(data, i+1) == len(data)
		default:
			return nil, false
		}
	}
}

// skipValue returns the end of the value starting at i (a string, object, array or literal).
func skipValue(data []byte, i int) (int, bool) {
	if i >= len(data) {
		return 0, false
	}

	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0

		for i < len(data) {
			switch data[i] {
			case '"':
				end, ok := skipString(data, i)
				if !ok {
					return 0, false
				}

				i = end

				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
			i++
		}

		return 0, false
	default:
		start := i
		for i < len(data) {
			switch data[i] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				return i, i > start
			}
			i++
		}

		return i, i > start
	}
}

// skipString returns the end of the string starting at i (after its closing quote).
func skipString(data []byte, i int) (int, bool) {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}

	return 0, false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}

	return i
}

// marshalFast encodes a string, number, date, boolean or binary data as encoding/json does; ok
// is false for other values and for strings with a character json.Marshal escapes other than
// " and \\ (left to upstream).
func marshalFast(v any) ([]byte, bool) {
	switch v.(type) {
	case string, float64, int32, int64, time.Time, bool, types.Binary:
		return appendScalar(nil, v)
	}

	return nil, false
}

// appendScalar appends a scalar as marshalFast encodes it.
func appendScalar(b []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case string:
		b = append(b, '"')

		for i := 0; i < len(v); i++ {
			c := v[i]
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20 || c >= 0x7f || c == '<' || c == '>' || c == '&':
				return nil, false
			default:
				b = append(b, c)
			}
		}

		return append(b, '"'), true
	case float64:
		// encoding/json's 'f' format, for the magnitudes it writes that way (not NaN or ±Inf)
		if abs := math.Abs(v); abs == 0 || (abs >= 1e-6 && abs < 1e21) {
			return strconv.AppendFloat(b, v, 'f', -1, 64), true
		}
	case int32:
		return strconv.AppendInt(b, int64(v), 10), true
	case int64:
		return strconv.AppendInt(b, v, 10), true
	case time.Time:
		return strconv.AppendInt(b, v.UnixMilli(), 10), true
	case bool:
		return strconv.AppendBool(b, v), true
	case types.Binary:
		if v.B == nil {
			return nil, false
		}

		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, v.B)

		return append(b, '"'), true
	case types.ObjectID:
		b = append(b, '"')
		b = hex.AppendEncode(b, v[:])

		return append(b, '"'), true
	case types.NullType:
		return append(b, "null"...), true
	}

	return nil, false
}

// marshalDocFast encodes a document to be stored as Marshal does (its schema, then its fields),
// in one buffer; ok is false if any part is left to upstream (the caller then runs upstream's
// code for the whole document).
func marshalDocFast(d *types.Document) ([]byte, bool) {
	b := make([]byte, 0, 1024)
	b = append(b, `{"$s":`...)

	b, ok := appendSchema(b, d)
	if !ok {
		return nil, false
	}

	keys, values := d.Keys(), d.Values()
	for i, key := range keys {
		b = append(b, `,"`...) // upstream writes the top-level keys as they are
		b = append(b, key...)
		b = append(b, `":`...)

		if b, ok = appendValue(b, values[i]); !ok {
			return nil, false
		}
	}

	return append(b, '}'), true
}

// appendValue appends a value as MarshalSingleValue encodes it.
func appendValue(b []byte, v any) ([]byte, bool) {
	var ok bool

	switch v := v.(type) {
	case *types.Document:
		keys, values := v.Keys(), v.Values()
		b = append(b, '{')

		if b, ok = appendEach(b, len(keys), func(b []byte, i int) ([]byte, bool) {
			return appendMember(b, keys[i], values[i], appendValue)
		}); !ok {
			return nil, false
		}

		return append(b, '}'), true
	case *types.Array:
		b = append(b, '[')

		if b, ok = appendItems(b, v, appendValue); !ok {
			return nil, false
		}

		return append(b, ']'), true
	}

	return appendScalar(b, v)
}

// appendSchema appends a document's schema as marshalSchemaForDoc writes it.
func appendSchema(b []byte, d *types.Document) ([]byte, bool) {
	keys, values := d.Keys(), d.Values()
	if len(keys) == 0 {
		return append(b, "{}"...), true
	}

	var ok bool

	b = append(b, `{"p":{`...)

	if b, ok = appendEach(b, len(keys), func(b []byte, i int) ([]byte, bool) {
		return appendMember(b, keys[i], values[i], appendElem)
	}); !ok {
		return nil, false
	}

	b = append(b, `},"$k":[`...)

	if b, ok = appendEach(b, len(keys), func(b []byte, i int) ([]byte, bool) {
		return appendScalar(b, keys[i])
	}); !ok {
		return nil, false
	}

	return append(b, "]}"...), true
}

// appendEach appends n parts separated by commas; ok is false as soon as a part's is.
func appendEach(b []byte, n int, part func([]byte, int) ([]byte, bool)) ([]byte, bool) {
	var ok bool

	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}

		if b, ok = part(b, i); !ok {
			return nil, false
		}
	}

	return b, true
}

// appendMember appends a quoted key, a colon and the value as encode appends it.
func appendMember(b []byte, key string, value any, encode func([]byte, any) ([]byte, bool)) ([]byte, bool) {
	b, ok := appendScalar(b, key)
	if !ok {
		return nil, false
	}

	return encode(append(b, ':'), value)
}

// appendItems appends an array's items, each as encode appends it, separated by commas.
func appendItems(b []byte, a *types.Array, encode func([]byte, any) ([]byte, bool)) ([]byte, bool) {
	return appendEach(b, a.Len(), func(b []byte, i int) ([]byte, bool) {
		return encode(b, must.NotFail(a.Get(i)))
	})
}

// appendElem appends a value's schema element as marshalElemForSingleValue writes it.
func appendElem(b []byte, v any) ([]byte, bool) {
	var ok bool

	switch v := v.(type) {
	case *types.Document:
		b = append(b, `{"t":"object","$s":`...)

		if b, ok = appendSchema(b, v); !ok {
			return nil, false
		}

		return append(b, '}'), true
	case *types.Array:
		b = append(b, `{"t":"array","i":[`...)

		if b, ok = appendItems(b, v, appendElem); !ok {
			return nil, false
		}

		return append(b, "]}"...), true
	case float64:
		return append(b, `{"t":"double"}`...), true
	case string:
		return append(b, `{"t":"string"}`...), true
	case types.Binary:
		b = append(b, `{"t":"binData","s":`...)
		b = strconv.AppendInt(b, int64(v.Subtype), 10)

		return append(b, '}'), true
	case types.ObjectID:
		return append(b, `{"t":"objectId"}`...), true
	case bool:
		return append(b, `{"t":"bool"}`...), true
	case time.Time:
		return append(b, `{"t":"date"}`...), true
	case types.NullType:
		return append(b, `{"t":"null"}`...), true
	case int32:
		return append(b, `{"t":"int"}`...), true
	case types.Timestamp:
		return append(b, `{"t":"timestamp"}`...), true
	case int64:
		return append(b, `{"t":"long"}`...), true
	}

	return nil, false // a regex: upstream's
}

// marshalKeys encodes the keys as a JSON array, as json.Marshal does.
func marshalKeys(keys []string) ([]byte, error) {
	b := []byte{'['}

	for i, key := range keys {
		if i > 0 {
			b = append(b, ',')
		}

		k, ok := marshalFast(key)
		if !ok {
			var err error
			if k, err = json.Marshal(key); err != nil {
				return nil, err
			}
		}

		b = append(b, k...)
	}

	return append(b, ']'), nil
}
