package index

import (
	"context"
	"math/bits"
	"strings"
	"sync"
	"sync/atomic"
)

// A common word's clause (its stem in each text field, its trade
// alternatives, the word in names) is the same in every search that holds
// it, and at 1 000 000 suppliers merging its lists is most of such a
// search: « restauration » merges 171 000 postings, « fabrication » probes
// four lists of up to 700 000. Two things are kept per snapshot, with its
// columns, so that a write never meets them stale:
//
//   - a clause's union (clauseUnion): its documents, and for each the
//     children that matched it in bleve's order of additions (the
//     children's order, or the heap's) with their tf × norm × idf. A
//     search recomputes each score from them with its own query weights,
//     in the same order, so the bits are bleve's; the clause is then
//     enumerated as an array and probed in constant time. It is built by
//     the first search that enumerates the clause (the rarest word of a
//     conjunction, or a word alone) and bounded in bytes (unionLimit).
//   - for a long decoded postings list (postingsList) that covers a good
//     part of the directory, a bitmap with ranks (docSet): probing it for a
//     candidate costs a popcount instead of a galloping search
//     (postingsList.denseSet).

// docSet is a set of document numbers with ranks: whether d is in it and
// its position among its documents in constant time.
type docSet struct {
	bits []uint64
	rank []uint32 // rank[w] is the number of documents in bits[:w]
}

// newDocSet returns the set of docs, which must be ascending.
func newDocSet(docs []uint32) docSet {
	if len(docs) == 0 {
		return docSet{}
	}
	words := int(docs[len(docs)-1]>>6) + 1
	s := docSet{bits: make([]uint64, words), rank: make([]uint32, words)}
	for _, d := range docs {
		s.bits[d>>6] |= 1 << (d & 63)
	}
	var r uint32
	for w, b := range s.bits {
		s.rank[w] = r
		r += uint32(bits.OnesCount64(b))
	}
	return s
}

// index returns the position of d among the set's documents, or -1 when d
// is not in it.
func (s *docSet) index(d uint32) int {
	w := int(d >> 6)
	if w >= len(s.bits) {
		return -1
	}
	b, m := s.bits[w], uint64(1)<<(d&63)
	if b&m == 0 {
		return -1
	}
	return int(s.rank[w]) + bits.OnesCount64(b&(m-1))
}

// bytes is the memory the set holds.
func (s *docSet) bytes() int64 { return int64(len(s.bits))*8 + int64(len(s.rank))*4 }

// denseShare is how much of the span of its documents a postings list must
// cover to be probed through a docSet: at 1/16 the set costs at most a
// quarter of the list's own arrays.
const denseShare = 16

// denseSet returns the docSet of a list that covers at least 1/denseShare
// of the span of its documents, built on first use; nil for a sparser list
// (a galloping search is cheap there, and the set would cost more than
// the list).
func (pl *postingsList) denseSet() *docSet {
	pl.denseOnce.Do(func() {
		if n := len(pl.docs); n > 0 && uint64(n)*denseShare >= uint64(pl.docs[n-1])+1 {
			s := newDocSet(pl.docs)
			pl.dense = &s
		}
	})
	return pl.dense
}

// clauseUnion is a word clause's matches on one snapshot: docs ascending;
// the children that matched docs[i] are kid[start[i]:start[i+1]], in the
// order bleve adds their scores, and s0 holds each one's
// sqrt(freq) × norm × idf (the query-independent part of a term's score).
type clauseUnion struct {
	docs  []uint32
	start []uint32
	kid   []uint8
	s0    []float64
	set   docSet
}

func (u *clauseUnion) bytes() int64 {
	return int64(len(u.docs))*4 + int64(len(u.start))*4 + int64(len(u.kid))*9 + u.set.bytes()
}

// unionCache keeps the unions of a snapshot's common clauses.
type unionCache struct {
	unions sync.Map // unionKey → *clauseUnion
	size   atomic.Int64
	// minCount is the fewest postings a clause must have to be kept, and
	// limit the bytes kept; 0 means unionMinCount and unionLimit of the
	// snapshot's live documents.
	minCount uint64
	limit    int64
}

const (
	// unionMinShare: a clause is kept when its postings number at least
	// 1/unionMinShare of the live documents (15 600 at 1 000 000; below
	// that, merging it costs a few hundred microseconds).
	unionMinShare = 64
	unionMinFloor = 64
	// unionBytesPerDoc bounds the bytes kept per live document: 64 MiB at
	// 1 000 000 suppliers, which hold the unions of the few dozen common
	// words of a day's searches (« fabrication », the commonest, ≈ 20 MiB
	// when enumerated alone).
	unionBytesPerDoc = 64
	unionMinLimit    = 8 << 20
)

// maxUnionKids is the most children a kept clause may have (kid is a byte).
const maxUnionKids = 255

