package index_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index"
	"fabrique/index/synth"
)

// wholeRecords is the store without its match profiles: the matcher reads
// each candidate's whole record, as it did before them.
type wholeRecords struct{ st *store.Store }

func (w wholeRecords) Supplier(ctx context.Context, id string) (data.Supplier, error) {
	return w.st.Supplier(ctx, id)
}

func (w wholeRecords) AwardsBySIREN(ctx context.Context, siren string) ([]data.Award, error) {
	return w.st.AwardsBySIREN(ctx, siren)
}

// TestMatchRanksAsWithWholeRecords: scoring the candidates from the
// store's match profiles ranks as scoring their whole records: the same
// top 20 of the tender and of each lot, with the same scores, confidence,
// distances and reasons, on the real EPV companies and on a synthetic
// corpus with ceased companies and a supplier deleted from the store but
// still indexed.
func TestMatchRanksAsWithWholeRecords(t *testing.T) {
	ctx := context.Background()
	epv := loadMatchEPV(t)
	syn := synth.Suppliers(3000, 7)
	for i := 0; i < len(syn); i += 97 {
		syn[i].Register = &data.RegisterIdentity{Found: true, Ceased: true}
	}
	handWritten := []data.Tender{
		{Title: "Restauration des vitraux de l'église", Description: "Maître verrier, plombs et barlotières", CPV: "45212361",
			Place: data.Place{Postcode: "35000", Commune: "Rennes"}, EstimatedValue: 90_000},
		{Title: "Mobilier de signalétique", Description: "Pour un musée parisien", Place: data.Place{Postcode: "75003", Commune: "Paris"}},
		{Title: "Travaux de menuiserie", Place: data.Place{Postcode: "69001", Commune: "Lyon"}, Lots: []data.Lot{
			{ID: "1", Title: "Portes en chêne"}, {ID: "2", Title: "Escaliers et garde-corps en fer forgé", CPV: "44221000"}}},
		{Title: "Fourniture de couverts et d'arts de la table", CPV: "39221000", Nature: data.NatureSupplies},
		{Title: "Réfection de la charpente et de la couverture en ardoise", CPV: "45261000",
			Place: data.Place{Postcode: "49000", Commune: "Angers"}, Nature: data.NatureWorks, EstimatedValue: 2_000_000},
	}
	for _, corpus := range []struct {
		name  string
		sups  []data.Supplier
		needs int
	}{
		{"EPV", epv.sups, 25},
		{"synthetic", syn, 40},
	} {
		t.Run(corpus.name, func(t *testing.T) {
			st, err := store.Open(filepath.Join(t.TempDir(), "fabrique.db"), store.Options{NoSync: true, Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if _, err := st.UpsertCrawled(ctx, corpus.sups, "test"); err != nil {
				t.Fatal(err)
			}
			ix, err := index.Open("", index.Options{Now: func() time.Time { return matchNow }})
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			var stored []data.Supplier
			if err := st.Suppliers(ctx, func(s data.Supplier) error { stored = append(stored, s); return nil }); err != nil {
				t.Fatal(err)
			}
			if err := ix.Put(ctx, stored...); err != nil {
				t.Fatal(err)
			}
			// Deleted from the store, still in the index: both paths skip it.
			gone := stored[len(stored)/2].ID
			if err := st.DeleteSupplier(ctx, gone, "test"); err != nil {
				t.Fatal(err)
			}
			tenders := append([]data.Tender(nil), handWritten...)
			for _, n := range synth.NewNeeds(corpus.sups, corpus.needs, 3) {
				tn, err := n.Tender()
				if err != nil {
					t.Fatal(err)
				}
				tenders = append(tenders, tn)
			}
			ranked, seenGone := 0, false
			for _, tn := range tenders {
				got, err := ix.Match(ctx, st, tn, index.MatchOptions{})
				if err != nil {
					t.Fatal(err)
				}
				want, err := ix.Match(ctx, wholeRecords{st}, tn, index.MatchOptions{})
				if err != nil {
					t.Fatal(err)
				}
				rankings := [][2][]data.Match{{got.Tender, want.Tender}}
				if len(got.Lots) != len(want.Lots) {
					t.Fatalf("%q: %d lots ranked, %d from whole records", tn.Title, len(got.Lots), len(want.Lots))
				}
				for i := range got.Lots {
					rankings = append(rankings, [2][]data.Match{got.Lots[i].Matches, want.Lots[i].Matches})
				}
				for _, r := range rankings {
					if g, w := top20(t, r[0]), top20(t, r[1]); g != w {
						t.Errorf("%q: top 20 from the profiles\n%s\nfrom whole records\n%s", tn.Title, g, w)
					}
					for _, m := range r[0] {
						seenGone = seenGone || m.SupplierID == gone
					}
				}
				if got.Warning != want.Warning {
					t.Errorf("%q: warning %q, from whole records %q", tn.Title, got.Warning, want.Warning)
				}
				if len(got.Tender) > 0 {
					ranked++
				}
			}
			if seenGone {
				t.Errorf("the deleted supplier %s was ranked", gone)
			}
			if ranked < len(tenders)-3 {
				t.Fatalf("only %d of %d tenders ranked anyone: the comparison proves little", ranked, len(tenders))
			}
		})
	}
}

// top20 renders the first 20 matches whole: ids, scores, confidence,
// distances and reasons.
func top20(t *testing.T, ms []data.Match) string {
	t.Helper()
	b, err := json.Marshal(ms[:min(20, len(ms))])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
