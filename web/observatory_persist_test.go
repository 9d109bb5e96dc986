package web

import (
	"context"
	"encoding/binary"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/observatory"
	"fabrique/data/store"
)

// TestObservatoryFactsAcrossRestart stops a server whose figures are
// built (saving its facts), then starts servers on copies of its data
// directory: on an untouched one the facts are loaded before any request
// and every stats answer is the same; a store written since the stop, a
// write before the load, or a damaged file are refused with their reason
// and the figures are built from the store as without a file.
func TestObservatoryFactsAcrossRestart(t *testing.T) {
	ctx := context.Background()
	first := newObservatoryServer(t)
	putObservatoryAwards(t, first)
	paths := []string{"/api/v1/stats/coverage", "/api/v1/stats/tenders", "/api/v1/stats/awards",
		"/api/v1/stats/awards?label=EPV", "/api/v1/stats/sources", "/observatoire"}
	before := statsAnswers(t, first, paths)
	suppliers := len(first.obsFacts.facts.Suppliers)
	if err := first.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(first.store.Path())
	if err := first.SaveObservatoryFacts(ctx, filepath.Join(dir, ObservatoryFactsFile)); err != nil {
		t.Fatalf("SaveObservatoryFacts: %v", err)
	}
	if !strings.Contains(first.log.String(), "observatory facts saved") {
		t.Fatalf("no save logged:\n%s", first.log)
	}
	if err := first.store.Close(); err != nil {
		t.Fatal(err)
	}

	writeSupplier := func(t *testing.T, st *store.Store) {
		t.Helper()
		s := data.Supplier{ID: "552081317", SIREN: "552081317", Name: "MANUFACTURE NOUVELLE",
			Address: data.ResolveAddress(data.Address{CommuneINSEE: "69123"}),
			Labels:  []data.Label{{Type: data.LabelEPV, Scope: data.ScopeCompany, Source: "epv", ExpiresAt: obsDay.AddDate(2, 0, 0)}}}
		if err := st.PutSupplier(ctx, s, "test"); err != nil {
			t.Fatal(err)
		}
	}
	editFile := func(fn func(b []byte) []byte) func(t *testing.T, path string) {
		return func(t *testing.T, path string) {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, fn(b), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		name string
		// stopped changes the data directory while no server runs (the
		// store at dbPath is closed); opened changes it once open.
		stopped func(t *testing.T, dbPath, factsPath string)
		opened  func(t *testing.T, st *store.Store)
		reason  string // logged when the facts are not loaded; "" when they are
		moved   bool   // a supplier was written: the coverage differs from before the stop
	}{
		{name: "clean restart"},
		{name: "a supplier written since the stop", stopped: func(t *testing.T, dbPath, _ string) {
			st, err := store.Open(dbPath, store.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			writeSupplier(t, st)
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
		}, reason: "written for another store state", moved: true},
		{name: "a write before the load", opened: writeSupplier, reason: "written since it was opened", moved: true},
		{name: "no file", stopped: func(t *testing.T, _, factsPath string) {
			if err := os.Remove(factsPath); err != nil {
				t.Fatal(err)
			}
		}, reason: "no facts file"},
		{name: "truncated file", stopped: func(t *testing.T, _, p string) {
			editFile(func(b []byte) []byte { return b[:len(b)/2] })(t, p)
		}, reason: "truncated"},
		{name: "flipped byte", stopped: func(t *testing.T, _, p string) {
			editFile(func(b []byte) []byte { b[len(b)-100] ^= 0x01; return b })(t, p)
		}, reason: "checksum mismatch"},
		{name: "other format version", stopped: func(t *testing.T, _, p string) {
			editFile(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 99); return b })(t, p)
		}, reason: "format version 99"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			copyDir := t.TempDir()
			for _, name := range []string{filepath.Base(first.store.Path()), ObservatoryFactsFile} {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(copyDir, name), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			dbPath, factsPath := filepath.Join(copyDir, filepath.Base(first.store.Path())), filepath.Join(copyDir, ObservatoryFactsFile)
			if tc.stopped != nil {
				tc.stopped(t, dbPath, factsPath)
			}
			s := restartObservatory(t, first, dbPath)
			if tc.opened != nil {
				tc.opened(t, s.store)
			}
			loaded := s.LoadObservatoryFacts(ctx, factsPath)
			fc := &s.obsFacts
			fc.mu.Lock()
			f, building := fc.facts, fc.building != nil
			fc.mu.Unlock()
			if tc.reason == "" {
				if !loaded || f == nil || building {
					t.Fatalf("facts not loaded (loaded %v, facts %v, building %v):\n%s", loaded, f != nil, building, s.log)
				}
			} else {
				if loaded || f != nil {
					t.Fatalf("facts loaded; want them refused (%s)", tc.reason)
				}
				if log := s.log.String(); !strings.Contains(log, "saved facts not used") || !strings.Contains(log, tc.reason) {
					t.Errorf("log lacks the reason %q:\n%s", tc.reason, log)
				}
				if _, err := s.freshFacts(ctx, true); err != nil { // built from the store
					t.Fatal(err)
				}
			}
			after := statsAnswers(t, s, paths)
			for _, p := range paths[:5] {
				// The supplier written moves the coverage and its source's
				// listings only (it won nothing, and the index the matcher
				// reads is first's).
				want := !tc.moved || p != "/api/v1/stats/coverage" && p != "/api/v1/stats/sources"
				if same := after[p] == before[p]; same != want {
					t.Errorf("GET %s: same as before the stop = %v, want %v:\n%s\nbefore:\n%s", p, same, want, after[p], before[p])
				}
			}
			got, err := s.freshFacts(ctx, true)
			if err != nil {
				t.Fatal(err)
			}
			want := suppliers
			if tc.moved {
				want++ // the supplier written, read from the store
			}
			if len(got.Suppliers) != want {
				t.Errorf("facts of %d suppliers, want %d", len(got.Suppliers), want)
			}
		})
	}
}

