package index

// TextPoolCounts returns the postings the text pools' lists held, those
// summed and those looked up again (prunedTop), since the process started.
func TextPoolCounts() (postings, summed, rescored int64) {
	c := &textPoolCounts
	return c.postings.Load(), c.summed.Load(), c.rescored.Load()
}
