package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
)

// ErrClosed is returned by every method called after Close.
var ErrClosed = errors.New("index: closed")

// Options tunes an Index. The zero value is usable.
type Options struct {
	// BatchSize is the number of documents per bleve batch of Put,
	// Delete and Apply (default 1000).
	BatchSize int
	// RebuildBatchSize is the number of documents per batch during a
	// Rebuild (default 2500): bleve makes one segment per batch, and
	// fewer, larger segments cost 10 % less to merge at 100 000 suppliers.
	RebuildBatchSize int
	// Logger receives rebuild and recovery messages (default: discard).
	Logger *slog.Logger
	// Now is the clock that decides which labels are valid when a supplier
	// is indexed (default time.Now).
	Now func() time.Time
	// FacetCacheSize is the number of facet results kept per index version
	// (default 512; negative disables the cache).
	FacetCacheSize int
	// ResultCacheSize is the number of whole search results kept per index
	// version (default 2048; negative disables the cache).
	ResultCacheSize int
}

const (
	defaultBatchSize        = 1000
	defaultRebuildBatchSize = 2500
	defaultFacetCacheSize   = 512
	defaultResultCacheSize  = 2048
	spellingsCacheSize      = 1024 // misspelt words, each with a few near spellings
)

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = defaultBatchSize
	}
	if o.RebuildBatchSize <= 0 {
		o.RebuildBatchSize = defaultRebuildBatchSize
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.FacetCacheSize == 0 {
		o.FacetCacheSize = defaultFacetCacheSize
	}
	if o.ResultCacheSize == 0 {
		o.ResultCacheSize = defaultResultCacheSize
	}
	return o
}

// Index is the search index of suppliers. It is safe for concurrent use:
// searches run while writes and rebuilds go on.
type Index struct {
	dir     string // "" in memory
	opts    Options
	log     *slog.Logger
	mapping *mapping.IndexMappingImpl
	text    analysis.Analyzer // French analysis of text fields
	name    analysis.Analyzer // folded, un-stemmed words of names
	trades  tradeTable
	docs    *docBuilder

	cur atomic.Pointer[generation]
	// learn holds the CPV ↔ NAF links learned from awards and the sizes of
	// the sectors the reach of a trade is measured in (match_links.go).
	learn learnState
	// version changes with every write and swap; cached facets are keyed
	// by it, so a cached count can never outlive the data it counted.
	version atomic.Uint64
	facets  *lru[facetEntry]
	results *lru[Results] // holds copies: callers get a clone
	// spellings holds the near spellings of misspelt words (see spell).
	spellings *lru[[]spelling]

	// wmu serialises writes with each other and with the swap of a rebuild.
	wmu sync.Mutex
	// replay, while a rebuild runs, records the writes made to the live
	// generation so that they are applied to the new one before the swap.
	replay *[]writeOp
	// pending is why the index must be rebuilt, found at Open ("" if none).
	pending string
	nextGen int
	closed  bool

	rebuildMu sync.Mutex

	// background runs the compaction that follows a rebuild and the
	// warming of the postings cache; Close cancels them (stopBackground)
	// and waits for them.
	background     sync.WaitGroup
	bgCtx          context.Context
	stopBackground context.CancelFunc
	// warmTimer warms the snapshot a burst of writes leaves (warm.go);
	// guarded by wmu.
	warmTimer *time.Timer
}

// Open opens the index kept in dir, creating it if needed; dir "" keeps it
// in memory (tests). An index that is missing or cannot be read is
// replaced by an empty one and reported by EnsureConsistent, which
// rebuilds it: Open fails only when dir itself is unusable.
func Open(dir string, opts Options) (*Index, error) {
	opts = opts.withDefaults()
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("index: mapping: %w", err)
	}
	ix := &Index{dir: dir, opts: opts, log: opts.Logger, mapping: m,
		text: m.AnalyzerNamed(textAnalyzer), name: m.AnalyzerNamed(nameAnalyzer),
		facets: newLRU[facetEntry](opts.FacetCacheSize), results: newLRU[Results](opts.ResultCacheSize),
		spellings: newLRU[[]spelling](spellingsCacheSize)}
	ix.bgCtx, ix.stopBackground = context.WithCancel(context.Background())
	if ix.text == nil || ix.name == nil {
		return nil, fmt.Errorf("index: mapping: analyzers missing")
	}
	ix.trades = newTradeTable(ix.text)
	if ix.docs, err = newDocBuilder(m); err != nil {
		return nil, fmt.Errorf("index: mapping: %w", err)
	}

	if dir == "" {
		g, err := newMemGeneration(m)
		if err != nil {
			return nil, err
		}
		ix.cur.Store(g)
		ix.pending = "index absent"
		return ix, nil
	}
	g, next, pending, err := openLive(dir, m, ix.log)
	if err != nil {
		return nil, err
	}
	ix.nextGen, ix.pending = next, pending
	ix.cur.Store(g)
	return ix, nil
}

// newGeneration creates the next, empty generation.
func (ix *Index) newGeneration() (*generation, error) {
	return ix.newGenerationWith(indexConfig())
}

// newGenerationWith creates a generation with the scorch configuration
// cfg on disk (in memory, the configuration is fixed).
func (ix *Index) newGenerationWith(cfg map[string]any) (*generation, error) {
	if ix.dir == "" {
		return newMemGeneration(ix.mapping)
	}
	ix.wmu.Lock()
	name := genName(ix.nextGen)
	ix.nextGen++
	ix.wmu.Unlock()
	return createGenerationWith(ix.dir, name, ix.mapping, cfg)
}

// acquire returns the live generation, read-locked; release it with
// g.mu.RUnlock.
func (ix *Index) acquire() (*generation, error) { return acquireLive(&ix.cur) }

// acquireLive returns the generation cur points to, read-locked, waiting
// past a swap; ErrClosed when it is closed and not replaced.
func acquireLive(cur *atomic.Pointer[generation]) (*generation, error) {
	for {
		g := cur.Load()
		g.mu.RLock()
		if !g.closed {
			return g, nil
		}
		g.mu.RUnlock()
		if cur.Load() == g { // closed and not replaced: the index is closed
			return nil, ErrClosed
		}
	}
}

// Close flushes the index to disk and closes it.
func (ix *Index) Close() error {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	if ix.warmTimer != nil {
		ix.warmTimer.Stop()
	}
	ix.stopBackground()
	ix.background.Wait()
	g := ix.cur.Load()
	err := g.flush()
	return errors.Join(err, g.retire(false))
}

// WaitCompaction waits until the compaction that follows a rebuild, and
// the warming of the postings cache after it, are over (benchmarks measure
// the index as it serves once settled).
func (ix *Index) WaitCompaction() { ix.background.Wait() }

// Count returns the number of suppliers in the index.
func (ix *Index) Count() (uint64, error) {
	g, err := ix.acquire()
	if err != nil {
		return 0, err
	}
	defer g.mu.RUnlock()
	n, err := g.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index: count: %w", err)
	}
	return n, nil
}
