package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// PutSession creates or replaces a session (its ID is the hash of the
// cookie's secret). The account must exist.
func (s *Store) PutSession(ctx context.Context, sess data.Session) error {
	if err := validID("ID", sess.ID); err != nil {
		return err
	}
	if err := validID("AccountID", sess.AccountID); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		if !hasKey(tx.Bucket(bucketAccounts), sess.AccountID) {
			return fmt.Errorf("store: session of account %q: %w", sess.AccountID, data.ErrNotFound)
		}
		if err := put(tx.Bucket(bucketSessions), sess.ID, &sess); err != nil {
			return err
		}
		return tx.Bucket(bucketSessionAcct).Put([]byte(sess.AccountID+"|"+sess.ID), nil)
	})
}

// Session returns the session with this id (hash); data.ErrNotFound when
// there is none. Expiry is the caller's business.
func (s *Store) Session(ctx context.Context, id string) (data.Session, error) {
	var sess data.Session
	err := s.view(ctx, func(tx *bolt.Tx) error {
		found, err := get(tx.Bucket(bucketSessions), "session", id, &sess)
		if err == nil && !found {
			err = fmt.Errorf("store: session: %w", data.ErrNotFound)
		}
		return err
	})
	return sess, err
}

// DeleteSession ends a session; ending one that is gone is not an error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		var sess data.Session
		found, err := get(tx.Bucket(bucketSessions), "session", id, &sess)
		if err != nil || !found {
			return err
		}
		return deleteSession(tx, sess)
	})
}

func deleteSession(tx *bolt.Tx, sess data.Session) error {
	if err := tx.Bucket(bucketSessions).Delete([]byte(sess.ID)); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	if err := tx.Bucket(bucketSessionAcct).Delete([]byte(sess.AccountID + "|" + sess.ID)); err != nil {
		return fmt.Errorf("store: unindex session: %w", err)
	}
	return nil
}

// SessionsOf returns the sessions of an account, in id order.
func (s *Store) SessionsOf(ctx context.Context, accountID string) ([]data.Session, error) {
	var out []data.Session
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		for _, k := range prefixKeys(tx.Bucket(bucketSessionAcct), accountID+"|") {
			var sess data.Session
			found, err := get(b, "session", afterFirst(k), &sess)
			if err != nil {
				return err
			}
			if found {
				out = append(out, sess)
			}
		}
		return nil
	})
	return out, err
}

// DeleteSessionsOf ends every session of an account but keep (a session
// id, or "" for none) and returns how many ended.
func (s *Store) DeleteSessionsOf(ctx context.Context, accountID, keep string) (int, error) {
	n := 0
	err := s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		var err error
		n, err = deleteSessionsOf(tx, accountID, keep)
		return err
	})
	return n, err
}

// deleteSessionsOf is DeleteSessionsOf inside tx.
func deleteSessionsOf(tx *bolt.Tx, accountID, keep string) (int, error) {
	n := 0
	b := tx.Bucket(bucketSessions)
	for _, k := range prefixKeys(tx.Bucket(bucketSessionAcct), accountID+"|") {
		id := afterFirst(k)
		if id == keep {
			continue
		}
		var sess data.Session
		found, err := get(b, "session", id, &sess)
		if err != nil {
			return n, err
		}
		if !found {
			sess = data.Session{ID: id, AccountID: accountID}
		}
		if err := deleteSession(tx, sess); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// PutToken stores a one-time token (its ID is the hash of the secret).
func (s *Store) PutToken(ctx context.Context, t data.Token) error {
	if err := validID("ID", t.ID); err != nil {
		return err
	}
	if err := validID("AccountID", t.AccountID); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		return put(tx.Bucket(bucketTokens), t.ID, &t)
	})
}

// Token returns a token without using it: data.ErrNotFound when it does
// not exist, has expired at now, or is of another kind.
func (s *Store) Token(ctx context.Context, id string, kind data.TokenKind, now time.Time) (data.Token, error) {
	var t data.Token
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		t, err = liveToken(tx, id, kind, now)
		return err
	})
	return t, err
}

func liveToken(tx *bolt.Tx, id string, kind data.TokenKind, now time.Time) (data.Token, error) {
	var t data.Token
	found, err := get(tx.Bucket(bucketTokens), "token", id, &t)
	if err != nil {
		return t, err
	}
	if !found || t.Kind != kind || !now.Before(t.ExpiresAt) {
		return data.Token{}, fmt.Errorf("store: token: %w", data.ErrNotFound)
	}
	return t, nil
}

