package index

// CachedPostings is the number of postings the current snapshot's columns
// keep decoded (postingsCache), for the harness benchmarks.
func CachedPostings(ix *Index) int64 {
	g := ix.cur.Load()
	if g == nil {
		return 0
	}
	c := g.cols.Load()
	if c == nil {
		return 0
	}
	return c.postings.size.Load()
}

// SetPostingsLimit sets the bound of the current snapshot's postings
// cache (0: the default), to measure what a bound costs.
func SetPostingsLimit(ix *Index, limit int64) {
	if c := ix.cur.Load().cols.Load(); c != nil {
		c.postings.limit = limit
	}
}
