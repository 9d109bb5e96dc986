package crawler

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	"fabrique/data"
)

// Progress is what a running crawl reports after each page, for the
// command to print.
type Progress struct {
	Source      string
	URL         string
	PagesDone   int // pages handled by this process: fetched, not modified, skipped or failed
	PagesQueued int // pages of the current source still to visit
	Errors      int // failed pages so far in the run
	Listings    int // listings upserted so far in the run
	Rate        float64
	Elapsed     time.Duration
}

// defaultMaxPages bounds one source's pages in one run.
const defaultMaxPages = 10000

// Run crawls the named sources (when sources is empty, the enabled ones:
// Config.EnabledSources) one after the other, hands each page's suppliers to sink and
// records every step in state, and returns the run's report.
//
// A run interrupted (killed, or ctx cancelled) stays unfinished in state:
// the next Run with the same sources resumes it, skipping the URLs it
// already visited. A re-crawl sends the stored validators, so unchanged
// pages answer 304 and their listings are only marked seen. After a source
// was crawled completely (no page failed but those gone for good), the
// labels it did not list again are marked not re-found. progress, if not
// nil, is called after each page.
//
// The error is non-nil when ctx was cancelled or the state or sink
// failed; page failures are not errors but entries of the report, and a
// source of which no page answered is named in its Unreached.
func Run(ctx context.Context, cfg Config, sources []string, sink Sink, state State, progress func(Progress)) (data.CrawlRun, error) {
	if len(sources) == 0 {
		sources = cfg.EnabledSources()
	}
	var defs []*Definition
	var hosts []string
	for _, name := range sources {
		d, err := cfg.Source(name)
		if err != nil {
			return data.CrawlRun{}, err
		}
		if err := d.Validate(); err != nil {
			return data.CrawlRun{}, err
		}
		defs = append(defs, d)
		hosts = append(hosts, d.Hosts()...)
	}
	c := &crawl{cfg: cfg, sink: sink, state: state, progress: progress, norm: newNormalizer(), began: time.Now()}
	c.maxErrors = cfg.MaxErrors
	if c.maxErrors <= 0 {
		c.maxErrors = 200
	}
	if err := c.open(ctx, sources); err != nil {
		return c.run, err
	}
	c.f = NewFetcher(ctx, cfg.Politeness, hosts)
	for _, d := range defs {
		for _, h := range d.Hosts() {
			c.f.SetRate(h, d.Rate)
		}
	}
	complete := true
	for _, d := range defs {
		obtained, failed := c.obtained(), c.failures()
		ok, err := c.source(ctx, d)
		if err != nil {
			return c.suspend(err)
		}
		if c.obtained() == obtained && c.failures() > failed && !slices.Contains(c.run.Unreached, d.Name) {
			c.run.Unreached = append(c.run.Unreached, d.Name)
		}
		if !ok {
			complete = false
			continue
		}
		n, err := state.MarkNotRefound(ctx, d.Name, c.run.StartedAt)
		if err != nil {
			return c.suspend(fmt.Errorf("crawler: mark not re-found %s: %w", d.Name, err))
		}
		c.run.ListingsNotRefound += n
	}
	c.run.Complete = complete
	c.run.FinishedAt = time.Now().UTC()
	if err := state.PutCrawlRun(ctx, c.run); err != nil {
		return c.run, fmt.Errorf("crawler: save run: %w", err)
	}
	return c.run, nil
}

// crawl is one Run in progress.
type crawl struct {
	cfg       Config
	sink      Sink
	state     State
	progress  func(Progress)
	f         *Fetcher
	norm      *normalizer
	run       data.CrawlRun
	resumed   bool
	began     time.Time
	done      int
	maxErrors int
}

