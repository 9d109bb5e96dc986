package web

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
		{"no credentials", "s3cret", nil, http.StatusUnauthorized},
		{"wrong token", "s3cret", []string{"Authorization", "Bearer s3cre"}, http.StatusForbidden},
		{"not a bearer", "s3cret", []string{"Authorization", "Basic s3cret"}, http.StatusForbidden},
		{"right token", "s3cret", []string{"Authorization", "Bearer s3cret"}, http.StatusOK},
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
			if tt.want != http.StatusOK && strings.Contains(r.body, "s3cret") {
				t.Errorf("the error page shows the token")
			}
		})
	}
}

func TestAdminBackupIsARestorableStore(t *testing.T) {
	s := newTestServer(t, Config{AdminToken: "s3cret"})
	ctx := context.Background()
	sup := data.Supplier{ID: data.SupplierKey("", "Faïencerie de Gien", "45500"), Name: "Faïencerie de Gien"}
	if err := s.store.PutSupplier(ctx, sup, "test"); err != nil {
		t.Fatal(err)
	}

	r := s.get(t, "/admin/backup", "Authorization", "Bearer s3cret")
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
	if err := store.Restore(ctx, backup, db, store.Options{}); err != nil {
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
