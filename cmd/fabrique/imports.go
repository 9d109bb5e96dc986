package main

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"

	"fabrique/data/store"
	"fabrique/web/metrics"
)

// Scheduled imports of live tender feeds inside serve: the store has one
// owner (bbolt's lock), so while serve runs, `fabrique import --feed`
// cannot write; serve imports the feeds itself, at start and at
// --import-every, through the same polite, conditional fetching (a
// second run fetches only what changed). New tenders reach the tender
// index, the PMIs' lists and the alert digests like any other write.

const optImportEvery = "import-every"

// minImportEvery keeps serve from polling a feed's host more often than
// its publication rhythm deserves (BOAMP publishes a few times a day).
const minImportEvery = time.Minute

// knownFeeds are the feeds feedImport reads.
var knownFeeds = []string{"boamp", "ted"}

func importOptions() []option {
	return []option{{
		flag: optImportEvery, env: "FABRIQUE_IMPORT_EVERY", arg: "DURÉE",
		help: "importe les flux d'avis de --feed (boamp, ted ou boamp,ted) au démarrage du serveur puis à cet intervalle " +
			"(ex. 1h) ; vide : jamais (utilisez alors « fabrique import --feed » serveur arrêté)",
		field:   func(c *config) *string { return &c.importEvery },
		def:     constant(""),
		display: "jamais",
	}}
}

// importInterval is the interval of serve's scheduled imports and the
// feeds they read; 0 when off. Every mistake is a usage error, found
// before serve does any work.
func (c *config) importInterval() (time.Duration, []string, error) {
	if c.importEvery == "" {
		return 0, nil, nil
	}
	every, err := time.ParseDuration(c.importEvery)
	if err != nil || every < minImportEvery {
		return 0, nil, usageErrorf("--import-every « %s » : durée d'au moins %s attendue (ex. 1h)", c.importEvery, minImportEvery)
	}
	if strings.TrimSpace(c.feed) == "" {
		return 0, nil, usageErrorf("--import-every demande les flux à importer : --feed boamp, ted ou boamp,ted")
	}
	var feeds []string
	for f := range strings.SplitSeq(c.feed, ",") {
		f = strings.TrimSpace(f)
		if !slices.Contains(knownFeeds, f) {
			return 0, nil, usageErrorf("--feed : flux « %s » inconnu (boamp ou ted)", f)
		}
		if f == "ted" && c.baseURL == "" {
			return 0, nil, usageErrorf("le flux TED n'a pas d'adresse par défaut : indiquez --base-url (par exemple celle de « fabrique mirror »)")
		}
		if !slices.Contains(feeds, f) {
			feeds = append(feeds, f)
		}
	}
	return every, feeds, nil
}

// scheduledImports imports every feed at once, then at each tick of
// every, until ctx ends. A failing feed is logged and counted; the others
// and the next runs go on.
func scheduledImports(ctx context.Context, p *program, st *store.Store, every time.Duration, feeds []string, m *metrics.Registry) {
	cfg, err := feedConfig(p) // read once; checked before any work (checkScheduledCrawls)
	if err != nil {
		p.log.Error("scheduled imports disabled", "err", err)
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for _, feed := range feeds {
			if ctx.Err() != nil {
				return
			}
			start := time.Now()
			fs, err := feedImport(ctx, cfg, st, feed, p.cfg.baseURL, io.Discard)
			stored := fs.newT
			if ctx.Err() != nil {
				return // stopping: not a failure of the feed
			}
			m.ImportRun(feed, stored, err)
			if err != nil {
				p.log.Error("scheduled import", "feed", feed, "stored", stored, "took", time.Since(start).Round(time.Millisecond), "err", goError(err))
			} else {
				p.log.Info("scheduled import", "feed", feed, "stored", stored, "took", time.Since(start).Round(time.Millisecond))
			}
		}
		select {
		case <-ctx.Done():
			return
		case tick := <-t.C:
			m.SchedulerLag("import", time.Since(tick))
		}
	}
}
