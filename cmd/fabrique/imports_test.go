package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"fabrique/crawler/mirror"
	"fabrique/crawler/notice"
)

// TestServeImportsFeeds runs serve with --import-every against the local
// mirror of the real feeds: at start, serve imports the BOAMP and TED
// feeds itself (the store is its own, `fabrique import` could not write),
// counts the runs and notices in /metrics, and a notice of the TED feed is
// then served by the API like any other tender.
func TestServeImportsFeeds(t *testing.T) {
	m := httptest.NewServer(mirror.New(mirror.Config{}).Handler())
	defer m.Close()
	cfg := writeTemp(t, `{"politeness": {"no_delay": true}}`)
	s := startServe(t, env(), "--data", t.TempDir(), "--import-every", "1h", "--feed", "boamp,ted",
		"--base-url", m.URL, "--config", cfg, "--alerts-every", "off")

	runs := regexp.MustCompile(`(?m)^fabrique_import_runs_total\{feed="(boamp|ted)",outcome="(complete|failed)"\} (\d+)$`)
	deadline := time.Now().Add(2 * time.Minute)
	var metrics string
	for {
		_, metrics = httpGet(t, s.url+"metrics")
		if len(runs.FindAllString(metrics, -1)) == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, feed := range []string{"boamp", "ted"} {
		if !strings.Contains(metrics, `fabrique_import_runs_total{feed="`+feed+`",outcome="complete"} 1`) {
			t.Errorf("no complete import run of %s in /metrics:\n%s\nstderr:\n%s", feed, grepLines(metrics, "import"), s.stderr)
		}
	}
	// The embedded directory holds no TED notice: every one is new.
	ted := regexp.MustCompile(`(?m)^fabrique_imported_notices_total\{feed="ted"\} (\d+)$`).FindStringSubmatch(metrics)
	if ted == nil {
		t.Fatalf("no count of TED notices imported:\n%s", grepLines(metrics, "import"))
	}
	if n, _ := strconv.Atoi(ted[1]); n == 0 {
		t.Fatal("the TED feed stored no notice")
	}

	// A notice of the mirror's TED feed, read here the way the import
	// reads it, is now a tender of the API.
	id := firstTEDNotice(t, m.URL)
	code, body := httpGet(t, s.url+"api/v1/tenders/"+url.PathEscape(id))
	if code != http.StatusOK || !strings.Contains(body, `"id":"`+id+`"`) {
		t.Errorf("GET /api/v1/tenders/%s = %d %.300s; want the imported notice", id, code, body)
	}
}

// firstTEDNotice returns the tender ID of the first notice of the
// mirror's TED feed.
func firstTEDNotice(t *testing.T, base string) string {
	t.Helper()
	get := func(u string) []byte {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
		}
		return b
	}
	var idx struct {
		Notices []struct{ URL string } `json:"notices"`
	}
	if err := json.Unmarshal(get(base+tedFeedPath), &idx); err != nil || len(idx.Notices) == 0 {
		t.Fatalf("mirror's TED index: %v (%d notices)", err, len(idx.Notices))
	}
	ref, _ := url.Parse(idx.Notices[0].URL)
	b, _ := url.Parse(base + tedFeedPath)
	res, err := notice.ParseEForms(bytes.NewReader(get(b.ResolveReference(ref).String())), notice.Options{})
	if err != nil || len(res.Tenders) == 0 {
		t.Fatalf("first TED notice: %v, %d tenders", err, len(res.Tenders))
	}
	return res.Tenders[0].ID
}

// grepLines keeps the lines of s that contain word.
func grepLines(s, word string) string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if strings.Contains(l, word) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
