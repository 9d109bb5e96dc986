package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// alertStore is a store with two accounts.
func alertStore(t *testing.T) *Store {
	t.Helper()
	s := openTest(t, Options{NoSync: true, Now: newClock().Now})
	for _, id := range []string{"acc-1", "acc-2"} {
		if err := s.PutAccount(context.Background(), data.Account{ID: id, Email: id + "@example.fr", Role: data.RoleSupplier, Verified: true}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func putProfile(t *testing.T, s *Store, p data.AlertProfile) data.AlertProfile {
	t.Helper()
	got, err := s.PutAlertProfile(context.Background(), p)
	if err != nil {
		t.Fatalf("PutAlertProfile(%q): %v", p.Name, err)
	}
	return got
}

func TestAlertProfileRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := alertStore(t)
	p := putProfile(t, s, data.AlertProfile{AccountID: "acc-1", Name: " Menuiserie ", Keywords: `"menuiserie bois"`,
		Exclude: []string{"PVC"}, CPV: []data.AlertCPV{{Code: "45421000", WithChildren: true}}, Departements: []string{"76"},
		Near: &data.Place{Postcode: "76000"}, RadiusKm: 40, ValueMin: 1000, Procedures: []string{"adaptee"}, LotsOnly: true,
		Frequency: data.AlertWeekly})
	if p.ID == "" || !p.Active || p.CreatedAt.IsZero() || !p.UpdatedAt.Equal(p.CreatedAt) || p.Name != "Menuiserie" {
		t.Fatalf("new profile: %+v", p)
	}
	got, err := s.AlertProfile(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Keywords != p.Keywords || got.Near == nil || got.Near.Departement != "76" || got.RadiusKm != 40 ||
		!slices.Equal(got.Exclude, []string{"PVC"}) || got.CPV[0] != p.CPV[0] || !got.LotsOnly || got.Frequency != data.AlertWeekly ||
		!got.CreatedAt.Equal(p.CreatedAt) {
		t.Errorf("read back %+v, want %+v", got, p)
	}

	// Update: keeps CreatedAt; another account cannot take it.
	got.Name, got.Active = "Menuiserie extérieure", false
	upd := putProfile(t, s, got)
	if !upd.CreatedAt.Equal(p.CreatedAt) || !upd.UpdatedAt.After(p.UpdatedAt) || upd.Active {
		t.Errorf("updated: %+v", upd)
	}
	stolen := upd
	stolen.AccountID = "acc-2"
	if _, err := s.PutAlertProfile(ctx, stolen); !errors.Is(err, data.ErrUnauthorized) {
		t.Errorf("another account's update: %v, want ErrUnauthorized", err)
	}
	if _, err := s.PutAlertProfile(ctx, data.AlertProfile{AccountID: "acc-1", Name: "x"}); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("invalid profile: %v, want ErrInvalid", err)
	}
	if _, err := s.PutAlertProfile(ctx, data.AlertProfile{AccountID: "nobody", Name: "x", Keywords: "bois"}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown account: %v, want ErrNotFound", err)
	}
	if _, err := s.PutAlertProfile(ctx, data.AlertProfile{ID: "nope", AccountID: "acc-1", Name: "x", Keywords: "bois"}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown id: %v, want ErrNotFound", err)
	}

	second := putProfile(t, s, data.AlertProfile{AccountID: "acc-1", Name: "Charpente", Keywords: "charpente"})
	other := putProfile(t, s, data.AlertProfile{AccountID: "acc-2", Name: "Voirie", CPV: []data.AlertCPV{{Code: "45233140"}}})
	mine, err := s.AlertProfilesOf(ctx, "acc-1")
	if err != nil {
		t.Fatal(err)
	}
	if ids := profileIDs(mine); !slices.Equal(ids, []string{p.ID, second.ID}) {
		t.Errorf("AlertProfilesOf = %v, want %v", ids, []string{p.ID, second.ID})
	}
	active, err := s.ActiveAlertProfiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ids := profileIDs(active); !slices.Equal(ids, []string{second.ID, other.ID}) {
		t.Errorf("ActiveAlertProfiles = %v, want %v (the inactive one left out)", ids, []string{second.ID, other.ID})
	}

	if err := s.DeleteAlertProfile(ctx, second.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AlertProfile(ctx, second.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("deleted profile: %v", err)
	}
	if err := s.DeleteAlertProfile(ctx, second.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
	if mine, _ = s.AlertProfilesOf(ctx, "acc-1"); len(mine) != 1 {
		t.Errorf("after delete: %d profiles", len(mine))
	}
	mustCheck(t, s)
}

func profileIDs(ps []data.AlertProfile) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func TestAlertProfileLimitPerAccount(t *testing.T) {
	s := alertStore(t)
	for i := range data.MaxAlertsPerOwner {
		putProfile(t, s, data.AlertProfile{AccountID: "acc-1", Name: fmt.Sprint("p", i), Keywords: "bois"})
	}
	if _, err := s.PutAlertProfile(context.Background(), data.AlertProfile{AccountID: "acc-1", Name: "one more", Keywords: "bois"}); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("profile %d: %v, want ErrInvalid", data.MaxAlertsPerOwner+1, err)
	} else if strings.Contains(err.Error(), "profil") { // the site says « alerte »
		t.Errorf("the refusal speaks of « profils »: %v", err)
	}
}

// TestAlertProfileIdentical: a new profile identical to one of the
// account's (a form posted twice) is not stored again: that one comes
// back with ErrAlertExists. Another name, another criterion or another
// account makes another profile.
func TestAlertProfileIdentical(t *testing.T) {
	ctx := context.Background()
	s := alertStore(t)
	alert := func(account, name, keywords string) data.AlertProfile {
		return data.AlertProfile{AccountID: account, Name: name, Keywords: keywords, Exclude: []string{},
			CPV: []data.AlertCPV{{Code: "45421000-4"}}, Frequency: data.AlertWeekly}
	}
	first := putProfile(t, s, alert("acc-1", "Menuiserie", "bois"))
	again, err := s.PutAlertProfile(ctx, alert("acc-1", " Menuiserie ", " bois"))
	if !errors.Is(err, ErrAlertExists) || !errors.Is(err, data.ErrConflict) || again.ID != first.ID {
		t.Fatalf("identical profile: %+v, %v; want %s with ErrAlertExists", again, err, first.ID)
	}
	// Suspended, it is still the same alert.
	first.Active = false
	putProfile(t, s, first)
	if again, err := s.PutAlertProfile(ctx, alert("acc-1", "Menuiserie", "bois")); !errors.Is(err, ErrAlertExists) || again.ID != first.ID {
		t.Errorf("identical to a suspended profile: %+v, %v", again, err)
	}
	for _, p := range []data.AlertProfile{alert("acc-1", "Menuiserie 2", "bois"), alert("acc-1", "Menuiserie", "bois chêne"), alert("acc-2", "Menuiserie", "bois")} {
		if got := putProfile(t, s, p); got.ID == first.ID {
			t.Errorf("%+v was taken for the first profile", p)
		}
	}
	n := 0
	for _, acc := range []string{"acc-1", "acc-2"} {
		ps, _ := s.AlertProfilesOf(ctx, acc)
		n += len(ps)
	}
	if n != 4 {
		t.Errorf("%d profiles stored, want 4", n)
	}

	// An edit that makes a profile identical to another of its account is
	// refused the same way, with that other one; the edited profile stays
	// as it was.
	ps, err := s.AlertProfilesOf(ctx, "acc-1")
	if err != nil || len(ps) != 3 {
		t.Fatalf("acc-1 profiles = %d, %v; want 3", len(ps), err)
	}
	second := ps[1]
	edit := second
	edit.Name, edit.Keywords = "Menuiserie", "bois"
	if got, err := s.PutAlertProfile(ctx, edit); !errors.Is(err, ErrAlertExists) || got.ID != first.ID {
		t.Errorf("edit into a twin: %+v, %v; want %s with ErrAlertExists", got, err, first.ID)
	}
	if kept, _ := s.AlertProfile(ctx, second.ID); !kept.SameAs(second) {
		t.Errorf("the refused edit was stored: %+v", kept)
	}
	// Saving a profile unchanged, or changing its state alone, is never
	// refused, even where twins were stored before this check.
	edit = second
	edit.Frequency = data.AlertDaily
	if _, err := s.PutAlertProfile(ctx, edit); err != nil {
		t.Errorf("an edit into no twin: %v", err)
	}
	// acc-2 has « Menuiserie », « bois »: its twin is written as an older
	// version stored it.
	twin := alert("acc-2", "Menuiserie", "bois")
	if err := twin.Normalize(); err != nil {
		t.Fatal(err)
	}
	twin.ID, twin.CreatedAt, twin.Active = "0123456789abcdef", time.Now().UTC(), true
	if err := s.db.Update(func(tx *bolt.Tx) error {
		if err := put(tx.Bucket(bucketAlertProfiles), twin.ID, &twin); err != nil {
			return err
		}
		return tx.Bucket(bucketAlertAccount).Put([]byte("acc-2|"+twin.ID), nil)
	}); err != nil {
		t.Fatal(err)
	}
	twin.Active = false
	if _, err := s.PutAlertProfile(ctx, twin); err != nil {
		t.Errorf("suspending a twin stored before the check: %v", err)
	}
	if _, err := s.PutAlertProfile(ctx, twin); err != nil {
		t.Errorf("saving a twin stored before the check unchanged: %v", err)
	}
}

func TestAlertTokens(t *testing.T) {
	ctx := context.Background()
	s := alertStore(t)
	p := putProfile(t, s, data.AlertProfile{AccountID: "acc-1", Name: "Bois", Keywords: "bois"})
	q := putProfile(t, s, data.AlertProfile{AccountID: "acc-1", Name: "Acier", Keywords: "acier"})

	feed1, err := s.NewAlertToken(ctx, p.ID, data.AlertTokenFeed)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.AlertProfileByToken(ctx, data.AlertTokenFeed, feed1); err != nil || got.ID != p.ID {
		t.Fatalf("feed token: %v %v", got.ID, err)
	}
	if _, err := s.AlertProfileByToken(ctx, data.AlertTokenUnsubscribe, feed1); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("feed token used to unsubscribe: %v", err)
	}
	feed2, err := s.NewAlertToken(ctx, p.ID, data.AlertTokenFeed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AlertProfileByToken(ctx, data.AlertTokenFeed, feed1); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("replaced feed token still works: %v", err)
	}
	if got, _ := s.AlertProfileByToken(ctx, data.AlertTokenFeed, feed2); got.ID != p.ID {
		t.Error("new feed token does not work")
	}

	// Unsubscribe tokens accumulate, the oldest beyond the limit dropped.
	var unsub []string
	for range maxUnsubscribeTokens + 2 {
		tok, err := s.NewAlertToken(ctx, p.ID, data.AlertTokenUnsubscribe)
		if err != nil {
			t.Fatal(err)
		}
		unsub = append(unsub, tok)
	}
	for i, tok := range unsub {
		_, err := s.AlertProfileByToken(ctx, data.AlertTokenUnsubscribe, tok)
		if wantGone := i < 2; wantGone != errors.Is(err, data.ErrNotFound) {
			t.Errorf("unsubscribe token %d: err %v, want gone %v", i, err, wantGone)
		}
	}
	qTok, _ := s.NewAlertToken(ctx, q.ID, data.AlertTokenUnsubscribe)
	if err := s.RevokeAlertTokens(ctx, p.ID, data.AlertTokenUnsubscribe); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AlertProfileByToken(ctx, data.AlertTokenUnsubscribe, unsub[len(unsub)-1]); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("revoked token: %v", err)
	}
	if got, _ := s.AlertProfileByToken(ctx, data.AlertTokenUnsubscribe, qTok); got.ID != q.ID {
		t.Error("revoking one profile's tokens revoked another's")
	}
	if got, _ := s.AlertProfileByToken(ctx, data.AlertTokenFeed, feed2); got.ID != p.ID {
		t.Error("revoking unsubscribe tokens revoked the feed token")
	}
	if _, err := s.NewAlertToken(ctx, "nope", data.AlertTokenFeed); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("token of unknown profile: %v", err)
	}
	if _, err := s.NewAlertToken(ctx, p.ID, "other"); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("unknown kind: %v", err)
	}
	if err := s.DeleteAlertProfile(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AlertProfileByToken(ctx, data.AlertTokenFeed, feed2); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("token of a deleted profile: %v", err)
	}
}

