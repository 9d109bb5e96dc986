package index

import (
	"container/heap"
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	index "github.com/blevesearch/bleve_index_api"

	"fabrique/index/match"
)

// The text pool of a match (candidateIDs, pool a) is the candidatePool
// best suppliers for termsQuery as bleve ranks them. bleve would run it as
// a disjunction of up to a hundred term searchers merged through a heap,
// and pay a heap operation and a pooled hit per posting: at 100 000
// suppliers, where a need's common words (« fabrication », « livraison »)
// are in half the directory, that was half the CPU of a match. textPool
// computes the same scores over the same postings with plain arrays:
//
//	clause score  = sqrt(freq) × norm × idf × (boost × idf × queryNorm)
//	idf           = 1 + ln(docCount / (postings + 1))
//	queryNorm     = 1 / sqrt(Σ (boost × idf)²) over every clause
//	document      = Σ clause scores × matched clauses / clauses
//
// (bleve's tf-idf TermQueryScorer and DisjunctionQueryScorer), and breaks
// ties by document number as bleve's collector does.
// TestTextPoolAgreesWithBleve holds it to bleve's answer.

// textClause is one term query of termsQuery.
type textClause struct {
	term, field string
	boost       float64
}

// textClauses lists termsQuery's clauses, in its order.
func textClauses(terms []match.Term) []textClause {
	var out []textClause
	for _, t := range terms {
		for _, f := range textFields {
			if t.NameWord && f.name == fName {
				continue // a name word finds a company only by what it makes
			}
			out = append(out, textClause{t.Stem, f.name, f.boost * t.Weight})
			for _, a := range t.Alts {
				out = append(out, textClause{a, f.name, f.boost * t.Weight * altBoost})
			}
		}
	}
	return out
}

// textAccumulator sums the clause scores of each document; reused through
// accumulators, it spares a match the allocation of arrays the size of
// the index.
type textAccumulator struct {
	sum     []float64
	count   []uint16
	touched []uint32
}

var accumulators = sync.Pool{New: func() any { return new(textAccumulator) }}

func (a *textAccumulator) add(d uint32, score float64) {
	if int(d) >= len(a.sum) {
		n := max(int(d)+1, 2*len(a.sum))
		a.sum = append(a.sum, make([]float64, n-len(a.sum))...)
		a.count = append(a.count, make([]uint16, n-len(a.count))...)
	}
	if a.count[d] == 0 {
		a.touched = append(a.touched, d)
	}
	a.sum[d] += score
	a.count[d]++
}

// reset clears what the last use touched.
func (a *textAccumulator) reset() {
	for _, d := range a.touched {
		a.sum[d], a.count[d] = 0, 0
	}
	a.touched = a.touched[:0]
}

// poolHit is a document of the text pool and its score.
type poolHit struct {
	id    string
	score float64
}

// Long postings lists (the common words of needs, « fabrication » in half
// the NAF labels) are kept decoded with the snapshot's columns: the next
// need that holds the word reads an array instead of decoding the
// postings again. The columns belong to one snapshot, so a write, which
// makes a new snapshot, never meets the lists of the one before.
const (
	// cachedPostingsMin is the shortest list kept.
	cachedPostingsMin = 4096
	// cachedPostingsMax bounds the postings kept per snapshot (12 bytes
	// each: 48 MiB) in a small directory; cachedPostingsPerDoc raises the
	// bound with the directory (postingsLimit).
	cachedPostingsMax = 4 << 20
	// cachedPostingsPerDoc is the bound per live document: the common
	// words' lists grow with the directory, so a fixed bound that holds
	// the lists of the day's needs and searches at 100 000 suppliers
	// (42 per document) held a few of them at 1 000 000, and every other
	// need decoded its long lists again through zap.
	cachedPostingsPerDoc = 40
)

// postingsLimit is the number of postings kept decoded for a snapshot of
// live documents.
func postingsLimit(live int) int64 {
	return max(cachedPostingsMax, cachedPostingsPerDoc*int64(live))
}

// postingsCache holds decoded postings lists by field and term.
type postingsCache struct {
	lists sync.Map // textClause{term, field} → *postingsList
	size  atomic.Int64
	// minLen is the shortest list kept; 0 means cachedPostingsMin.
	minLen int
	// limit bounds the postings kept; 0 means cachedPostingsMax.
	limit int64
}

// postingsList is a decoded postings list: the documents, ascending, and
// for each sqrt(frequency) × norm, the part of a clause score that
// depends on the document, and the largest of those (the list's bound,
// prunedTop).
type postingsList struct {
	docs   []uint32
	tfn    []float64
	maxTfn float64
	// dense, built once by denseSet, finds a document in a list that
	// covers much of the directory (textplan_union.go).
	denseOnce sync.Once
	dense     *docSet
}

