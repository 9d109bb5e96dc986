package index

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"fabrique/data"
	"fabrique/index/match"
)

// MatchSource is where the matcher reads the candidates it scores; the
// store satisfies it. Match reads several suppliers at once: it must be
// safe for concurrent use. A source that is also a MatchProfileSource (the
// store) is read through its match profiles (match_profiles.go).
type MatchSource interface {
	// Supplier returns one supplier, or an error wrapping data.ErrNotFound.
	Supplier(ctx context.Context, id string) (data.Supplier, error)
}

// ReasonUnivers is the reason kind of a fit between the EPV univers of a
// company and the CPV division of a tender (see match.ReasonUnivers).
const ReasonUnivers = match.ReasonUnivers

// MatchOptions tunes Match. The zero value is usable.
type MatchOptions struct {
	// Limit is the number of matches per ranking (default
	// DefaultMatchLimit, at most MaxMatchLimit).
	Limit int
	// At is the day labels must be valid on and before which awards count
	// as track record; zero means the tender's deadline, else its
	// publication date, else now.
	At time.Time
	// Links are the CPV ↔ NAF links learned from awards to use; nil means
	// the index's (SetCPVNAFLinks). The evaluation passes links learned
	// without the award it tests.
	Links *data.CPVNAFLinks
	// Track is the companies' record of awards won; nil means the
	// index's (SetTrackRecord). It counts the awards notified before
	// TrackBefore (zero: the need's day, see At), never the contract
	// TrackSkip (data.ContractIDOf): the evaluation cuts at the award's
	// date while labels are checked on the directory's.
	Track       *data.TrackRecord
	TrackBefore time.Time
	TrackSkip   data.ContractID
	// Trade, a NAF code, ranks only the companies of that trade for the
	// tender as a whole (the « corps d'état » a buyer chose on a
	// shortlist, match_trades.go); its lots are ranked as usual.
	Trade string
}

// Bounds of a match.
const (
	DefaultMatchLimit = 50
	MaxMatchLimit     = 200
)

// MatchResult is the answer to a tender: a ranking for the tender as a
// whole and one per lot.
type MatchResult struct {
	Tender []data.Match `json:"tender"`
	// Warning is data.NoGoodMatch when no supplier of the ranking fits
	// better than weakly (Match.Confidence).
	Warning string `json:"warning,omitempty"`
	// Trades are the trades of the candidates scored for the tender as a
	// whole, in the order of their best candidate (match_trades.go).
	Trades []TradeCount `json:"trades,omitempty"`
	Lots   []LotMatches `json:"lots,omitempty"`
	Terms  []string     `json:"terms,omitempty"` // discriminative terms of the tender, as written
	// Unheld are the words of the object that no supplier holds but the
	// nomenclatures know (« crémation »), as written: the confidence
	// counts them as asked and missed by all.
	Unheld []string      `json:"unheld,omitempty"`
	Took   time.Duration `json:"took"`
}

// LotMatches is the ranking of one lot.
type LotMatches struct {
	LotID   string       `json:"lot_id"`
	Title   string       `json:"title"`
	Matches []data.Match `json:"matches"`
	Terms   []string     `json:"terms,omitempty"`
	Unheld  []string     `json:"unheld,omitempty"`  // see MatchResult.Unheld
	Warning string       `json:"warning,omitempty"` // see MatchResult.Warning
}

// Match ranks the suppliers able to meet a tender, and each of its lots
// (a lot inherits the tender's words, CPV codes and place when it lacks
// its own), with the reasons of every score, in French.
//
// For each ranking it picks the most discriminative terms of the buyer's
// own words (discriminativeTerms), gathers two pools of candidates from
// the index, those holding the terms and the nearest of the sectors that
// fit the CPV codes (candidateIDs), reads them from src and scores them:
// text, classification, geography, labels, capacity and track record,
// each in [0,1], weighed by matchWeights into a mark out of 100. A
// candidate with neither text nor classification fit is dropped.
//
// A tender needs a title, a lot title or a CPV code; without any, or with
// a CPV code that does not exist, Match returns an error wrapping
// data.ErrInvalid.
func (ix *Index) Match(ctx context.Context, src MatchSource, t data.Tender, opts MatchOptions) (MatchResult, error) {
	return ix.match(ctx, src, t, opts, false)
}

