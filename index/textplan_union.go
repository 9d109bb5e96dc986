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
//     enumerated as an array and probed in constant time. The union holds
//     the stem and its alternatives in the text fields; the word in names
//     (an extra) is merged in at each search (attach). It is built by the
//     warming for the commonest words (warmUnions), else by the second
//     search that enumerates the clause (the rarest word of a
//     conjunction, or a word alone), and bounded in bytes (bound: 64 MiB
//     at 1 000 000 suppliers).
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
	// met holds the keys of the clauses searches merged once: a clause
	// is kept the second time (the first pays the merge alone; a union
	// costs more to build than a merge, and most clauses of a day come
	// once).
	met  sync.Map
	size atomic.Int64
	// minCount is the fewest postings a clause must have to be kept, and
	// limit the bytes kept; 0 means the defaults for the snapshot's live
	// documents (unionMinShare, bound). met holds a key per clause of at
	// least minCount postings: a few hundred words at the most.
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

// attach gives n, a word clause whose children's counts are known, the
// union kept for it, or the means to keep it once built, when n is worth
// keeping. The union holds the children on the text fields (the stem and
// its alternatives, the same for every spelling of the word): the word in
// names, which differs between spellings, is added at each search. A
// heap clause adds in the order its heap pops every child, so its union
// holds every child with postings.
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
	var part, extras []int
	for i, c := range n.children {
		switch {
		case c.count == 0:
		case n.heap || isTextField(c.clause.field):
			part = append(part, i)
		default:
			extras = append(extras, i)
		}
	}
	if len(part) == 0 {
		return
	}
	var b strings.Builder
	if n.heap {
		b.WriteByte('h')
	}
	for _, i := range part {
		c := n.children[i]
		b.WriteString(c.clause.field)
		b.WriteByte(0)
		b.WriteString(c.clause.term)
		b.WriteByte(0)
	}
	n.unionKey, n.unions, n.live, n.part, n.extras = b.String(), uc, live, part, extras
	n.inUnion = make([]bool, len(n.children))
	for _, i := range part {
		n.inUnion[i] = true
	}
	if v, ok := uc.unions.Load(n.unionKey); ok {
		n.union = v.(*clauseUnion)
	}
}

// isTextField reports whether field is one of textFields.
func isTextField(field string) bool {
	for _, f := range textFields {
		if f.name == field {
			return true
		}
	}
	return false
}

// keep stores u for n's clause unless the cache is full; it returns the
// union kept (another search's, if it stored one meanwhile).
func (uc *unionCache) keep(key string, u *clauseUnion, live int) *clauseUnion {
	size := u.bytes()
	if uc.size.Load()+size > uc.bound(live) {
		return u
	}
	if v, loaded := uc.unions.LoadOrStore(key, u); loaded {
		return v.(*clauseUnion)
	}
	uc.size.Add(size)
	return u
}

// fits reports whether the union of a clause of count postings may still
// be kept, by its largest size: a union that would not be kept costs more
// to build than the merge it replaces.
func (uc *unionCache) fits(count uint64, live int) bool {
	return uc.size.Load()+unionBytesAtMost(count) <= uc.bound(live)
}

// unionBytesAtMost bounds the bytes of the union of count postings (a
// document for each, and the set of a directory of 1 000 000).
func unionBytesAtMost(count uint64) int64 { return int64(count)*17 + 200<<10 }

// bound is the most bytes kept for a snapshot of live documents.
func (uc *unionCache) bound(live int) int64 {
	if uc.limit != 0 {
		return uc.limit
	}
	return max(unionMinLimit, unionBytesPerDoc*int64(live))
}

// buildUnion merges the lists of the children n's union holds (terms) as
// enumerate would, recording each document's matching children in the
// order of additions.
func (n *planNode) buildUnion(ctx context.Context) (*clauseUnion, error) {
	sub := &planNode{heap: n.heap}
	for _, i := range n.part {
		sub.children = append(sub.children, n.children[i])
		sub.count += n.children[i].count
	}
	u := &clauseUnion{}
	sized := func(longest int) {
		u.docs = make([]uint32, 0, longest)
		u.start = make([]uint32, 1, longest+1)
		u.kid = make([]uint8, 0, sub.count)
		u.s0 = make([]float64, 0, sub.count)
	}
	record := func(d uint32, at []*mergeCursor) {
		u.docs = append(u.docs, d)
		for _, c := range at {
			u.kid = append(u.kid, uint8(c.kid))
			u.s0 = append(u.s0, c.term.tfn[c.pos]*c.term.idf) // as termScore
		}
		u.start = append(u.start, uint32(len(u.kid)))
	}
	if err := sub.walk(ctx, sized, record); err != nil {
		return nil, err
	}
	u.set = newDocSet(u.docs)
	return u, nil
}

