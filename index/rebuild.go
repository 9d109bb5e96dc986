package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"

	"fabrique/data"
)

// Source is where the index takes suppliers from; the store satisfies it.
type Source interface {
	// Suppliers calls fn for every supplier.
	Suppliers(ctx context.Context, fn func(data.Supplier) error) error
	// SuppliersChecksum returns the number of suppliers and a hash over
	// their (ID, UpdatedAt) that changes whenever one of them does.
	SuppliersChecksum(ctx context.Context) (count int, sum string, err error)
	// Supplier returns one supplier, or an error wrapping data.ErrNotFound.
	Supplier(ctx context.Context, id string) (data.Supplier, error)
}

// syncMeta is the source checksum the index was last known to match.
type syncMeta struct {
	Count int       `json:"count"`
	Sum   string    `json:"sum"`
	At    time.Time `json:"at"`
}

// Rebuild builds a new generation from src aside, then swaps it in:
// searches keep answering from the old generation during the build, and
// writes made meanwhile (Put, Delete, Apply) reach both. The old
// generation is removed after the swap. progress, if not nil, is called
// after each batch with the number of suppliers indexed so far (from the
// indexing goroutines, one call at a time).
func (ix *Index) Rebuild(ctx context.Context, src Source, progress func(done int)) error {
	ix.rebuildMu.Lock()
	defer ix.rebuildMu.Unlock()
	start := time.Now()

	// The checksum is read before the walk: if the source changes during
	// the walk, the recorded value is older than the source and the next
	// EnsureConsistent verifies instead of trusting it. Never the reverse.
	count, sum, err := src.SuppliersChecksum(ctx)
	if err != nil {
		return fmt.Errorf("index: rebuild: checksum: %w", err)
	}
	// Filled without background merges (bulkIndexConfig), then reopened
	// with the ordinary configuration once complete.
	ng, err := ix.newGenerationWith(bulkIndexConfig())
	if err != nil {
		return err
	}
	ix.wmu.Lock()
	if ix.closed {
		ix.wmu.Unlock()
		_ = ng.retire(true)
		return ErrClosed
	}
	replay := []writeOp{}
	ix.replay = &replay
	ix.wmu.Unlock()

	swapped := false
	defer func() {
		if !swapped {
			ix.wmu.Lock()
			ix.replay = nil
			ix.wmu.Unlock()
			_ = ng.retire(true)
		}
	}()

	done, err := ix.fill(ctx, ng, src, progress)
	if err != nil {
		return err
	}
	if err := ng.reopenForServing(); err != nil {
		return err
	}

	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	if ix.closed {
		return ErrClosed
	}
	for _, op := range replay {
		if err := ix.applyOp(ctx, ng, op); err != nil {
			return fmt.Errorf("index: rebuild: replay: %w", err)
		}
	}
	if len(replay) == 0 {
		if err := setSyncMeta(ng, syncMeta{Count: count, Sum: sum, At: time.Now().UTC()}); err != nil {
			return err
		}
	}
	if err := ng.flush(); err != nil {
		return err
	}
	if ix.dir != "" {
		if err := writeCurrent(ix.dir, ng.name); err != nil {
			return err
		}
	}
	old := ix.cur.Swap(ng)
	swapped = true
	ix.replay = nil
	ix.pending = ""
	ix.version.Add(1)
	if err := old.retire(true); err != nil {
		ix.log.Warn("index: removing the previous generation", "err", err)
	}
	ix.log.Info("index rebuilt", "suppliers", done, "replayed_writes", len(replay),
		"generation", ng.name, "took", time.Since(start).Round(time.Millisecond))
	ix.compactInBackground(ng)
	return nil
}

