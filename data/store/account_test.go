package store

import (
	"context"
	"errors"
	"slices"
	"testing"

	"fabrique/data"
)

func TestAccountsHaveUniqueEmails(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	a := data.Account{ID: "acc1", Email: "Marie.Durand@Mairie-Besancon.fr", Role: data.RoleBuyer}
	if err := s.PutAccount(ctx, a, "system"); err != nil {
		t.Fatal(err)
	}
	got, err := s.AccountByEmail(ctx, "marie.durand@mairie-besancon.FR")
	if err != nil || got.ID != a.ID || got.CreatedAt.IsZero() {
		t.Errorf("AccountByEmail(other case) = %+v, %v", got, err)
	}
	b := data.Account{ID: "acc2", Email: "MARIE.DURAND@mairie-besancon.fr", Role: data.RoleSupplier}
	if err := s.PutAccount(ctx, b, "system"); !errors.Is(err, data.ErrConflict) {
		t.Errorf("same e-mail, other case: err = %v, want ErrConflict", err)
	}
	// Changing one's address frees the old one.
	a.Email = "m.durand@grandbesancon.fr"
	if err := s.PutAccount(ctx, a, "acc1"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutAccount(ctx, b, "system"); err != nil {
		t.Errorf("old address should be free: %v", err)
	}
	if _, err := s.Account(ctx, "acc3"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown account: err = %v, want ErrNotFound", err)
	}
	for _, bad := range []data.Account{{ID: "acc4", Email: "pas-une-adresse"}, {Email: "x@y.fr"}} {
		if err := s.PutAccount(ctx, bad, "system"); !errors.Is(err, data.ErrInvalid) {
			t.Errorf("PutAccount(%+v): err = %v, want ErrInvalid", bad, err)
		}
	}
	mustCheck(t, s)
}

func TestClaims(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	sup := synthetic(5, "39")
	if err := s.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}
	c := data.Claim{ID: "c1", SupplierID: sup.ID, AccountID: "acc1", Method: data.ClaimByEmailDomain, Status: data.ClaimPending}
	if err := s.PutClaim(ctx, c, "acc1"); err != nil {
		t.Fatal(err)
	}
	c.Status = data.ClaimVerified
	if err := s.PutClaim(ctx, c, "acc9"); err != nil {
		t.Fatal(err)
	}
	claims, err := s.ClaimsBySupplier(ctx, sup.ID)
	if err != nil || len(claims) != 1 || claims[0].Status != data.ClaimVerified {
		t.Errorf("ClaimsBySupplier = %+v, %v; want the verified claim", claims, err)
	}
	if got, err := s.Claim(ctx, "c1"); err != nil || got.CreatedAt.IsZero() {
		t.Errorf("Claim = %+v, %v", got, err)
	}
	tests := []struct {
		name  string
		claim data.Claim
		want  error
	}{
		{"unknown supplier", data.Claim{ID: "c2", SupplierID: sirenN(6), AccountID: "acc1"}, data.ErrNotFound},
		{"no account", data.Claim{ID: "c3", SupplierID: sup.ID}, data.ErrInvalid},
		{"bad supplier id", data.Claim{ID: "c3", SupplierID: "abc", AccountID: "acc1"}, data.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.PutClaim(ctx, tt.claim, "acc1"); !errors.Is(err, tt.want) {
				t.Errorf("PutClaim: err = %v, want %v", err, tt.want)
			}
		})
	}
	other := synthetic(6, "39")
	if err := s.PutSupplier(ctx, other, "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutClaim(ctx, data.Claim{ID: "c1", SupplierID: other.ID, AccountID: "acc1"}, "acc1"); !errors.Is(err, data.ErrConflict) {
		t.Errorf("claim moved to another supplier: err = %v, want ErrConflict", err)
	}
	mustCheck(t, s)
}

func TestAuditRecordsEveryWriteInOrder(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	a, b := synthetic(1, "25"), synthetic(2, "25")
	_ = s.PutSupplier(ctx, a, "acc1")
	_ = s.PutSupplier(ctx, b, "acc2")
	_ = s.PutSupplier(ctx, a, "acc1")
	_ = s.DeleteSupplier(ctx, a.ID, "acc3")
	_ = s.PutSupplier(ctx, data.Supplier{ID: "bad"}, "acc1") // refused, not audited

	type row struct{ actor, action string }
	collect := func(entity string) ([]row, []uint64) {
		var rows []row
		var seqs []uint64
		err := s.Audit(ctx, entity, func(e data.AuditEntry) error {
			rows = append(rows, row{e.Actor, e.Action})
			seqs = append(seqs, e.Seq)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return rows, seqs
	}
	got, seqs := collect("supplier:" + a.ID)
	want := []row{{"acc1", "supplier.create"}, {"acc1", "supplier.update"}, {"acc3", "supplier.delete"}}
	if len(got) != len(want) {
		t.Fatalf("audit of a = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("audit of a [%d] = %v, want %v", i, got[i], want[i])
		}
		if i > 0 && seqs[i] <= seqs[i-1] {
			t.Errorf("sequence not increasing: %v", seqs)
		}
	}
	// Paging through the entity index: more entries than one read chunk.
	for i := 0; i < walkChunk+5; i++ {
		if err := s.PutSupplier(ctx, b, "acc2"); err != nil {
			t.Fatal(err)
		}
	}
	if many, seqs := collect("supplier:" + b.ID); len(many) != walkChunk+6 || !slices.IsSorted(seqs) {
		t.Errorf("audit of b = %d entries (sorted %t), want %d in order", len(many), slices.IsSorted(seqs), walkChunk+6)
	}
	b.ID = sirenN(3)
	b.SIREN, b.Establishments = b.ID, nil
	_ = s.PutSupplier(ctx, b, "acc2")
	all, _ := collect("")
	if len(all) != 4+walkChunk+5+1 {
		t.Errorf("whole audit = %d entries, want %d", len(all), 4+walkChunk+5+1)
	}
	if only, _ := collect("supplier:" + b.ID); len(only) != 1 {
		t.Errorf("audit of %s = %v, want 1 entry", b.ID, only)
	}
	mustCheck(t, s)
}
