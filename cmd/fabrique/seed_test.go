package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

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

// quietProgram is a program whose output goes nowhere.
func quietProgram() *program {
	return &program{stdout: io.Discard, stderr: io.Discard, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// openSeedStore opens a new store in a temporary directory.
func openSeedStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "fabrique.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// labelled is a company carrying one label of source src.
func labelled(name, postcode string, l data.LabelType, src string) data.Supplier {
	now := time.Now().UTC()
	return data.Supplier{ID: data.SupplierKey("", name, postcode), Name: name, Address: data.Address{Postcode: postcode},
		Labels: []data.Label{{Type: l, Scope: data.ScopeCompany, Source: src, FirstSeen: now, LastSeen: now}}}
}

// TestSeedLoadsEPVIntoAStoreFilledByOtherCommands is the newcomer's trap:
// a crawl of another directory, an import or an account before the first
// serve leave a store that is not empty but holds no EPV company; the first
// serve must still load them.
func TestSeedLoadsEPVIntoAStoreFilledByOtherCommands(t *testing.T) {
	ctx := context.Background()
	st := openSeedStore(t)
	if _, err := st.UpsertCrawled(ctx, []data.Supplier{labelled("Atelier Fictif", "69001", data.LabelOFG, "ofg")}, "crawler:ofg"); err != nil {
		t.Fatal(err)
	}
	if err := seedStore(ctx, st, quietProgram(), nil); err != nil {
		t.Fatal(err)
	}
	epv, err := st.SupplierIDs(ctx, store.SupplierFilter{Label: data.LabelEPV})
	if err != nil {
		t.Fatal(err)
	}
	if len(epv) < 1290 {
		t.Fatalf("after a crawl of OFG and the first serve: %d EPV companies, want the embedded list (about 1 291)", len(epv))
	}
}

// TestSeedLeavesAStoreFilledBeforeTheMarker checks that a store seeded by
// an older version (EPV companies, no marker) is not loaded again, even
// once its EPV companies were deleted, and that a store whose EPV companies
// came from a crawl of the EPV directory keeps the crawl's data.
func TestSeedLeavesAStoreFilledBeforeTheMarker(t *testing.T) {
	ctx := context.Background()
	gien := labelled("Faïencerie de Gien", "45500", data.LabelEPV, "epv")
	for _, tc := range []struct {
		name    string
		fill    func(st *store.Store) error
		wantSup int
	}{
		{"seeded by an older version", func(st *store.Store) error {
			_, err := st.UpsertCrawled(ctx, []data.Supplier{gien}, seedActor)
			return err
		}, 1},
		{"seeded by an older version, EPV companies deleted since", func(st *store.Store) error {
			if _, err := st.UpsertCrawled(ctx, []data.Supplier{gien}, seedActor); err != nil {
				return err
			}
			return st.DeleteSupplier(ctx, gien.ID, "admin")
		}, 0},
		{"EPV crawled before the first serve", func(st *store.Store) error {
			_, err := st.UpsertCrawled(ctx, []data.Supplier{gien}, "crawler:epv")
			return err
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openSeedStore(t)
			if err := tc.fill(st); err != nil {
				t.Fatal(err)
			}
			if err := seedStore(ctx, st, quietProgram(), nil); err != nil {
				t.Fatal(err)
			}
			if n, _ := st.CountSuppliers(ctx); n != tc.wantSup {
				t.Errorf("%d suppliers, want the %d already there", n, tc.wantSup)
			}
		})
	}
}
