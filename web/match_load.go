package web

import (
	"context"
	"runtime"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Matching is the most expensive answer of the site: a need is ranked
// against hundreds of candidates read from the store. Two things keep it
// in bounds under load:
//
//   - the matcher scores its candidates from the store's compact match
//     profiles (data/store/matchprofile.go) instead of whole records, so
//     it needs no cache of decoded suppliers of its own;
//   - matchGate lets a few matches run at once; a request that finds no
//     free slot within a short wait is shed at once with 503 and
//     Retry-After instead of queueing for seconds behind the others.

const (
	// defaultMatchQueueWait is how long a match request waits for a slot.
	defaultMatchQueueWait = 250 * time.Millisecond
	// matchRetryAfter is the Retry-After of a shed request, in seconds.
	matchRetryAfter = 1
)

// defaultMatchConcurrency is the number of matches run at once by default:
// the matcher is CPU-bound, more would only share the cores.
func defaultMatchConcurrency() int { return max(2, runtime.GOMAXPROCS(0)) }

// matchGate bounds the matches running at once.
type matchGate struct {
	slots chan struct{}
	wait  time.Duration
}

func newMatchGate(concurrency int, wait time.Duration) *matchGate {
	if concurrency <= 0 {
		concurrency = defaultMatchConcurrency()
	}
	if wait <= 0 {
		wait = defaultMatchQueueWait
	}
	return &matchGate{slots: make(chan struct{}, concurrency), wait: wait}
}

// acquire takes a slot, waiting at most g.wait; it reports false when
// none was free in time (or ctx ended). release must follow a true.
func (g *matchGate) acquire(ctx context.Context) bool {
	select {
	case g.slots <- struct{}{}:
		return true
	default:
	}
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

func (g *matchGate) release() { <-g.slots }

// headerServerTiming is the W3C Server Timing header, which browsers'
// developer tools show beside the request.
const headerServerTiming = "Server-Timing"

// matchBusyNote replaces the ranking of a tender or need page when the
// matcher is saturated: the rest of the page is still worth showing.
const matchBusyNote = "Le classement des fournisseurs est momentanément indisponible (trop de demandes) : rechargez la page dans quelques secondes."

// shedMatches wraps a handler that runs the matcher: past saturation it
// answers 503 with Retry-After and the API's JSON error, at once. The
// shed answer says in Server-Timing how long it waited for a slot
// (« queue;dur=250.4 », in milliseconds): the server's own measure that it
// never queued, which a client's clock on a loaded machine cannot give.
func (s *Server) shedMatches(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		if !s.matchGate.acquire(c.UserContext()) {
			waited := float64(time.Since(start).Microseconds()) / 1000
			c.Set(headerServerTiming, "queue;dur="+strconv.FormatFloat(waited, 'f', 1, 64))
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(matchRetryAfter))
			c.Set(fiber.HeaderCacheControl, "no-store")
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{
				"error":      "Le service de rapprochement est saturé : réessayez dans une seconde.",
				"request_id": requestID(c)})
		}
		defer s.matchGate.release()
		return h(c)
	}
}
