package index

import (
	"slices"
	"testing"

	"fabrique/index/synth"
)

// TestSynthUniversAreTheIndexs keeps the synthetic corpus's univers those
// the index knows, so that benchmarks exercise the univers matching.
func TestSynthUniversAreTheIndexs(t *testing.T) {
	if !slices.Equal(synth.Univers, epvUnivers) {
		t.Errorf("synth.Univers = %q, want index.epvUnivers %q", synth.Univers, epvUnivers)
	}
}
