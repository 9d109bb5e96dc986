package crawler_test

import (
	"context"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"fabrique/crawler"
	"fabrique/crawler/crawltest"
	"fabrique/crawler/mirror"
)

func TestFeedConditionalFetch(t *testing.T) {
	srv := httptest.NewServer(mirror.New(mirror.Config{}).Handler())
	defer srv.Close()
	ctx := context.Background()
	mem := crawltest.New()
	feed := crawler.Feed{Fetcher: crawler.NewFetcher(ctx, crawler.Politeness{NoDelay: true}, nil), State: mem, Source: "ted"}
	url := mirror.BaseURLs(srv.URL)["ted"] + "/eforms/E1_minimal.xml"
	first, err := feed.Get(ctx, url)
	if err != nil || first.NotModified || !strings.Contains(string(first.Body), "PriorInformationNotice") {
		t.Fatalf("first get: %v, not modified %v", err, first != nil && first.NotModified)
	}
	if err := feed.Done(ctx, first, []string{"ted:E1_minimal"}); err != nil {
		t.Fatal(err)
	}
	again, err := feed.Get(ctx, url)
	if err != nil || !again.NotModified {
		t.Fatalf("second get: %v, want 304", err)
	}
	if err := feed.Done(ctx, again, nil); err != nil {
		t.Fatal(err)
	}
	if ps := mem.Pages("ted"); len(ps) != 1 || ps[0].Keys[0] != "ted:E1_minimal" || ps[0].ContentHash != first.ContentHash {
		t.Errorf("page state after a 304 = %+v, want keys and hash kept", ps)
	}
}

func TestSummaryInFrench(t *testing.T) {
	cfg := mirrorConfig(t)
	mem := crawltest.New()
	run, err := crawler.Run(context.Background(), cfg, nil, mem, mem, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := crawler.Summary(run)
	for _, want := range []string{"sources : epv, jsonld, ofg", "téléchargées", "Fiches : 1304 nouvelles", "0 non retrouvée", "Durée"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}

// TestImports keeps the architecture's arrows: colly only in the crawler,
// the mirror without colly nor the crawler, no store in the crawler.
func TestImports(t *testing.T) {
	deps := func(pkg string) string {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Skipf("go list unavailable: %v %s", err, out)
		}
		return string(out)
	}
	if d := deps("fabrique/crawler/mirror"); strings.Contains(d, "gocolly") || strings.Contains(d, "fabrique/crawler\n") {
		t.Error("the mirror imports colly or the crawler")
	}
	d := deps("fabrique/crawler")
	for _, banned := range []string{"fabrique/data/store", "fabrique/index", "fabrique/web", "bbolt", "bleve", "fiber"} {
		if strings.Contains(d, banned) {
			t.Errorf("the crawler depends on %s", banned)
		}
	}
}
