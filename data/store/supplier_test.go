package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

func TestSupplierCRUDKeepsIndexesRight(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := openTest(t, Options{NoSync: true, Now: clk.Now})

	a := synthetic(1, "25")
	b := synthetic(2, "25")
	for _, sup := range []data.Supplier{a, b} {
		if err := s.PutSupplier(ctx, sup, "test"); err != nil {
			t.Fatalf("PutSupplier %s: %v", sup.ID, err)
		}
	}
	mustCheck(t, s)
	got, err := s.Supplier(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != a.Name || got.CreatedAt.IsZero() || !got.CreatedAt.Equal(got.UpdatedAt) {
		t.Errorf("stored supplier = %q created %v updated %v; want name %q and both stamps equal", got.Name, got.CreatedAt, got.UpdatedAt, a.Name)
	}
	created := got.CreatedAt

	// Move a to another département, replace its label and its SIRET.
	oldSIRET := a.Establishments[0].SIRET
	a.Address = data.Address{Postcode: "39100", Departement: "39"}
	a.Establishments = []data.Establishment{{SIRET: siretOf(a.SIREN, 2), Address: a.Address, Valid: true}}
	a.Labels = []data.Label{{Type: data.LabelOFG, Scope: data.ScopeProductRange, Range: "Lunettes", Source: "ofg"}}
	if err := s.PutSupplier(ctx, a, "test"); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, s)
	got, _ = s.Supplier(ctx, a.ID)
	if !got.CreatedAt.Equal(created) || !got.UpdatedAt.After(created) {
		t.Errorf("after update: created %v (want %v kept), updated %v (want later)", got.CreatedAt, created, got.UpdatedAt)
	}

	tests := []struct {
		name   string
		filter SupplierFilter
		want   []string
	}{
		{"all", SupplierFilter{}, []string{a.ID, b.ID}},
		{"old département lost a", SupplierFilter{Departement: "25"}, []string{b.ID}},
		{"new département", SupplierFilter{Departement: "39"}, []string{a.ID}},
		{"old label lost a", SupplierFilter{Label: data.LabelEPV}, []string{b.ID}},
		{"new label", SupplierFilter{Label: data.LabelOFG}, []string{a.ID}},
		{"label and département", SupplierFilter{Label: data.LabelOFG, Departement: "25"}, []string{}},
		{"updated since the update", SupplierFilter{UpdatedSince: got.UpdatedAt}, []string{a.ID}},
		{"updated since the start", SupplierFilter{UpdatedSince: created.Add(-time.Hour)}, []string{a.ID, b.ID}},
		{"unknown département", SupplierFilter{Departement: "2A"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ids, err := s.SupplierIDs(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(tt.want)
			if !slices.Equal(ids, tt.want) && !(len(ids) == 0 && len(tt.want) == 0) {
				t.Errorf("SupplierIDs(%+v) = %v, want %v", tt.filter, ids, tt.want)
			}
		})
	}

	if _, err := s.SupplierBySIRET(ctx, oldSIRET); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("SupplierBySIRET(old SIRET) err = %v, want ErrNotFound", err)
	}
	if got, err := s.SupplierBySIRET(ctx, a.Establishments[0].SIRET); err != nil || got.ID != a.ID {
		t.Errorf("SupplierBySIRET(new SIRET) = %q, %v; want %q", got.ID, err, a.ID)
	}

	// b cannot take a's SIRET.
	b.Establishments = append(b.Establishments, a.Establishments[0])
	if err := s.PutSupplier(ctx, b, "test"); !errors.Is(err, data.ErrConflict) {
		t.Errorf("PutSupplier with another's SIRET: err = %v, want ErrConflict", err)
	}
	mustCheck(t, s)

	if err := s.DeleteSupplier(ctx, a.ID, "test"); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, s)
	if _, err := s.Supplier(ctx, a.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("Supplier after delete: err = %v, want ErrNotFound", err)
	}
	if ids, _ := s.SupplierIDs(ctx, SupplierFilter{Departement: "39"}); len(ids) != 0 {
		t.Errorf("département index still lists %v after delete", ids)
	}
	if err := s.DeleteSupplier(ctx, a.ID, "test"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("second delete: err = %v, want ErrNotFound", err)
	}
	if n, _ := s.CountSuppliers(ctx); n != 1 {
		t.Errorf("CountSuppliers = %d, want 1", n)
	}
}