func TestDigestLifecycle(t *testing.T) {
	ctx := context.Background()
	s := alertStore(t)
	p := putProfile(t, s, data.AlertProfile{AccountID: "acc-1", Name: "Bois", Keywords: "bois"})
	at := time.Date(2026, 5, 4, 5, 0, 0, 0, time.UTC)
	v1 := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	rec := data.DigestRecord{ID: "d1", AccountID: "acc-1", MessageID: "d1@x", At: at, Profiles: []string{p.ID},
		Items: []data.AlertSent{{TenderID: "boamp:1", Version: v1, Revisions: 1, At: at, Digest: "d1"},
			{TenderID: "boamp:2", Version: v1, Revisions: 1, At: at, Digest: "d1", Reminded: at}},
		To: "acc-1@example.fr", Subject: "s", Text: "t"}
	if err := s.BeginDigest(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := s.BeginDigest(ctx, rec); !errors.Is(err, data.ErrConflict) {
		t.Errorf("same digest twice: %v", err)
	}
	pending, _ := s.PendingDigests(ctx)
	if len(pending) != 1 || pending[0].State != data.DigestPending {
		t.Fatalf("pending %+v", pending)
	}
	if last, _ := s.AlertLastSent(ctx, p.ID); !last.IsZero() {
		t.Errorf("last send before sending: %v", last)
	}
	if sent, _ := s.AlertSentTo(ctx, "acc-1"); len(sent) != 0 {
		t.Errorf("sent before sending: %v", sent)
	}

	// Interrupted once: sent again; interrupted twice: given up.
	d, send, err := s.StartDigestAttempt(ctx, "d1")
	if err != nil || !send || !d.InFlight || d.Attempts != 1 {
		t.Fatalf("first attempt: %+v %v %v", d, send, err)
	}
	d, send, _ = s.StartDigestAttempt(ctx, "d1") // the process died in flight
	if !send || d.Interrupted != 1 || d.Attempts != 2 {
		t.Fatalf("after one interruption: send %v, %+v", send, d)
	}
	if err := s.CompleteDigest(ctx, "d1"); err != nil {
		t.Fatal(err)
	}
	if err := s.CompleteDigest(ctx, "d1"); err != nil {
		t.Errorf("complete twice: %v", err)
	}
	if _, send, _ := s.StartDigestAttempt(ctx, "d1"); send {
		t.Error("a sent digest would be sent again")
	}
	if pending, _ := s.PendingDigests(ctx); len(pending) != 0 {
		t.Errorf("pending after sending: %+v", pending)
	}
	if last, _ := s.AlertLastSent(ctx, p.ID); !last.Equal(at) {
		t.Errorf("last send %v, want %v", last, at)
	}
	sent, _ := s.AlertSentTo(ctx, "acc-1")
	if len(sent) != 2 || !sent["boamp:1"].Version.Equal(v1) || !sent["boamp:2"].Reminded.Equal(at) {
		t.Errorf("sent %+v", sent)
	}
	if other, _ := s.AlertSentTo(ctx, "acc-2"); len(other) != 0 {
		t.Errorf("another account's sent: %v", other)
	}
	got, _ := s.Digest(ctx, "d1")
	if got.State != data.DigestSent || got.SentAt.IsZero() || got.InFlight {
		t.Errorf("record %+v", got)
	}

	// A later digest that carries boamp:2 again (a rectificatif) keeps the
	// reminder; a digest given up after two interruptions records nothing
	// sent but advances the last send.
	at2 := at.Add(24 * time.Hour)
	v2 := v1.Add(48 * time.Hour)
	rec2 := data.DigestRecord{ID: "d2", AccountID: "acc-1", MessageID: "d2@x", At: at2, Profiles: []string{p.ID},
		Items: []data.AlertSent{{TenderID: "boamp:2", Version: v2, Revisions: 2, At: at2, Digest: "d2"}}, To: "acc-1@example.fr", Subject: "s", Text: "t"}
	if err := s.BeginDigest(ctx, rec2); err != nil {
		t.Fatal(err)
	}
	s.StartDigestAttempt(ctx, "d2")
	s.StartDigestAttempt(ctx, "d2")
	if d, send, _ := s.StartDigestAttempt(ctx, "d2"); send || d.State != data.DigestFailed {
		t.Errorf("third start after two interruptions: send %v state %s", send, d.State)
	}
	if last, _ := s.AlertLastSent(ctx, p.ID); !last.Equal(at2) {
		t.Errorf("last send after giving up %v, want %v", last, at2)
	}
	if sent, _ := s.AlertSentTo(ctx, "acc-1"); !sent["boamp:2"].Version.Equal(v1) {
		t.Errorf("a given-up digest recorded its tenders: %+v", sent["boamp:2"])
	}

	// SMTP failures: retried up to MaxDigestAttempts.
	rec3 := rec2
	rec3.ID, rec3.At = "d3", at2.Add(time.Hour)
	if err := s.BeginDigest(ctx, rec3); err != nil {
		t.Fatal(err)
	}
	for i := range data.MaxDigestAttempts {
		if _, send, _ := s.StartDigestAttempt(ctx, "d3"); !send {
			t.Fatalf("attempt %d refused", i+1)
		}
		if err := s.FailDigestAttempt(ctx, "d3", errors.New("421 try later")); err != nil {
			t.Fatal(err)
		}
	}
	if d, send, _ := s.StartDigestAttempt(ctx, "d3"); send || d.State != data.DigestFailed || d.Error != "421 try later" {
		t.Errorf("after %d failures: send %v, %+v", data.MaxDigestAttempts, send, d)
	}
	if err := s.MarkAlertsServed(ctx, []string{p.ID}, at2.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if last, _ := s.AlertLastSent(ctx, p.ID); !last.Equal(at2.Add(2 * time.Hour)) {
		t.Errorf("served: last %v", last)
	}
	if err := s.MarkAlertsServed(ctx, []string{p.ID}, at); err != nil {
		t.Fatal(err)
	}
	if last, _ := s.AlertLastSent(ctx, p.ID); !last.Equal(at2.Add(2 * time.Hour)) {
		t.Errorf("the last send went back to %v", last)
	}
	mustCheck(t, s)
}
