package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestServeTrustsOnlyTheListedProxies: serve passes --trusted-proxies to
// the server: a connection from elsewhere (here loopback, where the list
// names another host) saying https gets no Secure cookie.
func TestServeTrustsOnlyTheListedProxies(t *testing.T) {
	s := startServe(t, env("FABRIQUE_BEHIND_PROXY", "1"), "--data", t.TempDir(), "--trusted-proxies", "192.0.2.1, 10.0.0.0/8")
	req, _ := http.NewRequest(http.MethodGet, s.url+"connexion", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	cookies := strings.ToLower(strings.Join(resp.Header.Values("Set-Cookie"), "\n"))
	if cookies == "" || strings.Contains(cookies, "; secure") {
		t.Errorf("an unlisted connection saying https: cookies %q, want set and not Secure", cookies)
	}
}
