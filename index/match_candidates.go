package index

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"fabrique/data"
	"fabrique/index/match"
)

// candidatePool is the size of each of the two candidate pools. Scoring
// in Go costs a supplier read and a text analysis per candidate; 200 of
// each leaves room for the 50 (at most 200) that are returned.
const candidatePool = 200

// Boosts of the sector pool's clauses when it has no place to sort by:
// companies whose trade makes what is bought come first.
const (
	primaryFitBoost   = 2.0
	secondaryFitBoost = 1.0
	cpvDivisionBoost  = 2.0
)

// candidateIDs gathers the suppliers worth scoring, from two pools:
// (a) those whose text holds the need's discriminative terms, best first;
// (b) those whose sector fits the need's CPV divisions (NAF division per
// the correspondence table, or a CPV code in the division), nearest first;
// (c) those of the sector whose declared service area covers the place.
// Neither pool scores every supplier against every word of the tender:
// that is what makes a match cost milliseconds at 100 000 suppliers.
//
// snap is the snapshot the text pool is read from (see textPool); with
// bleveTextPool, bleve's search of termsQuery gathers it (tests).
func (ix *Index) candidateIDs(ctx context.Context, g *generation, snap index.IndexReader, n *match.Need, terms []match.Term, bleveTextPool bool) ([]string, error) {
	var ids []string
	seen := map[string]bool{}
	add := func(res *bleve.SearchResult) {
		for _, h := range res.Hits {
			if !seen[h.ID] {
				seen[h.ID] = true
				ids = append(ids, h.ID)
			}
		}
	}
	if len(terms) > 0 && bleveTextPool {
		res, err := g.idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(termsQuery(queryTerms(terms)), candidatePool, 0, false))
		if err != nil {
			return nil, fmt.Errorf("index: match: text candidates: %w", err)
		}
		add(res)
	} else if len(terms) > 0 {
		cols, err := g.columnsFor(ctx, snap)
		if err != nil {
			return nil, err
		}
		text, err := ix.textPool(ctx, snap, cols, textClauses(queryTerms(terms)), candidatePool)
		if err != nil {
			return nil, err
		}
		for _, h := range text {
			seen[h.id] = true
			ids = append(ids, h.id)
		}
	}
	// (e) the companies that already won such awards (match_track.go).
	track, err := ix.trackPool(ctx, g, snap, n)
	if err != nil {
		return nil, err
	}
	ids = appendUnseen(ids, seen, track)
	sq := sectorQuery(n.CPVDivisions, n.CPVs(), n.Links)
	if sq == nil {
		return ids, nil
	}
	pool, err := ix.sectorPool(ctx, g, n, sq, candidatePool)
	if err != nil {
		return nil, err
	}
	for _, id := range pool {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	// (d) the suppliers of the rare trades that won such awards, from
	// all of France: a rare trade travels far (match_reach.go).
	rare, err := ix.rareTradePool(ctx, g, n)
	if err != nil {
		return nil, err
	}
	for _, id := range rare {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	// (c) those of the sector whose declared service area covers the
	// place, however far their site: the nearest-first pool would miss
	// them where the sector is crowded.
	if aq := areaQuery(n.Place); aq != nil {
		res, err := g.idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(query.NewConjunctionQuery([]query.Query{sq, aq}), candidatePool, 0, false))
		if err != nil {
			return nil, fmt.Errorf("index: match: service area candidates: %w", err)
		}
		add(res)
	}
	return ids, nil
}

// areaQuery matches the suppliers whose declared service area covers the
// place's département (France entière, its région, the département
// itself, or a radius reaching it); nil when the place has no
// département.
func areaQuery(p data.Place) query.Query {
	if p.Departement == "" {
		return nil
	}
	vals := []string{areaFrance, "D:" + p.Departement}
	if d, ok := data.LookupDepartement(p.Departement); ok && d.Region != "" {
		vals = append(vals, "R:"+d.Region)
	}
	return keywordsQuery(fArea, vals)
}

