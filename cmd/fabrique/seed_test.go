package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"fabrique/data"
	"fabrique/data/store"
)

// TestSeedResumesAfterAnInterruptedFirstStart kills the first load after
// its first batch (the hostile test's SIGKILL, in-process) and checks that
// the next start completes it.
func TestSeedResumesAfterAnInterruptedFirstStart(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "fabrique.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := &program{stdout: io.Discard, stderr: io.Discard, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	errKilled := errors.New("killed")
	ctx, kill := context.WithCancelCause(context.Background())
	err = seedStore(ctx, st, p, func(done int) {
		if done >= seedBatch {
			kill(errKilled)
		}
	})
	if err == nil {
		t.Fatal("interrupted seed returned no error")
	}
	partial, _ := st.CountSuppliers(context.Background())
	if partial != seedBatch {
		t.Fatalf("after the interruption: %d suppliers, want the first batch of %d", partial, seedBatch)
	}

	// The next start.
	if err := seedStore(context.Background(), st, p, nil); err != nil {
		t.Fatalf("second start: %v", err)
	}
	full, _ := st.CountSuppliers(context.Background())
	if full <= partial || full < 1290 {
		t.Fatalf("after the second start: %d suppliers, want the whole embedded list (about 1 291)", full)
	}
	// A third start has nothing to do, and keeps a supplier deleted since.
	var one data.Supplier
	_ = st.Suppliers(context.Background(), func(s data.Supplier) error { one = s; return errors.New("stop") })
	if err := st.DeleteSupplier(context.Background(), one.ID, "test"); err != nil {
		t.Fatal(err)
	}
	if err := seedStore(context.Background(), st, p, nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.CountSuppliers(context.Background()); n != full-1 {
		t.Errorf("after a completed seed and a deletion, a new start left %d suppliers, want %d", n, full-1)
	}
}

// TestSeedLeavesAStoreFilledBeforeTheMarker checks that a store seeded by
// an older version (suppliers, no marker) is not loaded again.
func TestSeedLeavesAStoreFilledBeforeTheMarker(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "fabrique.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sup := data.Supplier{ID: data.SupplierKey("", "Faïencerie de Gien", "45500"), Name: "Faïencerie de Gien"}
	if err := st.PutSupplier(context.Background(), sup, "test"); err != nil {
		t.Fatal(err)
	}
	p := &program{stdout: io.Discard, stderr: io.Discard, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := seedStore(context.Background(), st, p, nil); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.CountSuppliers(context.Background()); n != 1 {
		t.Errorf("%d suppliers, want the 1 already there", n)
	}
}
