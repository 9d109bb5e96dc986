package web

import (
	"hash/maphash"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// RateLimit bounds the requests each client (its address, as clientAddr
// tells it: behind a trusted proxy, the client's, not the proxy's) may send
// to the JSON API, as a token bucket: Burst requests at once, then PerSecond.
// The zero value means 20 requests per second with bursts of 40.
type RateLimit struct {
	// PerSecond is the sustained rate per client (default 20). A negative
	// value disables the limit (load tests, a trusted reverse proxy that
	// limits itself).
	PerSecond float64
	// Burst is how many requests a client may send at once (default
	// 2×PerSecond, at least 1).
	Burst int
	// MaxClients bounds the number of clients tracked at once (default
	// 100 000); beyond it, the buckets idle the longest are forgotten, which
	// can only ever let a client through, never block one wrongly.
	MaxClients int
}

const (
	defaultRatePerSecond = 20
	defaultMaxClients    = 100_000
	// limiterShards spreads the buckets over independent locks so that
	// concurrent API requests do not queue on one mutex.
	limiterShards = 32
)

func (r RateLimit) withDefaults() RateLimit {
	if r.PerSecond == 0 {
		r.PerSecond = defaultRatePerSecond
	}
	if r.Burst <= 0 {
		r.Burst = max(1, int(math.Ceil(2*r.PerSecond)))
	}
	if r.MaxClients <= 0 {
		r.MaxClients = defaultMaxClients
	}
	return r
}

// rateLimiter holds one token bucket per client key.
type rateLimiter struct {
	rate     float64 // tokens per second
	burst    float64
	perShard int
	now      func() time.Time
	seed     maphash.Seed
	shards   [limiterShards]limiterShard
}

type limiterShard struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was last computed
}

// newRateLimiter returns nil when the limit is disabled.
func newRateLimiter(cfg RateLimit, now func() time.Time) *rateLimiter {
	cfg = cfg.withDefaults()
	if cfg.PerSecond < 0 {
		return nil
	}
	if now == nil {
		now = time.Now
	}
	l := &rateLimiter{rate: cfg.PerSecond, burst: float64(cfg.Burst),
		perShard: max(1, cfg.MaxClients/limiterShards), now: now, seed: maphash.MakeSeed()}
	for i := range l.shards {
		l.shards[i].buckets = map[string]*bucket{}
	}
	return l
}

// allow takes a token from key's bucket. When the bucket is empty it
// returns false and how long until a token is back.
func (l *rateLimiter) allow(key string) (bool, time.Duration) {
	sh := &l.shards[maphash.String(l.seed, key)%limiterShards]
	now := l.now()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	b, ok := sh.buckets[key]
	if !ok {
		if len(sh.buckets) >= l.perShard {
			l.evict(sh, now)
		}
		b = &bucket{tokens: l.burst, at: now}
		sh.buckets[key] = b
	}
	if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		b.tokens = min(l.burst, b.tokens+elapsed*l.rate)
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// evict forgets the buckets that have refilled (their client would get a
// full bucket anyway); if none has, it forgets half of the shard, the
// buckets idle the longest being most likely among them.
func (l *rateLimiter) evict(sh *limiterShard, now time.Time) {
	full := time.Duration(l.burst / l.rate * float64(time.Second))
	for k, b := range sh.buckets {
		if now.Sub(b.at) >= full {
			delete(sh.buckets, k)
		}
	}
	if len(sh.buckets) < l.perShard {
		return
	}
	var oldest time.Time
	for _, b := range sh.buckets {
		if oldest.IsZero() || b.at.Before(oldest) {
			oldest = b.at
		}
	}
	cut := oldest.Add(now.Sub(oldest) / 2)
	for k, b := range sh.buckets {
		if !b.at.After(cut) {
			delete(sh.buckets, k)
		}
	}
}

// rateLimit is the middleware of the JSON API: a client over its budget
// gets 429 Too Many Requests with Retry-After (whole seconds, at least 1).
func (s *Server) rateLimit(c *fiber.Ctx) error {
	if s.limiter == nil {
		return c.Next()
	}
	ok, wait := s.limiter.allow(s.clientAddr(c))
	if ok {
		return c.Next()
	}
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	return fiber.NewError(fiber.StatusTooManyRequests, "web: rate limit exceeded")
}
