package main

import (
	"context"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index"
	"fabrique/index/synth"
)

// bleveEngine is the application's own index, built from the store as
// `fabrique serve` builds it, with the facet and result caches off so
// that every query computes its answer.
type bleveEngine struct {
	ix *index.Index
	st *store.Store
}

func (e *bleveEngine) name() string { return "bleve" }

// build rebuilds the index from the store (the corpus is already there).
func (e *bleveEngine) build(ctx context.Context, _ []data.Supplier) error {
	return e.ix.Rebuild(ctx, e.st, nil)
}

func (e *bleveEngine) text(ctx context.Context, text string, facets bool) (int, []string, error) {
	res, err := e.ix.Search(ctx, index.Query{Text: text, Facets: facets})
	return int(res.Total), hitIDs(res), err
}

func (e *bleveEngine) radius(ctx context.Context, p synth.Place, km float64) (int, []string, error) {
	res, err := e.ix.Search(ctx, index.Query{Near: &index.Point{Lat: p.Lat, Lon: p.Lon}, RadiusKm: km, SortByDistance: true})
	return int(res.Total), hitIDs(res), err
}

func (e *bleveEngine) close() error { return nil } // the bench closes the index and the store itself

func hitIDs(res index.Results) []string {
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	return ids
}
