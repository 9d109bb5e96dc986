package store

import (
	"context"
	"testing"
	"time"

	"fabrique/data"
)

func TestFoldNotice(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{})
	deadline := time.Date(2026, 4, 20, 12, 0, 0, 0, time.UTC)
	call := data.Tender{ID: "ted:100-2026", Source: "ted", SourceID: "100-2026", ProcedureID: "PROC-1",
		Title: "Restauration des vitraux", CPV: "45212350", State: data.StateOpen, Deadline: deadline}

	got, changed, err := s.FoldNotice(ctx, call, "import")
	if err != nil || !changed {
		t.Fatalf("first fold: changed=%v err=%v, want a new tender", changed, err)
	}
	if got.ID != call.ID || len(got.History) != 1 {
		t.Fatalf("new tender = %s with %d revisions, want %s with 1", got.ID, len(got.History), call.ID)
	}

	if _, changed, err := s.FoldNotice(ctx, call, "import"); err != nil || changed {
		t.Fatalf("re-import: changed=%v err=%v, want unchanged", changed, err)
	}

	fix := call
	fix.ID, fix.SourceID, fix.State = "ted:200-2026", "200-2026", data.StateCorrected
	fix.Deadline = deadline.Add(7 * 24 * time.Hour)
	got, changed, err = s.FoldNotice(ctx, fix, "import")
	if err != nil || !changed {
		t.Fatalf("correction: changed=%v err=%v", changed, err)
	}
	if got.ID != call.ID {
		t.Errorf("correction folded into %s, want the procedure's tender %s", got.ID, call.ID)
	}
	if got.State != data.StateCorrected || !got.Deadline.Equal(fix.Deadline) || len(got.History) != 2 {
		t.Errorf("after correction: state %s, deadline %v, %d revisions; want corrected, %v, 2",
			got.State, got.Deadline, len(got.History), fix.Deadline)
	}

	cancel := call
	cancel.ID, cancel.SourceID, cancel.State = "boamp:26-999", "26-999", data.StateCancelled
	got, _, err = s.FoldNotice(ctx, cancel, "import")
	if err != nil {
		t.Fatal(err)
	}
	if got.State != data.StateCancelled || got.Open(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("after cancellation: state %s, open %v; want cancelled and closed", got.State, got.Open(time.Now()))
	}
	stored, err := s.TenderBySourceID(ctx, "boamp:26-999")
	if err != nil || stored.ID != call.ID {
		t.Errorf("lookup by the cancelling notice: %v %v, want tender %s", stored.ID, err, call.ID)
	}
	n := 0
	if err := s.Tenders(ctx, func(data.Tender) error { n++; return nil }); err != nil || n != 1 {
		t.Errorf("%d tenders stored (err %v), want 1: one procedure, one tender", n, err)
	}
	if err := s.Check(ctx); err != nil {
		t.Errorf("Check after folds: %v", err)
	}
}
