package store_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"fabrique/data"
	"fabrique/data/store"
)

func Example() {
	dir, err := os.MkdirTemp("", "fabrique")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	s, err := store.Open(filepath.Join(dir, "fabrique.db"), store.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	ctx := context.Background()
	listing := data.Supplier{
		SIREN:   "552100554",
		Name:    "Ateliers du Jura",
		Address: data.Address{Postcode: "39100", Departement: "39"},
		Labels:  []data.Label{{Type: data.LabelEPV, Scope: data.ScopeCompany, Source: "epv"}},
	}
	res, err := s.UpsertCrawled(ctx, []data.Supplier{listing}, "crawler:epv")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("new:", res.New, "ids:", res.IDs)

	ids, _ := s.SupplierIDs(ctx, store.SupplierFilter{Departement: "39", Label: data.LabelEPV})
	fmt.Println("EPV in the Jura:", ids)
	fmt.Println("check:", s.Check(ctx))
	// Output:
	// new: 1 ids: [552100554]
	// EPV in the Jura: [552100554]
	// check: <nil>
}
