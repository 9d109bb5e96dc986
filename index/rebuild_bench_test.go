package index_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"fabrique/index"
	"fabrique/index/synth"
)

// BenchmarkRebuild measures a full rebuild of FABRIQUE_REBUILD_N synthetic
// suppliers (default 100 000) from a slice source, in batches of
// FABRIQUE_REBUILD_BATCH (default Options' default), in wall time and in the
// process's CPU time (the machine is shared: CPU time is what a change
// moves), the background compaction apart. The target (issue 15) is
// ≤ 10 s wall at 100 000 on 2 cores. Run it with:
//
//	go test ./index -run '^$' -bench Rebuild -benchtime 1x
func BenchmarkRebuild(b *testing.B) {
	n := envSize("FABRIQUE_REBUILD_N", 100_000)
	batch, _ := strconv.Atoi(os.Getenv("FABRIQUE_REBUILD_BATCH")) // 0: the default
	src := newSliceSource(synth.Suppliers(n, 42))
	for b.Loop() {
		ix, err := index.Open(b.TempDir(), index.Options{RebuildBatchSize: batch})
		if err != nil {
			b.Fatal(err)
		}
		measureRebuild(b, fmt.Sprintf("%d suppliers", n), func(start time.Time, cpu time.Duration) error {
			next := 100_000
			progress := func(done int) { // a long run stopped early still tells its rate
				if done >= next {
					next += 100_000
					fmt.Fprintf(os.Stderr, "rebuild: %d of %d indexed, %s wall, %s CPU, load average %s\n", done, n,
						time.Since(start).Round(time.Second), (processCPU() - cpu).Round(time.Second), loadAverage())
				}
			}
			return ix.Rebuild(context.Background(), src, progress)
		}, ix.WaitCompaction)
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// measureRebuild runs rebuild (given when and at what CPU time it starts),
// then waits for the compaction that follows it, and reports both in wall
// and in the process's CPU time.
func measureRebuild(b *testing.B, what string, rebuild func(start time.Time, cpu time.Duration) error, waitCompaction func()) {
	b.Helper()
	start, cpu := time.Now(), processCPU()
	if err := rebuild(start, cpu); err != nil {
		b.Fatal(err)
	}
	wall, used := time.Since(start), processCPU()-cpu
	start, cpu = time.Now(), processCPU()
	waitCompaction()
	compaction, compactionCPU := time.Since(start), processCPU()-cpu
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(used.Seconds(), "cpu-s")
	b.ReportMetric(compactionCPU.Seconds(), "compaction-cpu-s")
	fmt.Printf("rebuild of %s: %s wall, %s CPU; compaction after it %s wall, %s CPU; load average %s\n",
		what, wall.Round(time.Millisecond), used.Round(time.Millisecond), compaction.Round(time.Millisecond),
		compactionCPU.Round(time.Millisecond), loadAverage())
}

// envSize is the positive whole number in the environment variable name,
// def when it is unset or not one.
func envSize(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
