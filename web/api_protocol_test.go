package web

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// rawExchange sends raw bytes to addr ("127.0.0.1:PORT") over a real TCP
// connection and reads one HTTP answer: what fasthttp does before fiber's
// handlers run can only be seen this way.
func rawExchange(t *testing.T, addr, request string) response {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(15 * time.Second))
	go func() { _, _ = io.WriteString(conn, request) }() // the server may answer before reading it all
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer to %.80q: %v", request, err)
	}
	return readAnswer(t, fmt.Sprintf("%.80q", request), resp)
}

// chunkedBody encodes n bytes of JSON-ish filler in chunks of 64 KiB.
func chunkedBody(n int) string {
	var b strings.Builder
	chunk := strings.Repeat("a", 64<<10)
	for n > 0 {
		c := chunk[:min(n, len(chunk))]
		fmt.Fprintf(&b, "%x\r\n%s\r\n", len(c), c)
		n -= len(c)
	}
	b.WriteString("0\r\n\r\n")
	return b.String()
}

// TestAPIErrorsAreJSONWhateverTheLayer sends, over real TCP connections,
// the requests that fail in fasthttp, in fiber's router, in the rate limit
// and in a handler, and expects each answer under /api/ to be the API's JSON
// error — and the pages' HTML elsewhere.
func TestAPIErrorsAreJSONWhateverTheLayer(t *testing.T) {
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}})
	s.app.Get("/api/v1/test-panic", func(*fiber.Ctx) error { panic("boom") })
	s.app.Get("/test-panic", func(*fiber.Ctx) error { panic("boom") })
	addr := strings.TrimPrefix(s.serveLoopback(t), "http://")
	limited := newTestServer(t, Config{RateLimit: RateLimit{PerSecond: 0.001, Burst: 1}})
	limitedAddr := strings.TrimPrefix(limited.serveLoopback(t), "http://")
	rawExchange(t, limitedAddr, "GET /api/v1/cpv?q=45 HTTP/1.1\r\nHost: x\r\n\r\n") // the only token

	longQuery := "q=" + strings.Repeat("menuiserie+", 800) // ~8.8 KB: past fasthttp's 4 KiB read buffer
	tests := []struct {
		name     string
		addr     string // default addr
		request  string
		status   int
		wantJSON bool
	}{
		{"long query string under /api", "", "GET /api/v1/suppliers?" + longQuery + " HTTP/1.1\r\nHost: x\r\n\r\n", http.StatusRequestHeaderFieldsTooLarge, true},
		{"long header under /api", "", "GET /api/v1/suppliers HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 9000) + "\r\n\r\n", http.StatusRequestHeaderFieldsTooLarge, true},
		{"long query string of a page", "", "GET /recherche?" + longQuery + " HTTP/1.1\r\nHost: x\r\n\r\n", http.StatusRequestHeaderFieldsTooLarge, false},
		{"chunked body over the limit", "", "POST /api/v1/match HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedBody(defaultBodyLimit+1<<20), http.StatusRequestEntityTooLarge, true},
		{"declared body over the limit", "", fmt.Sprintf("POST /api/v1/match HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", defaultBodyLimit+1<<20), http.StatusRequestEntityTooLarge, true},
		{"unknown API route", "", "GET /api/v1/nope HTTP/1.1\r\nHost: x\r\n\r\n", http.StatusNotFound, true},
		{"method not allowed", "", "DELETE /api/v1/cpv HTTP/1.1\r\nHost: x\r\n\r\n", http.StatusMethodNotAllowed, true},
		{"panic in an API handler", "", "GET /api/v1/test-panic HTTP/1.1\r\nHost: x\r\n\r\n", http.StatusInternalServerError, true},
		{"panic in a page", "", "GET /test-panic HTTP/1.1\r\nHost: x\r\n\r\n", http.StatusInternalServerError, false},
		{"rate limited", limitedAddr, "GET /api/v1/cpv?q=45 HTTP/1.1\r\nHost: x\r\n\r\n", http.StatusTooManyRequests, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			to := addr
			if tt.addr != "" {
				to = tt.addr
			}
			r := rawExchange(t, to, tt.request)
			if r.status != tt.status {
				t.Errorf("status = %d, want %d; body %.200q", r.status, tt.status, r.body)
			}
			ct := r.header.Get("Content-Type")
			if !tt.wantJSON {
				if !strings.HasPrefix(ct, "text/html") {
					t.Errorf("Content-Type = %q, want an HTML page", ct)
				}
				return
			}
			var e struct {
				Error string `json:"error"`
			}
			if !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error == "" {
				t.Errorf("body = %.200q, want {\"error\": \"…\"} (%v)", r.body, err)
			}
		})
	}
}

// TestTooLongSearchIsExplained: a search too long for fasthttp's read
// buffer (431, before any handler) says in French that the search is too
// long and what the limit is, as a page or as the API's JSON; too many
// headers are not blamed on the search.
func TestTooLongSearchIsExplained(t *testing.T) {
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}})
	addr := strings.TrimPrefix(s.serveLoopback(t), "http://")
	long := "q=" + strings.Repeat("menuiserie+", 800) // the ~9 000 characters of the QA report
	for _, tt := range []struct {
		name, request string
		json          bool
		want          []string
	}{
		{"page", "GET /recherche?" + long + " HTTP/1.1\r\nHost: x\r\n\r\n", false,
			[]string{"Recherche trop longue", "La recherche est trop longue", "limitée à 200 caractères", "4 096 caractères"}},
		{"API", "GET /api/v1/suppliers?" + long + " HTTP/1.1\r\nHost: x\r\n\r\n", true,
			[]string{"La recherche est trop longue", "limitée à 200 caractères"}},
		{"headers", "GET /recherche?q=bois HTTP/1.1\r\nHost: x\r\nCookie: c=" + strings.Repeat("b", 9000) + "\r\n\r\n", false,
			[]string{"Demande trop longue", "en-têtes", "4 096 octets"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := rawExchange(t, addr, tt.request)
			if r.status != http.StatusRequestHeaderFieldsTooLarge {
				t.Fatalf("status %d, want 431", r.status)
			}
			body := r.body
			if tt.json {
				var e struct{ Error string }
				if err := json.Unmarshal([]byte(r.body), &e); err != nil {
					t.Fatalf("body %.200q: %v", r.body, err)
				}
				body = e.Error
			}
			body = strings.ReplaceAll(strings.ReplaceAll(body, "\u202f", " "), "&#39;", "'")
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("answer lacks %q: %.600s", w, body)
				}
			}
			if strings.Contains(body, "n'a pas pu aboutir") {
				t.Errorf("answer is the generic one: %.300s", body)
			}
			if tt.name == "headers" && strings.Contains(body, "recherche est trop longue") {
				t.Errorf("headers blamed on the search: %.300s", body)
			}
		})
	}
}
