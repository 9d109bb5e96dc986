package index

import (
	"context"
	"slices"
	"testing"

	"fabrique/data"
	"fabrique/index/synth"
)

// TestTextPlanAgreesWithBleve runs a set of searches on a synthetic corpus
// through the postings plan and through bleve's searchers: the same hits in
// the same order, the same scores to the last bit (so within 1e-9), the same totals, facets and
// relaxation, before and after writes that leave deleted documents behind.
func TestTextPlanAgreesWithBleve(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(t.TempDir(), Options{ResultCacheSize: -1, FacetCacheSize: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	sups := synth.Suppliers(4000, 9)
	for i := range sups {
		if i%97 == 0 {
			sups[i].Register = &data.RegisterIdentity{Ceased: true}
		}
	}
	if err := ix.Rebuild(ctx, sliceSource(sups), nil); err != nil {
		t.Fatal(err)
	}
	ix.WaitCompaction()

	texts := synth.NewQueries(sups, 120, 0, 4).Text
	texts = append(texts,
		"menuiserie Lyon", "maître verrier", "fabrication de meubles", "fabrication", "ateliers",
		"menuiserie zzqxw", "ferronnerie bois verre", "Atelirs", "ebenisterie", "l'ébéniste",
		sups[5].SIREN, "fabrication produits métal bois verre cuir papier textile",
		"a b c d e f g h i j k l m", "verre zzqxw", "vitrail zzqxw verrerie",
		"verre bois métal cuir papier textile acier jouets bijoux montres couteaux zzqxw",
		// A word with trade alternatives (a clause of more than ten
		// terms, summed in heap order) in a conjunction: replayed.
		"verrerie fabrication", "fabrication verre", "verre bois", "Verrerie Denis")
	near := &Point{Lat: 45.76, Lon: 4.84}
	variants := []struct {
		name string
		q    func(text string) Query
	}{
		{"relevance", func(s string) Query { return Query{Text: s} }},
		{"facets, page 2", func(s string) Query { return Query{Text: s, Facets: true, Page: 2, PerPage: 7} }},
		{"ties by distance", func(s string) Query { return Query{Text: s, Near: near} }},
		{"within 150 km", func(s string) Query { return Query{Text: s, Near: near, RadiusKm: 150, Facets: true} }},
		{"nearest first", func(s string) Query { return Query{Text: s, Near: near, SortByDistance: true} }},
		{"with ceased", func(s string) Query { return Query{Text: s, IncludeCeased: true, PerPage: 50} }},
		{"département", func(s string) Query { return Query{Text: s, Departements: []string{sups[3].Address.Departement}} }},
		{"two régions, label, facets", func(s string) Query {
			return Query{Text: s, Regions: []string{sups[3].Address.Region, sups[8].Address.Region}, Labels: []string{"EPV"}, Facets: true}
		}},
		{"NAF section, ties by distance", func(s string) Query { return Query{Text: s, NAFSections: []string{"C"}, Near: near} }},
		{"unknown NAF, nearest first", func(s string) Query {
			return Query{Text: s, NAF: []string{"99.99Z"}, Near: near, SortByDistance: true}
		}},
	}
	planned := 0
	compare := func(t *testing.T) {
		bleveCtx := context.WithValue(ctx, bleveTextKey{}, true)
		for _, text := range texts {
			if ix.usesPlan(t, text) {
				planned++
			}
			for _, v := range variants {
				q := v.q(text)
				q.Uncached = true
				got, err := ix.Search(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				want, err := ix.Search(bleveCtx, q)
				if err != nil {
					t.Fatal(err)
				}
				if got.Total != want.Total || got.Relaxed != want.Relaxed {
					t.Errorf("%q, %s: total %d relaxed %v, bleve %d %v", text, v.name, got.Total, got.Relaxed, want.Total, want.Relaxed)
					continue
				}
				if len(got.Hits) != len(want.Hits) {
					t.Errorf("%q, %s: %d hits, bleve %d", text, v.name, len(got.Hits), len(want.Hits))
					continue
				}
				for i := range got.Hits {
					g, w := got.Hits[i], want.Hits[i]
					if g.ID != w.ID || !sameScore(g.Score, w.Score) {
						t.Errorf("%q, %s: hit %d is %s (%v), bleve %s (%v)", text, v.name, i, g.ID, g.Score, w.ID, w.Score)
						break
					}
				}
				if !facetsEqual(got.Facets, want.Facets) {
					t.Errorf("%q, %s: facets differ:\n%v\nbleve:\n%v", text, v.name, got.Facets, want.Facets)
				}
			}
		}
	}
	t.Run("compacted", compare)
	// Writes leave a second segment and deleted documents in the first.
	var changed []data.Supplier
	for i := 0; i < len(sups); i += 23 {
		s := sups[i]
		s.Products = append(slices.Clone(s.Products), "fabrication de meubles en bois")
		changed = append(changed, s)
	}
	if err := ix.Put(ctx, changed...); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(ctx, sups[1].ID, sups[2].ID, sups[40].ID); err != nil {
		t.Fatal(err)
	}
	t.Run("after writes", compare)
	if planned < len(texts) {
		t.Errorf("the plan ran %d of %d searches: the comparison proves little", planned, 2*len(texts))
	}
}

// usesPlan reports whether the plan, not bleve, answers text.
func (ix *Index) usesPlan(t *testing.T, text string) bool {
	t.Helper()
	ctx := context.Background()
	g, err := ix.acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer g.mu.RUnlock()
	snap, err := g.snapshotOf()
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	terms := ix.analyseText(text)
	if err := markTypos(ctx, snap, terms); err != nil {
		t.Fatal(err)
	}
	if err := ix.spell(snap, ix.version.Load(), terms); err != nil {
		t.Fatal(err)
	}
	_, ok, err := newTextPlan(ctx, snap, nil, terms, false)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// sameScore reports whether two scores are the same to the last bit (the
// plan computes bleve's in bleve's order), or both not numbers (a SIREN's
// keyword field, which has no norms: such searches go to bleve).
func sameScore(a, b float64) bool {
	return a == b || (a != a && b != b)
}

func facetsEqual(a, b Facets) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func TestGallop(t *testing.T) {
	docs := []uint32{2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22}
	for _, tc := range []struct {
		name     string
		from     int
		d        uint32
		want     int
		wantDocs uint32
	}{
		{"before all", 0, 1, 0, 2},
		{"exact first", 0, 2, 0, 2},
		{"between", 0, 7, 3, 8},
		{"far", 1, 21, 10, 22},
		{"exact far", 2, 20, 9, 20},
		{"past the end", 0, 23, 11, 0},
		{"from inside", 5, 13, 6, 14},
		{"from past it", 6, 3, 6, 14},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := gallop(docs, tc.from, tc.d)
			if got != tc.want {
				t.Fatalf("gallop(%d, %d) = %d, want %d", tc.from, tc.d, got, tc.want)
			}
			if got < len(docs) && docs[got] != tc.wantDocs {
				t.Fatalf("docs[%d] = %d, want %d", got, docs[got], tc.wantDocs)
			}
		})
	}
}
