package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"fabrique/data"
)

// page visits one URL and returns the links it leads to. Only state and
// sink failures (and cancellation) are errors.
func (c *crawl) page(ctx context.Context, s *sourceRun, u string) ([]string, error) {
	d := s.def
	prev, err := c.state.PageState(ctx, d.Name, u)
	known := err == nil
	if err != nil && !errors.Is(err, data.ErrNotFound) {
		return nil, fmt.Errorf("crawler: page state %s: %w", u, err)
	}
	if known && c.resumed && prev.RunID == c.run.ID {
		if links, ok, err := c.rememberedLinks(ctx, d, u); err != nil || ok {
			return links, err
		} // links unknown: visit again
	}
	var validators data.PageState
	if known {
		validators = prev
	}
	page, err := c.f.Fetch(ctx, u, validators)
	if err != nil {
		var fe *FetchError
		if errors.As(err, &fe) && fe.Kind == FailCanceled {
			return nil, fmt.Errorf("crawler: %w", context.Cause(ctx))
		}
		c.fetchFailed(s, u, err)
		if s.json != nil {
			return c.nextOffset(s, u, 0, false), nil
		}
		return nil, nil
	}
	now := time.Now().UTC()
	if known && (page.NotModified || (page.ContentHash != "" && page.ContentHash == prev.ContentHash)) {
		links, ok, err := c.rememberedLinks(ctx, d, u)
		if err != nil {
			return nil, err
		}
		if ok {
			if len(prev.Keys) > 0 {
				if err := c.state.MarkSeen(ctx, d.Name, prev.Keys, now); err != nil {
					return nil, fmt.Errorf("crawler: mark seen %s: %w", u, err)
				}
			}
			prev.ETag, prev.LastModified, prev.FetchedAt, prev.RunID = page.ETag, page.LastModified, now, c.run.ID
			if !page.NotModified {
				prev.Status = page.Status
			}
			if err := c.state.PutPageState(ctx, d.Name, prev); err != nil {
				return nil, fmt.Errorf("crawler: page state %s: %w", u, err)
			}
			c.run.PagesNotModified++
			return links, nil
		}
		if page.NotModified { // links forgotten: fetch the page whole once
			if page, err = c.f.Fetch(ctx, u, data.PageState{}); err != nil {
				c.fetchFailed(s, u, err)
				return nil, nil
			}
		}
	}
	return c.changed(ctx, s, u, page, now)
}

// changed extracts, normalises and upserts a page that changed, then
// records it as visited by this run.
func (c *crawl) changed(ctx context.Context, s *sourceRun, u string, page *Page, now time.Time) ([]string, error) {
	d := s.def
	var batch []data.Supplier
	var keys, links []string
	var perr error
	if s.register != nil {
		batch, perr = s.register.extract(page.Body, page.URL, now)
		for _, b := range batch {
			keys = append(keys, b.ID)
		}
	} else {
		var recs []Record
		recs, links, perr = c.extract(s, u, page)
		if perr == nil {
			batch, keys = c.suppliers(d, recs, page.URL, now)
		}
	}
	c.run.PagesFetched++
	if perr != nil {
		c.fail(u, FailParse, "page illisible : "+perr.Error())
		s.complete = false
		return links, nil
	}
	if len(batch) > 0 {
		counts, err := c.sink.UpsertCrawled(ctx, batch, "crawler:"+d.Name)
		if err != nil {
			return nil, fmt.Errorf("crawler: upsert %d listings of %s: %w", len(batch), u, err)
		}
		c.run.ListingsNew += counts.New
		c.run.ListingsUpdated += counts.Updated
		c.run.ListingsUnchanged += counts.Unchanged
		for _, r := range counts.Rejected {
			if len(c.run.Errors) < c.maxErrors {
				c.run.Errors = append(c.run.Errors, data.CrawlError{URL: u, Kind: "rejected", Message: "fiche refusée par la base : " + r.Error()})
			}
		}
	}
	// The links are recorded even when there are none: "no link" and
	// "links unknown" must not be confused by a later 304.
	if err := c.state.PutPageState(ctx, d.Name+linksSuffix, data.PageState{URL: u, FetchedAt: now, RunID: c.run.ID, Keys: links}); err != nil {
		return nil, fmt.Errorf("crawler: page links %s: %w", u, err)
	}
	ps := data.PageState{URL: u, ETag: page.ETag, LastModified: page.LastModified, ContentHash: page.ContentHash,
		FetchedAt: now, Status: page.Status, RunID: c.run.ID, Keys: keys}
	if err := c.state.PutPageState(ctx, d.Name, ps); err != nil {
		return nil, fmt.Errorf("crawler: page state %s: %w", u, err)
	}
	if err := c.state.PutCrawlRun(ctx, c.run); err != nil {
		return nil, fmt.Errorf("crawler: save run: %w", err)
	}
	return links, nil
}

