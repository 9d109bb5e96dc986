package store

import (
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// bucketNeedFeedback holds the buyers' votes on the suppliers of a need's
// shortlist: need id|supplier id|voter → JSON data.NeedFeedback. Keys
// sort by need, so a need's votes are one range. Created on first use.
var bucketNeedFeedback = []byte("need_feedback")

func feedbackKey(needID, supplierID, voter string) string {
	return needID + "|" + supplierID + "|" + voter
}

// PutNeedFeedback records a vote, replacing the voter's earlier vote on the
// same supplier of the same need. The need and the supplier must exist.
// Votes are not audited: they are anonymous opinions, not changes of the
// directory.
func (s *Store) PutNeedFeedback(ctx context.Context, f data.NeedFeedback) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if f.At.IsZero() {
		f.At = s.stamp()
	}
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		if err := feedbackTargetsExist(tx, f.NeedID, f.SupplierID); err != nil {
			return err
		}
		b, err := tx.CreateBucketIfNotExists(bucketNeedFeedback)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		return put(b, feedbackKey(f.NeedID, f.SupplierID, f.Voter), f)
	})
}

// DeleteNeedFeedback withdraws a voter's vote; withdrawing none is no error.
func (s *Store) DeleteNeedFeedback(ctx context.Context, needID, supplierID, voter string) error {
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		b := tx.Bucket(bucketNeedFeedback)
		if b == nil {
			return nil
		}
		if err := b.Delete([]byte(feedbackKey(needID, supplierID, voter))); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		return nil
	})
}

func feedbackTargetsExist(tx *bolt.Tx, needID, supplierID string) error {
	if found, err := get(tx.Bucket(bucketTenders), "tender", needID, &data.Tender{}); err != nil || !found {
		if err == nil {
			err = fmt.Errorf("store: need %q: %w", needID, data.ErrNotFound)
		}
		return err
	}
	if tx.Bucket(bucketSuppliers).Get([]byte(supplierID)) == nil {
		return fmt.Errorf("store: supplier %q: %w", supplierID, data.ErrNotFound)
	}
	return nil
}

// NeedFeedback returns the votes on a need, by supplier then voter.
func (s *Store) NeedFeedback(ctx context.Context, needID string) ([]data.NeedFeedback, error) {
	var out []data.NeedFeedback
	err := s.EachNeedFeedback(ctx, needID, func(f data.NeedFeedback) error {
		out = append(out, f)
		return nil
	})
	return out, err
}

// EachNeedFeedback calls fn with every vote on the needs whose id starts
// with prefix ("" for every need), by need, supplier and voter. fn must
// not call the store.
func (s *Store) EachNeedFeedback(ctx context.Context, prefix string, fn func(data.NeedFeedback) error) error {
	if prefix != "" {
		prefix += "|"
	}
	return s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketNeedFeedback)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var f data.NeedFeedback
			if err := decode("need feedback", string(k), v, &f); err != nil {
				return err
			}
			if err := fn(f); err != nil {
				return err
			}
		}
		return nil
	})
}
