package index

import (
	"context"
	"math"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"fabrique/index/synth"
)

// The near spellings looked up (and cached) beforehand must find and score
// exactly what bleve's own fuzzy query does.
func TestSpellingsClauseMatchesFuzzyQuery(t *testing.T) {
	ctx := context.Background()
	ix, err := Open("", Options{ResultCacheSize: -1, FacetCacheSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() }) // after the snapshot's release (currentSnapshot)
	if err := ix.Put(ctx, synth.Suppliers(3000, 11)...); err != nil {
		t.Fatal(err)
	}
	g, snap := currentSnapshot(t, ix)

	run := func(terms []queryTerm) map[string]float64 {
		req := bleve.NewSearchRequestOptions(textQuery(terms, false), 10000, 0, false)
		res, err := g.idx.SearchInContext(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, h := range res.Hits {
			out[h.ID] = h.Score
		}
		return out
	}
	fuzzyWords := 0
	// Misspelt trade words and surnames, one or two edits away, one with
	// no near spelling at all, and a known word next to a typo.
	for _, text := range []string{"dupnt", "martinn", "ateleirs", "boulangeire", "chaudronerie",
		"xqzwvkj", "menuiserie durandd", "fabriquation"} {
		terms := ix.analyseText(text)
		if err := markTypos(ctx, snap, terms); err != nil {
			t.Fatal(err)
		}
		want := run(terms)
		if err := ix.spell(snap, 1, terms); err != nil {
			t.Fatal(err)
		}
		for _, term := range terms {
			if term.fuzzyWord() {
				fuzzyWords++
				if !term.spelled {
					t.Fatalf("%q: typo %q not spelled", text, term.word)
				}
			}
		}
		got := run(terms)
		if len(got) != len(want) {
			t.Errorf("%q: %d hits, the fuzzy query finds %d", text, len(got), len(want))
		}
		for id, w := range want {
			if g, ok := got[id]; !ok || math.Abs(g-w) > 1e-9*math.Max(1, w) {
				t.Errorf("%q: hit %s scores %v (found %v), the fuzzy query %v", text, id, g, ok, w)
				break
			}
		}
	}
	if fuzzyWords < 5 {
		t.Fatalf("only %d misspelt words: the test proves little", fuzzyWords)
	}
}