// sectorPool runs the sector query for its k nearest suppliers when the
// need has a place (its k best otherwise). The distances come from the
// snapshot's in-memory columns (bleve's distance sort decodes the point of
// every hit). The query is first restricted to the départements around
// the place, and widened only when they hold fewer than k suppliers: a
// whole sector of 100 000 suppliers is still many postings to walk.
func (ix *Index) sectorPool(ctx context.Context, g *generation, n *match.Need, sq query.Query, k int) ([]string, error) {
	snap, err := g.snapshotOf()
	if err != nil {
		return nil, fmt.Errorf("index: match: %w", err)
	}
	defer snap.Close()
	cols, err := g.columnsFor(ctx, snap)
	if err != nil {
		return nil, err
	}
	if !n.HasPoint {
		// No distance to rank by, and no score either: the keyword fields
		// keep no norms (SkipFreqNorm), so bleve scores the sector query
		// NaN and its « best » were the first documents indexed. The pool
		// takes the primary trades first, then the others, each by name.
		var ids []string
		seen := map[string]bool{}
		for _, q := range []query.Query{sectorTier(n.CPVDivisions, n.CPVs(), n.Links, true), sq} {
			if len(ids) >= k {
				break
			}
			tier, err := ix.firstByName(ctx, snap, cols, q, k, seen)
			if err != nil {
				return nil, fmt.Errorf("index: match: sector candidates: %w", err)
			}
			ids = append(ids, tier[:min(len(tier), k-len(ids))]...)
		}
		return ids, nil
	}
	// Successive radii (0: all of France). With the margin of the
	// départements, the first one holds a pool of suppliers of a common
	// sector almost everywhere; a rare sector costs one or two more cheap
	// searches.
	for _, radius := range [...]float64{10, 60, 250, 0} {
		q := sq
		if radius > 0 {
			deps := departementsAround(n.Place.Lat, n.Place.Lon, radius)
			if len(deps) == 0 {
				continue
			}
			q = query.NewConjunctionQuery([]query.Query{sq, keywordsQuery(fDepartement, deps)})
		}
		ids, total, err := ix.nearestMatching(ctx, snap, cols, q, n.Place.Lat, n.Place.Lon, k)
		if err != nil {
			return nil, fmt.Errorf("index: match: sector candidates: %w", err)
		}
		if radius == 0 || total >= uint64(k) {
			return ids, nil
		}
	}
	return nil, nil // unreachable: the last radius returns
}

