package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// slowWriter stretches a backup so that writers certainly run during it.
type slowWriter struct {
	buf   bytes.Buffer
	calls int
}

func (w *slowWriter) Write(p []byte) (int, error) {
	w.calls++
	time.Sleep(time.Millisecond)
	return w.buf.Write(p)
}

func TestBackupUnderWritesRestoresAConsistentSnapshot(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	if _, err := s.UpsertCrawled(ctx, realSuppliers(t, 1000), "crawler:epv"); err != nil {
		t.Fatal(err)
	}

	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := s.PutSupplier(ctx, synthetic(i, "25"), "test"); err != nil {
				t.Errorf("writer: %v", err)
				return
			}
			written.Add(1)
		}
	}()
	for written.Load() < 10 {
		time.Sleep(time.Millisecond)
	}

	before, _ := s.CountSuppliers(ctx)
	var w slowWriter
	n, err := s.Backup(ctx, &w)
	after, _ := s.CountSuppliers(ctx)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if n != int64(w.buf.Len()) {
		t.Errorf("Backup returned %d bytes, wrote %d", n, w.buf.Len())
	}
	if after <= before {
		t.Fatalf("no write happened during the backup (%d then %d suppliers): the test proves nothing", before, after)
	}

	dir := t.TempDir()
	backup := filepath.Join(dir, "snapshot.db")
	if err := os.WriteFile(backup, w.buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	restored := filepath.Join(dir, "restored", "fabrique.db") // a directory Restore creates
	if _, err := Restore(ctx, backup, restored, Options{Timeout: 200 * time.Millisecond}); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	r, err := Open(restored, Options{Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("open restored: %v", err)
	}
	defer r.Close()
	mustCheck(t, r)
	got, _ := r.CountSuppliers(ctx)
	if got < before || got > after {
		t.Errorf("restored %d suppliers, want between %d and %d", got, before, after)
	}
	t.Logf("backup of %d bytes in %d writes; %d suppliers before, %d restored, %d after", n, w.calls, before, got, after)
}

func TestBackupFileAndRestoreOverAnExistingStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "fabrique.db")
	s, err := Open(dbPath, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	a, b := synthetic(1, "25"), synthetic(2, "39")
	_ = s.PutSupplier(ctx, a, "test")
	backup := filepath.Join(dir, "backups", "fabrique-2026-04-01.db")
	if err := s.BackupFile(ctx, backup); err != nil {
		t.Fatalf("BackupFile: %v", err)
	}
	if _, err := os.Stat(backup + ".tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file left behind: %v", err)
	}
	_ = s.PutSupplier(ctx, b, "test") // after the backup: lost by the restore
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	current := fileHash(t, dbPath)

	if _, err := Restore(ctx, backup, dbPath, Options{}); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if got := fileHash(t, dbPath+".before-restore"); got != current {
		t.Error("the previous store was not kept as .before-restore")
	}
	s, err = Open(dbPath, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustCheck(t, s)
	if _, err := s.Supplier(ctx, a.ID); err != nil {
		t.Errorf("supplier from the backup: %v", err)
	}
	if _, err := s.Supplier(ctx, b.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("supplier written after the backup: err = %v, want ErrNotFound", err)
	}
}

func TestRestoreRefusesBadBackupsAndLeavesTheStoreAlone(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "fabrique.db")
	s, err := Open(dbPath, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertCrawled(ctx, realSuppliers(t, 300), "crawler:epv"); err != nil {
		t.Fatal(err)
	}
	var good bytes.Buffer
	if _, err := s.Backup(ctx, &good); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	before := fileHash(t, dbPath)

	seed := uint64(time.Now().UnixNano())
	t.Logf("random bytes seed %d", seed)
	random := make([]byte, 64<<10)
	rng := rand.New(rand.NewPCG(seed, 1))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	orphan := writeTemp(t, good.Bytes())
	plant(t, orphan, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSIRET).Put([]byte("00000000000000"), []byte(sirenN(77)))
	})
	v0 := filepath.Join(t.TempDir(), "v0.db")
	raw, err := bolt.Open(v0, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw.Close()

	foreign := filepath.Join(t.TempDir(), "other-app.db")
	raw, err = bolt.Open(foreign, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("widgets")); return err }); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	tests := []struct {
		name    string
		path    string
		want    string
		problem BackupProblem
	}{
		{"random bytes", writeTemp(t, random), "not a fabrique store file", BackupNotStore},
		{"truncated backup", writeTemp(t, good.Bytes()[:good.Len()/2]), "truncated", BackupTruncated},
		{"empty file", writeTemp(t, nil), "empty file", BackupEmpty},
		{"bbolt file without schema", v0, "schema version 0", BackupSchema},
		{"another application's bbolt file", foreign, "not a fabrique store", BackupNotStore},
		{"index pointing nowhere", orphan, "points to missing supplier", BackupInconsistent},
		{"damaged pages", writeTemp(t, damagePages(good.Bytes())), "damaged: store: damaged page", BackupDamaged},
		{"a freelist of billions of pages", writeTemp(t, damageFreelist(good.Bytes())), "freelist: page", BackupDamaged},
		{"a directory", t.TempDir(), "not a regular file", BackupNotRegular},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Restore(ctx, tt.path, dbPath, Options{Timeout: 200 * time.Millisecond})
			var be *BackupError
			if !errors.Is(err, ErrBadBackup) || !errors.As(err, &be) {
				t.Fatalf("Restore: err = %v, want a *BackupError wrapping ErrBadBackup", err)
			}
			if be.Problem != tt.problem || be.Path != tt.path {
				t.Errorf("Restore refusal = problem %d for %s, want %d for %s", be.Problem, be.Path, tt.problem, tt.path)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.path) {
				t.Errorf("Restore error = %q, want it to name the file and say %q", err, tt.want)
			}
			if got := fileHash(t, dbPath); got != before {
				t.Error("the store file changed")
			}
			for _, leftover := range []string{dbPath + ".restore", dbPath + ".before-restore"} {
				if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s exists after a refused restore", leftover)
				}
			}
		})
	}
	if _, err := Restore(ctx, filepath.Join(dir, "missing.db"), dbPath, Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing backup: err = %v, want os.ErrNotExist", err)
	}
	if _, err := Restore(ctx, dbPath, dbPath, Options{}); !errors.Is(err, ErrBadBackup) {
		t.Errorf("restoring the store onto itself: err = %v, want ErrBadBackup", err)
	}
}

