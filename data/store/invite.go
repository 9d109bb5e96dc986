package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// bucketInvites holds the invitations to join a company's team, created
// by the first invitation:
//
//	listing_invites  token hash → JSON data.Invite
var bucketInvites = []byte("listing_invites")

// Errors of an invitation that can no longer be accepted; all wrap
// data.ErrConflict.
var (
	ErrInviteUsed    = fmt.Errorf("store: invitation already used: %w", data.ErrConflict)
	ErrInviteExpired = fmt.Errorf("store: invitation expired: %w", data.ErrConflict)
	ErrInviteRevoked = fmt.Errorf("store: invitation revoked: %w", data.ErrConflict)
)

// PutInvite records an invitation and audits it. It replaces the
// company's pending invitation to the same address, if any: that one is
// revoked in the same transaction, so an address never holds two links.
func (s *Store) PutInvite(ctx context.Context, inv data.Invite, actor string) error {
	if err := validActor(actor); err != nil {
		return err
	}
	if inv.TokenHash == "" || inv.SupplierID == "" || strings.TrimSpace(inv.Email) == "" || len(inv.TokenHash) > maxKeyLen {
		return invalid("invite", inv.Email, "invitation incomplète")
	}
	now := s.stamp()
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		b, err := tx.CreateBucketIfNotExists(bucketInvites)
		if err != nil {
			return fmt.Errorf("store: invites bucket: %w", err)
		}
		if b.Get([]byte(inv.TokenHash)) != nil {
			return fmt.Errorf("store: invite: %w", data.ErrConflict)
		}
		if err := revokePendingInvites(tx, inv.SupplierID, inv.Email, actor, now, "remplacée par une nouvelle invitation"); err != nil {
			return err
		}
		if err := put(b, inv.TokenHash, inv); err != nil {
			return err
		}
		return appendAudit(tx, data.AuditEntry{At: now, Actor: actor, Action: "team.invite",
			Entity: supplierEntity(inv.SupplierID), Detail: "invitation envoyée à " + inv.Email})
	})
}

// Invite returns the invitation whose token has that hash.
func (s *Store) Invite(ctx context.Context, tokenHash string) (data.Invite, error) {
	var inv data.Invite
	err := s.view(ctx, func(tx *bolt.Tx) error {
		found := false
		if b := tx.Bucket(bucketInvites); b != nil {
			var err error
			if found, err = get(b, "invite", tokenHash, &inv); err != nil {
				return err
			}
		}
		if !found {
			return fmt.Errorf("store: invite: %w", data.ErrNotFound)
		}
		return nil
	})
	return inv, err
}

// UseInvite marks the invitation as accepted by accountID, once: a used
// invitation fails with ErrInviteUsed, a revoked one with
// ErrInviteRevoked, an expired one with ErrInviteExpired. The caller then
// adds the member.
func (s *Store) UseInvite(ctx context.Context, tokenHash, accountID string) (data.Invite, error) {
	if err := validActor(accountID); err != nil {
		return data.Invite{}, err
	}
	return s.changeInvite(ctx, tokenHash, func(inv *data.Invite, now time.Time) (data.AuditEntry, error) {
		switch {
		case !inv.UsedAt.IsZero():
			return data.AuditEntry{}, ErrInviteUsed
		case !inv.RevokedAt.IsZero():
			return data.AuditEntry{}, ErrInviteRevoked
		case !now.Before(inv.ExpiresAt):
			return data.AuditEntry{}, ErrInviteExpired
		}
		inv.UsedAt, inv.UsedBy = now, accountID
		return data.AuditEntry{Actor: accountID, Action: "team.invite_accept", Detail: "invitation de " + inv.Email + " acceptée"}, nil
	})
}

