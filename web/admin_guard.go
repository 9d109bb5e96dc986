package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"hash/maphash"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// The admin token guards a download of the whole store: it must resist
// guessing (CheckAdminToken), its comparison must not leak its length
// (digests of a fixed size are compared), and a client that keeps sending
// wrong tokens is slowed down (adminFailures, per client address).

const (
	// MinAdminTokenLength is the shortest admin token accepted: 32
	// characters, e.g. `openssl rand -hex 16`.
	MinAdminTokenLength = 32
	// minAdminTokenBits is the least estimated entropy of a token: its
	// length times the Shannon entropy of its characters (a 32-character
	// random hex token measures about 110 bits).
	minAdminTokenBits = 96
	// adminFailureBurst wrong tokens are answered at once; then one more
	// every adminFailureEvery, per client address.
	adminFailureBurst = 5
	adminFailureEvery = 10 * time.Second
)

// CheckAdminToken refuses a token too weak to guard the admin routes:
// shorter than MinAdminTokenLength, made of a repeated pattern, or of too
// few distinct characters. The error is a *data.ValidationError whose
// Message is French, for the command line.
// The empty token (admin routes disabled) is accepted.
func CheckAdminToken(token string) error {
	if token == "" {
		return nil
	}
	n := utf8.RuneCountInString(token)
	weak := func(why string) error {
		return &data.ValidationError{Field: "admin token", Message: fmt.Sprintf(
			"jeton d'administration trop faible (%s) : il en faut un d'au moins %d caractères aléatoires, par exemple « openssl rand -hex 16 »",
			why, MinAdminTokenLength)}
	}
	if n < MinAdminTokenLength {
		return weak(fmt.Sprintf("%d caractères", n))
	}
	if strings.TrimSpace(token) != token {
		return weak("espaces au début ou à la fin")
	}
	if p := period(token); p < len(token) {
		return weak(fmt.Sprintf("motif de %d caractères répété", p))
	}
	if bits := entropyBits(token); bits < minAdminTokenBits {
		return weak(fmt.Sprintf("entropie estimée %.0f bits, %d au moins", bits, minAdminTokenBits))
	}
	return nil
}

// period is the length of the shortest prefix whose repetition makes s
// ("abcabcabc" → 3); len(s) when there is none.
func period(s string) int {
	for p := 1; p <= len(s)/2; p++ {
		if len(s)%p == 0 && strings.Repeat(s[:p], len(s)/p) == s {
			return p
		}
	}
	return len(s)
}

// entropyBits estimates the entropy of s from its character frequencies.
func entropyBits(s string) float64 {
	counts := map[rune]int{}
	n := 0
	for _, r := range s {
		counts[r]++
		n++
	}
	h := 0.0
	for _, c := range counts {
		p := float64(c) / float64(n)
		h -= p * math.Log2(p)
	}
	return h * float64(n)
}

// adminDigest is what a token is compared as: every digest has the same
// length, so the comparison's time says nothing of the token's length.
func adminDigest(token string) [sha256.Size]byte { return sha256.Sum256([]byte(token)) }

// requireAdminToken checks the bearer token of an admin route. A client that
// sent too many wrong tokens gets 429 with Retry-After, whatever it sends,
// until its budget refills.
//
// The budget is per client address as clientAddr tells it, so that behind
// a trusted proxy one outside guesser does not block everyone the proxy
// relays, nor the local backup job that calls 127.0.0.1 with the right
// token. The right token does not get through a throttled address: if it
// did, a guesser would tell its right guess (200) from the wrong ones
// (429) at full speed, and the throttle would slow nothing. Only clients
// sharing the guesser's address wait with it.
func (s *Server) requireAdminToken(c *fiber.Ctx) error {
	if s.cfg.AdminToken == "" {
		return fmt.Errorf("web: admin routes are disabled: %w", data.ErrNotFound)
	}
	addr := s.clientAddr(c)
	if wait := s.adminFailures.exhausted(addr); wait > 0 {
		setRetryAfter(c, wait)
		return fiber.NewError(fiber.StatusTooManyRequests, "web: too many wrong admin tokens")
	}
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	got, want := adminDigest(token), s.adminDigest
	if !ok || subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		if c.Get(fiber.HeaderAuthorization) != "" {
			s.adminFailures.allow(addr) // only a wrong token spends the budget
			s.cfg.Logger.WarnContext(c.UserContext(), "wrong admin token", "ip", addr)
		}
		return fmt.Errorf("web: admin token missing or wrong: %w", data.ErrUnauthorized)
	}
	return nil
}

// newAdminFailures is the budget of wrong admin tokens per client.
func newAdminFailures(now func() time.Time) *rateLimiter {
	return newRateLimiter(RateLimit{PerSecond: 1 / adminFailureEvery.Seconds(), Burst: adminFailureBurst, MaxClients: 10_000}, now)
}

// exhausted reports, without spending anything, how long until key's
// bucket holds a token again: 0 when it holds one now.
func (l *rateLimiter) exhausted(key string) time.Duration {
	sh := &l.shards[maphash.String(l.seed, key)%limiterShards]
	now := l.now()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	b, ok := sh.buckets[key]
	if !ok {
		return 0
	}
	tokens := min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	if tokens >= 1 {
		return 0
	}
	return time.Duration((1 - tokens) / l.rate * float64(time.Second))
}