// restartObservatory opens the store at dbPath and starts a server on it
// configured as first, with first's index (same content), shut down at
// the end of the test before its store closes.
func restartObservatory(t *testing.T, first *testServer, dbPath string) *testServer {
	t.Helper()
	st, err := store.Open(dbPath, store.Options{NoSync: true})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	logs := &syncBuffer{}
	cfg := first.cfg
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := New(cfg, Deps{Store: st, Index: first.index})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
	})
	return &testServer{Server: s, store: st, log: logs}
}

// statsAnswers returns the bodies of GET paths, each of which must answer
// 200.
func statsAnswers(t *testing.T, s *testServer, paths []string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range paths {
		r := s.get(t, p)
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", p, r.status, r.body)
		}
		out[p] = r.body
	}
	return out
}

// TestSaveObservatoryFactsWithoutFacts stops a server that never built
// its figures: nothing is saved, the file of an earlier stop goes (it no
// longer matches the store), and no marker is written.
func TestSaveObservatoryFactsWithoutFacts(t *testing.T) {
	ctx := context.Background()
	s := newTestServer(t, Config{})
	path := filepath.Join(t.TempDir(), ObservatoryFactsFile)
	if err := os.WriteFile(path, []byte("an earlier stop's facts"), 0o600); err != nil {
		t.Fatal(err)
	}
	before, err := s.store.Version(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveObservatoryFacts(ctx, path); err != nil {
		t.Fatalf("SaveObservatoryFacts: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the earlier file is still there: %v", err)
	}
	if after, _ := s.store.Version(ctx); after != before {
		t.Errorf("the store was written (version %d → %d): no marker is due without facts", before, after)
	}
	if !strings.Contains(s.log.String(), "no facts built yet") {
		t.Errorf("log lacks the reason:\n%s", s.log)
	}
}

// TestSaveObservatoryFactsAppliesPending writes a supplier after the
// figures were built and stops at once: the facts saved include it (the
// stop applied the pending change), and a restart loads them.
func TestSaveObservatoryFactsAppliesPending(t *testing.T) {
	ctx := context.Background()
	first := newObservatoryServer(t)
	built, err := first.freshFacts(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	sup := epvCompanies(t, first, false, 1)[0]
	sup.Labels[0].ExpiresAt = obsDay.AddDate(3, 0, 0) // renewed: the coverage moves
	if err := first.store.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}
	if err := first.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(filepath.Dir(first.store.Path()), ObservatoryFactsFile)
	if err := first.SaveObservatoryFacts(ctx, path); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(first.log.String(), "changes_applied=1") {
		t.Errorf("the stop did not apply the pending change:\n%s", first.log)
	}
	dbPath := first.store.Path()
	if err := first.store.Close(); err != nil {
		t.Fatal(err)
	}
	s := restartObservatory(t, first, dbPath)
	if !s.LoadObservatoryFacts(ctx, path) {
		t.Fatalf("not loaded:\n%s", s.log)
	}
	s.obsFacts.mu.Lock()
	loaded := s.obsFacts.facts
	s.obsFacts.mu.Unlock()
	want := built.Coverage(observatory.Filter{}, obsDay).Labels
	got := loaded.Coverage(observatory.Filter{}, obsDay).Labels
	if reflect.DeepEqual(got, want) {
		t.Fatalf("the loaded coverage is that of before the renewal: %+v", got)
	}
	rebuilt, err := observatory.Build(ctx, s.store, observatory.BuildOptions{Now: obsDay})
	if err != nil {
		t.Fatal(err)
	}
	if want := rebuilt.Coverage(observatory.Filter{}, obsDay).Labels; !reflect.DeepEqual(got, want) {
		t.Errorf("loaded coverage %+v, a build of the store gives %+v", got, want)
	}
}
