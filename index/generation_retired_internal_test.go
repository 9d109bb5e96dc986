package index

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestRetiredGenerationAnswersClosed: a generation retired while a
// background compaction or a search still holds it answers ErrClosed
// instead of panicking on the nil snapshot a closed scorch index gives
// (seen under -race: compactInBackground of a generation replaced by a
// newer rebuild).
func TestRetiredGenerationAnswersClosed(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	g, err := createGeneration(t.TempDir(), "g1", m)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 { // a few segments, so that compact has work
		b := g.idx.NewBatch()
		if err := b.Index(fmt.Sprintf("s%d", i), map[string]any{fName: fmt.Sprintf("Atelier %d", i)}); err != nil {
			t.Fatal(err)
		}
		if err := g.idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := segmentCount(g); err != nil || n == 0 {
		t.Fatalf("before retiring: %d segments, %v", n, err)
	}
	if err := g.retire(true); err != nil {
		t.Fatal(err)
	}
	if _, err := segmentCount(g); !errors.Is(err, ErrClosed) {
		t.Errorf("segmentCount of a retired generation: %v, want ErrClosed", err)
	}
	if _, err := g.compact(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("compact of a retired generation: %v, want ErrClosed", err)
	}
	if _, err := indexStamps(g); !errors.Is(err, ErrClosed) {
		t.Errorf("indexStamps of a retired generation: %v, want ErrClosed", err)
	}
}
