package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/web"
)

// TestBackupRoundTripUnderWrites backs up a running server through GET
// /admin/backup while the crawl, import, listing-edit and digest
// workloads of the crash test write, restores the download into a fresh
// data directory with `fabrique restore`, and opens it as serve does:
// every write acknowledged before the backup started is in it, the store
// passes its check and the indexes, rebuilt from it, hold exactly its
// documents. A truncated copy of the same download is refused by restore,
// which leaves the directory it would have replaced as it was.
func TestBackupRoundTripUnderWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server under write load")
	}
	ctx := context.Background()
	const token = "c2f1b9e07a4d4e8f9b3a6d5c1e0f7a2b8d4c6e1f"
	w := startWired(t, web.Config{AdminToken: token})
	var acks ackLog
	stopWriters := w.startWriters(t, &acks)
	waitAcks(t, &acks, 30)

	before, nBefore := acks.snapshot()
	req, _ := http.NewRequest(http.MethodGet, w.base+"/admin/backup", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "fabrique-backup.db")
	f, err := os.Create(backup)
	if err != nil {
		t.Fatal(err)
	}
	size, err := io.Copy(f, resp.Body)
	_ = resp.Body.Close()
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /admin/backup: status %d, %d bytes, %v", resp.StatusCode, size, err)
	}
	time.Sleep(200 * time.Millisecond) // writes go on after the backup too
	stopWriters()
	_, nAfter := acks.snapshot()
	w.stop()
	if nAfter <= nBefore {
		t.Fatalf("no write was acknowledged during or after the backup (%d, then %d): the load proved nothing", nBefore, nAfter)
	}

	// Restore into a fresh directory and open it as serve does.
	fresh := filepath.Join(t.TempDir(), "restored")
	if _, stderr, err := runCmd(t, env(), "restore", backup, "--data", fresh); err != nil {
		t.Fatalf("restore: %v\n%s", err, stderr)
	}
	var out syncBuffer
	rp := &program{cfg: config{dataDir: fresh}, stdout: &out, stderr: io.Discard, log: w.p.log}
	rd, err := openDirectory(ctx, rp, newStore, false)
	if err != nil {
		t.Fatalf("the restored directory does not open: %v", err)
	}
	if err := rd.store.Check(ctx); err != nil {
		t.Fatalf("restored store: %v", err)
	}
	for _, wl := range crashWorkloads {
		if err := wl.check(ctx, rd.store, before[wl.name]); err != nil {
			t.Errorf("a write acknowledged before the backup is not in it: %s: %v", wl.name, err)
		}
	}
	if !strings.Contains(out.String(), "Index de recherche reconstruit") {
		t.Errorf("opening the restored directory did not build its index; it printed:\n%s", out.String())
	}
	stored := map[string]time.Time{}
	_ = rd.store.Suppliers(ctx, func(s data.Supplier) error { stored[s.ID] = s.UpdatedAt; return nil })
	indexed, err := rd.index.Documents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	compareDocuments(t, 0, "restored suppliers", stored, indexed)
	suppliers, _ := rd.store.CountSuppliers(ctx)
	tenders, _ := rd.store.CountTenders(ctx)
	rd.Close()
	t.Logf("backup of %d bytes under writes: %d writes acknowledged before it, %d by the end; restored %d suppliers, %d tenders",
		size, nBefore, nAfter, suppliers, tenders)

	// A truncated download is refused and the directory stays as it was.
	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(t.TempDir(), "truncated.db")
	if err := os.WriteFile(truncated, b[:len(b)/2], 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(t, env(), "restore", truncated, "--data", fresh); err == nil {
		t.Fatal("restore accepted a truncated backup")
	}
	rd, err = openDirectory(ctx, rp, newStore, false)
	if err != nil {
		t.Fatalf("the directory does not open after a refused restore: %v", err)
	}
	defer rd.Close()
	if n, _ := rd.store.CountSuppliers(ctx); n != suppliers {
		t.Errorf("after a refused restore the store holds %d suppliers, want the %d it held", n, suppliers)
	}
}
