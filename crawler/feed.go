package crawler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fabrique/data"
)

// Feed fetches the documents of a feed (the tender notices of BOAMP or
// TED) under the same politeness and crawl state as the directories: the
// validators recorded for a URL make an unchanged document answer
// NotModified, and Done records the document once it has been stored.
//
//	feed := crawler.Feed{Fetcher: crawler.NewFetcher(ctx, cfg.Politeness, hosts), State: st, Source: "boamp"}
//	page, err := feed.Get(ctx, url)
//	if err == nil && !page.NotModified { …parse, store…; err = feed.Done(ctx, page, ids) }
type Feed struct {
	Fetcher *Fetcher
	State   State
	Source  string
}

// Get fetches url, conditionally when it was fetched before. Failures are
// *FetchError, with their kind.
func (f *Feed) Get(ctx context.Context, url string) (*Page, error) {
	prev, err := f.State.PageState(ctx, f.Source, url)
	if err != nil && !errors.Is(err, data.ErrNotFound) {
		return nil, fmt.Errorf("crawler: page state %s: %w", url, err)
	}
	return f.Fetcher.Fetch(ctx, url, prev)
}

// Done records that page was processed, with the keys of what it held, so
// that the next Get sends its validators.
func (f *Feed) Done(ctx context.Context, page *Page, keys []string) error {
	ps := data.PageState{URL: page.URL, ETag: page.ETag, LastModified: page.LastModified, ContentHash: page.ContentHash,
		FetchedAt: time.Now().UTC(), Status: page.Status, Keys: keys}
	if page.NotModified {
		if prev, err := f.State.PageState(ctx, f.Source, page.URL); err == nil {
			ps.ContentHash, ps.Status = prev.ContentHash, prev.Status
			if keys == nil {
				ps.Keys = prev.Keys
			}
		}
	}
	if err := f.State.PutPageState(ctx, f.Source, ps); err != nil {
		return fmt.Errorf("crawler: page state %s: %w", page.URL, err)
	}
	return nil
}
