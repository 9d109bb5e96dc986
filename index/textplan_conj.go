package index

import (
	"container/heap"
	"context"
)

// A conjunction holding a word clause of more than
// disjunctionHeapTakeover terms (a word with trade alternatives:
// « verrerie » → verre, verrier) went to bleve: bleve sums such a clause
// in the order its heap pops the terms, and the conjunction advances the
// heap to targets that depend on every other word, so the enumerate and
// probe of the plan, which add in another order, could differ in the last
// bit of a score. At 1 000 000 suppliers bleve walked the common words of
// those searches posting by posting (« Verrerie Denis & Fils », 31 hits:
// 15 ms).
//
// replayConj runs such a conjunction over the plan's arrays by replaying
// bleve's searchers step for step: ConjunctionSearcher.Next,
// DisjunctionSliceSearcher and DisjunctionHeapSearcher with their Next
// and Advance, TermSearcher as a cursor that gallops. The same calls in
// the same order make the same heap operations, so each heap clause adds
// its terms in bleve's order, and every sum is bleve's to the last bit.
// The root is only read with Next, in order: alone (bleve's collector),
// or under a filter (bleve's FilteringSearcher reads it with Next and
// advances the filter instead).

// replayed is a searcher replayed over the plan: next and advance return
// its next match, or the first at or after a document (bleve's Next and
// Advance); ok is false when it has no more.
type replayed interface {
	next() (m planMatch, ok bool)
	advance(d uint32) (m planMatch, ok bool)
}

// hasHeap reports whether n or a node below it is a heap disjunction.
func (n *planNode) hasHeap() bool {
	if n.heap {
		return true
	}
	for _, c := range n.children {
		if c.hasHeap() {
			return true
		}
	}
	return false
}

// replay returns the searcher bleve runs for n.
func (n *planNode) replay() replayed {
	if n.children == nil {
		return &replayTerm{n: n, pos: -1}
	}
	kids := make([]replayed, len(n.children))
	for i, c := range n.children {
		kids[i] = c.replay()
	}
	total := float64(len(n.children))
	if n.heap {
		return &replayHeap{kids: kids, total: total}
	}
	return &replaySlice{kids: kids, total: total}
}

// replayConj lists the matches of conjunction n in document order.
func (n *planNode) replayConj(ctx context.Context) ([]planMatch, error) {
	kids := make([]replayed, len(n.children))
	for i, c := range n.children {
		kids[i] = c.replay()
	}
	r := &replayConjunction{kids: kids}
	var out []planMatch
	for {
		if len(out)%8192 == 8191 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		m, ok := r.next()
		if !ok {
			return out, nil
		}
		out = append(out, m)
	}
}

// replayTerm is bleve's TermSearcher: the term's postings in order.
type replayTerm struct {
	n   *planNode
	pos int // -1 before the first
}

func (t *replayTerm) at() (planMatch, bool) {
	if t.pos >= len(t.n.docs) {
		return planMatch{}, false
	}
	return planMatch{t.n.docs[t.pos], t.n.termScore(t.pos)}, true
}

func (t *replayTerm) next() (planMatch, bool) {
	t.pos++
	return t.at()
}

// advance moves forward only: bleve's searchers never advance a term to a
// document before its current one.
func (t *replayTerm) advance(d uint32) (planMatch, bool) {
	t.pos = gallop(t.n.docs, max(t.pos, 0), d)
	return t.at()
}

// replayCurr is a child's current match.
type replayCurr struct {
	kid replayed
	m   planMatch
	ok  bool
}

func (c *replayCurr) doc() uint32 { return c.m.doc }

// replaySlice is bleve's DisjunctionSliceSearcher: the children's current
// matches, those at the lowest document summed in the children's order.
type replaySlice struct {
	kids     []replayed
	total    float64
	currs    []replayCurr
	matching []int
}

func (s *replaySlice) init() {
	s.currs = make([]replayCurr, len(s.kids))
	for i, k := range s.kids {
		m, ok := k.next()
		s.currs[i] = replayCurr{k, m, ok}
	}
	s.update()
}

func (s *replaySlice) update() {
	s.matching = s.matching[:0]
	for i, c := range s.currs {
		if !c.ok {
			continue
		}
		if len(s.matching) > 0 {
			first := s.currs[s.matching[0]].m.doc
			if c.m.doc > first {
				continue
			}
			if c.m.doc < first {
				s.matching = s.matching[:0]
			}
		}
		s.matching = append(s.matching, i)
	}
}

