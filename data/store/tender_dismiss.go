package store

import (
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// bucketTenderDismissals holds the tenders companies set aside:
// supplier id|tender id → JSON data.TenderDismissal. Created on first use.
var bucketTenderDismissals = []byte("tender_dismissals")

func dismissalKey(supplierID, tenderID string) string { return supplierID + "|" + tenderID }

// DismissTender records that a company set a tender aside, and audits it.
// Setting aside twice keeps the first record.
func (s *Store) DismissTender(ctx context.Context, d data.TenderDismissal) error {
	if err := validID("supplier", d.SupplierID); err != nil {
		return err
	}
	if err := validID("tender", d.TenderID); err != nil {
		return err
	}
	if err := validActor(d.AccountID); err != nil {
		return err
	}
	if strings.Contains(d.SupplierID, "|") {
		return invalid("supplier", d.SupplierID, "identifiant invalide")
	}
	if d.At.IsZero() {
		d.At = s.stamp()
	}
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		if found, err := get(tx.Bucket(bucketTenders), "tender", d.TenderID, &data.Tender{}); err != nil || !found {
			if err == nil {
				err = fmt.Errorf("store: tender %q: %w", d.TenderID, data.ErrNotFound)
			}
			return err
		}
		b, err := tx.CreateBucketIfNotExists(bucketTenderDismissals)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		key := dismissalKey(d.SupplierID, d.TenderID)
		if b.Get([]byte(key)) != nil {
			return nil
		}
		if err := put(b, key, d); err != nil {
			return err
		}
		return appendAudit(tx, data.AuditEntry{At: d.At, Actor: "account:" + d.AccountID, Action: "tender.dismiss",
			Entity: "tender:" + d.TenderID, Detail: "pas pour nous : " + d.SupplierID})
	})
}

// RestoreTender undoes DismissTender.
func (s *Store) RestoreTender(ctx context.Context, supplierID, tenderID, actor string) error {
	if err := validActor(actor); err != nil {
		return err
	}
	now := s.stamp()
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		b := tx.Bucket(bucketTenderDismissals)
		key := []byte(dismissalKey(supplierID, tenderID))
		if b == nil || b.Get(key) == nil {
			return nil
		}
		if err := b.Delete(key); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		return appendAudit(tx, data.AuditEntry{At: now, Actor: actor, Action: "tender.restore",
			Entity: "tender:" + tenderID, Detail: "remis parmi les appels d'offres de " + supplierID})
	})
}

// DismissedTenders returns the tenders a company set aside, by tender id.
func (s *Store) DismissedTenders(ctx context.Context, supplierID string) ([]data.TenderDismissal, error) {
	var out []data.TenderDismissal
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTenderDismissals)
		if b == nil {
			return nil
		}
		prefix := []byte(supplierID + "|")
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), string(prefix)); k, v = c.Next() {
			var d data.TenderDismissal
			if err := decode("tender dismissal", string(k), v, &d); err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// TenderDismissalCounts returns, per tender id, how many companies set it
// aside: the signal the Alliance reads.
func (s *Store) TenderDismissalCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTenderDismissals)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error {
			if _, tender, ok := strings.Cut(string(k), "|"); ok {
				out[tender]++
			}
			return nil
		})
	})
	return out, err
}
