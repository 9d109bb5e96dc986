package index

import (
	"cmp"
	"context"
	"slices"
	"sort"
	"sync"

	"fabrique/data"
)

// The list of every public notice in the default order (open tenders
// nearest deadline first — for a notice without one, the day it is
// presumed to close, data.Tender.OpenUntil —, then the others latest
// deadline first) is the
// first page of /appels-d-offres and of GET /api/v1/tenders. At a million
// tenders, ranking and counting the facets of every document on each
// request costs tens of milliseconds of CPU; publicTenders does it once
// per snapshot, and a request then finds where its time cuts the open
// tenders from the others (a binary search) and reads its page.

// publicTenders is the default list of one snapshot's public notices.
type publicTenders struct {
	total int
	// open lists the documents with an open-until date (those that can
	// be open: not awarded, not cancelled), by that date then document
	// number; until holds their dates as the ranking compares them.
	open  []uint32
	until []float64
	// rest lists every public document by latest deadline first (none
	// last), then document number: the order of the closed part.
	rest []uint32
	// facets are the counts over every public notice, sorted, with the
	// outcome column that "status" is made of.
	facets Facets
}

// publicTendersOnce holds the columns' publicTenders, built at first use.
type publicTendersOnce struct {
	once sync.Once
	all  *publicTenders
}

// forPublic calls fn with every live document but buyers' needs, in
// document order; false when the columns cannot tell the needs apart (a
// source column too large to be held).
func forPublic(ctx context.Context, cols *columns, fn func(d uint32)) (bool, error) {
	src := cols.facetNamed("source")
	if src == nil || src.one == nil {
		return false, nil
	}
	need := uint16(0) // value index of data.SourceNeed; 0 ("none"): no need is indexed
	if i := slices.Index(src.values, data.SourceNeed); i > 0 {
		need = uint16(i)
	}
	for i, d := range cols.live {
		if i%65536 == 0 && ctx.Err() != nil {
			return false, ctx.Err()
		}
		if need == 0 || src.one[d] != need {
			fn(d)
		}
	}
	return true, nil
}

// publicTenders returns the default list of the columns' snapshot,
// building it the first time; nil when forPublic cannot.
func (c *columns) publicTenders() *publicTenders {
	c.public.once.Do(func() {
		all := &publicTenders{}
		fc := c.newFacetCounter()
		ok, err := forPublic(context.Background(), c, func(d uint32) {
			all.total++
			fc.add(d)
			if c.until[d] != 0 {
				all.open = append(all.open, d)
			}
			all.rest = append(all.rest, d)
		})
		if !ok || err != nil {
			return
		}
		slices.SortFunc(all.open, func(a, b uint32) int {
			return cmp.Or(cmp.Compare(float64(c.until[a]), float64(c.until[b])), cmp.Compare(a, b))
		})
		all.until = make([]float64, len(all.open))
		for i, d := range all.open {
			all.until[i] = float64(c.until[d])
		}
		slices.SortFunc(all.rest, func(a, b uint32) int {
			return cmp.Or(cmp.Compare(restKey(c.deadline[a]), restKey(c.deadline[b])), cmp.Compare(a, b))
		})
		all.facets = fc.facets()
		c.public.all = all
	})
	return c.public.all
}

// page returns the hits [from, from+size) of the default order at time
// at (Unix nanoseconds), the number of open tenders and of closed ones.
func (all *publicTenders) page(c *columns, at int64, from, size int) (hits []pageHit, open, closed int) {
	first := sort.SearchFloat64s(all.until, float64(at)+1) // the first open-until date after at
	for first < len(all.until) && c.until[all.open[first]] <= at {
		first++ // float64 rounding: compare the exact dates
	}
	for first > 0 && c.until[all.open[first-1]] > at {
		first--
	}
	open = len(all.open) - first
	closed = len(all.open) - open
	for i := first + from; i < len(all.open) && len(hits) < size; i++ {
		hits = append(hits, pageHit{doc: all.open[i]})
	}
	skip := max(0, from-open)
	for _, d := range all.rest {
		if len(hits) >= size {
			break
		}
		if c.until[d] > at {
			continue // open: listed above
		}
		if skip > 0 {
			skip--
			continue
		}
		hits = append(hits, pageHit{doc: d})
	}
	return hits, open, closed
}

// listFacets are the facets of the default list at a time.
func (all *publicTenders) listFacets(open, closed int) Facets {
	f := make(Facets, len(all.facets))
	for k, v := range all.facets {
		f[k] = v
	}
	return tenderFacetsOf(f, open, closed).clone()
}
