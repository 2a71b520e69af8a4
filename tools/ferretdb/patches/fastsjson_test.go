// Tests of Leadscore's storage JSON patch (fastsjson.go, change 9 of apply.py), run by
// tools/ferretdb/test.sh in the vendored, patched FerretDB source (`go test -mod=vendor`).
//
// The fast code must give exactly upstream's results: every value and document it encodes
// byte for byte as upstream does (refMarshal and its helpers below are upstream's v1.24.2 code,
// Apache License 2.0, copied under other names), and every document it decodes as upstream's
// decoder does, including documents it is handed damaged (it must never accept text upstream
// refuses or read it differently).

package sjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/lazyerrors"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// stored documents of Leadscore's collections (a lead, a score, an event), as FerretDB wrote them
var serviceDocs = []string{
	`{"$s":{"p":{"_id":{"t":"string"},"tenantId":{"t":"string"},"leadId":{"t":"string"},"ownerId":{"t":"string"},"leadName":{"t":"string"},"leadEmail":{"t":"string"},"company":{"t":"null"},"emailOpens":{"t":"int"},"websiteVisits":{"t":"int"},"timeSpent":{"t":"int"},"lastActivityAt":{"t":"date"},"updatedAt":{"t":"date"},"status":{"t":"string"},"statusSetBy":{"t":"null"},"statusSetAt":{"t":"null"},"outcome":{"t":"string"},"outcomeAt":{"t":"null"},"countsBeforeOutcome":{"t":"null"},"attributesSetAt":{"t":"binData","s":0},"createdAt":{"t":"date"},"eventBatches":{"t":"array","i":[{"t":"string"}]}},"$k":["_id","tenantId","leadId","ownerId","leadName","leadEmail","company","emailOpens","websiteVisits","timeSpent","lastActivityAt","updatedAt","status","statusSetBy","statusSetAt","outcome","outcomeAt","countsBeforeOutcome","attributesSetAt","createdAt","eventBatches"]},"_id":"[\"d65b0f6009e44604b65318271eb6d4ba\",\"lead-000000\"]","tenantId":"d65b0f6009e44604b65318271eb6d4ba","leadId":"lead-000000","ownerId":"rep-7","leadName":"Casey 0 (Initech)","leadEmail":"casey.0@initech.example","company":null,"emailOpens":15,"websiteVisits":20,"timeSpent":418,"lastActivityAt":1796007936890,"updatedAt":1796038299136,"status":"new","statusSetBy":null,"statusSetAt":null,"outcome":"open","outcomeAt":null,"countsBeforeOutcome":null,"attributesSetAt":"8Ng2vHxhBgDw2Da8fGEGAPDYNrx8YQYA","createdAt":1796038221814,"eventBatches":["146fd6639a0d4f6698b378e6b0a36a4c"]}`,
	`{"$s":{"p":{"_id":{"t":"string"},"tenantId":{"t":"string"},"leadId":{"t":"string"},"ownerId":{"t":"string"},"leadName":{"t":"string"},"leadEmail":{"t":"string"},"company":{"t":"null"},"score":{"t":"double"},"band":{"t":"int"},"priority":{"t":"string"},"breakdown":{"t":"object","$s":{"p":{"emailOpens":{"t":"double"},"websiteVisits":{"t":"double"},"timeSpent":{"t":"double"},"decayFactor":{"t":"double"}},"$k":["emailOpens","websiteVisits","timeSpent","decayFactor"]}},"configVersion":{"t":"int"},"configFingerprint":{"t":"string"},"computedAt":{"t":"date"},"sourceUpdatedAt":{"t":"date"},"lastActivityAt":{"t":"date"},"hasActivity":{"t":"bool"},"status":{"t":"string"},"statusSetBy":{"t":"null"},"statusSetAt":{"t":"null"},"outcome":{"t":"string"},"outcomeAt":{"t":"null"}},"$k":["_id","tenantId","leadId","ownerId","leadName","leadEmail","company","score","band","priority","breakdown","configVersion","configFingerprint","computedAt","sourceUpdatedAt","lastActivityAt","hasActivity","status","statusSetBy","statusSetAt","outcome","outcomeAt"]},"_id":"[\"d65b0f6009e44604b65318271eb6d4ba\",\"lead-000968\"]","tenantId":"d65b0f6009e44604b65318271eb6d4ba","leadId":"lead-000968","ownerId":"rep-2","leadName":"Blake 968 (Tyrell)","leadEmail":"blake.968@tyrell.example","company":null,"score":0.08,"band":0,"priority":"cold","breakdown":{"emailOpens":4,"websiteVisits":3.5,"timeSpent":21,"decayFactor":0.002875},"configVersion":1,"configFingerprint":"2d1953d84f7de5f6","computedAt":1796038222000,"sourceUpdatedAt":1796038221899,"lastActivityAt":1790932319251,"hasActivity":true,"status":"new","statusSetBy":null,"statusSetAt":null,"outcome":"open","outcomeAt":null}`,
	`{"$s":{"p":{"_id":{"t":"string"},"batch":{"t":"string"},"tenantId":{"t":"string"},"eventId":{"t":"string"},"leadId":{"t":"string"},"type":{"t":"string"},"value":{"t":"double"},"occurredAt":{"t":"date"},"receivedAt":{"t":"date"}},"$k":["_id","batch","tenantId","eventId","leadId","type","value","occurredAt","receivedAt"]},"_id":"f2c0b09d607e6a504b7f3a358ac3c36b","batch":"cee44e2199504c38904ed985cad68713","tenantId":"d65b0f6009e44604b65318271eb6d4ba","eventId":"bench-100000-0-0","leadId":"lead-012243","type":"email_open","value":1,"occurredAt":1796008476890,"receivedAt":1796038297161}`,
}

