package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"fabrique/crawler"
	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index"
)

// testClock is the date of the embedded EPV export: label validity in the
// index does not depend on the day the tests run.
var testClock = time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)

// epvOnce parses the embedded EPV export once per test binary.
var epvOnce = sync.OnceValues(func() ([]data.Supplier, error) {
	sups, _, err := crawler.SuppliersFromEPVCSV(bytes.NewReader(data.EmbeddedEPVCSV()), crawler.NormalizeOptions{})
	return sups, err
})

// epvSuppliers returns the real EPV companies as the crawler normalises
// them (a fresh copy for each caller).
func epvSuppliers(t testing.TB) []data.Supplier {
	t.Helper()
	sups, err := epvOnce()
	if err != nil {
		t.Fatalf("loading the EPV export: %v", err)
	}
	if len(sups) < 1200 {
		t.Fatalf("EPV export gave %d suppliers, want about 1 290", len(sups))
	}
	return append([]data.Supplier(nil), sups...)
}

// newSearchServer is a Server on a temporary store filled with the real
// EPV companies (and extra ones), and an in-memory index built from it.
func newSearchServer(t testing.TB, cfg Config, extra ...data.Supplier) *testServer {
	t.Helper()
	return newSearchServerDeps(t, cfg, Deps{}, extra...)
}

// newSearchServerDeps is newSearchServer with services besides the store
// and the index (deps.Store and deps.Index are the test's own).
func newSearchServerDeps(t testing.TB, cfg Config, deps Deps, extra ...data.Supplier) *testServer {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "fabrique.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	res, err := st.UpsertCrawled(ctx, append(epvSuppliers(t), extra...), "crawler:epv")
	if err != nil {
		t.Fatalf("UpsertCrawled: %v", err)
	}
	if len(res.Rejected) > 0 {
		t.Logf("%d listings rejected by the store, first: %v", len(res.Rejected), res.Rejected[0])
	}
	ix, err := index.Open("", index.Options{Now: func() time.Time { return testClock }})
	if err != nil {
		t.Fatalf("index.Open: %v", err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if _, _, err := ix.EnsureConsistent(ctx, st, nil); err != nil {
		t.Fatalf("EnsureConsistent: %v", err)
	}
	logs := &syncBuffer{}
	if cfg.Now == nil { // pages and the index decide label states on one day
		cfg.Now = func() time.Time { return testClock }
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	deps.Store, deps.Index = st, ix
	s, err := New(cfg, deps)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &testServer{Server: s, store: st, log: logs}
}

// decodeJSON decodes a response body into v, failing the test otherwise.
func decodeJSON(t testing.TB, r response, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("body is not the JSON expected (%v):\n%.500s", err, r.body)
	}
}

// parseHTML parses a page for assertions on its structure.
func parseHTML(t testing.TB, r response) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatalf("parsing the page: %v", err)
	}
	return doc
}

// getPage gets target, fails unless it answers status, and returns the
// page parsed with its body.
func getPage(t testing.TB, s *testServer, target string, status int) (*goquery.Document, string) {
	t.Helper()
	r := s.get(t, target)
	if r.status != status {
		t.Fatalf("GET %s = %d, want %d", target, r.status, status)
	}
	return parseHTML(t, r), r.body
}

// texts returns the text of every element matching sel, as textOf.
func texts(doc *goquery.Document, sel string) []string {
	var out []string
	doc.Find(sel).Each(func(_ int, s *goquery.Selection) {
		out = append(out, textOf(s))
	})
	return out
}

// textOf is the text of a selection as a reader sees it: inline elements
// run on, block elements and table cells are separated by a space, and
// every run of white space (no-break spaces included) is one space.
func textOf(s *goquery.Selection) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.Data {
			case "script", "style", "title", "desc":
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode && blockElements[n.Data] {
			b.WriteByte(' ')
		}
	}
	for _, n := range s.Nodes {
		walk(n)
	}
	return normSpace(b.String())
}

// blockElements end with a separator in textOf.
var blockElements = map[string]bool{"p": true, "div": true, "li": true, "dt": true, "dd": true, "td": true,
	"th": true, "tr": true, "h1": true, "h2": true, "h3": true, "br": true, "section": true, "ul": true, "ol": true}

// normSpace squeezes every run of white space into one ASCII space.
func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