// firstByName returns the ids of the first k documents of snap matching
// q, ordered by name (columns.nameRank), leaving out those in seen and
// adding its own to it. Not by document number, the order the suppliers
// were indexed in, so that the same need gets the same pool after a
// re-import; and not by bleve's sort on _id, which doubles the CPU of a
// match: it reads the id of every matching document.
func (ix *Index) firstByName(ctx context.Context, snap index.IndexReader, cols *columns, q query.Query, k int, seen map[string]bool) ([]string, error) {
	top := newTopK(k + len(seen))
	if _, err := ix.eachMatching(ctx, snap, cols, q, func(d uint32) { top.offer(d, float64(cols.nameRank[d])) }); err != nil {
		return nil, err
	}
	var ids []string
	for _, h := range top.page(0) {
		id, err := snap.ExternalID(index.NewIndexInternalID(nil, uint64(h.doc)))
		if err != nil {
			return nil, err
		}
		if !seen[id] && len(ids) < k {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// eachMatching calls fn with every live, active document of snap matching
// q, without scoring them, and returns how many there were.
func (ix *Index) eachMatching(ctx context.Context, snap index.IndexReader, cols *columns, q query.Query, fn func(d uint32)) (uint64, error) {
	searcher, err := q.Searcher(ctx, snap, ix.mapping, search.SearcherOptions{Score: "none"})
	if err != nil {
		return 0, err
	}
	defer searcher.Close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(searcher.DocumentMatchPoolSize(), 0)}
	var total uint64
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		dm, err := searcher.Next(sctx)
		if err != nil {
			return 0, err
		}
		if dm == nil {
			return total, nil
		}
		if d := uint32(dm.IndexInternalID.Value()); cols.hasDoc(d) && !cols.isCeased(d) {
			total++
			fn(d)
		}
		sctx.DocumentMatchPool.Put(dm)
	}
}

// nearestMatching returns the ids of the k documents of snap matching q
// that are nearest to (lat, lon), nearest first (ties by document number,
// those without coordinates last), and how many documents match q.
func (ix *Index) nearestMatching(ctx context.Context, snap index.IndexReader, cols *columns, q query.Query, lat, lon float64, k int) ([]string, uint64, error) {
	cosLat := math.Cos(lat * math.Pi / 180)
	top := newTopK(k)
	total, err := ix.eachMatching(ctx, snap, cols, q, func(d uint32) { top.offer(d, cols.haversine(lat, lon, cosLat, d)) })
	if err != nil {
		return nil, 0, err
	}
	hits := top.page(0)
	ids := make([]string, len(hits))
	for i, h := range hits {
		if ids[i], err = snap.ExternalID(index.NewIndexInternalID(nil, uint64(h.doc))); err != nil {
			return nil, 0, err
		}
	}
	return ids, total, nil
}

// departementsAround returns the départements that may hold a point
// within radius of (lat, lon): those whose centre is within the radius
// plus their own extent.
func departementsAround(lat, lon, radius float64) []string {
	var out []string
	for _, d := range departementExtents() {
		if data.DistanceKm(lat, lon, d.lat, d.lon) <= radius+d.extentKm {
			out = append(out, d.code)
		}
	}
	return out
}

// departementExtent is a département's centre and the distance from it to
// its farthest commune, plus a few km for the commune's own size.
type departementExtent struct {
	code     string
	lat, lon float64
	extentKm float64
}

// departementExtents is computed once from the reference communes: it is
// reference data, never changed after.
var departementExtents = sync.OnceValue(func() []departementExtent {
	byCode := map[string]*departementExtent{}
	var out []*departementExtent
	for _, d := range data.Departements() {
		if d.Lat == 0 && d.Lon == 0 {
			continue
		}
		e := &departementExtent{code: d.Code, lat: d.Lat, lon: d.Lon}
		byCode[d.Code] = e
		out = append(out, e)
	}
	for _, c := range data.Communes() {
		if e := byCode[c.Departement]; e != nil && c.HasGeo {
			e.extentKm = max(e.extentKm, data.DistanceKm(e.lat, e.lon, c.Lat, c.Lon))
		}
	}
	list := make([]departementExtent, len(out))
	for i, e := range out {
		e.extentKm += communeMarginKm
		list[i] = *e
	}
	return list
})

// communeMarginKm covers the distance from a commune's centre, where the
// reference data puts it, to the companies at its edges.
const communeMarginKm = 10.0

// keywordsQuery matches any of the values of a keyword field.
func keywordsQuery(field string, vals []string) query.Query {
	dis := make([]query.Query, len(vals))
	for i, v := range vals {
		dis[i] = termOn(v, field, 1)
	}
	return query.NewDisjunctionQuery(dis)
}

// maxQueryTerms is the number of terms the text pool searches: the most
// central ones find the suppliers worth scoring, and every term costs a
// posting-list read per field and per segment. All the terms are scored.
const maxQueryTerms = 8

// queryTerms returns the most central terms, by rank.
func queryTerms(terms []match.Term) []match.Term {
	if len(terms) <= maxQueryTerms {
		return terms
	}
	top := slices.Clone(terms)
	sort.SliceStable(top, func(i, j int) bool { return top[i].Rank > top[j].Rank })
	return top[:maxQueryTerms]
}

// termsQuery is a disjunction of the terms (and their trade alternatives)
// over the text fields, each weighted by its share of the query: the
// query that textPool runs by hand.
func termsQuery(terms []match.Term) query.Query {
	clauses := textClauses(terms)
	dis := make([]query.Query, len(clauses))
	for i, c := range clauses {
		dis[i] = termOn(c.term, c.field, c.boost)
	}
	return query.NewDisjunctionQuery(dis)
}

// sectorQuery matches the suppliers whose NAF division fits one of the
// CPV codes (data.CPVNAFFitsFor: a refined group's trades, else the
// division's), or of the divisions when no code is given, or who hold a
// CPV code in one of the divisions; nil without divisions.
func sectorQuery(cpvDivisions, cpvs []string, links *data.CPVNAFLinks) query.Query {
	return sectorTier(cpvDivisions, cpvs, links, false)
}

// sectorTier is sectorQuery, or with primaryOnly its strongest clauses:
// the trades that make or provide what is bought (primary fits) and the
// trades that won such awards; not the univers, which gather hundreds of
// trades, nor the division's codes, which every fitting NAF code infers.
func sectorTier(cpvDivisions, cpvs []string, links *data.CPVNAFLinks, primaryOnly bool) query.Query {
	if len(cpvDivisions) == 0 {
		return nil
	}
	var dis []query.Query
	add := func(term, field string, boost float64) { dis = append(dis, termOn(term, field, boost)) }
	codes := cpvs
	if len(codes) == 0 {
		for _, d := range cpvDivisions {
			codes = append(codes, d+"000000")
		}
	}
	best := map[string]float64{} // NAF division → its strongest fit
	var order []string
	for _, c := range codes {
		for _, f := range data.CPVNAFFitsFor(c) {
			boost := secondaryFitBoost
			if f.Primary {
				boost = primaryFitBoost
			}
			if _, ok := best[f.NAFDivision]; !ok {
				order = append(order, f.NAFDivision)
			}
			best[f.NAFDivision] = max(best[f.NAFDivision], boost)
		}
	}
	for _, d := range order {
		if primaryOnly && best[d] < primaryFitBoost {
			continue
		}
		if len(d) > 2 { // a NAF class of a refined group ("43.29")
			pq := query.NewPrefixQuery(d)
			pq.SetField(fNAF)
			pq.SetBoost(best[d])
			dis = append(dis, pq)
			continue
		}
		add(d, fNAFDivision, best[d])
	}
	if !primaryOnly { // the division's codes include those inferred from every fitting NAF code
		for _, d := range cpvDivisions {
			add(d, fCPVDivision, cpvDivisionBoost)
		}
	}
	if lq := learnedNAFQuery(links, cpvDivisions); lq != nil {
		dis = append(dis, lq) // the NAF codes that won such awards (match_links.go)
	}
	// Only the univers that plainly make what is bought: a secondary
	// univers covers whole other trades, and its firms come in through
	// their words when they match.
	for u, v := range match.UniversesFitting(cpvDivisions) {
		if v >= match.FitUniversPrimary && !primaryOnly { // a univers is no trade
			add(u, fUnivers, primaryFitBoost)
		}
	}
	return query.NewDisjunctionQuery(dis)
}