func TestServiceDocumentsTakeTheFastPath(t *testing.T) {
	for i, text := range serviceDocs {
		fast, ok := unmarshalFast([]byte(text))
		if !ok {
			t.Fatalf("document %d: not decoded by the fast path", i)
		}

		slow, err := unmarshalSlow([]byte(text))
		if err != nil || !reflect.DeepEqual(fast, slow) {
			t.Fatalf("document %d differs: %v", i, err)
		}

		encoded, ok := marshalDocFast(fast)
		if !ok {
			t.Fatalf("document %d: not encoded by the fast path", i)
		}

		want, err := refMarshal(slow)
		if err != nil || !bytes.Equal(encoded, want) {
			t.Fatalf("document %d encodes differently:\n%s\n%s", i, encoded, want)
		}
	}
}

func BenchmarkServiceDocuments(b *testing.B) {
	docs := make([]*types.Document, len(serviceDocs))
	for i, text := range serviceDocs {
		docs[i] = must.NotFail(Unmarshal([]byte(text)))
	}

	b.Run("decode", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for _, text := range serviceDocs {
				must.NotFail(Unmarshal([]byte(text)))
			}
		}
	})

	b.Run("encode", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for _, d := range docs {
				must.NotFail(Marshal(d))
			}
		}
	})
}

var strs = []string{"", "a", "plain text", "quote\"in", "back\\slash", "tab\there", "nl\nx", "<tag>&amp;", "é unicode ☃", "\u2028sep", "ctrl\x01", "slash/ok", "[\"t\",\"l\"]", "\x7f del", "emoji 😀"}

func randScalar(r *rand.Rand) any {
	switch r.Intn(9) {
	case 0:
		return strs[r.Intn(len(strs))]
	case 1:
		fs := []float64{0, math.Copysign(0, -1), 1, -1.5, 1e-7, 1e-6, 123456.789, 1e20, 1e21, 1e300, -2.5e-300, 0.1, 3, float64(r.Int63()), r.NormFloat64() * math.Pow(10, float64(r.Intn(40)-20))}
		return fs[r.Intn(len(fs))]
	case 2:
		return int32(r.Int63n(1<<32) - 1<<31)
	case 3:
		return r.Int63() - r.Int63()
	case 4:
		return time.UnixMilli(r.Int63n(4e12) - 1e12).UTC()
	case 5:
		return r.Intn(2) == 0
	case 6:
		return types.Null
	case 7:
		b := make([]byte, r.Intn(20))
		r.Read(b)
		return types.Binary{B: b, Subtype: types.BinarySubtype(r.Intn(2))}
	default:
		return strs[r.Intn(len(strs))] + strs[r.Intn(len(strs))]
	}
}

