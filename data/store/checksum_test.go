package store

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// recountFromRecords computes both checksums from the records themselves,
// the way a consumer with its own copy would.
func recountFromRecords(t *testing.T, s *Store) (suppliers, tenders data.StampSum) {
	t.Helper()
	ctx := context.Background()
	if err := s.Suppliers(ctx, func(x data.Supplier) error {
		suppliers.AddTime(x.ID, x.UpdatedAt)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.Tenders(ctx, func(x data.Tender) error {
		tenders.AddTime(x.ID, x.UpdatedAt)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return suppliers, tenders
}

// maintained reads both checksums as the index does.
type maintainedSums struct {
	suppliers, tenders string
	ns, nt             int
}

func maintained(t *testing.T, s *Store) maintainedSums {
	t.Helper()
	ctx := context.Background()
	var m maintainedSums
	var err error
	if m.ns, m.suppliers, err = s.SuppliersChecksum(ctx); err != nil {
		t.Fatal(err)
	}
	if m.nt, m.tenders, err = s.TendersChecksum(ctx); err != nil {
		t.Fatal(err)
	}
	return m
}

func manualTender(id string) data.Tender {
	return data.Tender{ID: "manual:" + id, Source: "manual", SourceID: id, Title: "Avis " + id, State: data.StateOpen}
}

func TestChecksumFollowsWrites(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true, Now: newClock().Now})
	renamed := func(n int, name string) data.Supplier {
		x := synthetic(n, "25")
		x.Name = name
		return x
	}
	steps := []struct {
		name     string
		write    func() error
		wantErr  error // the write fails with it and its transaction rolls back
		wantSups int
		wantTend int
	}{
		{"suppliers created", func() error {
			for n := 1; n <= 5; n++ {
				if err := s.PutSupplier(ctx, synthetic(n, "25"), "test"); err != nil {
					return err
				}
			}
			return nil
		}, nil, 5, 0},
		{"supplier updated", func() error { return s.PutSupplier(ctx, renamed(2, "Atelier renommé"), "test") }, nil, 5, 0},
		{"crawled batch: one known, one new", func() error {
			_, err := s.UpsertCrawled(ctx, []data.Supplier{renamed(3, "Atelier recrawlé"), synthetic(6, "39")}, "crawler")
			return err
		}, nil, 6, 0},
		{"supplier deleted", func() error { return s.DeleteSupplier(ctx, sirenN(4), "test") }, nil, 5, 0},
		{"SIRET held by another supplier: rolled back", func() error {
			x := synthetic(5, "25")
			x.Name = "Atelier qui vole un SIRET"
			x.Establishments = append(x.Establishments, data.Establishment{SIRET: siretOf(sirenN(1), 1), Valid: true})
			return s.PutSupplier(ctx, x, "test")
		}, data.ErrConflict, 5, 0},
		{"deleting a missing supplier fails", func() error { return s.DeleteSupplier(ctx, sirenN(99), "test") }, data.ErrNotFound, 5, 0},
		{"tenders in one batch", func() error {
			return s.PutTenders(ctx, []data.Tender{manualTender("1"), manualTender("2"), manualTender("3")}, "test")
		}, nil, 5, 3},
		{"tender batch with a conflict: rolled back whole", func() error {
			thief := manualTender("9")
			thief.SourceIDs = []string{"1"} // the source id of tender manual:1
			return s.PutTenders(ctx, []data.Tender{manualTender("8"), thief}, "test")
		}, data.ErrConflict, 5, 3},
		{"tender replaced", func() error {
			x := manualTender("2")
			x.Title = "Avis remplacé"
			return s.PutTender(ctx, x, "test")
		}, nil, 5, 3},
		{"notice and its correction folded", func() error {
			n := data.Tender{ID: "boamp:26-1", Source: "boamp", SourceID: "26-1", Title: "Mobilier", State: data.StateOpen}
			if _, _, err := s.FoldNotice(ctx, n, "test"); err != nil {
				return err
			}
			c := n
			c.ID, c.SourceID, c.State, c.SourceIDs, c.Title = "boamp:26-2", "26-2", data.StateCorrected, []string{"boamp:26-1"}, "Mobilier scolaire"
			_, _, err := s.FoldNotice(ctx, c, "test")
			return err
		}, nil, 5, 4},
		{"tenders pruned", func() error {
			_, err := s.PruneTenders(ctx, "manual", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), "test")
			return err
		}, nil, 5, 1},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before := maintained(t, s)
			err := st.write()
			if !errors.Is(err, st.wantErr) || (err != nil) != (st.wantErr != nil) {
				t.Fatalf("write = %v, want %v", err, st.wantErr)
			}
			after := maintained(t, s)
			if st.wantErr != nil && after != before {
				t.Errorf("a rolled-back write changed the checksums: %+v → %+v", before, after)
			}
			sups, tends := recountFromRecords(t, s)
			if after.suppliers != sups.String() || after.ns != sups.Count() {
				t.Errorf("suppliers: maintained %d %s, recomputed from the records %d %s", after.ns, after.suppliers, sups.Count(), sups)
			}
			if after.tenders != tends.String() || after.nt != tends.Count() {
				t.Errorf("tenders: maintained %d %s, recomputed from the records %d %s", after.nt, after.tenders, tends.Count(), tends)
			}
			if after.ns != st.wantSups || after.nt != st.wantTend {
				t.Errorf("counts = %d suppliers, %d tenders; want %d, %d", after.ns, after.nt, st.wantSups, st.wantTend)
			}
			ns, err1 := s.CountSuppliers(ctx)
			nt, err2 := s.CountTenders(ctx)
			if ns != sups.Count() || nt != tends.Count() || err1 != nil || err2 != nil {
				t.Errorf("CountSuppliers, CountTenders = %d (%v), %d (%v); the records are %d, %d",
					ns, err1, nt, err2, sups.Count(), tends.Count())
			}
			mustCheck(t, s)
		})
	}
}

