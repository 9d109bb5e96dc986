package index

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/geo"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"fabrique/data"
)

// tenderColumnFields are the keyword fields the tenders' columns hold,
// by facet name; outcome is not a facet of its own but feeds "status".
var tenderColumnFields = []struct{ field, name string }{
	{tfCPVDivision, "cpv_division"}, {tfCPVInferred, "cpv_inferred"}, {tfProcedure, "procedure"}, {tfNature, "nature"},
	{tfDepartement, "departement"}, {tfRegion, "region"}, {tfBuyer, "buyer"}, {tfSource, "source"},
	{tfOutcome, tfOutcome},
}

// buildTenderColumns builds the in-memory columns of a tender snapshot:
// one facet column per keyword facet and the open-until date of every
// document. As for suppliers (columns.go), bleve's own facets decode the
// doc values of every hit: at 20 000 tenders a facet count over all of
// them took 400 ms, from arrays it takes a few. A facet with more values
// than a column holds (buyers, at a million notices) is left out of the
// counts rather than failing the search.
func buildTenderColumns(ctx context.Context, r index.IndexReader) (*columns, error) {
	c := &columns{snap: r}
	maxDoc, err := c.readLive(r)
	if err != nil {
		return nil, err
	}
	for _, f := range tenderColumnFields {
		fc, err := buildFacetColumn(ctx, r, f.field, maxDoc)
		if err != nil {
			continue // too many values: not counted
		}
		fc.name = f.name
		for i, v := range fc.values {
			if i > 0 {
				fc.labels[i] = TenderFacetLabel(f.name, v)
			}
		}
		c.facets = append(c.facets, fc)
	}
	c.points = make([]point, maxDoc)
	for i := range c.points {
		c.points[i] = point{lat: math.NaN(), lon: math.NaN()}
	}
	c.until, c.deadline, c.published = make([]int64, maxDoc), make([]int64, maxDoc), make([]int64, maxDoc)
	c.value = make([]float64, maxDoc)
	dv, err := r.DocValueReader([]string{tfOpenUntil, tfDeadline, tfPublished, tfValue, fGeo})
	if err != nil {
		return nil, err
	}
	var doc uint32
	visit := func(field string, term []byte) {
		pc := numeric.PrefixCoded(term)
		if shift, err := pc.Shift(); err != nil || shift != 0 {
			return
		}
		v, err := pc.Int64()
		if err != nil {
			return
		}
		switch field {
		case tfOpenUntil:
			c.until[doc] = v
		case tfDeadline:
			c.deadline[doc] = v
		case tfPublished:
			c.published[doc] = v
		case tfValue:
			c.value[doc] = numeric.Int64ToFloat64(v)
		case fGeo:
			lat := geo.MortonUnhashLat(uint64(v))
			c.points[doc] = point{lat: lat, lon: geo.MortonUnhashLon(uint64(v)), cosLat: math.Cos(lat * math.Pi / 180)}
		}
	}
	buf := make(index.IndexInternalID, 8)
	for _, d := range c.live {
		doc = d
		buf.SetValue(uint64(d))
		if err := dv.VisitDocValues(buf, visit); err != nil {
			return nil, err
		}
	}
	return c, ctx.Err()
}

// tenderPage is what one execution gives back.
type tenderPage struct {
	total  uint64
	hits   []TenderHit
	facets Facets
}

