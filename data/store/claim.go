package store

import (
	"context"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// Buckets of the claim flow, created by the first write that needs them (a
// read of a store that has none yet finds nothing), besides claims and
// idx_claim_supplier of schema version 1 (see Store):
//
//	claim_documents  document id → the uploaded bytes (data.ClaimDocument.ID,
//	                 random; the claim holds its description)
//	reports          id → JSON data.Report
var (
	bucketClaimDocuments = []byte("claim_documents")
	bucketReports        = []byte("reports")
)

// MaxClaimDocument bounds a stored claim document, in bytes.
const MaxClaimDocument = 8 << 20

// ClaimChange is what a claim update writes besides the claim: its audit
// entry (Actor required; At, Entity and Seq are set by the store) and,
// when Document is not nil, the bytes of c.Document, replacing the
// previous document of the claim.
type ClaimChange struct {
	Audit    data.AuditEntry
	Document []byte
}

// RecordClaim creates or replaces a claim like PutClaim, writing e as its
// audit entry: e.Action defaults to "claim.create" or "claim.<status>",
// e.Detail to the supplier and status.
func (s *Store) RecordClaim(ctx context.Context, c data.Claim, e data.AuditEntry) error {
	if err := validClaim(&c, e.Actor); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		var old data.Claim
		found, err := get(tx.Bucket(bucketClaims), "claim", c.ID, &old)
		if err != nil {
			return err
		}
		var prev *data.Claim
		if found {
			prev = &old
		}
		return s.writeClaim(tx, prev, &c, ClaimChange{Audit: e})
	})
}

// UpdateClaim reads claim id, lets fn change it and say what to record,
// and writes it, all in one transaction: two concurrent updates never lose
// one another (a wrong code counted twice is counted twice). An error from
// fn aborts the update and is returned as is. fn must do no I/O. It
// returns the claim as written.
func (s *Store) UpdateClaim(ctx context.Context, id string, fn func(c *data.Claim) (ClaimChange, error)) (data.Claim, error) {
	var out data.Claim
	err := s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		var old data.Claim
		found, err := get(tx.Bucket(bucketClaims), "claim", id, &old)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("store: claim %q: %w", id, data.ErrNotFound)
		}
		c := old
		c.Reminders = slices.Clone(old.Reminders)
		if old.Document != nil {
			d := *old.Document
			c.Document = &d
		}
		ch, err := fn(&c)
		if err != nil {
			return err
		}
		if c.ID != old.ID {
			return fmt.Errorf("store: claim %s: the id cannot change: %w", id, data.ErrConflict)
		}
		if err := validClaim(&c, ch.Audit.Actor); err != nil {
			return err
		}
		if err := s.writeClaim(tx, &old, &c, ch); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

func validClaim(c *data.Claim, actor string) error {
	if err := validID("ID", c.ID); err != nil {
		return err
	}
	if err := validID("AccountID", c.AccountID); err != nil {
		return err
	}
	if err := validSupplier(&data.Supplier{ID: c.SupplierID}); err != nil {
		return err
	}
	return validActor(actor)
}

// writeClaim stores c (old is the stored version, nil for a new claim),
// its index entry, its document and its audit entry.
func (s *Store) writeClaim(tx *bolt.Tx, old, c *data.Claim, ch ClaimChange) error {
	now := s.stamp()
	if !hasKey(tx.Bucket(bucketSuppliers), c.SupplierID) {
		return fmt.Errorf("store: claim %s: supplier %q: %w", c.ID, c.SupplierID, data.ErrNotFound)
	}
	action := "claim.create"
	if old != nil {
		if old.SupplierID != c.SupplierID {
			return fmt.Errorf("store: claim %s is about supplier %s, not %s: %w", c.ID, old.SupplierID, c.SupplierID, data.ErrConflict)
		}
		c.CreatedAt = old.CreatedAt
		action = "claim." + string(c.Status)
	} else if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	if ch.Document != nil {
		if err := putClaimDocument(tx, old, c, ch.Document); err != nil {
			return err
		}
	}
	if err := put(tx.Bucket(bucketClaims), c.ID, c); err != nil {
		return err
	}
	if err := syncEntries(tx, c.ID, nil, claimEntries(c)); err != nil {
		return err
	}
	e := ch.Audit
	e.At, e.Entity = now, "claim:"+c.ID
	if e.Action == "" {
		e.Action = action
	}
	if e.Detail == "" {
		e.Detail = "fiche " + c.SupplierID + ", statut " + string(c.Status)
	}
	return appendAudit(tx, e)
}

