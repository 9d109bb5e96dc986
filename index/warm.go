package index

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	index "github.com/blevesearch/bleve_index_api"
)

// Warming. A snapshot keeps the long postings lists of the text fields
// and of names' words decoded (postingsCache, in its columns) for the
// text plan and the matcher's text pool, but fills that cache on first
// use: at 1 000 000 suppliers the first search or need that meets a
// common word decodes its list through zap (≈ 40 ms for « ateliers » in
// descriptions, a million postings), and those first meetings made the
// p95 of both. A settled snapshot is therefore warmed in the background:
// its lists of at least cachedPostingsMin postings are decoded longest
// first, until the cache's bound (postingsLimit); then the clauses of the
// commonest words are merged into unions (warmUnions, textplan_union.go).
// At 1 000 000 that is ≈ 29 M postings and 7 unions (32 MiB), a couple of
// seconds of CPU; at 100 000 a tenth of it. (The lists are counted with a
// term reader: the dictionaries' counts had left out lists such as
// « restau » in descriptions, 170 798 postings counted as 1, which the
// first search then decoded.)
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
	ix.background.Go(func() {
		ix.warm(ix.bgCtx, g)
	})
}

// warm warms g's current snapshot and logs what it did; a generation
// retired meanwhile or a Close ends it quietly. Both phases read the same
// snapshot and the terms counted once (countWarmTerms).
func (ix *Index) warm(ctx context.Context, g *generation) {
	start := time.Now()
	snap, cols, err := g.currentColumns(ctx)
	var counts warmCounts
	if err == nil {
		defer snap.Close()
		counts, err = countWarmTerms(ctx, snap, cols)
	}
	var lists int
	var postings int64
	if err == nil {
		lists, postings, err = warmPostings(ctx, snap, cols, counts.long)
	}
	switch {
	case err != nil && ctx.Err() == nil && !g.isClosed():
		ix.log.Warn("index: warming failed; searches decode their lists themselves", "generation", g.name, "err", err)
	case err == nil && lists > 0:
		ix.log.Info("index warmed", "generation", g.name, "lists", lists, "postings", postings,
			"took", time.Since(start).Round(time.Millisecond))
	}
	if err != nil {
		return
	}
	start = time.Now()
	unions, bytes, err := ix.warmUnions(ctx, snap, cols, counts.totals)
	switch {
	case err != nil && ctx.Err() == nil && !g.isClosed():
		ix.log.Warn("index: warming the common words failed; searches merge them themselves", "generation", g.name, "err", err)
	case err == nil && unions > 0:
		ix.log.Info("index: common words warmed", "generation", g.name, "unions", unions,
			"MiB", bytes>>20, "took", time.Since(start).Round(time.Millisecond))
	}
}

// warmTerm is a postings list worth decoding ahead.
type warmTerm struct {
	field, term string
	count       uint64
}

// warmCounts is what the warming reads of a snapshot's dictionaries, in
// one pass (a term reader per term: ≈ 0.3 s at 1 000 000 suppliers).
type warmCounts struct {
	long   []warmTerm        // the lists of warmFields the cache keeps, longest first
	totals map[string]uint64 // each term's postings over the text fields
}

// countWarmTerms counts the postings of every term of warmFields in snap.
func countWarmTerms(ctx context.Context, snap index.IndexReader, cols *columns) (warmCounts, error) {
	minLen := uint64(cols.postings.minLen)
	if minLen == 0 {
		minLen = cachedPostingsMin
	}
	c := warmCounts{totals: map[string]uint64{}}
	for _, field := range warmFields() {
		text := field != fNameExact
		if err := fieldTerms(ctx, snap, field, func(term string, count uint64) {
			if count >= minLen {
				c.long = append(c.long, warmTerm{field: field, term: term, count: count})
			}
			if text {
				c.totals[term] += count
			}
		}); err != nil {
			return warmCounts{}, err
		}
	}
	slices.SortFunc(c.long, func(a, b warmTerm) int { return cmp.Compare(b.count, a.count) })
	return c, nil
}

