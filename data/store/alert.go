package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
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
//	idx_alert_token_profile   profile id|kind|hash → "" (feed and unsubscribe tokens;
//	                          a digest's token is found by its digest, see alert_digest_token.go)
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

// alertToken is what a token opens: one profile (feed and unsubscribe
// tokens) or the profiles of one digest (data.AlertTokenDigest).
type alertToken struct {
	ProfileID string    `json:"profile_id,omitempty"`
	Digest    string    `json:"digest,omitempty"`
	Profiles  []string  `json:"profiles,omitempty"`
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

// getFound decodes the record at key of the named bucket into v; a
// missing bucket or key is an error wrapping data.ErrNotFound.
func getFound(tx *bolt.Tx, bucket []byte, what, key string, v any) error {
	found := false
	if b := tx.Bucket(bucket); b != nil && key != "" {
		var err error
		if found, err = get(b, what, key, v); err != nil {
			return err
		}
	}
	if !found {
		return fmt.Errorf("store: %s %q: %w", what, key, data.ErrNotFound)
	}
	return nil
}

// eachPrefixed calls fn for every key of b (nil: none) that starts with
// prefix, with the rest of the key and the value.
func eachPrefixed(b *bolt.Bucket, prefix string, fn func(rest string, v []byte) error) error {
	if b == nil {
		return nil
	}
	p := []byte(prefix)
	c := b.Cursor()
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		if err := fn(string(k[len(p):]), v); err != nil {
			return err
		}
	}
	return nil
}

// newAlertID is a random identifier of 16 hex digits.
func newAlertID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// newToken is a random token of 192 bits, and the hash the store keeps
// of it.
func newToken() (token, hash string) {
	var raw [24]byte
	_, _ = rand.Read(raw[:]) // never fails (crypto/rand)
	token = base64.RawURLEncoding.EncodeToString(raw[:])
	return token, tokenHash(token)
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// ErrAlertExists refuses a new alert profile identical to one its
// account has (data.AlertProfile.SameAs), or a change that would make a
// stored profile identical to another: PutAlertProfile returns that other
// one with it, so that a form posted twice saves one alert and an edit
// never makes twins. It wraps data.ErrConflict.
var ErrAlertExists = fmt.Errorf("store: an identical alert profile exists: %w", data.ErrConflict)

// PutAlertProfile validates p (data.AlertProfile.Normalize) and stores it:
// a new profile (empty ID) gets an ID, is active and is counted against
// data.MaxAlertsPerOwner; an existing one keeps its owner and CreatedAt.
// The account must exist. A new profile identical to one of the account's
// is not stored, nor a change of a stored one that makes it identical to
// another: that one is returned with ErrAlertExists. A change of state
// alone (Active) is never refused, even of twins stored before the check.
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
		// twin refuses p when the account has another profile identical
		// to it, and says how many profiles the account has.
		twin := func() (int, error) {
			same, n, err := identicalAlert(tx, idx, p)
			if err == nil && same.ID != "" {
				p = same
				err = fmt.Errorf("store: alert profile %q: %w", same.ID, ErrAlertExists)
			}
			return n, err
		}
		if p.ID == "" {
			n, err := twin()
			if err != nil {
				return err
			}
			if n >= data.MaxAlertsPerOwner {
				return invalid("alert", "", fmt.Sprintf("%d alertes au plus par compte", data.MaxAlertsPerOwner))
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
			if !old.SameAs(p) {
				if _, err := twin(); err != nil {
					return err
				}
			}
			p.CreatedAt = old.CreatedAt
		}
		p.UpdatedAt = now
		if err := put(b, p.ID, &p); err != nil {
			return err
		}
		return idx.Put([]byte(p.AccountID+"|"+p.ID), nil)
	})
	if errors.Is(err, ErrAlertExists) {
		return p, err
	}
	if err != nil {
		return data.AlertProfile{}, err
	}
	return p, nil
}

// identicalAlert returns the profile of p's account, p itself excepted,
// that is identical to p (data.AlertProfile.SameAs), or a zero profile;
// n counts the account's profiles.
func identicalAlert(tx *bolt.Tx, idx *bolt.Bucket, p data.AlertProfile) (same data.AlertProfile, n int, err error) {
	err = eachPrefixed(idx, p.AccountID+"|", func(id string, _ []byte) error {
		n++
		if same.ID != "" || id == p.ID {
			return nil
		}
		old, err := alertProfile(tx, id)
		if err == nil && old.SameAs(p) {
			same = old
		}
		return err
	})
	return same, n, err
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
	err := getFound(tx, bucketAlertProfiles, "alert profile", id, &p)
	return p, err
}

