package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// Buckets of accounts' memberships, sessions, one-time tokens, outbox and
// needs, created by schema version 2 (see Store for their layout).
var (
	bucketMembers       = []byte("members")
	bucketMemberAccount = []byte("idx_member_account")
	bucketSessions      = []byte("sessions")
	bucketSessionAcct   = []byte("idx_session_account")
	bucketTokens        = []byte("tokens")
	bucketOutbox        = []byte("outbox")
	bucketAccountNeeds  = []byte("account_needs")
)

// accountBuckets lists the buckets added by schema version 2.
func accountBuckets() [][]byte {
	return [][]byte{bucketMembers, bucketMemberAccount, bucketSessions, bucketSessionAcct,
		bucketTokens, bucketOutbox, bucketAccountNeeds}
}

func createAccountBucketsV2(tx *bolt.Tx) error {
	for _, name := range accountBuckets() {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

func memberKey(supplierID, accountID string) string { return supplierID + "|" + accountID }

// ErrLastOwner refuses a change that would leave a company's team without
// a « responsable » (owner): the last owner may neither leave, nor be
// removed, nor become a plain member while other members remain, since
// nobody could then manage the team. It wraps data.ErrConflict.
var ErrLastOwner = fmt.Errorf("store: the last owner of a company's team must name another first: %w", data.ErrConflict)

// othersOf counts the members of a company other than accountID, and the
// owners among them, inside a transaction.
func othersOf(b *bolt.Bucket, supplierID, accountID string) (members, owners int, err error) {
	for _, k := range prefixKeys(b, supplierID+"|") {
		var m data.Membership
		if _, err := get(b, "membership", k, &m); err != nil {
			return 0, 0, err
		}
		if m.AccountID == accountID {
			continue
		}
		members++
		if m.Role == data.MemberOwner {
			owners++
		}
	}
	return members, owners, nil
}

// AddMember makes an account a member of a supplier's company, or changes
// its role. The account and the supplier must exist (data.ErrNotFound);
// the last owner cannot become a plain member (ErrLastOwner).
func (s *Store) AddMember(ctx context.Context, m data.Membership, actor string) error {
	if err := validID("AccountID", m.AccountID); err != nil {
		return err
	}
	if err := validSupplier(&data.Supplier{ID: m.SupplierID}); err != nil {
		return err
	}
	switch m.Role {
	case data.MemberOwner, data.MemberMember:
	default:
		return invalid("Role", string(m.Role), "rôle de membre inconnu")
	}
	if err := validActor(actor); err != nil {
		return err
	}
	now := s.stamp()
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		if !hasKey(tx.Bucket(bucketSuppliers), m.SupplierID) {
			return fmt.Errorf("store: member of %q: supplier %w", m.SupplierID, data.ErrNotFound)
		}
		if !hasKey(tx.Bucket(bucketAccounts), m.AccountID) {
			return fmt.Errorf("store: member %q: account %w", m.AccountID, data.ErrNotFound)
		}
		b := tx.Bucket(bucketMembers)
		var old data.Membership
		found, err := get(b, "membership", memberKey(m.SupplierID, m.AccountID), &old)
		if err != nil {
			return err
		}
		if found && old.Role == data.MemberOwner && m.Role != data.MemberOwner {
			if _, owners, err := othersOf(b, m.SupplierID, m.AccountID); err != nil {
				return err
			} else if owners == 0 {
				return fmt.Errorf("store: %q in %q: %w", m.AccountID, m.SupplierID, ErrLastOwner)
			}
		}
		if found {
			m.Since = old.Since
		} else if m.Since.IsZero() {
			m.Since = now
		}
		if err := put(b, memberKey(m.SupplierID, m.AccountID), &m); err != nil {
			return err
		}
		if err := tx.Bucket(bucketMemberAccount).Put([]byte(m.AccountID+"|"+m.SupplierID), nil); err != nil {
			return fmt.Errorf("store: index member: %w", err)
		}
		return appendAudit(tx, data.AuditEntry{At: now, Actor: actor, Action: "member.add",
			Entity: "supplier:" + m.SupplierID, Detail: "compte " + m.AccountID + ", rôle " + string(m.Role) + viaDetail(m.Via)})
	})
}

func viaDetail(via string) string {
	if via == "" {
		return ""
	}
	return ", par " + via
}

// RemoveMember ends an account's membership of a company; data.ErrNotFound
// when it was not a member, ErrLastOwner when it is the company's only
// owner and other members remain (checked in the same transaction). The
// only member may go, owner or not: the listing is then unclaimed again,
// and a new claim makes its author the owner; the team's pending
// invitations are revoked in the same transaction, since nobody would
// manage the team their addressees would join.
func (s *Store) RemoveMember(ctx context.Context, supplierID, accountID, actor string) error {
	if err := validActor(actor); err != nil {
		return err
	}
	now := s.stamp()
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		_, err := removeMember(tx, supplierID, accountID, actor, now, "compte "+accountID)
		return err
	})
}

