package index_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"fabrique/crawler"
	"fabrique/data"
	"fabrique/index"
)

// testNow is the clock of the tests: the date of the embedded EPV export,
// so that label validity does not depend on the day the tests run.
var testNow = time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)

// epvOnce parses the embedded EPV export once per test binary.
var epvOnce = sync.OnceValues(func() ([]data.Supplier, error) {
	sups, _, err := crawler.SuppliersFromEPVCSV(bytes.NewReader(data.EmbeddedEPVCSV()), crawler.NormalizeOptions{})
	if err != nil {
		return nil, err
	}
	for i := range sups {
		if sups[i].UpdatedAt.IsZero() {
			sups[i].UpdatedAt = testNow
		}
	}
	return sups, nil
})

// epvSuppliers returns the real EPV companies, as the crawler normalises
// them (a fresh copy of the slice for each caller).
func epvSuppliers(t testing.TB) []data.Supplier {
	t.Helper()
	sups, err := epvOnce()
	if err != nil {
		t.Fatalf("loading the EPV export: %v", err)
	}
	if len(sups) < 1200 {
		t.Fatalf("EPV export gave %d suppliers, want about 1 290", len(sups))
	}
	return append([]data.Supplier(nil), sups...)
}

// memSource is an in-memory Source, standing in for the store.
type memSource struct {
	memRecords[data.Supplier]
}

func newMemSource(sups []data.Supplier) *memSource {
	return &memSource{newMemRecords(sups, func(s *data.Supplier) string { return s.ID })}
}

func (s *memSource) Suppliers(ctx context.Context, fn func(data.Supplier) error) error {
	return s.walk(ctx, fn)
}

// SuppliersChecksum sums a hash of every (ID, UpdatedAt), like the store.
func (s *memSource) SuppliersChecksum(ctx context.Context) (int, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sum uint64
	for _, x := range s.m {
		sum += stampHash(x)
	}
	return len(s.m), hexSum(sum), nil
}

// stampHash and hexSum make an order-independent checksum over
// (ID, UpdatedAt), the kind the store computes.
func stampHash(x data.Supplier) uint64 {
	h := sha256.Sum256([]byte(x.ID + "\x00" + x.UpdatedAt.UTC().Format(time.RFC3339Nano)))
	return binary.BigEndian.Uint64(h[:8])
}

func hexSum(sum uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], sum)
	return hex.EncodeToString(b[:])
}

func (s *memSource) Supplier(_ context.Context, id string) (data.Supplier, error) {
	return s.lookup(id)
}

func (s *memSource) set(x data.Supplier) { s.put(x.ID, x) }

// openIndex opens an index in dir ("" = memory), closed at the end of t.
func openIndex(t testing.TB, dir string) *index.Index {
	t.Helper()
	ix, err := index.Open(dir, index.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatalf("Open(%q): %v", dir, err)
	}
	t.Cleanup(func() {
		if err := ix.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return ix
}

// epvIndex returns an in-memory index of the real EPV companies.
func epvIndex(t testing.TB) (*index.Index, *memSource) {
	t.Helper()
	src := newMemSource(epvSuppliers(t))
	ix := openIndex(t, "")
	if _, _, err := ix.EnsureConsistent(context.Background(), src, nil); err != nil {
		t.Fatalf("EnsureConsistent: %v", err)
	}
	return ix, src
}

// search runs q and fails the test on error.
func search(t testing.TB, ix *index.Index, q index.Query) index.Results {
	t.Helper()
	res, err := ix.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

func hitIDs(res index.Results) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}
