package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fabrique/crawler"
	"fabrique/crawler/notice"
	"fabrique/data"
	"fabrique/data/store"
)

// Live tender feeds that `fabrique import --feed` reads through the
// crawler's polite fetcher and crawl state, so that a second import
// fetches only what changed (304 Not Modified).
const (
	// boampDefaultBase is the BOAMP open-data portal (DILA, Opendatasoft).
	boampDefaultBase = "https://boamp-datadila.opendatasoft.com"
	boampRecordsPath = "/api/explore/v2.1/catalog/datasets/boamp/records"
	// boampPageSize is the Opendatasoft maximum per page; offset+limit is
	// capped at 10 000 by the portal, hence boampMaxOffset.
	boampPageSize  = 100
	boampMaxOffset = 10000
	// tedFeedPath is where a feed of eForms notices lists them, as
	// {"notices": [{"id", "url"}]} (the shape the local mirror serves).
	tedFeedPath = "/ted/eforms/"
)

// feedConfig is the crawler configuration the feeds are read with: its
// politeness rules, which --config may change.
func feedConfig(p *program) (crawler.Config, error) {
	if p.cfg.crawlConfig == "" {
		return crawler.DefaultConfig(), nil
	}
	c, err := crawler.LoadConfig(p.cfg.crawlConfig)
	if err != nil {
		return crawler.Config{}, &userError{msg: fmt.Sprintf("configuration %s : %v", p.cfg.crawlConfig, err), err: err}
	}
	return c, nil
}

// feedImport imports the notices of a live feed into st, printing each
// notice like a file import, and returns what it read and stored.
func feedImport(ctx context.Context, cfg crawler.Config, st *store.Store, feed, base string, report io.Writer) (importStats, error) {
	stats := importStats{feed: feed}
	if base == "" {
		switch feed {
		case "boamp":
			base = boampDefaultBase
		case "ted":
			return stats, usageErrorf("le flux TED n'a pas d'adresse par défaut : indiquez --base-url (par exemple celle de « fabrique mirror »)")
		}
	}
	base = strings.TrimRight(base, "/")
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return stats, usageErrorf("--base-url « %s » : adresse invalide", base)
	}
	f := &crawler.Feed{Fetcher: crawler.NewFetcher(ctx, cfg.Politeness, []string{u.Host}), State: crawlState{st}, Source: "feed:" + feed}
	fi := &feedImporter{f: f, st: st, report: report, stats: &stats}
	switch feed {
	case "boamp":
		err = fi.boamp(ctx, base)
	case "ted":
		err = fi.ted(ctx, base)
	default:
		err = usageErrorf("flux « %s » inconnu (boamp ou ted)", feed)
	}
	return stats, err
}

// feedImporter is one import of a feed: where it fetches, stores and
// reports, and its counts.
type feedImporter struct {
	f      *crawler.Feed
	st     *store.Store
	report io.Writer
	stats  *importStats
}

// get fetches a page of the feed and counts it.
func (fi *feedImporter) get(ctx context.Context, u string) (*crawler.Page, error) {
	page, err := fi.f.Get(ctx, u)
	if err == nil {
		fi.stats.pages++
		if page.NotModified {
			fi.stats.unchanged++
		}
	}
	return page, err
}

func (fi *feedImporter) boamp(ctx context.Context, base string) error {
	urlAt := func(offset int) string {
		return base + boampRecordsPath + "?limit=" + strconv.Itoa(boampPageSize) + "&offset=" + strconv.Itoa(offset)
	}
	for offset := 0; offset < boampMaxOffset; offset += boampPageSize {
		pageURL := urlAt(offset)
		page, err := fi.get(ctx, pageURL)
		if err != nil {
			fi.reached(ctx, pageURL)
			return feedError("BOAMP", pageURL, err)
		}
		if page.NotModified {
			fmt.Fprintf(fi.report, "%s : inchangé depuis le dernier import (304)\n", pageURL)
			if err := fi.f.Done(ctx, page, nil); err != nil {
				return err
			}
			// An unchanged page says nothing of the total: it was the last
			// one, and still is, when the import that fetched it stopped
			// there, leaving no state for the next page (an import that
			// failed on the next page left one: reached).
			_, err := fi.f.State.PageState(ctx, fi.f.Source, urlAt(offset+boampPageSize))
			if errors.Is(err, data.ErrNotFound) {
				break
			}
			if err != nil {
				return fmt.Errorf("feed boamp: page state: %w", err)
			}
			continue
		}
		var head struct {
			Total   int               `json:"total_count"`
			Results []json.RawMessage `json:"results"`
		}
		if err := json.Unmarshal(page.Body, &head); err != nil {
			fi.reached(ctx, pageURL)
			return &userError{msg: fmt.Sprintf("flux BOAMP %s : réponse illisible (JSON attendu)", pageURL), err: err}
		}
		res, err := notice.ParseBOAMPAPI(bytes.NewReader(page.Body), notice.Options{})
		ids := fi.take(ctx, pageURL, res, err, "import:boamp")
		if err := fi.f.Done(ctx, page, ids); err != nil {
			return err
		}
		if len(head.Results) < boampPageSize || offset+boampPageSize >= head.Total {
			break
		}
	}
	return nil
}

