package index

import (
	"container/heap"
	"context"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// A search runs on one snapshot: bleve finds the matching documents (text,
// filters, a coarse circle), and every match goes through visit, which
// applies the exact radius, counts facets from the columns and keeps the
// page, either through bleve's top-N by score or through a bounded heap by
// distance or name. Queries without text or filters do not need bleve to
// enumerate documents at all: the columns list them.

// order is how a page is sorted.
type order int

const (
	byScore order = iota
	byDistance
	byName
	// byScoreNear ranks by relevance, ties (scores within tieTolerance of
	// each other) broken by distance to Query.Near.
	byScoreNear
)

// tieTolerance is how close two scores must be to tie when a place breaks
// ties: scores are compared on a logarithmic grid of this step, so that
// suppliers that match the same words in the same fields (the same NAF
// label, say) tie exactly and differences of field length do not count.
const tieTolerance = 0.10

// scoreTier is the step of the grid of score s, higher for better scores.
func scoreTier(s float64) float64 {
	if !(s > 0) { // NaN too

		return math.Inf(-1)
	}
	return math.Floor(math.Log(s) / math.Log1p(tieTolerance))
}

// page is the outcome of one search plan.
type page struct {
	total  uint64
	hits   []pageHit
	facets Facets // nil unless counted
}

// pageHit is one hit of the page: its document number or external id.
type pageHit struct {
	id    string // external id, when known
	doc   uint32
	score float64
}

// circle is the exact radius filter, in great-circle kilometres.
type circle struct {
	lat, lon, km, cosLat float64
	// dLat and dLon bound a box outside of which nothing can match.
	dLat, dLon float64
	// maxH is the haversine term of km: a point is within the circle when
	// its haversine term is at most maxH (no arcsine needed).
	maxH float64
}

func newCircle(q Query) *circle {
	if q.Near == nil || q.RadiusKm <= 0 {
		return nil
	}
	c := &circle{lat: q.Near.Lat, lon: q.Near.Lon, km: q.RadiusKm, cosLat: math.Cos(q.Near.Lat * math.Pi / 180)}
	c.dLat = q.RadiusKm/110.5 + 0.01
	if cos := math.Cos((math.Abs(c.lat) + c.dLat) * math.Pi / 180); cos > 0.01 {
		c.dLon = c.dLat / cos
	} else {
		c.dLon = 360 // near a pole: no longitude bound
	}
	s := math.Sin(math.Min(q.RadiusKm/(2*earthRadiusKm), math.Pi/2))
	c.maxH = s * s
	return c
}

// planOrder picks the sort of q.
func planOrder(q Query, terms []queryTerm) order {
	switch {
	case q.SortByDistance:
		return byDistance
	case len(terms) > 0 && q.Near != nil:
		return byScoreNear
	case len(terms) > 0:
		return byScore
	}
	return byName
}

// execute runs q on snap with its columns.
func (ix *Index) execute(ctx context.Context, snap index.IndexReader, cols *columns, q Query, terms []queryTerm, relaxed, countFacets bool) (page, error) {
	ord := planOrder(q, terms)
	circ := newCircle(q)
	var fc *facetCounter
	if countFacets {
		fc = cols.newFacetCounter()
	}
	from, window := (q.Page-1)*q.PerPage, q.Page*q.PerPage
	// The sort key: the name's rank, or the haversine term, which orders
	// like the distance.
	var nearLat, nearLon, nearCos float64
	if ord == byDistance || ord == byScoreNear {
		nearLat, nearLon = q.Near.Lat, q.Near.Lon
		nearCos = math.Cos(nearLat * math.Pi / 180)
	}
	key := func(d uint32) float64 {
		if ord == byName {
			return float64(cols.nameRank[d])
		}
		return cols.haversine(nearLat, nearLon, nearCos, d)
	}

	var p page
	filters := filterQueries(q)
	if len(terms) == 0 && len(filters) == 0 && q.IncludeCeased {
		// The columns' lists hold active companies only: every document
		// goes through bleve and the handler below instead.
		filters = []query.Query{query.NewMatchAllQuery()}
	}
	if len(terms) == 0 && len(filters) == 0 {
		// Directory order, nothing to filter: the page is a slice.
		if ord == byName && circ == nil {
			p.total = uint64(len(cols.live))
			if fc != nil {
				for _, d := range cols.live {
					fc.add(d)
				}
			}
			for _, d := range cols.byName[min(from, len(cols.byName)):min(window, len(cols.byName))] {
				p.hits = append(p.hits, pageHit{doc: d})
			}
		} else {
			top := newTopK(window).byNameTies(cols)
			if circ != nil {
				// Only the grid cells the circle overlaps. With text
				// or filters, bleve's matches are fewer than the
				// circle's documents as often as not: the handler
				// below tests each against the circle instead. The
				// circle's haversine term is the distance key: it is
				// computed once (topK breaks ties by name, so the
				// order of the visit does not matter).
				cols.eachInCircle(circ, func(d uint32, h float64) {
					p.total++
					if fc != nil {
						fc.add(d)
					}
					if ord == byDistance {
						top.offer(d, h)
					} else {
						top.offer(d, key(d))
					}
				})
			} else {
				for _, d := range cols.live {
					p.total++
					if fc != nil {
						fc.add(d)
					}
					top.offer(d, key(d))
				}
			}
			p.hits = top.page(from)
		}
		if fc != nil {
			p.facets = fc.facets()
		}
		return p, nil
	}

	if len(terms) > 0 && ctx.Value(bleveTextKey{}) == nil {
		plan, ok, err := newTextPlan(ctx, snap, cols, terms, relaxed)
		if err == nil && ok {
			plan.filter, err = filterDocs(ctx, snap, q)
		}
		if err != nil {
			return page{}, fmt.Errorf("index: search: %w", err)
		}
		if ok {
			return planPage(ctx, plan, cols, q, ord, circ, fc, key)
		}
	}

	var must []query.Query
	if len(terms) > 0 && len(filters) > 0 && ord != byName && ord != byDistance {
		// Filters must not score: a keyword term's score is not a
		// number (its field keeps no norms), and would make the sum of
		// the conjunction NaN, ranking the hits in no order at all.
		bq := query.NewBooleanQuery([]query.Query{textQuery(terms, relaxed)}, nil, nil)
		bq.AddFilter(query.NewConjunctionQuery(filters))
		must = append(must, bq)
	} else {
		if len(terms) > 0 {
			must = append(must, textQuery(terms, relaxed))
		}
		must = append(must, filters...)
	}
	// A radius is not given to bleve: its geo searcher decodes the doc
	// values of every candidate (15 % of the API's CPU under load), while
	// the handler below cuts the circle exactly from the in-memory
	// coordinates of the snapshot (cols.within). Here there is always a
	// text or filter clause, so bleve still narrows the candidates.
	var bq query.Query = query.NewConjunctionQuery(must)
	if len(must) == 1 {
		bq = must[0]
	}
	opts := search.SearcherOptions{}
	if ord != byScore && ord != byScoreNear {
		opts.Score = "none"
	}
	searcher, err := bq.Searcher(ctx, snap, ix.mapping, opts)
	if err != nil {
		return page{}, fmt.Errorf("index: search: %w", err)
	}
	defer searcher.Close()

	// Every hit goes to the handler below (it filters them anyway) and
	// the page is kept by topK, ties by name: bleve's own top-N would
	// break ties of score by document number.
	coll := collector.NewTopNCollector(0, 0, search.SortOrder{&search.SortScore{Desc: true}})
	top := newTopK(window).byNameTies(cols)
	maker := func(sctx *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
		inner, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
		if err != nil {
			return nil, false, err
		}
		return func(dm *search.DocumentMatch) error {
			if dm == nil {
				return inner(nil)
			}
			d := uint32(dm.IndexInternalID.Value())
			if !cols.hasDoc(d) || (!q.IncludeCeased && cols.isCeased(d)) || (circ != nil && !cols.within(d, circ)) {
				sctx.DocumentMatchPool.Put(dm)
				return nil
			}
			p.total++
			if fc != nil {
				fc.add(d)
			}
			top.offerIn(ord, d, dm.Score, key)
			sctx.DocumentMatchPool.Put(dm)
			return nil
		}, loadID, nil
	}
	cctx := context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, search.MakeDocumentMatchHandler(maker))
	if err := coll.Collect(cctx, searcher, snap); err != nil {
		return page{}, fmt.Errorf("index: search: %w", err)
	}
	p.hits = top.page(from)
	if fc != nil {
		p.facets = fc.facets()
	}
	return p, nil
}

