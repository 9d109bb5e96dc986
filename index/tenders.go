package index

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"

	"fabrique/data"
)

// TenderSource is where the tender index takes tenders from; the store
// satisfies it.
type TenderSource interface {
	// Tenders calls fn for every tender.
	Tenders(ctx context.Context, fn func(data.Tender) error) error
	// TendersChecksum returns the number of tenders and the String of a
	// data.StampSum over their (ID, UpdatedAt) pairs. The store reads it
	// in O(1): a start whose recorded value matches it walks nothing.
	TendersChecksum(ctx context.Context) (count int, sum string, err error)
	// Tender returns one tender, or an error wrapping data.ErrNotFound.
	Tender(ctx context.Context, id string) (data.Tender, error)
}

// TenderOptions tunes a TenderIndex. The zero value is usable.
type TenderOptions struct {
	// BatchSize is the number of documents per bleve batch (default 1000).
	BatchSize int
	// Logger receives rebuild messages (default: discard).
	Logger *slog.Logger
	// Now is the clock that decides which tenders are open (default
	// time.Now).
	Now func() time.Time
}

// TenderIndex is the search index of tenders and their lots: French text,
// keyword facets, deadline, publication and value ranges, distance from a
// place, and the matcher run from a company to the open tenders that fit
// it (TendersFor). It lives in its own directory next to the suppliers'
// index, with the same generations: Rebuild builds aside and swaps, and
// EnsureConsistent rebuilds when the index is missing, unreadable, of
// another schema, or does not hold the store's versions. Safe for
// concurrent use.
type TenderIndex struct {
	dir     string
	opts    TenderOptions
	log     *slog.Logger
	mapping *mapping.IndexMappingImpl
	docs    *docBuilder
	text    analysis.Analyzer
	trades  tradeTable
	// stems caches the analysed words of the titles TendersFor grades
	// (tender_stems.go).
	stems *lru[[]string]

	cur atomic.Pointer[generation]
	// wmu serialises writes with each other and with a rebuild's swap;
	// replay records, during a rebuild, the ids written meanwhile.
	wmu       sync.Mutex
	replay    *[]string
	pending   string
	nextGen   int
	closed    bool
	rebuildMu sync.Mutex
	// background runs the compaction that follows a rebuild; Close stops
	// and waits for it.
	background     sync.WaitGroup
	bgCtx          context.Context
	stopBackground context.CancelFunc
}

// OpenTenders opens the tender index kept in dir, creating it if needed;
// dir "" keeps it in memory. A missing or unreadable index is replaced by
// an empty one, which EnsureConsistent rebuilds.
func OpenTenders(dir string, opts TenderOptions) (*TenderIndex, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = defaultBatchSize
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	m, err := newTenderMapping()
	if err != nil {
		return nil, fmt.Errorf("index: tender mapping: %w", err)
	}
	ti := &TenderIndex{dir: dir, opts: opts, log: opts.Logger, mapping: m, text: m.AnalyzerNamed(textAnalyzer)}
	if ti.text == nil {
		return nil, fmt.Errorf("index: tender mapping: analyzer %s missing", textAnalyzer)
	}
	ti.trades = newTradeTable(ti.text)
	ti.stems = newLRU[[]string](stemsCacheSize)
	ti.bgCtx, ti.stopBackground = context.WithCancel(context.Background())
	if ti.docs, err = newDocBuilder(m); err != nil {
		return nil, fmt.Errorf("index: tender mapping: %w", err)
	}
	var g *generation
	if dir == "" {
		g, err = newMemGeneration(m)
		ti.pending = "index absent"
	} else {
		g, ti.nextGen, ti.pending, err = openLive(dir, m, ti.log)
	}
	if err != nil {
		return nil, err
	}
	g.buildCols = buildTenderColumns
	ti.cur.Store(g)
	return ti, nil
}

// newGenerationWith creates the next, empty generation with the scorch
// configuration cfg on disk (in memory, the configuration is fixed),
// marked with the tender schema.
func (ti *TenderIndex) newGenerationWith(cfg map[string]any) (*generation, error) {
	var g *generation
	var err error
	if ti.dir == "" {
		g, err = newMemGeneration(ti.mapping)
	} else {
		ti.wmu.Lock()
		name := genName(ti.nextGen)
		ti.nextGen++
		ti.wmu.Unlock()
		g, err = createGenerationWith(ti.dir, name, ti.mapping, cfg)
	}
	if err != nil {
		return nil, err
	}
	if err := g.idx.SetInternal(keyTenderSchema, []byte(tenderSchemaVersion)); err != nil {
		_ = g.retire(true)
		return nil, fmt.Errorf("index: %w", err)
	}
	g.buildCols = buildTenderColumns
	return g, nil
}

// acquire returns the live generation, read-locked; release it with
// g.mu.RUnlock.
func (ti *TenderIndex) acquire() (*generation, error) { return acquireLive(&ti.cur) }