// execute runs the conjunction of clauses on one snapshot, pages the hits
// in the given order and, when asked, counts the facets of every hit from
// the snapshot's columns.
func (ti *TenderIndex) execute(ctx context.Context, g *generation, q TenderQuery, clauses []query.Query, sort TenderSort, from, size int, facets bool) (tenderPage, error) {
	snap, err := g.snapshotOf()
	if err != nil {
		return tenderPage{}, err
	}
	defer snap.Close()
	// Dates are sorted from the columns too: bleve's sort decodes the doc
	// values of every hit, which a broad list cannot afford.
	byColumn := sort == SortTenderDeadline || sort == sortTenderDeadlineDesc || sort == SortTenderPublished ||
		sort == SortTenderDefault || size == 0
	// The columns answer the date, value and radius filters as well
	// (tender_filter.go).
	cols, err := g.columnsFor(ctx, snap)
	if err != nil {
		return tenderPage{}, err
	}
	ctx = context.WithValue(ctx, tenderColumnsKey{}, cols)
	var qq query.Query
	switch len(clauses) {
	case 0:
		qq = query.NewMatchAllQuery()
	case 1:
		qq = clauses[0]
	default:
		qq = query.NewConjunctionQuery(clauses)
	}
	if !containsString(q.Sources, data.SourceNeed) { // buyers' needs are no public notices
		qq = query.NewBooleanQuery([]query.Query{qq}, nil, []query.Query{termOn(data.SourceNeed, tfSource, filterBoost)})
	}
	opts := search.SearcherOptions{}
	if sort != SortTenderRelevance {
		opts.Score = "none"
	}
	searcher, err := qq.Searcher(ctx, snap, ti.mapping, opts)
	if err != nil {
		return tenderPage{}, fmt.Errorf("index: tender search: %w", err)
	}
	defer searcher.Close()
	var coll *collector.TopNCollector
	var top, rest *topK // rest: the default order's closed part
	var total, openHits uint64
	if byColumn {
		coll = collector.NewTopNCollector(0, 0, search.SortOrder{&search.SortScore{Desc: true}})
		top = newTopK(from + size)
		if sort == SortTenderDefault {
			rest = newTopK(from + size)
		}
	} else {
		coll = collector.NewTopNCollector(size, from, tenderSortOrder(sort, q))
	}
	key := func(d uint32) float64 {
		var v int64
		switch sort {
		case SortTenderPublished:
			v = -cols.published[d]
		case sortTenderDeadlineDesc:
			v = -cols.deadline[d]
		default:
			v = cols.deadline[d]
		}
		if v == 0 {
			return math.Inf(1) // no date: last
		}
		return float64(v)
	}
	var fc *facetCounter
	var open, closed int
	at := q.At.UnixNano()
	// visit counts the facets of a hit and ranks it from the columns; it
	// reports whether it took the hit (else bleve's collector ranks it).
	visit := func(d uint32) bool {
		if fc != nil {
			fc.add(d)
			switch u := cols.until[d]; {
			case u == 0:
			case u > at:
				open++
			default:
				closed++
			}
		}
		if top == nil {
			return false
		}
		total++
		switch {
		case rest == nil:
			top.offer(d, key(d))
		case cols.until[d] > at: // open: nearest deadline first (a presumed one for a notice without)
			openHits++
			top.offer(d, float64(cols.until[d]))
		default: // then the others, latest deadline first
			rest.offer(d, restKey(cols.deadline[d]))
		}
		return true
	}
	cctx := ctx
	if facets || byColumn {
		if facets {
			fc = cols.newFacetCounter()
		}
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
				if !cols.hasDoc(d) || visit(d) {
					sctx.DocumentMatchPool.Put(dm)
					return nil
				}
				return inner(dm)
			}, loadID, nil
		}
		cctx = context.WithValue(ctx, search.MakeDocumentMatchHandlerKey, search.MakeDocumentMatchHandler(maker))
	}
	var all *publicTenders
	if sort == SortTenderDefault && len(clauses) == 0 {
		all = cols.publicTenders()
	}
	scanned := all != nil
	if !scanned {
		if scanned, err = scanAll(ctx, cols, clauses, top != nil, visit); err != nil {
			return tenderPage{}, err
		}
	}
	if !scanned {
		if err := coll.Collect(cctx, searcher, snap); err != nil {
			return tenderPage{}, fmt.Errorf("index: tender search: %w", err)
		}
	}
	p := tenderPage{total: coll.Total()}
	var page []pageHit
	if all != nil {
		p.total = uint64(all.total)
		page, open, closed = all.page(cols, at, from, size)
		if facets {
			p.facets = all.listFacets(open, closed)
		}
		fc = nil
	} else if top != nil {
		p.total = total
		if rest == nil {
			page = top.page(from)
		} else { // the open part, then the others, cut at [from, from+size)
			page = append(top.page(0), rest.page(0)...)
			page = page[min(from, len(page)):min(from+size, len(page))]
		}
	} else {
		for _, dm := range coll.Results() {
			page = append(page, pageHit{id: dm.ID, doc: uint32(dm.IndexInternalID.Value()), score: dm.Score})
		}
	}
	for _, h := range page {
		err := loadSrc(snap, h, func(id string, raw []byte) error {
			var t data.Tender
			if err := json.Unmarshal(raw, &t); err != nil {
				return fmt.Errorf("index: tender %s: stored summary: %w", id, err)
			}
			hit := TenderHit{Tender: t, Status: t.StatusAt(q.At), Score: h.score}
			if q.Near != nil && (t.Place.Lat != 0 || t.Place.Lon != 0) {
				d := data.DistanceKm(q.Near.Lat, q.Near.Lon, t.Place.Lat, t.Place.Lon)
				hit.DistanceKm = &d
			}
			p.hits = append(p.hits, hit)
			return nil
		})
		if err != nil {
			return tenderPage{}, err
		}
	}
	if fc != nil {
		p.facets = tenderFacetsOf(fc.facets(), open, closed)
	}
	return p, nil
}

