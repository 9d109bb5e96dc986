package index

import (
	"context"
	"math"
	"runtime/debug"
	"testing"

	"fabrique/index/synth"
)

// gcSettings reads the collector's target and memory limit.
func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

// TestRebuildRaisesTheGCTargetAndPutsItBack checks the settings during a
// rebuild (from its progress callback) and after it, for a process at the
// defaults, one with a memory limit of its own, one with a higher target
// and one without a collector.
func TestRebuildRaisesTheGCTargetAndPutsItBack(t *testing.T) {
	percent0, limit0 := gcSettings()
	defer func() {
		debug.SetGCPercent(percent0)
		debug.SetMemoryLimit(limit0)
	}()
	src := sliceSource(synth.Suppliers(300, 5))
	for _, tc := range []struct {
		name               string
		percent            int
		limit              int64
		wantPercent        int
		wantLimitAtMost    int64
		wantLimitUnchanged bool
	}{
		{name: "defaults", percent: 100, limit: math.MaxInt64, wantPercent: rebuildGCPercent, wantLimitAtMost: math.MaxInt64 - 1},
		{name: "operator's low limit kept", percent: 100, limit: 64 << 20, wantPercent: rebuildGCPercent, wantLimitUnchanged: true},
		{name: "higher GOGC kept", percent: 800, limit: math.MaxInt64, wantPercent: 800, wantLimitUnchanged: true},
		{name: "GOGC=off kept", percent: -1, limit: math.MaxInt64, wantPercent: -1, wantLimitUnchanged: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetGCPercent(tc.percent)
			debug.SetMemoryLimit(tc.limit)
			ix, err := Open(t.TempDir(), Options{RebuildBatchSize: 100})
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			calls := 0
			err = ix.Rebuild(context.Background(), src, func(int) {
				calls++
				p, l := gcSettings()
				if p != tc.wantPercent {
					t.Errorf("GC percent during the rebuild = %d, want %d", p, tc.wantPercent)
				}
				switch {
				case tc.wantLimitUnchanged && l != tc.limit:
					t.Errorf("memory limit during the rebuild = %d, want %d", l, tc.limit)
				case !tc.wantLimitUnchanged && l > tc.wantLimitAtMost:
					t.Errorf("memory limit during the rebuild = %d, want a bound", l)
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if calls == 0 {
				t.Fatal("no progress reported")
			}
			if p, l := gcSettings(); p != tc.percent || l != tc.limit {
				t.Errorf("after the rebuild: GC percent %d, limit %d; want %d, %d", p, l, tc.percent, tc.limit)
			}
		})
	}
}