// unionScorer computes n's score of a document from its union and extras
// with the query's weights.
type unionScorer struct {
	u       *clauseUnion
	child   []int     // union kid → the child's position
	weights []float64 // by union kid, the child's query weight
	extras  []*planNode
	xchild  []int     // extra → the child's position
	coord   []float64 // coord[m] = m / children, as bleve's disjunction
	xpos    []int     // per extra, its posting at the document, or -1
}

func (n *planNode) unionScorer() *unionScorer {
	sc := &unionScorer{u: n.union, child: n.part, weights: make([]float64, len(n.part)),
		xchild: n.extras, coord: make([]float64, len(n.children)+1), xpos: make([]int, len(n.extras))}
	for k, i := range n.part {
		sc.weights[k] = n.children[i].queryWeight
	}
	for _, i := range n.extras {
		sc.extras = append(sc.extras, n.children[i])
	}
	total := float64(len(n.children))
	for m := range sc.coord {
		sc.coord[m] = float64(m) / total
	}
	return sc
}

// score is the score of a document: the union's i-th (none when i < 0)
// and the extras at sc.xpos, each child's term score (termScore) added in
// the children's order, or the union's recorded order, times the share of
// children matching.
func (sc *unionScorer) score(i int) float64 {
	u := sc.u
	var e, to uint32
	if i >= 0 {
		e, to = u.start[i], u.start[i+1]
	}
	var sum float64
	m, x := 0, 0
	for {
		for x < len(sc.xpos) && sc.xpos[x] < 0 {
			x++
		}
		var s float64
		switch {
		case e < to && (x == len(sc.xpos) || sc.child[u.kid[e]] < sc.xchild[x]):
			s = u.s0[e]
			if w := sc.weights[u.kid[e]]; w != 1.0 {
				s *= w
			}
			e++
		case x < len(sc.xpos):
			s = sc.extras[x].termScore(sc.xpos[x])
			x++
		default:
			return sum * sc.coord[m]
		}
		sum += s
		m++
	}
}

// enumerateUnion lists n's matches from its union and extras, building
// and keeping the union first if no search did yet.
func (n *planNode) enumerateUnion(ctx context.Context) ([]planMatch, error) {
	if n.union == nil {
		if !n.unions.fits(n.count, n.live) {
			return n.enumerateWalk(ctx) // the cache is full: merged for this search only
		}
		if _, again := n.unions.met.LoadOrStore(n.unionKey, true); !again {
			return n.enumerateWalk(ctx)
		}
		u, err := n.buildUnion(ctx)
		if err != nil {
			return nil, err
		}
		n.union = n.unions.keep(n.unionKey, u, n.live)
	}
	sc := n.unionScorer()
	docs := n.union.docs
	if len(sc.extras) == 0 {
		out := make([]planMatch, len(docs))
		for i, d := range docs {
			if i%8192 == 8191 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			out[i] = planMatch{d, sc.score(i)}
		}
		return out, nil
	}
	// The union's documents and the extras' merged in document order.
	out := make([]planMatch, 0, len(docs))
	next := make([]int, len(sc.extras)) // each extra's next posting
	for i := 0; ; {
		if len(out)%8192 == 8191 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		d, any := uint32(0), false
		if i < len(docs) {
			d, any = docs[i], true
		}
		for x, c := range sc.extras {
			if p := next[x]; p < len(c.docs) && (!any || c.docs[p] < d) {
				d, any = c.docs[p], true
			}
		}
		if !any {
			return out, nil
		}
		at := -1
		if i < len(docs) && docs[i] == d {
			at = i
			i++
		}
		for x, c := range sc.extras {
			sc.xpos[x] = -1
			if p := next[x]; p < len(c.docs) && c.docs[p] == d {
				sc.xpos[x] = p
				next[x]++
			}
		}
		out = append(out, planMatch{d, sc.score(at)})
	}
}

// probeUnion scores the candidates against n's union and extras, as probe
// does: -1 for a candidate n does not match.
func (n *planNode) probeUnion(cands []planMatch) []float64 {
	sc := n.unionScorer()
	out := make([]float64, len(cands))
	from := make([]int, len(sc.extras)) // where each extra's search resumes
	for j, m := range cands {
		i := n.union.set.index(m.doc)
		matched := i >= 0
		for x, c := range sc.extras {
			sc.xpos[x] = -1
			if from[x] = gallop(c.docs, from[x], m.doc); from[x] < len(c.docs) && c.docs[from[x]] == m.doc {
				sc.xpos[x] = from[x]
				matched = true
			}
		}
		if matched {
			out[j] = sc.score(i)
		} else {
			out[j] = -1
		}
	}
	return out
}
