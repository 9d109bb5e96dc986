package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/observatory"
	"fabrique/data/store"
	"fabrique/index"
)

// The Alliance's observatory (/observatoire and /api/v1/stats/*). Its
// figures are aggregated from observatory.Facts, which one walk of the
// store builds; the facts are kept per store version and brought up to
// date in the background when the store moves, while requests keep being
// answered from the previous ones. Only the very first request waits for
// a build. The store's write paths report the ids they change
// (observatory_refresh.go): a refresh applies those (seconds apart), and
// a full walk runs only at the first build, when too much changed at
// once, when Apply cannot, and every fullRebuildEvery as a safety net.

// factsRefreshEvery bounds how often the facts are rebuilt while the store
// keeps changing (a crawl writes every second).
const factsRefreshEvery = time.Minute

// refreshInterval is how long the facts are kept, when the next refresh
// must be a full build, while the store moves: factsRefreshEvery, or ten
// times what the last full build took, so that a large store (a build of
// a million awards takes tens of seconds) spends at most a tenth of a
// core on rebuilding during a long crawl or import.
func refreshInterval(fullBuildTook time.Duration) time.Duration {
	return max(factsRefreshEvery, 10*fullBuildTook)
}

// factsMaxMatched is how many open tenders one rebuild may match (the
// others keep their previous count for observatory.BuildOptions.MatchTTL).
const factsMaxMatched = 500

// factsCache holds the facts of the latest build.
type factsCache struct {
	mu       sync.Mutex
	facts    *observatory.Facts
	version  uint64        // store version the facts were built from
	building chan struct{} // non-nil while a build runs; closed when it ends
	err      error         // of the last build
	started  time.Time

	// refresh is the incremental state (observatory_refresh.go).
	refresh factsRefresh

	// results memoizes the aggregations of the current facts per filter
	// and minute: a page asks for four of them, and popular pages repeat.
	results map[aggregateKey]any
}

// aggregateKey identifies an aggregation of one build of the facts.
type aggregateKey struct {
	facts  *observatory.Facts
	kind   string
	filter string // statsQuery(filter).Encode()
	minute int64
}

// maxCachedAggregates bounds the memo; it is emptied when full.
const maxCachedAggregates = 512

// aggregate returns compute's result for (facts, kind, filter, day's
// minute), computing it once.
func aggregate[T any](s *Server, f *observatory.Facts, kind string, flt observatory.Filter, day time.Time, compute func() T) T {
	key := aggregateKey{facts: f, kind: kind, filter: statsQuery(flt).Encode(), minute: day.Unix() / 60}
	fc := &s.obsFacts
	fc.mu.Lock()
	if v, ok := fc.results[key]; ok {
		fc.mu.Unlock()
		return v.(T)
	}
	fc.mu.Unlock()
	v := compute()
	fc.mu.Lock()
	if fc.facts == f { // the facts may have been replaced meanwhile
		if fc.results == nil || len(fc.results) >= maxCachedAggregates {
			fc.results = map[aggregateKey]any{}
		}
		fc.results[key] = v
	}
	fc.mu.Unlock()
	return v
}

// coverageOf, tendersOf, awardsOf and sourcesOf are the memoized
// aggregations of the facts for a filter, on day.
func (s *Server) coverageOf(f *observatory.Facts, flt observatory.Filter, day time.Time) *observatory.Coverage {
	return aggregate(s, f, "coverage", flt, day, func() *observatory.Coverage { return f.Coverage(flt, day) })
}

func (s *Server) tendersOf(f *observatory.Facts, scope observatory.TenderScope, flt observatory.Filter, day time.Time) *observatory.TenderCoverage {
	return aggregate(s, f, "tenders/"+string(scope), flt, day, func() *observatory.TenderCoverage { return f.TenderCoverageOf(scope, flt, day) })
}

func (s *Server) awardsOf(f *observatory.Facts, flt observatory.Filter, day time.Time) *observatory.AwardShare {
	return aggregate(s, f, "awards", flt, day, func() *observatory.AwardShare { return f.AwardShare(flt) })
}

func (s *Server) sourcesOf(f *observatory.Facts, day time.Time) []observatory.SourceHealth {
	return aggregate(s, f, "sources", observatory.Filter{}, day, func() []observatory.SourceHealth { return f.SourceHealth(day) })
}