// Close flushes the index to disk and closes it.
func (ti *TenderIndex) Close() error {
	ti.wmu.Lock()
	defer ti.wmu.Unlock()
	if ti.closed {
		return nil
	}
	ti.closed = true
	ti.stopBackground()
	ti.background.Wait()
	g := ti.cur.Load()
	return errors.Join(g.flush(), g.retire(false))
}

// compactInBackground merges the segments of g while it serves, as for
// suppliers (Index.compactInBackground). Called with wmu held, so that
// Close cannot be waiting already.
func (ti *TenderIndex) compactInBackground(g *generation) {
	if g.path == "" {
		return
	}
	ti.background.Go(func() {
		// A generation retired meanwhile (a newer rebuild) is no failure.
		if _, err := g.compact(ti.bgCtx); err != nil && ti.bgCtx.Err() == nil && !g.isClosed() {
			ti.log.Warn("index: tender compaction failed; searches stay correct, only slower", "err", err)
		}
	})
}

// WaitCompaction waits until the compaction that follows a rebuild is
// over (benchmarks measure the index as it serves once settled).
func (ti *TenderIndex) WaitCompaction() { ti.background.Wait() }

// Count returns the number of tenders in the index.
func (ti *TenderIndex) Count() (uint64, error) {
	g, err := ti.acquire()
	if err != nil {
		return 0, err
	}
	defer g.mu.RUnlock()
	return g.idx.DocCount()
}