// earthRadiusKm is the mean radius data.DistanceKm uses.
const earthRadiusKm = 6371.0088

// haversine returns the haversine term between (lat, lon) and document d,
// computed exactly as data.DistanceKm does, so that comparing terms
// compares distances; +Inf when d has no coordinates.
func (c *columns) haversine(lat, lon, cosLat float64, d uint32) float64 {
	return c.points[d].haversine(lat, lon, cosLat)
}

// haversine is the haversine term between (lat, lon) and p.
func (p *point) haversine(lat, lon, cosLat float64) float64 {
	if math.IsNaN(p.lat) {
		return math.Inf(1)
	}
	const rad = math.Pi / 180
	sLat := math.Sin((p.lat - lat) * rad / 2)
	sLon := math.Sin((p.lon - lon) * rad / 2)
	return sLat*sLat + cosLat*p.cosLat*sLon*sLon
}

// within reports whether document d lies in the circle.
func (c *columns) within(d uint32, circ *circle) bool {
	_, ok := c.circleTerm(d, circ)
	return ok
}

// circleTerm returns the haversine term of document d from the centre of
// circ, and whether d lies in the circle.
func (c *columns) circleTerm(d uint32, circ *circle) (float64, bool) {
	p := &c.points[d]
	if math.IsNaN(p.lat) || math.Abs(p.lat-circ.lat) > circ.dLat || math.Abs(p.lon-circ.lon) > circ.dLon {
		return 0, false
	}
	h := p.haversine(circ.lat, circ.lon, circ.cosLat)
	return h, h <= circ.maxH
}

