package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestOpenMigratesEmptyFileAndReopenIsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fabrique.db")
	// A version-0 file: a valid bbolt file without any bucket.
	raw, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(path, Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("Open v0: %v", err)
	}
	if got := versionOf(t, s); got != SchemaVersion() {
		t.Fatalf("schema version after migration = %d, want %d", got, SchemaVersion())
	}
	mustCheck(t, s)
	ctx := context.Background()
	if err := s.PutSupplier(ctx, synthetic(1, "25"), "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path, Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if got := versionOf(t, s); got != SchemaVersion() {
		t.Errorf("schema version after reopen = %d, want %d", got, SchemaVersion())
	}
	if n, _ := s.CountSuppliers(ctx); n != 1 {
		t.Errorf("suppliers after reopen = %d, want 1 (migration must not touch data)", n)
	}
	mustCheck(t, s)
}

func versionOf(t *testing.T, s *Store) int {
	t.Helper()
	var v int
	if err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		v, err = schemaVersion(tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fabrique.db")
	raw, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.Update(func(tx *bolt.Tx) error { return setSchemaVersion(tx, SchemaVersion()+1) }); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, err = Open(path, Options{})
	if !errors.Is(err, ErrSchema) {
		t.Fatalf("Open newer schema: err = %v, want ErrSchema", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the file", err)
	}
}

// TestOpenRefusesForeignFile: a bbolt file of another application (buckets
// but no Fabrique meta) is refused and left as it was, not taken for an
// empty store and migrated in place.
func TestOpenRefusesForeignFile(t *testing.T) {
	for _, tt := range []struct {
		name string
		fill func(tx *bolt.Tx) error
	}{
		{"other buckets", func(tx *bolt.Tx) error {
			b, err := tx.CreateBucket([]byte("widgets"))
			if err != nil {
				return err
			}
			return b.Put([]byte("w1"), []byte("blue"))
		}},
		{"a meta bucket of its own", func(tx *bolt.Tx) error {
			b, err := tx.CreateBucket(bucketMeta)
			if err != nil {
				return err
			}
			return b.Put([]byte("owner"), []byte("another app"))
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "fabrique.db")
			raw, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := raw.Update(tt.fill); err != nil {
				t.Fatal(err)
			}
			raw.Close()
			before := fileHash(t, path)
			_, err = Open(path, Options{Timeout: 200 * time.Millisecond})
			if !errors.Is(err, ErrForeign) || !strings.Contains(err.Error(), path) {
				t.Fatalf("Open of a foreign file: err = %v, want ErrForeign naming the file", err)
			}
			if fileHash(t, path) != before {
				t.Error("Open changed the foreign file")
			}
		})
	}
}

// TestOpenMustExist: with MustExist, a missing or empty file is ErrNoStore
// and nothing is created, not even the directory.
func TestOpenMustExist(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "typo")
	path := filepath.Join(dir, "fabrique.db")
	if _, err := Open(path, Options{MustExist: true}); !errors.Is(err, ErrNoStore) {
		t.Fatalf("Open of a missing file: err = %v, want ErrNoStore", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Open with MustExist created %s: %v", dir, err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, Options{MustExist: true}); !errors.Is(err, ErrNoStore) {
		t.Fatalf("Open of an empty file: err = %v, want ErrNoStore", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != 0 {
		t.Fatalf("Open with MustExist wrote into the empty file: %v, %d bytes", err, fi.Size())
	}
	s, err := Open(path, Options{}) // without: a new store
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path, Options{MustExist: true})
	if err != nil {
		t.Fatalf("Open of an existing store with MustExist: %v", err)
	}
	s.Close()
}

func TestParseSchemaVersion(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    int
		wantErr bool
	}{
		{"one", "1", 1, false},
		{"zero", "0", 0, false},
		{"leading zero", "01", 0, true},
		{"negative", "-1", 0, true},
		{"text", "v1", 0, true},
		{"empty", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSchemaVersion(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseSchemaVersion(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestOpenTwiceInProcessFailsFast(t *testing.T) {
	s := openTest(t, Options{})
	start := time.Now()
	_, err := Open(s.Path(), Options{Timeout: 200 * time.Millisecond})
	elapsed := time.Since(start)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: err = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), s.Path()) || !strings.Contains(err.Error(), "another fabrique process") {
		t.Errorf("error %q should name %s and say another process uses it", err, s.Path())
	}
	if elapsed > 2*time.Second {
		t.Errorf("second Open took %v, want about the 200ms timeout", elapsed)
	}
}

const lockChildEnv = "FABRIQUE_STORE_LOCK_CHILD"

// TestLockChild is the other process of TestOpenTwiceAcrossProcesses.
func TestLockChild(t *testing.T) {
	path := os.Getenv(lockChildEnv)
	if path == "" {
		t.Skip("child process of TestOpenTwiceAcrossProcesses")
	}
	start := time.Now()
	_, err := Open(path, Options{Timeout: 200 * time.Millisecond})
	fmt.Printf("elapsed=%s locked=%t err=%v\n", time.Since(start).Round(time.Millisecond), errors.Is(err, ErrLocked), err)
}

func TestOpenTwiceAcrossProcesses(t *testing.T) {
	s := openTest(t, Options{})
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockChild$")
	cmd.Env = append(os.Environ(), lockChildEnv+"="+s.Path())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	got := string(out)
	if !strings.Contains(got, "locked=true") || !strings.Contains(got, s.Path()) {
		t.Fatalf("child output = %q, want a locked error naming %s", got, s.Path())
	}
	_, rest, _ := strings.Cut(got, "elapsed=")
	elapsed, err := time.ParseDuration(strings.Fields(rest)[0])
	if err != nil || elapsed > 2*time.Second {
		t.Errorf("child waited %v (%v), want about the 200ms timeout", elapsed, err)
	}
}

func TestOpenCreatesParentDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "fabrique.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("store file not created: %v", err)
	}
}
