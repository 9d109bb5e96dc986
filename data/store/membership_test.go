package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// TestLastOwner: a company's team always keeps an owner while it has
// members: its last owner can neither leave, be removed nor become a plain
// member until another is named; the only member may leave; two owners
// removing each other at once leave one.
func TestLastOwner(t *testing.T) {
	s := openTest(t, Options{NoSync: true})
	ctx := context.Background()
	sup := synthetic(1, "35")
	if err := s.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"o1", "o2", "m1"} {
		if err := s.PutAccount(ctx, data.Account{ID: id, Email: id + "@x.fr", Role: data.RoleSupplier}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	add := func(id string, role data.MemberRole) error {
		return s.AddMember(ctx, data.Membership{SupplierID: sup.ID, AccountID: id, Role: role}, "test")
	}
	roles := func() string {
		ms, err := s.Members(ctx, sup.ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			out = append(out, m.AccountID+":"+string(m.Role))
		}
		return strings.Join(out, " ")
	}
	for _, step := range []struct {
		name string
		do   func() error
		want error
		team string
	}{
		{"owner", func() error { return add("o1", data.MemberOwner) }, nil, "o1:owner"},
		{"only member demoted", func() error { return add("o1", data.MemberMember) }, ErrLastOwner, "o1:owner"},
		{"member", func() error { return add("m1", data.MemberMember) }, nil, "m1:member o1:owner"},
		{"last owner leaves", func() error { return s.RemoveMember(ctx, sup.ID, "o1", "o1") }, ErrLastOwner, "m1:member o1:owner"},
		{"last owner demoted", func() error { return add("o1", data.MemberMember) }, ErrLastOwner, "m1:member o1:owner"},
		{"member leaves", func() error { return s.RemoveMember(ctx, sup.ID, "m1", "m1") }, nil, "o1:owner"},
		{"only member leaves", func() error { return s.RemoveMember(ctx, sup.ID, "o1", "o1") }, nil, ""},
		{"owner again", func() error { return add("o1", data.MemberOwner) }, nil, "o1:owner"},
		{"member again", func() error { return add("m1", data.MemberMember) }, nil, "m1:member o1:owner"},
		{"member named owner", func() error { return add("m1", data.MemberOwner) }, nil, "m1:owner o1:owner"},
		{"first owner leaves", func() error { return s.RemoveMember(ctx, sup.ID, "o1", "o1") }, nil, "m1:owner"},
	} {
		err := step.do()
		if !errors.Is(err, step.want) || (err == nil) != (step.want == nil) {
			t.Fatalf("%s: %v, want %v", step.name, err, step.want)
		}
		if err != nil && !errors.Is(err, data.ErrConflict) {
			t.Errorf("%s: %v does not wrap data.ErrConflict", step.name, err)
		}
		if got := roles(); got != step.team {
			t.Fatalf("%s: team %q, want %q", step.name, got, step.team)
		}
	}

	// Two owners and a member; each owner removes the other at once: one
	// removal wins, the other finds the last owner.
	if err := add("o1", data.MemberOwner); err != nil {
		t.Fatal(err)
	}
	if err := add("o2", data.MemberMember); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	for _, pair := range [][2]string{{"m1", "o1"}, {"o1", "m1"}} {
		go func() { errs <- s.RemoveMember(ctx, sup.ID, pair[0], pair[1]) }()
	}
	e1, e2 := <-errs, <-errs
	if (e1 == nil) == (e2 == nil) || !errors.Is(errors.Join(e1, e2), ErrLastOwner) {
		t.Errorf("concurrent removals: %v and %v, want one success and ErrLastOwner", e1, e2)
	}
	ms, _ := s.Members(ctx, sup.ID)
	owners := 0
	for _, m := range ms {
		if m.Role == data.MemberOwner {
			owners++
		}
	}
	if owners != 1 || len(ms) != 2 {
		t.Errorf("after concurrent removals: %s, want one owner and o2", roles())
	}
	mustCheck(t, s)
}

func TestMembers(t *testing.T) {
	s := openTest(t, Options{NoSync: true})
	ctx := context.Background()
	sup := synthetic(1, "35")
	if err := s.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a1", "a2"} {
		if err := s.PutAccount(ctx, data.Account{ID: id, Email: id + "@x.fr", Role: data.RoleSupplier}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		m    data.Membership
		want error
	}{
		{"owner", data.Membership{SupplierID: sup.ID, AccountID: "a1", Role: data.MemberOwner, Via: "claim:c1"}, nil},
		{"member", data.Membership{SupplierID: sup.ID, AccountID: "a2", Role: data.MemberMember, Via: "admin"}, nil},
		{"unknown supplier", data.Membership{SupplierID: sirenN(2), AccountID: "a1", Role: data.MemberOwner}, data.ErrNotFound},
		{"unknown account", data.Membership{SupplierID: sup.ID, AccountID: "zz", Role: data.MemberOwner}, data.ErrNotFound},
		{"unknown role", data.Membership{SupplierID: sup.ID, AccountID: "a1", Role: "boss"}, data.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.AddMember(ctx, tt.m, "test"); !errors.Is(err, tt.want) && (err != nil || tt.want != nil) {
				t.Errorf("AddMember = %v, want %v", err, tt.want)
			}
		})
	}
	ms, err := s.Members(ctx, sup.ID)
	if err != nil || len(ms) != 2 || ms[0].AccountID != "a1" || ms[0].Role != data.MemberOwner || ms[0].Since.IsZero() {
		t.Fatalf("Members = %+v, %v", ms, err)
	}
	of, err := s.MembershipsOf(ctx, "a2")
	if err != nil || len(of) != 1 || of[0].SupplierID != sup.ID || of[0].Via != "admin" {
		t.Errorf("MembershipsOf = %+v, %v", of, err)
	}
	if ok, _ := s.IsMember(ctx, "a1", sup.ID); !ok {
		t.Errorf("IsMember(a1) = false")
	}
	// a1, the only owner, names a2 owner before leaving (TestLastOwner).
	if err := s.AddMember(ctx, data.Membership{SupplierID: sup.ID, AccountID: "a2", Role: data.MemberOwner}, "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveMember(ctx, sup.ID, "a1", "test"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.IsMember(ctx, "a1", sup.ID); ok {
		t.Errorf("IsMember after RemoveMember = true")
	}
	if of, _ := s.MembershipsOf(ctx, "a1"); len(of) != 0 {
		t.Errorf("MembershipsOf after RemoveMember = %+v", of)
	}
	if err := s.RemoveMember(ctx, sup.ID, "a1", "test"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("second RemoveMember = %v, want ErrNotFound", err)
	}
	var actions []string
	_ = s.Audit(ctx, "supplier:"+sup.ID, func(e data.AuditEntry) error { actions = append(actions, e.Action); return nil })
	if len(actions) < 3 || actions[len(actions)-1] != "member.remove" {
		t.Errorf("audit of the supplier = %v", actions)
	}
	mustCheck(t, s)

	// Check sees a membership whose index entry is lost.
	if err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMemberAccount).Delete([]byte("a2|" + sup.ID))
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); err == nil || !strings.Contains(err.Error(), "is not indexed in idx_member_account") {
		t.Errorf("Check after losing a member index entry = %v", err)
	}
}

