package index

import (
	"slices"
	"sync"
	"sync/atomic"
)

// The text pool's exact top k without summing every posting (max-score
// pruning). At 1 000 000 suppliers a need's common words (« fabrication »,
// « produits ») have lists of hundreds of thousands of postings per text
// field; summing them all into a score per document, to keep 200, was
// most of a need's CPU. Each clause's score is bounded by its list's
// largest sqrt(freq) × norm, kept with the list, times the clause's idf
// and weight. prunedTop sums the lists best bound first and, as soon as a
// document found in none of them yet could no longer enter the top k even
// if it held every clause left (the bounds left, times the coordination
// factor of matching all of them), stops walking the lists: the documents
// already met are then bounded one by one, and only those that may still
// enter are scored in full, by lookups in every list.
//
// The answer is the exhaustive one, bit for bit: a document's score is
// summed in the clauses' order, as the exhaustive sum adds them, and a
// document is dropped only when its bound is below the k-th best partial
// score by more than rounding (pruneMargin), so no document that could
// enter, or tie, is left out. TestPrunedTopIsExhaustive holds it to the
// exhaustive sum.

// clauseList is a clause's postings with its idf and weight: posting j
// scores tfn[j] × idf × weight, in that order of operations (bleve's
// TermQueryScorer), weight left out when it is 1.
type clauseList struct {
	*postingsList
	idf, weight float64
}

// score is the clause score of the list's posting j.
func (l *clauseList) score(j int) float64 {
	s := l.tfn[j] * l.idf
	if l.weight != 1.0 {
		s *= l.weight
	}
	return s
}

// bound is at least the score of every posting of the list: rounding is
// monotone, so the product of the largest factor bounds the others.
func (l *clauseList) bound() float64 {
	s := l.maxTfn * l.idf
	if l.weight != 1.0 {
		s *= l.weight
	}
	return s
}

// pruneMargin covers the rounding between a score summed in one order and
// its bound summed in another (a few ulps over a few dozen clauses).
const pruneMargin = 1e-9

// textPoolCounts counts the postings of the text pools' lists and those
// summed or looked up (prunedTop), for the benchmarks.
var textPoolCounts struct {
	postings, summed, rescored atomic.Int64
}

// prunedTop returns the k documents that score best for the lists, as the
// exhaustive sum ranks them: the score of a document is the sum, in the
// lists' order, of its clause scores times the share of the clauses it
// holds; ties go to the lower document number. The heap's keys are the
// negated scores.
func prunedTop(lists []clauseList, k int) *topK {
	total := float64(len(lists))
	var postings int64
	order := make([]int, len(lists))
	bounds := make([]float64, len(lists))
	for i := range lists {
		order[i] = i
		bounds[i] = lists[i].bound()
		postings += int64(len(lists[i].docs))
	}
	// Best bound first (ties by clause, for a fixed order).
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case bounds[a] > bounds[b]:
			return -1
		case bounds[a] < bounds[b]:
			return 1
		}
		return 0
	})
	// left[p] bounds the sum of the clauses order[p:].
	left := make([]float64, len(lists)+1)
	for p := len(order) - 1; p >= 0; p-- {
		left[p] = left[p+1] + bounds[order[p]]
	}

	// theta is a lower bound of the k-th best final score: the k-th best
	// partial score of the documents met (a partial score never exceeds
	// the final one). It is recounted when the postings summed since its
	// last count reach the documents met, which keeps its cost within the
	// sums'.
	scratch := pruneScratches.Get().(*pruneScratch)
	defer pruneScratches.Put(scratch)
	var theta float64
	recount := func(acc []partial) {
		if len(acc) < k || k == 0 {
			return
		}
		if cap(scratch.scores) < len(acc) {
			scratch.scores = make([]float64, 0, 2*len(acc))
		}
		scores := scratch.scores[:len(acc)]
		for i, e := range acc {
			scores[i] = e.sum * (float64(e.count) / total)
		}
		theta = max(theta, kthLargest(scores, k))
	}
	// may reports whether a document of partial sum and count, with the
	// clauses order[q:] left, may still reach theta.
	may := func(e partial, q int) bool {
		bound := (e.sum + left[q]) * (float64(int(e.count)+len(order)-q) / total)
		return theta == 0 || bound*(1+pruneMargin) >= theta*(1-pruneMargin)
	}

	// The lists best bound first are merged into the partial sums of the
	// documents met (sorted by document: sequential, where an array the
	// size of the directory is written at random), until a document in
	// none of them could no longer enter.
	acc, spare := &scratch.a, &scratch.b
	*acc, *spare = (*acc)[:0], (*spare)[:0]
	var summed, since int64
	p := 0
	for ; p < len(order); p++ {
		if p > 0 && since > 0 && since >= int64(len(*acc)) {
			recount(*acc)
			since = 0
		}
		rest := float64(len(order) - p)
		if theta > 0 && left[p]*(rest/total)*(1+pruneMargin) < theta*(1-pruneMargin) {
			break
		}
		l := &lists[order[p]]
		if n := len(*acc) + len(l.docs); cap(*spare) < n {
			*spare = make([]partial, 0, n+n/2)
		}
		*spare = mergePartials((*spare)[:0], *acc, l)
		acc, spare = spare, acc
		summed += int64(len(l.docs))
		since += int64(len(l.docs))
	}
	if since > 0 {
		recount(*acc)
	}

	// The documents that may still enter, with their partial sums; the
	// lists left, best bound first, are looked up for them only, and
	// after each the candidates whose bound fell below theta go.
	cands := *spare
	cands = cands[:0]
	for _, e := range *acc {
		if may(e, p) {
			cands = append(cands, e)
		}
	}
	// theta is recounted when the clauses added since its last count
	// reach an eighth of the candidates: fewer move it little.
	var rescored, added int64
	for q := p; q < len(order) && len(cands) > 0; q++ {
		l := &lists[order[q]]
		j := 0
		for c := range cands {
			if j = seekDoc(l.docs, j, cands[c].doc); j == len(l.docs) {
				break
			}
			if l.docs[j] == cands[c].doc {
				cands[c].sum += l.score(j)
				cands[c].count++
				added++
			}
		}
		if 8*added >= int64(len(cands)) {
			recount(cands)
			rescored += added
			added = 0
		}
		kept := 0
		for _, e := range cands {
			if may(e, q+1) {
				cands[kept] = e
				kept++
			}
		}
		cands = cands[:kept]
	}
	*spare = cands[:0]

	// Their exact scores, summed in the lists' order.
	sum := make([]float64, len(cands))
	count := make([]uint16, len(cands))
	for i := range lists {
		l := &lists[i]
		j := 0
		for c := range cands {
			if j = seekDoc(l.docs, j, cands[c].doc); j == len(l.docs) {
				break
			}
			if l.docs[j] == cands[c].doc {
				sum[c] += l.score(j)
				count[c]++
			}
		}
	}
	top := newTopK(k)
	for c, e := range cands {
		// The key orders best first, ties by document number.
		top.offer(e.doc, -(sum[c] * (float64(count[c]) / total)))
	}
	textPoolCounts.postings.Add(postings)
	textPoolCounts.summed.Add(summed)
	textPoolCounts.rescored.Add(rescored + added)
	return top
}

