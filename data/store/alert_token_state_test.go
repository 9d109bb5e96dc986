package store

import (
	"context"
	"testing"

	"fabrique/data"
)

// TestAlertTokenIssued: a profile's page can tell whether feed addresses
// are live, and since when, through a new token, a regeneration and a
// revocation; unsubscribe tokens are another kind.
func TestAlertTokenIssued(t *testing.T) {
	ctx := context.Background()
	s := alertStore(t)
	p := putProfile(t, s, data.AlertProfile{AccountID: "acc-1", Name: "Menuiserie", Keywords: "menuiserie"})
	issued := func(kind data.AlertTokenKind) (bool, string) {
		t.Helper()
		at, ok, err := s.AlertTokenIssued(ctx, p.ID, kind)
		if err != nil {
			t.Fatal(err)
		}
		return ok, at.String()
	}
	if ok, _ := issued(data.AlertTokenFeed); ok {
		t.Fatal("a new profile has a feed token")
	}
	if _, err := s.NewAlertToken(ctx, p.ID, data.AlertTokenFeed); err != nil {
		t.Fatal(err)
	}
	ok, first := issued(data.AlertTokenFeed)
	if !ok {
		t.Fatal("no feed token after NewAlertToken")
	}
	if ok, _ := issued(data.AlertTokenUnsubscribe); ok {
		t.Fatal("a feed token counts as an unsubscribe token")
	}
	if _, err := s.NewAlertToken(ctx, p.ID, data.AlertTokenFeed); err != nil {
		t.Fatal(err)
	}
	if ok, again := issued(data.AlertTokenFeed); !ok || again == first {
		t.Errorf("after regenerating: %v since %s (first %s)", ok, again, first)
	}
	if err := s.RevokeAlertTokens(ctx, p.ID, data.AlertTokenFeed); err != nil {
		t.Fatal(err)
	}
	if ok, _ := issued(data.AlertTokenFeed); ok {
		t.Error("a feed token is live after the revocation")
	}
	if _, _, err := s.AlertTokenIssued(ctx, p.ID, "autre"); err == nil {
		t.Error("an unknown kind of token was accepted")
	}
}
