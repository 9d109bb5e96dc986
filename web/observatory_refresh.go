package web

import (
	"context"
	"errors"
	"sync"
	"time"

	"fabrique/data/observatory"
	"fabrique/data/store"
)

// The observatory's incremental refresh: the store reports the ids each
// write changes (suppliers, tenders, awards); they wait in factsRefresh
// until the next refresh hands them to observatory.Facts.Apply, which
// reads only those records again. At 100 000 suppliers, 1 000 000 tenders
// and 1 000 000 awards, a full walk takes tens of seconds of CPU; applying
// an import of a few thousand records takes milliseconds to a second
// (BenchmarkObservatoryMillion).

const (
	// applyRefreshEvery bounds how often changes are applied while the
	// store keeps moving (or ten times what the last Apply took).
	applyRefreshEvery = 2 * time.Second
	// fullRebuildEvery is the safety net: a full walk at least this often
	// while the store moves (observatory.Apply's doc says what only a
	// full walk repairs).
	fullRebuildEvery = 6 * time.Hour
	// maxPendingChanges is how many ids may wait: past it (a first
	// import, a reseed), one full walk is cheaper than reading each again.
	maxPendingChanges = 200_000
)

// factsRefresh is the incremental state of a factsCache, under its mu.
type factsRefresh struct {
	follow   sync.Once
	pending  observatory.Changes
	overflow bool          // more than maxPendingChanges ids reported: the next refresh walks the store
	fullAt   time.Time     // when the last full build started
	fullTook time.Duration // how long it took
}

// The store is what Apply reads.
var _ observatory.ChangeSource = (*store.Store)(nil)

// followObservatoryChanges subscribes, once, to the store's reports of
// changed suppliers, tenders and awards. It is called before the first
// build starts: what changes after that start is applied later (applying
// a change the build already saw is harmless: Apply reads the record's
// current state).
func (s *Server) followObservatoryChanges() {
	fc := &s.obsFacts
	fc.refresh.follow.Do(func() {
		add := func(c observatory.Changes) {
			fc.mu.Lock()
			fc.refresh.add(c)
			fc.mu.Unlock()
		}
		s.store.OnChange(func(ids []string) { add(observatory.Changes{Suppliers: ids}) })
		s.store.OnTenderChange(func(ids []string) { add(observatory.Changes{Tenders: ids}) })
		s.store.OnAwardChange(func(ids []string) { add(observatory.Changes{Awards: ids}) })
	})
}

func (r *factsRefresh) add(c observatory.Changes) {
	if r.overflow {
		return
	}
	r.pending.Add(c)
	if r.pending.Len() > maxPendingChanges {
		r.overflow, r.pending = true, observatory.Changes{}
	}
}

// giveBack returns to the pending changes those a refresh took and could
// not apply (it failed, or the server stopped it): applied to the facts
// kept, they would be missed. When the failed refresh was a walk of the
// store, the facts kept lack what it would have read: the next refresh
// walks again. fc.mu held.
func (r *factsRefresh) giveBack(c observatory.Changes, incremental bool) {
	if !incremental {
		r.overflow, r.pending = true, observatory.Changes{}
		return
	}
	r.add(c)
}

// canApply reports whether the next refresh may apply the pending
// changes to the current facts rather than walk the store; fc.mu held.
func (fc *factsCache) canApply() bool {
	return fc.facts != nil && !fc.refresh.overflow && time.Since(fc.refresh.fullAt) < fullRebuildEvery
}

// refreshDue reports whether the facts of an older store version should
// be refreshed now; fc.mu held.
func (fc *factsCache) refreshDue() bool {
	if fc.canApply() {
		return time.Since(fc.started) >= max(applyRefreshEvery, 10*fc.facts.BuildTook)
	}
	return time.Since(fc.started) >= refreshInterval(fc.refresh.fullTook)
}

// takeChanges hands the pending changes to the refresh starting now, and
// says whether it may apply them to previous; fc.mu held.
func (fc *factsCache) takeChanges(previous *observatory.Facts) (observatory.Changes, bool) {
	incremental := previous != nil && previous == fc.facts && fc.canApply()
	ch := fc.refresh.pending
	fc.refresh.pending, fc.refresh.overflow = observatory.Changes{}, false
	return ch, incremental
}

// refreshFacts applies the changes to previous when incremental (applied
// is then true), and walks the whole store when it may not or Apply
// cannot.
func (s *Server) refreshFacts(ctx context.Context, previous *observatory.Facts, changes observatory.Changes, incremental bool, opts observatory.BuildOptions) (f *observatory.Facts, applied bool, err error) {
	if incremental {
		f, err := previous.Apply(ctx, s.store, changes, opts)
		if err == nil {
			return f, true, nil
		}
		if ctx.Err() != nil {
			return nil, false, err
		}
		if !errors.Is(err, observatory.ErrRebuild) {
			s.cfg.Logger.Warn("observatory: applying changes failed, walking the store", "changes", changes.Len(), "err", err)
		}
	}
	start := time.Now()
	f, err = observatory.Build(ctx, s.store, opts)
	if err == nil {
		fc := &s.obsFacts
		fc.mu.Lock()
		fc.refresh.fullAt, fc.refresh.fullTook = start, time.Since(start)
		fc.mu.Unlock()
	}
	return f, false, err
}