// kthLargest returns the k-th largest of v (1 ≤ k ≤ len(v)), reordering
// v: a quickselect, linear where a heap of k would pay log k per value.
func kthLargest(v []float64, k int) float64 {
	lo, hi, want := 0, len(v)-1, k-1
	for lo < hi {
		// Median of three as the pivot, then Hoare's partition,
		// descending.
		mid := lo + (hi-lo)/2
		if v[mid] > v[lo] {
			v[mid], v[lo] = v[lo], v[mid]
		}
		if v[hi] > v[lo] {
			v[hi], v[lo] = v[lo], v[hi]
		}
		if v[hi] > v[mid] {
			v[hi], v[mid] = v[mid], v[hi]
		}
		pivot := v[mid]
		i, j := lo, hi
		for i <= j {
			for v[i] > pivot {
				i++
			}
			for v[j] < pivot {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case want <= j:
			hi = j
		case want >= i:
			lo = i
		default:
			return v[want]
		}
	}
	return v[want]
}

// partial is a document's partial sum of clause scores and the number of
// clauses summed.
type partial struct {
	doc   uint32
	count uint16
	sum   float64
}

// pruneScratch holds prunedTop's partial sums (a and b, merged into each
// other) and its threshold's scores, reused from need to need.
type pruneScratch struct {
	a, b   []partial
	scores []float64
}

var pruneScratches = sync.Pool{New: func() any { return new(pruneScratch) }}

// mergePartials appends to dst the union of acc (sorted by document) and
// the list's postings, adding the list's clause score to the documents of
// both.
func mergePartials(dst, acc []partial, l *clauseList) []partial {
	i := 0
	for j, d := range l.docs {
		for i < len(acc) && acc[i].doc < d {
			dst = append(dst, acc[i])
			i++
		}
		e := partial{doc: d}
		if i < len(acc) && acc[i].doc == d {
			e = acc[i]
			i++
		}
		e.sum += l.score(j)
		e.count++
		dst = append(dst, e)
	}
	return append(dst, acc[i:]...)
}

// seekDoc returns the first position at or after from where docs (sorted)
// holds d or more, len(docs) when none: a galloping search, as the
// documents sought ascend and are few against a long list.
func seekDoc(docs []uint32, from int, d uint32) int {
	if from >= len(docs) || docs[from] >= d {
		return from
	}
	lo, step := from, 1 // docs[lo] < d
	hi := lo + step
	for hi < len(docs) && docs[hi] < d {
		lo = hi
		step *= 2
		hi = lo + step
	}
	hi = min(hi, len(docs))
	// docs[lo] < d, and docs[hi] >= d or hi == len(docs).
	j, _ := slices.BinarySearch(docs[lo+1:hi], d)
	return lo + 1 + j
}
