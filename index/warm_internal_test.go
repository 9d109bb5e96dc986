package index

import (
	"context"
	"reflect"
	"testing"

	"fabrique/index/synth"
)

// TestWarmPostings: warming decodes every long list of the text fields,
// longest first, into the snapshot's cache, once, and the searches answer
// exactly as before.
func TestWarmPostings(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(t.TempDir(), Options{ResultCacheSize: -1, FacetCacheSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	sups := synth.Suppliers(3000, 11)
	if err := ix.Rebuild(ctx, sliceSource(sups), nil); err != nil {
		t.Fatal(err)
	}
	ix.WaitCompaction() // compacted, then warmed: nothing is long enough at this size
	g := ix.cur.Load()
	snap, err := g.snapshotOf()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	cols, err := g.columnsFor(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	if n := cols.postings.size.Load(); n != 0 {
		t.Fatalf("%d postings cached before any search, with no list of %d postings", n, cachedPostingsMin)
	}
	const minLen = 8 // lists this long count as long here (the synthetic words are many and rare)
	cols.postings.minLen = minLen

	texts := []string{"fabrication", "ateliers de fabrication", "menuiserie bois", "verre", "métal cuir textile"}
	search := func() []Results {
		var out []Results
		for _, s := range texts {
			r, err := ix.Search(ctx, Query{Text: s, Facets: true, PerPage: 30})
			if err != nil {
				t.Fatal(err)
			}
			r.Took = 0 // the only field that may differ
			out = append(out, r)
		}
		return out
	}
	before := search()
	cached := cols.postings.size.Load() // what those searches decoded themselves

	lists, postings, err := warmNow(ctx, ix, g, false)
	if err != nil {
		t.Fatal(err)
	}
	if lists == 0 || postings == 0 {
		t.Fatalf("warming decoded %d lists, %d postings (searches cached %d)", lists, postings, cached)
	}
	if got := cols.postings.size.Load(); got != cached+postings {
		t.Errorf("cache holds %d postings, want %d from the searches + %d warmed", got, cached, postings)
	}
	// Every long list of every text field is there, whole.
	long := 0
	for _, f := range textFields {
		dict, err := snap.FieldDict(f.name)
		if err != nil {
			t.Fatal(err)
		}
		for e, err := dict.Next(); e != nil || err != nil; e, err = dict.Next() {
			if err != nil {
				t.Fatal(err)
			}
			if e.Count < minLen {
				continue
			}
			long++
			v, ok := cols.postings.lists.Load(textClause{term: e.Term, field: f.name})
			if !ok || uint64(len(v.(*postingsList).docs)) != e.Count {
				t.Errorf("%s:%s (%d postings) not warmed whole", f.name, e.Term, e.Count)
			}
		}
		dict.Close()
	}
	if long == 0 {
		t.Fatal("fixture: no list is long")
	}
	if again, _, err := warmNow(ctx, ix, g, false); err != nil || again != 0 {
		t.Errorf("a second warming decoded %d lists again (err %v)", again, err)
	}
	if after := search(); !reflect.DeepEqual(after, before) {
		t.Error("the searches answer differently from a warmed cache")
	}

	// A write schedules the warming of the snapshot it makes; closing
	// meanwhile cancels it without waiting for it.
	if err := ix.Put(ctx, sups[0]); err != nil {
		t.Fatal(err)
	}
	ix.wmu.Lock()
	scheduled := ix.warmTimer != nil
	ix.wmu.Unlock()
	if !scheduled {
		t.Error("a write scheduled no warming")
	}
}
