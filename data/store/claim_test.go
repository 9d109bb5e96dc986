package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

func TestUpdateClaimCountsConcurrentAttempts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	sup := synthetic(1, "25")
	if err := s.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}
	c := data.Claim{ID: "c1", SupplierID: sup.ID, AccountID: "acc1", Method: data.ClaimByEmailDomain, Status: data.ClaimPending}
	if err := s.RecordClaim(ctx, c, data.AuditEntry{Actor: "acc1", Detail: "par courriel"}); err != nil {
		t.Fatal(err)
	}
	const n = 20
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.UpdateClaim(ctx, "c1", func(c *data.Claim) (ClaimChange, error) {
				c.Attempts++
				return ClaimChange{Audit: data.AuditEntry{Actor: "acc1", Action: "claim.code_wrong"}}, nil
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got, err := s.Claim(ctx, "c1")
	if err != nil || got.Attempts != n {
		t.Fatalf("Attempts = %d, %v; want %d", got.Attempts, err, n)
	}
	var actions []string
	_ = s.Audit(ctx, "claim:c1", func(e data.AuditEntry) error { actions = append(actions, e.Action+"/"+e.Detail); return nil })
	if len(actions) != n+1 || actions[0] != "claim.create/par courriel" || actions[1] != "claim.code_wrong/fiche "+sup.ID+", statut pending" {
		t.Errorf("audit = %q", actions)
	}

	abort := errors.New("no")
	if _, err := s.UpdateClaim(ctx, "c1", func(c *data.Claim) (ClaimChange, error) {
		c.Status = data.ClaimVerified
		return ClaimChange{}, abort
	}); !errors.Is(err, abort) {
		t.Errorf("aborted update: err = %v", err)
	}
	if got, _ := s.Claim(ctx, "c1"); got.Status != data.ClaimPending {
		t.Errorf("an aborted update was written: %s", got.Status)
	}
	if _, err := s.UpdateClaim(ctx, "nope", func(*data.Claim) (ClaimChange, error) { return ClaimChange{}, nil }); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("unknown claim: err = %v", err)
	}
	if _, err := s.UpdateClaim(ctx, "c1", func(*data.Claim) (ClaimChange, error) { return ClaimChange{}, nil }); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("update without actor: err = %v, want ErrInvalid", err)
	}
	mustCheck(t, s)
}