// UseToken deletes a live token and returns it: a token works once.
// data.ErrNotFound when it does not exist, expired or is of another kind.
func (s *Store) UseToken(ctx context.Context, id string, kind data.TokenKind, now time.Time) (data.Token, error) {
	var t data.Token
	err := s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		var err error
		if t, err = liveToken(tx, id, kind, now); err != nil {
			return err
		}
		return tx.Bucket(bucketTokens).Delete([]byte(id))
	})
	return t, err
}

// DeleteTokensOf deletes an account's tokens of a kind (the reset links
// sent before a password change).
func (s *Store) DeleteTokensOf(ctx context.Context, accountID string, kind data.TokenKind) error {
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		_, err := deleteTokensOf(tx, accountID, kind)
		return err
	})
}

// deleteTokensOf deletes inside tx an account's tokens of a kind, or of
// every kind when kind is "", and returns how many it deleted.
func deleteTokensOf(tx *bolt.Tx, accountID string, kind data.TokenKind) (int, error) {
	return editEach(tx.Bucket(bucketTokens), "token", nil, func(_ []byte, t *data.Token) (editOp, error) {
		if t.AccountID == accountID && (kind == "" || t.Kind == kind) {
			return editDelete, nil
		}
		return editKeep, nil
	})
}

// PutOutboxMail keeps a mail in the outbox and returns its sequence.
func (s *Store) PutOutboxMail(ctx context.Context, m data.OutboxMail) (uint64, error) {
	if m.At.IsZero() {
		m.At = s.stamp()
	}
	err := s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		b := tx.Bucket(bucketOutbox)
		seq, err := b.NextSequence()
		if err != nil {
			return fmt.Errorf("store: outbox sequence: %w", err)
		}
		m.Seq = seq
		raw, err := encode(m)
		if err != nil {
			return err
		}
		return b.Put(seqKey(seq), raw)
	})
	return m.Seq, err
}

// Outbox returns the last n mails of the outbox, newest first.
func (s *Store) Outbox(ctx context.Context, n int) ([]data.OutboxMail, error) {
	var out []data.OutboxMail
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.Last(); k != nil && len(out) < n; k, v = c.Prev() {
			var m data.OutboxMail
			if err := decode("outbox mail", fmt.Sprint(binary.BigEndian.Uint64(k)), v, &m); err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// AddAccountNeed files a need (a tender of source "besoin") under the
// buyer's account.
func (s *Store) AddAccountNeed(ctx context.Context, accountID, tenderID string) error {
	if err := validID("AccountID", accountID); err != nil {
		return err
	}
	if err := validID("tenderID", tenderID); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		return tx.Bucket(bucketAccountNeeds).Put([]byte(accountID+"|"+tenderID), nil)
	})
}

// AccountNeeds returns the tenders filed under an account (missing ones
// skipped), in tender id order.
func (s *Store) AccountNeeds(ctx context.Context, accountID string) ([]data.Tender, error) {
	var out []data.Tender
	err := s.view(ctx, func(tx *bolt.Tx) error {
		tenders := tx.Bucket(bucketTenders)
		for _, k := range prefixKeys(tx.Bucket(bucketAccountNeeds), accountID+"|") {
			var t data.Tender
			found, err := get(tenders, "tender", afterFirst(k), &t)
			if err != nil {
				return err
			}
			if found {
				out = append(out, t)
			}
		}
		return nil
	})
	return out, err
}

// PurgeExpired deletes the sessions that expired at now or were last seen
// before idleBefore, and the tokens that expired at now. It returns how
// many of each it deleted.
func (s *Store) PurgeExpired(ctx context.Context, now, idleBefore time.Time) (sessions, tokens int, err error) {
	err = s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		sessions, tokens = 0, 0
		var dead []data.Session
		err := tx.Bucket(bucketSessions).ForEach(func(k, v []byte) error {
			var sess data.Session
			if err := decode("session", string(k), v, &sess); err != nil {
				return err
			}
			if !now.Before(sess.ExpiresAt) || sess.LastSeen.Before(idleBefore) {
				dead = append(dead, sess)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, sess := range dead {
			if err := deleteSession(tx, sess); err != nil {
				return err
			}
		}
		sessions = len(dead)
		b := tx.Bucket(bucketTokens)
		var deadTokens [][]byte
		err = b.ForEach(func(k, v []byte) error {
			var t data.Token
			if err := decode("token", string(k), v, &t); err != nil {
				return err
			}
			if !now.Before(t.ExpiresAt) {
				deadTokens = append(deadTokens, append([]byte(nil), k...))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range deadTokens {
			if err := b.Delete(k); err != nil {
				return fmt.Errorf("store: delete token: %w", err)
			}
		}
		tokens = len(deadTokens)
		return nil
	})
	return sessions, tokens, err
}
