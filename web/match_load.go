package web

import (
	"context"
	"runtime"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index"
)

// Matching is the most expensive answer of the site: a need is ranked
// against hundreds of candidates read from the store. Two things keep it
// in bounds under load:
//
//   - matchSource keeps the decoded candidates between requests (reading
//     and decoding them from bbolt was most of a match's time), for the
//     index version they were read at, so a write is never hidden;
//   - matchGate lets a few matches run at once; a request that finds no
//     free slot within a short wait is shed at once with 503 and
//     Retry-After instead of queueing for seconds behind the others.

const (
	// defaultMatchQueueWait is how long a match request waits for a slot.
	defaultMatchQueueWait = 250 * time.Millisecond
	// matchRetryAfter is the Retry-After of a shed request, in seconds.
	matchRetryAfter = 1
	// matchSupplierCacheSize bounds the decoded suppliers kept for the
	// matcher (a few kB each).
	matchSupplierCacheSize = 8192
)

// defaultMatchConcurrency is the number of matches run at once by default:
// the matcher is CPU-bound, more would only share the cores.
func defaultMatchConcurrency() int { return max(2, runtime.GOMAXPROCS(0)) }

// matchSource is the index.MatchSource of the web handlers: the store,
// with the suppliers it decoded kept per index version.
type matchSource struct {
	store     *store.Store
	suppliers *index.AnswerCache[data.Supplier] // nil: no cache
}

func newMatchSource(st *store.Store, ix *index.Index) *matchSource {
	return &matchSource{store: st, suppliers: index.NewAnswerCache[data.Supplier](ix, matchSupplierCacheSize)}
}

// Supplier returns the supplier as of the index's current version. The
// value shares its slices with the cache: the matcher only reads it.
func (m *matchSource) Supplier(ctx context.Context, id string) (data.Supplier, error) {
	cached, version, ok := m.suppliers.Lookup(id)
	if ok {
		return cached, nil
	}
	sup, err := m.store.Supplier(ctx, id)
	if err != nil {
		return sup, err
	}
	m.suppliers.Store(version, id, sup)
	return sup, nil
}

// MatchProfiles reads the store's match profiles: they cost a few
// microseconds each to decode, the cache is not worth it for them.
func (m *matchSource) MatchProfiles(ctx context.Context, ids []string, fn func(i int, s *data.Supplier) error) error {
	return m.store.MatchProfiles(ctx, ids, fn)
}

// AwardsBySIREN reads the store: awards do not move the index version.
func (m *matchSource) AwardsBySIREN(ctx context.Context, siren string) ([]data.Award, error) {
	return m.store.AwardsBySIREN(ctx, siren)
}

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

// matchBusyNote replaces the ranking of a tender or need page when the
// matcher is saturated: the rest of the page is still worth showing.
const matchBusyNote = "Le classement des fournisseurs est momentanément indisponible (trop de demandes) : rechargez la page dans quelques secondes."

// shedMatches wraps a handler that runs the matcher: past saturation it
// answers 503 with Retry-After and the API's JSON error, at once.
func (s *Server) shedMatches(h fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if !s.matchGate.acquire(c.UserContext()) {
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