// loadSrc reads the stored blob of a hit and hands it to decode, which must
// not keep it (it may live in a reused buffer). On a scorch snapshot it
// visits the stored fields of the hit's segment directly: bleve's Document
// looks the external id up in every segment, then copies every stored
// field.
func loadSrc(snap index.IndexReader, h pageHit, decode func(id string, raw []byte) error) error {
	id := h.id
	if id == "" {
		var err error
		if id, err = snap.ExternalID(index.NewIndexInternalID(nil, uint64(h.doc))); err != nil {
			return err
		}
	}
	if s, ok := snap.(*scorch.IndexSnapshot); ok {
		return visitSrc(s, h.doc, func(raw []byte) error { return decode(id, raw) })
	}
	doc, err := snap.Document(id)
	if err != nil {
		return err
	}
	if doc == nil {
		return fmt.Errorf("document %s vanished from its snapshot", id)
	}
	var src []byte
	doc.VisitFields(func(f index.Field) {
		if f.Name() == fSrc {
			src = f.Value()
		}
	})
	return decode(id, src)
}

// visitSrc calls fn with the src field of document d of snap. A snapshot
// numbers its documents segment after segment, each segment counting its
// deleted documents too (as scorch's own offsets do).
func visitSrc(snap *scorch.IndexSnapshot, d uint32, fn func(raw []byte) error) error {
	local := uint64(d)
	for _, seg := range snap.Segments() {
		n := seg.Segment().Count()
		if local >= n {
			local -= n
			continue
		}
		var ferr error
		found := false
		err := seg.VisitDocument(local, func(field string, _ byte, value []byte, _ []uint64) bool {
			if field != fSrc {
				return true
			}
			found = true
			ferr = fn(value)
			return false
		})
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("document %d has no stored blob", d)
		}
		return ferr
	}
	return fmt.Errorf("document %d is beyond its snapshot", d)
}

// topK keeps the k smallest keys offered, ties broken by the documents'
// name rank when it has one (byNameTies), else by document number.
type topK struct {
	k int
	h keyHeap
	// rank, when set, is the name rank of each document (columns.nameRank).
	rank []uint32
}

type keyed struct {
	doc   uint32
	key   float64
	score float64 // the relevance score, when ranking by it
	tie   uint32  // the name rank, or 0
}

func newTopK(k int) *topK { return &topK{k: k} }

// byNameTies makes t break ties of key by name. Document numbers follow
// the order in which a build indexed the documents, which its parallel
// batches change from one build to the next: two starts of the same
// program on the same data listed tied suppliers in another order for 39
// of 113 searches. The name rank is the same in every build.
func (t *topK) byNameTies(cols *columns) *topK {
	t.rank = cols.nameRank
	return t
}

func (t *topK) offer(d uint32, key float64) { t.offerScored(d, key, 0) }

// offerScored offers d with its key and the score its hit reports.
func (t *topK) offerScored(d uint32, key, score float64) {
	e := keyed{doc: d, key: key, score: score}
	if int(d) < len(t.rank) {
		e.tie = t.rank[d]
	}
	if len(t.h) < t.k {
		heap.Push(&t.h, e)
		return
	}
	if t.k == 0 || !less(e, t.h[0]) {
		return
	}
	t.h[0] = e
	heap.Fix(&t.h, 0)
}

// offerIn offers document d, of relevance score, in the order ord of a
// search: by score; by score tier, then distance (key); or by key alone.
func (t *topK) offerIn(ord order, d uint32, score float64, key func(uint32) float64) {
	switch ord {
	case byScore:
		t.offerScored(d, -score, score)
	case byScoreNear:
		// The haversine term is below 1: it orders within a tier and
		// never across tiers.
		t.offerScored(d, -scoreTier(score)+key(d)/2, score)
	default:
		t.offer(d, key(d))
	}
}

// page returns the kept entries from rank from on, in ascending order.
func (t *topK) page(from int) []pageHit {
	sorted := make([]keyed, len(t.h))
	for i := len(sorted) - 1; i >= 0; i-- {
		sorted[i] = heap.Pop(&t.h).(keyed)
	}
	var out []pageHit
	for _, e := range sorted[min(from, len(sorted)):] {
		out = append(out, pageHit{doc: e.doc, score: e.score})
	}
	return out
}

func less(a, b keyed) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	if a.tie != b.tie {
		return a.tie < b.tie
	}
	return a.doc < b.doc
}

// keyHeap is a max-heap: its root is the largest kept key, the first to go.
type keyHeap []keyed

func (h keyHeap) Len() int           { return len(h) }
func (h keyHeap) Less(i, j int) bool { return less(h[j], h[i]) }
func (h keyHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *keyHeap) Push(x any)        { *h = append(*h, x.(keyed)) }
func (h *keyHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}
