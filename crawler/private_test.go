package crawler_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fabrique/crawler"
)

// TestHostileRedirectToPrivateAddress: a directory page that redirects
// the crawler to a private, link-local (cloud metadata) or loopback
// address, on the source's own port or the default one, is refused before
// any connection (the host is not one of the source's), reported as a
// failed page of the source, and the crawl goes on with the other pages.
// (A source's own host name is trusted to resolve where its operator
// means: the sources are configuration, never user input.)
func TestHostileRedirectToPrivateAddress(t *testing.T) {
	for _, target := range []string{
		"http://169.254.169.254/latest/meta-data/",
		"http://169.254.169.254:{port}/latest/meta-data/",
		"http://10.0.0.1:{port}/admin",
		"http://127.0.0.2:{port}/fiche",
		"http://[::1]:{port}/fiche",
		"http://localhost:{port}/fiche",
	} {
		t.Run(target, func(t *testing.T) {
			var srv *httptest.Server
			srv = newSite(t, map[string]http.HandlerFunc{
				"/liste":  html(listing("/fiche1", "/fiche2")),
				"/fiche1": goodFiche,
				"/fiche2": func(w http.ResponseWriter, r *http.Request) {
					port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
					http.Redirect(w, r, strings.ReplaceAll(target, "{port}", port), http.StatusFound)
				},
			})
			crawlHostile(t, hostileConfig(t, srv), crawler.FailDomain, "/fiche2")
		})
	}
}

// TestHostileGiganticSitemap: a sitemap that never ends (a stream of
// <url> entries with no length announced) is cut at the page size limit,
// reported as too large, and the crawl goes on with its other pages.
func TestHostileGiganticSitemap(t *testing.T) {
	var srv *httptest.Server
	srv = newSite(t, map[string]http.HandlerFunc{
		"/liste":  html(listing("/fiche1")),
		"/fiche1": goodFiche,
		"/sitemap.xml": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			_, _ = io.WriteString(w, `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
			entry := []byte("<url><loc>" + srv.URL + "/fiche-sans-fin</loc></url>")
			for written := 0; written < 64<<20; written += len(entry) { // 64 MiB, or until the crawler hangs up
				if _, err := w.Write(entry); err != nil {
					return
				}
			}
		},
	})
	cfg := hostileConfig(t, srv)
	d := cfg.Sources["annuaire"]
	d.Start = append(d.Start, "{base_url}/sitemap.xml")
	d.Follow = append(d.Follow, crawler.Follow{Sitemap: true, Pattern: "^{base_url}/fiche"})
	crawlHostile(t, cfg, crawler.FailTooLarge, "/sitemap.xml")
	if n := hits(srv, "/fiche-sans-fin"); n != 0 {
		t.Errorf("a link of the cut sitemap was followed %d times", n)
	}
}
