package store

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// PruneAlertHistory forgets what the alert digests no longer need, so
// that a digest's cost does not grow with the account's age (each digest
// reads every tender ever sent to its account):
//   - the record that a tender was sent to an account, once the tender is
//     gone or closed before cutoff (its deadline, else the day it is
//     presumed to close, else its import): it can no longer be news, a
//     closing reminder or a correction;
//   - the finished digests (sent or given up) built before cutoff, with
//     their mail; a pending digest is kept whatever its age, since it may
//     still be sent after a crash;
//   - the one-click unsubscribe tokens of the digests it forgot (their
//     mails' List-Unsubscribe links stop working with them).
//
// It works in transactions of pruneBatch records, so that writers wait
// for one batch at most. It returns how many records of each kind went.
func (s *Store) PruneAlertHistory(ctx context.Context, cutoff time.Time) (sent, digests int, err error) {
	sent, err = s.pruneAlertBucket(ctx, bucketAlertSent, func(tx *bolt.Tx, closed map[string]bool, _ string, v []byte) (bool, error) {
		var a data.AlertSent
		if err := decode("alert sent", "", v, &a); err != nil {
			return false, err
		}
		doomed, seen := closed[a.TenderID]
		if !seen {
			var t data.Tender
			found, err := get(tx.Bucket(bucketTenders), "tender", a.TenderID, &t)
			if err != nil {
				return false, err
			}
			doomed = !found || tenderClosedAt(t).Before(cutoff)
			closed[a.TenderID] = doomed
		}
		return doomed, nil
	})
	if err != nil {
		return sent, 0, err
	}
	digests, err = s.pruneAlertBucket(ctx, bucketAlertDigests, func(tx *bolt.Tx, _ map[string]bool, id string, v []byte) (bool, error) {
		if p := tx.Bucket(bucketAlertPending); p != nil && p.Get([]byte(id)) != nil {
			return false, nil
		}
		var d data.DigestRecord
		if err := decode("digest", id, v, &d); err != nil {
			return false, err
		}
		return d.State != data.DigestPending && d.At.Before(cutoff), nil
	})
	if err != nil {
		return sent, digests, err
	}
	_, err = s.pruneDigestTokens(ctx, cutoff)
	return sent, digests, err
}

// tenderClosedAt is when a tender stopped being open to bids, as well as
// the notice tells: its deadline, else the day it is presumed to close
// (data.Tender.OpenUntil), else its import. Not its publication: a record
// forgotten while its tender is still open could let a digest send it
// again.
func tenderClosedAt(t data.Tender) time.Time {
	if until := t.OpenUntil(); !until.IsZero() {
		return until
	}
	return t.ImportedAt
}

// pruneAlertBucket deletes the records of bucket that doomed selects, in
// key order, pruneBatch records examined per transaction. memo lives as
// long as the walk, for doomed to remember what it looked up.
func (s *Store) pruneAlertBucket(ctx context.Context, bucket []byte,
	doomed func(tx *bolt.Tx, memo map[string]bool, key string, v []byte) (bool, error)) (int, error) {
	memo := map[string]bool{}
	var after []byte
	total := 0
	for {
		n, next, err := s.pruneAlertBatch(ctx, bucket, after, memo, doomed)
		total += n
		if err != nil || next == nil {
			return total, err
		}
		after = next
	}
}

// pruneAlertBatch examines up to pruneBatch records after the key after
// (from the first when nil) and deletes the doomed ones; next is the last
// key examined, nil when the bucket's end was reached.
func (s *Store) pruneAlertBatch(ctx context.Context, bucket, after []byte, memo map[string]bool,
	doomed func(tx *bolt.Tx, memo map[string]bool, key string, v []byte) (bool, error)) (n int, next []byte, err error) {
	err = s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		n, next = 0, nil
		b := tx.Bucket(bucket)
		if b == nil {
			return nil
		}
		var gone [][]byte
		c := b.Cursor()
		k, v := c.First()
		if after != nil {
			k, v = c.Seek(after)
			if k != nil && bytes.Equal(k, after) {
				k, v = c.Next()
			}
		}
		var last []byte
		for seen := 0; k != nil; k, v = c.Next() {
			if seen == pruneBatch {
				next = last
				break
			}
			seen++
			last = bytes.Clone(k)
			drop, err := doomed(tx, memo, string(k), v)
			if err != nil {
				return err
			}
			if drop {
				gone = append(gone, bytes.Clone(k))
			}
		}
		for _, k := range gone {
			if err := b.Delete(k); err != nil {
				return fmt.Errorf("store: prune %s: %w", bucket, err)
			}
		}
		n = len(gone)
		return nil
	})
	return n, next, err
}
