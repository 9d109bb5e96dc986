package index_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"testing"
	"time"

	"fabrique/index"
	"fabrique/index/synth"
)

// The text queries of the harness against a directory it kept
// (`fabrique-bench --size 100k --engines bleve --dir DIR --keep`), to find
// the slowest and profile them:
//
//	FABRIQUE_BENCH_DIR=/tmp/textq-100k FABRIQUE_BENCH_SIZE=100000 go test ./index -run TestHarnessTextQueries -v
//	FABRIQUE_BENCH_DIR=/tmp/textq-100k FABRIQUE_BENCH_SIZE=100000 go test ./index -run '^$' -bench HarnessTextSlowest -cpuprofile /tmp/cpu.prof
//
// Both skip without FABRIQUE_BENCH_DIR.

// harnessDir is the directory kept by fabrique-bench and its size, from
// FABRIQUE_BENCH_DIR and FABRIQUE_BENCH_SIZE; it skips without the first.
func harnessDir(tb testing.TB) (string, int) {
	tb.Helper()
	dir := os.Getenv("FABRIQUE_BENCH_DIR")
	if dir == "" {
		tb.Skip("FABRIQUE_BENCH_DIR names no directory kept by fabrique-bench")
	}
	size, err := strconv.Atoi(os.Getenv("FABRIQUE_BENCH_SIZE"))
	if err != nil {
		tb.Fatalf("FABRIQUE_BENCH_SIZE: %v", err)
	}
	return dir, size
}

// harnessIndex opens the kept index and draws the harness's text queries.
func harnessIndex(tb testing.TB) (*index.Index, []string) {
	tb.Helper()
	dir, size := harnessDir(tb)
	var err error
	n := 200
	if s := os.Getenv("FABRIQUE_BENCH_QUERIES"); s != "" {
		if n, err = strconv.Atoi(s); err != nil {
			tb.Fatalf("FABRIQUE_BENCH_QUERIES: %v", err)
		}
	}
	queries := synth.NewQueries(synth.Suppliers(size, 42), n, 0, 1).Text
	ix, err := index.Open(filepath.Join(dir, "index"), index.Options{FacetCacheSize: -1, ResultCacheSize: -1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	if _, err := ix.Search(context.Background(), index.Query{Facets: true}); err != nil {
		tb.Fatal(err) // builds the columns
	}
	ix.WaitCompaction()
	// The harness checks the index against its store, which warms it
	// after the compaction; here it is warmed directly.
	if err := index.Warm(context.Background(), ix); err != nil {
		tb.Fatal(err)
	}
	unions, bytes, _ := index.KeptUnions(ix)
	tb.Logf("warmed: %d clause unions, %.1f MiB; %d postings kept decoded", unions, float64(bytes)/(1<<20), index.CachedPostings(ix))
	return ix, queries
}

type timedQuery struct {
	text          string
	cpu, facetCPU time.Duration
	total         uint64
	relaxed       bool
}

// harnessTimes runs every query once without and once with facets, as the
// harness does, and returns them slowest first.
func harnessTimes(tb testing.TB, ix *index.Index, queries []string) []timedQuery {
	ctx := context.Background()
	out := make([]timedQuery, len(queries))
	for i, text := range queries {
		out[i].text = text
		var err error
		var res index.Results
		out[i].cpu = threadCPU(func() { res, err = ix.Search(ctx, index.Query{Text: text}) })
		if err != nil {
			tb.Fatal(err)
		}
		out[i].total, out[i].relaxed = res.Total, res.Relaxed
		out[i].facetCPU = threadCPU(func() { _, err = ix.Search(ctx, index.Query{Text: text, Facets: true}) })
		if err != nil {
			tb.Fatal(err)
		}
	}
	slices.SortFunc(out, func(a, b timedQuery) int { return int(b.cpu - a.cpu) })
	return out
}

func TestHarnessTextQueries(t *testing.T) {
	ix, queries := harnessIndex(t)
	// The first pass meets each query's clauses for the first time in
	// the snapshot, after its warming (the harness measures that one,
	// after warmups of its queries); the second, warm.
	for _, text := range queries[:min(20, len(queries))] {
		if _, err := ix.Search(context.Background(), index.Query{Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	if path := os.Getenv("FABRIQUE_BENCH_FIRST_PROFILE"); path != "" {
		// The CPU profile of the first meetings alone.
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			t.Fatal(err)
		}
	}
	cold := harnessTimes(t, ix, queries)
	if os.Getenv("FABRIQUE_BENCH_FIRST_PROFILE") != "" {
		pprof.StopCPUProfile()
	}
	var first []time.Duration
	for _, q := range cold {
		first = append(first, q.cpu)
	}
	slices.Sort(first)
	t.Logf("first meeting: CPU p50 %v p95 %v max %v", first[len(first)/2], first[len(first)*95/100], first[len(first)-1])
	for _, q := range cold[:min(20, len(cold))] {
		t.Logf("cold %8.2f ms  total %7d  %q", ms(q.cpu), q.total, q.text)
	}
	times := harnessTimes(t, ix, queries)
	var all []time.Duration
	for _, q := range times {
		all = append(all, q.cpu)
	}
	slices.Sort(all)
	t.Logf("CPU p50 %v p95 %v max %v", all[len(all)/2], all[len(all)*95/100], all[len(all)-1])
	n, size, live := index.KeptUnions(ix)
	t.Logf("%d clause unions kept, %.1f MiB; %d postings kept decoded; %d live documents", n, float64(size)/(1<<20), index.CachedPostings(ix), live)
	dense, denseBytes := index.DenseLists(ix)
	t.Logf("%d lists probed through a docSet, %.1f MiB", dense, float64(denseBytes)/(1<<20))
	for _, q := range times[:min(30, len(times))] {
		t.Logf("%8.2f ms  facets %8.2f ms  total %7d relaxed %-5v  %q", ms(q.cpu), ms(q.facetCPU), q.total, q.relaxed, q.text)
	}
}

// BenchmarkHarnessTextSlowest runs the 10 slowest harness queries.
func BenchmarkHarnessTextSlowest(b *testing.B) {
	ix, queries := harnessIndex(b)
	times := harnessTimes(b, ix, queries)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range times[:10] {
			if _, err := ix.Search(ctx, index.Query{Text: q.text}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
