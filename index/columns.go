package index

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2/geo"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/numeric"
	index "github.com/blevesearch/bleve_index_api"
)

// columns is a column-oriented, in-memory copy of what facets, distance
// sorting and name sorting read, for one index snapshot, addressed by the
// snapshot's document numbers.
//
// bleve computes facets and sorts by visiting each hit's doc values, which
// are compressed in chunks: at 100 000 suppliers a broad query with eight
// facets spent 30 ms there and a radius query sorted by distance 20 ms.
// Reading the same values from arrays costs a few nanoseconds per hit.
// Counts stay exact: a search runs on one snapshot and uses the columns of
// that very snapshot; a write makes a new snapshot and new columns (built
// once, on the first search that needs them, from postings and doc
// values: tens of milliseconds at 100 000 suppliers).
type columns struct {
	snap   index.IndexReader // the snapshot the columns describe (holds a reference)
	live   []uint32          // live document numbers, ascending
	facets []facetColumn     // in facetFields order
	// points are the coordinates of each document, NaN without any; one
	// array of structs, so that testing a document against a circle reads
	// one cache line, not one per array.
	points []point
	grid   map[gridCell][]uint32 // located live documents by cell (grid.go)
	// nameRank orders documents by normalised name; byName lists the live
	// documents in that order.
	nameRank []uint32
	byName   []uint32
	// until is, in the tenders' index, the open-until date of each
	// document (Unix nanoseconds), 0 for tenders awarded or cancelled.
	until []int64
	// deadline and published are the tenders' dates (0 when unknown).
	deadline, published []int64
	// value is the tenders' estimated value (0 when unknown).
	value []float64
	// ceased marks the documents of ceased companies; live, byName and
	// the grid leave them out, and a search only meets them through
	// bleve when it includes them (Query.IncludeCeased).
	ceased []bool
	// public is the tenders' default list, built at first use
	// (tender_all.go).
	public publicTendersOnce
	// postings keeps the long postings lists the matcher's text pool
	// reads (match_textpool.go).
	postings postingsCache
	// freqs keeps the document frequencies the matcher counted in the
	// snapshot (match_freqs.go).
	freqs freqCache
	// unions keeps the text plan's common clauses (textplan_union.go).
	unions unionCache
}

// facetColumn holds one keyword field: the value index of every document.
type facetColumn struct {
	field  string
	name   string   // facet name of the API
	values []string // value index → term; index 0 means "none"
	labels []string // value index → French label
	one    []uint16 // single-valued fields: value index per document
	// multi-valued fields: the value indexes of document d are
	// multi[start[d]:start[d+1]].
	start []uint32
	multi []uint16
}

// snapshotOf returns the current snapshot of g, with a reference the caller
// releases with Close.
func (g *generation) snapshotOf() (index.IndexReader, error) {
	adv, err := g.idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	// A closed scorch index answers with a nil snapshot in a non-nil
	// interface, which panics on first use: a background compaction of a
	// generation retired meanwhile met one.
	if s, ok := r.(*scorch.IndexSnapshot); ok && s == nil {
		return nil, errRetired
	}
	return r, nil
}

// errRetired is what a generation closed by a swap or Close answers.
var errRetired = fmt.Errorf("index: generation retired: %w", ErrClosed)

// columnsFor returns the columns of snap, building them if needed. Only one
// build runs at a time per generation; searches of the same snapshot wait
// for it rather than each building their own.
func (g *generation) columnsFor(ctx context.Context, snap index.IndexReader) (*columns, error) {
	if c := g.cols.Load(); c != nil && c.snap == snap {
		return c, nil
	}
	g.colsMu.Lock()
	defer g.colsMu.Unlock()
	if c := g.cols.Load(); c != nil && c.snap == snap {
		return c, nil
	}
	// The columns keep their own reference to the snapshot, so that its
	// identity cannot be reused by another one while they are cached.
	own, err := g.snapshotOf()
	if err != nil {
		return nil, err
	}
	if own != snap { // the snapshot moved on meanwhile: build for the caller's anyway
		_ = own.Close()
		own = nil
	}
	build := g.buildCols
	if build == nil {
		build = buildColumns
	}
	c, err := build(ctx, snap)
	if err != nil {
		if own != nil {
			_ = own.Close()
		}
		return nil, fmt.Errorf("index: columns: %w", err)
	}
	if own == nil {
		return c, nil // not cached: another snapshot is already current
	}
	if old := g.cols.Swap(c); old != nil {
		_ = old.snap.Close()
	}
	return c, nil
}

