package index

import "context"

// A disjunction of fewer than disjunctionHeapTakeover children (a word
// clause: the stem in each text field, the word in names) was summed
// through the text pool's accumulators: arrays the size of the directory,
// written at random by each child's postings, then read whole (or their
// touched documents sorted) to list the matches in document order. At
// 1 000 000 suppliers a common word's clause touches a few hundred
// thousand documents, and those random writes and the read of the whole
// array were half the CPU of the slowest searches. enumerateMerge merges
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
}

func (c *mergeCursor) valid() bool { return c.pos < len(c.docs) }

func (c *mergeCursor) doc() uint32 { return c.docs[c.pos] }

func (c *mergeCursor) score() float64 {
	if c.term != nil {
		return c.term.termScore(c.pos)
	}
	return c.scores[c.pos]
}

// enumerateMerge lists the matches of a disjunction that is not summed in
// heap order, in document order.
func (n *planNode) enumerateMerge(ctx context.Context) ([]planMatch, error) {
	curs, err := n.cursors(ctx)
	if err != nil {
		return nil, err
	}
	live := curs[:0] // in the children's order
	size := 0
	for _, cur := range curs {
		if cur.valid() {
			live = append(live, cur)
			size = max(size, len(cur.docs))
		}
	}
	total := float64(len(n.children))
	out := make([]planMatch, 0, size)
	for len(live) > 1 {
		if len(out)%8192 == 8191 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		d := live[0].docs[live[0].pos]
		for _, c := range live[1:] {
			d = min(d, c.docs[c.pos])
		}
		var sum float64
		matched, ended := 0, false
		for _, c := range live {
			if c.docs[c.pos] != d {
				continue
			}
			sum += c.score()
			matched++
			if c.pos++; c.pos == len(c.docs) {
				ended = true
			}
		}
		out = append(out, planMatch{d, sum * (float64(matched) / total)})
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
		c, share := live[0], 1/total
		for ; c.pos < len(c.docs); c.pos++ {
			out = append(out, planMatch{c.docs[c.pos], c.score() * share})
		}
	}
	return out, nil
}

// cursors returns a cursor on each of n's children, in their order.
func (n *planNode) cursors(ctx context.Context) ([]*mergeCursor, error) {
	out := make([]*mergeCursor, len(n.children))
	for i, c := range n.children {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		cur := &mergeCursor{}
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