// compactInBackground merges the segments of a generation (freshly built,
// or found in many segments at start) while it serves: searches are faster
// on one segment, but the merge rewrites the whole index (a few seconds at
// 100 000 suppliers) and need not delay the swap. Scores, counts and ids
// do not change, only document numbers, and each search reads its own
// snapshot's columns. Called with wmu held, so that Close cannot be
// waiting for background work already.
func (ix *Index) compactInBackground(g *generation) {
	if g.path == "" {
		return
	}
	ix.background.Go(func() {
		start := time.Now()
		merged, err := g.compact(ix.bgCtx)
		if err != nil {
			if ix.bgCtx.Err() == nil && !g.isClosed() { // else replaced by a newer rebuild meanwhile
				ix.log.Warn("index: compaction failed; searches stay correct, only slower", "generation", g.name, "err", err)
			}
			return
		}
		if merged {
			ix.log.Info("index compacted", "generation", g.name, "took", time.Since(start).Round(time.Millisecond))
		}
		ix.warm(ix.bgCtx, g) // the snapshot that serves until the next write (warm.go)
	})
}

// bulkIndexConfig is the scorch configuration of a generation being
// filled by a rebuild: indexConfig without background merges. With them,
// bleve merged the segments of the batches ten at a time while the
// batches were still being built, competing with them for the two cores,
// and the compaction after the swap merged the merged segments again:
// most postings were written three times. Without them, the rebuild
// leaves one segment per batch, and the compaction merges them all in one
// pass (compactFanIn). The budget of segments per tier is what stops
// bleve's planner: it merges only when a tier holds more segments than
// that.
//
// unsafe_batch (also in indexConfig) is safe here a fortiori: the
// generation is published (CURRENT, the swap) only after flush has waited
// for every segment to be on disk, and a crash before that leaves a
// directory that Open removes and a store that still has everything.
func bulkIndexConfig() map[string]any {
	cfg := indexConfig()
	cfg["scorchMergePlanOptions"] = map[string]any{
		"MaxSegmentsPerTier": 1 << 20,
		"TierGrowth":         1.0,
		"FloorSegmentSize":   1,
	}
	return cfg
}

// reopenForServing closes a generation filled with bulkIndexConfig, once
// everything is on disk, and opens it again with indexConfig, so that the
// writes it receives once live are merged as usual. The generation is not
// shared yet (writes made during the rebuild wait in the replay list).
func (g *generation) reopenForServing() error {
	if g.path == "" {
		return nil
	}
	if err := g.flush(); err != nil {
		return err
	}
	err := g.idx.Close()
	var idx bleve.Index
	if err == nil {
		idx, err = bleve.OpenUsing(g.path, indexConfig())
	}
	if err != nil {
		// bleve's index is closed whatever the error, and must not be
		// closed twice (scorch panics): retire will find g closed.
		g.mu.Lock()
		g.closed = true
		g.mu.Unlock()
		_ = os.RemoveAll(g.path)
		return fmt.Errorf("index: rebuild: reopen %s: %w", g.path, err)
	}
	g.idx = idx
	return nil
}

// fill indexes every supplier of src into g (fillParallel).
func (ix *Index) fill(ctx context.Context, g *generation, src Source, progress func(int)) (int, error) {
	now := ix.opts.Now()
	return fillParallel(ctx, g, "rebuild", ix.opts.RebuildBatchSize, src.Suppliers,
		func(s *data.Supplier) (*document.Document, error) {
			d, err := toDoc(*s, now)
			if err != nil {
				return nil, err
			}
			return ix.docs.document(&d), nil
		},
		func(s *data.Supplier, err error) { ix.log.Warn("index: supplier skipped", "id", s.ID, "err", err) },
		progress)
}

