package index

import (
	"context"
	"encoding/binary"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"

	"fabrique/index/synth"
)

// TestSharedTermsMatchOwnMaps: an index whose documents share the term
// maps of their common codes (sharedTerms) is the index they make with
// maps of their own — every field's every term with the same documents,
// frequencies and norms, and the same doc values — after rebuilds in
// many small batches, two segments built at once; the shared maps are
// left as they were built; and documents with the same codes do share
// them.
func TestSharedTermsMatchOwnMaps(t *testing.T) {
	ctx := context.Background()
	sups := synth.Suppliers(800, 11)

	own, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	for name, spec := range own.docs.fields {
		spec.shared = nil
		own.docs.fields[name] = spec
	}
	if err := own.Put(ctx, sups...); err != nil {
		t.Fatal(err)
	}
	shared, err := Open("", Options{RebuildBatchSize: 37})
	if err != nil {
		t.Fatal(err)
	}
	defer shared.Close()
	for range 2 {
		if err := shared.Rebuild(ctx, sliceSource(sups), nil); err != nil {
			t.Fatal(err)
		}
	}

	fields := []string{fSIREN, fSIRETs, fNAF, fNAFSection, fNAFDivision, fCPV, fCPVDivision, fDepartement,
		fRegion, fLabels, fHeadcount, fUnivers, fStamp, fNameSort, fArea, fTurnover, fStatus,
		fName, fNameExact, fOffer, fNomenclature, fDescription, fGeo}
	want, got := postingsDump(t, own, fields), postingsDump(t, shared, fields)
	if len(want) < 20*len(sups) {
		t.Fatalf("only %d postings in the reference index", len(want))
	}
	if !slices.Equal(got, want) {
		for i := range min(len(got), len(want)) {
			if got[i] != want[i] {
				t.Fatalf("the index with shared maps differs at line %d:\n got %q\nwant %q", i, got[i], want[i])
			}
		}
		t.Fatalf("the index with shared maps has %d lines, want %d", len(got), len(want))
	}

	// The shared maps are still what their values make.
	kept := 0
	for name, spec := range shared.docs.fields {
		for _, m := range []struct {
			m    *memo[*sharedEntry]
			many bool
		}{{spec.shared.one, false}, {spec.shared.many, true}} {
			m.m.each(func(k string, e *sharedEntry) {
				values := []string{k}
				if m.many {
					values = splitListKey(t, k)
				}
				f := &flatField{name: name, values: values, options: spec.options, analyzer: spec.analyzer, fast: spec.fast}
				f.Analyze()
				if gotD, wantD := describeFreqs(e.length, e.termBytes, e), describeFreqs(f.length, f.termBytes, &sharedEntry{freqs: f.freqs}); gotD != wantD {
					t.Errorf("%s %q: the shared map became %s, want %s", name, values, gotD, wantD)
				}
				kept++
			})
		}
	}
	if kept == 0 {
		t.Fatal("no map was shared")
	}

	// Two suppliers of one département share its map; a supplier of
	// another gets another.
	var a, b, c *flatField
	for i := range sups {
		d, err := toDoc(sups[i], sups[i].UpdatedAt)
		if err != nil || len(d.Departement) == 0 {
			continue
		}
		f := departementField(shared.docs.document(&d))
		f.Analyze()
		switch {
		case a == nil:
			a = f
		case b == nil && f.values[0] == a.values[0]:
			b = f
		case c == nil && f.values[0] != a.values[0]:
			c = f
		}
	}
	if a == nil || b == nil || c == nil {
		t.Fatal("the corpus lacks two suppliers of one département and one of another")
	}
	if reflect.ValueOf(a.freqs).Pointer() != reflect.ValueOf(b.freqs).Pointer() {
		t.Errorf("two suppliers of département %s have maps of their own", a.values[0])
	}
	if reflect.ValueOf(a.freqs).Pointer() == reflect.ValueOf(c.freqs).Pointer() {
		t.Errorf("départements %s and %s share a map", a.values[0], c.values[0])
	}
	// Lists that would read alike once joined keep apart.
	if k1, k2 := (&sharedTerms{}).key([]string{"ab", "c"}), (&sharedTerms{}).key([]string{"a", "bc"}); k1 == k2 {
		t.Errorf("two lists share the key %q", k1)
	}
}