// observatoryFacts returns the facts of the current store version, or the
// previous ones while a rebuild runs in the background.
func (s *Server) observatoryFacts(ctx context.Context) (*observatory.Facts, error) {
	v, err := s.store.Version(ctx)
	if err != nil {
		return nil, err
	}
	fc := &s.obsFacts
	fc.mu.Lock()
	if fc.facts != nil {
		// A refresh also runs, without any change, while tenders wait for
		// the matcher (the cap of a build left them: MatchPending).
		stale := fc.version != v || fc.facts.MatchPending > 0 && s.index != nil
		if stale && fc.building == nil && fc.refreshDue() {
			s.startFactsBuild(v, fc.facts)
		}
		f := fc.facts
		fc.mu.Unlock()
		return f, nil
	}
	if fc.building == nil {
		s.startFactsBuild(v, nil)
	}
	done := fc.building
	fc.mu.Unlock()
	wait := time.NewTimer(firstBuildWait)
	defer wait.Stop()
	select {
	case <-done:
	case <-wait.C:
		// 503 with Retry-After: the figures are still being computed.
		return nil, fiber.NewError(fiber.StatusServiceUnavailable, "web: observatory: first build still running")
	case <-ctx.Done():
		return nil, fmt.Errorf("web: observatory: %w", ctx.Err())
	}
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.facts == nil {
		return nil, fmt.Errorf("web: observatory: %w", fc.err)
	}
	return fc.facts, nil
}

// firstBuildWait is how long a request waits for the very first build of
// the facts (serve starts it at once: see WarmObservatory) before it is
// answered 503 with Retry-After.
const firstBuildWait = 10 * time.Second

// currentFacts returns the facts built so far without waiting, nil before
// the first build ends (which it starts).
func (s *Server) currentFacts(ctx context.Context) *observatory.Facts {
	fc := &s.obsFacts
	fc.mu.Lock()
	f, idle := fc.facts, fc.facts == nil && fc.building == nil
	fc.mu.Unlock()
	if f != nil {
		if g, err := s.observatoryFacts(ctx); err == nil { // schedules a refresh when the store moved
			return g
		}
		return f
	}
	if idle {
		s.WarmObservatory(ctx)
	}
	return nil
}

// WarmObservatory starts building the observatory's facts in the
// background unless they exist or are being built, so that the first
// visitor does not wait for them (serve calls it when it starts).
func (s *Server) WarmObservatory(ctx context.Context) {
	v, err := s.store.Version(ctx)
	if err != nil {
		return
	}
	fc := &s.obsFacts
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.facts == nil && fc.building == nil {
		s.startFactsBuild(v, nil)
	}
}

// startFactsBuild runs a build in the background; fc.mu is held.
func (s *Server) startFactsBuild(version uint64, previous *observatory.Facts) {
	fc := &s.obsFacts
	done := make(chan struct{})
	fc.building, fc.started = done, time.Now()
	s.followObservatoryChanges()
	changes, incremental := fc.takeChanges(previous)
	started := s.background.Go(func(ctx context.Context) { // stopped and awaited by Shutdown (background.go)
		defer close(done)
		opts := observatory.BuildOptions{Now: s.now(), Previous: previous, MaxMatched: factsMaxMatched}
		if s.index != nil {
			opts.Capable = s.capableSuppliers
		}
		f, applied, err := s.refreshFacts(ctx, previous, changes, incremental, opts)
		fc.mu.Lock()
		defer fc.mu.Unlock()
		fc.building, fc.err = nil, err
		if err != nil {
			// The changes it took are not in the facts kept.
			fc.refresh.giveBack(changes, incremental)
			if ctx.Err() == nil { // else the server is stopping
				s.cfg.Logger.Error("observatory facts", "err", err)
			}
			return
		}
		fc.facts, fc.version, fc.results = f, version, nil
		s.cfg.Logger.Info("observatory facts built", "suppliers", len(f.Suppliers), "tenders", len(f.Tenders), "match_pending", f.MatchPending,
			"awards", len(f.Awards), "applied", applied, "changes", changes.Len(),
			"took", f.BuildTook)
	})
	if !started { // the server is stopping: no build, and no one left waiting for it
		fc.building, fc.err = nil, errStopping
		close(done)
	}
}

// capableSuppliers returns the ids of the suppliers the matcher ranks at
// least observatory.CapableScore within observatory.CapableRadiusKm of
// the tender's place of performance (at any distance when the place is
// unknown). Only the ranking of the tender as a whole counts.
func (s *Server) capableSuppliers(ctx context.Context, t data.Tender) ([]string, error) {
	if s.matcherReady != nil {
		if err := s.matcherReady(ctx); err != nil {
			return nil, fmt.Errorf("web: observatory: matcher not ready: %w", err)
		}
	}
	if t.Title != "" || t.CPV != "" {
		t.Lots = nil // the tender's own ranking is all that counts
	}
	res, err := s.index.Match(ctx, s.store, t, index.MatchOptions{Limit: index.DefaultMatchLimit})
	if err != nil {
		return nil, err
	}
	place := data.ResolvePlace(t.Place)
	placed := place.Lat != 0 || place.Lon != 0
	var ids []string
	for _, m := range res.Tender {
		if m.Score < observatory.CapableScore {
			continue
		}
		if placed && (m.DistanceKm == nil || *m.DistanceKm > observatory.CapableRadiusKm) {
			continue
		}
		ids = append(ids, m.SupplierID)
	}
	return ids, nil
}

