package index

import (
	"container/list"
	"sort"
	"sync"

	"fabrique/data"
)

// Facets are counts of the results per value, keyed by facet name: "label",
// "region", "departement", "naf_section", "naf_division", "cpv_division",
// "headcount", "univers".
type Facets map[string][]FacetCount

// FacetCount is the number of results having one value.
type FacetCount struct {
	Value string `json:"value"` // as given back in Query filters
	Label string `json:"label"` // French display label
	Count int    `json:"count"`
}

// facetNames maps the index fields to the facet names of the API.
var facetNames = map[string]string{
	fLabels: "label", fRegion: "region", fDepartement: "departement", fNAFSection: "naf_section",
	fNAFDivision: "naf_division", fCPVDivision: "cpv_division", fHeadcount: "headcount", fUnivers: "univers",
}

// sortFacetCounts orders facet values by decreasing count, then by value.
func sortFacetCounts(counts []FacetCount) {
	sort.Slice(counts, func(i, j int) bool {
		if counts[i].Count != counts[j].Count {
			return counts[i].Count > counts[j].Count
		}
		return counts[i].Value < counts[j].Value
	})
}

// facetLabel is the French label of a facet value, from the reference data.
func facetLabel(facet, v string) string {
	switch facet {
	case "label":
		return data.LabelName(data.LabelType(v))
	case "region":
		if r, ok := data.LookupRegion(v); ok {
			return r.Name
		}
	case "departement":
		if d, ok := data.LookupDepartement(v); ok {
			return d.Name
		}
	case "naf_section", "naf_division":
		if n, ok := data.LookupNAF(v); ok {
			return n.Label
		}
	case "cpv_division":
		if c, ok := data.LookupCPV(v + "000000"); ok {
			return c.LabelFR
		}
	case "headcount":
		if b, ok := data.LookupHeadcountBand(v); ok {
			return b.Label
		}
	}
	return v
}

// facetEntry is what the cache keeps for one query.
type facetEntry struct {
	relaxed bool
	facets  Facets
}

// facetCache is a small LRU of facet results keyed by index version and
// normalised query. Counts stay exact: the version changes with every
// write and swap, so an entry is only ever served for the very data it
// counted; stale entries just age out.
type facetCache struct {
	mu    sync.Mutex
	max   int
	ll    *list.List
	items map[facetKey]*list.Element
}

type facetKey struct {
	version uint64
	query   string
}

type facetItem struct {
	key facetKey
	val facetEntry
}

func newFacetCache(max int) *facetCache {
	if max < 0 {
		return nil
	}
	return &facetCache{max: max, ll: list.New(), items: map[facetKey]*list.Element{}}
}

func (c *facetCache) get(k facetKey) (facetEntry, bool) {
	if c == nil {
		return facetEntry{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[k]
	if !ok {
		return facetEntry{}, false
	}
	c.ll.MoveToFront(e)
	return e.Value.(*facetItem).val, true
}

func (c *facetCache) put(k facetKey, v facetEntry) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		e.Value.(*facetItem).val = v
		c.ll.MoveToFront(e)
		return
	}
	c.items[k] = c.ll.PushFront(&facetItem{key: k, val: v})
	for c.ll.Len() > c.max {
		last := c.ll.Back()
		c.ll.Remove(last)
		delete(c.items, last.Value.(*facetItem).key)
	}
}