// TestRestoreRefusesTheFilesItWrites: a backup at the path where Restore
// stages its copy (DIR/fabrique.db.restore) or keeps the current store
// (.before-restore) is refused and left intact; copying it onto itself
// used to truncate it to nothing.
func TestRestoreRefusesTheFilesItWrites(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	dbPath := s.Path()
	_ = s.PutSupplier(ctx, synthetic(1, "25"), "test")
	for _, backup := range []string{dbPath + ".restore", dbPath + ".before-restore"} {
		if err := s.BackupFile(ctx, backup); err != nil {
			t.Fatal(err)
		}
	}
	linked := filepath.Join(t.TempDir(), "linked.db") // another name of the staged file
	if err := os.Link(dbPath+".restore", linked); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	current := fileHash(t, dbPath)
	for _, backup := range []string{dbPath + ".restore", dbPath + ".before-restore", linked} {
		want := fileHash(t, backup)
		_, err := Restore(ctx, backup, dbPath, Options{Timeout: 200 * time.Millisecond})
		var be *BackupError
		if !errors.As(err, &be) || be.Problem != BackupInPlace {
			t.Errorf("Restore(%s): err = %v, want a BackupInPlace refusal", backup, err)
		}
		if fi, err := os.Stat(backup); err != nil || fi.Size() == 0 || fileHash(t, backup) != want {
			t.Errorf("Restore(%s) changed the backup (%v)", backup, err)
		}
		if fileHash(t, dbPath) != current {
			t.Errorf("Restore(%s) changed the store", backup)
		}
	}
}

func TestRestoreRefusesWhileTheStoreIsOpen(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	_ = s.PutSupplier(ctx, synthetic(1, "25"), "test")
	backup := filepath.Join(t.TempDir(), "b.db")
	if err := s.BackupFile(ctx, backup); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := Restore(ctx, backup, s.Path(), Options{Timeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), s.Path()) {
		t.Fatalf("Restore onto an open store: err = %v, want ErrLocked naming %s", err, s.Path())
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("refusal took %v", time.Since(start))
	}
	if err := s.PutSupplier(ctx, synthetic(2, "25"), "test"); err != nil {
		t.Errorf("store unusable after a refused restore: %v", err)
	}
	if _, err := os.Stat(s.Path() + ".restore"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf(".restore left behind: %v", err)
	}
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "backup-*.db")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

