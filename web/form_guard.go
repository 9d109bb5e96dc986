package web

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

// The HTML forms are open to anyone: nothing stops a script from posting
// needs in a loop. Three rules keep that in bounds (CSRF tokens are a
// separate middleware):
//
//   - every client (its address as clientAddr tells it) may post the
//     site's forms FormRateLimit times (default: bursts of 30, then one
//     every 2 s), and gets 429 with Retry-After beyond;
//   - a need's title and description are at most data.MaxNeedText
//     characters, as in the matching API (need_form.go), so a stored need
//     stays a few dozen kilobytes at most;
//   - needs are anonymous: each is kept NeedRetention after it was first
//     posted, then deleted by PruneNeeds (serve runs it every day).

const (
	defaultFormRatePerSecond = 0.5
	defaultFormBurst         = 30
	// NeedRetention is how long a need typed on the site is kept after it
	// was first posted; posting the same need again later stores it anew.
	NeedRetention = 180 * 24 * time.Hour
	// retentionActor signs the deletions of PruneNeeds in the audit log.
	retentionActor = "web:conservation"
)

// newFormLimiter is the per-client budget of form posts; nil when disabled.
func newFormLimiter(cfg RateLimit, now func() time.Time) *rateLimiter {
	if cfg.PerSecond == 0 {
		cfg.PerSecond = defaultFormRatePerSecond
		if cfg.Burst <= 0 {
			cfg.Burst = defaultFormBurst
		}
	}
	return newRateLimiter(cfg, now)
}

// limitForms is the middleware of the HTML forms: a POST outside the JSON
// API (which has its own limit) spends the client's budget.
func (s *Server) limitForms(c *fiber.Ctx) error {
	if s.formLimiter == nil || c.Method() != fiber.MethodPost || isAPI(c.Path()) {
		return c.Next()
	}
	if ok, wait := s.formLimiter.allow(s.clientAddr(c)); !ok {
		setRetryAfter(c, wait)
		return fiber.NewError(fiber.StatusTooManyRequests, "web: form post rate exceeded")
	}
	return c.Next()
}

// setRetryAfter tells a throttled client when to come back, in whole
// seconds, at least one.
func setRetryAfter(c *fiber.Ctx, wait time.Duration) {
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
}

// PruneNeeds deletes the needs posted more than NeedRetention before now
// and returns how many it deleted.
func (s *Server) PruneNeeds(ctx context.Context, now time.Time) (int, error) {
	return s.store.PruneTenders(ctx, needSource, now.Add(-NeedRetention), retentionActor)
}
