package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCleanStopMark checks when a marker saved at a clean stop still
// describes the store at the next Open.
func TestCleanStopMark(t *testing.T) {
	ctx := context.Background()
	opts := Options{Timeout: time.Second, NoSync: true}
	open := func(t *testing.T, path string) *Store {
		t.Helper()
		s, err := Open(path, opts)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return s
	}
	closeStore := func(t *testing.T, s *Store) {
		t.Helper()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	put := func(t *testing.T, s *Store, n int) {
		t.Helper()
		if err := s.PutSupplier(ctx, synthetic(n, "69"), "test"); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		// run writes to the store at path, stops it cleanly (mark) or not,
		// and returns the marker saved at the clean stop.
		run func(t *testing.T, path string) CleanStop
		// valid: the marker read at the next Open equals the saved one.
		valid bool
		// reason, when CleanStopMark refuses.
		reason string
	}{
		{"clean stop", func(t *testing.T, path string) CleanStop {
			s := open(t, path)
			put(t, s, 1)
			m := mark(t, s)
			closeStore(t, s)
			return m
		}, true, ""},
		{"never stopped cleanly", func(t *testing.T, path string) CleanStop {
			s := open(t, path)
			put(t, s, 1)
			closeStore(t, s)
			return CleanStop{}
		}, false, "no marker"},
		{"a supplier written after the marker", func(t *testing.T, path string) CleanStop {
			s := open(t, path)
			m := mark(t, s)
			put(t, s, 2)
			closeStore(t, s)
			return m
		}, false, ""},
		{"opened again by another command after the clean stop", func(t *testing.T, path string) CleanStop {
			s := open(t, path)
			m := mark(t, s)
			closeStore(t, s)
			closeStore(t, open(t, path)) // Open commits: the marker no longer matches
			return m
		}, false, ""},
		{"the marker of a copy of another lineage", func(t *testing.T, path string) CleanStop {
			// Another store with the same history reaches the same
			// transaction id: only its nonce tells it apart.
			other := open(t, filepath.Join(filepath.Dir(path), "other.db"))
			put(t, other, 1)
			m := mark(t, other)
			closeStore(t, other)
			s := open(t, path)
			put(t, s, 1)
			own := mark(t, s)
			closeStore(t, s)
			if own.TxID != m.TxID || own.Nonce == m.Nonce {
				t.Fatalf("fixture: own %+v, other %+v: want the same id and other nonces", own, m)
			}
			return m
		}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "fabrique.db")
			saved := tc.run(t, path)
			s := open(t, path)
			defer closeStore(t, s)
			got, err := s.CleanStopMark(ctx)
			switch {
			case tc.reason != "":
				if !errors.Is(err, ErrNoCleanStop) || !strings.Contains(err.Error(), tc.reason) {
					t.Fatalf("CleanStopMark: %v, want ErrNoCleanStop saying %q", err, tc.reason)
				}
				return
			case err != nil:
				t.Fatalf("CleanStopMark: %v", err)
			}
			if (got == saved) != tc.valid {
				t.Errorf("marker at open %+v, saved %+v: equal = %v, want %v", got, saved, got == saved, tc.valid)
			}
			// Any write once open: the marker read at Open no longer
			// describes the store.
			put(t, s, 3)
			if _, err := s.CleanStopMark(ctx); !errors.Is(err, ErrNoCleanStop) || !strings.Contains(err.Error(), "written since") {
				t.Errorf("CleanStopMark after a write: %v, want ErrNoCleanStop (written since it was opened)", err)
			}
		})
	}
}

func mark(t *testing.T, s *Store) CleanStop {
	t.Helper()
	m, err := s.MarkCleanStop(context.Background())
	if err != nil {
		t.Fatalf("MarkCleanStop: %v", err)
	}
	v, err := s.Version(context.Background())
	if err != nil || v != m.TxID {
		t.Fatalf("MarkCleanStop: transaction %d, the store is at %d (%v)", m.TxID, v, err)
	}
	return m
}