// dropColumns releases the cached columns of g.
func (g *generation) dropColumns() {
	g.colsMu.Lock()
	defer g.colsMu.Unlock()
	if old := g.cols.Swap(nil); old != nil {
		_ = old.snap.Close()
	}
}

func buildColumns(ctx context.Context, r index.IndexReader) (*columns, error) {
	c := &columns{snap: r}
	maxDoc, err := c.readLive(r)
	if err != nil {
		return nil, err
	}
	c.postings.limit = postingsLimit(len(c.live))
	for _, f := range facetFields {
		fc, err := buildFacetColumn(ctx, r, f, maxDoc)
		if err != nil {
			return nil, err
		}
		c.facets = append(c.facets, fc)
	}
	if err := c.buildDocValues(r, maxDoc); err != nil {
		return nil, err
	}
	c.buildGrid()
	return c, ctx.Err()
}

// readLive lists the live documents of r into c.live and returns one past
// the largest document number.
func (c *columns) readLive(r index.IndexReader) (maxDoc uint32, err error) {
	ids, err := r.DocIDReaderAll()
	if err != nil {
		return 0, err
	}
	defer ids.Close()
	for {
		id, err := ids.Next()
		if err != nil {
			return 0, err
		}
		if id == nil {
			return maxDoc, nil
		}
		n := uint32(id.Value())
		c.live = append(c.live, n)
		maxDoc = max(maxDoc, n+1)
	}
}

func buildFacetColumn(ctx context.Context, r index.IndexReader, field string, maxDoc uint32) (facetColumn, error) {
	fc := facetColumn{field: field, name: facetNames[field], values: []string{""}, labels: []string{""}}
	dict, err := r.FieldDict(field)
	if err != nil {
		return fc, err
	}
	var terms []string
	for {
		e, err := dict.Next()
		if err != nil {
			dict.Close()
			return fc, err
		}
		if e == nil {
			break
		}
		terms = append(terms, e.Term)
	}
	dict.Close()
	if len(terms) >= math.MaxUint16 {
		return fc, fmt.Errorf("field %s has %d values, more than a facet can hold", field, len(terms))
	}
	// (document, value) pairs packed in one integer, for one sort.
	var pairs []uint64
	for _, t := range terms {
		tfr, err := r.TermFieldReader(ctx, []byte(t), field, false, false, false)
		if err != nil {
			return fc, err
		}
		fc.values = append(fc.values, t)
		fc.labels = append(fc.labels, FacetLabel(fc.name, t))
		v := uint64(len(fc.values) - 1)
		var tfd *index.TermFieldDoc
		for {
			tfd, err = tfr.Next(tfd)
			if err != nil {
				tfr.Close()
				return fc, err
			}
			if tfd == nil {
				break
			}
			pairs = append(pairs, tfd.ID.Value()<<16|v)
		}
		tfr.Close()
	}
	slices.Sort(pairs)
	multi := false
	for i := 1; i < len(pairs); i++ {
		if pairs[i]>>16 == pairs[i-1]>>16 {
			multi = true
			break
		}
	}
	if !multi {
		fc.one = make([]uint16, maxDoc)
		for _, p := range pairs {
			if d := p >> 16; d < uint64(maxDoc) {
				fc.one[d] = uint16(p)
			}
		}
		return fc, nil
	}
	fc.start = make([]uint32, maxDoc+1)
	fc.multi = make([]uint16, 0, len(pairs))
	i := 0
	for d := uint32(0); d < maxDoc; d++ {
		fc.start[d] = uint32(len(fc.multi))
		for i < len(pairs) && pairs[i]>>16 == uint64(d) {
			fc.multi = append(fc.multi, uint16(pairs[i]))
			i++
		}
	}
	fc.start[maxDoc] = uint32(len(fc.multi))
	return fc, nil
}

