package index_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"fabrique/data"
)

// The benchmark suite measures bleve on a synthetic corpus with the
// queries of synth.NewQueries: BenchmarkSearch100k at 100 000 suppliers
// (only with -bench), and TestBenchSmoke at 2 000 in every test run. The
// same queries against SQLite FTS5 and PostgreSQL are the harness's
// (cmd/fabrique-bench).

// latencies summarises timings.
type latencies []time.Duration

func (l latencies) percentile(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p)
	return s[i]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// suiteRow is one line of the summary.
type suiteRow struct {
	kind             string
	bleve50, bleve95 time.Duration
}

func formatSummary(n int, rows []suiteRow, rebuild time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%d suppliers — median / p95 in ms\n", n)
	fmt.Fprintf(&b, "%-34s %16s\n", "query kind", "bleve")
	for _, r := range rows {
		fmt.Fprintf(&b, "%-34s %7.2f / %6.2f\n", r.kind, ms(r.bleve50), ms(r.bleve95))
	}
	fmt.Fprintf(&b, "%-34s %16s\n", "full build", rebuild.Round(time.Millisecond))
	return b.String()
}

// sliceSource is a read-only Source over a slice, sorted by ID.
type sliceSource struct {
	sups []data.Supplier
	byID map[string]int
}

func newSliceSource(sups []data.Supplier) *sliceSource {
	s := &sliceSource{sups: slices.Clone(sups), byID: map[string]int{}}
	sort.Slice(s.sups, func(i, j int) bool { return s.sups[i].ID < s.sups[j].ID })
	for i, x := range s.sups {
		s.byID[x.ID] = i
	}
	return s
}

func (s *sliceSource) Suppliers(ctx context.Context, fn func(data.Supplier) error) error {
	for _, x := range s.sups {
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

func (s *sliceSource) SuppliersChecksum(ctx context.Context) (int, string, error) {
	var sum uint64
	for _, x := range s.sups {
		sum += stampHash(x)
	}
	return len(s.sups), hexSum(sum), nil
}

func (s *sliceSource) Supplier(ctx context.Context, id string) (data.Supplier, error) {
	i, ok := s.byID[id]
	if !ok {
		return data.Supplier{}, fmt.Errorf("slice: %s: %w", id, data.ErrNotFound)
	}
	return s.sups[i], nil
}
