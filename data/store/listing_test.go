package store

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func ownerProvenance(actor string) data.Provenance {
	return data.Provenance{Source: "owner", SourceURL: "account:" + actor, Owner: true}
}

// declare returns an edit that declares the given description and CPV codes.
func declare(desc string, cpv ...string) ListingEdit {
	return func(sup *data.Supplier) ([]string, error) {
		l := data.ListingOf(*sup)
		l.Description, l.CPV = desc, cpv
		if err := l.Normalize(); err != nil {
			return nil, err
		}
		return l.Apply(sup, data.ListingFields, ownerProvenance("a1")), nil
	}
}

func TestEditListingVersionsAndUndo(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{Now: newClock().Now})
	sup := synthetic(1, "69")
	sup.Description = "texte du label"
	sup.SetProvenance(data.FieldDescription, data.Provenance{Source: "epv"})
	if err := s.PutSupplier(ctx, sup, "crawler:epv"); err != nil {
		t.Fatal(err)
	}
	var notified [][]string
	cancel := s.OnChange(func(ids []string) { notified = append(notified, ids) })
	defer cancel()

	v1, err := s.EditListing(ctx, sup.ID, "a1", declare("Menuiserie sur mesure", "45421000"))
	if err != nil {
		t.Fatalf("EditListing: %v", err)
	}
	if v1.Seq == 0 || !slices.Equal(v1.Fields, []string{data.FieldDescription, data.FieldCPVDeclared}) || v1.Actor != "a1" {
		t.Fatalf("version = %+v", v1)
	}
	if len(notified) != 1 || notified[0][0] != sup.ID {
		t.Errorf("subscribers told %v, want [[%s]]", notified, sup.ID)
	}
	v2, err := s.EditListing(ctx, sup.ID, "a2", declare("Menuiserie et escaliers", "45421000"))
	if err != nil {
		t.Fatal(err)
	}
	// An edit that changes nothing writes nothing.
	v3, err := s.EditListing(ctx, sup.ID, "a2", declare("Menuiserie et escaliers", "45421000"))
	if err != nil || v3.Seq != 0 {
		t.Fatalf("no-op edit = %+v, %v; want no version", v3, err)
	}

	got, err := s.Supplier(ctx, sup.ID)
	if err != nil || got.Description != "Menuiserie et escaliers" || !got.OwnerDeclared(data.FieldDescription) {
		t.Fatalf("after edits: %q, declared %v, %v", got.Description, got.OwnerDeclared(data.FieldDescription), err)
	}

	// Undo the first edit: the fields it changed get back their values
	// before it, as a new version.
	u, err := s.UndoListing(ctx, sup.ID, v1.Seq, "a1")
	if err != nil {
		t.Fatalf("UndoListing: %v", err)
	}
	if u.Undoes != v1.Seq || u.Seq <= v2.Seq {
		t.Errorf("undo version = %+v", u)
	}
	got, _ = s.Supplier(ctx, sup.ID)
	if got.Description != "texte du label" || got.CPVDeclared != nil || got.OwnerDeclared(data.FieldDescription) ||
		got.Provenance[data.FieldDescription].Source != "epv" {
		t.Errorf("after undo: description %q, cpv %v, provenance %+v", got.Description, got.CPVDeclared, got.Provenance[data.FieldDescription])
	}
	// The same undo again changes nothing, so it records nothing.
	if again, err := s.UndoListing(ctx, sup.ID, v1.Seq, "a1"); err != nil || again.Seq != 0 {
		t.Fatalf("second undo of %d = %+v, %v; want no version", v1.Seq, again, err)
	}
	// The undo can be undone.
	if _, err := s.UndoListing(ctx, sup.ID, u.Seq, "a1"); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Supplier(ctx, sup.ID)
	if got.Description != "Menuiserie et escaliers" || !slices.Equal(got.CPVDeclared, []string{"45421000"}) {
		t.Errorf("after undoing the undo: %q %v", got.Description, got.CPVDeclared)
	}

	vs, err := s.ListingVersions(ctx, sup.ID)
	if err != nil || len(vs) != 4 || vs[0].Undoes != u.Seq || vs[3].Seq != v1.Seq {
		t.Errorf("ListingVersions = %d versions (%v), want 4 newest first", len(vs), err)
	}
	var actions []string
	_ = s.Audit(ctx, "supplier:"+sup.ID, func(e data.AuditEntry) error { actions = append(actions, e.Action); return nil })
	if want := []string{"supplier.create", "listing.edit", "listing.edit", "listing.undo", "listing.undo"}; !slices.Equal(actions, want) {
		t.Errorf("audit = %v, want %v", actions, want)
	}
	mustCheck(t, s)
}

