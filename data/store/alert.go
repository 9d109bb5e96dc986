package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// Buckets of the alert profiles, created on first use:
//
//	alert_profiles            profile id → JSON data.AlertProfile
//	idx_alert_account         account id|profile id → ""
//	alert_tokens              kind|SHA-256 hex of the token → JSON alertToken
//	idx_alert_token_profile   profile id|kind|hash → ""
//	alert_last                profile id → JSON alertLast (the last digest that served it)
//	alert_sent                account id|tender id → JSON data.AlertSent
//	alert_digests             digest id → JSON data.DigestRecord
//	idx_alert_digest_pending  digest id → "" while the digest is pending
var (
	bucketAlertProfiles     = []byte("alert_profiles")
	bucketAlertAccount      = []byte("idx_alert_account")
	bucketAlertTokens       = []byte("alert_tokens")
	bucketAlertTokenProfile = []byte("idx_alert_token_profile")
	bucketAlertLast         = []byte("alert_last")
	bucketAlertSent         = []byte("alert_sent")
	bucketAlertDigests      = []byte("alert_digests")
	bucketAlertPending      = []byte("idx_alert_digest_pending")
)

// maxUnsubscribeTokens is how many unsubscribe tokens a profile keeps: one
// goes in each digest, so the links of the last mails keep working.
const maxUnsubscribeTokens = 60

type alertToken struct {
	ProfileID string    `json:"profile_id"`
	At        time.Time `json:"at"`
}

type alertLast struct {
	At     time.Time `json:"at"`
	Digest string    `json:"digest"`
}

// bucketFor returns the bucket, creating it in a write transaction; in a
// read transaction a missing bucket is nil (nothing stored yet).
func bucketFor(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	if !tx.Writable() {
		return tx.Bucket(name), nil
	}
	b, err := tx.CreateBucketIfNotExists(name)
	if err != nil {
		return nil, fmt.Errorf("store: bucket %s: %w", name, err)
	}
	return b, nil
}

// newAlertID is a random identifier of 16 hex digits.
func newAlertID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// PutAlertProfile validates p (data.AlertProfile.Normalize) and stores it:
// a new profile (empty ID) gets an ID, is active and is counted against
// data.MaxAlertsPerOwner; an existing one keeps its owner and CreatedAt.
// The account must exist.
func (s *Store) PutAlertProfile(ctx context.Context, p data.AlertProfile) (data.AlertProfile, error) {
	if err := p.Normalize(); err != nil {
		return data.AlertProfile{}, fmt.Errorf("store: %w", err)
	}
	now := s.stamp()
	err := s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		if !hasKey(tx.Bucket(bucketAccounts), p.AccountID) {
			return fmt.Errorf("store: alert profile of account %q: %w", p.AccountID, data.ErrNotFound)
		}
		b, err := bucketFor(tx, bucketAlertProfiles)
		if err != nil {
			return err
		}
		idx, err := bucketFor(tx, bucketAlertAccount)
		if err != nil {
			return err
		}
		if p.ID == "" {
			if n := countPrefix(idx, p.AccountID+"|"); n >= data.MaxAlertsPerOwner {
				return invalid("alert", "", fmt.Sprintf("%d profils d'alerte au plus par compte", data.MaxAlertsPerOwner))
			}
			p.ID, p.CreatedAt, p.Active = newAlertID(), now, true
		} else {
			var old data.AlertProfile
			found, err := get(b, "alert profile", p.ID, &old)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("store: alert profile %q: %w", p.ID, data.ErrNotFound)
			}
			if old.AccountID != p.AccountID {
				return fmt.Errorf("store: alert profile %q of another account: %w", p.ID, data.ErrUnauthorized)
			}
			p.CreatedAt = old.CreatedAt
		}
		p.UpdatedAt = now
		if err := put(b, p.ID, &p); err != nil {
			return err
		}
		return idx.Put([]byte(p.AccountID+"|"+p.ID), nil)
	})
	if err != nil {
		return data.AlertProfile{}, err
	}
	return p, nil
}

