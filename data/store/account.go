package store

import (
	"context"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// emailKey folds an e-mail address for the uniqueness index: addresses
// differing only in case belong to the same person.
func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func accountEntries(a *data.Account) []entry {
	return []entry{uniqueEntry(bucketAccountEmail, "adresse électronique", emailKey(a.Email), a.ID)}
}

func claimEntries(c *data.Claim) []entry {
	return []entry{multiEntry(bucketClaimSupplier, "revendication", c.SupplierID+"|"+c.ID)}
}

// PutAccount creates or replaces an account. Its e-mail address must not be
// used by another account (case ignored): data.ErrConflict otherwise.
func (s *Store) PutAccount(ctx context.Context, a data.Account, actor string) error {
	if err := validID("ID", a.ID); err != nil {
		return err
	}
	if k := emailKey(a.Email); !strings.Contains(k, "@") || len(k) > maxKeyLen {
		return invalid("Email", a.Email, "adresse électronique invalide")
	}
	if err := validActor(actor); err != nil {
		return err
	}
	now := s.stamp()
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		b := tx.Bucket(bucketAccounts)
		var old data.Account
		found, err := get(b, "account", a.ID, &old)
		if err != nil {
			return err
		}
		var oldEntries []entry
		action := "account.create"
		if found {
			oldEntries = accountEntries(&old)
			a.CreatedAt = old.CreatedAt
			action = "account.update"
		} else if a.CreatedAt.IsZero() {
			a.CreatedAt = now
		}
		next := accountEntries(&a)
		if err := checkUnique(tx, a.ID, next); err != nil {
			return fmt.Errorf("store: account %s: %w", a.ID, err)
		}
		if err := put(b, a.ID, &a); err != nil {
			return err
		}
		if err := syncEntries(tx, a.ID, oldEntries, next); err != nil {
			return err
		}
		return appendAudit(tx, data.AuditEntry{At: now, Actor: actor, Action: action,
			Entity: "account:" + a.ID, Detail: "rôle " + string(a.Role)})
	})
}

// Account returns the account with the given id.
func (s *Store) Account(ctx context.Context, id string) (data.Account, error) {
	var a data.Account
	err := s.view(ctx, func(tx *bolt.Tx) error {
		found, err := get(tx.Bucket(bucketAccounts), "account", id, &a)
		if err == nil && !found {
			err = fmt.Errorf("store: account %q: %w", id, data.ErrNotFound)
		}
		return err
	})
	return a, err
}

// AccountByEmail returns the account with this e-mail address, case
// ignored.
func (s *Store) AccountByEmail(ctx context.Context, email string) (data.Account, error) {
	var a data.Account
	err := s.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketAccountEmail).Get([]byte(emailKey(email)))
		if id == nil {
			return fmt.Errorf("store: account with e-mail %q: %w", email, data.ErrNotFound)
		}
		found, err := get(tx.Bucket(bucketAccounts), "account", string(id), &a)
		if err == nil && !found {
			err = fmt.Errorf("store: e-mail %q indexes missing account %s: %w", email, id, data.ErrNotFound)
		}
		return err
	})
	return a, err
}

// PutClaim creates or replaces a claim of ownership. The supplier must
// exist (data.ErrNotFound) and a claim never moves to another supplier
// (data.ErrConflict). RecordClaim does the same with a detailed audit entry.
func (s *Store) PutClaim(ctx context.Context, c data.Claim, actor string) error {
	return s.RecordClaim(ctx, c, data.AuditEntry{Actor: actor})
}

// Claim returns the claim with the given id.
func (s *Store) Claim(ctx context.Context, id string) (data.Claim, error) {
	var c data.Claim
	err := s.view(ctx, func(tx *bolt.Tx) error {
		found, err := get(tx.Bucket(bucketClaims), "claim", id, &c)
		if err == nil && !found {
			err = fmt.Errorf("store: claim %q: %w", id, data.ErrNotFound)
		}
		return err
	})
	return c, err
}

// ClaimsBySupplier returns the claims about a supplier, in claim id order;
// none is not an error.
func (s *Store) ClaimsBySupplier(ctx context.Context, supplierID string) ([]data.Claim, error) {
	var out []data.Claim
	err := s.view(ctx, func(tx *bolt.Tx) error {
		claims := tx.Bucket(bucketClaims)
		for _, k := range prefixKeys(tx.Bucket(bucketClaimSupplier), supplierID+"|") {
			var c data.Claim
			found, err := get(claims, "claim", afterFirst(k), &c)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("store: claim index %q points to a missing claim: %w", k, ErrInconsistent)
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}
