package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// TestDigestToken: a digest's token opens every profile it was made for,
// then those left after a deletion, and nothing once all are gone; a
// per-profile unsubscribe token opens its profile alone; a feed token
// opens nothing here. The token lives as long as its digest record.
func TestDigestToken(t *testing.T) {
	ctx := context.Background()
	s := alertStore(t)
	a := putProfile(t, s, data.AlertProfile{AccountID: "acc-1", Name: "Menuiserie", Keywords: "menuiserie"})
	b := putProfile(t, s, data.AlertProfile{AccountID: "acc-1", Name: "Visserie", Keywords: "visserie"})
	c := putProfile(t, s, data.AlertProfile{AccountID: "acc-1", Name: "Fonderie", Keywords: "fonderie"})

	if _, err := s.NewDigestToken(ctx, "d-1", nil); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("a token without profiles: %v, want ErrInvalid", err)
	}
	if _, err := s.NewDigestToken(ctx, "d-1", []string{a.ID, "missing"}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("a token of a missing profile: %v, want ErrNotFound", err)
	}
	digest, err := s.NewDigestToken(ctx, "d-1", []string{b.ID, a.ID})
	if err != nil {
		t.Fatal(err)
	}
	one, err := s.NewAlertToken(ctx, c.ID, data.AlertTokenUnsubscribe)
	if err != nil {
		t.Fatal(err)
	}
	feed, err := s.NewAlertToken(ctx, c.ID, data.AlertTokenFeed)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, token string
		want        []string
	}{
		{"digest", digest, []string{b.ID, a.ID}},
		{"per profile", one, []string{c.ID}},
		{"feed", feed, nil},
		{"unknown", "inconnu", nil},
		{"empty", "", nil},
	} {
		got, err := s.UnsubscribeProfiles(ctx, tt.token)
		if tt.want == nil {
			if !errors.Is(err, data.ErrNotFound) {
				t.Errorf("%s: %v, %v; want ErrNotFound", tt.name, profileIDs(got), err)
			}
			continue
		}
		if err != nil || !slices.Equal(profileIDs(got), tt.want) {
			t.Errorf("%s: %v, %v; want %v", tt.name, profileIDs(got), err, tt.want)
		}
	}
	if _, err := s.AlertProfileByToken(ctx, data.AlertTokenDigest, digest); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("AlertProfileByToken(digest kind): %v, want ErrInvalid (it opens several)", err)
	}

	if err := s.DeleteAlertProfile(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.UnsubscribeProfiles(ctx, digest); err != nil || !slices.Equal(profileIDs(got), []string{a.ID}) {
		t.Errorf("after a deletion: %v, %v; want %s", profileIDs(got), err, a.ID)
	}
	if err := s.DeleteAlertProfile(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.UnsubscribeProfiles(ctx, digest); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("every profile deleted: %v, %v; want ErrNotFound", profileIDs(got), err)
	}

	// Lifetime: the token of a recorded digest stays while the digest
	// does; that of a forgotten digest goes; a recent token whose digest
	// is not recorded yet stays.
	kept, err := s.NewDigestToken(ctx, "d-kept", []string{c.ID})
	if err != nil {
		t.Fatal(err)
	}
	old, err := s.NewDigestToken(ctx, "d-old", []string{c.ID})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := s.NewDigestToken(ctx, "d-fresh", []string{c.ID})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for id, at := range map[string]time.Time{"d-kept": now, "d-old": now.AddDate(0, 0, -100)} {
		if err := s.BeginDigest(ctx, data.DigestRecord{ID: id, AccountID: "acc-1", MessageID: id + "@x", At: at, To: "acc-1@example.fr"}); err != nil {
			t.Fatal(err)
		}
		if err := s.CompleteDigest(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	// The tokens were stamped by the store's clock (April 2026): a cutoff
	// after it makes them all old enough, one before keeps them all.
	if _, _, err := s.PruneAlertHistory(ctx, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UnsubscribeProfiles(ctx, fresh); err != nil {
		t.Errorf("a token newer than the cutoff went: %v", err)
	}
	if _, _, err := s.PruneAlertHistory(ctx, now.AddDate(0, 0, -90)); err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct {
		token string
		kept  bool
	}{"kept": {kept, true}, "old": {old, false}, "fresh": {fresh, false}, "per profile": {one, true}} {
		if _, err := s.UnsubscribeProfiles(ctx, tt.token); (err == nil) != tt.kept {
			t.Errorf("%s token kept = %v, want %v", name, err == nil, tt.kept)
		}
	}
	mustCheck(t, s)
}

// TestUnsubscribeAllOrNothing: the one-click link of a digest stops all
// its profiles in one transaction. When the second of three cannot be
// read back (a record the decoder refuses, written behind the store's
// back), the first is already stopped inside the transaction: the error
// must undo it, so that the file is byte for byte what it was. Once the
// record is readable again, a click stops them all and a second click
// answers the same, changing nothing.
func TestUnsubscribeAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := alertStore(t)
	a := putProfile(t, s, data.AlertProfile{AccountID: "acc-1", Name: "Menuiserie", Keywords: "menuiserie"})
	b := putProfile(t, s, data.AlertProfile{AccountID: "acc-1", Name: "Visserie", Keywords: "visserie"})
	c := putProfile(t, s, data.AlertProfile{AccountID: "acc-1", Name: "Fonderie", Keywords: "fonderie"})
	token, err := s.NewDigestToken(ctx, "d-1", []string{a.ID, b.ID, c.ID})
	if err != nil {
		t.Fatal(err)
	}
	setRaw := func(v []byte) {
		t.Helper()
		if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketAlertProfiles).Put([]byte(b.ID), v) }); err != nil {
			t.Fatal(err)
		}
	}
	var good []byte
	if err := s.db.View(func(tx *bolt.Tx) error {
		good = bytes.Clone(tx.Bucket(bucketAlertProfiles).Get([]byte(b.ID)))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	setRaw([]byte(`{"id": 7}`))
	before := dumpStore(t, s)
	if got, err := s.Unsubscribe(ctx, token); err == nil {
		t.Fatalf("Unsubscribe with an unreadable profile = %v, want an error", profileIDs(got))
	}
	if after := dumpStore(t, s); !maps.Equal(before, after) {
		for k, v := range after {
			if before[k] != v {
				t.Errorf("the failed unsubscription changed %q: %.200s", strings.ReplaceAll(k, "\x00", " "), v)
			}
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Unsubscribe(cancelled, token); err == nil {
		t.Error("Unsubscribe with a cancelled context succeeded")
	}
	if after := dumpStore(t, s); !maps.Equal(before, after) {
		t.Error("the cancelled unsubscription changed the store")
	}

	setRaw(good)
	first, err := s.Unsubscribe(ctx, token)
	if err != nil || !slices.Equal(profileIDs(first), []string{a.ID, b.ID, c.ID}) {
		t.Fatalf("Unsubscribe = %v, %v; want the three profiles", profileIDs(first), err)
	}
	for _, p := range first {
		if p.Active {
			t.Errorf("profile %s returned active", p.Name)
		}
		if stored, err := s.AlertProfile(ctx, p.ID); err != nil || stored.Active {
			t.Errorf("profile %s stored active (%v)", p.Name, err)
		}
	}
	stopped := dumpStore(t, s)
	second, err := s.Unsubscribe(ctx, token)
	if err != nil || fmt.Sprint(second) != fmt.Sprint(first) {
		t.Errorf("a second click = %v, %v; want the same answer %v", profileIDs(second), err, profileIDs(first))
	}
	if !maps.Equal(stopped, dumpStore(t, s)) {
		t.Error("a second click changed the store")
	}
}