// decodePostings reads r's postings into a list; n is their number when
// known (0: not known).
func decodePostings(ctx context.Context, r index.TermFieldReader, n uint64) (*postingsList, error) {
	if n == 0 {
		n = r.Count()
	}
	pl := &postingsList{docs: make([]uint32, 0, n), tfn: make([]float64, 0, n)}
	var tfd *index.TermFieldDoc
	var err error
	for {
		if len(pl.docs)%8192 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if tfd, err = r.Next(tfd); err != nil {
			return nil, err
		}
		if tfd == nil {
			return pl, nil
		}
		tfn := math.Sqrt(float64(tfd.Freq)) * tfd.Norm
		pl.docs = append(pl.docs, uint32(tfd.ID.Value()))
		pl.tfn = append(pl.tfn, tfn)
		pl.maxTfn = max(pl.maxTfn, tfn)
	}
}

// postingsOf returns the decoded list of the clause's term, reading it
// from r when it is not kept yet; nil when it is too short or too many
// postings are kept already.
func (pc *postingsCache) postingsOf(ctx context.Context, c textClause, r index.TermFieldReader) (*postingsList, error) {
	key := textClause{term: c.term, field: c.field}
	if v, ok := pc.lists.Load(key); ok {
		return v.(*postingsList), nil
	}
	n, minLen := r.Count(), uint64(pc.minLen)
	if minLen == 0 {
		minLen = cachedPostingsMin
	}
	limit := pc.limit
	if limit == 0 {
		limit = cachedPostingsMax
	}
	if n < minLen || pc.size.Load()+int64(n) > limit {
		return nil, nil
	}
	pl, err := decodePostings(ctx, r, n)
	if err != nil {
		return nil, err
	}
	if v, loaded := pc.lists.LoadOrStore(key, pl); loaded {
		return v.(*postingsList), nil
	}
	pc.size.Add(int64(len(pl.docs)))
	return pl, nil
}

// textPool returns the k documents of snap that score best for the
// clauses, best first, as bleve's search of termsQuery would. The order of
// two documents whose scores differ only by rounding may differ from
// bleve's, which adds a document's clause scores in an order that depends
// on the postings met before: the matcher only uses the pool as a set.
//
// cols, the snapshot's columns, keep its long postings lists; nil keeps
// none.
func (ix *Index) textPool(ctx context.Context, snap index.IndexReader, cols *columns, clauses []textClause, k int) ([]poolHit, error) {
	if len(clauses) == 0 {
		return nil, nil
	}
	docCount, err := snap.DocCount()
	if err != nil {
		return nil, fmt.Errorf("index: match: text candidates: %w", err)
	}
	readers := make([]index.TermFieldReader, len(clauses))
	defer func() {
		for _, r := range readers {
			if r != nil {
				_ = r.Close()
			}
		}
	}()
	idf := make([]float64, len(clauses))
	var sumOfSquares float64
	for i, c := range clauses {
		if readers[i], err = snap.TermFieldReader(ctx, []byte(c.term), c.field, true, true, false); err != nil {
			return nil, fmt.Errorf("index: match: text candidates: %w", err)
		}
		idf[i] = 1.0 + math.Log(float64(docCount)/float64(readers[i].Count()+1.0))
		w := c.boost * idf[i]
		sumOfSquares += w * w
	}
	queryNorm := 1.0 / math.Sqrt(sumOfSquares)

	lists := make([]clauseList, len(clauses))
	for i, c := range clauses {
		var pl *postingsList
		if cols != nil {
			if pl, err = cols.postings.postingsOf(ctx, c, readers[i]); err != nil {
				return nil, fmt.Errorf("index: match: text candidates: %w", err)
			}
		}
		if pl == nil { // short, or too many postings kept: this need's own
			if pl, err = decodePostings(ctx, readers[i], 0); err != nil {
				return nil, fmt.Errorf("index: match: text candidates: %w", err)
			}
		}
		lists[i] = clauseList{postingsList: pl, idf: idf[i], weight: c.boost * idf[i] * queryNorm}
	}
	top := prunedTop(lists, k)
	kept := top.h
	out := make([]poolHit, len(kept))
	for i := len(out) - 1; i >= 0; i-- {
		e := heap.Pop(&top.h).(keyed)
		out[i].score = -e.key
		if out[i].id, err = snap.ExternalID(index.NewIndexInternalID(nil, uint64(e.doc))); err != nil {
			return nil, fmt.Errorf("index: match: text candidates: %w", err)
		}
	}
	return out, nil
}
