package index_test

import (
	"context"
	"fmt"

	"fabrique/data"
	"fabrique/index"
)

// exampleSource is the smallest MatchSource: suppliers by ID, no awards.
type exampleSource map[string]data.Supplier

func (s exampleSource) Supplier(_ context.Context, id string) (data.Supplier, error) {
	if x, ok := s[id]; ok {
		return x, nil
	}
	return data.Supplier{}, data.ErrNotFound
}

func (exampleSource) AwardsBySIREN(context.Context, string) ([]data.Award, error) { return nil, nil }

func ExampleIndex_Match() {
	ix, err := index.Open("", index.Options{})
	if err != nil {
		panic(err)
	}
	defer ix.Close()
	src := exampleSource{}
	for _, s := range []data.Supplier{
		{ID: "732829320", SIREN: "732829320", Name: "Atelier du vitrail", NAF: "23.19Z",
			Address: data.ResolveAddress(data.Address{Postcode: "26150"})},
		{ID: "542065479", SIREN: "542065479", Name: "Maçonnerie Dupont", NAF: "43.99C",
			Address: data.ResolveAddress(data.Address{Postcode: "26000"})},
	} {
		src[s.ID] = s
		if err := ix.Put(context.Background(), s); err != nil {
			panic(err)
		}
	}
	res, err := ix.Match(context.Background(), src, data.Tender{
		Title: "Restauration des vitraux de la cathédrale",
		CPV:   "45212361",
		Place: data.Place{Postcode: "26000"},
	}, index.MatchOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println("termes :", res.Terms, "; sans fournisseur :", res.Unheld)
	for _, m := range res.Tender {
		fmt.Printf("%s %.1f\n", m.Name, m.Score)
		for _, r := range m.Reasons {
			fmt.Printf("  %s (%.1f)\n", r.Text, r.Weight)
		}
	}
	// Output:
	// termes : [vitraux] ; sans fournisseur : [restauration]
	// Atelier du vitrail 64.3
	//   termes : vitraux (35.0)
	//   à 41 km (19.8)
	//   CPV 45212361 (travaux de construction d'églises) ↔ NAF 23.19Z (7.0)
	// Maçonnerie Dupont 27.0
	//   CPV 45212361 (travaux de construction d'églises) ↔ NAF 43.99C (14.0)
	//   sur place (10.5)
}