func TestPutSupplierValidates(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	ok := synthetic(3, "75")
	tests := []struct {
		name  string
		sup   data.Supplier
		actor string
	}{
		{"empty id", data.Supplier{Name: "X"}, "test"},
		{"bad Luhn", data.Supplier{ID: "123456788"}, "test"},
		{"SIREN differs from id", data.Supplier{ID: ok.ID, SIREN: sirenN(4)}, "test"},
		{"hash key with capitals", data.Supplier{ID: "x0123456789ABCDEF"}, "test"},
		{"free text id", data.Supplier{ID: "dupont"}, "test"},
		{"no actor", ok, " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.PutSupplier(ctx, tt.sup, tt.actor)
			if !errors.Is(err, data.ErrInvalid) {
				t.Errorf("PutSupplier: err = %v, want ErrInvalid", err)
			}
			var ve *data.ValidationError
			if !errors.As(err, &ve) || ve.Message == "" {
				t.Errorf("PutSupplier: err = %v, want a ValidationError with a French message", err)
			}
		})
	}
	hashed := data.Supplier{ID: data.SupplierKey("", "Tissage du Jura", "39100"), Name: "Tissage du Jura"}
	if err := s.PutSupplier(ctx, hashed, "test"); err != nil {
		t.Errorf("PutSupplier with an x key: %v", err)
	}
	if n, _ := s.CountSuppliers(ctx); n != 1 {
		t.Errorf("CountSuppliers = %d, want 1 (only the valid one)", n)
	}
}

