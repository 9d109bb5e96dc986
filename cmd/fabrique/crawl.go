package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"fabrique/crawler"
	"fabrique/crawler/mirror"
	"fabrique/data"
	"fabrique/data/store"
	"fabrique/web/metrics"
)

// crawlState makes the store the crawler's State and Sink.
type crawlState struct{ *store.Store }

func (s crawlState) UpsertCrawled(ctx context.Context, batch []data.Supplier, actor string) (crawler.UpsertCounts, error) {
	r, err := s.Store.UpsertCrawled(ctx, batch, actor)
	return crawler.UpsertCounts{New: r.New, Updated: r.Updated, Unchanged: r.Unchanged, Rejected: r.Rejected}, err
}

func (s crawlState) MarkSeen(ctx context.Context, source string, ids []string, _ time.Time) error {
	_, err := s.Store.MarkSeen(ctx, source, ids, "crawler:"+source)
	return err
}

// SIRENs lists the companies the register source asks about: every stored
// company keyed by a valid SIREN (the store keys companies by SIREN).
func (s crawlState) SIRENs(ctx context.Context) ([]string, error) {
	ids, err := s.Store.SupplierIDs(ctx, store.SupplierFilter{})
	if err != nil {
		return nil, err
	}
	out := ids[:0]
	for _, id := range ids {
		if data.ValidSIREN(id) == nil {
			out = append(out, id)
		}
	}
	return out, nil
}

// crawlConfig builds the crawler configuration from the options: the
// embedded source definitions, overridden by --config, pointed at
// --base-url. With one source, --base-url is its base URL; with all of
// them, it is the root of a Fabrique mirror (`fabrique mirror`).
func crawlConfig(p *program) (crawler.Config, []string, error) {
	cfg := crawler.DefaultConfig()
	if p.cfg.crawlConfig != "" {
		c, err := crawler.LoadConfig(p.cfg.crawlConfig)
		if err != nil {
			return cfg, nil, &userError{msg: fmt.Sprintf("configuration %s : %v", p.cfg.crawlConfig, err), err: err}
		}
		cfg = c
	}
	var sources []string
	if p.cfg.source != "" && p.cfg.source != "all" {
		for _, s := range strings.Split(p.cfg.source, ",") {
			if _, err := cfg.Source(strings.TrimSpace(s)); err != nil {
				return cfg, nil, usageErrorf("source « %s » inconnue (sources : %s, ou all)", s, strings.Join(cfg.SourceNames(), ", "))
			}
			sources = append(sources, strings.TrimSpace(s))
		}
	}
	if p.cfg.baseURL != "" {
		if len(sources) == 1 {
			if err := cfg.SetBaseURL(sources[0], p.cfg.baseURL); err != nil {
				return cfg, nil, usageErrorf("--base-url : %v", err)
			}
		} else {
			bases := mirror.BaseURLs(p.cfg.baseURL)
			names := sources
			if len(names) == 0 {
				names = cfg.EnabledSources()
			}
			for _, n := range names {
				base, ok := bases[n]
				if !ok {
					return cfg, nil, usageErrorf("--base-url avec plusieurs sources désigne un miroir Fabrique, qui ne sert pas la source « %s »", n)
				}
				if err := cfg.SetBaseURL(n, base); err != nil {
					return cfg, nil, usageErrorf("--base-url : %v", err)
				}
			}
		}
	}
	return cfg, sources, nil
}

