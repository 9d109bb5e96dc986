package store

import (
	"context"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

func TestTenderChangesAndChecksum(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true, Now: newClock().Now})
	var mu sync.Mutex
	var got [][]string
	cancel := s.OnTenderChange(func(ids []string) {
		mu.Lock()
		got = append(got, ids)
		mu.Unlock()
	})
	n0, sum0, err := s.TendersChecksum(ctx)
	if err != nil || n0 != 0 {
		t.Fatalf("empty store: %d, %v", n0, err)
	}
	notice := data.Tender{ID: "boamp:26-1", Source: "boamp", SourceID: "26-1", Title: "Mobilier", State: data.StateOpen}
	if _, _, err := s.FoldNotice(ctx, notice, "test"); err != nil {
		t.Fatal(err)
	}
	n1, sum1, _ := s.TendersChecksum(ctx)
	// Re-importing the same notice changes nothing: no notification.
	if _, _, err := s.FoldNotice(ctx, notice, "test"); err != nil {
		t.Fatal(err)
	}
	corr := notice
	corr.ID, corr.SourceID, corr.State, corr.SourceIDs, corr.Title = "boamp:26-2", "26-2", data.StateCorrected, []string{"boamp:26-1"}, "Mobilier scolaire"
	if _, _, err := s.FoldNotice(ctx, corr, "test"); err != nil {
		t.Fatal(err)
	}
	n2, sum2, _ := s.TendersChecksum(ctx)
	if err := s.PutTender(ctx, data.Tender{ID: "manual:1", Source: "manual", SourceID: "1", Title: "x"}, "test"); err != nil {
		t.Fatal(err)
	}
	n3, _, _ := s.TendersChecksum(ctx)
	cancel()
	_ = s.PutTender(ctx, data.Tender{ID: "manual:2", Source: "manual", SourceID: "2", Title: "y"}, "test")
	mustCheck(t, s)

	want := [][]string{{"boamp:26-1"}, {"boamp:26-1"}, {"manual:1"}}
	if !slices.EqualFunc(got, want, slices.Equal[[]string]) {
		t.Errorf("notifications = %v, want %v", got, want)
	}
	if n1 != 1 || n2 != 1 || n3 != 2 {
		t.Errorf("counts = %d, %d, %d; want 1, 1, 2", n1, n2, n3)
	}
	if sum1 == sum0 || sum2 == sum1 {
		t.Errorf("checksum did not change with the writes: %s %s %s", sum0, sum1, sum2)
	}
	if c, _ := s.CountTenders(ctx); c != 3 {
		t.Errorf("CountTenders = %d, want 3", c)
	}
}

// A store of the schema before with tenders gets idx_tender_updated filled when
// opened by this version.
func TestMigrationFillsTenderUpdated(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "fabrique.db")
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b"} {
		if err := s.PutTender(ctx, data.Tender{ID: "manual:" + id, Source: "manual", SourceID: id, Title: id}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	_, want, _ := s.TendersChecksum(ctx)
	// Back to schema 2, before idx_tender_updated (version 3).
	err = s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bucketTenderUpdated); err != nil {
			return err
		}
		return setSchemaVersion(tx, 2)
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	s, err = Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, sum, err := s.TendersChecksum(ctx)
	if err != nil || n != 2 || sum != want {
		t.Errorf("after migration: %d tenders, sum %s (%v); want 2, %s", n, sum, err, want)
	}
	mustCheck(t, s)
}
