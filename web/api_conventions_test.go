package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAPIConventions checks, over a real listener, the HTTP conventions
// of the API: ETag, CORS, Link.
func TestAPIConventions(t *testing.T) {
	const public = "https://fabrique.example.fr"
	cs := &contractServer{testServer: newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}, PublicURL: public})}
	cs.base = cs.serveLoopback(t)
	putTenders(t, cs.testServer, loadNotice(t, "cn_24_FRA_comments.xml"), loadNotice(t, "cn_24_FRA_script.xml"))
	t.Run("ETag", func(t *testing.T) { testAPIETag(t, cs) })
	t.Run("CORS", func(t *testing.T) { testAPICORS(t, cs) })
	t.Run("Link", func(t *testing.T) { testAPILinks(t, cs, public) })
}

// testAPIETag checks ETag and If-None-Match, on a handler's answer and on
// the encoded-answer cache of the supplier search.
func testAPIETag(t *testing.T, cs *contractServer) {
	tests := []struct{ name, target string }{
		{"search, computed then cached", "/api/v1/suppliers?q=menuiserie&per_page=5"},
		{"search, cached", "/api/v1/suppliers?q=menuiserie&per_page=5"},
		{"communes", "/api/v1/communes?q=lyo"},
		{"document", "/api/v1/openapi.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := cs.fetch(t, http.MethodGet, tt.target, "", []string{"Accept-Encoding", "identity"})
			etag := x.header.Get("ETag")
			if x.status != 200 || !strings.HasPrefix(etag, `"`) || len(etag) < 20 {
				t.Fatalf("GET %s = %d with ETag %q, want 200 and a strong ETag", tt.target, x.status, etag)
			}
			if want := strongETag([]byte(x.response.body)); etag != want {
				t.Errorf("ETag = %s, want the hash of the body %s", etag, want)
			}
			// A compressed answer is another representation: the same tag,
			// weak (RFC 9110, 8.8.1), still matched by If-None-Match.
			if z := cs.fetch(t, http.MethodGet, tt.target, "", []string{"Accept-Encoding", "br"}); z.header.Get("Content-Encoding") != "br" || z.header.Get("ETag") != "W/"+etag {
				t.Errorf("brotli answer: Content-Encoding %q, ETag %q; want br and W/%s", z.header.Get("Content-Encoding"), z.header.Get("ETag"), etag)
			}
			for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
				y := cs.fetch(t, http.MethodGet, tt.target, "", []string{"If-None-Match", inm, "Accept-Encoding", "identity"})
				if y.status != http.StatusNotModified || y.response.body != "" || y.header.Get("ETag") != etag {
					t.Errorf("If-None-Match: %s → %d, ETag %q, body %.50q; want 304, the same ETag, no body", inm, y.status, y.header.Get("ETag"), y.response.body)
				}
			}
			y := cs.fetch(t, http.MethodGet, tt.target, "", []string{"If-None-Match", `"stale"`, "Accept-Encoding", "identity"})
			if y.status != 200 || y.response.body != x.response.body {
				t.Errorf("a stale If-None-Match got %d, want 200 and the body", y.status)
			}
		})
	}
	other := cs.fetch(t, http.MethodGet, "/api/v1/suppliers?q=ferronnerie&per_page=5", "", nil)
	if other.header.Get("ETag") == cs.fetch(t, http.MethodGet, tests[0].target, "", nil).header.Get("ETag") {
		t.Error("two different answers share an ETag")
	}
	bad := cs.fetch(t, http.MethodGet, "/api/v1/suppliers?page=0", "", nil)
	post := cs.fetch(t, http.MethodPost, "/api/v1/match", `{"title":"menuiserie"}`, []string{"Content-Type", "application/json"})
	for _, x := range []exchange{bad, post} {
		if x.header.Get("ETag") != "" {
			t.Errorf("%s %s (%d) has an ETag", x.req.Method, x.req.URL.Path, x.status)
		}
	}
}