// removeMember ends a membership inside tx as RemoveMember tells, auditing
// it with detail; alone reports that nobody is left in the team (its
// pending invitations are then revoked).
func removeMember(tx *bolt.Tx, supplierID, accountID, actor string, now time.Time, detail string) (alone bool, err error) {
	b := tx.Bucket(bucketMembers)
	k := []byte(memberKey(supplierID, accountID))
	var m data.Membership
	if found, err := get(b, "membership", string(k), &m); err != nil {
		return false, err
	} else if !found {
		return false, fmt.Errorf("store: account %q is not a member of %q: %w", accountID, supplierID, data.ErrNotFound)
	}
	members, owners, err := othersOf(b, supplierID, accountID)
	if err != nil {
		return false, err
	}
	if m.Role == data.MemberOwner && members > 0 && owners == 0 {
		return false, fmt.Errorf("store: %q leaving %q: %w", accountID, supplierID, ErrLastOwner)
	}
	if err := b.Delete(k); err != nil {
		return false, fmt.Errorf("store: remove member: %w", err)
	}
	if err := tx.Bucket(bucketMemberAccount).Delete([]byte(accountID + "|" + supplierID)); err != nil {
		return false, fmt.Errorf("store: unindex member: %w", err)
	}
	if err := appendAudit(tx, data.AuditEntry{At: now, Actor: actor, Action: "member.remove",
		Entity: "supplier:" + supplierID, Detail: detail}); err != nil {
		return false, err
	}
	if members > 0 {
		return false, nil
	}
	return true, revokePendingInvites(tx, supplierID, "", actor, now, "plus personne dans l'équipe")
}

// Members returns the members of a company, in account id order.
func (s *Store) Members(ctx context.Context, supplierID string) ([]data.Membership, error) {
	var out []data.Membership
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMembers)
		for _, k := range prefixKeys(b, supplierID+"|") {
			var m data.Membership
			if _, err := get(b, "membership", k, &m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// MembershipsOf returns the companies an account is a member of, in
// supplier id order.
func (s *Store) MembershipsOf(ctx context.Context, accountID string) ([]data.Membership, error) {
	var out []data.Membership
	err := s.view(ctx, func(tx *bolt.Tx) error {
		members := tx.Bucket(bucketMembers)
		for _, k := range prefixKeys(tx.Bucket(bucketMemberAccount), accountID+"|") {
			var m data.Membership
			found, err := get(members, "membership", memberKey(afterFirst(k), accountID), &m)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("store: member index %q points to a missing membership: %w", k, ErrInconsistent)
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// IsMember reports whether an account is a member of a company.
func (s *Store) IsMember(ctx context.Context, accountID, supplierID string) (bool, error) {
	var ok bool
	err := s.view(ctx, func(tx *bolt.Tx) error {
		ok = tx.Bucket(bucketMembers).Get([]byte(memberKey(supplierID, accountID))) != nil
		return nil
	})
	return ok, err
}

// AppendAudit records an event of the web layer (a sign-in, a refused
// claim…). At defaults to now; Seq is assigned.
func (s *Store) AppendAudit(ctx context.Context, e data.AuditEntry) error {
	if err := validActor(e.Actor); err != nil {
		return err
	}
	if e.Action == "" {
		return invalid("Action", "", "l'action est obligatoire")
	}
	if e.At.IsZero() {
		e.At = s.stamp()
	}
	e.At = e.At.UTC().Round(0)
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error { return appendAudit(tx, e) })
}

// Accounts returns every account, in id order.
func (s *Store) Accounts(ctx context.Context) ([]data.Account, error) {
	var out []data.Account
	err := walk(ctx, s, bucketAccounts, "account", func(a data.Account) error {
		out = append(out, a)
		return nil
	})
	return out, err
}

// accountTables are the records of schema version 2 that own index
// entries, for Check.
func accountTables() []table {
	return []table{
		{"membership", bucketMembers, func(k string, raw []byte) ([]entry, error) {
			var m data.Membership
			if err := decode("membership", k, raw, &m); err != nil {
				return nil, err
			}
			if memberKey(m.SupplierID, m.AccountID) != k {
				return nil, fmt.Errorf("key %q holds the membership of %q in %q", k, m.AccountID, m.SupplierID)
			}
			return []entry{multiEntry(bucketMemberAccount, "membre", m.AccountID+"|"+m.SupplierID)}, nil
		}},
		{"session", bucketSessions, func(k string, raw []byte) ([]entry, error) {
			var sess data.Session
			if err := decode("session", k, raw, &sess); err != nil {
				return nil, err
			}
			if sess.ID != k {
				return nil, fmt.Errorf("key %q holds session %q", k, sess.ID)
			}
			return []entry{multiEntry(bucketSessionAcct, "session", sess.AccountID+"|"+sess.ID)}, nil
		}},
	}
}

// accountIndexes are the index buckets of schema version 2, for Check.
func accountIndexes() []index {
	return []index{
		{bucketMemberAccount, bucketMembers, "membership", func(k, _ string) string {
			account, supplier, _ := strings.Cut(k, "|")
			return memberKey(supplier, account)
		}},
		{bucketSessionAcct, bucketSessions, "session", func(k, _ string) string { return afterFirst(k) }},
	}
}
