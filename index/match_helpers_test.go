package index_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"fabrique/crawler"
	"fabrique/data"
	"fabrique/index"
)

// matchSource is an in-memory MatchSource: suppliers by ID and awards by
// the SIREN of their winners.
type matchSource struct {
	sups   map[string]data.Supplier
	awards map[string][]data.Award
}

func newMatchSource(sups []data.Supplier, awards []data.Award) *matchSource {
	m := &matchSource{sups: make(map[string]data.Supplier, len(sups)), awards: map[string][]data.Award{}}
	for _, s := range sups {
		m.sups[s.ID] = s
	}
	for _, a := range awards {
		seen := map[string]bool{}
		for _, w := range a.Winners {
			siren := data.SIRENOf(w.SIRET)
			if siren == "" || seen[siren] {
				continue
			}
			seen[siren] = true
			m.awards[siren] = append(m.awards[siren], a)
		}
	}
	return m
}

func (m *matchSource) Supplier(_ context.Context, id string) (data.Supplier, error) {
	s, ok := m.sups[id]
	if !ok {
		return data.Supplier{}, fmt.Errorf("matchsource: supplier %s: %w", id, data.ErrNotFound)
	}
	return s, nil
}

func (m *matchSource) AwardsBySIREN(_ context.Context, siren string) ([]data.Award, error) {
	return m.awards[siren], nil
}

// matchNow is the clock of the match tests: the date of the embedded EPV
// export, on which its labels are valid.
var matchNow = time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)

// matchEPVOnce indexes the real EPV companies once per test binary; the
// index is only read by the tests that share it.
var matchEPVOnce = sync.OnceValues(func() (*matchEPV, error) {
	sups, _, err := crawler.SuppliersFromEPVCSV(bytes.NewReader(data.EmbeddedEPVCSV()),
		crawler.NormalizeOptions{FetchedAt: matchNow})
	if err != nil {
		return nil, err
	}
	ix, err := index.Open("", index.Options{Now: func() time.Time { return matchNow }})
	if err != nil {
		return nil, err
	}
	if err := ix.Put(context.Background(), sups...); err != nil {
		return nil, err
	}
	byID := make(map[string]data.Supplier, len(sups))
	for _, s := range sups {
		byID[s.ID] = s
	}
	return &matchEPV{ix: ix, sups: sups, byID: byID}, nil
})

type matchEPV struct {
	ix   *index.Index
	sups []data.Supplier
	byID map[string]data.Supplier
}

func loadMatchEPV(t testing.TB) *matchEPV {
	t.Helper()
	f, err := matchEPVOnce()
	if err != nil {
		t.Fatalf("EPV fixture: %v", err)
	}
	return f
}
