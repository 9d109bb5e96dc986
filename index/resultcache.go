package index

import "fmt"

// Whole search results are cached too (Index.results), keyed by the index
// version and the normalised query, page, sort and options included.
// Buyers' searches repeat a small head of queries ("menuiserie" in a
// région, everything around a city): answering those from memory is what
// lets the API serve its load, while the version in the key makes sure
// that no cached answer outlives a write.

// resultKey is the cache key of a normalised query at an index version.
func resultKey(version uint64, q Query) cacheKey {
	return cacheKey{version: version, query: fmt.Sprintf("%s\x00%d\x00%d\x00%t\x00%t\x00%t",
		q.cacheKey(), q.Page, q.PerPage, q.SortByDistance, q.Facets, q.Highlight)}
}

// clone copies what a caller could modify: the hits and the facets.
func (r Results) clone() Results {
	hits := make([]Hit, len(r.Hits))
	copy(hits, r.Hits)
	for i := range hits {
		if hits[i].DistanceKm != nil {
			d := *hits[i].DistanceKm
			hits[i].DistanceKm = &d
		}
		if hits[i].Highlights != nil {
			h := make(map[string][]string, len(hits[i].Highlights))
			for k, v := range hits[i].Highlights {
				h[k] = append([]string(nil), v...)
			}
			hits[i].Highlights = h
		}
		hits[i].Labels = append([]string(nil), hits[i].Labels...)
		hits[i].Univers = append([]string(nil), hits[i].Univers...)
	}
	r.Hits = hits
	if r.Facets != nil {
		r.Facets = r.Facets.clone()
	}
	return r
}
