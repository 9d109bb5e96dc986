package web

import (
	"context"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/observatory"
)

// TestObservatoryAppliesStoreChanges imports a tender, an award and a
// renewed label into a server whose figures are built: the refresh applies
// the reported ids without walking the store, and every stats answer
// equals the one a full walk gives.
func TestObservatoryAppliesStoreChanges(t *testing.T) {
	ctx := context.Background()
	s := newObservatoryServer(t)
	putObservatoryAwards(t, s)
	expired := epvCompanies(t, s, false, 1)[0]
	paths := []string{"/api/v1/stats/coverage", "/api/v1/stats/coverage?region=" + expired.Address.Region, "/api/v1/stats/tenders",
		"/api/v1/stats/awards", "/api/v1/stats/awards?label=EPV", "/api/v1/stats/sources"}
	answers := func() map[string]string { return statsAnswers(t, s, paths) }
	before := answers()
	fc := &s.obsFacts
	fc.mu.Lock()
	fullAt := fc.refresh.fullAt
	fc.mu.Unlock()
	if fullAt.IsZero() {
		t.Fatal("no full build recorded")
	}

	renewed := expired
	renewed.Labels = append([]data.Label(nil), expired.Labels...)
	renewed.Labels[0].ExpiresAt = obsDay.AddDate(2, 0, 0)
	if err := s.store.PutSupplier(ctx, renewed, "test"); err != nil {
		t.Fatal(err)
	}
	putTenders(t, s, data.Tender{ID: "boamp:obs-9", Source: "boamp", SourceID: "obs-9", Title: "Fourniture de mobilier de bureau",
		CPV: "39130000", Place: data.Place{Departement: "69"}, PublishedAt: obsDay.AddDate(0, 0, -1), Deadline: obsDay.AddDate(0, 0, 25)})
	if err := s.store.PutAwards(ctx, []data.Award{{ID: "decp:9", Source: "decp", Buyer: data.Buyer{Name: "Mairie de Nantes"},
		CPV: "39100000", Place: data.Place{Departement: "44"}, NotifiedAt: obsDay.AddDate(0, 0, -10), Amount: 2500,
		Winners: []data.Winner{{Name: renewed.Name, SIRET: renewed.SIREN}}}}); err != nil {
		t.Fatal(err)
	}

	if _, err := s.freshFacts(ctx, true); err != nil {
		t.Fatal(err)
	}
	fc.mu.Lock()
	walked := !fc.refresh.fullAt.Equal(fullAt)
	fc.mu.Unlock()
	if walked {
		t.Error("the refresh walked the whole store; want the reported changes applied")
	}
	applied := answers()
	for _, p := range paths[:5] {
		if applied[p] == before[p] {
			t.Errorf("GET %s did not change after the import", p)
		}
	}

	// The same figures from a full walk of the store.
	fc.mu.Lock()
	fc.version, fc.refresh.overflow, fc.started = 0, true, time.Time{}
	fc.mu.Unlock()
	if _, err := s.freshFacts(ctx, true); err != nil {
		t.Fatal(err)
	}
	fc.mu.Lock()
	walked = !fc.refresh.fullAt.Equal(fullAt)
	fc.mu.Unlock()
	if !walked {
		t.Fatal("the forced refresh did not walk the store")
	}
	full := answers()
	for _, p := range paths {
		if applied[p] != full[p] {
			t.Errorf("GET %s after applying the changes:\n%s\nafter a full walk:\n%s", p, applied[p], full[p])
		}
	}
}

// TestFactsRefreshGiveBack checks that the changes a failed refresh took
// wait for the next one: applied again when it was an Apply, and a walk
// of the store when it was one (the facts kept lack what it read).
func TestFactsRefreshGiveBack(t *testing.T) {
	taken := observatory.Changes{Suppliers: []string{"s1"}, Tenders: []string{"t1", "t2"}, Awards: []string{"a1"}}
	for _, tc := range []struct {
		name         string
		incremental  bool
		pendingAfter int
		overflow     bool
	}{
		{"a failed Apply", true, 4 + 1, false},
		{"a failed walk", false, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r factsRefresh
			r.add(observatory.Changes{Tenders: []string{"t9"}}) // reported while the refresh ran
			r.giveBack(taken, tc.incremental)
			if r.pending.Len() != tc.pendingAfter || r.overflow != tc.overflow {
				t.Errorf("pending %d, overflow %v; want %d, %v", r.pending.Len(), r.overflow, tc.pendingAfter, tc.overflow)
			}
		})
	}
}
