package index_test

import (
	"context"
	"encoding/json"
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
// FABRIQUE_POSTINGS_LIMIT sets the bound of the postings cache.
// FABRIQUE_BENCH_COLD=1 measures the needs right after the directory
// opens (no text searches, no warm-up: cold postings). FABRIQUE_MATCH_DUMP
// names a file that receives, first, the rankings of the 200 needs (one
// JSON line each, the time taken left out): two builds that rank alike
// write the same file. It skips without FABRIQUE_BENCH_DIR.
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
	if dump := os.Getenv("FABRIQUE_MATCH_DUMP"); dump != "" {
		dumpRankings(b, ix, st, tenders, dump)
	}
	cold := os.Getenv("FABRIQUE_BENCH_COLD") == "1"
	if cold {
		texts = nil
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
	warm := tenders[:20]
	if cold {
		warm = nil
	}
	for _, t := range warm { // warm-up, as the harness does
		if _, err := ix.Match(ctx, st, t, index.MatchOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	var lat []time.Duration
	postings0, summed0, rescored0 := index.TextPoolCounts()
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
	postings, summed, rescored := index.TextPoolCounts()
	perNeed := func(n, n0 int64) float64 { return float64(n-n0) / float64(len(lat)) }
	b.ReportMetric(perNeed(postings, postings0), "pool-postings/op")
	b.ReportMetric(perNeed(summed, summed0), "summed/op")
	b.ReportMetric(perNeed(rescored, rescored0), "rescored/op")
	b.ReportMetric(float64(processCPU()-cpu0)/float64(len(lat))/float64(time.Millisecond), "cpu-ms/op")
	slices.Sort(lat)
	p := func(q float64) float64 { return float64(lat[int(float64(len(lat)-1)*q)]) / float64(time.Millisecond) }
	b.ReportMetric(p(0.50), "p50-ms")
	b.ReportMetric(p(0.95), "p95-ms")
}

// dumpRankings writes the rankings of the tenders to path, one JSON line
// per tender, without the time taken.
func dumpRankings(b *testing.B, ix *index.Index, st *store.Store, tenders []data.Tender, path string) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, t := range tenders {
		res, err := ix.Match(context.Background(), st, t, index.MatchOptions{})
		if err != nil {
			b.Fatal(err)
		}
		res.Took = 0
		if err := enc.Encode(res); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}
