package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// bucketTenderUpdated indexes tenders by their UpdatedAt (time|id → ""),
// so that the tender search index can tell whether it holds the store's
// versions without decoding every tender (TendersChecksum).
var bucketTenderUpdated = []byte("idx_tender_updated")

// tenderUpdatedEntry is the idx_tender_updated entry of t.
func tenderUpdatedEntry(t *data.Tender) entry {
	return multiEntry(bucketTenderUpdated, "date de mise à jour d'avis", timeKey(t.UpdatedAt)+"|"+t.ID)
}

// createTenderUpdated is schema version 3: the idx_tender_updated bucket,
// filled from the tenders already stored.
func createTenderUpdated(tx *bolt.Tx) error {
	b, err := tx.CreateBucketIfNotExists(bucketTenderUpdated)
	if err != nil {
		return fmt.Errorf("create bucket %s: %w", bucketTenderUpdated, err)
	}
	return tx.Bucket(bucketTenders).ForEach(func(k, v []byte) error {
		var t data.Tender
		if err := decode("tender", string(k), v, &t); err != nil {
			return err
		}
		e := tenderUpdatedEntry(&t)
		return b.Put([]byte(e.key), nil)
	})
}

// OnTenderChange registers fn to be called after each committed write
// that changed tenders, with their ids, like OnChange for suppliers. fn
// runs synchronously on the writer's goroutine, after the transaction.
// cancel unregisters it.
func (s *Store) OnTenderChange(fn func(ids []string)) (cancel func()) {
	return s.subscribe(&s.tenderSubs, fn)
}

func (s *Store) notifyTenders(ids []string) { s.notifySubs(&s.tenderSubs, ids) }

// TendersChecksum returns the number of tenders and a checksum of their
// (id, UpdatedAt) pairs, kept up to date by every write like
// SuppliersChecksum (checksum.go): O(1), a data.StampSum over the entries
// of idx_tender_updated.
func (s *Store) TendersChecksum(ctx context.Context) (count int, sum string, err error) {
	return s.checksum(ctx, bucketTenderUpdated)
}

// CountTenders returns the number of stored tenders: the count of the
// checksum kept over idx_tender_updated, where every tender has exactly
// one entry (Check verifies both). O(1), where counting the records would
// touch every page of the tenders bucket.
func (s *Store) CountTenders(ctx context.Context) (int, error) {
	n, _, err := s.checksum(ctx, bucketTenderUpdated)
	return n, err
}
