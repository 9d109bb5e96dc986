package index

import "context"

// A disjunction of fewer than disjunctionHeapTakeover children (a word
// clause: the stem in each text field, the word in names) was summed
// through the text pool's accumulators: arrays the size of the directory,
// written at random by each child's postings, then read whole (or their
// touched documents sorted) to list the matches in document order. At
// 1 000 000 suppliers a common word's clause touches a few hundred
// thousand documents, and those random writes and the read of the whole
// array were half the CPU of the slowest searches. walkMerge merges
// the children's sorted lists instead: it reads each list once, in order,
// and writes the matches in order, touching nothing else.
//
// The sum of a document is taken over its matching children in the
// children's order, as the accumulator added them (all of child 0, then
// all of child 1, …) and as bleve's DisjunctionSliceSearcher adds them:
// the same additions in the same order, so the same bits.

// mergeCursor reads a child's matches in document order (a term's
// postings or a disjunction's matches).
type mergeCursor struct {
	docs []uint32
	// term scores posting pos of a term child; scores holds those of a
	// disjunction child.
	term   *planNode
	scores []float64
	pos    int
	kid    int // the child's position among its parent's children
}

func (c *mergeCursor) valid() bool { return c.pos < len(c.docs) }

func (c *mergeCursor) doc() uint32 { return c.docs[c.pos] }

func (c *mergeCursor) score() float64 {
	if c.term != nil {
		return c.term.termScore(c.pos)
	}
	return c.scores[c.pos]
}

// enumerateWalk lists the matches of a disjunction in document order,
// each summed in bleve's order of additions: the children's
// (DisjunctionSliceSearcher, walkMerge) or the heap's
// (DisjunctionHeapSearcher, walkHeap; never inside a conjunction, so only
// ever read in order: the same heap operations on the same cursors give
// the same order of the children matching a document).
func (n *planNode) enumerateWalk(ctx context.Context) ([]planMatch, error) {
	var out []planMatch
	total := float64(len(n.children))
	err := n.walk(ctx, func(size int) { out = make([]planMatch, 0, size) }, func(d uint32, at []*mergeCursor) {
		var sum float64
		for _, c := range at {
			sum += c.score()
		}
		out = append(out, planMatch{d, sum * (float64(len(at)) / total)})
	})
	return out, err
}

// walk calls fn with each document n's children match, in document order,
// and the cursors at it in bleve's order of additions; sized first learns
// the length of the longest child.
func (n *planNode) walk(ctx context.Context, sized func(longest int), fn func(d uint32, at []*mergeCursor)) error {
	curs, err := n.cursors(ctx)
	if err != nil {
		return err
	}
	longest := 0
	for _, cur := range curs {
		longest = max(longest, len(cur.docs))
	}
	sized(longest)
	if n.heap {
		return walkHeap(ctx, curs, fn)
	}
	return walkMerge(ctx, curs, fn)
}

// walkMerge calls fn with each document the cursors hold, in document
// order, and the cursors at it in the children's order (the order in
// which bleve's DisjunctionSliceSearcher adds them); fn must not keep at.
// It moves the cursors to their ends.
func walkMerge(ctx context.Context, curs []*mergeCursor, fn func(d uint32, at []*mergeCursor)) error {
	var live []*mergeCursor // in the children's order
	for _, cur := range curs {
		if cur.valid() {
			live = append(live, cur)
		}
	}
	at := make([]*mergeCursor, 0, len(live))
	for seen := 0; len(live) > 1; seen++ {
		if seen%8192 == 8191 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		d := live[0].docs[live[0].pos]
		for _, c := range live[1:] {
			d = min(d, c.docs[c.pos])
		}
		at = at[:0]
		for _, c := range live {
			if c.docs[c.pos] == d {
				at = append(at, c)
			}
		}
		fn(d, at)
		ended := false
		for _, c := range at {
			if c.pos++; c.pos == len(c.docs) {
				ended = true
			}
		}
		if ended {
			kept := live[:0]
			for _, c := range live {
				if c.pos < len(c.docs) {
					kept = append(kept, c)
				}
			}
			live = kept
		}
	}
	if len(live) == 1 {
		// The last list alone: each of its documents matches one child.
		c := live[0]
		at = append(at[:0], c)
		for ; c.pos < len(c.docs); c.pos++ {
			fn(c.docs[c.pos], at)
		}
	}
	return nil
}

// cursors returns a cursor on each of n's children, in their order.
func (n *planNode) cursors(ctx context.Context) ([]*mergeCursor, error) {
	out := make([]*mergeCursor, len(n.children))
	for i, c := range n.children {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cur := &mergeCursor{kid: i}
		if c.children == nil {
			cur.docs, cur.term = c.docs, c
		} else {
			ms, err := c.enumerate(ctx)
			if err != nil {
				return nil, err
			}
			cur.docs, cur.scores = make([]uint32, len(ms)), make([]float64, len(ms))
			for j, m := range ms {
				cur.docs[j], cur.scores[j] = m.doc, m.score
			}
		}
		out[i] = cur
	}
	return out, nil
}
