package store

import (
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// The checksums of the (id, UpdatedAt) pairs of suppliers and tenders, a
// data.StampSum each, are kept in the meta bucket under these keys and
// updated in the transaction of every write that adds or removes an entry
// of idx_updated or idx_tender_updated (syncEntries calls tally). They are
// therefore always equal to what a full walk of those buckets gives, even
// after a crash: a transaction commits both or neither. Schema version 5
// computes them once for a store written before (createChecksums).
var (
	keySuppliersChecksum = []byte("checksum_idx_updated")
	keyTendersChecksum   = []byte("checksum_idx_tender_updated")
)

// checksumKey returns the meta key of the checksum maintained over bucket,
// nil when none is.
func checksumKey(bucket []byte) []byte {
	switch string(bucket) {
	case string(bucketUpdated):
		return keySuppliersChecksum
	case string(bucketTenderUpdated):
		return keyTendersChecksum
	}
	return nil
}

// checksummedBuckets lists the buckets whose checksum the store keeps.
func checksummedBuckets() [][]byte { return [][]byte{bucketUpdated, bucketTenderUpdated} }

// tally adds (add) or removes the time|id entry key of bucket from the
// checksum kept for it, inside the writer's transaction. The caller knows
// the entry was absent (add) or present (remove), so that the checksum
// follows the bucket's content exactly.
func tally(tx *bolt.Tx, bucket []byte, key string, add bool) error {
	at, id, ok := strings.Cut(key, "|")
	if !ok {
		return fmt.Errorf("store: malformed %s key %q: %w", bucket, key, ErrInconsistent)
	}
	mk := checksumKey(bucket)
	meta := tx.Bucket(bucketMeta)
	sum, found, err := storedChecksum(meta, mk)
	if err != nil {
		return err
	}
	if !found {
		// Only a store between two schema steps lacks it, and a migration
		// runs before any write: refuse rather than start from zero.
		return fmt.Errorf("store: no checksum for %s: %w", bucket, ErrInconsistent)
	}
	if add {
		sum.Add(id, at)
	} else {
		sum.Remove(id, at)
	}
	return putChecksum(meta, mk, sum)
}

func storedChecksum(meta *bolt.Bucket, key []byte) (data.StampSum, bool, error) {
	var sum data.StampSum
	raw := meta.Get(key)
	if raw == nil {
		return sum, false, nil
	}
	if err := sum.UnmarshalBinary(raw); err != nil {
		return sum, false, fmt.Errorf("store: meta %s: %w: %w", key, err, ErrInconsistent)
	}
	return sum, true, nil
}

func putChecksum(meta *bolt.Bucket, key []byte, sum data.StampSum) error {
	b, _ := sum.MarshalBinary()
	if err := meta.Put(key, b); err != nil {
		return fmt.Errorf("store: meta %s: %w", key, err)
	}
	return nil
}

// recountChecksum computes the checksum of bucket from its entries: the
// full walk that the maintained value saves, for the migration and Check.
func recountChecksum(ctx context.Context, tx *bolt.Tx, bucket []byte) (data.StampSum, error) {
	var sum data.StampSum
	c := tx.Bucket(bucket).Cursor()
	n := 0
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if n++; n%65536 == 0 && ctx.Err() != nil {
			return sum, ctx.Err()
		}
		at, id, ok := strings.Cut(string(k), "|")
		if !ok {
			return sum, fmt.Errorf("store: malformed %s key %q: %w", bucket, k, ErrInconsistent)
		}
		sum.Add(id, at)
	}
	return sum, nil
}

// createChecksums is schema version 5: the checksums of idx_updated and
// idx_tender_updated, computed once from their entries.
func createChecksums(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	for _, b := range checksummedBuckets() {
		sum, err := recountChecksum(context.Background(), tx, b)
		if err != nil {
			return err
		}
		if err := putChecksum(meta, checksumKey(b), sum); err != nil {
			return err
		}
	}
	return nil
}

// SuppliersChecksum returns the number of suppliers and a checksum of
// their (id, UpdatedAt) pairs that changes whenever one of them does, so
// that the search index can tell whether it holds exactly the store's
// versions: the String of a data.StampSum over one pair per entry of
// idx_updated. It reads one value kept up to date by every write: O(1),
// whatever the number of suppliers. Check proves it equals a full
// recomputation, and that idx_updated agrees with the records.
func (s *Store) SuppliersChecksum(ctx context.Context) (count int, sum string, err error) {
	return s.checksum(ctx, bucketUpdated)
}

// checksum reads the checksum kept for bucket.
func (s *Store) checksum(ctx context.Context, bucket []byte) (count int, sum string, err error) {
	err = s.view(ctx, func(tx *bolt.Tx) error {
		v, found, err := storedChecksum(tx.Bucket(bucketMeta), checksumKey(bucket))
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("store: no checksum for %s: %w", bucket, ErrInconsistent)
		}
		count, sum = v.Count(), v.String()
		return nil
	})
	return count, sum, err
}

// checkChecksums compares each maintained checksum with a recomputation.
func checkChecksums(ctx context.Context, tx *bolt.Tx) []string {
	var problems []string
	for _, b := range checksummedBuckets() {
		want, err := recountChecksum(ctx, tx, b)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		got, found, err := storedChecksum(tx.Bucket(bucketMeta), checksumKey(b))
		switch {
		case err != nil:
			problems = append(problems, err.Error())
		case !found:
			problems = append(problems, fmt.Sprintf("meta %s is missing", checksumKey(b)))
		case got != want:
			problems = append(problems, fmt.Sprintf("meta %s is %d entries %s, the entries of %s give %d %s",
				checksumKey(b), got.Count(), got, b, want.Count(), want))
		}
	}
	return problems
}
