// Package crawltest provides an in-memory crawl State and Sink for tests
// of the crawler and of the commands that drive it. It merges listings
// exactly as the store does: a listing is matched by ID, then by any of
// its SIRETs, then by data.NormalizeName(name)+"|"+postcode, and folded in
// with data.MergeCrawled; labels are marked seen or not re-found by
// source. It is safe for concurrent use.
package crawltest