func randValue(r *rand.Rand, depth int) any {
	if depth < 2 {
		switch r.Intn(6) {
		case 0:
			return randDoc(r, depth+1)
		case 1:
			a := types.MakeArray(0)
			for i := 0; i < r.Intn(4); i++ {
				a.Append(randValue(r, depth+1))
			}
			return a
		}
	}
	return randScalar(r)
}

func randDoc(r *rand.Rand, depth int) *types.Document {
	d := types.MakeDocument(0)
	n := r.Intn(8)
	for i := 0; i < n; i++ {
		key := []string{"a", "b", "_id", "k\"q", "é", "x<y", "long_key_name", "n"}[r.Intn(8)]
		d.Set(key, randValue(r, depth))
	}
	return d
}

func TestFastDifferential(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	fastHits := 0
	for i := 0; i < 200000; i++ {
		v := randScalar(r)
		want, err := toSJSON(v).MarshalJSON()
		if got, ok := marshalFast(v); ok {
			if err != nil || string(got) != string(want) {
				t.Fatalf("marshal %#v: fast %q, upstream %q (%v)", v, got, want, err)
			}
		}
	}
	for i := 0; i < 50000; i++ {
		d := randDoc(r, 0)
		d.Set("_id", randScalar(r))
		b, err := Marshal(d)
		if err != nil {
			continue // upstream refuses it too (e.g. NaN)
		}
		slow, errSlow := unmarshalSlow(b)
		fast, ok := unmarshalFast(b)
		if ok {
			fastHits++
			if errSlow != nil || !reflect.DeepEqual(fast, slow) {
				t.Fatalf("doc %s:\nfast %#v\nslow %#v (%v)", b, fast, slow, errSlow)
			}
		}
		got, err := Unmarshal(b)
		if (err != nil) != (errSlow != nil) || !reflect.DeepEqual(got, slow) {
			t.Fatalf("Unmarshal %s differs", b)
		}
	}
	t.Logf("fast path taken for %d of 50000 docs", fastHits)
}

func TestFastMutations(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	alphabet := []byte("{}[]\":,\\ 0123456789.eE-+tfnulrsabc\x01\xff")
	taken := 0
	for i := 0; i < 300000; i++ {
		d := randDoc(r, 0)
		b, err := Marshal(d)
		if err != nil {
			continue
		}
		m := append([]byte(nil), b...)
		for k := 0; k <= r.Intn(3); k++ {
			pos := r.Intn(len(m))
			switch r.Intn(3) {
			case 0:
				m[pos] = alphabet[r.Intn(len(alphabet))]
			case 1:
				m = append(m[:pos], m[pos+1:]...)
			default:
				m = append(m[:pos], append([]byte{alphabet[r.Intn(len(alphabet))]}, m[pos:]...)...)
			}
			if len(m) == 0 {
				break
			}
		}
		fast, ok := unmarshalFast(m)
		if !ok {
			continue
		}
		taken++
		slow, errSlow := unmarshalSlow(m)
		if errSlow != nil || !reflect.DeepEqual(fast, slow) {
			t.Fatalf("mutated %q: fast %#v, slow %#v (%v)", m, fast, slow, errSlow)
		}
	}
	t.Logf("fast path accepted %d mutated docs", taken)
}

