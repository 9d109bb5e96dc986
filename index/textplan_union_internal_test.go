package index

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fabrique/data"
	"fabrique/index/synth"
)

// TestClauseUnionsFollowWrites: a common word's union is kept with its
// snapshot's columns (by the warming, or by the first search that merges
// it), serves the next search, and a write (a new snapshot) never meets it: the search after the write agrees with bleve and finds
// the supplier the write gave the word to.
func TestClauseUnionsFollowWrites(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(t.TempDir(), Options{ResultCacheSize: -1, FacetCacheSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	sups := synth.Suppliers(3000, 5)
	if err := ix.Rebuild(ctx, sliceSource(sups), nil); err != nil {
		t.Fatal(err)
	}
	ix.WaitCompaction()

	const word = "fabrication"
	search := func(t *testing.T, text string) Results {
		t.Helper()
		q := Query{Text: text, PerPage: 50, Facets: true, Uncached: true}
		got, err := ix.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ix.Search(context.WithValue(ctx, bleveTextKey{}, true), q)
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != want.Total || len(got.Hits) != len(want.Hits) || !facetsEqual(got.Facets, want.Facets) {
			t.Fatalf("%q: total %d, %d hits; bleve %d, %d hits (or facets differ)", text, got.Total, len(got.Hits), want.Total, len(want.Hits))
		}
		for i := range got.Hits {
			if got.Hits[i].ID != want.Hits[i].ID || got.Hits[i].Score != want.Hits[i].Score {
				t.Fatalf("%q: hit %d is %s (%v), bleve %s (%v)", text, i, got.Hits[i].ID, got.Hits[i].Score, want.Hits[i].ID, want.Hits[i].Score)
			}
		}
		return got
	}
	kept := func() (*columns, int) {
		c := ix.cur.Load().cols.Load()
		n := 0
		c.unions.unions.Range(func(_, _ any) bool { n++; return true })
		return c, n
	}

	if _, n := kept(); n == 0 {
		t.Fatal("the warming after the rebuild kept no union")
	}
	before := search(t, word)
	cols, n := kept()
	if n == 0 {
		t.Fatalf("no union kept after a search of %q (%d hits)", word, before.Total)
	}
	// Served from the union now, the same answer.
	if again := search(t, word); again.Total != before.Total {
		t.Fatalf("second search: %d hits, first %d", again.Total, before.Total)
	}
	search(t, word+" bois") // probed through the union

	// Long lists kept decoded and dense are probed through their docSet.
	cols.postings.minLen = 8
	cols.unions.minCount = 1 << 62 // no new union: the lists are probed
	for _, text := range []string{"travaux bois", "meubles bois", "produits métal", "bois"} {
		search(t, text)
	}
	dense := 0
	cols.postings.lists.Range(func(_, v any) bool {
		if v.(*postingsList).dense != nil {
			dense++
		}
		return true
	})
	if dense == 0 {
		t.Fatal("no list probed through its docSet")
	}

	// Give the word to a supplier that had none of it.
	i := slices.IndexFunc(sups, func(s data.Supplier) bool {
		return !strings.Contains(strings.ToLower(s.Name+s.Description+s.NAFLabel+strings.Join(s.Products, " ")+strings.Join(s.Activities, " ")), "fabric")
	})
	if i < 0 {
		t.Fatal("every supplier already holds the word")
	}
	s := sups[i]
	s.Description += " Fabrication de pièces sur mesure."
	if err := ix.Put(ctx, s); err != nil {
		t.Fatal(err)
	}
	after := search(t, word)
	if after.Total != before.Total+1 {
		t.Fatalf("after the write: %d hits, want %d (a stale union?)", after.Total, before.Total+1)
	}
	if c, _ := kept(); c == cols {
		t.Fatal("the write kept the columns (and unions) of the snapshot before it")
	}
	search(t, word+" bois")
}
