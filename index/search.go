package index

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"fabrique/data"
)

// Results is a page of search results.
type Results struct {
	Total uint64 `json:"total"`
	Hits  []Hit  `json:"hits"`
	// Facets is nil unless Query.Facets was set.
	Facets Facets `json:"facets,omitempty"`
	// Relaxed is set when no supplier matched every word of the text: the
	// hits match some of them, those matching most first.
	Relaxed bool `json:"relaxed,omitempty"`
	// Query is the normalised query that was run (page and size bounded).
	Query Query         `json:"-"`
	Took  time.Duration `json:"took"`
}

// Hit is one supplier in the results.
type Hit struct {
	ID          string   `json:"id"`
	SIREN       string   `json:"siren,omitempty"`
	SIRET       string   `json:"siret,omitempty"`
	Name        string   `json:"name"`
	Commune     string   `json:"commune,omitempty"`
	Departement string   `json:"departement,omitempty"`
	Region      string   `json:"region,omitempty"`
	NAF         string   `json:"naf,omitempty"`
	NAFLabel    string   `json:"naf_label,omitempty"`
	Labels      []string `json:"labels,omitempty"`
	Univers     []string `json:"univers,omitempty"`
	Score       float64  `json:"score"`
	// DistanceKm is the great-circle distance to Query.Near, nil when the
	// query has no place or the supplier no coordinates.
	DistanceKm *float64 `json:"distance_km,omitempty"`
	Lat        float64  `json:"lat,omitempty"`
	Lon        float64  `json:"lon,omitempty"`
	HasGeo     bool     `json:"has_geo,omitempty"`
	// Ceased is set for a company the register says has ceased (only in
	// searches that include them, Query.IncludeCeased).
	Ceased bool `json:"ceased,omitempty"`
	// Highlights are HTML fragments keyed by field ("name", "trade_names",
	// "products", "activities", "naf_label", "description"): the text is
	// escaped and only the <mark> elements around matched words are HTML.
	Highlights map[string][]string `json:"highlights,omitempty"`
}

// Search runs q. Invalid queries return an error wrapping data.ErrInvalid
// with a French message.
func (ix *Index) Search(ctx context.Context, q Query) (Results, error) {
	start := time.Now()
	q, err := q.normalized()
	if err != nil {
		return Results{}, err
	}
	rkey := resultKey(ix.version.Load(), q)
	results := ix.results
	if q.Uncached {
		results = nil // a nil cache misses and keeps nothing
	}
	if r, ok := results.get(rkey); ok {
		r = r.clone() // the caller may change its answer, not the next one
		r.Took = time.Since(start)
		return r, nil
	}
	g, err := ix.acquire()
	if err != nil {
		return Results{}, err
	}
	defer g.mu.RUnlock()
	snap, err := g.snapshotOf()
	if err != nil {
		return Results{}, fmt.Errorf("index: search: %w", err)
	}
	defer snap.Close()

	terms := ix.analyseText(q.Text)
	if err := markTypos(ctx, snap, terms); err != nil {
		return Results{}, fmt.Errorf("index: search: %w", err)
	}
	if err := ix.spell(snap, rkey.version, terms); err != nil {
		return Results{}, fmt.Errorf("index: search: %w", err)
	}
	cols, err := g.columnsFor(ctx, snap)
	if err != nil {
		return Results{}, err
	}
	version := ix.version.Load()
	key := cacheKey{version: version, query: q.cacheKey()}
	cached, haveFacets := facetEntry{}, false
	if q.Facets {
		cached, haveFacets = ix.facets.get(key)
	}

	relaxed := haveFacets && cached.relaxed
	p, err := ix.execute(ctx, snap, cols, q, terms, relaxed, q.Facets && !haveFacets)
	if err != nil {
		return Results{}, err
	}
	if p.total == 0 && !relaxed && len(terms) > 1 {
		relaxed = true
		if p, err = ix.execute(ctx, snap, cols, q, terms, true, q.Facets && !haveFacets); err != nil {
			return Results{}, err
		}
	}

	out := Results{Total: p.total, Relaxed: relaxed, Query: q}
	if q.Facets {
		if haveFacets {
			out.Facets = cached.facets.clone()
		} else {
			out.Facets = p.facets
			if ix.version.Load() == version {
				ix.facets.put(key, facetEntry{relaxed: relaxed, facets: p.facets.clone()})
			}
		}
	}
	var hl *highlighter
	if q.Highlight && len(terms) > 0 {
		hl = ix.newHighlighter(terms)
	}
	out.Hits = make([]Hit, len(p.hits))
	for i, ph := range p.hits {
		h := &out.Hits[i] // decoded in place: a Hit of its own would escape
		err := loadSrc(snap, ph, func(id string, raw []byte) (err error) {
			if hl == nil {
				*h, err = toHit(id, raw, ph.score, q)
				return err
			}
			var src srcDoc
			if *h, src, err = toHitWithText(id, raw, ph.score, q); err == nil {
				h.Highlights = hl.highlight(src)
			}
			return err
		})
		if err != nil {
			return Results{}, fmt.Errorf("index: search: hit %d: %w", ph.doc, err)
		}
	}
	if results != nil && ix.version.Load() == rkey.version {
		results.put(rkey, out.clone())
	}
	out.Took = time.Since(start)
	return out, nil
}

// toHit decodes the stored blob of a hit.
func toHit(id string, raw []byte, score float64, q Query) (Hit, error) {
	var f hitFields
	if err := json.Unmarshal(raw, &f); err != nil {
		return Hit{}, fmt.Errorf("index: hit %s: stored document: %w", id, err)
	}
	return newHit(id, f, score, q)
}

// toHitWithText decodes the whole blob, for highlighting.
func toHitWithText(id string, raw []byte, score float64, q Query) (Hit, srcDoc, error) {
	var s srcDoc
	if err := json.Unmarshal(raw, &s); err != nil {
		return Hit{}, s, fmt.Errorf("index: hit %s: stored document: %w", id, err)
	}
	h, err := newHit(id, s.hitFields, score, q)
	return h, s, err
}

func newHit(id string, s hitFields, score float64, q Query) (Hit, error) {
	h := Hit{ID: s.ID, SIREN: s.SIREN, SIRET: s.SIRET, Name: s.Name, Commune: s.Commune,
		Departement: s.Departement, Region: s.Region, NAF: s.NAF, NAFLabel: s.NAFLabel,
		Labels: s.Labels, Univers: s.Univers, Score: score, Lat: s.Lat, Lon: s.Lon, HasGeo: s.HasGeo, Ceased: s.Ceased}
	if h.ID == "" {
		h.ID = id
	} else if h.ID != id {
		return Hit{}, fmt.Errorf("index: hit %s: stored document belongs to %s", id, h.ID)
	}
	if q.Near != nil && s.HasGeo {
		d := data.DistanceKm(q.Near.Lat, q.Near.Lon, s.Lat, s.Lon)
		h.DistanceKm = &d
	}
	return h, nil
}

func (f Facets) clone() Facets {
	if f == nil {
		return nil
	}
	out := make(Facets, len(f))
	for k, v := range f {
		out[k] = append([]FacetCount(nil), v...)
	}
	return out
}
