package index

import (
	"container/heap"
	"math/rand/v2"
	"slices"
	"testing"
)

// exhaustiveTop is the text pool's sum before pruning: every posting of
// every list added to its document, in the lists' order.
func exhaustiveTop(lists []clauseList, k int) []keyed {
	sum := map[uint32]float64{}
	count := map[uint32]int{}
	for i := range lists {
		l := &lists[i]
		for j, d := range l.docs {
			sum[d] += l.score(j)
			count[d]++
		}
	}
	top := newTopK(k)
	total := float64(len(lists))
	for d, s := range sum {
		top.offer(d, -(s * (float64(count[d]) / total)))
	}
	return drain(top)
}

// drain empties a top k, best first.
func drain(top *topK) []keyed {
	out := make([]keyed, len(top.h))
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = heap.Pop(&top.h).(keyed)
	}
	return out
}

// randomLists draws lists shaped like a need's clauses: a few rare ones
// with high idf, common ones in much of the directory, sqrt(freq) × norm
// from a few values (so that scores tie), weights of 1 and others.
func randomLists(r *rand.Rand, docs, clauses int, common float64) []clauseList {
	tfns := []float64{0.25, 0.5, 0.35355339059327373, 0.7071067811865476, 1}
	lists := make([]clauseList, clauses)
	for i := range lists {
		share := 0.001 + r.Float64()*0.01
		if r.Float64() < common {
			share = 0.2 + r.Float64()*0.5
		}
		pl := &postingsList{}
		for d := range docs {
			if r.Float64() < share {
				tfn := tfns[r.IntN(len(tfns))]
				pl.docs = append(pl.docs, uint32(d))
				pl.tfn = append(pl.tfn, tfn)
				pl.maxTfn = max(pl.maxTfn, tfn)
			}
		}
		idf := 1 + 10*(1-share)*r.Float64()
		weight := 1.0
		if r.IntN(3) > 0 {
			weight = r.Float64() * 2
		}
		lists[i] = clauseList{postingsList: pl, idf: idf, weight: weight}
	}
	return lists
}

// prunedTop returns the exhaustive sum's top k, documents and scores bit
// for bit, ties included, and on needs shaped like the directory's it
// sums fewer postings than the lists hold.
func TestPrunedTopIsExhaustive(t *testing.T) {
	tests := []struct {
		name            string
		docs, clauses   int
		common          float64
		k               int
		seeds           int
		wantFewerSummed bool
	}{
		{"rare and common words, pool of 200", 50_000, 24, 0.4, 200, 6, true},
		{"many common words", 30_000, 32, 0.8, 200, 4, false},
		{"rare words only, fewer documents than k", 5_000, 8, 0, 200, 4, false},
		{"top 10", 20_000, 16, 0.5, 10, 4, true},
		{"top 1", 10_000, 12, 0.5, 1, 4, false},
		{"one clause", 10_000, 1, 1, 50, 2, false},
		{"k of 0", 1_000, 4, 0.5, 0, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var postings, summed int64
			for seed := range tt.seeds {
				lists := randomLists(rand.New(rand.NewPCG(uint64(seed), 7)), tt.docs, tt.clauses, tt.common)
				want := exhaustiveTop(lists, tt.k)
				p0, s0 := textPoolCounts.postings.Load(), textPoolCounts.summed.Load()
				got := drain(prunedTop(lists, tt.k))
				postings += textPoolCounts.postings.Load() - p0
				summed += textPoolCounts.summed.Load() - s0
				if !slices.Equal(got, want) {
					t.Fatalf("seed %d: pruned top differs from the exhaustive sum:\n got %v\nwant %v", seed, got, want)
				}
			}
			t.Logf("summed %d of %d postings", summed, postings)
			if tt.wantFewerSummed && summed >= postings {
				t.Errorf("summed %d postings of %d: nothing pruned", summed, postings)
			}
		})
	}
}

func TestSeekDoc(t *testing.T) {
	docs := []uint32{2, 3, 5, 8, 13, 21, 34, 55, 89}
	tests := []struct {
		name string
		from int
		d    uint32
		want int
	}{
		{"before the first", 0, 1, 0},
		{"the first", 0, 2, 0},
		{"between", 0, 9, 4},
		{"present, far", 0, 55, 7},
		{"the last", 3, 89, 8},
		{"past the last", 0, 90, 9},
		{"from a later position", 5, 22, 6},
		{"already there", 4, 10, 4},
		{"from the end", 9, 100, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := seekDoc(docs, tt.from, tt.d); got != tt.want {
				t.Errorf("seekDoc(%d, %d) = %d, want %d", tt.from, tt.d, got, tt.want)
			}
		})
	}
}

func TestKthLargest(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tests := []struct {
		name string
		v    []float64
	}{
		{"one value", []float64{2}},
		{"ascending", []float64{1, 2, 3, 4, 5, 6, 7}},
		{"descending", []float64{7, 6, 5, 4, 3, 2, 1}},
		{"all equal", []float64{3, 3, 3, 3, 3}},
		{"ties", []float64{1, 5, 5, 2, 5, 1, 9, 9}},
		{"random", func() []float64 {
			v := make([]float64, 5000)
			for i := range v {
				v[i] = float64(r.IntN(300)) / 7
			}
			return v
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sorted := slices.Clone(tt.v)
			slices.Sort(sorted)
			slices.Reverse(sorted)
			for k := 1; k <= len(tt.v); k += 1 + len(tt.v)/50 {
				if got := kthLargest(slices.Clone(tt.v), k); got != sorted[k-1] {
					t.Fatalf("k = %d: %g, want %g", k, got, sorted[k-1])
				}
			}
			if got := kthLargest(slices.Clone(tt.v), len(tt.v)); got != sorted[len(tt.v)-1] {
				t.Fatalf("k = len: %g, want %g", got, sorted[len(tt.v)-1])
			}
		})
	}
}
