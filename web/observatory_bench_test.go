package web

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index/synth"
)

// BenchmarkObservatory100k measures the observatory's page and API on a
// store of 100 000 synthetic suppliers, 2 000 open tenders and 200 000
// awards (no index: the tenders' matching runs in the background build,
// not in requests). The facts are built once before the timer; each
// sub-benchmark reports wall and CPU time per request, the first request
// of a filter included (the aggregations are memoized per minute):
//
//	go test ./web -run '^$' -bench Observatory100k -benchtime 20x
func BenchmarkObservatory100k(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(filepath.Join(b.TempDir(), "fabrique.db"), store.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	sups := synth.Suppliers(100000, 1)
	for i := 0; i < len(sups); i += 5000 {
		if _, err := st.UpsertCrawled(ctx, sups[i:min(i+5000, len(sups))], "bench"); err != nil {
			b.Fatal(err)
		}
	}
	awards := make([]data.Award, 0, 10000)
	deps := data.Departements()
	for i := range 200000 {
		w := data.Winner{Name: "X", SIRET: sups[(i*7)%len(sups)].SIREN}
		if i%3 == 0 {
			w.SIRET = "" // unidentified
		}
		awards = append(awards, data.Award{ID: "decp:" + strconv.Itoa(i), Source: "decp", Buyer: data.Buyer{Name: "Mairie de Lyon"},
			CPV: "45000000", Place: data.Place{Departement: deps[i%101].Code}, NotifiedAt: time.Date(2024, 1, 1+i%700, 0, 0, 0, 0, time.UTC),
			Amount: float64(1000 + i%5000), Winners: []data.Winner{w}})
		if len(awards) == cap(awards) {
			if err := st.PutAwards(ctx, awards); err != nil {
				b.Fatal(err)
			}
			awards = awards[:0]
		}
	}
	for i := range 2000 {
		t := data.Tender{ID: "boamp:" + strconv.Itoa(i), Source: "boamp", SourceID: strconv.Itoa(i), Title: "Avis " + strconv.Itoa(i),
			CPV: "45000000", State: data.StateOpen, Place: data.Place{Departement: deps[i%101].Code},
			PublishedAt: obsDay.AddDate(0, 0, -i%30), Deadline: obsDay.AddDate(0, 1, 0)}
		if err := st.PutTender(ctx, t, "bench"); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("store filled in %v", time.Since(start).Round(time.Millisecond))
	s, err := New(Config{Now: func() time.Time { return obsDay }, AdminToken: "3f9c2a7e41b8d05c6e92f1a4b7d3c8e0", RateLimit: RateLimit{PerSecond: -1}}, Deps{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	f, err := s.observatoryFacts(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("facts built in %v: %d suppliers, %d open tenders, %d awards", f.BuildTook.Round(time.Millisecond),
		len(f.Suppliers), len(f.Tenders), len(f.Awards))

	for _, line := range benchObservatoryRequests(b, s) {
		b.Log(line)
	}
}