// AlertProfilesOf returns an account's profiles, oldest first.
func (s *Store) AlertProfilesOf(ctx context.Context, accountID string) ([]data.AlertProfile, error) {
	var out []data.AlertProfile
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return eachPrefixed(tx.Bucket(bucketAlertAccount), accountID+"|", func(id string, _ []byte) error {
			p, err := alertProfile(tx, id)
			out = append(out, p)
			return err
		})
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
		return deleteAlertProfile(tx, p)
	})
}

// deleteAlertProfile is DeleteAlertProfile inside tx, of a profile read
// in it.
func deleteAlertProfile(tx *bolt.Tx, p data.AlertProfile) error {
	for _, kind := range []data.AlertTokenKind{data.AlertTokenFeed, data.AlertTokenUnsubscribe} {
		if err := revokeAlertTokens(tx, p.ID, kind); err != nil {
			return err
		}
	}
	if b := tx.Bucket(bucketAlertLast); b != nil {
		if err := b.Delete([]byte(p.ID)); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	if err := tx.Bucket(bucketAlertAccount).Delete([]byte(p.AccountID + "|" + p.ID)); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return tx.Bucket(bucketAlertProfiles).Delete([]byte(p.ID))
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
	token, hash := newToken()
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
	prefix := profileID + "|" + string(data.AlertTokenUnsubscribe) + "|"
	type held struct {
		hash string
		at   time.Time
	}
	var all []held
	err := eachPrefixed(idx, prefix, func(h string, _ []byte) error {
		var t alertToken
		_, err := get(tokens, "alert token", string(data.AlertTokenUnsubscribe)+"|"+h, &t)
		all = append(all, held{h, t.At})
		return err
	})
	if err != nil {
		return err
	}
	if len(all) <= maxUnsubscribeTokens {
		return nil
	}
	slices.SortFunc(all, func(a, b held) int { return a.at.Compare(b.at) })
	for _, h := range all[:len(all)-maxUnsubscribeTokens] {
		if err := tokens.Delete([]byte(string(data.AlertTokenUnsubscribe) + "|" + h.hash)); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if err := idx.Delete([]byte(prefix + h.hash)); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	return nil
}

// AlertProfileByToken returns the profile a token opens; data.ErrNotFound
// for an unknown or revoked token.
func (s *Store) AlertProfileByToken(ctx context.Context, kind data.AlertTokenKind, token string) (data.AlertProfile, error) {
	var p data.AlertProfile
	if err := validTokenKind(kind); err != nil {
		return p, err
	}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var t alertToken
		if token == "" {
			return fmt.Errorf("store: alert token: %w", data.ErrNotFound)
		}
		if err := getFound(tx, bucketAlertTokens, "alert token", string(kind)+"|"+tokenHash(token), &t); err != nil {
			return err
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
	prefix := profileID + "|" + string(kind) + "|"
	var hashes []string
	_ = eachPrefixed(idx, prefix, func(h string, _ []byte) error { hashes = append(hashes, h); return nil })
	for _, h := range hashes {
		if err := tokens.Delete([]byte(string(kind) + "|" + h)); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		if err := idx.Delete([]byte(prefix + h)); err != nil {
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
		return eachPrefixed(tx.Bucket(bucketAlertSent), accountID+"|", func(id string, v []byte) error {
			var a data.AlertSent
			err := decode("alert sent", accountID+"|"+id, v, &a)
			out[a.TenderID] = a
			return err
		})
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
// SMTP. Its ID must be new (data.ErrConflict otherwise) and its account
// must exist (data.ErrNotFound): a digest built while its account was
// being deleted is never recorded, hence never sent.
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
		if !hasKey(tx.Bucket(bucketAccounts), d.AccountID) {
			return fmt.Errorf("store: digest %q of account %q: %w", d.ID, d.AccountID, data.ErrNotFound)
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
	err := s.view(ctx, func(tx *bolt.Tx) error { return getFound(tx, bucketAlertDigests, "digest", id, &d) })
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
	err := getFound(tx, bucketAlertDigests, "digest", id, &d)
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