// fillParallel is the build of a rebuild, shared by the suppliers' and the
// tenders' indexes. The walk only reads items and hands them over in
// chunks of size; indexWorkers goroutines each turn a chunk into documents
// and index it as one bleve batch (indexChunk, one segment), so that both
// cores work during a rebuild and the walk (a store decoding its records)
// does not leave them waiting. The collector's target is raised meanwhile
// (rebuild_gc.go). progress, if not nil, is called after each chunk with
// the number of items indexed so far, one call at a time. what names the
// operation in the walk's errors ("rebuild").
//
// doc turns an item into its document; an item it refuses is passed to
// skipped and left out (one bad record must not cost the whole index).
func fillParallel[T any](ctx context.Context, g *generation, what string, size int, walk func(context.Context, func(T) error) error,
	doc func(*T) (*document.Document, error), skipped func(*T, error), progress func(int)) (int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer rebuildGC.acquire()() // rebuild_gc.go
	chunks := make(chan []T, indexWorkers)
	errs := make(chan error, indexWorkers+1)
	var indexed atomic.Int64
	var progressMu sync.Mutex
	var wg sync.WaitGroup
	for range indexWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for chunk := range chunks {
				n, err := indexChunk(g, chunk, doc, skipped)
				if err != nil {
					errs <- err
					cancel()
					return
				}
				done := indexed.Add(int64(n))
				if progress != nil {
					progressMu.Lock()
					progress(int(done))
					progressMu.Unlock()
				}
			}
		}()
	}

	chunk := make([]T, 0, size)
	send := func() error {
		if len(chunk) == 0 {
			return nil
		}
		select {
		case chunks <- chunk:
		case <-ctx.Done():
			return ctx.Err()
		}
		chunk = make([]T, 0, size)
		return nil
	}
	err := walk(ctx, func(v T) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk = append(chunk, v)
		if len(chunk) >= size {
			return send()
		}
		return nil
	})
	if err == nil {
		err = send()
	}
	close(chunks)
	wg.Wait()
	close(errs)
	if werr := <-errs; werr != nil {
		return int(indexed.Load()), werr
	}
	if err != nil {
		return int(indexed.Load()), fmt.Errorf("index: %s: %w", what, err)
	}
	return int(indexed.Load()), nil
}

// indexChunk indexes items into g as one batch and returns how many it
// indexed; those doc refuses are passed to skipped.
func indexChunk[T any](g *generation, chunk []T, doc func(*T) (*document.Document, error), skipped func(*T, error)) (int, error) {
	b := g.idx.NewBatch()
	for i := range chunk {
		d, err := doc(&chunk[i])
		if err != nil {
			skipped(&chunk[i], err)
			continue
		}
		if err := b.IndexAdvanced(d); err != nil {
			return 0, fmt.Errorf("index: rebuild: %s: %w", d.ID(), err)
		}
	}
	n := b.Size()
	if n == 0 {
		return 0, nil
	}
	if err := g.idx.Batch(b); err != nil {
		return 0, fmt.Errorf("index: rebuild: batch: %w", err)
	}
	return n, nil
}

// indexWorkers is the number of batches indexed at once during a rebuild.
const indexWorkers = 2

// EnsureConsistent checks the index against src and rebuilds it when it is
// missing, unreadable, built by another schema, or stale. The check is
// cheap when nothing was written since the index last matched the source
// (the recorded checksum equals src's); otherwise every supplier's
// (ID, UpdatedAt) is compared with the index's. A readable index a few
// documents behind (a crash) is repaired in place instead: only those are
// indexed again (repair.go). reason says, in French, why a rebuild or a
// repair happened; rebuilt is true for both.
func (ix *Index) EnsureConsistent(ctx context.Context, src Source, progress func(done int)) (rebuilt bool, reason string, err error) {
	ix.wmu.Lock()
	reason = ix.pending
	ix.wmu.Unlock()
	if reason == "" {
		reason, err = ix.check(ctx, src)
		if err != nil {
			if ctx.Err() != nil {
				return false, "", fmt.Errorf("index: check: %w", err)
			}
			ix.log.Warn("index check failed, rebuilding", "err", err)
			reason = "index illisible : " + err.Error()
		} else if reason != "" { // readable but stale: a few documents behind after a crash? (repair.go)
			n, ok, rerr := ix.repair(ctx, src)
			if rerr != nil && ctx.Err() != nil {
				return false, "", fmt.Errorf("index: repair: %w", rerr)
			}
			if ok {
				ix.log.Info("index repaired", "reason", reason, "documents", n)
				return true, fmt.Sprintf("%s ; réparé : %d fiche(s) réindexée(s)", reason, n), nil
			}
		}
	}
	if reason == "" {
		// Up to date, but perhaps in many segments: written piecemeal by
		// the crawler, or a compaction cut short by a stop.
		ix.wmu.Lock()
		if !ix.closed {
			ix.compactInBackground(ix.cur.Load())
		}
		ix.wmu.Unlock()
		return false, "", nil
	}
	ix.log.Info("index rebuild needed", "reason", reason)
	if err := ix.Rebuild(ctx, src, progress); err != nil {
		return false, reason, err
	}
	return true, reason, nil
}

