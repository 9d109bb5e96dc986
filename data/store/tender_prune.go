package store

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// pruneBatch is how many tenders one transaction of PruneTenders deletes
// at most, so that writers never wait long behind a prune.
const pruneBatch = 500

// PruneTenders deletes the tenders of source (the part of their ID before
// ':') imported before cutoff, with their source-id index entries, and
// audits each deletion. It works in short transactions and returns how
// many tenders it deleted. It is the retention rule of the needs typed on
// the site (source "besoin"), which nobody owns.
func (s *Store) PruneTenders(ctx context.Context, source string, cutoff time.Time, actor string) (int, error) {
	if err := validActor(actor); err != nil {
		return 0, err
	}
	if source == "" {
		return 0, fmt.Errorf("store: prune tenders: empty source: %w", data.ErrInvalid)
	}
	prefix := []byte(source + ":")
	total := 0
	for {
		n, more, err := s.pruneTendersBatch(ctx, prefix, cutoff, actor)
		total += n
		if err != nil || !more {
			return total, err
		}
	}
}

// pruneTendersBatch deletes up to pruneBatch tenders; more is true when
// it stopped at that bound.
func (s *Store) pruneTendersBatch(ctx context.Context, prefix []byte, cutoff time.Time, actor string) (n int, more bool, err error) {
	now := s.stamp()
	err = s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		n, more = 0, false
		var doomed []data.Tender
		c := tx.Bucket(bucketTenders).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var t data.Tender
			if err := decode("tender", string(k), v, &t); err != nil {
				return err
			}
			if !t.ImportedAt.Before(cutoff) {
				continue
			}
			if len(doomed) == pruneBatch {
				more = true
				break
			}
			doomed = append(doomed, t)
		}
		for i := range doomed {
			t := &doomed[i]
			if err := tx.Bucket(bucketTenders).Delete([]byte(t.ID)); err != nil {
				return fmt.Errorf("store: prune tender %s: %w", t.ID, err)
			}
			if err := syncEntries(tx, t.ID, tenderEntries(t), nil); err != nil {
				return err
			}
			if err := appendAudit(tx, data.AuditEntry{At: now, Actor: actor, Action: "tender.delete", Entity: "tender:" + t.ID,
				Detail: "supprimé par la règle de conservation (importé le " + t.ImportedAt.Format(time.DateOnly) + ")"}); err != nil {
				return err
			}
		}
		n = len(doomed)
		return nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("store: prune tenders %s (batch of %s): %w", prefix, strconv.Itoa(pruneBatch), err)
	}
	return n, more, nil
}
