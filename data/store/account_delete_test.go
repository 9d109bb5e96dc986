package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// dumpStore returns every key and value of every bucket, to compare two
// states of a store byte for byte.
func dumpStore(t *testing.T, s *Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				out[string(name)+"\x00"+string(k)] = string(v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// erasureWorld is Claire's account with something in every place an
// account leaves a trace, and Bruno's and Dora's beside it.
type erasureWorld struct {
	s                         *Store
	alone, shared, colleague  data.Supplier // Claire alone; Claire owner, Bruno member; Dora owner, Claire member
	claimed                   data.Supplier // Claire's open claim, with a document
	sessions                  []string
	tokens                    map[string]data.TokenKind
	feed                      string // the feed token of Claire's alert
	pendingDigest, sentDigest string
}

const claireEmail = "Claire.Morel@Tolerie-Comtoise.example"

func newErasureWorld(t *testing.T) *erasureWorld {
	t.Helper()
	ctx := context.Background()
	clk := newClock()
	s := openTest(t, Options{NoSync: true, Now: clk.Now})
	w := &erasureWorld{s: s, alone: synthetic(1, "25"), shared: synthetic(2, "25"), colleague: synthetic(3, "39"), claimed: synthetic(4, "70"),
		tokens: map[string]data.TokenKind{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, sup := range []data.Supplier{w.alone, w.shared, w.colleague, w.claimed} {
		must(s.PutSupplier(ctx, sup, "test"))
	}
	for _, a := range []data.Account{{ID: "claire", Email: claireEmail}, {ID: "bruno", Email: "bruno@atelier.test"},
		{ID: "dora", Email: "dora@atelier.test"}, {ID: "admin", Email: "admin@alliance.test", Role: data.RoleAdmin}} {
		a.Verified = true
		if a.Role == "" {
			a.Role = data.RoleSupplier
		}
		must(s.PutAccount(ctx, a, "web:inscription"))
	}
	now := clk.Now()
	for _, m := range []data.Membership{{SupplierID: w.alone.ID, AccountID: "claire", Role: data.MemberOwner},
		{SupplierID: w.shared.ID, AccountID: "claire", Role: data.MemberOwner},
		{SupplierID: w.shared.ID, AccountID: "bruno", Role: data.MemberMember},
		{SupplierID: w.colleague.ID, AccountID: "dora", Role: data.MemberOwner}} {
		must(s.AddMember(ctx, m, "test"))
	}
	// Dora invites Claire, who joins; Claire invites two people, one to
	// the listing she is alone on, one to Dora's team.
	must(s.PutInvite(ctx, data.Invite{TokenHash: "to-claire", SupplierID: w.colleague.ID, Email: strings.ToLower(claireEmail),
		InvitedBy: "dora", CreatedAt: now, ExpiresAt: now.Add(72 * time.Hour)}, "dora"))
	if _, err := s.UseInvite(ctx, "to-claire", "claire"); err != nil {
		t.Fatal(err)
	}
	must(s.AddMember(ctx, data.Membership{SupplierID: w.colleague.ID, AccountID: "claire", Role: data.MemberMember, Via: "invite:to-claire"}, "claire"))
	must(s.PutInvite(ctx, data.Invite{TokenHash: "by-claire-alone", SupplierID: w.alone.ID, Email: "paul@tolerie-comtoise.example",
		InvitedBy: "claire", CreatedAt: now, ExpiresAt: now.Add(72 * time.Hour)}, "claire"))
	must(s.PutInvite(ctx, data.Invite{TokenHash: "by-claire-team", SupplierID: w.colleague.ID, Email: "eve@atelier.test",
		InvitedBy: "claire", CreatedAt: now, ExpiresAt: now.Add(72 * time.Hour)}, "claire"))

	for i, acct := range []string{"claire", "claire", "bruno"} {
		id := fmt.Sprintf("session-%d-%s", i, acct)
		must(s.PutSession(ctx, data.Session{ID: id, AccountID: acct, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(time.Hour), Addr: "192.0.2.1"}))
		if acct == "claire" {
			w.sessions = append(w.sessions, id)
		}
	}
	for _, tok := range []data.Token{{ID: "reset-claire", Kind: data.TokenResetPassword, AccountID: "claire"},
		{ID: "signin-claire", Kind: data.TokenSignIn, AccountID: "claire"}, {ID: "reset-bruno", Kind: data.TokenResetPassword, AccountID: "bruno"}} {
		tok.CreatedAt, tok.ExpiresAt = now, now.Add(time.Hour)
		must(s.PutToken(ctx, tok))
		if tok.AccountID == "claire" {
			w.tokens[tok.ID] = tok.Kind
		}
	}

	// Alerts: two of Claire's, one of Bruno's; a digest sent to Claire,
	// another pending.
	var profiles []string
	for _, p := range []data.AlertProfile{{AccountID: "claire", Name: "Tôlerie", Keywords: "tôlerie", Frequency: data.AlertDaily},
		{AccountID: "claire", Name: "Serrurerie", Keywords: "serrurerie", Frequency: data.AlertWeekly},
		{AccountID: "bruno", Name: "Menuiserie", Keywords: "menuiserie", Frequency: data.AlertDaily}} {
		saved, err := s.PutAlertProfile(ctx, p)
		must(err)
		if p.AccountID == "claire" {
			profiles = append(profiles, saved.ID)
		}
	}
	var err error
	w.feed, err = s.NewAlertToken(ctx, profiles[0], data.AlertTokenFeed)
	must(err)
	_, err = s.NewAlertToken(ctx, profiles[0], data.AlertTokenUnsubscribe)
	must(err)
	w.sentDigest, w.pendingDigest = "20260401T070000-aa", "20260402T070000-bb"
	for _, id := range []string{w.sentDigest, w.pendingDigest} {
		must(s.BeginDigest(ctx, data.DigestRecord{ID: id, AccountID: "claire", At: now, Profiles: profiles[:1],
			Items: []data.AlertSent{{TenderID: "boamp:1"}}, To: claireEmail, Subject: "Vos alertes", Text: "Bonjour Claire Morel"}))
	}
	must(s.CompleteDigest(ctx, w.sentDigest))

	// Claims: one of another listing still open, with its Kbis; one
	// accepted long ago, whose proof names Claire's address.
	must(s.PutClaim(ctx, data.Claim{ID: "claim-open", SupplierID: w.claimed.ID, AccountID: "claire", Method: data.ClaimByDocument, Status: data.ClaimPending}, "claire"))
	_, err = s.UpdateClaim(ctx, "claim-open", func(c *data.Claim) (ClaimChange, error) {
		c.Status, c.Document = data.ClaimReview, &data.ClaimDocument{ID: "doc-1", Type: "application/pdf", Size: 4}
		return ClaimChange{Audit: data.AuditEntry{Actor: "claire"}, Document: []byte("%PDF")}, nil
	})
	must(err)
	must(s.PutClaim(ctx, data.Claim{ID: "claim-won", SupplierID: w.alone.ID, AccountID: "claire", Method: data.ClaimByEmailDomain,
		Status: data.ClaimVerified, ClaimProof: data.ClaimProof{Email: strings.ToLower(claireEmail), Proof: "code reçu à " + strings.ToLower(claireEmail)}}, "claire"))

	// The rest: a need filed, mails in the outbox, a report, journal
	// entries with client addresses, hers and an admin's.
	must(s.AddAccountNeed(ctx, "claire", "besoin:1"))
	for _, m := range []data.OutboxMail{
		{To: "Claire Morel <" + claireEmail + ">", Subject: "Lien", Text: "Bonjour", HTML: "<p>Bonjour</p>",
			Headers: map[string]string{data.MailKindHeader: "signin_link", "List-Unsubscribe": "<https://x.test/t>"}},
		{To: "bruno@atelier.test", Subject: "Lien", Text: "Bonjour"},
		{To: "bruno@atelier.test", Subject: "Invitation", Text: "Claire (" + strings.ToLower(claireEmail) + ") vous invite",
			Headers: map[string]string{data.MailKindHeader: "listing_invite"}},
	} {
		_, err := s.PutOutboxMail(ctx, m)
		must(err)
	}
	must(s.PutReport(ctx, data.Report{ID: "r1", SupplierID: w.colleague.ID, AccountID: "claire", Reason: "Adresse fausse", Addr: "192.0.2.1"},
		data.AuditEntry{Actor: "claire"}))
	must(s.AppendAudit(ctx, data.AuditEntry{Actor: "claire", Action: "account.signin", Entity: "account:claire", Addr: "192.0.2.1"}))
	must(s.AppendAudit(ctx, data.AuditEntry{Actor: "admin", Action: "account.reset.send", Entity: "account:claire", Addr: "198.51.100.7"}))
	return w
}

// TestDeleteAccountRefusedChangesNothing: the only owner of a team with
// other members cannot delete her account (another owner must be named
// first, as to leave), and the refusal, which comes after the steps that
// deleted her sessions, alerts and claims in the same transaction, leaves
// the store byte for byte as it was.
func TestDeleteAccountRefusedChangesNothing(t *testing.T) {
	w := newErasureWorld(t)
	ctx := context.Background()
	before := dumpStore(t, w.s)
	if _, err := w.s.DeleteAccount(ctx, "claire", "claire", ""); !errors.Is(err, ErrLastOwner) {
		t.Fatalf("DeleteAccount of the last owner of a team = %v, want ErrLastOwner", err)
	}
	after := dumpStore(t, w.s)
	if !maps.Equal(before, after) {
		for k, v := range after {
			if before[k] != v {
				t.Errorf("changed by a refused erasure: %q", strings.ReplaceAll(k, "\x00", " "))
			}
		}
		for k := range before {
			if _, ok := after[k]; !ok {
				t.Errorf("deleted by a refused erasure: %q", strings.ReplaceAll(k, "\x00", " "))
			}
		}
	}
	if _, err := w.s.DeleteAccount(ctx, "nobody", "nobody", ""); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("DeleteAccount of a missing account = %v, want data.ErrNotFound", err)
	}
}

// TestDeleteAccountReason: an administrator's erasure keeps its reason
// in the journal entry, on one line, with the account's address and name
// erased from it (an admin may copy the letter's first line); a reason
// too long is refused before anything changes.
func TestDeleteAccountReason(t *testing.T) {
	w := newErasureWorld(t)
	s, ctx := w.s, context.Background()
	claire, err := s.Account(ctx, "claire")
	if err != nil {
		t.Fatal(err)
	}
	claire.Name = "Claire Morel"
	if err := s.PutAccount(ctx, claire, "claire"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddMember(ctx, data.Membership{SupplierID: w.shared.ID, AccountID: "bruno", Role: data.MemberOwner}, "claire"); err != nil {
		t.Fatal(err)
	}
	before := dumpStore(t, s)
	if _, err := s.DeleteAccount(ctx, "claire", "admin", strings.Repeat("é", MaxErasureReason+1)); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("a reason of %d characters: %v, want data.ErrInvalid", MaxErasureReason+1, err)
	}
	if !maps.Equal(before, dumpStore(t, s)) {
		t.Error("a refused reason changed the store")
	}
	if _, err := s.DeleteAccount(ctx, "claire", "admin", "Lettre de CLAIRE MOREL\n  ("+strings.ToUpper(claireEmail)+") du 3 décembre"); err != nil {
		t.Fatal(err)
	}
	var got []data.AuditEntry
	if err := s.Audit(ctx, "", func(e data.AuditEntry) error {
		if e.Action == "account.delete" {
			got = append(got, e)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := "; motif : Lettre de " + ErasedName + " (" + ErasedAddress + ") du 3 décembre"
	if len(got) != 1 || got[0].Actor != "admin" || !strings.HasPrefix(got[0].Detail, "compte supprimé par un administrateur") ||
		!strings.HasSuffix(got[0].Detail, want) {
		t.Errorf("journal of the erasure: %+v, want by admin, ending %q", got, want)
	}
}

// TestDeleteAccount: once another owner is named, the erasure removes the
// account and everything that served only it, withdraws its open claims,
// ends its memberships (the listing it managed alone is unclaimed, its
// invitations revoked; those it sent to a team that remains stay), keeps
// the accountability records with its id but without its address nor its
// client address, and leaves the other accounts alone. Afterwards the
// whole file holds the address nowhere; a second erasure finds nothing.
func TestDeleteAccount(t *testing.T) {
	w := newErasureWorld(t)
	s := w.s
	ctx := context.Background()
	if err := s.AddMember(ctx, data.Membership{SupplierID: w.shared.ID, AccountID: "bruno", Role: data.MemberOwner}, "claire"); err != nil {
		t.Fatal(err)
	}
	if found, err := s.Mentions(ctx, claireEmail); err != nil || len(found) < 10 {
		t.Fatalf("Mentions before the erasure: %d records (%v), want her address in many", len(found), err)
	}
	got, err := s.DeleteAccount(ctx, "claire", "claire", "")
	if err != nil {
		t.Fatal(err)
	}
	want := AccountErasure{Email: claireEmail, Sessions: 2, Tokens: 2, Alerts: 2, Digests: 2, Claims: 1,
		Teams: []string{w.alone.ID, w.shared.ID, w.colleague.ID}, Unclaimed: []string{w.alone.ID}, Needs: 1, Outbox: 2}
	got.Audit = 0 // counted below
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("DeleteAccount = %+v\nwant %+v", got, want)
	}

	tokensLive := newClock().Now() // before the tokens of the world expire
	gone := map[string]error{}
	_, gone["account"] = s.Account(ctx, "claire")
	_, gone["account by e-mail"] = s.AccountByEmail(ctx, claireEmail)
	for _, id := range w.sessions {
		_, gone["session "+id] = s.Session(ctx, id)
	}
	for id, kind := range w.tokens {
		_, gone["token "+id] = s.Token(ctx, id, kind, tokensLive)
	}
	_, gone["alert feed"] = s.AlertProfileByToken(ctx, data.AlertTokenFeed, w.feed)
	_, gone["pending digest"] = s.Digest(ctx, w.pendingDigest)
	_, gone["sent digest"] = s.Digest(ctx, w.sentDigest)
	_, _, gone["claim document"] = s.ClaimDocument(ctx, "claim-open")
	for what, err := range gone {
		if !errors.Is(err, data.ErrNotFound) {
			t.Errorf("%s after the erasure: %v, want data.ErrNotFound", what, err)
		}
	}
	counts := map[string]func() (int, error){
		"alert profiles":               func() (int, error) { p, err := s.AlertProfilesOf(ctx, "claire"); return len(p), err },
		"pending digests":              func() (int, error) { p, err := s.PendingDigests(ctx); return len(p), err },
		"tenders sent":                 func() (int, error) { p, err := s.AlertSentTo(ctx, "claire"); return len(p), err },
		"memberships":                  func() (int, error) { p, err := s.MembershipsOf(ctx, "claire"); return len(p), err },
		"needs":                        func() (int, error) { p, err := s.AccountNeeds(ctx, "claire"); return len(p), err },
		"sessions":                     func() (int, error) { p, err := s.SessionsOf(ctx, "claire"); return len(p), err },
		"alone's team":                 func() (int, error) { p, err := s.Members(ctx, w.alone.ID); return len(p), err },
		"alone's invitations, revoked": func() (int, error) { p, err := s.PendingInvites(ctx, w.alone.ID); return len(p), err },
		// What is not Claire's stays.
		"Bruno's sessions":  func() (int, error) { p, err := s.SessionsOf(ctx, "bruno"); return len(p) - 1, err },
		"Bruno's alerts":    func() (int, error) { p, err := s.AlertProfilesOf(ctx, "bruno"); return len(p) - 1, err },
		"shared team":       func() (int, error) { p, err := s.Members(ctx, w.shared.ID); return len(p) - 1, err },
		"colleague's team":  func() (int, error) { p, err := s.Members(ctx, w.colleague.ID); return len(p) - 1, err },
		"team's invitation": func() (int, error) { p, err := s.PendingInvites(ctx, w.colleague.ID); return len(p) - 1, err },
		"Bruno's reset link": func() (int, error) {
			_, err := s.Token(ctx, "reset-bruno", data.TokenResetPassword, tokensLive)
			return 0, err
		},
	}
	for what, count := range counts {
		if n, err := count(); err != nil || n != 0 {
			t.Errorf("%s after the erasure: %d too many (%v)", what, n, err)
		}
	}

	claims := map[string]data.Claim{}
	for _, id := range []string{"claim-open", "claim-won"} {
		if claims[id], err = s.Claim(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if c := claims["claim-open"]; c.Status != data.ClaimWithdrawn || c.Document != nil || c.AccountID != "claire" {
		t.Errorf("open claim after the erasure: status %s, document %v, account %q; want withdrawn, none, claire", c.Status, c.Document, c.AccountID)
	}
	if c := claims["claim-won"]; c.Status != data.ClaimVerified || c.Proof != "code reçu à "+ErasedAddress || c.Email != ErasedAddress {
		t.Errorf("accepted claim after the erasure: status %s, proof %q, email %q; want kept, address erased", c.Status, c.Proof, c.Email)
	}
	if r, err := s.Report(ctx, "r1"); err != nil || r.AccountID != "claire" || r.Addr != "" {
		t.Errorf("report after the erasure: %+v, %v; want kept, without client address", r, err)
	}
	if inv, err := s.Invite(ctx, "to-claire"); err != nil || inv.UsedBy != "claire" || inv.Email != ErasedAddress {
		t.Errorf("invitation Claire accepted: %+v, %v; want kept, address erased", inv, err)
	}

	// The journal: her entries keep her id, lose her client address; the
	// admin's keeps his; the erasure is recorded, without address.
	var deleted, hers int
	err = s.Audit(ctx, "", func(e data.AuditEntry) error {
		switch {
		case e.Action == "account.delete":
			deleted++
			if e.Actor != "claire" || e.Entity != "account:claire" || e.Addr != "" {
				t.Errorf("erasure journalled as %+v", e)
			}
		case e.Actor == "claire":
			hers++
			if e.Addr != "" {
				t.Errorf("Claire's journal entry %s keeps her client address %q", e.Action, e.Addr)
			}
		case e.Actor == "admin" && e.Addr != "198.51.100.7":
			t.Errorf("the admin's journal entry lost its client address: %+v", e)
		}
		return nil
	})
	if err != nil || deleted != 1 || hers < 5 {
		t.Errorf("journal: %d erasure entries, %d of Claire's (%v); want 1 and her earlier entries kept", deleted, hers, err)
	}

	// The outbox keeps that mails were written, of which kind and when:
	// hers erased, Bruno's as they were but for her address.
	outbox, err := s.Outbox(ctx, 10)
	if err != nil || len(outbox) != 3 {
		t.Fatalf("outbox after the erasure: %d mails (%v), want 3", len(outbox), err)
	}
	mine := outbox[2]
	if mine.To != ErasedAddress || mine.Subject != "" || mine.Text != "" || mine.HTML != "" || mine.ErasedAt.IsZero() ||
		len(mine.Headers) != 1 || mine.Headers[data.MailKindHeader] != "signin_link" || mine.At.IsZero() {
		t.Errorf("her outbox mail after the erasure: %+v, want its kind and dates only", mine)
	}
	if m := outbox[1]; m.Text != "Bonjour" || m.To != "bruno@atelier.test" || !m.ErasedAt.IsZero() {
		t.Errorf("Bruno's mail after the erasure: %+v, want unchanged", m)
	}
	if m := outbox[0]; m.Text != "Claire ("+ErasedAddress+") vous invite" || m.To != "bruno@atelier.test" || m.Headers[data.MailKindHeader] != "listing_invite" {
		t.Errorf("Bruno's invitation after the erasure: %+v, want her address erased from it", m)
	}

	// Nowhere in the file.
	if found, err := s.Mentions(ctx, claireEmail); err != nil || len(found) != 0 {
		t.Errorf("Mentions after the erasure: %q (%v), want none", found, err)
	}
	for k, v := range dumpStore(t, s) {
		if strings.Contains(strings.ToLower(k+v), strings.ToLower(claireEmail)) {
			t.Errorf("the erased address is still in %q: %.200s", strings.ReplaceAll(k, "\x00", " "), v)
		}
		if bytes.Contains([]byte(v), []byte("192.0.2.1")) && !strings.HasPrefix(k, "sessions\x00") {
			t.Errorf("Claire's client address is still in %q: %.200s", strings.ReplaceAll(k, "\x00", " "), v)
		}
	}
	mustCheck(t, s)

	if _, err := s.DeleteAccount(ctx, "claire", "claire", ""); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("a second erasure = %v, want data.ErrNotFound", err)
	}
	// A digest built for her just before the erasure is not recorded
	// after it, so never sent.
	late := data.DigestRecord{ID: "20260403T070000-cc", AccountID: "claire", To: claireEmail, Subject: "Vos alertes"}
	if err := s.BeginDigest(ctx, late); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("BeginDigest for the erased account = %v, want data.ErrNotFound", err)
	}
}

// BenchmarkDeleteAccount measures an erasure in a store whose journal
// holds a million entries, the account's among them, and a thousand
// digest records of 30 KB: the transaction reads the whole journal and
// every digest, and holds the write lock meanwhile.
func BenchmarkDeleteAccount(b *testing.B) {
	ctx := context.Background()
	s := openTest(b, Options{NoSync: true})
	page := strings.Repeat("<p>Appel d'offres de menuiserie à Rennes</p>", 700)
	for batch := range 20 { // bbolt writes big transactions slowly: 50 000 entries each
		err := s.db.Update(func(tx *bolt.Tx) error {
			for i := range 50_000 {
				e := data.AuditEntry{At: time.Now(), Actor: "crawler:epv", Action: "supplier.put",
					Entity: "supplier:" + sirenN((batch*50_000+i)%100_000), Detail: "fiche mise à jour depuis l'EPV"}
				if err := appendAudit(tx, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		digests, err := tx.CreateBucketIfNotExists(bucketAlertDigests)
		if err != nil {
			return err
		}
		for i := range 1000 {
			d := data.DigestRecord{ID: fmt.Sprintf("d%04d", i), AccountID: fmt.Sprintf("a%016x", i), To: "x@y.fr", HTML: page}
			if err := put(digests, d.ID, &d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		b.StopTimer()
		id := fmt.Sprintf("claire%d", i)
		i++
		if err := s.PutAccount(ctx, data.Account{ID: id, Email: id + "@tolerie.example"}, "web:inscription"); err != nil {
			b.Fatal(err)
		}
		if err := s.AppendAudit(ctx, data.AuditEntry{Actor: id, Action: "account.signin", Entity: "account:" + id, Addr: "192.0.2.1"}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := s.DeleteAccount(ctx, id, id, ""); err != nil {
			b.Fatal(err)
		}
	}
}
