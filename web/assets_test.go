package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestAssetURLsAreContentHashed(t *testing.T) {
	s := newTestServer(t, Config{})
	tests := []struct {
		name     string
		pattern  string
		wantType string
	}{
		{"app.css", `^/static/app\.[0-9a-f]{12}\.css$`, "text/css"},
		{"favicon.svg", `^/static/favicon\.[0-9a-f]{12}\.svg$`, "image/svg+xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url, err := s.assets.URL(tt.name)
			if err != nil {
				t.Fatalf("URL(%q): %v", tt.name, err)
			}
			if !regexp.MustCompile(tt.pattern).MatchString(url) {
				t.Fatalf("URL(%q) = %q, want it to match %s", tt.name, url, tt.pattern)
			}
			r := s.get(t, url)
			if r.status != http.StatusOK {
				t.Fatalf("GET %s = %d, want 200", url, r.status)
			}
			sum := sha256.Sum256([]byte(r.body))
			if want := hex.EncodeToString(sum[:])[:hashLen]; !strings.Contains(url, "."+want+".") {
				t.Errorf("URL %s does not carry the hash of the content served (%s)", url, want)
			}
			if got := r.header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control = %q, want a one-year immutable cache", got)
			}
			if got := r.header.Get("Content-Type"); !strings.HasPrefix(got, tt.wantType) {
				t.Errorf("Content-Type = %q, want %s", got, tt.wantType)
			}
		})
	}
}

func TestStaleOrUnhashedAssetsAreNotFound(t *testing.T) {
	s := newTestServer(t, Config{})
	for _, path := range []string{"/static/app.css", "/static/app.000000000000.css", "/static/../render.go"} {
		r := s.get(t, path)
		if r.status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, r.status)
		}
		if r.header.Get("Cache-Control") == immutableCache {
			t.Errorf("GET %s: a missing asset must not be cached for a year", path)
		}
	}
}

func TestPagesLinkHashedAssets(t *testing.T) {
	s := newTestServer(t, Config{})
	css, _ := s.assets.URL("app.css")
	r := s.get(t, "/")
	if want := `<link rel="stylesheet" href="` + css + `">`; !strings.Contains(r.body, want) {
		t.Errorf("home page lacks %q", want)
	}
}

func TestHashedNameChangesWithContent(t *testing.T) {
	a := hashedName("app.css", []byte("body{}"))
	b := hashedName("app.css", []byte("body{color:red}"))
	if a == b {
		t.Errorf("hashedName gave %q for two different contents", a)
	}
	if !strings.HasPrefix(a, "app.") || !strings.HasSuffix(a, ".css") {
		t.Errorf("hashedName = %q, want app.<hash>.css", a)
	}
}

func TestUnknownAssetIsAnError(t *testing.T) {
	s := newTestServer(t, Config{})
	if _, err := s.assets.URL("missing.js"); err == nil {
		t.Error(`URL("missing.js") returned no error`)
	}
}