func TestAppendAuditAndAccounts(t *testing.T) {
	s := openTest(t, Options{NoSync: true})
	ctx := context.Background()
	if err := s.AppendAudit(ctx, data.AuditEntry{Actor: "a1", Action: "account.signin", Entity: "account:a1", Addr: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendAudit(ctx, data.AuditEntry{Action: "x"}); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("audit without actor = %v", err)
	}
	var got []data.AuditEntry
	_ = s.Audit(ctx, "account:a1", func(e data.AuditEntry) error { got = append(got, e); return nil })
	if len(got) != 1 || got[0].Addr != "192.0.2.1" || got[0].At.IsZero() {
		t.Errorf("audit = %+v", got)
	}
	for _, id := range []string{"b", "a", "c"} {
		if err := s.PutAccount(ctx, data.Account{ID: id, Email: id + "@x.fr"}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	as, err := s.Accounts(ctx)
	if err != nil || len(as) != 3 || as[0].ID != "a" || as[2].ID != "c" {
		t.Errorf("Accounts = %+v, %v", as, err)
	}
}

func TestSessionsAndTokens(t *testing.T) {
	s := openTest(t, Options{NoSync: true})
	ctx := context.Background()
	if err := s.PutAccount(ctx, data.Account{ID: "a1", Email: "a1@x.fr"}, "test"); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	for _, id := range []string{"s1", "s2", "s3"} {
		if err := s.PutSession(ctx, data.Session{ID: id, AccountID: "a1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutSession(ctx, data.Session{ID: "s9", AccountID: "nobody"}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("session of a missing account = %v", err)
	}
	if err := s.DeleteSession(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(ctx, "s1"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("deleted session: %v", err)
	}
	n, err := s.DeleteSessionsOf(ctx, "a1", "s2")
	if err != nil || n != 1 {
		t.Errorf("DeleteSessionsOf = %d, %v; want 1", n, err)
	}
	if ss, _ := s.SessionsOf(ctx, "a1"); len(ss) != 1 || ss[0].ID != "s2" {
		t.Errorf("SessionsOf = %+v, want s2 only", ss)
	}

	tok := data.Token{ID: "t1", Kind: data.TokenResetPassword, AccountID: "a1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := s.PutToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		kind data.TokenKind
		at   time.Time
		ok   bool
	}{
		{"other kind", data.TokenSignIn, now, false},
		{"expired", data.TokenResetPassword, now.Add(time.Hour), false},
		{"live", data.TokenResetPassword, now.Add(time.Minute), true},
		{"used", data.TokenResetPassword, now.Add(time.Minute), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.UseToken(ctx, "t1", tt.kind, tt.at)
			if (err == nil) != tt.ok || (tt.ok && got.AccountID != "a1") {
				t.Errorf("UseToken = %+v, %v; want ok %v", got, err, tt.ok)
			}
		})
	}
	_ = s.PutToken(ctx, data.Token{ID: "t2", Kind: data.TokenResetPassword, AccountID: "a1", ExpiresAt: now.Add(time.Hour)})
	_ = s.PutToken(ctx, data.Token{ID: "t3", Kind: data.TokenSignIn, AccountID: "a1", ExpiresAt: now.Add(time.Hour)})
	if err := s.DeleteTokensOf(ctx, "a1", data.TokenResetPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Token(ctx, "t2", data.TokenResetPassword, now); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("reset token survived DeleteTokensOf: %v", err)
	}
	if _, err := s.Token(ctx, "t3", data.TokenSignIn, now); err != nil {
		t.Errorf("sign-in token deleted with the reset tokens: %v", err)
	}
	mustCheck(t, s)
}

func TestPurgeExpired(t *testing.T) {
	s := openTest(t, Options{NoSync: true})
	ctx := context.Background()
	if err := s.PutAccount(ctx, data.Account{ID: "a1", Email: "a1@x.fr"}, "test"); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	for _, sess := range []data.Session{
		{ID: "live", AccountID: "a1", LastSeen: now, ExpiresAt: now.Add(time.Hour)},
		{ID: "expired", AccountID: "a1", LastSeen: now, ExpiresAt: now},
		{ID: "idle", AccountID: "a1", LastSeen: now.Add(-48 * time.Hour), ExpiresAt: now.Add(time.Hour)},
	} {
		if err := s.PutSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
	}
	_ = s.PutToken(ctx, data.Token{ID: "t-live", Kind: data.TokenSignIn, AccountID: "a1", ExpiresAt: now.Add(time.Minute)})
	_ = s.PutToken(ctx, data.Token{ID: "t-dead", Kind: data.TokenSignIn, AccountID: "a1", ExpiresAt: now.Add(-time.Minute)})
	ns, nt, err := s.PurgeExpired(ctx, now, now.Add(-24*time.Hour))
	if err != nil || ns != 2 || nt != 1 {
		t.Fatalf("PurgeExpired = %d sessions, %d tokens, %v; want 2, 1", ns, nt, err)
	}
	if ss, _ := s.SessionsOf(ctx, "a1"); len(ss) != 1 || ss[0].ID != "live" {
		t.Errorf("sessions left: %+v", ss)
	}
	if _, err := s.Token(ctx, "t-live", data.TokenSignIn, now); err != nil {
		t.Errorf("live token purged: %v", err)
	}
	mustCheck(t, s)
}

// TestLastMemberLeavingRevokesInvites: when the last member of a team
// goes, nobody manages the listing any more, so the team's pending
// invitations are revoked with it (a link would otherwise let its
// addressee join a team without a « responsable »); while a member stays,
// they remain, and another company's are left alone.
func TestLastMemberLeavingRevokesInvites(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := openTest(t, Options{NoSync: true, Now: clk.Now})
	sup, other := synthetic(1, "35"), synthetic(2, "35")
	for _, x := range []data.Supplier{sup, other} {
		if err := s.PutSupplier(ctx, x, "test"); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"o1", "m1"} {
		if err := s.PutAccount(ctx, data.Account{ID: id, Email: id + "@x.fr", Role: data.RoleSupplier}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []data.Membership{{SupplierID: sup.ID, AccountID: "o1", Role: data.MemberOwner},
		{SupplierID: sup.ID, AccountID: "m1", Role: data.MemberMember}} {
		if err := s.AddMember(ctx, m, "test"); err != nil {
			t.Fatal(err)
		}
	}
	now := clk.Now()
	for _, inv := range []data.Invite{
		{TokenHash: "h1", SupplierID: sup.ID, Email: "a@x.fr"},
		{TokenHash: "h2", SupplierID: sup.ID, Email: "b@x.fr"},
		{TokenHash: "h3", SupplierID: other.ID, Email: "c@x.fr"},
	} {
		inv.InvitedBy, inv.CreatedAt, inv.ExpiresAt = "o1", now, now.Add(time.Hour)
		if err := s.PutInvite(ctx, inv, "o1"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.UseInvite(ctx, "h2", "m1"); err != nil {
		t.Fatal(err)
	}
	pending := func(id string) int {
		p, err := s.PendingInvites(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return len(p)
	}
	if err := s.RemoveMember(ctx, sup.ID, "m1", "m1"); err != nil {
		t.Fatal(err)
	}
	if n := pending(sup.ID); n != 1 {
		t.Fatalf("a member left, the owner stays: %d pending invitations, want 1", n)
	}
	if err := s.RemoveMember(ctx, sup.ID, "o1", "o1"); err != nil {
		t.Fatal(err)
	}
	if n := pending(sup.ID); n != 0 {
		t.Errorf("the last member left: %d pending invitations, want 0", n)
	}
	if _, err := s.UseInvite(ctx, "h1", "x1"); !errors.Is(err, ErrInviteRevoked) {
		t.Errorf("UseInvite after the last member left = %v, want ErrInviteRevoked", err)
	}
	if inv, _ := s.Invite(ctx, "h2"); inv.UsedBy != "m1" || !inv.RevokedAt.IsZero() {
		t.Errorf("a used invitation was changed: %+v", inv)
	}
	if n := pending(other.ID); n != 1 {
		t.Errorf("another company's invitation: %d pending, want 1", n)
	}
	revoked := 0
	_ = s.Audit(ctx, "supplier:"+sup.ID, func(e data.AuditEntry) error {
		if e.Action == "team.invite_revoke" {
			revoked++
		}
		return nil
	})
	if revoked != 1 {
		t.Errorf("%d team.invite_revoke audit entries, want 1", revoked)
	}
	mustCheck(t, s)
}
