package index

import "context"

// Warm warms the current snapshot as the background warming does after a
// compaction (warm.go), for the harness tests: they open a kept index
// without checking it against a store, which is what schedules it.
func Warm(ctx context.Context, ix *Index) error {
	_, _, err := warmNow(ctx, ix, ix.cur.Load(), true)
	return err
}

// warmNow runs the warming's phases on g's current snapshot as warm does,
// without its logging: the long lists, then the unions when asked. It
// returns the lists and postings the first phase decoded.
func warmNow(ctx context.Context, ix *Index, g *generation, unions bool) (lists int, postings int64, err error) {
	snap, cols, err := g.currentColumns(ctx)
	if err != nil {
		return 0, 0, err
	}
	defer snap.Close()
	counts, err := countWarmTerms(ctx, snap, cols)
	if err != nil {
		return 0, 0, err
	}
	if lists, postings, err = warmPostings(ctx, snap, cols, counts.long); err != nil || !unions {
		return lists, postings, err
	}
	_, _, err = ix.warmUnions(ctx, snap, cols, counts.totals)
	return lists, postings, err
}

// KeptUnions is the number of clause unions and their bytes that the
// current snapshot's columns keep (textplan_union.go), and its live
// documents.
func KeptUnions(ix *Index) (n int, bytes int64, live int) {
	c := ix.cur.Load().cols.Load()
	if c == nil {
		return 0, 0, 0
	}
	live = len(c.live)
	c.unions.unions.Range(func(_, _ any) bool { n++; return true })
	return n, c.unions.size.Load(), live
}

// DenseLists is the number of the current snapshot's decoded postings
// lists probed through a docSet, and the bytes of those sets.
func DenseLists(ix *Index) (n int, bytes int64) {
	c := ix.cur.Load().cols.Load()
	if c == nil {
		return 0, 0
	}
	c.postings.lists.Range(func(_, v any) bool {
		if s := v.(*postingsList).dense; s != nil {
			n++
			bytes += s.bytes()
		}
		return true
	})
	return n, bytes
}
