package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// A digest mail covers several profiles of one account, and its
// List-Unsubscribe header must stop all of them (RFC 8058: the mail
// client unsubscribes from « this mail », not from one of its parts). Its
// token, data.AlertTokenDigest, is stored beside the others in
// alert_tokens, as digest|hash → alertToken{Digest, Profiles}: it names
// the digest and the profiles it was built for, and dies with the digest
// record (PruneAlertHistory), so that a link works as long as the store
// remembers the mail it came in. The per-profile unsubscribe tokens of
// the mail's body keep stopping one profile each.

// NewDigestToken makes the one-click unsubscribe token of a digest for
// its profiles and returns it; only its SHA-256 is stored. The profiles
// must exist; the digest need not be recorded yet (the token goes into
// the mail BeginDigest keeps).
func (s *Store) NewDigestToken(ctx context.Context, digestID string, profileIDs []string) (string, error) {
	if err := validID("digest", digestID); err != nil {
		return "", err
	}
	if len(profileIDs) == 0 {
		return "", invalid("profiles", "", "un résumé sert au moins une alerte")
	}
	token, hash := newToken()
	t := alertToken{Digest: digestID, Profiles: append([]string(nil), profileIDs...), At: s.stamp()}
	err := s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		for _, id := range profileIDs {
			if _, err := alertProfile(tx, id); err != nil {
				return err
			}
		}
		tokens, err := bucketFor(tx, bucketAlertTokens)
		if err != nil {
			return err
		}
		return put(tokens, string(data.AlertTokenDigest)+"|"+hash, t)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// UnsubscribeProfiles returns the profiles an unsubscribe link stops: the
// one of a per-profile token (data.AlertTokenUnsubscribe), or those of a
// digest's token (data.AlertTokenDigest) that still exist, in the
// digest's order. data.ErrNotFound when the token is unknown or none of
// its profiles is left.
func (s *Store) UnsubscribeProfiles(ctx context.Context, token string) ([]data.AlertProfile, error) {
	var out []data.AlertProfile
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		out, err = unsubscribeProfiles(tx, token, nil)
		return err
	})
	return out, err
}

// Unsubscribe stops, in one transaction, every profile an unsubscribe
// link opens (those UnsubscribeProfiles returns) and returns them as they
// are now, all inactive: a failure, or a crash, half-way leaves every one
// of them as it was, never some stopped and others not. Stopping a
// stopped profile changes nothing, so a second click gets the same
// answer. Only Active and UpdatedAt change: a profile saved under older
// rules (that Normalize would now refuse) stops like the others.
func (s *Store) Unsubscribe(ctx context.Context, token string) ([]data.AlertProfile, error) {
	now := s.stamp()
	var out []data.AlertProfile
	err := s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		var err error
		out, err = unsubscribeProfiles(tx, token, func(p *data.AlertProfile) error {
			if !p.Active {
				return nil
			}
			p.Active, p.UpdatedAt = false, now
			return put(tx.Bucket(bucketAlertProfiles), p.ID, p)
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// unsubscribeProfiles reads inside tx the profiles an unsubscribe token
// opens, in order, and calls stop (nil: none) on each as it is read.
func unsubscribeProfiles(tx *bolt.Tx, token string, stop func(*data.AlertProfile) error) ([]data.AlertProfile, error) {
	if token == "" {
		return nil, fmt.Errorf("store: alert token: %w", data.ErrNotFound)
	}
	hash := tokenHash(token)
	var t alertToken
	ids, required := []string(nil), true
	err := getFound(tx, bucketAlertTokens, "alert token", string(data.AlertTokenUnsubscribe)+"|"+hash, &t)
	switch {
	case err == nil:
		ids = []string{t.ProfileID}
	case errors.Is(err, data.ErrNotFound):
		if err := getFound(tx, bucketAlertTokens, "alert token", string(data.AlertTokenDigest)+"|"+hash, &t); err != nil {
			return nil, err
		}
		ids, required = t.Profiles, false // a profile deleted since sends nothing: nothing to stop
	default:
		return nil, err
	}
	var out []data.AlertProfile
	for _, id := range ids {
		var p data.AlertProfile
		found, err := get(tx.Bucket(bucketAlertProfiles), "alert profile", id, &p)
		if err != nil {
			return nil, err
		}
		if !found {
			if required {
				return nil, fmt.Errorf("store: alert profile %q: %w", id, data.ErrNotFound)
			}
			continue
		}
		if stop != nil {
			if err := stop(&p); err != nil {
				return nil, err
			}
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("store: alert token: profiles deleted: %w", data.ErrNotFound)
	}
	return out, nil
}

// pruneDigestTokens deletes the digest tokens made before cutoff whose
// digest the store no longer holds (PruneAlertHistory, after the
// digests). A recent token is kept: its digest may be about to be
// recorded.
func (s *Store) pruneDigestTokens(ctx context.Context, cutoff time.Time) (int, error) {
	prefix := string(data.AlertTokenDigest) + "|"
	return s.pruneAlertBucket(ctx, bucketAlertTokens, func(tx *bolt.Tx, _ map[string]bool, key string, v []byte) (bool, error) {
		if !strings.HasPrefix(key, prefix) {
			return false, nil
		}
		var t alertToken
		if err := decode("alert token", "", v, &t); err != nil {
			return false, err
		}
		if !t.At.Before(cutoff) {
			return false, nil
		}
		b := tx.Bucket(bucketAlertDigests)
		return b == nil || b.Get([]byte(t.Digest)) == nil, nil
	})
}