func (s *replaySlice) next() (planMatch, bool) {
	if s.currs == nil {
		s.init()
	}
	if len(s.matching) == 0 {
		return planMatch{}, false
	}
	var sum float64
	for _, i := range s.matching {
		sum += s.currs[i].m.score
	}
	rv := planMatch{s.currs[s.matching[0]].m.doc, sum * (float64(len(s.matching)) / s.total)}
	for _, i := range s.matching {
		c := &s.currs[i]
		c.m, c.ok = c.kid.next()
	}
	s.update()
	return rv, true
}

func (s *replaySlice) advance(d uint32) (planMatch, bool) {
	if s.currs == nil {
		s.init()
	}
	for i := range s.currs {
		c := &s.currs[i]
		if c.ok && c.m.doc >= d {
			continue
		}
		if c.ok {
			c.m, c.ok = c.kid.advance(d)
		}
		// An ended child stays ended: bleve advances it again, to find
		// nothing, since d is past its last posting.
	}
	s.update()
	return s.next()
}

// replayHeap is bleve's DisjunctionHeapSearcher: the children's current
// matches in a heap, the matching ones popped, and pushed back after they
// move, in the same order of operations.
type replayHeap struct {
	kids     []replayed
	total    float64
	started  bool
	h        docHeap[*replayCurr]
	matching []*replayCurr
}

func (s *replayHeap) init() {
	s.started = true
	block := make([]replayCurr, len(s.kids))
	for i, k := range s.kids {
		m, ok := k.next()
		if ok {
			block[i] = replayCurr{k, m, true}
			heap.Push(&s.h, &block[i])
		}
	}
	s.update()
}

func (s *replayHeap) update() {
	s.matching = s.matching[:0]
	if len(s.h) == 0 {
		return
	}
	next := heap.Pop(&s.h).(*replayCurr)
	s.matching = append(s.matching, next)
	for len(s.h) > 0 && next.doc() == s.h[0].doc() {
		next = heap.Pop(&s.h).(*replayCurr)
		s.matching = append(s.matching, next)
	}
}

func (s *replayHeap) next() (planMatch, bool) {
	if !s.started {
		s.init()
	}
	if len(s.matching) == 0 {
		return planMatch{}, false
	}
	var sum float64
	for _, c := range s.matching {
		sum += c.m.score
	}
	rv := planMatch{s.matching[0].m.doc, sum * (float64(len(s.matching)) / s.total)}
	for _, c := range s.matching {
		if c.m, c.ok = c.kid.next(); c.ok {
			heap.Push(&s.h, c)
		}
	}
	s.update()
	return rv, true
}

func (s *replayHeap) advance(d uint32) (planMatch, bool) {
	if !s.started {
		s.init()
	}
	for _, c := range s.matching {
		heap.Push(&s.h, c)
	}
	moved := s.matching[:0]
	for len(s.h) > 0 && s.h[0].doc() < d {
		c := heap.Pop(&s.h).(*replayCurr)
		if c.m, c.ok = c.kid.advance(d); c.ok {
			moved = append(moved, c)
		}
	}
	for _, c := range moved {
		heap.Push(&s.h, c)
	}
	s.update()
	return s.next()
}

// replayConjunction is bleve's ConjunctionSearcher, read with Next only.
type replayConjunction struct {
	kids   []replayed
	currs  []replayCurr
	maxIdx int
}

func (s *replayConjunction) next() (planMatch, bool) {
	if s.currs == nil {
		s.currs = make([]replayCurr, len(s.kids))
		for i, k := range s.kids {
			m, ok := k.next()
			s.currs[i] = replayCurr{k, m, ok}
		}
	}
outer:
	for s.maxIdx < len(s.currs) && s.currs[s.maxIdx].ok {
		maxDoc := s.currs[s.maxIdx].m.doc
		for i := 0; i < len(s.currs); {
			if !s.currs[i].ok {
				return planMatch{}, false
			}
			if i == s.maxIdx {
				i++
				continue
			}
			d := s.currs[i].m.doc
			if d == maxDoc {
				i++
				continue
			}
			if maxDoc < d {
				// A new maximum: the children before it were at the
				// former one.
				s.maxIdx = i
				maxDoc = d
				for x := 0; x < i; x++ {
					s.advanceKid(x, maxDoc)
				}
				continue outer
			}
			s.advanceKid(i, maxDoc) // and look at it again
		}
		var sum float64
		for _, c := range s.currs {
			sum += c.m.score
		}
		rv := planMatch{maxDoc, sum}
		for i := range s.currs {
			c := &s.currs[i]
			c.m, c.ok = c.kid.next()
		}
		return rv, true
	}
	return planMatch{}, false
}

func (s *replayConjunction) advanceKid(i int, d uint32) {
	c := &s.currs[i]
	c.m, c.ok = c.kid.advance(d)
}
