package index

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"fabrique/index/synth"
)

// TestColumnsMatchBleve checks the column-based facets and totals against
// bleve's own facet computation, query by query, on a synthetic corpus
// that has multi-valued facets (labels, CPV divisions).
func TestColumnsMatchBleve(t *testing.T) {
	ctx := context.Background()
	ix, err := Open("", Options{FacetCacheSize: -1, ResultCacheSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	sups := synth.Suppliers(3000, 7)
	if err := ix.Put(ctx, sups...); err != nil {
		t.Fatal(err)
	}
	// A second write makes several segments, and replaces some documents:
	// deleted versions must not be counted.
	if err := ix.Put(ctx, sups[:300]...); err != nil {
		t.Fatal(err)
	}
	queries := []Query{
		{},
		{Text: "menuiserie"},
		{Text: "fabrication"},
		{Text: "mobilier bois"},
		{Text: "meubles de bureau en bois massif"},
		{Labels: []string{"OFG"}},
		{Regions: []string{"84", "11"}, Labels: []string{"EPV"}},
		{Text: "ateliers", NAFSections: []string{"C"}},
		{CPVDivisions: []string{"39"}},
		{Univers: []string{"Mode et beauté"}, Headcounts: []string{"01", "02"}},
	}
	for _, q := range queries {
		t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
			q.Facets = true
			got, err := ix.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			want := ix.nativeSearch(t, q, got.Relaxed)
			if got.Total != want.Total {
				t.Errorf("total = %d, bleve says %d", got.Total, want.Total)
			}
			wantFacets := toFacets(want.Facets)
			for name, list := range wantFacets {
				if fmt.Sprint(got.Facets[name]) != fmt.Sprint(list) {
					t.Errorf("facet %s =\n  %v\nbleve says\n  %v", name, got.Facets[name], list)
				}
			}
			if len(got.Facets) != len(wantFacets) {
				t.Errorf("%d facets, bleve has %d", len(got.Facets), len(wantFacets))
			}
		})
	}
}

// nativeSearch runs q through bleve's own search and facets.
func (ix *Index) nativeSearch(t *testing.T, q Query, relaxed bool) *bleve.SearchResult {
	t.Helper()
	q, err := q.normalized()
	if err != nil {
		t.Fatal(err)
	}
	terms := ix.analyseText(q.Text)
	g, snap := currentSnapshot(t, ix)
	if err := markTypos(context.Background(), snap, terms); err != nil {
		t.Fatal(err)
	}
	var must []query.Query
	if len(terms) > 0 {
		must = append(must, textQuery(terms, relaxed))
	}
	must = append(must, filterQueries(q)...)
	var bq query.Query = query.NewMatchAllQuery()
	if len(must) > 0 {
		bq = query.NewConjunctionQuery(must)
	}
	req := bleve.NewSearchRequestOptions(bq, 0, 0, false)
	for _, f := range facetFields {
		req.AddFacet(f, bleve.NewFacetRequest(f, facetSize))
	}
	res, err := g.idx.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestTopK(t *testing.T) {
	top := newTopK(3)
	for i, k := range []float64{5, 1, 4, 1, 3, 9, 2} {
		top.offer(uint32(i), k)
	}
	got := top.page(1)
	want := []uint32{3, 6} // keys 1 (doc 1), 1 (doc 3), 2 (doc 6): page from rank 1
	if len(got) != len(want) || got[0].doc != want[0] || got[1].doc != want[1] {
		t.Errorf("page(1) = %+v, want docs %v", got, want)
	}
	if got := newTopK(0); len(got.page(0)) != 0 {
		t.Errorf("an empty top-k has a page")
	}
}

// TestDocBuilderMatchesMapping checks that the direct document builder
// indexes what bleve's reflection-based mapping would: per field, the same
// options, the same terms with the same frequencies, the same field length
// (as the segment builder adds them up over a field's values), and the same
// stored values.
func TestDocBuilderMatchesMapping(t *testing.T) {
	ix, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	sups := synth.Suppliers(50, 3)
	multi := false
	for _, s := range sups {
		d, err := toDoc(s, s.UpdatedAt)
		if err != nil {
			t.Fatal(err)
		}
		multi = multi || len(d.CPV) > 1 && len(d.Offer) > 1
		want := document.NewDocument(d.ID)
		if err := ix.mapping.MapDocument(want, &d); err != nil {
			t.Fatal(err)
		}
		got := ix.docs.document(&d)
		keepGeoHashOnly(want)
		if a, b := describeFields(got), describeFields(want); a != b {
			t.Fatalf("supplier %s: direct document\n%s\nmapping gives\n%s", s.ID, a, b)
		}
	}
	if !multi {
		t.Fatal("no supplier with several CPV codes and offers: the merging of values is not tested")
	}
}

// describeFields analyses the fields of d as scorch does (indexed fields
// only) and describes what the segment builder gets from them, field by
// field.
func describeFields(d *document.Document) string {
	type agg struct {
		opts   index.FieldIndexingOptions
		length int
		freqs  map[string]int
		stored []string
	}
	fields := map[string]*agg{}
	d.VisitFields(func(f index.Field) {
		if f.Options() == 0 {
			return // neither indexed nor stored: no effect (bleve walks geo.lat and geo.lon)
		}
		a := fields[f.Name()]
		if a == nil {
			a = &agg{opts: f.Options(), freqs: map[string]int{}}
			fields[f.Name()] = a
		}
		if a.opts != f.Options() {
			a.opts = 0 // a field with mixed options: never equal to a real one
		}
		if f.Options().IsStored() {
			a.stored = append(a.stored, string(f.Value()))
		}
		if !f.Options().IsIndexed() {
			return
		}
		f.Analyze()
		a.length += f.AnalyzedLength()
		for term, tf := range f.AnalyzedTokenFrequencies() {
			a.freqs[term] += tf.Frequency()
		}
	})
	var lines []string
	for name, a := range fields {
		terms := make([]string, 0, len(a.freqs))
		for term, n := range a.freqs {
			terms = append(terms, fmt.Sprintf("%q:%d", term, n))
		}
		sort.Strings(terms)
		lines = append(lines, fmt.Sprintf("%s opts=%d len=%d terms=%s stored=%q", name, a.opts, a.length, strings.Join(terms, " "), a.stored))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// facetSize is larger than the number of values of every facet field (101
// départements, 88 NAF divisions), so facets are never truncated.
const facetSize = 256

// toFacets converts bleve's own facet results, with French labels, values by
// decreasing count then by value.
func toFacets(res search.FacetResults) Facets {
	out := make(Facets, len(res))
	for field, fr := range res {
		name, ok := facetNames[field]
		if !ok || fr == nil {
			continue
		}
		var counts []FacetCount
		for _, t := range fr.Terms.Terms() {
			if t.Count > 0 {
				counts = append(counts, FacetCount{Value: t.Term, Label: FacetLabel(name, t.Term), Count: t.Count})
			}
		}
		sortFacetCounts(counts)
		out[name] = counts
	}
	return out
}
