package index_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/index"
)

// tenderMemSource is a TenderSource in memory that writes may change
// while it is walked, like the store; the walk goes in id order, and
// stops at pause when set.
type tenderMemSource struct {
	memRecords[data.Tender]
	pause *walkPause
}

// TendersChecksum is the store's: a data.StampSum over (ID, stamp).
func (s *tenderMemSource) TendersChecksum(context.Context) (int, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var sum data.StampSum
	for _, x := range s.m {
		sum.Add(x.ID, data.Stamp(x.UpdatedAt))
	}
	return len(s.m), sum.String(), nil
}

func newTenderMemSource(tenders []data.Tender) *tenderMemSource {
	return &tenderMemSource{memRecords: newMemRecords(tenders, func(t *data.Tender) string { return t.ID })}
}

func (s *tenderMemSource) Tenders(ctx context.Context, fn func(data.Tender) error) error {
	return s.walk(ctx, pausing(s.pause, fn))
}

func (s *tenderMemSource) Tender(_ context.Context, id string) (data.Tender, error) {
	return s.lookup(id)
}

func (s *tenderMemSource) set(x data.Tender) { s.put(x.ID, x) }

// genTenders returns the first n tenders of the benchmarks' corpus.
func genTenders(n int) []data.Tender {
	gen := newTenderGen(1)
	tenders := make([]data.Tender, n)
	for i := range tenders {
		tenders[i] = gen.tender(i)
	}
	return tenders
}

// TestTenderWritesDuringRebuildAreKept writes while a rebuild has handed a
// first chunk to its workers and not yet walked the rest: an update of a
// walked tender, the deletion of one not yet walked and an addition must
// all be in the index that the rebuild swaps in, which must then agree
// with the source.
func TestTenderWritesDuringRebuildAreKept(t *testing.T) {
	ctx := context.Background()
	const n = 3000 // more than a rebuild's chunk (2 500): two chunks
	mem := newTenderMemSource(genTenders(n))
	ti := openTenders(t, filepath.Join(t.TempDir(), "tenders"), tenderBenchNow)
	if rebuilt, _, err := ti.EnsureConsistent(ctx, mem, nil); err != nil || !rebuilt {
		t.Fatalf("first EnsureConsistent = %t, %v; want a rebuild", rebuilt, err)
	}

	ids := mem.ids()
	mem.pause = newWalkPause(2600)
	var progress []int
	done := make(chan error, 1)
	go func() { done <- ti.Rebuild(ctx, mem, func(n int) { progress = append(progress, n) }) }()
	select {
	case <-mem.pause.reached:
	case err := <-done:
		t.Fatalf("rebuild ended before the walk reached %d: %v", mem.pause.at, err)
	}

	renamed, err := mem.Tender(ctx, ids[0]) // walked, in the first chunk
	if err != nil {
		t.Fatal(err)
	}
	renamed.Title = "Marché renommé pendant la reconstruction"
	renamed.UpdatedAt = renamed.UpdatedAt.Add(time.Hour)
	mem.set(renamed)
	deleted := ids[n-1] // not walked yet
	mem.remove(deleted)
	added := data.Tender{ID: "manual:ajout-reconstruction", Source: "manual", SourceID: "ajout-reconstruction",
		Title: "Marché ajouté pendant la reconstruction", UpdatedAt: tenderBenchNow}
	mem.set(added)
	if err := ti.Apply(ctx, mem, []string{renamed.ID, deleted, added.ID}); err != nil {
		t.Fatal(err)
	}
	close(mem.pause.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	if got, _ := ti.Count(); got != n {
		t.Errorf("Count = %d, want %d (%d - 1 deleted + 1 added)", got, n, n)
	}
	if !slices.IsSorted(progress) || len(progress) == 0 || progress[len(progress)-1] != n-1 {
		t.Errorf("progress %v: want increasing counts up to %d (the walk saw the deletion, not the addition)", progress, n-1)
	}
	for text, want := range map[string]string{"renommé reconstruction": renamed.ID, "ajouté reconstruction": added.ID} {
		res := searchTenders(t, ti, index.TenderQuery{Text: text, At: tenderBenchNow})
		if ids := tenderHitIDs(res); len(ids) == 0 || ids[0] != want {
			t.Errorf("%q: hits %v, want %s first: a write made during the rebuild was lost", text, ids, want)
		}
	}
	if rebuilt, reason, err := ti.EnsureConsistent(ctx, mem, nil); err != nil || rebuilt {
		t.Errorf("after a rebuild with concurrent writes: rebuilt %t (%s), %v; want the index in step", rebuilt, reason, err)
	}
}