// testAPICORS checks that read-only routes are open to other origins,
// errors included, with their preflight; and that the match is not.
func testAPICORS(t *testing.T, cs *contractServer) {
	origin := []string{"Origin", "https://achats.example.fr"}
	tests := []struct {
		name, method, target string
		header               []string
		status               int
		open                 bool
	}{
		{"search", "GET", "/api/v1/suppliers?q=bois", origin, 200, true},
		{"an error of a read-only route", "GET", "/api/v1/suppliers?page=0", origin, 400, true},
		{"unknown API route", "GET", "/api/v1/nope", origin, 404, true},
		{"preflight of a read-only route", "OPTIONS", "/api/v1/tenders",
			append(origin, "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "if-none-match"), 204, true},
		{"preflight of the match", "OPTIONS", "/api/v1/match",
			append(origin, "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type"), 405, false},
		{"match", "POST", "/api/v1/match", append(origin, "Content-Type", "application/json"), 200, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := ""
			if tt.method == "POST" {
				body = `{"title":"menuiserie"}`
			}
			x := cs.fetch(t, tt.method, tt.target, body, tt.header)
			if x.status != tt.status {
				t.Errorf("status = %d, want %d", x.status, tt.status)
			}
			acao := x.header.Get("Access-Control-Allow-Origin")
			if tt.open && acao != "*" || !tt.open && acao != "" {
				t.Errorf("Access-Control-Allow-Origin = %q, open = %v", acao, tt.open)
			}
			if x.header.Get("Access-Control-Allow-Credentials") != "" {
				t.Error("credentials are allowed")
			}
			if tt.open && tt.method == "GET" && !strings.Contains(x.header.Get("Access-Control-Expose-Headers"), "ETag") {
				t.Errorf("Access-Control-Expose-Headers = %q, want ETag, Link, Retry-After", x.header.Get("Access-Control-Expose-Headers"))
			}
			if tt.open && tt.method == "OPTIONS" {
				if m := x.header.Get("Access-Control-Allow-Methods"); strings.Contains(m, "POST") || !strings.Contains(m, "GET") {
					t.Errorf("Access-Control-Allow-Methods = %q, want the read-only methods", m)
				}
				if h := x.header.Get("Access-Control-Allow-Headers"); !strings.Contains(h, "If-None-Match") {
					t.Errorf("Access-Control-Allow-Headers = %q, want If-None-Match", h)
				}
			}
		})
	}
}

// testAPILinks checks the Link headers of the paged answers.
func testAPILinks(t *testing.T, cs *contractServer, public string) {
	tests := []struct {
		name, target string
		want         []string // rel → page, "" when absent
	}{
		{"first page", "/api/v1/suppliers?q=bois&per_page=5", []string{"", "2"}},
		{"middle page", "/api/v1/suppliers?q=bois&per_page=5&page=3", []string{"2", "4"}},
		{"one page", "/api/v1/suppliers?q=zzzqqqxxwv", []string{"", ""}},
		{"past the last page", "/api/v1/suppliers?per_page=100&page=50", []string{"13", ""}}, // 1 291 companies
		{"tenders, first page", "/api/v1/tenders?state=all&per_page=1", []string{"", "2"}},
		{"tenders, last page", "/api/v1/tenders?state=all&per_page=1&page=2", []string{"1", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 2 { // computed, then from the supplier cache
				x := cs.fetch(t, http.MethodGet, tt.target, "", nil)
				if x.status != 200 {
					t.Fatalf("status %d: %.200s", x.status, x.response.body)
				}
				links := parseLinks(t, x.header.Get("Link"))
				for i, rel := range []string{"prev", "next"} {
					got := ""
					if u, ok := links[rel]; ok {
						if !strings.HasPrefix(u.String(), public+"/api/v1/") {
							t.Errorf("rel=%s <%s> is not an absolute URL of %s", rel, u, public)
						}
						got = u.Query().Get("page")
						want, _ := url.Parse(tt.target)
						q := want.Query()
						q.Set("page", got)
						if u.Query().Encode() != q.Encode() {
							t.Errorf("rel=%s query %s, want the request's with page changed (%s)", rel, u.RawQuery, q.Encode())
						}
					}
					if got != tt.want[i] {
						t.Errorf("rel=%s page %q, want %q (Link: %s)", rel, got, tt.want[i], x.header.Get("Link"))
					}
				}
			}
		})
	}
}

// parseLinks reads a Link header into rel → URL.
func parseLinks(t *testing.T, h string) map[string]*url.URL {
	t.Helper()
	out := map[string]*url.URL{}
	if h == "" {
		return out
	}
	for _, part := range strings.Split(h, ", ") {
		target, params, ok := strings.Cut(part, ">; ")
		if !ok || !strings.HasPrefix(target, "<") || !strings.HasPrefix(params, `rel="`) {
			t.Fatalf("malformed Link %q", h)
		}
		u, err := url.Parse(target[1:])
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(strings.TrimPrefix(params, `rel="`), `"`)] = u
	}
	return out
}