// putClaimDocument stores the bytes of c.Document and deletes the
// previous document of the claim, if another.
func putClaimDocument(tx *bolt.Tx, old, c *data.Claim, content []byte) error {
	if c.Document == nil || c.Document.ID == "" {
		return invalid("Document", "", "document sans identifiant")
	}
	if len(content) == 0 || len(content) > MaxClaimDocument {
		return fmt.Errorf("store: claim %s: document of %d bytes: %w", c.ID, len(content), data.ErrTooLarge)
	}
	b, err := tx.CreateBucketIfNotExists(bucketClaimDocuments)
	if err != nil {
		return fmt.Errorf("store: %s bucket: %w", bucketClaimDocuments, err)
	}
	if old != nil && old.Document != nil && old.Document.ID != c.Document.ID {
		if err := b.Delete([]byte(old.Document.ID)); err != nil {
			return fmt.Errorf("store: delete document of claim %s: %w", c.ID, err)
		}
	}
	if err := b.Put([]byte(c.Document.ID), content); err != nil {
		return fmt.Errorf("store: document of claim %s: %w", c.ID, err)
	}
	return nil
}

// ClaimDocument returns the bytes of the document of claim claimID, with
// its description. A claim without a document is data.ErrNotFound.
func (s *Store) ClaimDocument(ctx context.Context, claimID string) (data.ClaimDocument, []byte, error) {
	var doc data.ClaimDocument
	var content []byte
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var c data.Claim
		found, err := get(tx.Bucket(bucketClaims), "claim", claimID, &c)
		if err != nil {
			return err
		}
		if !found || c.Document == nil {
			return fmt.Errorf("store: document of claim %q: %w", claimID, data.ErrNotFound)
		}
		doc = *c.Document
		if b := tx.Bucket(bucketClaimDocuments); b != nil {
			content = slices.Clone(b.Get([]byte(doc.ID))) // bbolt's bytes die with the transaction
		}
		if content == nil {
			return fmt.Errorf("store: claim %s names document %s, which is missing: %w", claimID, doc.ID, ErrInconsistent)
		}
		return nil
	})
	return doc, content, err
}

// Claims calls fn for every claim, in id order, outside any transaction.
func (s *Store) Claims(ctx context.Context, fn func(data.Claim) error) error {
	return walk(ctx, s, bucketClaims, "claim", fn)
}

// ClaimsByAccount returns the claims made by an account, in id order;
// none is not an error.
func (s *Store) ClaimsByAccount(ctx context.Context, accountID string) ([]data.Claim, error) {
	var out []data.Claim
	err := s.Claims(ctx, func(c data.Claim) error {
		if c.AccountID == accountID {
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// PutReport creates or replaces a report about a listing, writing e
// (Actor required) as its audit entry: e.Action defaults to
// "report.create", or "report.close" once ClosedAt is set.
func (s *Store) PutReport(ctx context.Context, r data.Report, e data.AuditEntry) error {
	if err := validID("ID", r.ID); err != nil {
		return err
	}
	if err := validSupplier(&data.Supplier{ID: r.SupplierID}); err != nil {
		return err
	}
	if err := validActor(e.Actor); err != nil {
		return err
	}
	now := s.stamp()
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		if !hasKey(tx.Bucket(bucketSuppliers), r.SupplierID) {
			return fmt.Errorf("store: report %s: supplier %q: %w", r.ID, r.SupplierID, data.ErrNotFound)
		}
		b, err := tx.CreateBucketIfNotExists(bucketReports)
		if err != nil {
			return fmt.Errorf("store: %s bucket: %w", bucketReports, err)
		}
		var old data.Report
		found, err := get(b, "report", r.ID, &old)
		if err != nil {
			return err
		}
		if found {
			r.CreatedAt, r.SupplierID = old.CreatedAt, old.SupplierID
		} else if r.CreatedAt.IsZero() {
			r.CreatedAt = now
		}
		if err := put(b, r.ID, &r); err != nil {
			return err
		}
		e.At, e.Entity = now, "supplier:"+r.SupplierID
		if e.Action == "" {
			e.Action = "report.create"
			if !r.ClosedAt.IsZero() {
				e.Action = "report.close"
			}
		}
		if e.Detail == "" {
			e.Detail = "signalement " + r.ID
		}
		return appendAudit(tx, e)
	})
}

// Report returns the report with the given id.
func (s *Store) Report(ctx context.Context, id string) (data.Report, error) {
	var r data.Report
	err := s.view(ctx, func(tx *bolt.Tx) error {
		found := false
		var err error
		if b := tx.Bucket(bucketReports); b != nil {
			found, err = get(b, "report", id, &r)
		}
		if err == nil && !found {
			err = fmt.Errorf("store: report %q: %w", id, data.ErrNotFound)
		}
		return err
	})
	return r, err
}

// Reports returns every report, newest first.
func (s *Store) Reports(ctx context.Context) ([]data.Report, error) {
	var out []data.Report
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketReports)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r data.Report
			if err := decode("report", string(k), v, &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	slices.SortStableFunc(out, func(a, b data.Report) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, err
}
