package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"fabrique/crawler"
	"fabrique/crawler/notice"
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
// notice like a file import. It returns how many notices were stored.
func feedImport(ctx context.Context, cfg crawler.Config, st *store.Store, feed, base string, report io.Writer) (int, error) {
	if base == "" {
		switch feed {
		case "boamp":
			base = boampDefaultBase
		case "ted":
			return 0, usageErrorf("le flux TED n'a pas d'adresse par défaut : indiquez --base-url (par exemple celle de « fabrique mirror »)")
		}
	}
	base = strings.TrimRight(base, "/")
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return 0, usageErrorf("--base-url « %s » : adresse invalide", base)
	}
	f := &crawler.Feed{Fetcher: crawler.NewFetcher(ctx, cfg.Politeness, []string{u.Host}), State: crawlState{st}, Source: "feed:" + feed}
	switch feed {
	case "boamp":
		return importBOAMPFeed(ctx, f, st, base, report)
	case "ted":
		return importTEDFeed(ctx, f, st, base, report)
	}
	return 0, usageErrorf("flux « %s » inconnu (boamp ou ted)", feed)
}

func importBOAMPFeed(ctx context.Context, f *crawler.Feed, st *store.Store, base string, report io.Writer) (int, error) {
	stored := 0
	for offset := 0; offset < boampMaxOffset; offset += boampPageSize {
		pageURL := base + boampRecordsPath + "?limit=" + strconv.Itoa(boampPageSize) + "&offset=" + strconv.Itoa(offset)
		page, err := f.Get(ctx, pageURL)
		if err != nil {
			return stored, fmt.Errorf("flux BOAMP %s : %w", pageURL, err)
		}
		if page.NotModified {
			fmt.Fprintf(report, "%s : inchangé depuis le dernier import (304)\n", pageURL)
			if err := f.Done(ctx, page, nil); err != nil {
				return stored, err
			}
			continue
		}
		var head struct {
			Total   int               `json:"total_count"`
			Results []json.RawMessage `json:"results"`
		}
		if err := json.Unmarshal(page.Body, &head); err != nil {
			return stored, fmt.Errorf("flux BOAMP %s : réponse illisible : %w", pageURL, err)
		}
		res, err := notice.ParseBOAMPAPI(bytes.NewReader(page.Body), notice.Options{})
		if err != nil && len(res.Tenders) == 0 {
			fmt.Fprintf(report, "✗ %s : %s\n", pageURL, notice.Explain(err))
		}
		n, ids := storeNotices(ctx, st, res, report, "import:boamp")
		stored += n
		if err := f.Done(ctx, page, ids); err != nil {
			return stored, err
		}
		if len(head.Results) < boampPageSize || offset+boampPageSize >= head.Total {
			break
		}
	}
	return stored, nil
}

func importTEDFeed(ctx context.Context, f *crawler.Feed, st *store.Store, base string, report io.Writer) (int, error) {
	page, err := f.Get(ctx, base+tedFeedPath)
	if err != nil {
		return 0, fmt.Errorf("flux TED : %w", err)
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
		prev, err := f.State.PageState(ctx, f.Source, page.URL)
		if err == nil {
			for _, k := range prev.Keys {
				idx.Notices = append(idx.Notices, struct {
					ID  string `json:"id"`
					URL string `json:"url"`
				}{URL: k})
			}
		}
	} else if err := json.Unmarshal(page.Body, &idx); err != nil {
		return 0, fmt.Errorf("flux TED : index illisible : %w", err)
	}
	var urls []string
	stored := 0
	for _, n := range idx.Notices {
		ref, err := url.Parse(n.URL)
		if err != nil {
			fmt.Fprintf(report, "✗ %s : adresse invalide\n", n.URL)
			continue
		}
		nu := page.URL
		if b, err := url.Parse(page.URL); err == nil {
			nu = b.ResolveReference(ref).String()
		}
		urls = append(urls, nu)
		np, err := f.Get(ctx, nu)
		if err != nil {
			fmt.Fprintf(report, "✗ %s : %v\n", nu, err)
			continue
		}
		if np.NotModified {
			if err := f.Done(ctx, np, nil); err != nil {
				return stored, err
			}
			continue
		}
		res, err := notice.ParseEForms(bytes.NewReader(np.Body), notice.Options{})
		if err != nil && len(res.Tenders) == 0 {
			fmt.Fprintf(report, "✗ %s : %s\n", nu, notice.Explain(err))
		}
		c, ids := storeNotices(ctx, st, res, report, "import:ted")
		stored += c
		if err := f.Done(ctx, np, ids); err != nil {
			return stored, err
		}
	}
	if err := f.Done(ctx, page, urls); err != nil {
		return stored, err
	}
	return stored, nil
}

// storeNotices folds the tenders of res into the store and keeps its
// awards, printing one line per notice; it returns how many tenders were
// new or changed, and their ids.
func storeNotices(ctx context.Context, st *store.Store, res notice.Result, report io.Writer, actor string) (int, []string) {
	for _, n := range res.Notes {
		fmt.Fprintf(report, "  · %s\n", n)
	}
	for _, pr := range res.Problems {
		fmt.Fprintf(report, "  ✗ %s\n", notice.Explain(pr))
	}
	n := 0
	var ids []string
	for _, t := range res.Tenders {
		status, outcome, err := foldNotice(ctx, st, t, actor)
		if err != nil {
			fmt.Fprintf(report, "  ✗ %s : non enregistré : %v\n", t.ID, err)
			continue
		}
		ids = append(ids, t.ID)
		if outcome == foldNew || outcome == foldJoined {
			n++
		}
		fmt.Fprintf(report, "  ✓ %s\n", describeTender(t, status))
	}
	if len(res.Awards) > 0 {
		if err := st.PutAwards(ctx, res.Awards); err != nil {
			fmt.Fprintf(report, "  ✗ attributions non enregistrées : %v\n", err)
		}
	}
	return n, ids
}