// attach gives n, a disjunction whose children are read, the union kept
// for it, or the means to keep it once built, when n is worth keeping.
func (uc *unionCache) attach(n *planNode, live int) {
	if len(n.children) > maxUnionKids {
		return
	}
	for _, c := range n.children {
		if c.children != nil {
			return // a typo's spellings: kept only as their own clause
		}
	}
	minCount := uc.minCount
	if minCount == 0 {
		minCount = max(unionMinFloor, uint64(live)/unionMinShare)
	}
	if n.count < minCount {
		return
	}
	var b strings.Builder
	if n.heap {
		b.WriteByte('h')
	}
	for _, c := range n.children {
		b.WriteString(c.clause.field)
		b.WriteByte(0)
		b.WriteString(c.clause.term)
		b.WriteByte(0)
	}
	n.unionKey, n.unions, n.live = b.String(), uc, live
	if v, ok := uc.unions.Load(n.unionKey); ok {
		n.union = v.(*clauseUnion)
	}
}

// keep stores u for n's clause unless the cache is full; it returns the
// union kept (another search's, if it stored one meanwhile).
func (uc *unionCache) keep(key string, u *clauseUnion, live int) *clauseUnion {
	limit := uc.limit
	if limit == 0 {
		limit = max(unionMinLimit, unionBytesPerDoc*int64(live))
	}
	size := u.bytes()
	if uc.size.Load()+size > limit {
		return u
	}
	if v, loaded := uc.unions.LoadOrStore(key, u); loaded {
		return v.(*clauseUnion)
	}
	uc.size.Add(size)
	return u
}

// buildUnion merges the lists of n's children (terms) as enumerate would,
// recording each document's matching children in the order of additions.
func (n *planNode) buildUnion(ctx context.Context) (*clauseUnion, error) {
	u := &clauseUnion{}
	sized := func(longest int) {
		u.docs = make([]uint32, 0, longest)
		u.start = make([]uint32, 1, longest+1)
		u.kid = make([]uint8, 0, n.count)
		u.s0 = make([]float64, 0, n.count)
	}
	record := func(d uint32, at []*mergeCursor) {
		u.docs = append(u.docs, d)
		for _, c := range at {
			u.kid = append(u.kid, uint8(c.kid))
			u.s0 = append(u.s0, c.term.tfn[c.pos]*c.term.idf) // as termScore
		}
		u.start = append(u.start, uint32(len(u.kid)))
	}
	if err := n.walk(ctx, sized, record); err != nil {
		return nil, err
	}
	u.set = newDocSet(u.docs)
	return u, nil
}

// unionScorer computes n's score of a document of its union with the
// query's weights.
type unionScorer struct {
	u       *clauseUnion
	weights []float64 // each child's query weight
	coord   []float64 // coord[m] = m / children, as bleve's disjunction
}

func (n *planNode) unionScorer() unionScorer {
	sc := unionScorer{u: n.union, weights: make([]float64, len(n.children)), coord: make([]float64, len(n.children)+1)}
	total := float64(len(n.children))
	for i, c := range n.children {
		sc.weights[i] = c.queryWeight
	}
	for m := range sc.coord {
		sc.coord[m] = float64(m) / total
	}
	return sc
}

// score is the score of the union's i-th document: each matching child's
// term score (termScore) added in the recorded order, times the share of
// children matching.
func (sc *unionScorer) score(i int) float64 {
	u := sc.u
	from, to := u.start[i], u.start[i+1]
	var sum float64
	for e := from; e < to; e++ {
		s := u.s0[e]
		if w := sc.weights[u.kid[e]]; w != 1.0 {
			s *= w
		}
		sum += s
	}
	return sum * sc.coord[to-from]
}

// enumerateUnion lists n's matches from its union, building and keeping
// the union first if no search did yet.
func (n *planNode) enumerateUnion(ctx context.Context) ([]planMatch, error) {
	if n.union == nil {
		u, err := n.buildUnion(ctx)
		if err != nil {
			return nil, err
		}
		n.union = n.unions.keep(n.unionKey, u, n.live)
	}
	sc := n.unionScorer()
	out := make([]planMatch, len(n.union.docs))
	for i, d := range n.union.docs {
		if i%8192 == 8191 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out[i] = planMatch{d, sc.score(i)}
	}
	return out, nil
}

// probeUnion scores the candidates against n's union, as probe does: -1
// for a candidate n does not match.
func (n *planNode) probeUnion(cands []planMatch) []float64 {
	sc := n.unionScorer()
	out := make([]float64, len(cands))
	for j, m := range cands {
		if i := n.union.set.index(m.doc); i >= 0 {
			out[j] = sc.score(i)
		} else {
			out[j] = -1
		}
	}
	return out
}