// runCrawl crawls the label directories into the store, printing progress
// and the run's report; --last prints the stored report of the last run.
func runCrawl(ctx context.Context, p *program, _ []string) error {
	mode := newStore
	if on(p.cfg.last) {
		mode = existingStore // a report of what was stored
	}
	st, err := openStore(p.cfg.dataDir, p.log, mode)
	if err != nil {
		return err
	}
	defer st.Close()
	if on(p.cfg.last) {
		run, err := st.LastCrawlRun(ctx)
		if errors.Is(err, data.ErrNotFound) {
			fmt.Fprintln(p.stdout, "Aucune collecte n'a encore eu lieu.")
			return nil
		}
		if err != nil {
			return err
		}
		fmt.Fprint(p.stdout, crawler.Summary(run))
		return nil
	}
	cfg, sources, err := crawlConfig(p)
	if err != nil {
		return err
	}
	run, err := crawler.Run(ctx, cfg, sources, crawlState{st}, crawlState{st}, progressPrinter(p.stderr))
	fmt.Fprint(p.stdout, crawler.Summary(run))
	if err != nil {
		if ctx.Err() != nil {
			return &userError{msg: "collecte interrompue ; relancez la même commande pour la reprendre", err: err}
		}
		return err
	}
	return crawlOutcome(run)
}

// crawlOutcome is the exit status of a finished crawl: an error (1) when
// no source answered at all, a partial one (3, as import) when some
// source gave no page while others did, nil (0) otherwise — failed pages
// within a source that answered are the report's lines, not a failure
// of the command, since what was fetched is stored.
func crawlOutcome(run data.CrawlRun) error {
	if len(run.Unreached) == 0 {
		return nil
	}
	names := strings.Join(run.Unreached, ", ")
	if len(run.Unreached) >= len(run.Sources) {
		return &userError{msg: "collecte sans résultat : aucune page obtenue de " + names + " (voir le rapport ci-dessus) ; rien n'a été enregistré"}
	}
	return &partialError{msg: "collecte partielle : aucune page obtenue de " + names + " (voir le rapport ci-dessus) ; les autres sources sont enregistrées"}
}

// progressPrinter prints one progress line at most every second.
func progressPrinter(w io.Writer) func(crawler.Progress) {
	var mu sync.Mutex
	var last time.Time
	return func(pr crawler.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) < time.Second {
			return
		}
		last = time.Now()
		fmt.Fprintf(w, "[%s] %s, %d en attente, %.1f pages/s, %s, %s\n", pr.Source,
			data.CountFR(pr.PagesDone, "page traitée", "pages traitées"), pr.PagesQueued, pr.Rate,
			data.CountFR(pr.Errors, "erreur", "erreurs"), data.CountFR(pr.Listings, "fiche", "fiches"))
	}
}

// scheduledCrawls runs a crawl of every enabled source every interval
// inside serve (only one process may own the store), until ctx ends.
func scheduledCrawls(ctx context.Context, p *program, st *store.Store, every time.Duration, m *metrics.Registry) {
	cfg, sources, err := crawlConfig(p)
	if err != nil {
		p.log.Error("scheduled crawls disabled", "err", err)
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case tick := <-t.C:
			m.SchedulerLag("crawl", time.Since(tick))
		}
		run, err := crawler.Run(ctx, cfg, sources, crawlState{st}, crawlState{st}, nil)
		m.CrawlRun(run.Complete, err, run.ListingsNew, run.ListingsUpdated)
		logCrawlRun(p.log, run, err)
	}
}

// logCrawlRun logs a scheduled crawl: at INFO when every source answered,
// at WARN with the failed pages and the sources that gave no page, at
// ERROR when the run itself failed (the store, a stop).
func logCrawlRun(log *slog.Logger, run data.CrawlRun, err error) {
	failed := 0
	for _, n := range run.PagesFailed {
		failed += n
	}
	attrs := []any{"run", run.ID, "fetched", run.PagesFetched, "not_modified", run.PagesNotModified, "failed", failed,
		"new", run.ListingsNew, "updated", run.ListingsUpdated, "not_refound", run.ListingsNotRefound, "complete", run.Complete}
	switch {
	case err != nil:
		log.Error("scheduled crawl", append(attrs, "err", err)...)
	case len(run.Unreached) > 0:
		log.Warn("scheduled crawl: no page obtained from some sources", append(attrs, "unreached", strings.Join(run.Unreached, ","))...)
	default:
		log.Info("scheduled crawl", attrs...)
	}
}
