package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestServeDoesNotLinkBenchmarkCode keeps the synthetic corpus and the
// harness's baselines (SQLite, PostgreSQL driver) out of the production
// binary: only tests, web/loadtest and cmd/fabrique-bench link them.
func TestServeDoesNotLinkBenchmarkCode(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "fabrique/cmd/fabrique").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, "fabrique/index") {
		t.Fatalf("go list -deps fabrique/cmd/fabrique does not list fabrique/index: %d packages", len(deps))
	}
	for _, d := range deps {
		for _, banned := range []string{"fabrique/index/synth", "modernc.org/sqlite", "github.com/jackc/pgx"} {
			if d == banned || strings.HasPrefix(d, banned+"/") {
				t.Errorf("the fabrique binary links %s (benchmark code)", d)
			}
		}
	}
}