func plant(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// damagePages returns a copy of a store file whose pages, past the two
// meta pages, all name themselves with another id: reading any of them
// fails bbolt's assertion, which panics.
func damagePages(b []byte) []byte {
	b = bytes.Clone(b)
	size := int(binary.LittleEndian.Uint32(b[24:])) // the meta page's page size
	for off := 2 * size; off+8 <= len(b); off += size {
		b[off] ^= 0x01
	}
	return b
}

// damageFreelist returns a copy of a store file whose freelist page says
// it runs on for 3.7 billion pages: bbolt's check marked each of them in
// a map until the process ran out of memory.
func damageFreelist(b []byte) []byte {
	b = bytes.Clone(b)
	size := int(binary.LittleEndian.Uint32(b[24:]))
	meta := 0 // the meta page of the last transaction
	if binary.LittleEndian.Uint64(b[size+64:]) > binary.LittleEndian.Uint64(b[64:]) {
		meta = size
	}
	freelist := int(binary.LittleEndian.Uint64(b[meta+48:]))
	binary.LittleEndian.PutUint32(b[freelist*size+12:], 0xE1000000)
	return b
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// fullWriter fails as a full disk does.
type fullWriter struct{ after int }

func (w *fullWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, &os.PathError{Op: "write", Path: "/sauvegardes/b.db.tmp", Err: syscall.ENOSPC}
	}
	w.after--
	return len(p), nil
}

// TestBackupKeepsTheWritersError: a write error, even on the first pages
// (which bbolt words with %s), stays reachable by errors.Is, so that the
// command can say « disque plein » rather than Go's text.
func TestBackupKeepsTheWritersError(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, Options{NoSync: true})
	if _, err := s.UpsertCrawled(ctx, realSuppliers(t, 50), "crawler:epv"); err != nil {
		t.Fatal(err)
	}
	for _, after := range []int{0, 1, 2, 5} {
		_, err := s.Backup(ctx, &fullWriter{after: after})
		if !errors.Is(err, syscall.ENOSPC) {
			t.Errorf("Backup failing after %d writes: %v, want a chain to ENOSPC", after, err)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	w := &cancelWriter{cancel: cancel}
	if _, err := s.Backup(cancelled, w); !errors.Is(err, context.Canceled) {
		t.Errorf("Backup cancelled during the copy: %v, want context.Canceled", err)
	}
}

// cancelWriter cancels its context at its first write.
type cancelWriter struct{ cancel context.CancelFunc }

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.cancel()
	return len(p), nil
}

// TestRestoreReportsAndRefusesAnEmptyBackupOverData: Restore reports what
// it put in place and what it replaced; a backup without suppliers,
// tenders or awards (accounts only) does not replace a store holding
// some unless AllowEmptyRestore, and goes into an empty or missing store.
func TestRestoreReportsAndRefusesAnEmptyBackupOverData(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	backupOf := func(name string, fill func(*Store)) string {
		s, err := Open(filepath.Join(dir, name, "fabrique.db"), Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		fill(s)
		backup := filepath.Join(dir, name+".db")
		if err := s.BackupFile(ctx, backup); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		return backup
	}
	empty := backupOf("empty", func(s *Store) {
		if err := s.PutAccount(ctx, data.Account{ID: "acc1", Email: "admin@alliance.test", Role: data.RoleAdmin}, "system"); err != nil {
			t.Fatal(err)
		}
	})
	full := backupOf("full", func(s *Store) {
		for n := 1; n <= 3; n++ {
			if err := s.PutSupplier(ctx, synthetic(n, "25"), "test"); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.PutTender(ctx, manualTender("1"), "test"); err != nil {
			t.Fatal(err)
		}
	})
	fullContents := Contents{Suppliers: 3, Tenders: 1}

	dbPath := filepath.Join(dir, "data", "fabrique.db")
	r, err := Restore(ctx, empty, dbPath, Options{})
	if err != nil || r.Restored != (Contents{Accounts: 1}) || r.Replaced != nil {
		t.Fatalf("empty backup into a missing store: %+v, %v; want 1 account restored, nothing replaced", r, err)
	}
	r, err = Restore(ctx, full, dbPath, Options{})
	if err != nil || r.Restored != fullContents || r.Replaced == nil || *r.Replaced != (Contents{Accounts: 1}) {
		t.Fatalf("full backup over an empty store: %+v, %v", r, err)
	}
	current := fileHash(t, dbPath)
	_, err = Restore(ctx, empty, dbPath, Options{})
	var ee *EmptyRestoreError
	if !errors.Is(err, ErrEmptyRestore) || !errors.As(err, &ee) || ee.Current != fullContents {
		t.Fatalf("empty backup over a full store: %v, want ErrEmptyRestore with the store's contents %+v", err, fullContents)
	}
	if fileHash(t, dbPath) != current {
		t.Error("the refused restore changed the store")
	}
	r, err = Restore(ctx, empty, dbPath, Options{AllowEmptyRestore: true})
	if err != nil || r.Restored != (Contents{Accounts: 1}) || r.Replaced == nil || *r.Replaced != fullContents {
		t.Fatalf("empty backup over a full store, allowed: %+v, %v", r, err)
	}
	if fileHash(t, dbPath+".before-restore") != current {
		t.Error("the replaced store was not kept as .before-restore")
	}
	// A damaged store is what a restore is for: its contents are unknown.
	if err := os.WriteFile(dbPath, bytes.Repeat([]byte("abîmé "), 2000), 0o600); err != nil {
		t.Fatal(err)
	}
	if r, err = Restore(ctx, empty, dbPath, Options{}); err != nil || r.Replaced != nil {
		t.Fatalf("empty backup over a damaged store: %+v, %v; want it restored, nothing known replaced", r, err)
	}
}
