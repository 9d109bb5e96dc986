package index_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index"
	"fabrique/index/synth"
)

// The harness's needs against a directory it kept
// (`fabrique-bench --size 1m --engines bleve --dir DIR --keep`), to
// profile matching at the harness's size:
//
//	FABRIQUE_BENCH_DIR=/tmp/m1m-1m FABRIQUE_BENCH_SIZE=1000000 go test ./index -run '^$' -bench HarnessMatch -benchtime 200x -cpuprofile /tmp/cpu.prof
//
// FABRIQUE_POSTINGS_LIMIT sets the bound of the postings cache. It skips
// without FABRIQUE_BENCH_DIR.
func BenchmarkHarnessMatch(b *testing.B) {
	dir, size := harnessDir(b)
	var err error
	sups := synth.Suppliers(size, 42)
	needs := synth.NewNeeds(sups, 200, 1)
	texts := synth.NewQueries(sups, 200, 0, 1).Text
	tenders := make([]data.Tender, len(needs))
	for i, n := range needs {
		if tenders[i], err = n.Tender(); err != nil {
			b.Fatal(err)
		}
	}
	st, err := store.Open(filepath.Join(dir, "fabrique.db"), store.Options{Timeout: 5 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	ix, err := index.Open(filepath.Join(dir, "index"), index.Options{FacetCacheSize: -1, ResultCacheSize: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	if _, err := ix.Search(ctx, index.Query{Facets: true}); err != nil {
		b.Fatal(err) // builds the columns
	}
	if s := os.Getenv("FABRIQUE_POSTINGS_LIMIT"); s != "" {
		limit, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			b.Fatalf("FABRIQUE_POSTINGS_LIMIT: %v", err)
		}
		index.SetPostingsLimit(ix, limit)
	}
	// The harness's text searches come first and share the postings
	// cache with the matcher.
	for _, text := range texts {
		for _, facets := range []bool{false, true} {
			if _, err := ix.Search(ctx, index.Query{Text: text, Facets: facets}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Logf("%d postings kept after the text searches", index.CachedPostings(ix))
	for _, t := range tenders[:20] { // warm-up, as the harness does
		if _, err := ix.Match(ctx, st, t, index.MatchOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	var lat []time.Duration
	cpu0 := processCPU()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		if _, err := ix.Match(ctx, st, tenders[i%len(tenders)], index.MatchOptions{}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(float64(index.CachedPostings(ix)), "cached-postings")
	b.ReportMetric(float64(processCPU()-cpu0)/float64(len(lat))/float64(time.Millisecond), "cpu-ms/op")
	slices.Sort(lat)
	p := func(q float64) float64 { return float64(lat[int(float64(len(lat)-1)*q)]) / float64(time.Millisecond) }
	b.ReportMetric(p(0.50), "p50-ms")
	b.ReportMetric(p(0.95), "p95-ms")
}
