package index_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fabrique/index"
)

// BenchmarkTenderRebuild measures a full rebuild of the tender index from
// FABRIQUE_TENDER_REBUILD_N tenders (default 100 000) of the synthetic
// corpus of BenchmarkTenders, held in memory so that only the rebuild is
// measured, in wall time and in the process's CPU time (the machine is
// shared: CPU time is what a change moves), the background compaction
// apart. Run it with:
//
//	go test ./index -run '^$' -bench TenderRebuild -benchtime 1x
func BenchmarkTenderRebuild(b *testing.B) {
	n := envSize("FABRIQUE_TENDER_REBUILD_N", 100_000)
	src := newTenderMemSource(genTenders(n))
	for b.Loop() {
		ti, err := index.OpenTenders(b.TempDir(), index.TenderOptions{Now: func() time.Time { return tenderBenchNow }})
		if err != nil {
			b.Fatal(err)
		}
		measureRebuild(b, fmt.Sprintf("%d tenders", n), func(time.Time, time.Duration) error {
			return ti.Rebuild(context.Background(), src, nil)
		}, ti.WaitCompaction)
		if got, err := ti.Count(); err != nil || got != uint64(n) {
			b.Fatalf("Count = %d, %v; want %d", got, err, n)
		}
		if err := ti.Close(); err != nil {
			b.Fatal(err)
		}
	}
}
