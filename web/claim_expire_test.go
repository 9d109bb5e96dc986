package web

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func TestExpireAbandonedClaims(t *testing.T) {
	w := newClaimWorld(t, claimWorldConfig{testMode: true})
	ctx := context.Background()
	alice, _ := w.person(t, "alice@example.org", data.RoleSupplier)
	sup := w.company(t, 1, "")
	abandoned := w.begin(t, alice, sup, url.Values{"method": {"website_file"}})
	if page := alice.get(t, supplierURL(sup.ID)+"/revendiquer"); !strings.Contains(page.body, "revendication en cours") {
		t.Fatalf("the open claim is not shown before it expires:\n%s", page.body)
	}

	// A postal claim whose letter the Alliance has not printed yet waits
	// for the Alliance: it never expires on its own.
	_, bobAcc := w.person(t, "bob@example.org", data.RoleSupplier)
	other := w.company(t, 2, "")
	letter := data.Claim{ID: "letter", SupplierID: other.ID, AccountID: bobAcc.ID, Method: data.ClaimByPost, Status: data.ClaimPending}
	if err := w.s.store.PutClaim(ctx, letter, "test"); err != nil {
		t.Fatal(err)
	}

	now := time.Now()
	if n, err := w.s.ExpireAbandonedClaims(ctx, now.Add(29*24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("after 29 days: %d expired (err %v), want 0", n, err)
	}
	if n, err := w.s.ExpireAbandonedClaims(ctx, now.Add(31*24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("after 31 days: %d expired (err %v), want 1", n, err)
	}
	if n, err := w.s.ExpireAbandonedClaims(ctx, now.Add(32*24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("a second run expired %d more (err %v), want 0", n, err)
	}
	if c := w.claim(t, abandoned); c.Status != data.ClaimExpired || c.DecidedAt.IsZero() {
		t.Errorf("the abandoned claim is %s (decided %v), want expired and dated", c.Status, c.DecidedAt)
	}
	if c := w.claim(t, "letter"); c.Status != data.ClaimPending {
		t.Errorf("the unprinted letter's claim became %s", c.Status)
	}
	var audited bool
	err := w.s.store.Audit(ctx, "claim:"+abandoned, func(e data.AuditEntry) error {
		audited = audited || (e.Action == "claim.expire" && e.Actor == "system")
		return nil
	})
	if err != nil || !audited {
		t.Errorf("no claim.expire entry by system in the journal (err %v)", err)
	}

	// The claimant sees it expired and may start again.
	if page := alice.get(t, claimURL(abandoned)); !strings.Contains(page.body, "expirée") {
		t.Errorf("the claim page does not say the claim expired:\n%s", page.body)
	}
	if page := alice.get(t, supplierURL(sup.ID)+"/revendiquer"); strings.Contains(page.body, "revendication en cours") {
		t.Errorf("the expired claim still shows as under way")
	}
	if again := w.begin(t, alice, sup, url.Values{"method": {"website_file"}}); again == abandoned {
		t.Errorf("a new claim reused the expired one")
	}
}