// warmPostings decodes the long lists into snap's columns' cache, in
// their order (longest first), as far as the cache's bound allows; it
// returns how many lists and postings it added.
func warmPostings(ctx context.Context, snap index.IndexReader, cols *columns, long []warmTerm) (lists int, postings int64, err error) {
	pc := &cols.postings
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

// warmUnions keeps the unions of the commonest words' clauses of snap
// (textplan_union.go), commonest first, up to half the unions' bound
// (the rest is for the clauses searches meet): the first
// search holding « restauration » or « machines » then finds its union
// ready instead of merging a few hundred thousand postings. A union holds
// a word's stem and trade alternatives in the text fields, the same for
// every spelling of the word; words with two alternatives or more (a heap
// clause, whose union holds the word in names too) are left to searches.
// totals is each term's postings over the text fields (countWarmTerms).
// It returns how many unions it kept and their bytes.
func (ix *Index) warmUnions(ctx context.Context, snap index.IndexReader, cols *columns, totals map[string]uint64) (kept int, bytes int64, err error) {
	uc, live := &cols.unions, len(cols.live)
	minCount := uc.minCount
	if minCount == 0 {
		minCount = max(unionMinFloor, uint64(live)/unionMinShare)
	}
	var stems []warmTerm
	for term, n := range totals {
		if n >= minCount {
			stems = append(stems, warmTerm{term: term, count: n})
		}
	}
	slices.SortFunc(stems, func(a, b warmTerm) int { return cmp.Or(cmp.Compare(b.count, a.count), cmp.Compare(a.term, b.term)) })
	docCount, err := snap.DocCount()
	if err != nil {
		return 0, 0, err
	}
	b := planBuilder{ctx: ctx, snap: snap, cols: cols, docCount: docCount}
	defer b.close()
	bound := uc.bound(live)
	for _, s := range stems {
		if uc.size.Load() >= bound/2 {
			break
		}
		if unionBytesAtMost(s.count) > bound/8 {
			// « ateliers », « fabrication »: in most searches they are
			// probed for a rarer word's documents, which their lists'
			// docSets do as well; one such union would take a fourth of
			// what the warming keeps.
			continue
		}
		t := queryTerm{stem: s.term, alts: ix.trades.searchAlternatives(s.term), weight: 1}
		spec := wordSpec(t) // no word: the text fields alone
		if len(spec.sub) >= disjunctionHeapTakeover {
			continue // with the word in names, a heap clause
		}
		n, err := b.node(spec)
		b.close() // its terms are read, or answered by a union
		if err != nil {
			return kept, bytes, err
		}
		if n.unions == nil || n.union != nil {
			continue
		}
		u, err := n.buildUnion(ctx)
		if err != nil {
			return kept, bytes, err
		}
		before := uc.size.Load()
		if n.unions.keep(n.unionKey, u, live); uc.size.Load() > before {
			kept++
			bytes += u.bytes()
		}
	}
	return kept, bytes, nil
}

// fieldTerms calls fn with each term of field in snap and its number of
// postings, as a term reader counts them: the dictionary's own count is
// not that (1 for « restau » in descriptions at 1 000 000 suppliers, which
// has 170 798 postings), and the warming missed such lists.
func fieldTerms(ctx context.Context, snap index.IndexReader, field string, fn func(term string, count uint64)) error {
	dict, err := snap.FieldDict(field)
	if err != nil {
		return fmt.Errorf("index: warm %s: %w", field, err)
	}
	defer dict.Close()
	for {
		e, err := dict.Next()
		if err != nil {
			return fmt.Errorf("index: warm %s: %w", field, err)
		}
		if e == nil {
			return nil
		}
		r, err := snap.TermFieldReader(ctx, []byte(e.Term), field, false, false, false)
		if err != nil {
			return fmt.Errorf("index: warm %s:%s: %w", field, e.Term, err)
		}
		n := r.Count()
		if err := r.Close(); err != nil {
			return fmt.Errorf("index: warm %s:%s: %w", field, e.Term, err)
		}
		fn(e.Term, n)
	}
}

// currentColumns returns g's current snapshot, which the caller closes,
// and its columns.
func (g *generation) currentColumns(ctx context.Context) (index.IndexReader, *columns, error) {
	snap, err := g.snapshotOf()
	if err != nil {
		return nil, nil, err
	}
	cols, err := g.columnsFor(ctx, snap)
	if err != nil {
		_ = snap.Close()
		return nil, nil, err
	}
	return snap, cols, nil
}
