package crawler

import (
	"context"
	"time"

	"fabrique/data"
)

// State is the crawl memory the store keeps for the crawler: what each URL
// answered last time, and the report of every run. The store implements
// it; the command wires them together.
type State interface {
	// PageState returns what was recorded for url; an error wrapping
	// data.ErrNotFound when it was never seen.
	PageState(ctx context.Context, source, url string) (data.PageState, error)
	PutPageState(ctx context.Context, source string, ps data.PageState) error
	PutCrawlRun(ctx context.Context, run data.CrawlRun) error
	// LastCrawlRun returns the most recently started run; an error
	// wrapping data.ErrNotFound when there is none.
	LastCrawlRun(ctx context.Context) (data.CrawlRun, error)
	// MarkNotRefound stamps "not re-found since runStart" on the labels of
	// source whose LastSeen is before runStart, and returns their number.
	MarkNotRefound(ctx context.Context, source string, runStart time.Time) (int, error)
	// MarkSeen moves LastSeen to at for the labels of source held by the
	// suppliers ids (a page answered 304 Not Modified lists them again).
	MarkSeen(ctx context.Context, source string, ids []string, at time.Time) error
}

// Sink receives the suppliers of each page. The store merges each into
// the stored company with data.MergeCrawled (found by ID, then SIRET, then
// normalised name + postcode), never overwriting what the owner declared.
type Sink interface {
	UpsertCrawled(ctx context.Context, batch []data.Supplier, actor string) (UpsertCounts, error)
}

// UpsertCounts says what an upsert did to each listing of a batch.
// Rejected lists the listings the sink refused (a SIRET held by another
// company…), each error naming the listing; the rest of the batch is kept.
type UpsertCounts struct {
	New, Updated, Unchanged int
	Rejected                []error
}

// linksSuffix names the state namespace where a page's outgoing links are
// kept (in PageState.Keys), so that a page answered 304, or skipped by a
// resumed run, still leads to the pages it links to.
const linksSuffix = "#links"
