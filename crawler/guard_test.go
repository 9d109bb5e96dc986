package crawler_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fabrique/crawler"
	"fabrique/data"
)

// Regression tests of issue 14's hostile crawl targets: an endless
// robots.txt, redirects to another port or scheme, trickling pages,
// errors that retries cannot fix, and chains of sitemap indexes.

// TestHostileEndlessRobots serves a robots.txt that never ends: the fetch
// stops reading it at the cap, quickly, the host's pages are reported
// failing (robots.txt is fetched once, not per page), and the crawl goes
// on with the other source.
func TestHostileEndlessRobots(t *testing.T) {
	var served atomic.Int64
	endless := newSite(t, map[string]http.HandlerFunc{
		"/robots.txt": func(w http.ResponseWriter, r *http.Request) {
			line := []byte("User-agent: *\nDisallow: /prive/\n")
			for r.Context().Err() == nil {
				n, err := w.Write(line)
				served.Add(int64(n))
				if err != nil {
					return
				}
			}
		},
		"/liste":  html(listing("/fiche1", "/fiche2")),
		"/fiche1": html(fiche("Jamais Lue", "75001", "")),
	})
	good := newSite(t, map[string]http.HandlerFunc{
		"/liste":  html(listing("/fiche1")),
		"/fiche1": goodFiche,
	})
	cfg := hostileConfig(t, good)
	cfg.Politeness.ReadTimeout = crawler.Duration(5 * time.Second) // the cap, not a timeout, must end it
	bad := *cfg.Sources["annuaire"]
	bad.Name, bad.BaseURL = "robots-sans-fin", endless.URL
	cfg.Sources[bad.Name] = &bad

	start := time.Now()
	run, mem := crawlHostileN(t, cfg, crawler.FailTooLarge, 1)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("crawl took %v with an endless robots.txt", took)
	}
	if n := served.Load(); n > 16<<20 {
		t.Errorf("%d MB of robots.txt were read", n>>20)
	}
	if n := hits(endless, "/robots.txt"); n != 1 {
		t.Errorf("robots.txt fetched %d times, want once", n)
	}
	if n := hits(endless, "/liste"); n != 0 {
		t.Errorf("a page of the host was fetched %d times without its robots.txt", n)
	}
	if !strings.Contains(fmt.Sprint(run.Errors), "robots.txt") {
		t.Errorf("the report does not name robots.txt: %+v", run.Errors)
	}
	supplierNamed(t, mem, "Forge Normale")
}

// fetchOnce fetches one URL with short timeouts and no delay.
func fetchOnce(t *testing.T, pol crawler.Politeness, allowed []string, u string) (*crawler.Page, *crawler.FetchError, time.Duration) {
	t.Helper()
	pol.NoDelay = true
	if pol.RetryBase == 0 {
		pol.RetryBase = crawler.Duration(10 * time.Millisecond)
	}
	f := crawler.NewFetcher(context.Background(), pol, allowed)
	start := time.Now()
	page, err := f.Fetch(context.Background(), u, data.PageState{})
	took := time.Since(start)
	if err == nil {
		return page, nil, took
	}
	fe, ok := err.(*crawler.FetchError)
	if !ok {
		t.Fatalf("Fetch(%s): %T %v, want a *FetchError", u, err, err)
	}
	return nil, fe, took
}

func TestHostileRedirectsKeepSchemeAndPort(t *testing.T) {
	other := newSite(t, map[string]http.HandlerFunc{"/ailleurs": goodFiche})
	otherHostPort := strings.TrimPrefix(other.URL, "http://")
	srv := newSite(t, map[string]http.HandlerFunc{
		"/autre-port": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+"/ailleurs", http.StatusFound)
		},
		"/gopher": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "gopher://"+otherHostPort+"/1", http.StatusFound)
		},
		"/https": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://"+otherHostPort+"/ailleurs", http.StatusFound)
		},
		"/meme-origine": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ici", http.StatusFound) },
		"/ici":          goodFiche,
	})
	srvHostPort := strings.TrimPrefix(srv.URL, "http://")
	pol := crawler.Politeness{MaxRetries: 3, ReadTimeout: crawler.Duration(2 * time.Second)}
	tests := []struct {
		name    string
		path    string
		allowed []string
		fail    string // "" for success
	}{
		{"same origin", "/meme-origine", nil, ""},
		{"another port of the host", "/autre-port", nil, crawler.FailRedirect},
		{"another port the source allows", "/autre-port", []string{srvHostPort, otherHostPort}, ""},
		{"to gopher", "/gopher", []string{srvHostPort, otherHostPort}, crawler.FailRedirect},
		{"to https on another port", "/https", []string{srvHostPort}, crawler.FailRedirect},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := hits(srv, tt.path)
			_, fe, _ := fetchOnce(t, pol, tt.allowed, srv.URL+tt.path)
			switch {
			case tt.fail == "" && fe != nil:
				t.Fatalf("fetch failed: %v", fe)
			case tt.fail != "" && (fe == nil || fe.Kind != tt.fail):
				t.Fatalf("fetch error %v, want kind %q", fe, tt.fail)
			}
			if n := hits(srv, tt.path) - before; n != 1 {
				t.Errorf("%s requested %d times, want once (a refused redirect is not retried)", tt.path, n)
			}
		})
	}
	if n := hits(other, "/ailleurs"); n != 1 {
		t.Errorf("the other port was reached %d times, want only when allowed", n)
	}
}