// scanAll runs a search without any clause (every public notice: the
// default list of /appels-d-offres and of the API) over the columns'
// live documents, without bleve: its searcher walks the postings of every
// document and hands each hit to the collector, which cost 170 ms p95 at
// 250 000 tenders and grew with the corpus; an array walk costs a tenth.
// It reports false, having done nothing, when the search needs bleve:
// clauses, an order the columns do not hold, or a source column too
// large to be held (then buyers' needs cannot be told apart).
// Without clauses, no source is asked for: buyers' needs are left out.
func scanAll(ctx context.Context, cols *columns, clauses []query.Query, ranked bool, visit func(d uint32) bool) (bool, error) {
	if len(clauses) > 0 || cols == nil || !ranked {
		return false, nil
	}
	ok, err := forPublic(ctx, cols, func(d uint32) { visit(d) })
	if err != nil {
		return false, fmt.Errorf("index: tender search: %w", err)
	}
	return ok, nil
}

// facetNamed returns the facet column of that API name, nil when the
// columns do not hold it.
func (c *columns) facetNamed(name string) *facetColumn {
	for i := range c.facets {
		if c.facets[i].name == name {
			return &c.facets[i]
		}
	}
	return nil
}

// restKey orders the closed part of the default order: latest deadline
// first, none last.
func restKey(deadline int64) float64 {
	if deadline == 0 {
		return math.Inf(1)
	}
	return -float64(deadline)
}

// tenderFacetsOf turns the columns' counts into the tender facets: the
// outcome column and the open/closed counts make "status".
func tenderFacetsOf(f Facets, open, closed int) Facets {
	status := map[string]int{string(data.StatusOpen): open, string(data.StatusClosed): closed}
	for _, c := range f[tfOutcome] {
		if c.Value != outcomeNone {
			status[c.Value] = c.Count
		}
	}
	delete(f, tfOutcome)
	var counts []FacetCount
	for _, s := range data.TenderStatuses() {
		if n := status[string(s)]; n > 0 {
			counts = append(counts, FacetCount{Value: string(s), Label: s.Label(), Count: n})
		}
	}
	f[statusFacet] = counts
	for name := range f {
		if len(f[name]) > maxTenderFacetValues {
			f[name] = f[name][:maxTenderFacetValues]
		}
	}
	return f
}
