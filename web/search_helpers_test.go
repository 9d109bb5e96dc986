package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fabrique/crawler"
	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index"
)

// testClock is the date of the embedded EPV export: label validity in the
// index does not depend on the day the tests run.
var testClock = time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)

// epvOnce parses the embedded EPV export once per test binary.
var epvOnce = sync.OnceValues(func() ([]data.Supplier, error) {
	sups, _, err := crawler.SuppliersFromEPVCSV(bytes.NewReader(data.EmbeddedEPVCSV()), crawler.NormalizeOptions{})
	return sups, err
})

// epvSuppliers returns the real EPV companies as the crawler normalises
// them (a fresh copy for each caller).
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

// newSearchServer is a Server on a temporary store filled with the real
// EPV companies (and extra ones), and an in-memory index built from it.
func newSearchServer(t testing.TB, cfg Config, extra ...data.Supplier) *testServer {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "fabrique.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	res, err := st.UpsertCrawled(ctx, append(epvSuppliers(t), extra...), "crawler:epv")
	if err != nil {
		t.Fatalf("UpsertCrawled: %v", err)
	}
	if len(res.Rejected) > 0 {
		t.Logf("%d listings rejected by the store, first: %v", len(res.Rejected), res.Rejected[0])
	}
	ix, err := index.Open("", index.Options{Now: func() time.Time { return testClock }})
	if err != nil {
		t.Fatalf("index.Open: %v", err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if _, _, err := ix.EnsureConsistent(ctx, st, nil); err != nil {
		t.Fatalf("EnsureConsistent: %v", err)
	}
	logs := &syncBuffer{}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s, err := New(cfg, Deps{Store: st, Index: ix})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &testServer{Server: s, store: st, log: logs}
}

// decodeJSON decodes a response body into v, failing the test otherwise.
func decodeJSON(t testing.TB, r response, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("body is not the JSON expected (%v):\n%.500s", err, r.body)
	}
}