func TestHostileTricklingPage(t *testing.T) {
	srv := newSite(t, map[string]http.HandlerFunc{
		"/goutte": func(w http.ResponseWriter, r *http.Request) { // headers, then a byte now and then
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusOK)
			for r.Context().Err() == nil {
				_, _ = w.Write([]byte("<"))
				w.(http.Flusher).Flush()
				time.Sleep(50 * time.Millisecond)
			}
		},
		"/muet": func(w http.ResponseWriter, r *http.Request) { // never answers
			<-r.Context().Done()
		},
	})
	t.Run("trickling body: one try", func(t *testing.T) {
		pol := crawler.Politeness{MaxRetries: 3, ReadTimeout: crawler.Duration(300 * time.Millisecond)}
		_, fe, took := fetchOnce(t, pol, nil, srv.URL+"/goutte")
		if fe == nil || fe.Kind != crawler.FailTimeout {
			t.Fatalf("err %v, want a timeout", fe)
		}
		if n := hits(srv, "/goutte"); n != 1 || took > time.Second {
			t.Errorf("%d tries in %v, want one try of about 300 ms", n, took)
		}
	})
	t.Run("silent server: the page's time budget", func(t *testing.T) {
		pol := crawler.Politeness{MaxRetries: 10, ReadTimeout: crawler.Duration(300 * time.Millisecond),
			MaxPageTime: crawler.Duration(500 * time.Millisecond)}
		_, fe, took := fetchOnce(t, pol, nil, srv.URL+"/muet")
		if fe == nil || fe.Kind != crawler.FailTimeout {
			t.Fatalf("err %v, want a timeout", fe)
		}
		if took > 900*time.Millisecond {
			t.Errorf("gave up after %v (%d tries), want about the 500 ms budget", took, hits(srv, "/muet"))
		}
	})
}

func TestHostileClientErrorsAreNotRetried(t *testing.T) {
	status := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(code) }
	}
	srv := newSite(t, map[string]http.HandlerFunc{
		"/400": status(http.StatusBadRequest), "/403": status(http.StatusForbidden),
		"/404": status(http.StatusNotFound), "/408": status(http.StatusRequestTimeout),
		"/451": status(http.StatusUnavailableForLegalReasons), "/500": status(http.StatusInternalServerError),
	})
	tests := []struct {
		path  string
		tries int
	}{
		{"/400", 1}, {"/403", 1}, {"/404", 1}, {"/451", 1},
		{"/408", 3}, {"/500", 3}, // worth retrying: 1 + MaxRetries
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, fe, _ := fetchOnce(t, crawler.Politeness{MaxRetries: 2}, nil, srv.URL+tt.path)
			if fe == nil {
				t.Fatal("no error")
			}
			if n := hits(srv, tt.path); n != tt.tries {
				t.Errorf("%s tried %d times, want %d", tt.path, n, tt.tries)
			}
		})
	}
}

// TestHostileSitemapIndexChain follows a chain of sitemap indexes that
// never ends: it stops at the depth bound and reports it.
func TestHostileSitemapIndexChain(t *testing.T) {
	var srv *httptest.Server
	chain := func(w http.ResponseWriter, r *http.Request) {
		var n int
		_, _ = fmt.Sscanf(r.URL.Path, "/sitemap-%d.xml", &n)
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`+
			`<sitemap><loc>%s/sitemap-%d.xml</loc></sitemap></sitemapindex>`, srv.URL, n+1)
	}
	handlers := map[string]http.HandlerFunc{"/liste": html(listing("/fiche1")), "/fiche1": goodFiche}
	for i := range 50 {
		handlers[fmt.Sprintf("/sitemap-%d.xml", i)] = chain
	}
	srv = newSite(t, handlers)
	cfg := hostileConfig(t, srv)
	d := cfg.Sources["annuaire"]
	d.Start = append(d.Start, "{base_url}/sitemap-0.xml")
	d.Follow = append(d.Follow, crawler.Follow{Sitemap: true, Pattern: "^{base_url}/fiche"})
	run, _ := crawlHostile(t, cfg, crawler.FailSitemapDepth, "/sitemap-3.xml")
	if run.Complete {
		t.Error("run complete although sitemaps were left unread")
	}
	followed := 0
	for i := range 50 {
		followed += hits(srv, fmt.Sprintf("/sitemap-%d.xml", i))
	}
	if followed != 4 {
		t.Errorf("%d sitemap indexes fetched, want 4 (depth 0 to 3)", followed)
	}
}