// RevokeInvite cancels a pending invitation of supplierID, so that its
// link no longer lets anyone join; actor is the manager who cancels it.
// An invitation of another company is not found; a used one fails with
// ErrInviteUsed, one already revoked with ErrInviteRevoked. An expired one
// may be revoked (nothing changes for its link).
func (s *Store) RevokeInvite(ctx context.Context, supplierID, tokenHash, actor string) error {
	if err := validActor(actor); err != nil {
		return err
	}
	_, err := s.changeInvite(ctx, tokenHash, func(inv *data.Invite, now time.Time) (data.AuditEntry, error) {
		switch {
		case inv.SupplierID != supplierID:
			return data.AuditEntry{}, fmt.Errorf("store: invite: %w", data.ErrNotFound)
		case !inv.UsedAt.IsZero():
			return data.AuditEntry{}, ErrInviteUsed
		case !inv.RevokedAt.IsZero():
			return data.AuditEntry{}, ErrInviteRevoked
		}
		inv.RevokedAt, inv.RevokedBy = now, actor
		return data.AuditEntry{Actor: actor, Action: "team.invite_revoke", Detail: "invitation de " + inv.Email + " annulée"}, nil
	})
	return err
}

// revokePendingInvites revokes, inside tx, the invitations of supplierID
// not yet used, revoked nor expired (only those sent to email, when it is
// not ""), auditing each with why.
func revokePendingInvites(tx *bolt.Tx, supplierID, email, actor string, now time.Time, why string) error {
	pending, err := pendingInvites(tx, supplierID, now)
	if err != nil {
		return err
	}
	for _, inv := range pending {
		if email != "" && !strings.EqualFold(strings.TrimSpace(inv.Email), strings.TrimSpace(email)) {
			continue
		}
		inv.RevokedAt, inv.RevokedBy = now, actor
		if err := put(tx.Bucket(bucketInvites), inv.TokenHash, inv); err != nil {
			return err
		}
		if err := appendAudit(tx, data.AuditEntry{At: now, Actor: actor, Action: "team.invite_revoke",
			Entity: supplierEntity(supplierID), Detail: "invitation de " + inv.Email + " annulée : " + why}); err != nil {
			return err
		}
	}
	return nil
}

// changeInvite applies change to the invitation whose token has that hash
// and records it with the audit entry change returns (its time and entity
// filled here), in one transaction; an error from change aborts it.
func (s *Store) changeInvite(ctx context.Context, tokenHash string, change func(*data.Invite, time.Time) (data.AuditEntry, error)) (data.Invite, error) {
	now := s.stamp()
	var inv data.Invite
	err := s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		b := tx.Bucket(bucketInvites)
		found := false
		if b != nil && tokenHash != "" {
			var err error
			if found, err = get(b, "invite", tokenHash, &inv); err != nil {
				return err
			}
		}
		if !found {
			return fmt.Errorf("store: invite: %w", data.ErrNotFound)
		}
		entry, err := change(&inv, now)
		if err != nil {
			return err
		}
		if err := put(b, tokenHash, inv); err != nil {
			return err
		}
		entry.At, entry.Entity = now, supplierEntity(inv.SupplierID)
		return appendAudit(tx, entry)
	})
	return inv, err
}

// PendingInvites returns the invitations of a company not yet used,
// revoked nor expired, newest first.
func (s *Store) PendingInvites(ctx context.Context, supplierID string) ([]data.Invite, error) {
	now := s.stamp()
	var out []data.Invite
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		out, err = pendingInvites(tx, supplierID, now)
		return err
	})
	slices.SortFunc(out, func(a, b data.Invite) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, err
}

// pendingInvites returns, inside tx, the invitations of supplierID not yet
// used, revoked nor expired at now, in token hash order.
func pendingInvites(tx *bolt.Tx, supplierID string, now time.Time) ([]data.Invite, error) {
	b := tx.Bucket(bucketInvites)
	if b == nil {
		return nil, nil
	}
	var out []data.Invite
	err := b.ForEach(func(k, raw []byte) error {
		var inv data.Invite
		if err := decode("invite", string(k), raw, &inv); err != nil {
			return err
		}
		if inv.SupplierID == supplierID && inv.UsedAt.IsZero() && inv.RevokedAt.IsZero() && now.Before(inv.ExpiresAt) {
			out = append(out, inv)
		}
		return nil
	})
	return out, err
}
