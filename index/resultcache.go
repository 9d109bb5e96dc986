package index

import (
	"container/list"
	"fmt"
	"sync"
)

// resultCache keeps whole search results, keyed by the index version and
// the normalised query (page, sort and options included). Buyers' searches
// repeat a small head of queries ("menuiserie" in a région, everything
// around a city): answering those from memory is what lets the API serve
// its load, while the version in the key makes sure that no cached answer
// outlives a write. A nil cache is disabled.
type resultCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[facetKey]*list.Element
}

type resultItem struct {
	key facetKey
	val Results
}

func newResultCache(max int) *resultCache {
	if max < 0 {
		return nil
	}
	return &resultCache{max: max, ll: list.New(), items: map[facetKey]*list.Element{}}
}

// resultKey is the cache key of a normalised query at an index version.
func resultKey(version uint64, q Query) facetKey {
	return facetKey{version: version, query: fmt.Sprintf("%s\x00%d\x00%d\x00%t\x00%t\x00%t",
		q.cacheKey(), q.Page, q.PerPage, q.SortByDistance, q.Facets, q.Highlight)}
}

// get returns a copy of the cached results, so that a caller changing its
// answer cannot change the next one.
func (c *resultCache) get(k facetKey) (Results, bool) {
	if c == nil {
		return Results{}, false
	}
	c.mu.Lock()
	var item *resultItem
	e, ok := c.items[k]
	if ok {
		c.ll.MoveToFront(e)
		item = e.Value.(*resultItem) // never modified once stored: put replaces it
	}
	c.mu.Unlock()
	if !ok {
		return Results{}, false
	}
	return item.val.clone(), true
}

func (c *resultCache) put(k facetKey, r Results) {
	if c == nil {
		return
	}
	r = r.clone()
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		e.Value = &resultItem{key: k, val: r}
		c.ll.MoveToFront(e)
		return
	}
	c.items[k] = c.ll.PushFront(&resultItem{key: k, val: r})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*resultItem).key)
	}
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
