package store

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fabrique/data"
)

// TestErasureLeavesNoFreedPage erases an account and looks for its address
// in the raw bytes: bbolt leaves it in the pages it freed, so the backups
// made meanwhile are compacted copies, and the next Open compacts the file.
func TestErasureLeavesNoFreedPage(t *testing.T) {
	ctx := context.Background()
	w := newErasureWorld(t)
	s := w.s
	path := s.Path()
	if s.HasErasedPages() {
		t.Fatal("a store without erasure is marked")
	}
	var before bytes.Buffer
	if _, err := s.Backup(ctx, &before); err != nil {
		t.Fatal(err)
	}
	address := bytes.ToLower([]byte(claireEmail))
	if !bytes.Contains(bytes.ToLower(before.Bytes()), address) {
		t.Fatal("the backup before the erasure does not hold the address")
	}
	if err := s.AddMember(ctx, data.Membership{SupplierID: w.shared.ID, AccountID: "bruno", Role: data.MemberOwner}, "claire"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteAccount(ctx, "claire", "claire", ""); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The premise: bbolt leaves the erased bytes in freed pages. Should a
	// version of bbolt wipe them, this test says so.
	if !bytes.Contains(bytes.ToLower(raw), address) {
		t.Fatal("the raw file no longer holds the erased address after the erasure: does bbolt wipe freed pages now?")
	}
	if !s.HasErasedPages() {
		t.Fatal("the erasure did not mark the store")
	}

	var backup bytes.Buffer
	if _, err := s.Backup(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(bytes.ToLower(backup.Bytes()), address) {
		t.Error("a backup made after the erasure holds the erased address")
	}
	if backup.Len() >= before.Len() {
		t.Errorf("the backup after the erasure has %d bytes, the one before %d: not compacted", backup.Len(), before.Len())
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(copyPath, backup.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := validateBackup(ctx, copyPath, Options{}); err != nil {
		t.Errorf("the compacted backup is no usable store: %v", err)
	}
	if _, err := os.Stat(path + ".backup-compact"); !os.IsNotExist(err) {
		t.Errorf("the staged copy of the backup is left beside the store: %v", err)
	}

	want := dumpStore(t, s)
	delete(want, "meta\x00"+string(keyErasedPages))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	again, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if again.HasErasedPages() {
		t.Error("the store is still marked after Open")
	}
	raw, err = os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(bytes.ToLower(raw), address) {
		t.Error("the file opened again holds the erased address")
	}
	got := dumpStore(t, again)
	// cleanstop.go writes its marker at each Open.
	for k := range maps.Keys(got) {
		if strings.HasPrefix(k, string(bucketCleanStop)+"\x00") {
			delete(got, k)
			delete(want, k)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("compaction changed the records: %d before, %d after", len(want), len(got))
	}
	mustCheck(t, again)
	if _, err := os.Stat(path + ".compact"); !os.IsNotExist(err) {
		t.Errorf("the compaction's file is left beside the store: %v", err)
	}
}
