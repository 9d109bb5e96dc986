package index

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"

	"fabrique/data"
	"fabrique/index/match"
	"fabrique/index/synth"
)

// textPool ranks the documents as bleve's search of termsQuery does, on an
// index of several segments with deleted documents, for needs drawn from
// the corpus and needs written by hand (trade alternatives, name words,
// a word no supplier holds).
func TestTextPoolAgreesWithBleve(t *testing.T) {
	ctx := context.Background()
	ix := poolTestIndex(t)
	sups := synth.Suppliers(3000, 7)
	for i := 0; i < len(sups); i += 700 { // several segments
		if err := ix.Put(ctx, sups[i:min(i+700, len(sups))]...); err != nil {
			t.Fatal(err)
		}
	}
	var gone []string
	for i := 0; i < len(sups); i += 37 {
		gone = append(gone, sups[i].ID)
	}
	if err := ix.Delete(ctx, gone...); err != nil {
		t.Fatal(err)
	}

	tenders := []data.Tender{
		{Title: "Restauration des vitraux de l'église", Description: "Maître verrier, plombs et barlotières", CPV: "45212361"},
		{Title: "Mobilier de signalétique du domaine", Description: "Établissements et maison du patrimoine"},
		{Title: "Menuiserie bois et ébénisterie", Description: "Fabrication de portes en chêne, livraison et pose"},
		{Title: "Zorglubs quantiques"},
	}
	for _, n := range synth.NewNeeds(sups, 40, 3) {
		tn, err := n.Tender()
		if err != nil {
			t.Fatal(err)
		}
		tenders = append(tenders, tn)
	}
	g, snap := currentSnapshot(t, ix)
	cols, err := g.columnsFor(ctx, snap)
	if err != nil {
		t.Fatal(err)
	}
	cols.postings.minLen = 50 // keep lists of this small corpus
	stats, err := ix.openTermStats(g)
	if err != nil {
		t.Fatal(err)
	}
	defer stats.close()
	compared := 0
	for _, tn := range tenders {
		needs, err := match.NeedsOf(tn, poolNow, poolNow)
		if err != nil {
			t.Fatal(err)
		}
		for i := range needs {
			terms, _, err := ix.discriminativeTerms(ctx, g, stats, &needs[i])
			if err != nil {
				t.Fatal(err)
			}
			if len(terms) == 0 {
				continue
			}
			qt := queryTerms(terms)
			for _, k := range []int{10, candidatePool} {
				res, err := g.idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(termsQuery(qt), k, 0, false))
				if err != nil {
					t.Fatal(err)
				}
				// Without kept postings, then twice with (the lists
				// read, then reused).
				for _, c := range []*columns{nil, cols, cols} {
					got, err := ix.textPool(ctx, snap, c, textClauses(qt), k)
					if err != nil {
						t.Fatal(err)
					}
					if err := samePool(got, res.Hits); err != "" {
						t.Errorf("%q, top %d, kept postings %v: %s", tn.Title, k, c != nil, err)
					}
				}
				compared++
			}
		}
	}
	if compared < 80 {
		t.Fatalf("only %d rankings compared", compared)
	}
	if cols.postings.size.Load() == 0 {
		t.Fatal("no postings list kept")
	}
}

// samePool compares a text pool with bleve's hits: the same documents with
// the same scores (to rounding), except where the last kept score ties,
// to rounding, with a score left out. It returns what differs, or "".
func samePool(got []poolHit, want search.DocumentMatchCollection) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d documents, bleve finds %d", len(got), len(want))
	}
	if len(got) == 0 {
		return ""
	}
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) }
	last := want[len(want)-1].Score
	mine := map[string]float64{}
	for _, h := range got {
		mine[h.id] = h.score
	}
	for i, w := range want {
		s, ok := mine[w.ID]
		switch {
		case !ok && !near(w.Score, last):
			return fmt.Sprintf("bleve's hit %d, %s (score %g), is missing", i, w.ID, w.Score)
		case ok && !near(s, w.Score):
			return fmt.Sprintf("%s scores %g, bleve says %g", w.ID, s, w.Score)
		}
		delete(mine, w.ID)
	}
	for id, s := range mine {
		if !near(s, last) {
			return fmt.Sprintf("%s (score %g) is not in bleve's hits, whose last scores %g", id, s, last)
		}
	}
	for i := 1; i < len(got); i++ {
		if got[i].score > got[i-1].score {
			return fmt.Sprintf("not best first at %d", i)
		}
	}
	return ""
}

