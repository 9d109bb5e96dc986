package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index"
)

// directory is what serve and the matching commands work on: the store,
// seeded with the embedded EPV list on first use, and the search index,
// checked against the store and kept following it.
type directory struct {
	store  *store.Store
	index  *index.Index
	follow *follower
	// tenders is the tender search index (DIR/tenders), following the
	// store's tender writes like index follows its suppliers.
	tenders       *index.TenderIndex
	followTenders *follower
	// followLinks relearns the CPV ↔ NAF links from the store's awards
	// when they change (directory_links.go).
	followLinks *follower
	// linksLearned is closed once the links were first learned.
	linksLearned <-chan struct{}
}

// openDirectory opens the store (failing fast when another process holds
// it, or when it is missing and mode is existingStore), seeds the store
// with the real EPV companies shipped in the binary when they were never
// loaded (seed.go), opens the index
// and rebuilds it when it is missing, stale or corrupt, printing progress
// on out. The caller must Close it.
//
// With sample, a store without notices nor awards also gets the real ones
// shipped in the binary (seed_notices.go): serve asks for them, not the
// commands that measure or report on the store.
func openDirectory(ctx context.Context, p *program, mode storeMode, sample bool) (*directory, error) {
	st, err := openStore(p.cfg.dataDir, p.log, mode)
	if err != nil {
		return nil, err
	}
	d := &directory{store: st}
	if err := d.seed(ctx, p); err != nil {
		d.Close()
		return nil, err
	}
	if sample {
		if err := seedSample(ctx, st, p); err != nil {
			d.Close()
			return nil, err
		}
	}
	ix, err := index.Open(filepath.Join(p.cfg.dataDir, "index"), index.Options{Logger: p.log})
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("index de recherche : %w", err)
	}
	d.index = ix
	// Follow before checking, so that no write falls between the check and
	// the subscription.
	d.follow = startFollower(st.OnChange, func(ctx context.Context, ids []string) error { return ix.Apply(ctx, st, ids) }, "index", p)
	total, _ := st.CountSuppliers(ctx)
	progress := func(done int) {
		if done%5000 == 0 || done == total {
			fmt.Fprintf(p.stdout, "Index de recherche : %d / %s\n", done, data.CountFR(total, "fiche", "fiches"))
		}
	}
	rebuilt, reason, err := ix.EnsureConsistent(ctx, st, progress)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("index de recherche : %w", err)
	}
	if rebuilt {
		fmt.Fprintf(p.stdout, "Index de recherche reconstruit (%s).\n", reason)
		d.releaseStoreMap(p, "search index rebuild")
	}
	if err := d.openTenders(ctx, p); err != nil {
		d.Close()
		return nil, err
	}
	d.learnLinks(p)
	return d, nil
}

// openTenders opens the tender index, follows the store's tender writes
// and rebuilds the index when it is missing, stale or corrupt.
func (d *directory) openTenders(ctx context.Context, p *program) error {
	ti, err := index.OpenTenders(filepath.Join(p.cfg.dataDir, "tenders"), index.TenderOptions{Logger: p.log})
	if err != nil {
		return fmt.Errorf("index des appels d'offres : %w", err)
	}
	d.tenders = ti
	st := d.store
	d.followTenders = startFollower(st.OnTenderChange, func(ctx context.Context, ids []string) error { return ti.Apply(ctx, st, ids) }, "tender index", p)
	total, _ := st.CountTenders(ctx)
	progress := func(done int) {
		if done%50000 < 2500 || done == total {
			fmt.Fprintf(p.stdout, "Index des appels d'offres : %d / %d avis\n", done, total)
		}
	}
	rebuilt, reason, err := ti.EnsureConsistent(ctx, st, progress)
	if err != nil {
		return fmt.Errorf("index des appels d'offres : %w", err)
	}
	if rebuilt {
		fmt.Fprintf(p.stdout, "Index des appels d'offres reconstruit (%s).\n", reason)
		d.releaseStoreMap(p, "tender index rebuild")
	}
	return nil
}

// seed loads the embedded EPV export once into a store (seed.go).
func (d *directory) seed(ctx context.Context, p *program) error {
	return seedStore(ctx, d.store, p, nil)
}

// Close stops following the store and closes the index and the store.
func (d *directory) Close() {
	if d.follow != nil {
		d.follow.stop()
	}
	if d.followTenders != nil {
		d.followTenders.stop()
	}
	if d.followLinks != nil {
		d.followLinks.stop()
	}
	if d.tenders != nil {
		_ = d.tenders.Close()
	}
	if d.index != nil {
		_ = d.index.Close()
	}
	_ = d.store.Close()
}

// follower applies the store's changes to the index on one goroutine, so
// that a writer never waits for bleve.
type follower struct {
	cancel func()
	mu     sync.Mutex
	queue  []string
	forced bool          // apply once even without ids (trigger)
	wake   chan struct{} // never closed: a late store callback may still send
	quit   chan struct{}
	done   chan struct{}
}

// startFollower subscribes to the store's changes and applies them to an
// index (what names it in logs).
func startFollower(subscribe func(func([]string)) func(), applyIDs func(context.Context, []string) error, what string, p *program) *follower {
	f := &follower{wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	f.cancel = subscribe(func(ids []string) {
		f.mu.Lock()
		f.queue = append(f.queue, ids...)
		f.mu.Unlock()
		select {
		case f.wake <- struct{}{}:
		default:
		}
	})
	apply := func() {
		f.mu.Lock()
		ids, forced := f.queue, f.forced
		f.queue, f.forced = nil, false
		f.mu.Unlock()
		if len(ids) == 0 && !forced {
			return
		}
		if err := applyIDs(context.Background(), ids); err != nil {
			p.log.Error(what+": apply store changes", "ids", len(ids), "err", err)
		}
	}
	go func() {
		defer close(f.done)
		for {
			select {
			case <-f.wake:
				apply()
			case <-f.quit:
				apply()
				return
			}
		}
	}()
	return f
}

// trigger makes the worker apply once, with whatever is queued: work a
// caller wants done in the background, in order with the changes.
func (f *follower) trigger() {
	f.mu.Lock()
	f.forced = true
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// stop unsubscribes, applies what is queued and waits for the worker.
func (f *follower) stop() {
	f.cancel()
	close(f.quit)
	<-f.done
}
