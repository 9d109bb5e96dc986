package index

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index/synth"
)

// countingStore is the real store as a Source and a TenderSource, counting
// the calls that read records: a start that trusts the recorded checksum
// makes none.
type countingStore struct {
	*store.Store
	walks, reads atomic.Int64
}

func (c *countingStore) Suppliers(ctx context.Context, fn func(data.Supplier) error) error {
	c.walks.Add(1)
	return c.Store.Suppliers(ctx, fn)
}

func (c *countingStore) Tenders(ctx context.Context, fn func(data.Tender) error) error {
	c.walks.Add(1)
	return c.Store.Tenders(ctx, fn)
}

func (c *countingStore) Supplier(ctx context.Context, id string) (data.Supplier, error) {
	c.reads.Add(1)
	return c.Store.Supplier(ctx, id)
}

func (c *countingStore) Tender(ctx context.Context, id string) (data.Tender, error) {
	c.reads.Add(1)
	return c.Store.Tender(ctx, id)
}

func (c *countingStore) reset() { c.walks.Store(0); c.reads.Store(0) }

// oldSum is the checksum an index built before the kept checksums recorded:
// the hex SHA-256 of the sorted lines. Its value does not matter, only
// that it is in the old format.
func oldSum() string {
	h := sha256.Sum256([]byte("an index built by an older program"))
	return hex.EncodeToString(h[:])
}

// TestStartWithMatchingChecksumWalksNothing opens both indexes on a real
// store again and again: when the recorded checksum equals the store's
// the check reads no record; an index that recorded the old format is
// verified once the slow way, not rebuilt, and trusted from then on.
func TestStartWithMatchingChecksumWalksNothing(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	st, err := store.Open(filepath.Join(t.TempDir(), "fabrique.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src := &countingStore{Store: st}
	sups := synth.Suppliers(300, 7)
	if _, err := st.UpsertCrawled(ctx, sups, "test"); err != nil {
		t.Fatal(err)
	}
	var tenders []data.Tender
	for i := range 120 {
		tenders = append(tenders, data.Tender{ID: fmt.Sprintf("manual:%d", i), Source: "manual", SourceID: fmt.Sprint(i),
			Title: fmt.Sprintf("Fourniture de mobilier, lot %d", i), State: data.StateOpen, Deadline: now.AddDate(0, 1, 0)})
	}
	if err := st.PutTenders(ctx, tenders, "test"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()

	type start struct {
		suppliers, tenders bool   // rebuilt or repaired
		supReason, tReason string // why
		walks, reads       int64
	}
	open := func(t *testing.T, before func(ix *Index, ti *TenderIndex)) start {
		t.Helper()
		ix, err := Open(filepath.Join(dir, "index"), Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		ti, err := OpenTenders(filepath.Join(dir, "tenders"), TenderOptions{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		defer ti.Close()
		if before != nil {
			before(ix, ti)
		}
		src.reset()
		var s start
		if s.suppliers, s.supReason, err = ix.EnsureConsistent(ctx, src, nil); err != nil {
			t.Fatal(err)
		}
		if s.tenders, s.tReason, err = ti.EnsureConsistent(ctx, src, nil); err != nil {
			t.Fatal(err)
		}
		s.walks, s.reads = src.walks.Load(), src.reads.Load()
		if n, _ := ix.Count(); int(n) != len(sups) {
			t.Errorf("%d suppliers indexed, want %d", n, len(sups))
		}
		if n, _ := ti.Count(); int(n) != len(tenders) {
			t.Errorf("%d tenders indexed, want %d", n, len(tenders))
		}
		for what, g := range map[string]*generation{"suppliers": ix.cur.Load(), "tenders": ti.cur.Load()} {
			if m, ok, err := syncMetaOf(g); err != nil || !ok || !strings.HasPrefix(m.Sum, "sum256:") {
				t.Errorf("%s: recorded checksum %+v, %t, %v; want one in the kept format", what, m, ok, err)
			}
		}
		return s
	}
	recordOld := func(g *generation, count int) {
		if err := setSyncMeta(g, syncMeta{Count: count, Sum: oldSum(), At: now}); err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name         string
		before       func(ix *Index, ti *TenderIndex)
		rebuiltS     bool
		rebuiltT     bool
		reasonHas    string
		walks, reads int64
	}{
		{"first start builds both", nil, true, true, "", 2, 0},
		{"clean stop: nothing walked", nil, false, false, "", 0, 0},
		{"again: nothing walked", nil, false, false, "", 0, 0},
		{"old format recorded: verified once, not rebuilt", func(ix *Index, ti *TenderIndex) {
			// The tender index verifies from its own stamps: only the
			// supplier index walks the store.
			recordOld(ix.cur.Load(), len(sups))
			recordOld(ti.cur.Load(), len(tenders))
		}, false, false, "", 1, 0},
		{"then trusted: nothing walked", nil, false, false, "", 0, 0},
		// The slow path as before: the check's compare, the repair's, and
		// the check after the repair each walk the store once.
		{"a supplier written while stopped: repaired in place", func(*Index, *TenderIndex) {
			x := sups[17]
			x.Description = "Écrit pendant que l'index était fermé"
			if err := st.PutSupplier(ctx, x, "test"); err != nil {
				t.Fatal(err)
			}
		}, true, false, "réparé : 1 fiche", 3, 1},
		{"after the repair: nothing walked", nil, false, false, "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := open(t, tt.before)
			if got.suppliers != tt.rebuiltS || got.tenders != tt.rebuiltT {
				t.Errorf("rebuilt suppliers %t (%q), tenders %t (%q); want %t, %t",
					got.suppliers, got.supReason, got.tenders, got.tReason, tt.rebuiltS, tt.rebuiltT)
			}
			if !strings.Contains(got.supReason, tt.reasonHas) {
				t.Errorf("supplier reason %q, want it to contain %q", got.supReason, tt.reasonHas)
			}
			if got.walks != tt.walks || got.reads != tt.reads {
				t.Errorf("the start walked the store %d times and read %d records; want %d and %d",
					got.walks, got.reads, tt.walks, tt.reads)
			}
		})
	}
}