func TestCheckDetectsIndexProblems(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		plant func(tx *bolt.Tx) error
		want  string
	}{
		{"orphan département entry", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketDepartement).Put([]byte("25|"+sirenN(99)), nil)
		}, "points to missing supplier"},
		{"stale label entry", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketLabel).Put([]byte("OFG|"+sirenN(1)), nil)
		}, "stale entry"},
		{"missing SIRET entry", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketSIRET).Delete([]byte(siretOf(sirenN(1), 1)))
		}, "is not indexed in idx_siret"},
		{"SIRET pointing elsewhere", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketSIRET).Put([]byte(siretOf(sirenN(1), 1)), []byte(sirenN(2)))
		}, "expected"},
		{"record under the wrong key", func(tx *bolt.Tx) error {
			raw := tx.Bucket(bucketSuppliers).Get([]byte(sirenN(1)))
			return tx.Bucket(bucketSuppliers).Put([]byte(sirenN(5)), append([]byte(nil), raw...))
		}, "holds supplier"},
		{"undecodable record", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketSuppliers).Put([]byte(sirenN(5)), []byte("{not json"))
		}, "decode supplier"},
		{"orphan audit index entry", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketAuditEntity).Put([]byte(auditEntityKey("supplier:x", 999)), nil)
		}, "points to missing audit entry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t, Options{NoSync: true})
			for i := 1; i <= 2; i++ {
				if err := s.PutSupplier(ctx, synthetic(i, "25"), "test"); err != nil {
					t.Fatal(err)
				}
			}
			mustCheck(t, s)
			if err := s.db.Update(tt.plant); err != nil {
				t.Fatal(err)
			}
			err := s.Check(ctx)
			if !errors.Is(err, ErrInconsistent) {
				t.Fatalf("Check after planting: err = %v, want ErrInconsistent", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check error = %q, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestSuppliersWalksEveryRecordInOrderAcrossChunks(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	sups := realSuppliers(t, walkChunk*2+17)
	if res, err := s.UpsertCrawled(ctx, sups, "crawler:epv"); err != nil || len(res.Rejected) > 0 {
		t.Fatalf("UpsertCrawled: %v %v", err, res.Rejected)
	}
	var ids []string
	err := s.Suppliers(ctx, func(sup data.Supplier) error {
		ids = append(ids, sup.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := make([]string, len(sups))
	for i, sup := range sups {
		want[i] = sup.ID
	}
	slices.Sort(want)
	if !slices.Equal(ids, want) {
		t.Errorf("Suppliers walked %d ids, want %d in order", len(ids), len(want))
	}

	stop := errors.New("stop")
	n := 0
	err = s.Suppliers(ctx, func(data.Supplier) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Errorf("walk stopped after %d with %v, want 3 and the callback's error", n, err)
	}

	// The callback may write: the walk holds no transaction while it runs.
	err = s.Suppliers(ctx, func(sup data.Supplier) error {
		if sup.ID == want[0] {
			return s.PutSupplier(ctx, sup, "test")
		}
		return nil
	})
	if err != nil {
		t.Errorf("write from inside the walk: %v", err)
	}
}

func TestSuppliersChecksum(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := openTest(t, Options{NoSync: true, Now: clk.Now})
	n0, sum0, err := s.SuppliersChecksum(ctx)
	if err != nil || n0 != 0 {
		t.Fatalf("empty store: %d, %v", n0, err)
	}
	a, b := synthetic(1, "25"), synthetic(2, "39")
	for _, sup := range []data.Supplier{b, a} {
		if err := s.PutSupplier(ctx, sup, "test"); err != nil {
			t.Fatal(err)
		}
	}
	n1, sum1, _ := s.SuppliersChecksum(ctx)
	_, sum2, _ := s.SuppliersChecksum(ctx)
	if n1 != 2 || sum1 != sum2 || sum1 == sum0 {
		t.Errorf("checksum: n=%d, stable %t, differs from empty %t", n1, sum1 == sum2, sum1 != sum0)
	}

	// A consumer recomputes it from the (id, UpdatedAt) pairs of the records.
	var recount data.StampSum
	_ = s.Suppliers(ctx, func(sup data.Supplier) error {
		recount.AddTime(sup.ID, sup.UpdatedAt)
		return nil
	})
	if got := recount.String(); got != sum1 {
		t.Errorf("checksum recomputed from records = %s, store says %s", got, sum1)
	}

	if err := s.PutSupplier(ctx, a, "test"); err != nil {
		t.Fatal(err)
	}
	if _, sum3, _ := s.SuppliersChecksum(ctx); sum3 == sum1 {
		t.Error("checksum did not change after an update")
	}
}

func TestOnChangeReportsCommittedWrites(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	var got [][]string
	cancel := s.OnChange(func(ids []string) { got = append(got, ids) })

	a := synthetic(1, "25")
	_ = s.PutSupplier(ctx, a, "test")
	_ = s.PutSupplier(ctx, data.Supplier{ID: "bad"}, "test") // refused: no notification
	_, _ = s.UpsertCrawled(ctx, []data.Supplier{synthetic(2, "25"), synthetic(3, "39")}, "crawler:epv")
	_ = s.DeleteSupplier(ctx, a.ID, "test")
	cancel()
	_ = s.PutSupplier(ctx, a, "test")

	want := [][]string{{a.ID}, {sirenN(2), sirenN(3)}, {a.ID}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("notifications = %v, want %v", got, want)
	}
}

func TestContextCancelledBeforeTransaction(t *testing.T) {
	s := openTest(t, Options{NoSync: true})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.PutSupplier(ctx, synthetic(1, "25"), "test"); !errors.Is(err, context.Canceled) {
		t.Errorf("PutSupplier: err = %v, want context.Canceled", err)
	}
	if _, err := s.Supplier(ctx, sirenN(1)); !errors.Is(err, context.Canceled) {
		t.Errorf("Supplier: err = %v, want context.Canceled", err)
	}
	if n, _ := s.CountSuppliers(context.Background()); n != 0 {
		t.Errorf("a cancelled write was stored")
	}
}
