package index_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"fabrique/data"
	"fabrique/index"
)

// Words of the object that no supplier holds but the nomenclatures know
// (« fours », « crémation ») are reported and lower the confidence
// of a supplier holding the rest (« réparation »), not its score; a word
// nobody knows (« Zorglub », a name) is neither.
func TestMatchReportsTheObjectsUnheldWords(t *testing.T) {
	ix, err := index.Open("", index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	src := exampleSource{}
	put := func(s data.Supplier) {
		src[s.ID] = s
		if err := ix.Put(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
	garage := data.Supplier{ID: "732829320", SIREN: "732829320", Name: "Garage du Centre", NAF: "45.20A",
		Activities: []string{"Réparation de véhicules"}, Address: data.ResolveAddress(data.Address{Postcode: "68100"})}
	put(garage)
	for i := range 20 { // others, so that a word's rarity means something
		put(data.Supplier{ID: fmt.Sprint(100000000 + i), Name: fmt.Sprint("Tissage ", i), NAF: "13.20Z",
			Activities: []string{"Tissage de soieries"}, Address: data.ResolveAddress(data.Address{Postcode: "69001"})})
	}
	match := func(title string) index.MatchResult {
		// A code no trade of the directory fits: the words decide.
		res, err := ix.Match(context.Background(), src, data.Tender{Title: title, CPV: "98371120",
			Nature: data.NatureServices, Place: data.Place{Postcode: "68100"}}, index.MatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Tender) != 1 || res.Tender[0].SupplierID != garage.ID {
			t.Fatalf("%q: %d matches, want the garage alone", title, len(res.Tender))
		}
		return res
	}
	known := match("Réparation Zorglub")
	if len(known.Unheld) != 0 || known.Tender[0].Confidence == data.ConfidenceLow {
		t.Fatalf("every known word held: unheld %q, confidence %q; the case tests nothing", known.Unheld, known.Tender[0].Confidence)
	}
	res := match("Réparation des fours de crémation Zorglub")
	if !slices.Equal(res.Unheld, []string{"fours", "crémation"}) {
		t.Errorf("unheld words %q, want [fours crémation]", res.Unheld)
	}
	if c := res.Tender[0].Confidence; c != data.ConfidenceLow {
		t.Errorf("the garage holds a third of the object: confidence %q, want %q", c, data.ConfidenceLow)
	}
	if res.Tender[0].Score != known.Tender[0].Score {
		t.Errorf("score %.1f with the unheld words, %.1f without: the ranking must not change", res.Tender[0].Score, known.Tender[0].Score)
	}
	// The notices' boilerplate is no part of what is bought: « la présente
	// consultation » was reported as « Aucune entreprise n'emploie le mot
	// « présente » » (the buyers' QA pass on the shipped BOAMP notices).
	if res := match("Réparation Zorglub : la présente consultation, le présent marché"); len(res.Unheld) != 0 {
		t.Errorf("unheld words %q, want none", res.Unheld)
	}
}
