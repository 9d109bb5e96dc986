package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// PutTenders creates or replaces a batch of tenders in one transaction,
// each exactly as PutTender would (ImportedAt kept, UpdatedAt stamped,
// source ids indexed, the write audited), and notifies the tender
// subscribers once with every id. Either all are written or none: a
// source id already held by another tender fails the whole batch with
// data.ErrConflict. Bulk loads write thousands of tenders a second this
// way, against hundreds with one transaction each.
func (s *Store) PutTenders(ctx context.Context, tenders []data.Tender, actor string) error {
	if err := validActor(actor); err != nil {
		return err
	}
	for i := range tenders {
		if err := validID("ID", tenders[i].ID); err != nil {
			return fmt.Errorf("store: tender %d: %w", i, err)
		}
	}
	now := s.stamp()
	return s.update(ctx, func(tx *bolt.Tx, changed *changeSet) error {
		seen := make(map[string]bool, len(tenders))
		for i := range tenders {
			t := tenders[i]
			if err := putTender(tx, &t, actor, now); err != nil {
				return err
			}
			if !seen[t.ID] {
				seen[t.ID] = true
				changed.tenders = append(changed.tenders, t.ID)
			}
		}
		return nil
	})
}
