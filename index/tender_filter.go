package index

import (
	"context"
	"errors"
	"math"
	"reflect"
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/scorer"
	index "github.com/blevesearch/bleve_index_api"
)

// The tenders' dates, value and point are indexed as one term each
// (docBuilder.sortable, docBuilder.point): bleve's range and distance
// queries, which need the coarser terms, cannot answer on them. Their
// filters are answered from the snapshot's columns instead, which hold
// every document's dates, value and point (buildTenderColumns): a
// columnFilter is a bleve query whose searcher walks the columns' live
// documents in order and keeps those its test accepts, so that it
// combines with the text and keyword clauses as any other clause does.
// Open and closed tenders are thus decided by the very test the status
// facet counts with (until > at).

// columnFilter keeps the documents whose column values pass keep.
type columnFilter struct {
	keep func(c *columns, d uint32) bool
	// A date filter also gives its column and bounds: the status filters
	// walk every live document when they lead a search, and a loop over
	// the column costs a fraction of a call of keep per document.
	dates  func(c *columns) []int64
	lo, hi int64
	boost  float64
}

// tenderColumnsKey carries, in the search's context, the columns of the
// snapshot a columnFilter runs on (TenderIndex.execute puts them there).
type tenderColumnsKey struct{}

// errNoColumns is a columnFilter run outside TenderIndex.execute.
var errNoColumns = errors.New("index: tender filter without the snapshot's columns")

// dateRange matches the date column of field in [from, to); a zero side
// is open; documents without the date never match.
func dateRange(field string, from, to time.Time) query.Query {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if !from.IsZero() {
		lo = from.UnixNano()
	}
	if !to.IsZero() {
		hi = to.UnixNano() // exclusive
	}
	col := func(c *columns) []int64 {
		switch field {
		case tfOpenUntil:
			return c.until
		case tfDeadline:
			return c.deadline
		}
		return c.published
	}
	return &columnFilter{boost: filterBoost, dates: col, lo: lo, hi: hi, keep: func(c *columns, d uint32) bool {
		v := col(c)[d]
		return v != 0 && v >= lo && v < hi
	}}
}

// valueRange matches the estimated values in [lo, hi]; 0 leaves a side
// open; tenders without a value never match.
func valueRange(lo, hi float64) query.Query {
	if hi <= 0 {
		hi = math.Inf(1)
	}
	return &columnFilter{boost: filterBoost, keep: func(c *columns, d uint32) bool {
		v := c.value[d]
		return v > 0 && v >= lo && v <= hi
	}}
}

// withinKm matches the tenders placed within km of p, in great-circle
// kilometres, as the suppliers' radius search (newCircle).
func withinKm(p Point, km float64) query.Query {
	circ := newCircle(Query{Near: &p, RadiusKm: km})
	return &columnFilter{boost: filterBoost, keep: func(c *columns, d uint32) bool {
		return c.within(d, circ)
	}}
}

func (f *columnFilter) Searcher(ctx context.Context, _ index.IndexReader, _ mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	c, _ := ctx.Value(tenderColumnsKey{}).(*columns)
	if c == nil {
		return nil, errNoColumns
	}
	var dates []int64
	if f.dates != nil {
		dates = f.dates(c)
	}
	return &columnSearcher{
		cols:   c,
		keep:   f.keep,
		dates:  dates,
		lo:     f.lo,
		hi:     f.hi,
		scorer: scorer.NewConstantScorer(1, f.boost, opts),
		id:     make(index.IndexInternalID, 8),
		count:  estimateKept(c, f.keep),
	}, nil
}

// filterSamples is the number of documents estimateKept tests.
const filterSamples = 1024

// estimateKept estimates how many live documents keep accepts from an
// even sample of them. A conjunction walks its clause of smallest count
// and advances the others to its hits: the open tenders (a few percent)
// must lead a "tenders for my company" search, as their date range did,
// and a broad filter (closed tenders) must not.
func estimateKept(c *columns, keep func(c *columns, d uint32) bool) uint64 {
	n := len(c.live)
	step := max(1, n/filterSamples)
	tried, kept := 0, 0
	for i := 0; i < n; i += step {
		tried++
		if keep(c, c.live[i]) {
			kept++
		}
	}
	if tried == 0 {
		return 0
	}
	return uint64((kept*n + tried - 1) / tried)
}

// columnSearcher walks the live documents of the columns, ascending, and
// returns those its filter keeps, each with a constant score.
type columnSearcher struct {
	cols   *columns
	keep   func(c *columns, d uint32) bool
	dates  []int64 // with lo and hi, what keep tests, when a date filter
	lo, hi int64
	scorer *scorer.ConstantScorer
	next   int // index in cols.live of the next document to test
	id     index.IndexInternalID
	count  uint64 // estimated (estimateKept)
}

var reflectStaticSizeColumnSearcher = int(reflect.TypeOf(columnSearcher{}).Size())

func (s *columnSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	live, i := s.cols.live, s.next
	if s.dates != nil {
		for ; i < len(live); i++ {
			if v := s.dates[live[i]]; v != 0 && v >= s.lo && v < s.hi {
				break
			}
		}
	} else {
		for ; i < len(live) && !s.keep(s.cols, live[i]); i++ {
		}
	}
	if i == len(live) {
		s.next = i
		return nil, nil
	}
	s.next = i + 1
	s.id.SetValue(uint64(live[i]))
	return s.scorer.Score(ctx, s.id), nil
}

func (s *columnSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	target := uint32(id.Value())
	live := s.cols.live
	if s.next < len(live) && live[s.next] < target {
		s.next += sort.Search(len(live)-s.next, func(i int) bool { return live[s.next+i] >= target })
	}
	return s.Next(ctx)
}

// Count is the estimated number of documents the filter keeps.
func (s *columnSearcher) Count() uint64              { return s.count }
func (s *columnSearcher) Close() error               { return nil }
func (s *columnSearcher) Weight() float64            { return s.scorer.Weight() }
func (s *columnSearcher) SetQueryNorm(n float64)     { s.scorer.SetQueryNorm(n) }
func (s *columnSearcher) Min() int                   { return 0 }
func (s *columnSearcher) DocumentMatchPoolSize() int { return 1 }
func (s *columnSearcher) Size() int {
	return reflectStaticSizeColumnSearcher + s.scorer.Size() + len(s.id)
}
