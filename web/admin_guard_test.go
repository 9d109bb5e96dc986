package web

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"fabrique/data"
)

// testAdminToken is a token as `openssl rand -hex 16` prints one.
const testAdminToken = "7f3a9c1e5b2d8f4a6c0e9b3d7a1f5c2e"

func TestCheckAdminToken(t *testing.T) {
	tests := []struct {
		name  string
		token string
		ok    bool
	}{
		{"empty: admin routes off", "", true},
		{"random hex, 32 characters", testAdminToken, true},
		{"random base64, 44 characters", "q8Zr0vJt3kXhYw9LmN2pB6sD1fG4aC7eU5iO+/RzTxQ=", true},
		{"one character", "x", false},
		{"a short password", "s3cret", false},
		{"31 random characters", testAdminToken[:31], false},
		{"one character repeated", strings.Repeat("a", 40), false},
		{"a pattern repeated", strings.Repeat("0123456789abcdef", 2), false},
		{"two symbols", "abbabaabbaababbabaabbaababbaabab", false},
		{"surrounding spaces", " " + testAdminToken + " ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckAdminToken(tt.token)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckAdminToken(%q) = %v, want ok=%v (entropy %.0f bits)", tt.token, err, tt.ok, entropyBits(tt.token))
			}
			if err != nil && (!errors.Is(err, data.ErrInvalid) || !strings.Contains(err.Error(), "openssl rand")) {
				t.Errorf("error %q: want ErrInvalid and a way to make a good token", err)
			}
		})
	}
}

func TestNewRefusesAWeakAdminToken(t *testing.T) {
	st := newTestServer(t, Config{}).store
	if _, err := New(Config{AdminToken: "s3cret"}, Deps{Store: st}); !errors.Is(err, data.ErrInvalid) {
		t.Fatalf("New with a 6-character admin token: err = %v, want ErrInvalid", err)
	}
}

// manualClock is a clock a test moves by hand.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *manualClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestAdminTokenFailuresAreThrottled(t *testing.T) {
	s := newTestServer(t, Config{AdminToken: testAdminToken})
	clock := &manualClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s.adminFailures = newAdminFailures(clock.now)
	wrong := []string{"Authorization", "Bearer " + strings.Repeat("0", 32)}
	right := []string{"Authorization", "Bearer " + testAdminToken}

	for i := range adminFailureBurst {
		if r := s.get(t, "/admin/backup", wrong...); r.status != http.StatusForbidden {
			t.Fatalf("wrong token #%d = %d, want 403", i+1, r.status)
		}
	}
	r := s.get(t, "/admin/backup", wrong...)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("wrong token #%d = %d (Retry-After %q), want 429 with Retry-After", adminFailureBurst+1, r.status, r.header.Get("Retry-After"))
	}
	// Once throttled, even the right token waits: a guesser learns nothing.
	if r := s.get(t, "/admin/backup", right...); r.status != http.StatusTooManyRequests {
		t.Fatalf("right token while throttled = %d, want 429", r.status)
	}
	// Requests without credentials do not spend the budget.
	clock.add(adminFailureEvery)
	for range 3 {
		if r := s.get(t, "/admin/backup"); r.status != http.StatusUnauthorized {
			t.Fatalf("no credentials = %d, want 401", r.status)
		}
	}
	if r := s.get(t, "/admin/backup", right...); r.status != http.StatusOK {
		t.Fatalf("right token after %s = %d, want 200", adminFailureEvery, r.status)
	}
}

func TestAdminDigestsHaveOneLength(t *testing.T) {
	a, b := adminDigest("x"), adminDigest(strings.Repeat("x", 1000))
	if len(a) != len(b) || a == b {
		t.Fatalf("digests of tokens of different lengths: %d and %d bytes, equal %v", len(a), len(b), a == b)
	}
}
