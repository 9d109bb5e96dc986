package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"fabrique/data"
)

// foreignClaims is a world with two companies: A, whose member is alice,
// and B, whose member is carol; dave's claim of B waits for approval and
// erin's claim of B waits for a proof.
type foreignClaims struct {
	w                *claimWorld
	alice, carol     *client
	aliceAcc, daveAc data.Account
	a, b             data.Supplier
	waiting, pending string // claims of B
}

func newForeignClaims(t *testing.T) *foreignClaims {
	t.Helper()
	ctx := context.Background()
	w := newClaimWorld(t, claimWorldConfig{})
	f := &foreignClaims{w: w}
	f.a, f.b = w.company(t, 1, ""), w.company(t, 2, "")
	f.alice, f.aliceAcc = w.person(t, "alice@example.org", data.RoleSupplier)
	var carolAcc data.Account
	f.carol, carolAcc = w.person(t, "carol@example.org", data.RoleSupplier)
	_, f.daveAc = w.person(t, "dave@example.org", data.RoleSupplier)
	erin, _ := w.person(t, "erin@example.org", data.RoleSupplier)
	for _, m := range []data.Membership{{SupplierID: f.a.ID, AccountID: f.aliceAcc.ID, Role: data.MemberOwner},
		{SupplierID: f.b.ID, AccountID: carolAcc.ID, Role: data.MemberOwner}} {
		if err := w.s.store.AddMember(ctx, m, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return f.withClaims(t, erin)
}

func (f *foreignClaims) withClaims(t *testing.T, erin *client) *foreignClaims {
	t.Helper()
	ctx := context.Background()
	cl := data.Claim{ID: "cwaiting", SupplierID: f.b.ID, AccountID: f.daveAc.ID, Method: data.ClaimByEmailDomain, Status: data.ClaimApproval}
	cl.Proof, cl.NeedsApproval = "code reçu à contact@example.com", true
	if err := f.w.s.store.PutClaim(ctx, cl, "test"); err != nil {
		t.Fatal(err)
	}
	f.waiting = cl.ID
	f.pending = f.w.begin(t, erin, f.b, url.Values{"method": {"document"}})
	return f
}

// claimRoutes are every claim route that names a claim, with a form
// that would make the step succeed for the right person.
func claimRoutes(id string) []struct {
	method, path string
	form         url.Values
} {
	return []struct {
		method, path string
		form         url.Values
	}{
		{http.MethodGet, claimURL(id), nil},
		{http.MethodPost, claimURL(id) + "/code", url.Values{"code": {"AAAAA-BBBBB"}}},
		{http.MethodPost, claimURL(id) + "/renvoyer", nil},
		{http.MethodPost, claimURL(id) + "/verifier", url.Values{"via": {"site"}}},
		{http.MethodPost, claimURL(id) + "/document", nil},
		{http.MethodPost, claimURL(id) + "/courrier", nil},
		{http.MethodPost, claimURL(id) + "/abandonner", nil},
		{http.MethodPost, claimURL(id) + "/approuver", nil},
		{http.MethodPost, claimURL(id) + "/refuser", url.Values{"reason": {"non"}}},
		{http.MethodPost, adminClaimsPath + "/" + id + "/accepter", nil},
		{http.MethodPost, adminClaimsPath + "/" + id + "/refuser", url.Values{"reason": {"non"}}},
		{http.MethodGet, adminClaimsPath + "/" + id + "/documents/x", nil},
	}
}

func TestMemberOfOneCompanyCannotTouchAnotherCompanysClaims(t *testing.T) {
	f := newForeignClaims(t)
	before := map[string]data.Claim{f.waiting: f.w.claim(t, f.waiting), f.pending: f.w.claim(t, f.pending)}
	for _, id := range []string{f.waiting, f.pending, "cdoesnotexist"} {
		for _, rt := range claimRoutes(id) {
			t.Run(rt.method+" "+rt.path, func(t *testing.T) {
				var r response
				if rt.method == http.MethodGet {
					r = f.alice.get(t, rt.path)
				} else {
					r = f.alice.post(t, rt.path, rt.form)
				}
				want := http.StatusNotFound
				if strings.HasPrefix(rt.path, "/admin/") {
					want = http.StatusForbidden
				}
				if r.status != want {
					t.Fatalf("status %d, want %d\n%s", r.status, want, r.body)
				}
				if strings.Contains(r.body, "dave@example.org") || strings.Contains(r.body, "erin@example.org") {
					t.Errorf("the answer shows the claimant of another company")
				}
			})
		}
	}
	for id, was := range before {
		if now := f.w.claim(t, id); now.Status != was.Status || now.Attempts != was.Attempts || now.DecidedBy != "" {
			t.Errorf("claim %s changed: %s → %s", id, was.Status, now.Status)
		}
	}
	if f.w.isMember(t, f.daveAc.ID, f.b.ID) || f.w.isMember(t, f.aliceAcc.ID, f.b.ID) {
		t.Error("a foreign member's action changed B's members")
	}
	if page := f.alice.get(t, claimsPath); strings.Contains(page.body, f.waiting) || strings.Contains(page.body, "dave@example.org") {
		t.Error("alice's claims page lists a claim of company B")
	}
	// carol, B's member, does see it and may decide it.
	if page := f.carol.get(t, claimsPath); !strings.Contains(page.body, "dave@example.org") {
		t.Error("carol's claims page does not list the claim of her company")
	}
	if r := f.carol.post(t, claimURL(f.waiting)+"/refuser", url.Values{"reason": {"Inconnu dans l'entreprise."}}); r.status != http.StatusSeeOther {
		t.Errorf("carol refuses: status %d\n%s", r.status, r.body)
	}
}

func TestClaimRoutesRefuseAMissingCSRFToken(t *testing.T) {
	f := newForeignClaims(t)
	admin, _ := f.w.person(t, "admin@alliance.example", data.RoleAdmin)
	routes := []struct {
		who  *client
		path string
		form url.Values
	}{
		{f.alice, supplierURL(f.b.ID) + "/revendiquer", url.Values{"method": {"document"}}},
		{f.alice, supplierURL(f.b.ID) + "/signaler", url.Values{"reason": {"Fausse adresse"}}},
		{newClient(f.w.s), supplierURL(f.b.ID) + "/signaler", url.Values{"reason": {"Fausse adresse"}}},
		{f.carol, claimURL(f.waiting) + "/approuver", nil},
		{f.carol, claimURL(f.waiting) + "/refuser", url.Values{"reason": {"non"}}},
		{admin, adminClaimsPath + "/" + f.waiting + "/accepter", nil},
		{admin, adminClaimsPath + "/" + f.waiting + "/refuser", url.Values{"reason": {"non"}}},
		{admin, "/admin/courriers", nil},
		{admin, "/admin/signalements/r1/clore", nil},
	}
	erinCl := signIn(t, f.w.s, "erin@example.org", claimTestPassword)
	for _, rt := range claimRoutes(f.pending) {
		if rt.method == http.MethodPost && strings.HasPrefix(rt.path, claimsPath) {
			routes = append(routes, struct {
				who  *client
				path string
				form url.Values
			}{erinCl, rt.path, rt.form})
		}
	}
	for _, rt := range routes {
		t.Run(rt.path, func(t *testing.T) {
			rt.who.csrf(t) // the browser has its CSRF cookie, the forged form lacks the token
			r := rt.who.postRaw(t, rt.path, rt.form)
			if r.status != http.StatusForbidden {
				t.Fatalf("POST %s without the CSRF token: status %d, want 403", rt.path, r.status)
			}
		})
	}
	if c := f.w.claim(t, f.waiting); c.Status != data.ClaimApproval {
		t.Errorf("the waiting claim changed: %s", c.Status)
	}
	if c := f.w.claim(t, f.pending); c.Status != data.ClaimPending {
		t.Errorf("the pending claim changed: %s", c.Status)
	}
	if rs, _ := f.w.s.store.Reports(context.Background()); len(rs) != 0 {
		t.Errorf("reports stored without a token: %d", len(rs))
	}
}

func TestClaimPagesNeedSignInAndAdminPagesAnAdmin(t *testing.T) {
	f := newForeignClaims(t)
	anon := newClient(f.w.s)
	for _, p := range []string{supplierURL(f.a.ID) + "/revendiquer", claimsPath, claimURL(f.waiting), "/admin", "/admin/courriers", journalPath} {
		r := anon.get(t, p)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/connexion?suite=") {
			t.Errorf("anonymous GET %s: %d %q, want 303 to /connexion", p, r.status, r.header.Get("Location"))
		}
	}
	for _, p := range []string{"/admin", "/admin/courriers", journalPath} {
		if r := f.alice.get(t, p); r.status != http.StatusForbidden {
			t.Errorf("GET %s by a member: %d, want 403", p, r.status)
		}
	}
}