// poolNow is the clock of the text pool tests.
var poolNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// poolTestIndex is an empty index in memory on poolNow, closed when the
// test ends.
func poolTestIndex(t *testing.T) *Index {
	t.Helper()
	ix, err := Open("", Options{Now: func() time.Time { return poolNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	return ix
}

// poolSource is a MatchSource over suppliers by ID, without awards.
type poolSource map[string]data.Supplier

func (s poolSource) Supplier(_ context.Context, id string) (data.Supplier, error) {
	if v, ok := s[id]; ok {
		return v, nil
	}
	return data.Supplier{}, data.ErrNotFound
}

func (poolSource) AwardsBySIREN(context.Context, string) ([]data.Award, error) { return nil, nil }

// Match ranks as it did when bleve gathered the text pool: the same top
// 20, with the same scores, for the tender and each lot, on needs drawn
// from the corpus (with a place) and written by hand.
func TestMatchRanksAsWithBlevesTextPool(t *testing.T) {
	ctx := context.Background()
	ix := poolTestIndex(t)
	sups := synth.Suppliers(4000, 11)
	if err := ix.Put(ctx, sups...); err != nil {
		t.Fatal(err)
	}
	src := poolSource{}
	for _, s := range sups {
		src[s.ID] = s
	}
	tenders := []data.Tender{
		{Title: "Restauration des vitraux de l'église", Description: "Maître verrier, plombs et barlotières", CPV: "45212361",
			Place: data.Place{Postcode: "35000", Commune: "Rennes"}},
		{Title: "Mobilier de signalétique du domaine", Description: "Établissements et maison du patrimoine"},
		{Title: "Travaux de menuiserie", Place: data.Place{Postcode: "69001", Commune: "Lyon"}, Lots: []data.Lot{
			{ID: "1", Title: "Portes en chêne"}, {ID: "2", Title: "Escaliers et garde-corps en fer forgé", CPV: "44221000"}}},
	}
	for _, n := range synth.NewNeeds(sups, 30, 5) {
		tn, err := n.Tender()
		if err != nil {
			t.Fatal(err)
		}
		tenders = append(tenders, tn)
	}
	top := func(ms []data.Match) string {
		var b strings.Builder
		for i, m := range ms {
			if i == 20 {
				break
			}
			fmt.Fprintf(&b, "%s:%.4f ", m.SupplierID, m.Score)
		}
		return b.String()
	}
	ranked := 0
	for _, tn := range tenders {
		got, err := ix.Match(ctx, src, tn, MatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want, err := ix.match(ctx, src, tn, MatchOptions{}, true)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := top(got.Tender), top(want.Tender); g != w {
			t.Errorf("%q: top 20\n%s\nwith bleve's text pool\n%s", tn.Title, g, w)
		}
		if len(got.Lots) != len(want.Lots) {
			t.Fatalf("%q: %d lots ranked, %d with bleve's text pool", tn.Title, len(got.Lots), len(want.Lots))
		}
		for i := range got.Lots {
			if g, w := top(got.Lots[i].Matches), top(want.Lots[i].Matches); g != w {
				t.Errorf("%q, lot %s: top 20\n%s\nwith bleve's text pool\n%s", tn.Title, got.Lots[i].LotID, g, w)
			}
		}
		if len(got.Tender) > 0 {
			ranked++
		}
	}
	if ranked < len(tenders)-2 {
		t.Fatalf("only %d of %d tenders ranked anyone", ranked, len(tenders))
	}
}