func countPrefix(b *bolt.Bucket, prefix string) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.Seek([]byte(prefix)); k != nil && bytes.HasPrefix(k, []byte(prefix)); k, _ = c.Next() {
		n++
	}
	return n
}

// AlertProfile returns a profile; data.ErrNotFound when there is none.
func (s *Store) AlertProfile(ctx context.Context, id string) (data.AlertProfile, error) {
	var p data.AlertProfile
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		p, err = alertProfile(tx, id)
		return err
	})
	return p, err
}

func alertProfile(tx *bolt.Tx, id string) (data.AlertProfile, error) {
	var p data.AlertProfile
	found := false
	if b := tx.Bucket(bucketAlertProfiles); b != nil && id != "" {
		var err error
		if found, err = get(b, "alert profile", id, &p); err != nil {
			return p, err
		}
	}
	if !found {
		return p, fmt.Errorf("store: alert profile %q: %w", id, data.ErrNotFound)
	}
	return p, nil
}

// AlertProfilesOf returns an account's profiles, oldest first.
func (s *Store) AlertProfilesOf(ctx context.Context, accountID string) ([]data.AlertProfile, error) {
	var out []data.AlertProfile
	err := s.view(ctx, func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketAlertAccount)
		if idx == nil {
			return nil
		}
		prefix := []byte(accountID + "|")
		c := idx.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			p, err := alertProfile(tx, string(k[len(prefix):]))
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	sortProfiles(out)
	return out, err
}

func sortProfiles(ps []data.AlertProfile) {
	slices.SortFunc(ps, func(a, b data.AlertProfile) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

// ActiveAlertProfiles returns every active profile, by account then age.
func (s *Store) ActiveAlertProfiles(ctx context.Context) ([]data.AlertProfile, error) {
	var out []data.AlertProfile
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAlertProfiles)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var p data.AlertProfile
			if err := decode("alert profile", string(k), v, &p); err != nil {
				return err
			}
			if p.Active {
				out = append(out, p)
			}
			return nil
		})
	})
	sortProfiles(out)
	slices.SortStableFunc(out, func(a, b data.AlertProfile) int { return strings.Compare(a.AccountID, b.AccountID) })
	return out, err
}

// DeleteAlertProfile deletes a profile, its tokens and its last send;
// data.ErrNotFound when there is none.
func (s *Store) DeleteAlertProfile(ctx context.Context, id string) error {
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		p, err := alertProfile(tx, id)
		if err != nil {
			return err
		}
		for _, kind := range []data.AlertTokenKind{data.AlertTokenFeed, data.AlertTokenUnsubscribe} {
			if err := revokeAlertTokens(tx, id, kind); err != nil {
				return err
			}
		}
		if b := tx.Bucket(bucketAlertLast); b != nil {
			if err := b.Delete([]byte(id)); err != nil {
				return fmt.Errorf("store: %w", err)
			}
		}
		if err := tx.Bucket(bucketAlertAccount).Delete([]byte(p.AccountID + "|" + id)); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		return tx.Bucket(bucketAlertProfiles).Delete([]byte(id))
	})
}

func validTokenKind(kind data.AlertTokenKind) error {
	if kind != data.AlertTokenFeed && kind != data.AlertTokenUnsubscribe {
		return invalid("kind", string(kind), "type de jeton inconnu")
	}
	return nil
}

