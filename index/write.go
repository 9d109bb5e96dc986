package index

import (
	"context"
	"errors"
	"fmt"

	"fabrique/data"
)

// writeOp is one write recorded during a rebuild, to be replayed on the
// new generation before it goes live.
type writeOp struct {
	docs []indexDoc // documents to index
	del  []string   // ids to delete
}

// Put indexes the suppliers, replacing their previous version, in batches
// of Options.BatchSize. A supplier without an ID fails the whole call
// (wrapping data.ErrInvalid) before anything is written.
func (ix *Index) Put(ctx context.Context, sups ...data.Supplier) error {
	docs, err := ix.toDocs(sups)
	if err != nil {
		return err
	}
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	return ix.writeLocked(ctx, writeOp{docs: docs})
}

// Delete removes suppliers from the index; unknown ids are ignored.
func (ix *Index) Delete(ctx context.Context, ids ...string) error {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	return ix.writeLocked(ctx, writeOp{del: ids})
}

// Apply follows changes of the store: each id is read again from src and
// indexed, or deleted when src answers data.ErrNotFound. Reading and
// writing happen under the write lock, so two Apply calls for the same id
// cannot index an older version over a newer one.
func (ix *Index) Apply(ctx context.Context, src Source, ids []string) error {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	var op writeOp
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("index: apply: %w", err)
		}
		s, err := src.Supplier(ctx, id)
		switch {
		case errors.Is(err, data.ErrNotFound):
			op.del = append(op.del, id)
		case err != nil:
			return fmt.Errorf("index: apply %s: %w", id, err)
		default:
			d, err := toDoc(s, ix.opts.Now())
			if err != nil {
				return err
			}
			op.docs = append(op.docs, d)
		}
	}
	return ix.writeLocked(ctx, op)
}

func (ix *Index) toDocs(sups []data.Supplier) ([]indexDoc, error) {
	now := ix.opts.Now()
	docs := make([]indexDoc, 0, len(sups))
	for _, s := range sups {
		d, err := toDoc(s, now)
		if err != nil {
			return nil, err
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// writeLocked applies op to the live generation and, during a rebuild,
// records it for replay. ix.wmu must be held.
func (ix *Index) writeLocked(ctx context.Context, op writeOp) error {
	if ix.closed {
		return ErrClosed
	}
	if len(op.docs) == 0 && len(op.del) == 0 {
		return nil
	}
	g := ix.cur.Load()
	// The facet cache is keyed by version: bump it before and after, so
	// that a search overlapping the write cannot cache a result under the
	// version that follows it.
	ix.version.Add(1)
	defer ix.version.Add(1)
	if err := ix.applyOp(ctx, g, op); err != nil {
		return err
	}
	if ix.replay != nil {
		*ix.replay = append(*ix.replay, op)
	}
	ix.scheduleWarm()
	return nil
}

// applyOp writes op to g in batches. Every batch also forgets the recorded
// source checksum: once written, the index no longer matches it.
func (ix *Index) applyOp(ctx context.Context, g *generation, op writeOp) error {
	b := g.idx.NewBatch()
	flush := func() error {
		if b.Size() == 0 {
			return nil
		}
		b.DeleteInternal(keySync)
		if err := g.idx.Batch(b); err != nil {
			return fmt.Errorf("index: write batch: %w", err)
		}
		// A fresh batch rather than b.Reset(): scorch's analysis
		// goroutines read the batch with no happens-before edge to a
		// reset that follows, which the race detector reports.
		b = g.idx.NewBatch()
		return ctx.Err()
	}
	for _, id := range op.del {
		b.Delete(id)
		if b.Size() >= ix.opts.BatchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	for i := range op.docs {
		if err := b.IndexAdvanced(ix.docs.document(&op.docs[i])); err != nil {
			return fmt.Errorf("index: %s: %w", op.docs[i].ID, err)
		}
		if b.Size() >= ix.opts.BatchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