// check returns why the index does not match src, "" when it does.
func (ix *Index) check(ctx context.Context, src Source) (string, error) {
	g, err := ix.acquire()
	if err != nil {
		return "", err
	}
	defer g.mu.RUnlock()

	schema, err := g.idx.GetInternal(keySchema)
	if err != nil {
		return "", err
	}
	if string(schema) != schemaVersion {
		return "schéma de l'index modifié (version " + strconv.Quote(string(schema)) + " → " + schemaVersion + ")", nil
	}
	count, sum, err := src.SuppliersChecksum(ctx)
	if err != nil {
		return "", fmt.Errorf("source checksum: %w", err)
	}
	n, err := g.idx.DocCount()
	if err != nil {
		return "", err
	}
	if n != uint64(count) {
		return fmt.Sprintf("index périmé : %d fiches indexées, %d dans le stockage", n, count), nil
	}
	if m, ok, err := syncMetaOf(g); err != nil {
		return "", err
	} else if ok && m.Count == count && m.Sum == sum {
		return "", nil
	}

	// Slow path: compare every (ID, UpdatedAt).
	stamps, err := indexStamps(g)
	if err != nil {
		return "", err
	}
	var reason string
	err = src.Suppliers(ctx, func(s data.Supplier) error {
		got, ok := stamps[s.ID]
		switch {
		case !ok:
			reason = fmt.Sprintf("index périmé : fiche %s absente de l'index", s.ID)
		case got != stamp(s.UpdatedAt):
			reason = fmt.Sprintf("index périmé : fiche %s modifiée depuis son indexation", s.ID)
		default:
			delete(stamps, s.ID)
			return nil
		}
		return errStop
	})
	if err != nil && !errors.Is(err, errStop) {
		return "", fmt.Errorf("source walk: %w", err)
	}
	if reason != "" {
		return reason, nil
	}
	if len(stamps) > 0 {
		for id := range stamps {
			return fmt.Sprintf("index périmé : fiche %s indexée mais absente du stockage", id), nil
		}
	}
	// In sync: remember the checksum so that the next start is quick.
	return "", setSyncMeta(g, syncMeta{Count: count, Sum: sum, At: time.Now().UTC()})
}

var errStop = errors.New("stop")

func setSyncMeta(g *generation, m syncMeta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("index: %w", err)
	}
	if err := g.idx.SetInternal(keySync, b); err != nil {
		return fmt.Errorf("index: record checksum: %w", err)
	}
	return nil
}

func syncMetaOf(g *generation) (syncMeta, bool, error) {
	b, err := g.idx.GetInternal(keySync)
	if err != nil || len(b) == 0 {
		return syncMeta{}, false, err
	}
	var m syncMeta
	if err := json.Unmarshal(b, &m); err != nil {
		return syncMeta{}, false, nil // unreadable: verify the slow way
	}
	return m, true, nil
}

// indexStamps reads the (ID → UpdatedAt) of every indexed supplier from
// the doc values of the stamp field.
func indexStamps(g *generation) (map[string]string, error) {
	r, err := g.snapshotOf()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	n, _ := r.DocCount()
	out := make(map[string]string, n)
	ids, err := r.DocIDReaderAll()
	if err != nil {
		return nil, err
	}
	defer ids.Close()
	dv, err := r.DocValueReader([]string{fStamp})
	if err != nil {
		return nil, err
	}
	for {
		iid, err := ids.Next()
		if err != nil {
			return nil, err
		}
		if iid == nil {
			return out, nil
		}
		ext, err := r.ExternalID(iid)
		if err != nil {
			return nil, err
		}
		var st string
		if err := dv.VisitDocValues(iid, func(_ string, term []byte) { st = string(term) }); err != nil {
			return nil, err
		}
		out[ext] = st
	}
}
