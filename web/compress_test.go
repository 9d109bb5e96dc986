package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// decode undoes the Content-Encoding of an answer.
func decode(t testing.TB, r response) string {
	t.Helper()
	switch enc := r.header.Get("Content-Encoding"); enc {
	case "":
		return r.body
	case "br":
		b, err := fasthttp.AppendUnbrotliBytes(nil, []byte(r.body))
		if err != nil {
			t.Fatalf("brotli: %v", err)
		}
		return string(b)
	case "gzip":
		zr, err := gzip.NewReader(strings.NewReader(r.body))
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("gzip: %v", err)
		}
		return string(b)
	default:
		t.Fatalf("unexpected Content-Encoding %q", enc)
	}
	return ""
}

// assetRe finds the assets a page loads.
var assetRe = regexp.MustCompile(`\s(?:href|src)="(/static/[^"#]+)`)

// firstLoad fetches a page and every asset it references with the given
// Accept-Encoding and returns the bytes transferred and the page decoded.
func firstLoad(t testing.TB, s *testServer, target, accept string) (int, string) {
	t.Helper()
	r := s.get(t, target, "Accept-Encoding", accept)
	if r.status != 200 {
		t.Fatalf("%s: status %d", target, r.status)
	}
	page := decode(t, r)
	total := len(r.body)
	seen := map[string]bool{}
	for _, m := range assetRe.FindAllStringSubmatch(page, -1) {
		if seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		a := s.get(t, m[1], "Accept-Encoding", accept)
		if a.status != 200 {
			t.Fatalf("%s: status %d", m[1], a.status)
		}
		total += len(a.body)
		if testing.Verbose() {
			t.Logf("  %s: %d bytes", m[1], len(a.body))
		}
	}
	return total, page
}

func TestCompression(t *testing.T) {
	s := newSearchServer(t, Config{})
	const target = "/recherche?q=menuiserie"
	plain, want := firstLoad(t, s, target, "")

	for _, accept := range []string{"br", "gzip", "gzip, deflate, br"} {
		t.Run(accept, func(t *testing.T) {
			r := s.get(t, target, "Accept-Encoding", accept)
			wantEnc := "gzip"
			if strings.Contains(accept, "br") {
				wantEnc = "br"
			}
			if got := r.header.Get("Content-Encoding"); got != wantEnc {
				t.Fatalf("page Content-Encoding = %q, want %q", got, wantEnc)
			}
			// The page carries a per-request token (CSRF): compare the results.
			if got, w := resultsOf(t, decode(t, r)), resultsOf(t, want); got != w || got == "" {
				t.Errorf("decoded results differ from the plain ones")
			}
			total, _ := firstLoad(t, s, target, accept)
			t.Logf("%s first load: %d bytes compressed, %d plain", target, total, plain)
			if total >= 40<<10 {
				t.Errorf("first load of %s = %d bytes with %s, want under 40 KB", target, total, accept)
			}
		})
	}

	t.Run("cached API answers are sent compressed", func(t *testing.T) {
		var bodies []string
		for i := 0; i < 2; i++ { // the second comes from the answer cache
			r := s.get(t, "/api/v1/suppliers?q=menuiserie", "Accept-Encoding", "gzip")
			if r.header.Get("Content-Encoding") != "gzip" || !strings.Contains(r.header.Get("Vary"), "Accept-Encoding") {
				t.Fatalf("answer %d: encoding %q vary %q", i, r.header.Get("Content-Encoding"), r.header.Get("Vary"))
			}
			bodies = append(bodies, decode(t, r))
		}
		plain := s.get(t, "/api/v1/suppliers?q=menuiserie")
		if plain.header.Get("Content-Encoding") != "" || bodies[0] != plain.body || bodies[1] != plain.body {
			t.Errorf("compressed answers differ from the plain one")
		}
	})

	t.Run("assets", func(t *testing.T) {
		u, err := s.assets.URL("app.css")
		if err != nil {
			t.Fatal(err)
		}
		r := s.get(t, u, "Accept-Encoding", "br")
		css, _ := staticFiles.ReadFile("static/app.css")
		if r.header.Get("Content-Encoding") != "br" || decode(t, r) != string(css) || len(r.body) > len(css)/3 {
			t.Errorf("app.css: encoding %q, %d bytes for %d", r.header.Get("Content-Encoding"), len(r.body), len(css))
		}
		if r := s.get(t, u); r.header.Get("Content-Encoding") != "" || !bytes.Equal([]byte(r.body), css) {
			t.Error("app.css without Accept-Encoding is not sent as is")
		}
	})
}

// resultsOf is the HTML of a page's result list.
func resultsOf(t testing.TB, page string) string {
	t.Helper()
	i := strings.Index(page, `<ol class="results-list">`)
	j := strings.Index(page, "</ol>")
	if i < 0 || j < i {
		return ""
	}
	return page[i:j]
}