// match is Match; with bleveTextPool, the text pool is bleve's search of
// termsQuery instead of textPool, as it was before textPool (the tests
// compare the two).
func (ix *Index) match(ctx context.Context, src MatchSource, t data.Tender, opts MatchOptions, bleveTextPool bool) (MatchResult, error) {
	start := time.Now()
	if src == nil {
		return MatchResult{}, fmt.Errorf("index: match: no supplier source: %w", data.ErrInvalid)
	}
	needs, err := match.NeedsOf(t, opts.At, ix.opts.Now())
	if err != nil {
		return MatchResult{}, fmt.Errorf("index: %w", err)
	}
	if err := checkTrade(opts.Trade); err != nil {
		return MatchResult{}, err
	}
	limit := opts.Limit
	if limit <= 0 {
		limit = DefaultMatchLimit
	}
	limit = min(limit, MaxMatchLimit)

	g, err := ix.acquire()
	if err != nil {
		return MatchResult{}, err
	}
	defer g.mu.RUnlock()
	stats, err := ix.openSnapshotStats(ctx, g)
	if err != nil {
		return MatchResult{}, err
	}
	defer stats.close()

	m := &matcher{ix: ix, g: g, src: src, stats: stats, cache: map[string]*match.Candidate{},
		wordStems: map[string][]string{}, bleveTextPool: bleveTextPool}
	links := ix.linksFor(opts)
	var res MatchResult
	for i := range needs {
		if err := ctx.Err(); err != nil {
			return MatchResult{}, fmt.Errorf("index: match: %w", err)
		}
		n := &needs[i]
		if err := m.prepareNeed(ctx, n, links); err != nil { // match_reach.go
			return MatchResult{}, err
		}
		ix.setTrack(n, opts) // match_track.go
		whole := n.LotID == "" && i == 0
		if whole {
			n.Trade = opts.Trade
		}
		r, err := m.rank(ctx, n, limit)
		if err != nil {
			return MatchResult{}, err
		}
		if whole {
			res.Tender, res.Terms, res.Unheld, res.Warning, res.Trades = r.matches, r.terms, r.unheld, warningOf(r.matches), r.trades
			continue
		}
		res.Lots = append(res.Lots, LotMatches{LotID: n.LotID, Title: n.LotTitle, Matches: r.matches, Terms: r.terms,
			Unheld: r.unheld, Warning: warningOf(r.matches)})
	}
	res.Took = time.Since(start)
	return res, nil
}

// matcher holds what one Match call shares between the tender and its
// lots: the index reader and the suppliers already loaded.
type matcher struct {
	// bleveTextPool: see Index.match.
	bleveTextPool bool
	ix            *Index
	g             *generation
	src           MatchSource
	stats         *termStats
	cache         map[string]*match.Candidate // by supplier ID; nil entry: not found
	// wordStems caches the analysis of the suppliers' words met so far.
	wordStems map[string][]string
}

// ranking is one need's answer: the best suppliers (only those of the
// need's trade, Need.Trade, when it has one), the terms used and the
// object's words that no supplier holds, as the need writes them, and the
// trades of the candidates scored.
type ranking struct {
	matches       []data.Match
	terms, unheld []string
	trades        []TradeCount
}

