package web

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/store"
)

func TestAdminBackupAccess(t *testing.T) {
	tests := []struct {
		name   string
		token  string // server's token
		header []string
		want   int
	}{
		{"disabled without a token", "", []string{"Authorization", "Bearer anything"}, http.StatusNotFound},
		{"no credentials", testAdminToken, nil, http.StatusUnauthorized},
		{"wrong token", testAdminToken, []string{"Authorization", "Bearer " + testAdminToken[:31]}, http.StatusForbidden},
		{"not a bearer", testAdminToken, []string{"Authorization", "Basic " + testAdminToken}, http.StatusForbidden},
		{"right token", testAdminToken, []string{"Authorization", "Bearer " + testAdminToken}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, Config{AdminToken: tt.token})
			r := s.get(t, "/admin/backup", tt.header...)
			if r.status != tt.want {
				t.Fatalf("GET /admin/backup = %d, want %d", r.status, tt.want)
			}
			if tt.want == http.StatusUnauthorized && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without a WWW-Authenticate: Bearer header")
			}
			if tt.want != http.StatusOK && strings.Contains(r.body, testAdminToken) {
				t.Errorf("the error page shows the token")
			}
		})
	}
}

func TestAdminBackupIsARestorableStore(t *testing.T) {
	s := newTestServer(t, Config{AdminToken: testAdminToken})
	ctx := context.Background()
	sup := data.Supplier{ID: data.SupplierKey("", "Faïencerie de Gien", "45500"), Name: "Faïencerie de Gien"}
	if err := s.store.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}

	r := s.get(t, "/admin/backup", "Authorization", "Bearer "+testAdminToken)
	if r.status != http.StatusOK {
		t.Fatalf("GET /admin/backup = %d", r.status)
	}
	if got := r.header.Get("Content-Disposition"); !strings.HasPrefix(got, `attachment; filename="fabrique-`) {
		t.Errorf("Content-Disposition = %q, want an attachment", got)
	}
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}

	dir := t.TempDir()
	backup := filepath.Join(dir, "backup.db")
	if err := os.WriteFile(backup, []byte(r.body), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "fabrique.db")
	if _, err := store.Restore(ctx, backup, db, store.Options{}); err != nil {
		t.Fatalf("Restore of the downloaded backup: %v", err)
	}
	restored, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	got, err := restored.Supplier(ctx, sup.ID)
	if err != nil || got.Name != sup.Name {
		t.Errorf("restored Supplier(%s) = %q, %v; want %q", sup.ID, got.Name, err, sup.Name)
	}
}

// TestAdminBackupSlowClientDoesNotHoldTheStore downloads a backup with a
// client that reads the headers and then nothing, and checks that writes
// big enough to grow the store file (bbolt then waits for every open read
// transaction) still go through in bounded time.
// TestAdminBackupNamedByServerClock: the snapshot's file name is dated by
// the server's clock (Config.Now) on the French calendar, as the CSV
// exports: a backup made at 00:30 in Paris carries that day and hour.
func TestAdminBackupNamedByServerClock(t *testing.T) {
	at := time.Date(2026, 12, 31, 23, 30, 5, 0, time.UTC) // 00:30:05 on 1 January 2027 in Paris
	s := newTestServer(t, Config{AdminToken: testAdminToken, Now: func() time.Time { return at }})
	r := s.get(t, "/admin/backup", "Authorization", "Bearer "+testAdminToken)
	if r.status != http.StatusOK {
		t.Fatalf("GET /admin/backup = %d", r.status)
	}
	if got, want := r.header.Get("Content-Disposition"), `attachment; filename="fabrique-2027-01-01-003005.db"`; got != want {
		t.Errorf("Content-Disposition = %q, want %q", got, want)
	}
}

func TestAdminBackupSlowClientDoesNotHoldTheStore(t *testing.T) {
	if testing.Short() {
		t.Skip("writes about 40 MB")
	}
	s := newTestServer(t, Config{AdminToken: testAdminToken})
	ctx := context.Background()
	putBulk := func(prefix string, n int) error {
		desc := strings.Repeat("Tournage, fraisage et décolletage de précision. ", 200) // ~10 kB
		var batch []data.Supplier
		for i := range n {
			name := fmt.Sprintf("%s %05d", prefix, i)
			batch = append(batch, data.Supplier{ID: data.SupplierKey("", name, "45500"), Name: name, Description: desc})
			if len(batch) == 200 || i == n-1 {
				if _, err := s.store.UpsertCrawled(ctx, batch, "test"); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		return nil
	}
	start := time.Now()
	if err := putBulk("Atelier", 2000); err != nil { // ~20 MB: more than the sockets buffer
		t.Fatal(err)
	}
	// The same writes during the download may take longer on a busy
	// machine, never for ever: without the fix they wait for the client.
	bound := 5*time.Second + 3*time.Since(start)
	base := s.serveLoopback(t)

	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.(*net.TCPConn).SetReadBuffer(4 << 10)
	fmt.Fprintf(conn, "GET /admin/backup HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", testAdminToken)
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	head := make([]byte, 512)
	if _, err := io.ReadAtLeast(conn, head, 12); err != nil || !strings.HasPrefix(string(head), "HTTP/1.1 200") {
		t.Fatalf("backup answer %q, %v", head, err)
	}
	// The client now reads nothing more.

	done := make(chan error, 1)
	go func() { done <- putBulk("Fonderie", 2000) }() // grows the file past its mapping
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(bound):
		t.Fatalf("writes blocked for %v while a client was slowly downloading a backup", bound)
	}
	if r := s.get(t, "/healthz"); r.status != http.StatusOK {
		t.Errorf("/healthz = %d during the download", r.status)
	}
}

func TestAdminBackupLeavesNoTemporaryFile(t *testing.T) {
	s := newTestServer(t, Config{AdminToken: testAdminToken})
	if r := s.get(t, "/admin/backup", "Authorization", "Bearer "+testAdminToken); r.status != http.StatusOK || len(r.body) == 0 {
		t.Fatalf("GET /admin/backup = %d, %d bytes", r.status, len(r.body))
	}
	left, err := filepath.Glob(filepath.Join(filepath.Dir(s.store.Path()), ".backup-*"))
	if err != nil || len(left) > 0 {
		t.Errorf("temporary files left next to the store: %v (%v)", left, err)
	}
}