func TestEditListingErrors(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{})
	sup := synthetic(2, "75")
	if err := s.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		run   func() error
		want  error
		check bool
	}{
		{"unknown supplier", func() error { _, err := s.EditListing(ctx, "552100554", "a1", declare("x")); return err }, data.ErrNotFound, false},
		{"invalid listing", func() error { _, err := s.EditListing(ctx, sup.ID, "a1", declare("x", "12345678")); return err }, data.ErrInvalid, true},
		{"anonymous", func() error { _, err := s.EditListing(ctx, sup.ID, " ", declare("x")); return err }, data.ErrInvalid, false},
		{"unknown version", func() error { _, err := s.UndoListing(ctx, sup.ID, 99, "a1"); return err }, data.ErrNotFound, false},
		{"empty logo", func() error { _, err := s.SetLogo(ctx, sup.ID, "a1", nil, data.Provenance{}); return err }, data.ErrTooLarge, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if got, _ := s.Supplier(ctx, sup.ID); got.Description != "" {
				t.Errorf("a refused edit wrote %q", got.Description)
			}
		})
	}
}

func TestSetLogoAndUndo(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{Now: newClock().Now})
	sup := synthetic(3, "33")
	if err := s.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Logo(ctx, "00"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("Logo on an empty store = %v, want ErrNotFound", err)
	}
	first, second := []byte("\x89PNG first"), []byte("\x89PNG second")
	if _, err := s.SetLogo(ctx, sup.ID, "a1", first, ownerProvenance("a1")); err != nil {
		t.Fatal(err)
	}
	v, err := s.SetLogo(ctx, sup.ID, "a1", second, ownerProvenance("a1"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.Supplier(ctx, sup.ID)
	if got.Logo != LogoKey(second) || !got.OwnerDeclared(data.FieldLogo) {
		t.Fatalf("logo = %q, want %q", got.Logo, LogoKey(second))
	}
	if _, err := s.UndoListing(ctx, sup.ID, v.Seq, "a1"); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Supplier(ctx, sup.ID)
	b, err := s.Logo(ctx, got.Logo)
	if err != nil || !bytes.Equal(b, first) {
		t.Errorf("after undo the logo is %q (%v), want the first one", b, err)
	}
}

// TestCrawlAfterEdit: a crawl after an edit leaves the declared fields as
// the company wrote them.
func TestCrawlAfterEdit(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{Now: newClock().Now})
	sup := synthetic(4, "69")
	if _, err := s.UpsertCrawled(ctx, []data.Supplier{sup}, "crawler:epv"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EditListing(ctx, sup.ID, "a1", declare("Déclaré par l'entreprise", "45421000")); err != nil {
		t.Fatal(err)
	}
	again := sup
	again.Description, again.CPVDeclared = "Texte du crawl", []string{"44000000"}
	again.SetProvenance(data.FieldDescription, data.Provenance{Source: "epv"})
	if _, err := s.UpsertCrawled(ctx, []data.Supplier{again}, "crawler:epv"); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Supplier(ctx, sup.ID)
	if got.Description != "Déclaré par l'entreprise" || !slices.Equal(got.CPVDeclared, []string{"45421000"}) {
		t.Errorf("after the crawl: %q %v", got.Description, got.CPVDeclared)
	}
}

func TestInviteSingleUse(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := openTest(t, Options{Now: clk.Now})
	start := clk.Now()
	inv := data.Invite{TokenHash: "h1", SupplierID: "552100554", Email: "b@exemple.fr", InvitedBy: "a1",
		CreatedAt: start, ExpiresAt: start.Add(time.Hour)}
	if err := s.PutInvite(ctx, inv, "a1"); err != nil {
		t.Fatal(err)
	}
	expired := inv
	expired.TokenHash, expired.Email, expired.ExpiresAt = "h2", "c@exemple.fr", start // another address: the same one would replace h1
	if err := s.PutInvite(ctx, expired, "a1"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutInvite(ctx, inv, "a1"); !errors.Is(err, data.ErrConflict) {
		t.Errorf("second PutInvite with the same token = %v, want ErrConflict", err)
	}
	if p, err := s.PendingInvites(ctx, "552100554"); err != nil || len(p) != 1 || p[0].TokenHash != "h1" {
		t.Errorf("PendingInvites = %v, %v; want the unexpired one", p, err)
	}
	tests := []struct {
		name, hash string
		want       error
	}{
		{"first use", "h1", nil},
		{"second use", "h1", ErrInviteUsed},
		{"expired", "h2", ErrInviteExpired},
		{"unknown", "h3", data.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.UseInvite(ctx, tt.hash, "b1")
			if !errors.Is(err, tt.want) {
				t.Fatalf("UseInvite = %v, want %v", err, tt.want)
			}
			if err == nil && (got.UsedBy != "b1" || got.UsedAt.IsZero()) {
				t.Errorf("used invite = %+v", got)
			}
		})
	}
	if p, _ := s.PendingInvites(ctx, "552100554"); len(p) != 0 {
		t.Errorf("a used invite is still pending: %v", p)
	}
}

func TestRevokeInvite(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := openTest(t, Options{Now: clk.Now})
	start := clk.Now()
	for _, h := range []string{"h1", "h2"} {
		inv := data.Invite{TokenHash: h, SupplierID: "552100554", Email: h + "@exemple.fr", InvitedBy: "a1",
			CreatedAt: start, ExpiresAt: start.Add(time.Hour)}
		if err := s.PutInvite(ctx, inv, "a1"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.UseInvite(ctx, "h2", "b2"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, supplier, hash string
		want                 error
	}{
		{"another company's", "732829320", "h1", data.ErrNotFound},
		{"unknown", "552100554", "h3", data.ErrNotFound},
		{"used", "552100554", "h2", ErrInviteUsed},
		{"pending", "552100554", "h1", nil},
		{"twice", "552100554", "h1", ErrInviteRevoked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.RevokeInvite(ctx, tt.supplier, tt.hash, "a1"); !errors.Is(err, tt.want) {
				t.Fatalf("RevokeInvite = %v, want %v", err, tt.want)
			}
		})
	}
	if p, _ := s.PendingInvites(ctx, "552100554"); len(p) != 0 {
		t.Errorf("a revoked invite is still pending: %v", p)
	}
	if _, err := s.UseInvite(ctx, "h1", "b1"); !errors.Is(err, ErrInviteRevoked) || !errors.Is(err, data.ErrConflict) {
		t.Errorf("UseInvite of a revoked invite = %v, want ErrInviteRevoked (a conflict)", err)
	}
	if inv, _ := s.Invite(ctx, "h1"); inv.RevokedAt.IsZero() || inv.RevokedBy != "a1" {
		t.Errorf("revoked invite = %+v", inv)
	}
	var actions []string
	_ = s.Audit(ctx, "supplier:552100554", func(e data.AuditEntry) error { actions = append(actions, e.Action); return nil })
	if !slices.Contains(actions, "team.invite_revoke") {
		t.Errorf("audit = %v, want a team.invite_revoke", actions)
	}
}

// TestInviteAgainReplaces: a second invitation of a company to the same
// address replaces the pending one (revoked, audited), so that an address
// never holds two live links; another address, another company and a used
// invitation are left alone.
func TestInviteAgainReplaces(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := openTest(t, Options{Now: clk.Now})
	start := clk.Now()
	for _, inv := range []data.Invite{
		{TokenHash: "h1", SupplierID: "552100554", Email: "b@exemple.fr"},
		{TokenHash: "h2", SupplierID: "552100554", Email: "c@exemple.fr"},
		{TokenHash: "h3", SupplierID: "732829320", Email: "b@exemple.fr"},
		{TokenHash: "h4", SupplierID: "552100554", Email: "B@exemple.fr"},
	} {
		inv.InvitedBy, inv.CreatedAt, inv.ExpiresAt = "a1", start, start.Add(time.Hour)
		if err := s.PutInvite(ctx, inv, "a1"); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	p, err := s.PendingInvites(ctx, "552100554")
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range p {
		got = append(got, inv.TokenHash)
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"h2", "h4"}) {
		t.Errorf("pending after inviting b@ twice: %v, want [h2 h4]", got)
	}
	if _, err := s.UseInvite(ctx, "h1", "b1"); !errors.Is(err, ErrInviteRevoked) {
		t.Errorf("UseInvite of the replaced invitation = %v, want ErrInviteRevoked", err)
	}
	if p, _ := s.PendingInvites(ctx, "732829320"); len(p) != 1 {
		t.Errorf("another company's invitation: %d pending, want 1", len(p))
	}
	var details []string
	_ = s.Audit(ctx, "supplier:552100554", func(e data.AuditEntry) error {
		if e.Action == "team.invite_revoke" {
			details = append(details, e.Detail)
		}
		return nil
	})
	if len(details) != 1 || !strings.Contains(details[0], "remplacée") {
		t.Errorf("revocations audited: %q, want one « remplacée »", details)
	}
}
