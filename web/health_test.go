package web

import (
	"net/http"
	"testing"
)

func TestHealthz(t *testing.T) {
	s := newTestServer(t, Config{})
	r := s.get(t, "/healthz")
	if r.status != http.StatusOK || r.body != "ok" {
		t.Fatalf("GET /healthz = %d %q, want 200 \"ok\"", r.status, r.body)
	}
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}
}

func TestHealthzFailsWhenStoreClosed(t *testing.T) {
	s := newTestServer(t, Config{})
	if err := s.store.Close(); err != nil {
		t.Fatal(err)
	}
	r := s.get(t, "/healthz")
	if r.status != http.StatusInternalServerError {
		t.Fatalf("GET /healthz with a closed store = %d, want 500", r.status)
	}
}
