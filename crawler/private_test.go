package crawler_test

import (
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