// Put indexes tenders, replacing their previous version.
func (ti *TenderIndex) Put(ctx context.Context, tenders ...data.Tender) error {
	ti.wmu.Lock()
	defer ti.wmu.Unlock()
	if ti.closed {
		return ErrClosed
	}
	ids := make([]string, 0, len(tenders))
	for _, t := range tenders {
		ids = append(ids, t.ID)
	}
	return ti.writeLocked(ctx, ti.cur.Load(), ids, func(yield func(string, *data.Tender) error) error {
		for i := range tenders {
			if err := yield(tenders[i].ID, &tenders[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// Apply follows changes of the store: each id is read again from src and
// indexed, or deleted when src answers data.ErrNotFound, under the write
// lock so that an older version never overwrites a newer one.
func (ti *TenderIndex) Apply(ctx context.Context, src TenderSource, ids []string) error {
	ti.wmu.Lock()
	defer ti.wmu.Unlock()
	if ti.closed {
		return ErrClosed
	}
	return ti.applyLocked(ctx, ti.cur.Load(), src, ids)
}

// applyLocked reads ids from src into g, deleting those src lacks.
func (ti *TenderIndex) applyLocked(ctx context.Context, g *generation, src TenderSource, ids []string) error {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	return ti.writeLocked(ctx, g, ids, func(yield func(string, *data.Tender) error) error {
		for _, id := range ids {
			t, err := src.Tender(ctx, id)
			switch {
			case errors.Is(err, data.ErrNotFound):
				if err := yield(id, nil); err != nil {
					return err
				}
			case err != nil:
				return fmt.Errorf("index: apply tender %s: %w", id, err)
			default:
				if err := yield(id, &t); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// writeLocked indexes into g the tenders that each yields (nil: delete
// id), and records their ids for the replay of a running rebuild.
func (ti *TenderIndex) writeLocked(ctx context.Context, g *generation, ids []string, each func(yield func(id string, t *data.Tender) error) error) error {
	b := g.idx.NewBatch()
	err := each(func(id string, t *data.Tender) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if t == nil {
			b.Delete(id)
		} else {
			doc, err := ti.docs.tenderDocument(t)
			if err != nil {
				return err
			}
			if err := b.IndexAdvanced(doc); err != nil {
				return fmt.Errorf("index: tender %s: %w", t.ID, err)
			}
		}
		if b.Size() >= ti.opts.BatchSize {
			if err := ti.commit(g, b); err != nil {
				return err
			}
			b = g.idx.NewBatch()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := ti.commit(g, b); err != nil {
		return err
	}
	if ti.replay != nil && g == ti.cur.Load() {
		*ti.replay = append(*ti.replay, ids...)
	}
	return nil
}

// commit writes a batch, forgetting the recorded source checksum: once
// written to, the index no longer matches it.
func (ti *TenderIndex) commit(g *generation, b *bleve.Batch) error {
	if b.Size() == 0 {
		return nil
	}
	b.DeleteInternal(keySync)
	if err := g.idx.Batch(b); err != nil {
		return fmt.Errorf("index: tender batch: %w", err)
	}
	return nil
}

// Rebuild builds a new generation from src aside and swaps it in; writes
// made meanwhile are read again from src into the new generation before
// the swap. progress, if not nil, is called after each batch with the
// number of tenders indexed so far (from the indexing goroutines, one call
// at a time).
func (ti *TenderIndex) Rebuild(ctx context.Context, src TenderSource, progress func(done int)) error {
	ti.rebuildMu.Lock()
	defer ti.rebuildMu.Unlock()
	start := time.Now()
	count, sum, err := src.TendersChecksum(ctx)
	if err != nil {
		return fmt.Errorf("index: tender rebuild: checksum: %w", err)
	}
	// Filled without background merges and on several workers, then
	// reopened with the ordinary configuration, as for suppliers
	// (Index.Rebuild).
	ng, err := ti.newGenerationWith(bulkIndexConfig())
	if err != nil {
		return err
	}
	ti.wmu.Lock()
	if ti.closed {
		ti.wmu.Unlock()
		_ = ng.retire(true)
		return ErrClosed
	}
	replay := []string{}
	ti.replay = &replay
	ti.wmu.Unlock()
	swapped := false
	defer func() {
		if !swapped {
			ti.wmu.Lock()
			ti.replay = nil
			ti.wmu.Unlock()
			_ = ng.retire(true)
		}
	}()

	done, err := fillParallel(ctx, ng, "tender rebuild", defaultRebuildBatchSize, src.Tenders, ti.docs.tenderDocument,
		func(t *data.Tender, err error) { ti.log.Warn("index: tender skipped", "id", t.ID, "err", err) },
		progress)
	if err != nil {
		return err
	}
	if err := ng.reopenForServing(); err != nil {
		return err
	}

	ti.wmu.Lock()
	defer ti.wmu.Unlock()
	if ti.closed {
		return ErrClosed
	}
	if len(replay) > 0 {
		if err := ti.applyLocked(ctx, ng, src, replay); err != nil {
			return fmt.Errorf("index: tender rebuild: replay: %w", err)
		}
	} else if err := setSyncMeta(ng, syncMeta{Count: count, Sum: sum, At: time.Now().UTC()}); err != nil {
		return err
	}
	if err := ng.flush(); err != nil {
		return err
	}
	if ti.dir != "" {
		if err := writeCurrent(ti.dir, ng.name); err != nil {
			return err
		}
	}
	old := ti.cur.Swap(ng)
	swapped = true
	ti.replay = nil
	ti.pending = ""
	if err := old.retire(true); err != nil {
		ti.log.Warn("index: removing the previous tender generation", "err", err)
	}
	ti.log.Info("tender index rebuilt", "tenders", done, "replayed_writes", len(replay),
		"generation", ng.name, "took", time.Since(start).Round(time.Millisecond))
	ti.compactInBackground(ng)
	return nil
}

// EnsureConsistent checks the index against src and rebuilds it when it is
// missing, unreadable, built by another schema, or does not hold exactly
// the store's versions (same count, and the checksum recomputed from the
// index's stamps equals the store's). reason says, in French, why.
func (ti *TenderIndex) EnsureConsistent(ctx context.Context, src TenderSource, progress func(done int)) (rebuilt bool, reason string, err error) {
	ti.wmu.Lock()
	reason = ti.pending
	ti.wmu.Unlock()
	if reason == "" {
		if reason, err = ti.check(ctx, src); err != nil {
			if ctx.Err() != nil {
				return false, "", fmt.Errorf("index: tender check: %w", err)
			}
			reason = "index illisible : " + err.Error()
		}
	}
	if reason == "" {
		// Up to date, but perhaps in many segments (written piecemeal,
		// or a compaction cut short by a stop).
		ti.wmu.Lock()
		if !ti.closed {
			ti.compactInBackground(ti.cur.Load())
		}
		ti.wmu.Unlock()
		return false, "", nil
	}
	ti.log.Info("tender index rebuild needed", "reason", reason)
	if err := ti.Rebuild(ctx, src, progress); err != nil {
		return false, reason, err
	}
	return true, reason, nil
}

// check returns why the index does not match src, "" when it does.
func (ti *TenderIndex) check(ctx context.Context, src TenderSource) (string, error) {
	g, err := ti.acquire()
	if err != nil {
		return "", err
	}
	defer g.mu.RUnlock()
	schema, err := g.idx.GetInternal(keyTenderSchema)
	if err != nil {
		return "", err
	}
	if string(schema) != tenderSchemaVersion {
		return fmt.Sprintf("schéma de l'index des avis modifié (version %q → %s)", schema, tenderSchemaVersion), nil
	}
	count, sum, err := src.TendersChecksum(ctx)
	if err != nil {
		return "", fmt.Errorf("source checksum: %w", err)
	}
	n, err := g.idx.DocCount()
	if err != nil {
		return "", err
	}
	if n != uint64(count) {
		return fmt.Sprintf("index des avis périmé : %d avis indexés, %d dans le stockage", n, count), nil
	}
	if m, ok, err := syncMetaOf(g); err != nil {
		return "", err
	} else if ok && m.Count == count && m.Sum == sum {
		return "", nil
	}
	stamps, err := indexStamps(g)
	if err != nil {
		return "", err
	}
	if got := stampsChecksum(stamps); got != sum {
		return "index des avis périmé : des avis ont changé depuis leur indexation", nil
	}
	return "", setSyncMeta(g, syncMeta{Count: count, Sum: sum, At: time.Now().UTC()})
}

// stampsChecksum computes TenderSource.TendersChecksum from the index's
// own (id → stamp) pairs: the stamps are written as the store writes them
// (tenderStamp), and the checksum does not depend on the order.
func stampsChecksum(stamps map[string]string) string {
	var sum data.StampSum
	for id, st := range stamps {
		sum.Add(id, st)
	}
	return sum.String()
}