// buildDocValues reads coordinates and sort names from the doc values.
func (c *columns) buildDocValues(r index.IndexReader, maxDoc uint32) error {
	c.points = make([]point, maxDoc)
	for i := range c.points {
		c.points[i] = point{lat: math.NaN(), lon: math.NaN()}
	}
	names := make([]string, maxDoc)
	c.ceased = make([]bool, maxDoc)
	dv, err := r.DocValueReader([]string{fGeo, fNameSort, fStatus})
	if err != nil {
		return err
	}
	var doc uint32
	visit := func(field string, term []byte) {
		switch field {
		case fGeo:
			// Geo points are stored as a morton hash at shift 0.
			pc := numeric.PrefixCoded(term)
			if shift, err := pc.Shift(); err != nil || shift != 0 {
				return
			}
			if h, err := pc.Int64(); err == nil {
				lat := geo.MortonUnhashLat(uint64(h))
				c.points[doc] = point{lat: lat, lon: geo.MortonUnhashLon(uint64(h)), cosLat: math.Cos(lat * math.Pi / 180)}
			}
		case fNameSort:
			names[doc] = string(term)
		case fStatus:
			if string(term) == statusCeased {
				c.ceased[doc] = true
			}
		}
	}
	buf := make(index.IndexInternalID, 8)
	for _, d := range c.live {
		doc = d
		buf.SetValue(uint64(d))
		if err := dv.VisitDocValues(buf, visit); err != nil {
			return err
		}
	}
	c.byName = slices.Clone(c.live)
	sort.SliceStable(c.byName, func(i, j int) bool { return names[c.byName[i]] < names[c.byName[j]] })
	c.nameRank = make([]uint32, maxDoc)
	for rank, d := range c.byName {
		c.nameRank[d] = uint32(rank)
	}
	// Ranks are given to every document, so that a search including
	// ceased companies sorts them too; the lists keep the active ones.
	isCeased := func(d uint32) bool { return c.ceased[d] }
	c.byName = slices.DeleteFunc(c.byName, isCeased)
	c.live = slices.DeleteFunc(slices.Clone(c.live), isCeased)
	return nil
}

// hasDoc reports whether d is a document of the columns' snapshot.
func (c *columns) hasDoc(d uint32) bool { return int(d) < len(c.points) }

// statusCeased is the status term of a ceased company.
const statusCeased = "ceased"

// isCeased reports whether d is a ceased company's document.
func (c *columns) isCeased(d uint32) bool { return int(d) < len(c.ceased) && c.ceased[d] }

// point is a document's latitude and longitude, with the cosine of the
// latitude that the haversine needs.
type point struct{ lat, lon, cosLat float64 }

// facetCounter counts facet values over the documents it is given.
type facetCounter struct {
	c      *columns
	counts [][]int // per facet column, per value index
}

func (c *columns) newFacetCounter() *facetCounter {
	fc := &facetCounter{c: c, counts: make([][]int, len(c.facets))}
	for i, f := range c.facets {
		fc.counts[i] = make([]int, len(f.values))
	}
	return fc
}

func (fc *facetCounter) add(d uint32) {
	for i := range fc.c.facets {
		f := &fc.c.facets[i]
		if f.one != nil {
			fc.counts[i][f.one[d]]++
			continue
		}
		for _, v := range f.multi[f.start[d]:f.start[d+1]] {
			fc.counts[i][v]++
		}
	}
}

// facets returns the counts with French labels, by decreasing count.
func (fc *facetCounter) facets() Facets {
	out := make(Facets, len(fc.c.facets))
	for i, f := range fc.c.facets {
		var list []FacetCount
		for v, n := range fc.counts[i] {
			if v == 0 || n == 0 {
				continue
			}
			list = append(list, FacetCount{Value: f.values[v], Label: f.labels[v], Count: n})
		}
		sortFacetCounts(list)
		out[f.name] = list
	}
	return out
}
