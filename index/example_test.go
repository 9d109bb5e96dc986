package index_test

import (
	"context"
	"fmt"
	"time"

	"fabrique/data"
	"fabrique/index"
)

func ExampleIndex_Search() {
	ctx := context.Background()
	ix, err := index.Open("", index.Options{}) // "" keeps the index in memory
	if err != nil {
		panic(err)
	}
	defer ix.Close()
	lyon, _, _ := index.ResolveNear("Lyon")
	at := func(place string) data.Address {
		p, _, _ := index.ResolveNear(place)
		return data.Address{Lat: p.Lat, Lon: p.Lon, Precision: data.GeoExact, Region: "84"}
	}
	now := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	err = ix.Put(ctx,
		data.Supplier{ID: "1", Name: "Ébénisterie Martin", Address: at("Villeurbanne"), UpdatedAt: now},
		data.Supplier{ID: "2", Name: "Menuiserie Dubois", Address: at("Saint-Étienne"), UpdatedAt: now},
		data.Supplier{ID: "3", Name: "Atelier du Meuble", NAFLabel: "Fabrication de meubles de cuisine",
			Description: "Ébéniste d'art.", Address: at("Grenoble"), UpdatedAt: now},
	)
	if err != nil {
		panic(err)
	}
	// "ebeniste", without accent, finds "Ébénisterie" and "Ébéniste";
	// "menuisier" finds the "Menuiserie".
	for _, text := range []string{"ebeniste", "menuisier"} {
		res, err := ix.Search(ctx, index.Query{Text: text, Near: &lyon, SortByDistance: true, Highlight: true})
		if err != nil {
			panic(err)
		}
		for _, h := range res.Hits {
			fmt.Printf("%s: %s, %.0f km, %v\n", text, h.Name, *h.DistanceKm, h.Highlights)
		}
	}
	// Output:
	// ebeniste: Ébénisterie Martin, 4 km, map[name:[<mark>Ébénisterie</mark> Martin]]
	// ebeniste: Atelier du Meuble, 94 km, map[description:[<mark>Ébéniste</mark> d&#39;art.]]
	// menuisier: Menuiserie Dubois, 51 km, map[name:[<mark>Menuiserie</mark> Dubois]]
}
