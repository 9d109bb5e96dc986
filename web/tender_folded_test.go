package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index"
)

// TestFoldedNoticeRedirects: the page of a notice the import folded into
// the tender of its procedure leads to that tender (it was a 404), with
// the report and the CSV, and its JSON in the API, query kept; unknown
// notices and procedure keys stay 404.
func TestFoldedNoticeRedirects(t *testing.T) {
	ctx := context.Background()
	// The report and the CSV are routes of a server with an index: an
	// empty one does, the redirect comes before any ranking.
	st, err := store.Open(filepath.Join(t.TempDir(), "fabrique.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ix, err := index.Open("", index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	srv, err := New(Config{Logger: slog.New(slog.DiscardHandler)}, Deps{Store: st, Index: ix})
	if err != nil {
		t.Fatal(err)
	}
	s := &testServer{Server: srv, store: st, log: &syncBuffer{}}
	first := data.Tender{ID: "boamp:16-186394", Source: "boamp", SourceID: "16-186394", Title: "Remorquage des véhicules",
		Buyer: data.Buyer{Name: "Ville de Paris"}, CPV: "50118110", ProcedureID: "paris-2016-dfa-167", State: data.StateOpen, Deadline: inDays(5)}
	again := first
	again.ID, again.SourceID, again.Title = "boamp:26-91005", "26-91005", "Autre intitulé"
	for _, n := range []data.Tender{first, again} {
		if _, _, err := s.store.FoldNotice(ctx, n, "test:import"); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		target, location string // location "": 404
	}{
		{"/appels-d-offres/boamp:26-91005", "/appels-d-offres/boamp:16-186394"},
		{"/appels-d-offres/" + url.PathEscape("boamp:26-91005") + "?metier=23.19Z", "/appels-d-offres/boamp:16-186394?metier=23.19Z"},
		{"/appels-d-offres/boamp:26-91005/rapport", "/appels-d-offres/boamp:16-186394/rapport"},
		{"/appels-d-offres/boamp:26-91005/fournisseurs.csv", "/appels-d-offres/boamp:16-186394/fournisseurs.csv"},
		{"/api/v1/tenders/boamp:26-91005", "/api/v1/tenders/boamp:16-186394"},
		{"/api/v1/tenders/boamp:26-91005/matches?limit=5", "/api/v1/tenders/boamp:16-186394/matches?limit=5"},
		{"/api/v1/tenders/boamp:26-99999", ""},
		{"/api/v1/tenders/proc:paris-2016-dfa-167/matches", ""},
		{"/appels-d-offres/boamp:26-99999", ""},
		{"/appels-d-offres/proc:paris-2016-dfa-167", ""},
	}
	for _, tt := range tests {
		r := s.get(t, tt.target)
		switch {
		case tt.location == "" && r.status != http.StatusNotFound:
			t.Errorf("GET %s = %d (Location %q); want 404", tt.target, r.status, r.header.Get("Location"))
		case tt.location != "" && (r.status != http.StatusMovedPermanently || r.header.Get("Location") != tt.location):
			t.Errorf("GET %s = %d, Location %q; want 301 to %s", tt.target, r.status, r.header.Get("Location"), tt.location)
		}
	}
	if r := s.get(t, "/appels-d-offres/boamp:16-186394"); r.status != http.StatusOK {
		t.Errorf("the tender itself: %d", r.status)
	}
}