// extract reads a page's records and links according to its kind.
func (c *crawl) extract(s *sourceRun, u string, page *Page) ([]Record, []string, error) {
	switch {
	case s.json != nil:
		recs, total, err := s.json.extract(page.Body, page.URL)
		if total >= 0 {
			s.total = total
		}
		return recs, c.nextOffset(s, u, len(recs), err == nil), err
	case looksLikeSitemap(page.Body):
		sm, err := ParseSitemap(page.Body)
		if err != nil {
			return nil, nil, err
		}
		c.boundSitemapDepth(s, u, sm)
		return nil, s.links.sitemapLinks(sm, page.URL), nil
	}
	doc, err := parseHTML(page.Body)
	if err != nil {
		return nil, nil, err
	}
	var recs []Record
	wantRecords := s.records == nil || s.records.MatchString(page.URL)
	if s.jsonld != nil && wantRecords {
		if recs, err = s.jsonld.extract(doc, page.URL); err != nil {
			return nil, s.links.htmlLinks(doc, page.URL), err
		}
	}
	links := s.links.htmlLinks(doc, page.URL)
	if s.html != nil && wantRecords {
		recs = s.html.extract(doc, page.URL)
		if len(recs) == 0 && s.records != nil {
			return nil, links, fmt.Errorf("%w: aucune fiche reconnue (sélecteur %q)", ErrParse, s.def.Records.Selector)
		}
	}
	return recs, links, nil
}

// nextOffset returns the next page of an offset-paginated JSON API, if
// any: after a page of n records (n is 0 for a failed page, then only a
// known total lets the crawl go on).
func (c *crawl) nextOffset(s *sourceRun, u string, n int, parsed bool) []string {
	p := s.def.Pagination
	if p.OffsetParam == "" || p.Limit <= 0 {
		return nil
	}
	pu, err := url.Parse(u)
	if err != nil {
		return nil
	}
	q := pu.Query()
	offset, _ := strconv.Atoi(q.Get(p.OffsetParam))
	limit := p.Limit
	if l, err := strconv.Atoi(q.Get(p.LimitParam)); err == nil && l > 0 {
		limit = l
	}
	next := offset + limit
	switch {
	case s.total >= 0 && next >= s.total:
		return nil
	case s.total < 0 && (!parsed || n == 0):
		return nil
	case parsed && n == 0:
		return nil
	}
	q.Set(p.OffsetParam, strconv.Itoa(next))
	if p.LimitParam != "" {
		q.Set(p.LimitParam, strconv.Itoa(limit))
	}
	pu.RawQuery = q.Encode()
	return []string{pu.String()}
}

// rememberedLinks returns the links recorded for a page; ok is false when
// none were.
func (c *crawl) rememberedLinks(ctx context.Context, d *Definition, u string) ([]string, bool, error) {
	ps, err := c.state.PageState(ctx, d.Name+linksSuffix, u)
	switch {
	case errors.Is(err, data.ErrNotFound):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("crawler: page links %s: %w", u, err)
	}
	return ps.Keys, true, nil
}

// suppliers normalises the records of a page into a batch, one supplier
// per company (two listings of one company on a page are merged), and
// returns the supplier IDs the page lists.
func (c *crawl) suppliers(d *Definition, recs []Record, pageURL string, now time.Time) ([]data.Supplier, []string) {
	opts := NormalizeOptions{Source: d.Name, Label: d.Label, NoLabel: d.Label == "", Scope: d.Scope,
		SourceURL: pageURL, FetchedAt: now}.withDefaults()
	var batch []data.Supplier
	index := map[string]int{}
	for _, r := range recs {
		s, _, err := c.norm.normalize(r, opts)
		if err != nil {
			continue // no name: nothing to keep
		}
		if i, ok := index[s.ID]; ok {
			batch[i] = mergeRows(batch[i], s)
			continue
		}
		index[s.ID] = len(batch)
		batch = append(batch, s)
	}
	keys := make([]string, len(batch))
	for i, s := range batch {
		keys[i] = s.ID
	}
	return batch, keys
}

// fetchFailed records a fetch failure in the report.
func (c *crawl) fetchFailed(s *sourceRun, u string, err error) {
	var fe *FetchError
	if !errors.As(err, &fe) {
		fe = &FetchError{URL: u, Kind: FailNetwork, Err: err}
	}
	switch fe.Kind {
	case FailGone, FailRobots, FailDomain:
		// Permanent, and the site's own choice: the listings behind such a
		// page cannot be re-found, so the crawl still counts as complete.
	default:
		s.complete = false
	}
	c.fail(u, fe.Kind, failureMessage(fe))
}

func (c *crawl) fail(u, kind, msg string) {
	if c.run.PagesFailed == nil {
		c.run.PagesFailed = map[string]int{}
	}
	c.run.PagesFailed[kind]++
	if len(c.run.Errors) < c.maxErrors {
		c.run.Errors = append(c.run.Errors, data.CrawlError{URL: u, Kind: kind, Message: msg})
	}
}