// NewAlertToken makes a token of a profile and returns it; only its
// SHA-256 is stored, so it cannot be shown again. A new feed token
// revokes the previous ones; unsubscribe tokens accumulate (one per
// digest, the last 60 kept) so that the links of recent mails work.
func (s *Store) NewAlertToken(ctx context.Context, profileID string, kind data.AlertTokenKind) (string, error) {
	if err := validTokenKind(kind); err != nil {
		return "", err
	}
	var raw [24]byte
	_, _ = rand.Read(raw[:])
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	hash := tokenHash(token)
	now := s.stamp()
	err := s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		if _, err := alertProfile(tx, profileID); err != nil {
			return err
		}
		if kind == data.AlertTokenFeed {
			if err := revokeAlertTokens(tx, profileID, kind); err != nil {
				return err
			}
		}
		tokens, err := bucketFor(tx, bucketAlertTokens)
		if err != nil {
			return err
		}
		idx, err := bucketFor(tx, bucketAlertTokenProfile)
		if err != nil {
			return err
		}
		if err := put(tokens, string(kind)+"|"+hash, alertToken{ProfileID: profileID, At: now}); err != nil {
			return err
		}
		if err := idx.Put([]byte(profileID+"|"+string(kind)+"|"+hash), nil); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if kind == data.AlertTokenUnsubscribe {
			return pruneUnsubscribeTokens(tokens, idx, profileID)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// pruneUnsubscribeTokens drops the oldest unsubscribe tokens of a profile
// beyond maxUnsubscribeTokens.
func pruneUnsubscribeTokens(tokens, idx *bolt.Bucket, profileID string) error {
	prefix := []byte(profileID + "|" + string(data.AlertTokenUnsubscribe) + "|")
	type held struct {
		hash string
		at   time.Time
	}
	var all []held
	c := idx.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		h := string(k[len(prefix):])
		var t alertToken
		if _, err := get(tokens, "alert token", string(data.AlertTokenUnsubscribe)+"|"+h, &t); err != nil {
			return err
		}
		all = append(all, held{h, t.At})
	}
	if len(all) <= maxUnsubscribeTokens {
		return nil
	}
	slices.SortFunc(all, func(a, b held) int { return a.at.Compare(b.at) })
	for _, h := range all[:len(all)-maxUnsubscribeTokens] {
		if err := tokens.Delete([]byte(string(data.AlertTokenUnsubscribe) + "|" + h.hash)); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if err := idx.Delete(append(slices.Clone(prefix), h.hash...)); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	return nil
}

// AlertProfileByToken returns the profile a token opens; data.ErrNotFound
// for an unknown or revoked token.
func (s *Store) AlertProfileByToken(ctx context.Context, kind data.AlertTokenKind, token string) (data.AlertProfile, error) {
	var p data.AlertProfile
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var t alertToken
		found := false
		if b := tx.Bucket(bucketAlertTokens); b != nil && token != "" {
			var err error
			if found, err = get(b, "alert token", string(kind)+"|"+tokenHash(token), &t); err != nil {
				return err
			}
		}
		if !found {
			return fmt.Errorf("store: alert token: %w", data.ErrNotFound)
		}
		var err error
		p, err = alertProfile(tx, t.ProfileID)
		return err
	})
	return p, err
}

// RevokeAlertTokens revokes every token of this kind of a profile.
func (s *Store) RevokeAlertTokens(ctx context.Context, profileID string, kind data.AlertTokenKind) error {
	if err := validTokenKind(kind); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error { return revokeAlertTokens(tx, profileID, kind) })
}

func revokeAlertTokens(tx *bolt.Tx, profileID string, kind data.AlertTokenKind) error {
	idx, tokens := tx.Bucket(bucketAlertTokenProfile), tx.Bucket(bucketAlertTokens)
	if idx == nil || tokens == nil {
		return nil
	}
	prefix := []byte(profileID + "|" + string(kind) + "|")
	var keys [][]byte
	c := idx.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, slices.Clone(k))
	}
	for _, k := range keys {
		if err := tokens.Delete([]byte(string(kind) + "|" + string(k[len(prefix):]))); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if err := idx.Delete(k); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	return nil
}

// AlertLastSent returns when the last digest that served a profile was
// built (its scheduled time); zero when none was.
func (s *Store) AlertLastSent(ctx context.Context, profileID string) (time.Time, error) {
	var l alertLast
	err := s.view(ctx, func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketAlertLast); b != nil {
			_, err := get(b, "alert last send", profileID, &l)
			return err
		}
		return nil
	})
	return l.At, err
}

