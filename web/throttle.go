package web

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// Throttling of the attempts that guess secrets or send mail: sign-in,
// sign-up, password reset, sign-in links, claims. Each action allows
// limit attempts per key (an account, a client address) within a sliding
// window; the attempt that reaches the limit, and all attempts until the
// oldest leaves the window, are refused with 429 and a retry delay.

// throttleRule is the budget of an action: the limit-th attempt within
// the window is refused (limit 10: nine wrong passwords a minute, the
// tenth gets 429).
type throttleRule struct {
	limit  int
	window time.Duration
}

// throttleRules lists the actions; an unknown action gets defaultThrottle.
func throttleRules() map[string]throttleRule {
	return map[string]throttleRule{
		"login":        {10, time.Minute},      // wrong passwords per account
		"login-addr":   {10, time.Minute},      // wrong passwords per client address
		"signup":       {20, time.Hour},        // sign-ups per client address
		"signup-email": {4, time.Hour},         // sign-ups per address typed
		"reset":        {6, time.Hour},         // reset mails per account address
		"reset-addr":   {20, time.Hour},        // reset requests per client address
		"signin-link":  {6, time.Hour},         // sign-in link mails per account address
		"signin-addr":  {20, time.Hour},        // sign-in link requests per client address
		"claim":        {10, time.Hour},        // claim attempts
		"claim-code":   {10, 10 * time.Minute}, // wrong claim codes
	}
}

var defaultThrottle = throttleRule{10, time.Minute}

// maxThrottleKeys bounds the memory of the throttle; beyond it, keys
// whose attempts have all left their window are forgotten first.
const maxThrottleKeys = 200_000

// throttler counts attempts per action and key, in memory.
type throttler struct {
	mu    sync.Mutex
	now   func() time.Time
	rules map[string]throttleRule
	hits  map[string][]time.Time // action|key → attempt times, oldest first
}

func newThrottler(now func() time.Time) *throttler {
	if now == nil {
		now = time.Now
	}
	return &throttler{now: now, rules: throttleRules(), hits: map[string][]time.Time{}}
}

func (t *throttler) rule(action string) throttleRule {
	if r, ok := t.rules[action]; ok {
		return r
	}
	return defaultThrottle
}

// live drops the attempts of k that left the window.
func (t *throttler) live(k string, r throttleRule, now time.Time) []time.Time {
	hs := t.hits[k]
	i := 0
	for i < len(hs) && now.Sub(hs[i]) >= r.window {
		i++
	}
	hs = hs[i:]
	if len(hs) == 0 {
		delete(t.hits, k)
	} else {
		t.hits[k] = hs
	}
	return hs
}

// wait returns how long until one more attempt is allowed (0: now).
func (t *throttler) wait(action, key string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	r, now := t.rule(action), t.now()
	hs := t.live(action+"|"+key, r, now)
	if len(hs) < r.limit-1 {
		return 0
	}
	return hs[len(hs)-(r.limit-1)].Add(r.window).Sub(now)
}

// hit records an attempt of key at action.
func (t *throttler) hit(action, key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r, now := t.rule(action), t.now()
	k := action + "|" + key
	hs := t.live(k, r, now)
	if len(t.hits) >= maxThrottleKeys {
		t.sweep(now)
	}
	hs = append(hs, now)
	if len(hs) > r.limit {
		hs = hs[len(hs)-r.limit:]
	}
	t.hits[k] = hs
}

// sweep forgets the keys without live attempts.
func (t *throttler) sweep(now time.Time) {
	for k, hs := range t.hits {
		action, _, _ := strings.Cut(k, "|")
		if r := t.rule(action); len(hs) == 0 || now.Sub(hs[len(hs)-1]) >= r.window {
			delete(t.hits, k)
		}
	}
}

// throttle records an attempt at action by key (an account id or
// address, a client address) and returns nil; or, when the attempt would
// be the limit-th within the window, records nothing and returns the error
// rendered as 429 « Trop de tentatives : réessayez dans N minutes » with
// Retry-After.
func (s *Server) throttle(c *fiber.Ctx, action, key string) error {
	if w := s.throttles.wait(action, key); w > 0 {
		return throttled(action, w)
	}
	s.throttles.hit(action, key)
	return nil
}

// throttledNow returns the refusal when key may not try action now,
// without counting an attempt: a sign-in checks it before the password,
// and counts only wrong passwords (failedAttempt).
func (s *Server) throttledNow(action, key string) error {
	if w := s.throttles.wait(action, key); w > 0 {
		return throttled(action, w)
	}
	return nil
}

func throttled(action string, wait time.Duration) error {
	mins := int((wait + time.Minute - 1) / time.Minute)
	unit := "minutes"
	if mins <= 1 {
		mins, unit = 1, "minute"
	}
	return &refusal{status: fiber.StatusTooManyRequests, retryAfter: wait,
		message: "Trop de tentatives : réessayez dans " + strconv.Itoa(mins) + " " + unit + ".",
		err:     fmt.Errorf("web: %s throttled for %s: %w", action, wait.Round(time.Second), data.ErrUnauthorized)}
}

// failedAttempt counts a failed attempt (a wrong password) of key.
func (s *Server) failedAttempt(action, key string) { s.throttles.hit(action, key) }