func departementField(d *document.Document) *flatField {
	for _, f := range d.Fields {
		if ff, ok := f.(*flatField); ok && ff.name == fDepartement {
			return ff
		}
	}
	return nil
}

// splitListKey reads back the values of a key of sharedTerms.many.
func splitListKey(t *testing.T, key string) []string {
	var out []string
	b := []byte(key)
	for len(b) > 0 {
		n, w := binary.Uvarint(b)
		if w <= 0 || int(n) > len(b)-w {
			t.Fatalf("malformed list key %q", key)
		}
		out = append(out, string(b[w:w+int(n)]))
		b = b[w+int(n):]
	}
	return out
}

func describeFreqs(length, termBytes int, e *sharedEntry) string {
	var terms []string
	for k, tf := range e.freqs {
		terms = append(terms, fmt.Sprintf("%q:%d:%q:%d", k, tf.Frequency(), tf.Term, len(tf.Locations)))
	}
	slices.Sort(terms)
	return fmt.Sprintf("len=%d bytes=%d %v", length, termBytes, terms)
}

// postingsDump lists, sorted, one line per (field, term, document) with
// its frequency and norm, and one per document and doc-valued field with
// its values.
func postingsDump(t *testing.T, ix *Index, fields []string) []string {
	t.Helper()
	r, done := liveSnapshot(t, ix)
	defer done()
	var out []string
	for _, field := range fields {
		for _, term := range dictTerms(t, r, field) {
			tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, true, true, false)
			if err != nil {
				t.Fatal(err)
			}
			for {
				d, err := tfr.Next(nil)
				if err != nil {
					t.Fatal(err)
				}
				if d == nil {
					break
				}
				id, err := r.ExternalID(d.ID)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, fmt.Sprintf("%s %q %s freq %d norm %g", field, term, id, d.Freq, d.Norm))
			}
			tfr.Close()
		}
	}
	dv, err := r.DocValueReader([]string{fStamp, fNameSort, fStatus, fGeo})
	if err != nil {
		t.Fatal(err)
	}
	ids, err := r.DocIDReaderAll()
	if err != nil {
		t.Fatal(err)
	}
	defer ids.Close()
	for {
		iid, err := ids.Next()
		if err != nil {
			t.Fatal(err)
		}
		if iid == nil {
			break
		}
		id, err := r.ExternalID(iid)
		if err != nil {
			t.Fatal(err)
		}
		if err := dv.VisitDocValues(iid, func(field string, term []byte) {
			out = append(out, fmt.Sprintf("%s doc value %s %q", id, field, term))
		}); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(out)
	return out
}

// dictTerms returns the terms of a field's dictionary in r.
func dictTerms(t *testing.T, r index.IndexReader, field string) []string {
	t.Helper()
	dict, err := r.FieldDict(field)
	if err != nil {
		t.Fatal(err)
	}
	defer dict.Close()
	var terms []string
	for {
		e, err := dict.Next()
		if err != nil {
			t.Fatal(err)
		}
		if e == nil {
			return terms
		}
		terms = append(terms, e.Term)
	}
}

// liveSnapshot returns a snapshot of ix's live generation and the
// function that lets it go (before ix closes).
func liveSnapshot(t *testing.T, ix *Index) (index.IndexReader, func()) {
	t.Helper()
	g, err := ix.acquire()
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.snapshotOf()
	if err != nil {
		g.mu.RUnlock()
		t.Fatal(err)
	}
	return r, func() { r.Close(); g.mu.RUnlock() }
}
