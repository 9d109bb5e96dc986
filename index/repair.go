package index

import (
	"context"
	"errors"
	"fmt"

	"fabrique/data"
)

// maxRepair is how many suppliers a start re-indexes in place before it
// prefers a full rebuild: a crash leaves a few documents behind (those of
// the last writes), a long stop many.
func maxRepair(count int) int { return max(1000, count/20) }

// repair brings an index of the current schema back in step with src by
// re-indexing only the suppliers whose (ID, UpdatedAt) differ, and
// deleting those src no longer has. ok is false, with nothing written,
// when more than maxRepair differ or the schema is not the current one;
// it is also false when the index still differs afterwards (a writer was
// busy meanwhile): the caller then rebuilds.
func (ix *Index) repair(ctx context.Context, src Source) (n int, ok bool, err error) {
	g, err := ix.acquire()
	if err != nil {
		return 0, false, err
	}
	schema, err := g.idx.GetInternal(keySchema)
	if err != nil || string(schema) != schemaVersion {
		g.mu.RUnlock()
		return 0, false, err
	}
	stamps, err := indexStamps(g)
	g.mu.RUnlock()
	if err != nil {
		return 0, false, err
	}
	limit := maxRepair(len(stamps))
	var ids []string
	err = src.Suppliers(ctx, func(s data.Supplier) error {
		if got, found := stamps[s.ID]; !found || got != stamp(s.UpdatedAt) {
			if ids = append(ids, s.ID); len(ids) > limit {
				return errStop
			}
		}
		delete(stamps, s.ID)
		return nil
	})
	switch {
	case errors.Is(err, errStop):
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("index: repair: %w", err)
	}
	for id := range stamps { // indexed, gone from the source: Apply deletes them
		ids = append(ids, id)
	}
	if len(ids) > limit {
		return 0, false, nil
	}
	if err := ix.Apply(ctx, src, ids); err != nil {
		return 0, false, err
	}
	reason, err := ix.check(ctx, src)
	if err != nil || reason != "" {
		return 0, false, err
	}
	return len(ids), true, nil
}