// AlertSentTo returns the tenders already sent to an account, by tender id.
func (s *Store) AlertSentTo(ctx context.Context, accountID string) (map[string]data.AlertSent, error) {
	out := map[string]data.AlertSent{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAlertSent)
		if b == nil {
			return nil
		}
		prefix := []byte(accountID + "|")
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var a data.AlertSent
			if err := decode("alert sent", string(k), v, &a); err != nil {
				return err
			}
			out[a.TenderID] = a
		}
		return nil
	})
	return out, err
}

// TendersUpdatedSince returns the ids of the tenders whose UpdatedAt is at
// or after since, oldest change first.
func (s *Store) TendersUpdatedSince(ctx context.Context, since time.Time) ([]string, error) {
	var out []string
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketTenderUpdated).Cursor()
		for k, _ := c.Seek([]byte(timeKey(since))); k != nil; k, _ = c.Next() {
			out = append(out, afterFirst(string(k)))
		}
		return nil
	})
	return out, err
}

// BeginDigest records a digest as pending before its mail is handed to
// SMTP. Its ID must be new (data.ErrConflict otherwise).
func (s *Store) BeginDigest(ctx context.Context, d data.DigestRecord) error {
	if err := validID("digest", d.ID); err != nil {
		return err
	}
	d.State, d.Attempts, d.InFlight, d.Interrupted = data.DigestPending, 0, false, 0
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		b, err := bucketFor(tx, bucketAlertDigests)
		if err != nil {
			return err
		}
		pending, err := bucketFor(tx, bucketAlertPending)
		if err != nil {
			return err
		}
		if b.Get([]byte(d.ID)) != nil {
			return fmt.Errorf("store: digest %q: %w", d.ID, data.ErrConflict)
		}
		if err := put(b, d.ID, &d); err != nil {
			return err
		}
		return pending.Put([]byte(d.ID), nil)
	})
}

// Digest returns a digest record; data.ErrNotFound when there is none.
func (s *Store) Digest(ctx context.Context, id string) (data.DigestRecord, error) {
	var d data.DigestRecord
	err := s.view(ctx, func(tx *bolt.Tx) error {
		found := false
		if b := tx.Bucket(bucketAlertDigests); b != nil {
			var err error
			if found, err = get(b, "digest", id, &d); err != nil {
				return err
			}
		}
		if !found {
			return fmt.Errorf("store: digest %q: %w", id, data.ErrNotFound)
		}
		return nil
	})
	return d, err
}

// PendingDigests returns the digests not yet sent nor given up, by id.
func (s *Store) PendingDigests(ctx context.Context) ([]data.DigestRecord, error) {
	var out []data.DigestRecord
	err := s.view(ctx, func(tx *bolt.Tx) error {
		pending, b := tx.Bucket(bucketAlertPending), tx.Bucket(bucketAlertDigests)
		if pending == nil || b == nil {
			return nil
		}
		return pending.ForEach(func(k, _ []byte) error {
			var d data.DigestRecord
			if _, err := get(b, "digest", string(k), &d); err != nil {
				return err
			}
			out = append(out, d)
			return nil
		})
	})
	return out, err
}

// StartDigestAttempt is called just before a pending digest is handed to
// SMTP. It records the attempt (InFlight) in its own transaction and
// reports whether to send: a digest found in flight was interrupted by
// the end of the process, and is sent again only once; a digest that
// failed data.MaxDigestAttempts times is given up. A given-up digest
// advances its profiles' last send (a broken address is not retried at
// each run) but records none of its tenders as sent.
func (s *Store) StartDigestAttempt(ctx context.Context, id string) (data.DigestRecord, bool, error) {
	var d data.DigestRecord
	send := false
	err := s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		var err error
		if d, err = digestForUpdate(tx, id); err != nil {
			return err
		}
		if d.State != data.DigestPending {
			return nil
		}
		if d.InFlight {
			d.Interrupted++
			d.InFlight = false
		}
		if d.Interrupted > 1 || d.Attempts >= data.MaxDigestAttempts {
			if d.Error == "" {
				d.Error = "envoi interrompu deux fois"
			}
			return finishDigest(tx, &d, data.DigestFailed, s.stamp())
		}
		d.Attempts++
		d.InFlight = true
		send = true
		return put(tx.Bucket(bucketAlertDigests), d.ID, &d)
	})
	return d, send, err
}