// isObservatoryAdmin reports whether the request may see the Alliance's
// full view: a signed-in Alliance admin, or a client with the admin token
// (Authorization: Bearer, compared as fixed-size digests).
func (s *Server) isObservatoryAdmin(c *fiber.Ctx) bool {
	if a, ok := s.currentAccount(c); ok && isAdmin(a) {
		return true
	}
	if s.cfg.AdminToken == "" {
		return false
	}
	token, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	got := adminDigest(token)
	return ok && subtle.ConstantTimeCompare(got[:], s.adminDigest[:]) == 1
}

// statsParamNames are the filters of the observatory, page and API.
func statsParamNames() []string { return []string{"region", "departement", "label", "period"} }

// parseStatsFilter reads the filters; errors carry a French message.
func parseStatsFilter(v url.Values) (observatory.Filter, error) {
	flt := observatory.Filter{
		Region:      strings.TrimSpace(v.Get("region")),
		Departement: strings.ToUpper(strings.TrimSpace(v.Get("departement"))),
		Label:       data.LabelType(strings.ToUpper(strings.TrimSpace(v.Get("label")))),
	}
	if d, ok := data.LookupDepartement(flt.Departement); ok && len(d.Code) > len(flt.Departement) {
		flt.Departement = d.Code
	}
	var err error
	if flt.From, flt.To, err = observatory.ParsePeriod(v.Get("period")); err != nil {
		return flt, err
	}
	return flt, flt.Validate()
}

// snapshotRange turns the period into the days of StatsSnapshots. The
// period's bounds are calendar days (00:00 UTC, as ParsePeriod returns
// them), written as they are: not instants to place in a time zone.
func snapshotRange(flt observatory.Filter) (from, to string) {
	if !flt.From.IsZero() {
		from = flt.From.Format(time.DateOnly)
	}
	if !flt.To.IsZero() {
		to = flt.To.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	return from, to
}

// TakeStatsSnapshot records today's key figures in the store, replacing
// a snapshot taken earlier today, and returns them.
func (s *Server) TakeStatsSnapshot(ctx context.Context, wait bool) (data.StatsSnapshot, error) {
	f, err := s.freshFacts(ctx, wait)
	if err != nil {
		return data.StatsSnapshot{}, err
	}
	snap := f.Snapshot(s.now())
	return snap, s.store.PutStatsSnapshot(ctx, snap)
}

// TakeDailyStatsSnapshot records today's key figures unless today already
// has a snapshot; it returns nil when it did not write.
func (s *Server) TakeDailyStatsSnapshot(ctx context.Context) (*data.StatsSnapshot, error) {
	has, err := s.store.HasStatsSnapshot(ctx, data.SnapshotDay(s.now()))
	if err != nil || has {
		return nil, err
	}
	snap, err := s.TakeStatsSnapshot(ctx, true)
	if err != nil {
		return nil, err
	}
	return &snap, nil
}

// freshFacts returns facts of the current store version, waiting for a
// rebuild when the cached ones are older (wait), or the cached ones.
func (s *Server) freshFacts(ctx context.Context, wait bool) (*observatory.Facts, error) {
	for {
		f, err := s.observatoryFacts(ctx)
		var busy *fiber.Error
		if wait && errors.As(err, &busy) && busy.Code == fiber.StatusServiceUnavailable {
			// The first build outlasted firstBuildWait (a loaded machine):
			// a caller that waits waits for it.
			fc := &s.obsFacts
			fc.mu.Lock()
			done := fc.building
			fc.mu.Unlock()
			if done != nil {
				select {
				case <-done:
				case <-ctx.Done():
					return nil, fmt.Errorf("web: observatory: %w", ctx.Err())
				}
			}
			continue
		}
		if err != nil || !wait {
			return f, err
		}
		v, err := s.store.Version(ctx)
		if err != nil {
			return nil, err
		}
		fc := &s.obsFacts
		fc.mu.Lock()
		current, done := fc.version == v && fc.facts == f, fc.building
		if !current && done == nil {
			s.startFactsBuild(v, fc.facts)
			done = fc.building
		}
		fc.mu.Unlock()
		if current {
			return f, nil
		}
		select {
		case <-done:
		case <-ctx.Done():
			return nil, fmt.Errorf("web: observatory: %w", ctx.Err())
		}
		fc.mu.Lock()
		built, err := fc.facts, fc.err
		fc.mu.Unlock()
		if err != nil {
			return nil, fmt.Errorf("web: observatory: %w", err)
		}
		if built != nil && built != f {
			return built, nil // built from a version at least as new as v
		}
	}
}

// The store is what the observatory reads.
var _ observatory.Source = (*store.Store)(nil)

// statistiquesRedirect sends the old address to the observatory.
func (s *Server) statistiquesRedirect(c *fiber.Ctx) error {
	target := "/observatoire"
	if q := string(c.Request().URI().QueryString()); q != "" {
		target += "?" + q
	}
	return c.Redirect(target, fiber.StatusMovedPermanently)
}