// reached records that an import got as far as pageURL without reading
// it (a failed fetch, an unreadable answer), when nothing was recorded for
// it yet: a state without validators, so that the next import, answered
// 304 on the page before, goes on to this one and fetches it whole,
// rather than take the page before for the last one. It is written even
// when ctx was cancelled (an import stopped by SIGTERM); a failure to
// write it only costs that the next import stops early, as before.
func (fi *feedImporter) reached(ctx context.Context, pageURL string) {
	ctx = context.WithoutCancel(ctx)
	if _, err := fi.f.State.PageState(ctx, fi.f.Source, pageURL); !errors.Is(err, data.ErrNotFound) {
		return
	}
	_ = fi.f.State.PutPageState(ctx, fi.f.Source, data.PageState{URL: pageURL, FetchedAt: time.Now().UTC()})
}

func (fi *feedImporter) ted(ctx context.Context, base string) error {
	page, err := fi.get(ctx, base+tedFeedPath)
	if err != nil {
		return feedError("TED", base+tedFeedPath, err)
	}
	var idx struct {
		Notices []struct {
			ID  string `json:"id"`
			URL string `json:"url"`
		} `json:"notices"`
	}
	if page.NotModified {
		// The list is unchanged; its notices are still fetched
		// conditionally below, from the URLs kept at the last import.
		prev, err := fi.f.State.PageState(ctx, fi.f.Source, page.URL)
		if err == nil {
			for _, k := range prev.Keys {
				idx.Notices = append(idx.Notices, struct {
					ID  string `json:"id"`
					URL string `json:"url"`
				}{URL: k})
			}
		}
	} else if err := json.Unmarshal(page.Body, &idx); err != nil {
		return &userError{msg: fmt.Sprintf("flux TED %s : index illisible (JSON attendu)", page.URL), err: err}
	}
	var urls []string
	for _, n := range idx.Notices {
		ref, err := url.Parse(n.URL)
		if err != nil {
			fi.stats.rejectedPages++
			fmt.Fprintf(fi.report, "✗ %s : adresse invalide\n", n.URL)
			continue
		}
		nu := page.URL
		if b, err := url.Parse(page.URL); err == nil {
			nu = b.ResolveReference(ref).String()
		}
		urls = append(urls, nu)
		np, err := fi.get(ctx, nu)
		if err != nil {
			fi.stats.rejectedPages++
			fmt.Fprintf(fi.report, "✗ %s : %s\n", nu, crawler.Explain(err))
			continue
		}
		if np.NotModified {
			if err := fi.f.Done(ctx, np, nil); err != nil {
				return err
			}
			continue
		}
		res, err := notice.ParseEForms(bytes.NewReader(np.Body), notice.Options{})
		ids := fi.take(ctx, nu, res, err, "import:ted")
		if err := fi.f.Done(ctx, np, ids); err != nil {
			return err
		}
	}
	return fi.f.Done(ctx, page, urls)
}

// take stores what the page at u gave, like a file of an import: a page
// that is no procurement notice is skipped, one that gave nothing because
// it could not be read is refused; it returns the ids of the tenders
// stored.
func (fi *feedImporter) take(ctx context.Context, u string, res notice.Result, err error, actor string) []string {
	if err != nil && len(res.Tenders) == 0 && len(res.Awards) == 0 {
		if errors.Is(err, notice.ErrNotProcurement) {
			fmt.Fprintf(fi.report, "– %s : ignoré, ce n'est pas un avis de marché (%s)\n", u, notice.Explain(err))
			return nil
		}
		fi.stats.rejectedPages++
		fmt.Fprintf(fi.report, "✗ %s : %s\n", u, notice.Explain(err))
		return nil
	}
	return fi.store(ctx, res, actor)
}

// store folds the tenders of res into the store and keeps its awards,
// printing one line per notice and counting them; it returns the ids of
// the tenders stored.
func (fi *feedImporter) store(ctx context.Context, res notice.Result, actor string) []string {
	for _, n := range res.Notes {
		fmt.Fprintf(fi.report, "  · %s\n", n)
	}
	for _, pr := range res.Problems {
		fi.stats.problems++
		fmt.Fprintf(fi.report, "  ✗ %s\n", notice.Explain(pr))
	}
	var ids []string
	for _, t := range res.Tenders {
		status, outcome, err := foldNotice(ctx, fi.st, t, actor)
		if err != nil {
			fi.stats.problems++
			fmt.Fprintf(fi.report, "  ✗ %s : non enregistré : %s\n", t.ID, explainFold(err))
			continue
		}
		ids = append(ids, t.ID)
		fi.stats.stored(outcome)
		fmt.Fprintf(fi.report, "  ✓ %s\n", describeTender(t, status))
	}
	if len(res.Awards) > 0 {
		if err := fi.st.PutAwards(ctx, res.Awards); err != nil {
			fmt.Fprintf(fi.report, "  ✗ attributions non enregistrées : %v\n", err)
		} else {
			fi.stats.awards += len(res.Awards)
		}
	}
	return ids
}

// feedError words the failure of a feed's page in French (« flux BOAMP
// URL : erreur réseau — connexion refusée par le serveur »), keeping the
// Go error for errors.Is and the logs.
func feedError(feed, u string, err error) error {
	return &userError{msg: fmt.Sprintf("flux %s %s : %s", feed, u, crawler.Explain(err)), err: err}
}