// open resumes the last run when it is unfinished and crawled the same
// sources; otherwise it closes such a run and starts a new one.
func (c *crawl) open(ctx context.Context, sources []string) error {
	now := time.Now().UTC()
	last, err := c.state.LastCrawlRun(ctx)
	switch {
	case err != nil && !errors.Is(err, data.ErrNotFound):
		return fmt.Errorf("crawler: last run: %w", err)
	case err == nil && last.FinishedAt.IsZero() && sameSet(last.Sources, sources):
		c.run, c.resumed = last, true
		return nil
	case err == nil && last.FinishedAt.IsZero():
		last.FinishedAt = now
		last.Errors = append(last.Errors, data.CrawlError{Kind: "interrupted",
			Message: "crawl interrompu, non repris : un crawl d'autres sources l'a remplacé"})
		if err := c.state.PutCrawlRun(ctx, last); err != nil {
			return fmt.Errorf("crawler: close run %s: %w", last.ID, err)
		}
	}
	c.run = data.CrawlRun{ID: now.Format(time.RFC3339Nano), Sources: slices.Clone(sources), StartedAt: now}
	if err := c.state.PutCrawlRun(ctx, c.run); err != nil {
		return fmt.Errorf("crawler: save run: %w", err)
	}
	return nil
}

// suspend saves the run unfinished, so that the next Run resumes it.
func (c *crawl) suspend(cause error) (data.CrawlRun, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.state.PutCrawlRun(ctx, c.run); err != nil {
		return c.run, errors.Join(cause, fmt.Errorf("crawler: save run: %w", err))
	}
	return c.run, cause
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// sourceRun is the state of one source within a run.
type sourceRun struct {
	def      *Definition
	json     *jsonExtractor
	html     *htmlExtractor
	jsonld   *jsonldExtractor
	register *registerExtractor
	links    *linkRules
	records  *regexp.Regexp
	total    int // records announced by a JSON API, -1 until known
	complete bool
	// sitemapDepth is how many sitemap indexes led to a sitemap URL
	// (sitemap_depth.go); absent means a start URL, depth 0.
	sitemapDepth map[string]int
}

func (c *crawl) prepare(d *Definition) (*sourceRun, error) {
	s := &sourceRun{def: d, total: -1, complete: true}
	var err error
	switch d.Kind {
	case KindJSON:
		s.json, err = newJSONExtractor(d)
	case KindHTML:
		s.html, err = newHTMLExtractor(d)
	case KindJSONLD:
		s.jsonld, err = newJSONLDExtractor(d)
	case KindRegister:
		s.register = newRegisterExtractor(d, c.norm)
	}
	if err != nil {
		return nil, err
	}
	if s.links, err = compileLinks(d); err != nil {
		return nil, err
	}
	if s.records, err = d.compilePattern(d.Records.URLPattern); err != nil {
		return nil, err
	}
	return s, nil
}

// source crawls one source breadth-first from its start URLs; ok is false
// when some page failed, so that nothing may be marked not re-found.
func (c *crawl) source(ctx context.Context, d *Definition) (ok bool, err error) {
	s, err := c.prepare(d)
	if err != nil {
		return false, err
	}
	maxPages := d.Pagination.MaxPages
	if maxPages <= 0 {
		maxPages = defaultMaxPages
	}
	queue := d.StartURLs()
	if d.PerCompany() {
		if queue, err = c.companyURLs(ctx, d); err != nil {
			return false, err
		}
	}
	seen := map[string]bool{}
	for _, u := range queue {
		seen[u] = true
	}
	for pages := 0; len(queue) > 0; pages++ {
		if err := ctx.Err(); err != nil {
			return false, fmt.Errorf("crawler: %w", err)
		}
		u := queue[0]
		queue = queue[1:]
		if pages >= maxPages {
			c.fail(u, "max_pages", fmt.Sprintf("limite de %d pages atteinte pour la source %s : crawl incomplet", maxPages, d.Name))
			return false, nil
		}
		links, err := c.page(ctx, s, u)
		if err != nil {
			return false, err
		}
		for _, l := range links {
			if !seen[l] {
				seen[l] = true
				queue = append(queue, l)
			}
		}
		c.done++
		if c.progress != nil {
			el := time.Since(c.began)
			c.progress(Progress{Source: d.Name, URL: u, PagesDone: c.done, PagesQueued: len(queue),
				Errors: c.failures(), Listings: c.run.ListingsNew + c.run.ListingsUpdated + c.run.ListingsUnchanged,
				Rate: float64(c.done) / max(el.Seconds(), 1e-3), Elapsed: el})
		}
	}
	return s.complete, nil
}

// obtained counts the pages of the run that answered: downloaded or
// unchanged.
func (c *crawl) obtained() int { return c.run.PagesFetched + c.run.PagesNotModified }

func (c *crawl) failures() int {
	n := 0
	for _, v := range c.run.PagesFailed {
		n += v
	}
	return n
}
