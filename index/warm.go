package index

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// Warming. A snapshot keeps the long postings lists of the text fields
// decoded (postingsCache, in its columns) for the text plan and the
// matcher's text pool, but fills that cache on first use: at 1 000 000
// suppliers the first search or need that meets a common word decodes its
// list through zap (≈ 40 ms for « ateliers » in descriptions, a million
// postings), and those first meetings made the p95 of both. A settled
// snapshot is therefore warmed in the background: its lists of at least
// cachedPostingsMin postings are decoded longest first, until the cache's
// bound (postingsLimit). At 1 000 000 that is ≈ 830 lists and 12 M
// postings, about a second of CPU; at 100 000 a tenth of it.
//
// When: after the compaction that follows a rebuild or an open (the
// snapshot then serves until the next write), and warmDelay after the
// last of a burst of writes, each of which makes a new snapshot whose
// cache starts empty. Searches never wait for it: until it is done they
// decode what they meet, as before.

// warmDelay is how long the index waits after a write before warming the
// snapshot it made: a crawl or an import writes in bursts, and only the
// snapshot that stays is worth warming.
const warmDelay = 2 * time.Second

// scheduleWarm warms the live generation warmDelay after the last write.
// ix.wmu must be held.
func (ix *Index) scheduleWarm() {
	if ix.warmTimer == nil {
		ix.warmTimer = time.AfterFunc(warmDelay, func() {
			ix.wmu.Lock()
			defer ix.wmu.Unlock()
			// During a rebuild the live generation is about to be
			// replaced, and the new one is warmed after its compaction.
			if !ix.closed && ix.replay == nil {
				ix.warmInBackground(ix.cur.Load())
			}
		})
		return
	}
	ix.warmTimer.Reset(warmDelay)
}

// warmInBackground warms g on a goroutine that Close cancels and waits
// for. ix.wmu must be held. In-memory generations (tests) are not warmed.
func (ix *Index) warmInBackground(g *generation) {
	if g.path == "" {
		return
	}
	ix.background.Add(1)
	go func() {
		defer ix.background.Done()
		ix.warm(ix.bgCtx, g)
	}()
}

// warm warms g's current snapshot and logs what it did; a generation
// retired meanwhile or a Close ends it quietly.
func (ix *Index) warm(ctx context.Context, g *generation) {
	start := time.Now()
	lists, postings, err := warmPostings(ctx, g)
	switch {
	case err != nil && ctx.Err() == nil && !g.isClosed():
		ix.log.Warn("index: warming failed; searches decode their lists themselves", "generation", g.name, "err", err)
	case err == nil && lists > 0:
		ix.log.Info("index warmed", "generation", g.name, "lists", lists, "postings", postings,
			"took", time.Since(start).Round(time.Millisecond))
	}
}

// warmTerm is a postings list worth decoding ahead.
type warmTerm struct {
	field, term string
	count       uint64
}

// warmPostings decodes the long lists of the text fields of g's current
// snapshot into its columns' cache, longest first, as far as the cache's
// bound allows; it returns how many lists and postings it added.
func warmPostings(ctx context.Context, g *generation) (lists int, postings int64, err error) {
	snap, err := g.snapshotOf()
	if err != nil {
		return 0, 0, err
	}
	defer snap.Close()
	cols, err := g.columnsFor(ctx, snap)
	if err != nil {
		return 0, 0, err
	}
	pc := &cols.postings
	minLen := uint64(pc.minLen)
	if minLen == 0 {
		minLen = cachedPostingsMin
	}
	var long []warmTerm
	for _, field := range warmFields() {
		dict, err := snap.FieldDict(field)
		if err != nil {
			return 0, 0, fmt.Errorf("index: warm %s: %w", field, err)
		}
		for {
			e, err := dict.Next()
			if err != nil || e == nil {
				dict.Close()
				if err != nil {
					return 0, 0, fmt.Errorf("index: warm %s: %w", field, err)
				}
				break
			}
			if e.Count >= minLen {
				long = append(long, warmTerm{field: field, term: e.Term, count: e.Count})
			}
		}
	}
	slices.SortFunc(long, func(a, b warmTerm) int { return cmp.Compare(b.count, a.count) })
	for _, w := range long {
		if err := ctx.Err(); err != nil {
			return lists, postings, err
		}
		before := pc.size.Load()
		r, err := snap.TermFieldReader(ctx, []byte(w.term), w.field, true, true, false)
		if err != nil {
			return lists, postings, fmt.Errorf("index: warm %s:%s: %w", w.field, w.term, err)
		}
		pl, err := pc.postingsOf(ctx, textClause{term: w.term, field: w.field}, r)
		_ = r.Close()
		if err != nil {
			return lists, postings, fmt.Errorf("index: warm %s:%s: %w", w.field, w.term, err)
		}
		if pl != nil && pc.size.Load() > before { // decoded here, not by a search meanwhile
			lists++
			postings += int64(len(pl.docs))
		}
	}
	return lists, postings, nil
}

// warmFields are the fields whose long lists the text plan and the
// matcher read: the text fields, and the words of names (a query word's
// clause holds it: « ateliers » is in 66 000 names at 1 000 000).
func warmFields() []string {
	out := []string{fNameExact}
	for _, f := range textFields {
		out = append(out, f.name)
	}
	return out
}