func TestClaimDocumentReplacedAndReadBack(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	sup := synthetic(1, "25")
	_ = s.PutSupplier(ctx, sup, "test")
	c := data.Claim{ID: "c1", SupplierID: sup.ID, AccountID: "acc1", Method: data.ClaimByDocument, Status: data.ClaimPending}
	if err := s.PutClaim(ctx, c, "acc1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ClaimDocument(ctx, "c1"); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("no document yet: err = %v", err)
	}
	attach := func(id string, content []byte) error {
		_, err := s.UpdateClaim(ctx, "c1", func(c *data.Claim) (ClaimChange, error) {
			c.Document = &data.ClaimDocument{ID: id, Type: "application/pdf", Size: len(content)}
			c.Status = data.ClaimReview
			return ClaimChange{Audit: data.AuditEntry{Actor: "acc1"}, Document: content}, nil
		})
		return err
	}
	if err := attach("d1", []byte("%PDF-1 first")); err != nil {
		t.Fatal(err)
	}
	if err := attach("d2", []byte("%PDF-1 second")); err != nil {
		t.Fatal(err)
	}
	doc, content, err := s.ClaimDocument(ctx, "c1")
	if err != nil || doc.ID != "d2" || string(content) != "%PDF-1 second" {
		t.Fatalf("ClaimDocument = %+v, %q, %v", doc, content, err)
	}
	if err := attach("d3", bytes.Repeat([]byte("x"), MaxClaimDocument+1)); !errors.Is(err, data.ErrTooLarge) {
		t.Errorf("oversized document: err = %v", err)
	}
	// The replaced document is gone from its bucket.
	err = s.view(ctx, func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketClaimDocuments).Get([]byte("d1")); v != nil {
			return fmt.Errorf("document d1 still stored")
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	mustCheck(t, s)
}

func TestClaimsByAccountAndReports(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true, Now: newClock().Now})
	sup := synthetic(1, "25")
	_ = s.PutSupplier(ctx, sup, "test")
	for i, acc := range []string{"a", "b", "a"} {
		c := data.Claim{ID: fmt.Sprintf("c%d", i), SupplierID: sup.ID, AccountID: acc, Status: data.ClaimPending}
		if err := s.PutClaim(ctx, c, acc); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ClaimsByAccount(ctx, "a")
	if err != nil || len(got) != 2 || got[0].ID != "c0" || got[1].ID != "c2" {
		t.Errorf("ClaimsByAccount(a) = %+v, %v", got, err)
	}

	if rs, err := s.Reports(ctx); err != nil || len(rs) != 0 {
		t.Errorf("Reports on a store without reports = %v, %v", rs, err)
	}
	for _, id := range []string{"r1", "r2"} {
		if err := s.PutReport(ctx, data.Report{ID: id, SupplierID: sup.ID, Reason: "adresse fausse"}, data.AuditEntry{Actor: "anonyme"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutReport(ctx, data.Report{ID: "r3", SupplierID: synthetic(9, "25").ID, Reason: "x"}, data.AuditEntry{Actor: "a"}); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("report on an unknown supplier: err = %v", err)
	}
	r, err := s.Report(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	r.ClosedAt, r.ClosedBy = time.Now(), "admin"
	if err := s.PutReport(ctx, r, data.AuditEntry{Actor: "admin"}); err != nil {
		t.Fatal(err)
	}
	rs, err := s.Reports(ctx)
	if err != nil || len(rs) != 2 || rs[0].ID != "r2" || rs[1].ClosedBy != "admin" {
		t.Errorf("Reports = %+v, %v; want r2 then the closed r1", rs, err)
	}
	var actions []string
	_ = s.Audit(ctx, "supplier:"+sup.ID, func(e data.AuditEntry) error { actions = append(actions, e.Action); return nil })
	if want := "[supplier.create report.create report.create report.close]"; fmt.Sprint(actions) != want {
		t.Errorf("audit of the supplier = %v, want %s", actions, want)
	}
}

func TestAuditPageFiltersAndPages(t *testing.T) {
	ctx := context.Background()
	clk := newClock()
	s := openTest(t, Options{NoSync: true, Now: clk.Now})
	sup := synthetic(1, "25")
	_ = s.PutSupplier(ctx, sup, "crawler:epv") // seq 1
	for i := range 5 {                         // seq 2..6
		c := data.Claim{ID: fmt.Sprintf("c%d", i), SupplierID: sup.ID, AccountID: "acc", Status: data.ClaimPending}
		if err := s.PutClaim(ctx, c, fmt.Sprintf("acc%d", i%2)); err != nil {
			t.Fatal(err)
		}
	}
	seqs := func(es []data.AuditEntry) string {
		var out []uint64
		for _, e := range es {
			out = append(out, e.Seq)
		}
		return fmt.Sprint(out)
	}
	start := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		f      AuditFilter
		before uint64
		limit  int
		want   string
		next   uint64
	}{
		{"all, newest first", AuditFilter{}, 0, 10, "[6 5 4 3 2 1]", 0},
		{"first page", AuditFilter{}, 0, 2, "[6 5]", 5},
		{"second page", AuditFilter{}, 5, 2, "[4 3]", 3},
		{"last page", AuditFilter{}, 3, 2, "[2 1]", 0},
		{"actor", AuditFilter{Actor: "acc1"}, 0, 10, "[5 3]", 0},
		{"action family", AuditFilter{Action: "claim"}, 0, 10, "[6 5 4 3 2]", 0},
		{"exact action", AuditFilter{Action: "supplier.create"}, 0, 10, "[1]", 0},
		{"action prefix is not a family", AuditFilter{Action: "cla"}, 0, 10, "[]", 0},
		{"entity kind", AuditFilter{Entity: "supplier"}, 0, 10, "[1]", 0},
		{"exact entity", AuditFilter{Entity: "claim:c3"}, 0, 10, "[5]", 0},
		{"period", AuditFilter{From: start.Add(3 * time.Second), To: start.Add(5 * time.Second)}, 0, 10, "[4 3]", 0},
		{"filtered page", AuditFilter{Actor: "acc0"}, 0, 2, "[6 4]", 3},
		{"filtered next page", AuditFilter{Actor: "acc0"}, 3, 2, "[2]", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, next, err := s.AuditPage(ctx, tt.f, tt.before, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if seqs(got) != tt.want || next != tt.next {
				t.Errorf("AuditPage = %s next %d, want %s next %d", seqs(got), next, tt.want, tt.next)
			}
		})
	}
}
