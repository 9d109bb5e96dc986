package web

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"fabrique/data"
)

// TestTrustedProxies: with Config.TrustedProxies, the forwarding headers
// of a connection from another address are not believed — its
// X-Forwarded-For does not give it a budget of its own, its
// X-Forwarded-Proto does not make cookies Secure — and the client of a
// chain of trusted proxies is the last hop that is not one of them.
// Without the list, any connection's headers are believed, as before.
func TestTrustedProxies(t *testing.T) {
	const outsider, neighbour = "203.0.113.7", "198.51.100.9"
	slow := RateLimit{PerSecond: 0.001, Burst: 2}
	tests := []struct {
		name    string
		proxies []string
		// hops is what the proxy writes for the outsider once its budget
		// is spent; other is another client's header.
		hops, other string
		// otherOwnBudget: the other client is counted apart from the
		// outsider; secure: X-Forwarded-Proto: https makes cookies Secure.
		otherOwnBudget, secure bool
	}{
		{"any connection (no list)", nil, outsider, neighbour, true, true},
		{"the loopback proxy is listed", []string{"127.0.0.1"}, outsider, neighbour, true, true},
		{"the connection is not a listed proxy", []string{"192.0.2.1", "10.0.0.0/8"}, outsider, neighbour, false, false},
		{"a chain of listed proxies", []string{"::1", "127.0.0.0/8", "10.0.0.0/8"}, outsider + ", 10.1.2.3", neighbour + ", 10.1.2.3", true, true},
		{"an unlisted last hop is the client", nil, outsider, outsider + ", 10.1.2.3", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, Config{TrustProxy: true, TrustedProxies: tt.proxies, RateLimit: slow})
			base := s.serveLoopback(t)
			get := func(path string, header ...string) response { return httpGet(t, base+path, header...) }
			for range slow.Burst {
				get("/api/v1/openapi.json", "X-Forwarded-For", outsider)
			}
			if r := get("/api/v1/openapi.json", "X-Forwarded-For", tt.hops); r.status != http.StatusTooManyRequests {
				t.Fatalf("outsider past its budget (X-Forwarded-For %q) = %d, want 429", tt.hops, r.status)
			}
			want := http.StatusTooManyRequests
			if tt.otherOwnBudget {
				want = http.StatusOK
			}
			if r := get("/api/v1/openapi.json", "X-Forwarded-For", tt.other); r.status != want {
				t.Errorf("another client (X-Forwarded-For %q) = %d, want %d", tt.other, r.status, want)
			}
			r := get("/connexion", "X-Forwarded-Proto", "https")
			cookie := strings.ToLower(strings.Join(r.header.Values("Set-Cookie"), "\n"))
			if cookie == "" {
				t.Fatal("the sign-in page set no cookie")
			}
			if secure := strings.Contains(cookie, "; secure"); secure != tt.secure {
				t.Errorf("X-Forwarded-Proto: https gave a Secure cookie: %v, want %v (%s)", secure, tt.secure, cookie)
			}
		})
	}
}

func TestCheckTrustedProxies(t *testing.T) {
	if err := CheckTrustedProxies([]string{"127.0.0.1", " ::1 ", "10.0.0.0/8", "fd00::/8", "::ffff:192.0.2.1", ""}); err != nil {
		t.Errorf("valid addresses refused: %v", err)
	}
	for _, bad := range []string{"localhost", "10.0.0.0/33", "127.0.0.1:8080", "fe80::1%eth0"} {
		err := CheckTrustedProxies([]string{"127.0.0.1", bad})
		var ve *data.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(ve.Message, "« "+bad+" »") {
			t.Errorf("CheckTrustedProxies(%q) = %v, want a French message naming it", bad, err)
		}
	}
	if _, err := New(Config{TrustProxy: true, TrustedProxies: []string{"proxy.local"}}, Deps{Store: newTestServer(t, Config{}).store}); err == nil {
		t.Error("New accepted a trusted proxy that is no address")
	}
}