func TestChecksumMigration(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true, Now: newClock().Now})
	for n := 1; n <= 3; n++ {
		if err := s.PutSupplier(ctx, synthetic(n, "70"), "test"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.PutTenders(ctx, []data.Tender{manualTender("1"), manualTender("2")}, "test"); err != nil {
		t.Fatal(err)
	}
	want := maintained(t, s)
	// Back to schema 4: a store written before the checksums were kept.
	err := s.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		for _, k := range [][]byte{keySuppliersChecksum, keyTendersChecksum} {
			if err := meta.Delete(k); err != nil {
				return err
			}
		}
		return setSchemaVersion(tx, 4)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SuppliersChecksum(ctx); !errors.Is(err, ErrInconsistent) {
		t.Errorf("checksum of a store without one = %v, want ErrInconsistent", err)
	}
	path := s.Path()
	_ = s.Close()

	var logs bytes.Buffer
	s, err = Open(path, Options{NoSync: true, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := maintained(t, s); got != want {
		t.Errorf("after migration: %+v, want %+v", got, want)
	}
	if !strings.Contains(logs.String(), "schema migrated") || !strings.Contains(logs.String(), "to=5") {
		t.Errorf("the migration was not logged: %q", logs.String())
	}
	mustCheck(t, s)
	if err := s.PutTender(ctx, manualTender("3"), "test"); err != nil {
		t.Fatal(err)
	}
	mustCheck(t, s)

	// A new file is created silently.
	logs.Reset()
	fresh, err := Open(path+".new", Options{NoSync: true, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	_ = fresh.Close()
	if logs.Len() != 0 {
		t.Errorf("creating a store logged %q", logs.String())
	}
}

// editSum changes the kept checksum under key behind the store's back.
func editSum(key []byte, edit func(*data.StampSum)) func(tx *bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		sum, _, err := storedChecksum(meta, key)
		if err != nil {
			return err
		}
		edit(&sum)
		return putChecksum(meta, key, sum)
	}
}

// TestCheckFindsABadChecksum corrupts the maintained value: Check (and so
// `fabrique validate` and Restore) must see it. The read itself does not
// walk the bucket: a raw entry written behind the store's back leaves the
// value read unchanged, which is the point of keeping it.
func TestCheckFindsABadChecksum(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		corrupt func(tx *bolt.Tx) error
		want    string
		rawOnly bool // the kept value is intact: reading it must not see the change
	}{
		{"one pair too many in the supplier sum", editSum(keySuppliersChecksum, func(sum *data.StampSum) {
			sum.Add("000000000", "2026-04-01T09:00:00.000000000Z")
		}), "meta checksum_idx_updated is 3 entries", false},
		{"a tender removed from the sum", editSum(keyTendersChecksum, func(sum *data.StampSum) {
			sum.Remove("manual:1", "2026-04-01T09:00:00.000000000Z")
		}), "meta checksum_idx_tender_updated is 0 entries", false},
		{"missing", func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete(keyTendersChecksum) },
			"meta checksum_idx_tender_updated is missing", false},
		{"malformed", func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySuppliersChecksum, []byte("abc")) },
			"malformed stamp checksum: 3 bytes", false},
		{"an entry written behind the store's back", func(tx *bolt.Tx) error {
			return tx.Bucket(bucketUpdated).Put([]byte("2026-04-01T09:00:00.000000000Z|000000000"), nil)
		}, "the entries of idx_updated give 3", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t, Options{NoSync: true, Now: newClock().Now})
			for n := 1; n <= 2; n++ {
				if err := s.PutSupplier(ctx, synthetic(n, "70"), "test"); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.PutTender(ctx, manualTender("1"), "test"); err != nil {
				t.Fatal(err)
			}
			mustCheck(t, s)
			before, _, _ := s.SuppliersChecksum(ctx)
			if err := s.db.Update(tt.corrupt); err != nil {
				t.Fatal(err)
			}
			err := s.Check(ctx)
			if !errors.Is(err, ErrInconsistent) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Check = %v, want ErrInconsistent saying %q", err, tt.want)
			}
			if tt.rawOnly {
				if n, _, err := s.SuppliersChecksum(ctx); err != nil || n != before {
					t.Errorf("SuppliersChecksum = %d, %v after a raw write; want the kept %d (no walk)", n, err, before)
				}
			}
		})
	}
}