func refSchemaForDoc(td *types.Document) ([]byte, error) {
	var buf bytes.Buffer

	keys := td.Keys()
	if len(keys) == 0 {
		return []byte("{}"), nil
	}

	buf.WriteString(`{"p":{`)

	for i, key := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}

		var b []byte
		var err error

		if b, err = json.Marshal(key); err != nil {
			return nil, lazyerrors.Error(err)
		}

		buf.Write(b)
		buf.WriteByte(':')

		b, err = refElem(must.NotFail(td.Get(key)))
		if err != nil {
			return nil, lazyerrors.Error(err)
		}

		buf.Write(b)
	}

	buf.WriteString(`},"$k":`)

	b, err := json.Marshal(keys)
	if err != nil {
		return nil, lazyerrors.Error(err)
	}

	buf.Write(b)
	buf.WriteByte('}')

	return buf.Bytes(), nil
}

func refElem(value any) ([]byte, error) {
	var buf bytes.Buffer

	switch val := value.(type) {
	case *types.Document:
		buf.WriteString(`{"t":"object"`)

		buf.WriteString(`,"$s":`)

		b, err := refSchemaForDoc(val)
		if err != nil {
			return nil, lazyerrors.Error(err)
		}

		buf.Write(b)

		buf.WriteByte('}')

	case *types.Array:
		buf.WriteString(`{"t":"array"`)

		buf.WriteString(`,"i":[`)

		for i := 0; i < val.Len(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}

			b, err := refElem(must.NotFail(val.Get(i)))
			if err != nil {
				return nil, lazyerrors.Error(err)
			}

			buf.Write(b)
		}

		buf.WriteByte(']')

		buf.WriteByte('}')

	case float64:
		buf.WriteString(`{"t":"double"}`)

	case string:
		buf.WriteString(`{"t":"string"}`)

	case types.Binary:
		subtype, err := json.Marshal(val.Subtype)
		if err != nil {
			return nil, lazyerrors.Error(err)
		}

		buf.WriteString(`{"t":"binData","s":`)
		buf.Write(subtype)
		buf.WriteString(`}`)

	case types.ObjectID:
		buf.WriteString(`{"t":"objectId"}`)

	case bool:
		buf.WriteString(`{"t":"bool"}`)

	case time.Time:
		buf.WriteString(`{"t":"date"}`)

	case types.NullType:
		buf.WriteString(`{"t":"null"}`)

	case types.Regex:
		options, err := json.Marshal(val.Options)
		if err != nil {
			return nil, lazyerrors.Error(err)
		}

		buf.WriteString(`{"t":"regex","o":`)
		buf.Write(options)
		buf.WriteString(`}`)

	case int32:
		buf.WriteString(`{"t":"int"}`)

	case types.Timestamp:
		buf.WriteString(`{"t":"timestamp"}`)

	case int64:
		buf.WriteString(`{"t":"long"}`)

	default:
		panic(fmt.Sprintf("sjson.refElem: unknown type %[1]T (value %[1]q)", val))
	}

	return buf.Bytes(), nil
}

func refMarshal(d *types.Document) ([]byte, error) {
	if d == nil {
		panic("v is nil")
	}

	schema, err := refSchemaForDoc(d)
	if err != nil {
		return nil, err
	}

	var buf bytes.Buffer

	buf.WriteString(`{"$s":`)
	buf.Write(schema)

	keys := d.Keys()
	values := d.Values()

	for i, key := range keys {
		buf.WriteByte(',')
		buf.WriteString(`"`)
		buf.WriteString(key)
		buf.WriteString(`":`)

		b, err := toSJSON(values[i]).MarshalJSON()
		if err != nil {
			return nil, lazyerrors.Error(err)
		}

		buf.Write(b)
	}

	buf.WriteByte('}')

	return buf.Bytes(), nil
}

func TestMarshalDocFastDifferential(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	hits := 0
	for i := 0; i < 100000; i++ {
		d := randDoc(r, 0)
		if r.Intn(3) == 0 {
			d.Set("oid", types.ObjectID{1, 2, 3, byte(r.Intn(256))})
		}
		want, errWant := refMarshal(d)
		got, ok := marshalDocFast(d)
		if !ok {
			continue
		}
		hits++
		if errWant != nil || !bytes.Equal(got, want) {
			t.Fatalf("doc differs:\nfast %s\nref  %s (%v)", got, want, errWant)
		}
	}
	t.Logf("fast marshal taken for %d of 100000 docs", hits)
}
