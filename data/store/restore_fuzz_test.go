package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fabrique/data"
)

// FuzzRestore damages a real backup (a small store of three companies and a
// tender) and offers it to Restore over a store holding
// other data. The input is a list of 4-byte edits: a 3-byte offset into
// the file (modulo its size) and a byte to XOR there. Whatever the damage,
// Restore either refuses the file with a *BackupError and leaves the
// current store as it was, byte for byte, or puts in place a file that
// Open accepts, Check passes and whose records read back: a restore never
// crashes the program, and never swaps a working store for one that does
// not work.
func FuzzRestore(f *testing.F) {
	ctx := context.Background()
	dir := f.TempDir()
	good := fuzzStoreFile(f, filepath.Join(dir, "backup-source.db"), 1, 3)
	current := fuzzStoreFile(f, filepath.Join(dir, "current.db"), 10, 2)
	size := len(good)
	f.Logf("backup of %d bytes (%d pages)", size, size/os.Getpagesize())

	edit := func(off int, x byte) []byte {
		return []byte{byte(off >> 16), byte(off >> 8), byte(off), x}
	}
	page := os.Getpagesize()
	f.Add([]byte{})
	f.Add(edit(0, 0xff))                            // first meta page (its checksum fails: bbolt reads the other)
	f.Add(append(edit(16, 1), edit(page+16, 1)...)) // both meta pages
	for p := 2; p*page < size; p++ {
		f.Add(edit(p*page, 0x01))    // the page id a page says it has
		f.Add(edit(p*page+8, 0x01))  // its flags
		f.Add(edit(p*page+10, 0x40)) // its element count
		f.Add(edit(p*page+16, 0x03)) // its first element (a branch's page id, a leaf's position)
		f.Add(edit(p*page+40, 0x20)) // somewhere in its keys or values
	}

	f.Fuzz(func(t *testing.T, edits []byte) {
		if len(edits) > 64*4 {
			return
		}
		b := bytes.Clone(good)
		for i := 0; i+4 <= len(edits); i += 4 {
			off := int(binary.BigEndian.Uint32(append([]byte{0}, edits[i:i+3]...))) % size
			b[off] ^= edits[i+3]
		}
		tmp := t.TempDir()
		backup := filepath.Join(tmp, "backup.db")
		dbPath := filepath.Join(tmp, "data", "fabrique.db")
		if err := os.WriteFile(backup, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(dbPath), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dbPath, current, 0o600); err != nil {
			t.Fatal(err)
		}
		opts := Options{Timeout: 100 * time.Millisecond, NoSync: true}
		_, err := Restore(ctx, backup, dbPath, opts)
		if err != nil {
			var be *BackupError
			if !errors.As(err, &be) || !errors.Is(err, ErrBadBackup) {
				t.Fatalf("Restore refused with %v (%T), want a *BackupError", err, err)
			}
			if got, _ := os.ReadFile(dbPath); !bytes.Equal(got, current) {
				t.Fatalf("refused (%v), and the current store changed", err)
			}
			for _, leftover := range []string{dbPath + ".restore", dbPath + ".before-restore"} {
				if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("%s left behind by a refused restore", leftover)
				}
			}
			return
		}
		if got, _ := os.ReadFile(dbPath + ".before-restore"); !bytes.Equal(got, current) {
			t.Fatal("restored, but the replaced store was not kept as it was")
		}
		s, err := Open(dbPath, opts)
		if err != nil {
			t.Fatalf("restored a file that Open refuses: %v", err)
		}
		defer s.Close()
		if err := s.Check(ctx); err != nil {
			t.Fatalf("restored a file that fails Check: %v", err)
		}
		if err := s.Suppliers(ctx, func(data.Supplier) error { return nil }); err != nil {
			t.Fatalf("restored, then Suppliers: %v", err)
		}
		if _, err := s.Tender(ctx, "manual:fuzz"); err != nil && !errors.Is(err, data.ErrNotFound) {
			t.Fatalf("restored, then Tender: %v", err)
		}
	})
}

// fuzzStoreFile writes a small store of n synthetic companies from the
// n-th SIREN on and a tender at path, and returns its bytes.
func fuzzStoreFile(tb testing.TB, path string, first, n int) []byte {
	tb.Helper()
	ctx := context.Background()
	s, err := Open(path, Options{NoSync: true, Timeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	for i := first; i < first+n; i++ {
		if err := s.PutSupplier(ctx, synthetic(i, "25"), "test"); err != nil {
			tb.Fatal(err)
		}
	}
	if err := s.PutTender(ctx, manualTender("fuzz"), "test"); err != nil {
		tb.Fatal(err)
	}
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
