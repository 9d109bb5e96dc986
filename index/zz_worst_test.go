package index_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"fabrique/index"
)

func TestZZWorst(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	sups := index.SyntheticSuppliers(100000, 42)
	ix, _ := index.Open(t.TempDir(), index.Options{FacetCacheSize: -1})
	defer ix.Close()
	ix.Rebuild(context.Background(), newSliceSource(sups), nil)
	qs := newBenchQueries(sups, 240, 240, 1)
	type r struct {
		q     string
		d     time.Duration
		total uint64
	}
	var rs []r
	for pass := 0; pass < 2; pass++ {
		rs = rs[:0]
		for _, q := range qs.text {
			var res index.Results
			d := threadCPU(func() { res, _ = ix.Search(context.Background(), index.Query{Text: q, Facets: true}) })
			rs = append(rs, r{q, d, res.Total})
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].d > rs[j].d })
	for _, x := range rs[:20] {
		fmt.Printf("%6.2fms %6d %q\n", ms(x.d), x.total, x.q)
	}
}
