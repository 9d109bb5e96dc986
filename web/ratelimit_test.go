package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestRateLimiterTokenBucket(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)}
	l := newRateLimiter(RateLimit{PerSecond: 2, Burst: 3}, clock.now)
	steps := []struct {
		name     string
		advance  time.Duration
		key      string
		wantOK   bool
		wantWait time.Duration
	}{
		{"burst 1", 0, "a", true, 0},
		{"burst 2", 0, "a", true, 0},
		{"burst 3", 0, "a", true, 0},
		{"bucket empty", 0, "a", false, 500 * time.Millisecond},
		{"another client has its own bucket", 0, "b", true, 0},
		{"half a token back", 250 * time.Millisecond, "a", false, 250 * time.Millisecond},
		{"one token back", 250 * time.Millisecond, "a", true, 0},
		{"empty again", 0, "a", false, 500 * time.Millisecond},
		{"idle long: full burst, not more", time.Hour, "a", true, 0},
		{"idle long 2", 0, "a", true, 0},
		{"idle long 3", 0, "a", true, 0},
		{"idle long 4 refused", 0, "a", false, 500 * time.Millisecond},
	}
	for _, s := range steps {
		clock.advance(s.advance)
		ok, wait := l.allow(s.key)
		if ok != s.wantOK || (wait-s.wantWait).Abs() > time.Millisecond {
			t.Errorf("%s: allow(%q) = %v, %v; want %v, %v", s.name, s.key, ok, wait, s.wantOK, s.wantWait)
		}
	}
}

func TestRateLimiterDefaultsAndDisabling(t *testing.T) {
	if l := newRateLimiter(RateLimit{PerSecond: -1}, nil); l != nil {
		t.Errorf("a negative rate should disable the limiter")
	}
	l := newRateLimiter(RateLimit{}, nil)
	if l.rate != 20 || l.burst != 40 {
		t.Errorf("defaults = %g/s burst %g, want 20/s burst 40", l.rate, l.burst)
	}
}

func TestRateLimiterForgetsIdleClientsFirst(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)}
	l := newRateLimiter(RateLimit{PerSecond: 1, Burst: 1, MaxClients: limiterShards}, clock.now) // one bucket per shard
	for i := range 10 * limiterShards {
		l.allow("client-" + strconv.Itoa(i))
		clock.advance(time.Millisecond)
	}
	total := 0
	for i := range l.shards {
		total += len(l.shards[i].buckets)
	}
	if total > 2*limiterShards {
		t.Errorf("%d buckets kept, want at most about MaxClients (%d)", total, limiterShards)
	}
	// A client just refused stays refused: eviction never resets a bucket
	// that has not refilled, unless the shard overflows with fresh ones.
	ok, _ := l.allow("hot")
	ok2, _ := l.allow("hot")
	if !ok || ok2 {
		t.Errorf("hot client: %v then %v, want allowed then refused", ok, ok2)
	}
}

func TestAPIRateLimitAnswers429WithRetryAfter(t *testing.T) {
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: 0.5, Burst: 3}})
	for i := range 3 {
		if r := s.get(t, "/api/v1/communes?q=lyo"); r.status != http.StatusOK {
			t.Fatalf("request %d = %d, want 200 within the burst", i+1, r.status)
		}
	}
	r := s.get(t, "/api/v1/suppliers?q=bois")
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("4th request = %d, want 429", r.status)
	}
	ra, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 2 {
		t.Errorf("Retry-After = %q, want 1 or 2 seconds (one token at 0.5/s)", r.header.Get("Retry-After"))
	}
	var body map[string]string
	if err := json.Unmarshal([]byte(r.body), &body); err != nil || body["error"] == "" {
		t.Errorf("429 body = %q, want {\"error\": \"…\"}", r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	// Pages are not limited: a buyer browsing is never refused.
	if r := s.get(t, "/recherche?q=bois"); r.status != http.StatusOK {
		t.Errorf("search page = %d while the API is limited, want 200", r.status)
	}
}

func BenchmarkRateLimiterAllow(b *testing.B) {
	l := newRateLimiter(RateLimit{PerSecond: 1e9, Burst: 1 << 30}, nil)
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = "192.0.2." + strconv.Itoa(i)
	}
	i := 0
	for b.Loop() {
		l.allow(keys[i%len(keys)])
		i++
	}
}