// FailDigestAttempt records an SMTP failure of a digest; it stays pending
// until data.MaxDigestAttempts.
func (s *Store) FailDigestAttempt(ctx context.Context, id string, cause error) error {
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		d, err := digestForUpdate(tx, id)
		if err != nil || d.State != data.DigestPending {
			return err
		}
		d.InFlight = false
		d.Error = cause.Error()
		return put(tx.Bucket(bucketAlertDigests), d.ID, &d)
	})
}

// CompleteDigest marks a digest sent and, in the same transaction, records
// the tenders it carried as sent to its account and its time as its
// profiles' last send. Completing a digest twice changes nothing.
func (s *Store) CompleteDigest(ctx context.Context, id string) error {
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		d, err := digestForUpdate(tx, id)
		if err != nil || d.State != data.DigestPending {
			return err
		}
		d.InFlight, d.Error = false, ""
		return finishDigest(tx, &d, data.DigestSent, s.stamp())
	})
}

func digestForUpdate(tx *bolt.Tx, id string) (data.DigestRecord, error) {
	var d data.DigestRecord
	b, err := bucketFor(tx, bucketAlertDigests)
	if err != nil {
		return d, err
	}
	found, err := get(b, "digest", id, &d)
	if err == nil && !found {
		err = fmt.Errorf("store: digest %q: %w", id, data.ErrNotFound)
	}
	return d, err
}

// finishDigest ends a pending digest: sent (its tenders recorded as sent)
// or failed; both advance its profiles' last send.
func finishDigest(tx *bolt.Tx, d *data.DigestRecord, state data.DigestState, now time.Time) error {
	d.State = state
	if state == data.DigestSent {
		d.SentAt = now
		sent, err := bucketFor(tx, bucketAlertSent)
		if err != nil {
			return err
		}
		for _, it := range d.Items {
			key := d.AccountID + "|" + it.TenderID
			var old data.AlertSent
			if _, err := get(sent, "alert sent", key, &old); err != nil {
				return err
			}
			if it.Reminded.IsZero() {
				it.Reminded = old.Reminded
			}
			if err := put(sent, key, it); err != nil {
				return err
			}
		}
	}
	last, err := bucketFor(tx, bucketAlertLast)
	if err != nil {
		return err
	}
	for _, pid := range d.Profiles {
		var l alertLast
		if _, err := get(last, "alert last send", pid, &l); err != nil {
			return err
		}
		if d.At.After(l.At) {
			if err := put(last, pid, alertLast{At: d.At, Digest: d.ID}); err != nil {
				return err
			}
		}
	}
	if err := tx.Bucket(bucketAlertPending).Delete([]byte(d.ID)); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return put(tx.Bucket(bucketAlertDigests), d.ID, d)
}

// MarkAlertsServed records at as the last send of profiles whose digest
// had nothing to send (or nobody to send it to), so that they are not
// built again before their next time.
func (s *Store) MarkAlertsServed(ctx context.Context, profileIDs []string, at time.Time) error {
	return s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		last, err := bucketFor(tx, bucketAlertLast)
		if err != nil {
			return err
		}
		for _, pid := range profileIDs {
			var l alertLast
			if _, err := get(last, "alert last send", pid, &l); err != nil {
				return err
			}
			if at.After(l.At) {
				if err := put(last, pid, alertLast{At: at, Digest: l.Digest}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