// rank ranks the suppliers for one need.
func (m *matcher) rank(ctx context.Context, n *match.Need, limit int) (ranking, error) {
	terms, unheld, err := m.ix.discriminativeTerms(ctx, m.g, m.stats, n)
	if err != nil {
		return ranking{}, err
	}
	ids, err := m.ix.candidateIDs(ctx, m.g, m.stats.r, n, terms, m.bleveTextPool)
	if err != nil {
		return ranking{}, err
	}
	var extra map[string]bool // candidates only the trade pool brought
	if n.Trade != "" {
		if ids, extra, err = m.ix.addTradePool(ctx, m.g, n, ids, limit); err != nil {
			return ranking{}, err
		}
	}
	// Full text marks take at least the weight of a title word that
	// singles out one supplier.
	q := match.NewTermSet(terms, match.TitleWeight*m.stats.idf(1), m.ix.stems, m.wordStems)
	q.Unheld(unheld)
	if err := m.load(ctx, ids); err != nil {
		return ranking{}, err
	}
	scored := make([]match.Scored, 0, len(ids))
	for _, id := range ids {
		c, err := m.candidate(ctx, id)
		if err != nil {
			return ranking{}, err
		}
		if c == nil {
			continue // deleted from the store since it was indexed
		}
		if err := m.countTrade(ctx, c); err != nil { // match_reach.go
			return ranking{}, err
		}
		if sm, ok := match.Score(n, q, c); ok {
			scored = append(scored, sm)
		}
	}
	match.Sort(scored)
	trades := countTrades(scored, extra)
	if n.Trade != "" {
		scored = onlyTrade(scored, n.Trade)
	}
	if len(scored) > limit {
		scored = scored[:limit]
	}
	out := make([]data.Match, len(scored))
	for i := range scored {
		out[i] = scored[i].ToMatch(n, q)
	}
	match.Grade(out)
	return ranking{matches: out, terms: match.Surfaces(terms), unheld: match.Surfaces(unheld), trades: trades}, nil
}

// candidate loads a supplier once per Match call, with its analysed text.
func (m *matcher) candidate(ctx context.Context, id string) (*match.Candidate, error) {
	if c, ok := m.cache[id]; ok {
		return c, nil
	}
	c, err := loadCandidate(ctx, m.src, id)
	if err != nil {
		return nil, err
	}
	m.cache[id] = c
	return c, nil
}

// loadCandidate reads a supplier from src; nil when it is gone from src or
// has ceased (never suggested to a buyer).
func loadCandidate(ctx context.Context, src MatchSource, id string) (*match.Candidate, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("index: match: %w", err)
	}
	s, err := src.Supplier(ctx, id)
	if errors.Is(err, data.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("index: match: supplier %s: %w", id, err)
	}
	if s.Ceased() {
		return nil, nil
	}
	return match.NewCandidate(s), nil
}

// loadWorkers bounds the goroutines that read the candidates of a need,
// and loadBatch is the fewest candidates worth a goroutine: reading and
// decoding a supplier from the store is most of a match's time, and it
// spreads over the cores while the index work cannot.
const (
	loadWorkers = 4
	loadBatch   = 32
)

// load reads into the cache the candidates of ids it does not hold yet:
// from the source's match profiles when it has them (match_profiles.go),
// else on up to loadWorkers goroutines.
func (m *matcher) load(ctx context.Context, ids []string) error {
	var missing []string
	for _, id := range ids {
		if _, ok := m.cache[id]; !ok {
			missing = append(missing, id)
		}
	}
	if p, ok := m.src.(MatchProfileSource); ok {
		return m.loadProfiles(ctx, p, missing)
	}
	workers := min(loadWorkers, runtime.GOMAXPROCS(0), len(missing)/loadBatch)
	if workers < 2 {
		return nil // m.candidate reads them one by one
	}
	got := make([]*match.Candidate, len(missing))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(missing); i += workers {
				if got[i], errs[w] = loadCandidate(ctx, m.src, missing[i]); errs[w] != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for i, id := range missing {
		m.cache[id] = got[i]
	}
	return nil
}

// warningOf is data.NoGoodMatch when no match fits better than weakly.
func warningOf(ms []data.Match) string {
	if data.GoodMatches(ms) == 0 {
		return data.NoGoodMatch
	}
	return ""
}

func containsString(list []string, s string) bool { return slices.Contains(list, s) }
