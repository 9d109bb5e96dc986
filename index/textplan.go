package index

import (
	"container/heap"
	"context"
	"math"
	"slices"
	"sort"

	index "github.com/blevesearch/bleve_index_api"
)

// The text of a search is a conjunction (every word) or, relaxed, a
// disjunction of word clauses, each a disjunction of term queries (the
// stem in each text field, its trade alternatives, the word in names, its
// near spellings). bleve runs it as a tree of searchers that advance
// postings iterators; with scores, zap advances an iterator by decoding
// every posting it skips, and a conjunction that holds a common word
// (« fabrication » is in half the NAF labels) walks and scores its whole
// list to find the few documents the rare word has: at 100 000 suppliers
// that was most of the slowest searches.
//
// textPlan evaluates the same tree over decoded postings arrays: a
// conjunction enumerates its rarest clause and probes the others for
// those documents only (a binary search that gallops forward), a
// disjunction merges its clauses' sorted lists (textplan_merge.go). It computes bleve's own
// tf-idf scores in bleve's order of operations, so the scores are the same
// to the last bit:
//
//	term      = sqrt(freq) × norm × idf × (boost × idf × queryNorm)
//	idf       = 1 + ln(docCount / (postings + 1))
//	queryNorm = 1 / sqrt(Σ (boost × idf)²) over every term of the query
//	disjunction = Σ matching children × matching / children
//	conjunction = Σ children
//
// each sum taken over the children in the order bleve's searchers sort
// them (by their count of postings). bleve's disjunction of more than
// DisjunctionHeapTakeover children adds in the order its heap pops them:
// where it is only read in order (a single word, the relaxed search) the
// plan replays that heap (walkHeap); inside a conjunction, which
// advances it, the plan replays the conjunction's searchers step for step
// (replayConj, textplan_conj.go). The parts the plan does not evaluate
// (keyword fields, unspelled fuzzy words) still go to bleve.
// TestTextPlanAgreesWithBleve holds the plan to bleve's answers, scores
// to the last bit.
//
// Long postings lists are read from the snapshot's columns
// (postingsCache), so a write, which makes a new snapshot, never meets
// lists of the one before; so are the merged clauses of common words
// (clauseUnion, textplan_union.go), from which a search recomputes its
// scores in the same order of additions.

// bleveTextKey, as a context key with any value, makes a search run its
// text through bleve's searchers: the old path, which the tests compare
// the plan with.
type bleveTextKey struct{}

// disjunctionHeapTakeover is bleve's searcher.DisjunctionHeapTakeover: a
// disjunction of more children is summed in heap order.
const disjunctionHeapTakeover = 10

// planNode is a node of the text query tree: a term (children nil) or a
// disjunction or conjunction of its children.
type planNode struct {
	conj bool
	// heap is set on a disjunction of more than disjunctionHeapTakeover
	// children: bleve keeps them in the query's order and merges them
	// through a heap (walkHeap).
	heap     bool
	children []*planNode // sorted as bleve's searchers sort them, unless heap

	clause textClause // a term
	count  uint64     // postings of the term; the sum of the children's
	idf    float64
	// queryWeight multiplies a term's scores (boost × idf × queryNorm).
	queryWeight float64
	docs        []uint32  // the term's postings
	tfn         []float64 // sqrt(freq) × norm for each of docs
	// pl is the term's list when the snapshot's cache holds it: probed
	// through its docSet when it is dense (textplan_union.go).
	pl *postingsList
	// reader reads the term's postings until load does (planBuilder).
	reader index.TermFieldReader

	// A clause kept per snapshot (textplan_union.go): its union, once
	// built, and where to keep it.
	union    *clauseUnion
	unions   *unionCache
	unionKey string
	live     int // the snapshot's live documents, which bound the cache
	// part lists the children the union holds (its kids, in order), in
	// the children's order; inUnion marks them; extras are the other
	// children with postings, added to the union's at each search.
	part    []int
	inUnion []bool
	extras  []int
}

// weight is bleve's Searcher.Weight: (boost × idf)² for a term, the sum of
// the children's otherwise, in their order.
func (n *planNode) weight() float64 {
	if n.children == nil {
		w := n.clause.boost * n.idf
		return w * w
	}
	var sum float64
	for _, c := range n.children {
		sum += c.weight()
	}
	return sum
}

// setQueryNorm gives every term its query weight.
func (n *planNode) setQueryNorm(norm float64) {
	if n.children == nil {
		n.queryWeight = n.clause.boost * n.idf * norm
		return
	}
	for _, c := range n.children {
		c.setQueryNorm(norm)
	}
}

// byCount sorts nodes as bleve's OrderedSearcherList does (sort.Sort on
// Count), so that ties end in the same order.
type byCount []*planNode

func (s byCount) Len() int           { return len(s) }
func (s byCount) Less(i, j int) bool { return s[i].count < s[j].count }
func (s byCount) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }

// textPlan is the text query of a search, ready to evaluate.
type textPlan struct {
	root *planNode
	// filter, when not nil, lists the documents the query's filters
	// keep, ascending. bleve filters a boolean query whose must clause is
	// the text: its score is the text's (0 + the text's score, the same
	// query norm), so filtering the plan's matches gives the same hits.
	filter []uint32
}

// newTextPlan builds the plan of the text query of terms on snap, reading
// postings lists (long ones through cols' cache); ok is false when the
// query has a part the plan does not evaluate exactly.
func newTextPlan(ctx context.Context, snap index.IndexReader, cols *columns, terms []queryTerm, relaxed bool) (_ *textPlan, ok bool, err error) {
	if len(terms) == 0 {
		return nil, false, nil
	}
	conj := !relaxed && len(terms) > 1
	specs := make([]clauseSpec, len(terms))
	for i, t := range terms {
		specs[i] = wordSpec(t)
		if !planSupports(specs[i]) {
			return nil, false, nil
		}
	}
	docCount, err := snap.DocCount()
	if err != nil {
		return nil, false, err
	}
	b := planBuilder{ctx: ctx, snap: snap, cols: cols, docCount: docCount}
	defer b.close()
	var root *planNode
	if len(specs) == 1 {
		root, err = b.node(specs[0])
	} else {
		root = &planNode{conj: conj, heap: !conj && len(specs) > disjunctionHeapTakeover}
		for _, s := range specs {
			c, err := b.node(s)
			if err != nil {
				return nil, false, err
			}
			root.children = append(root.children, c)
			root.count += c.count
		}
		if !root.heap {
			sort.Sort(byCount(root.children))
		}
	}
	if err != nil {
		return nil, false, err
	}
	if root.conj && root.hasHeap() {
		// Replayed (textplan_conj.go): every term is read.
		if err := b.loadAll(root); err != nil {
			return nil, false, err
		}
	}
	root.setQueryNorm(1.0 / math.Sqrt(root.weight()))
	return &textPlan{root: root}, true, nil
}

// planSupports reports whether the plan evaluates s as bleve does.
func planSupports(s clauseSpec) bool {
	if s.sub == nil {
		// Keyword fields keep no norms: bleve's scores there are not
		// numbers, and a fuzzy query expands when it runs.
		return s.fuzziness == 0 && s.field != fSIREN && s.field != fSIRETs
	}
	for _, c := range s.sub {
		if !planSupports(c) {
			return false
		}
	}
	return true
}

// planBuilder reads the postings of a plan's terms.
type planBuilder struct {
	ctx      context.Context
	snap     index.IndexReader
	cols     *columns
	docCount uint64
	// leaves are the terms whose reader may still be open (load closes
	// it).
	leaves []*planNode
}

// close closes the readers of the terms that were not read.
func (b *planBuilder) close() {
	for _, n := range b.leaves {
		if n.reader != nil {
			_ = n.reader.Close()
			n.reader = nil
		}
	}
	b.leaves = b.leaves[:0]
}

func (b *planBuilder) node(s clauseSpec) (*planNode, error) {
	if s.sub == nil {
		n, err := b.leaf(textClause{term: s.term, field: s.field, boost: s.boost})
		if err != nil {
			return nil, err
		}
		return n, b.load(n)
	}
	n := &planNode{heap: len(s.sub) > disjunctionHeapTakeover}
	for _, c := range s.sub {
		var child *planNode
		var err error
		if c.sub == nil {
			child, err = b.leaf(textClause{term: c.term, field: c.field, boost: c.boost})
		} else {
			child, err = b.node(c)
		}
		if err != nil {
			return nil, err
		}
		n.children = append(n.children, child)
		n.count += child.count
	}
	if !n.heap {
		sort.Sort(byCount(n.children))
	}
	if b.cols != nil {
		b.cols.unions.attach(n, len(b.cols.live))
	}
	// The terms a kept union answers for need not be read.
	for i, c := range n.children {
		if n.union != nil && n.inUnion[i] {
			continue
		}
		if err := b.load(c); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// loadAll reads the postings of every term of n not read yet (a clause
// that a conjunction replays reads its terms, union or not).
func (b *planBuilder) loadAll(n *planNode) error {
	if n.children == nil {
		return b.load(n)
	}
	for _, c := range n.children {
		if err := b.loadAll(c); err != nil {
			return err
		}
	}
	return nil
}

// leaf returns the node of term query c, with its count and idf; its
// postings are read by load, through the reader opened here (b.close
// closes it if they are not).
func (b *planBuilder) leaf(c textClause) (*planNode, error) {
	r, err := b.snap.TermFieldReader(b.ctx, []byte(c.term), c.field, true, true, false)
	if err != nil {
		return nil, err
	}
	n := &planNode{clause: c, count: r.Count(), reader: r}
	n.idf = 1.0 + math.Log(float64(b.docCount)/float64(n.count+1.0))
	b.leaves = append(b.leaves, n)
	return n, nil
}

// load reads the postings of leaf n: from the columns' cache when the list
// is long, else decoded here.
func (b *planBuilder) load(n *planNode) error {
	r := n.reader
	if n.count == 0 || n.docs != nil {
		return nil
	}
	var err error
	if r == nil { // closed by b.close: read again
		if r, err = b.snap.TermFieldReader(b.ctx, []byte(n.clause.term), n.clause.field, true, true, false); err != nil {
			return err
		}
	}
	n.reader = nil
	defer r.Close()
	if b.cols != nil {
		pl, err := b.cols.postings.postingsOf(b.ctx, n.clause, r)
		if err != nil {
			return err
		}
		if pl != nil {
			n.docs, n.tfn, n.pl = pl.docs, pl.tfn, pl
			return nil
		}
	}
	n.docs, n.tfn = make([]uint32, 0, n.count), make([]float64, 0, n.count)
	var tfd *index.TermFieldDoc
	for {
		if len(n.docs)%8192 == 8191 {
			if err := b.ctx.Err(); err != nil {
				return err
			}
		}
		if tfd, err = r.Next(tfd); err != nil {
			return err
		}
		if tfd == nil {
			return nil
		}
		n.docs = append(n.docs, uint32(tfd.ID.Value()))
		n.tfn = append(n.tfn, math.Sqrt(float64(tfd.Freq))*tfd.Norm)
	}
}

// termScore is bleve's TermQueryScorer score of posting i of term n.
func (n *planNode) termScore(i int) float64 {
	score := n.tfn[i] * n.idf
	if n.queryWeight != 1.0 {
		score *= n.queryWeight
	}
	return score
}

// planMatch is a document the plan matches, and its score.
type planMatch struct {
	doc   uint32
	score float64
}

// matches returns every document the plan matches, in document order.
func (p *textPlan) matches(ctx context.Context) ([]planMatch, error) {
	if p.root.conj && p.root.hasHeap() {
		// A heap clause in a conjunction adds in the order of bleve's
		// advances: replayed (textplan_conj.go).
		return p.root.replayConj(ctx)
	}
	return p.root.enumerate(ctx)
}

// enumerate lists the documents n matches with their scores, in document
// order.
func (n *planNode) enumerate(ctx context.Context) ([]planMatch, error) {
	switch {
	case n.children == nil:
		out := make([]planMatch, len(n.docs))
		for i, d := range n.docs {
			out[i] = planMatch{d, n.termScore(i)}
		}
		return out, nil
	case n.unions != nil:
		return n.enumerateUnion(ctx)
	case n.conj:
		// The rarest clause proposes, the others confirm.
		cands, err := n.children[0].enumerate(ctx)
		if err != nil {
			return nil, err
		}
		parts := make([][]float64, len(n.children))
		parts[0] = make([]float64, len(cands))
		for j, m := range cands {
			parts[0][j] = m.score
		}
		for i, c := range n.children[1:] {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			parts[i+1] = c.probe(cands)
		}
		out := cands[:0] // in place: out[k] is written after cands[j ≥ k] is read
		for j, m := range cands {
			var sum float64
			matched := true
			for _, part := range parts {
				if part[j] < 0 { // no match
					matched = false
					break
				}
				sum += part[j]
			}
			if matched {
				out = append(out, planMatch{m.doc, sum})
			}
		}
		return out, nil
	}
	return n.enumerateWalk(ctx)
}

// walkHeap calls fn with each document the cursors hold, in document
// order, and the cursors at it in the order bleve's heap pops them (its
// order of additions); fn must not keep at. It moves the cursors to their
// ends.
func walkHeap(ctx context.Context, curs []*mergeCursor, fn func(d uint32, at []*mergeCursor)) error {
	h := &docHeap[*mergeCursor]{}
	for _, cur := range curs {
		if cur.valid() {
			heap.Push(h, cur)
		}
	}
	var matching []*mergeCursor
	for seen := 0; h.Len() > 0; seen++ {
		if seen%8192 == 8191 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		matching = append(matching[:0], heap.Pop(h).(*mergeCursor))
		d := matching[0].doc()
		for h.Len() > 0 && (*h)[0].doc() == d {
			matching = append(matching, heap.Pop(h).(*mergeCursor))
		}
		fn(d, matching)
		for _, c := range matching {
			if c.pos++; c.valid() {
				heap.Push(h, c)
			}
		}
	}
	return nil
}

// docHeap orders cursors by their document as bleve's heap searcher
// orders its children (Less, Swap, Push and Pop as there).
type docHeap[T interface{ doc() uint32 }] []T

func (h docHeap[T]) Len() int           { return len(h) }
func (h docHeap[T]) Less(i, j int) bool { return h[i].doc() < h[j].doc() }
func (h docHeap[T]) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *docHeap[T]) Push(x any)        { *h = append(*h, x.(T)) }
func (h *docHeap[T]) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// probe scores the candidates (in document order) against n: the i-th
// result is candidate i's score, or -1 when n does not match it (scores
// are never negative: boosts, norms and idf are positive).
func (n *planNode) probe(cands []planMatch) []float64 {
	if n.union != nil {
		return n.probeUnion(cands)
	}
	out := make([]float64, len(cands))
	if n.children == nil {
		for j := range out {
			out[j] = -1
		}
		n.probeInto(cands, out, nil)
		return out
	}
	// A disjunction (conjunctions are only at the root): its children in
	// order, as bleve adds them.
	counts := make([]uint16, len(cands))
	for _, c := range n.children {
		if c.children == nil {
			c.probeInto(cands, out, counts)
			continue
		}
		for j, s := range c.probe(cands) {
			if s >= 0 {
				out[j] += s
				counts[j]++
			}
		}
	}
	total := float64(len(n.children))
	for j := range out {
		if counts[j] == 0 {
			out[j] = -1
		} else {
			out[j] *= float64(counts[j]) / total
		}
	}
	return out
}

// probeInto adds the scores of term n for the candidates it holds to
// sums, counting them in counts; with counts nil, it sets them instead.
func (n *planNode) probeInto(cands []planMatch, sums []float64, counts []uint16) {
	add := func(j, pos int) {
		if counts == nil {
			sums[j] = n.termScore(pos)
			return
		}
		sums[j] += n.termScore(pos)
		counts[j]++
	}
	if n.pl != nil {
		if set := n.pl.denseSet(); set != nil {
			for j, m := range cands {
				if pos := set.index(m.doc); pos >= 0 {
					add(j, pos)
				}
			}
			return
		}
	}
	pos := 0
	for j, m := range cands {
		if pos = gallop(n.docs, pos, m.doc); pos == len(n.docs) {
			return
		}
		if n.docs[pos] == m.doc {
			add(j, pos)
		}
	}
}

// gallop returns the first position at or after from where docs holds a
// document ≥ d (len(docs) if none): an exponential then binary search.
func gallop(docs []uint32, from int, d uint32) int {
	if from >= len(docs) || docs[from] >= d {
		return from
	}
	step := 1
	lo, hi := from, from+1 // docs[lo] < d
	for hi < len(docs) && docs[hi] < d {
		lo = hi
		step *= 2
		hi = lo + step
	}
	hi = min(hi, len(docs))
	// docs[lo] < d, docs[hi] ≥ d or hi == len(docs): a binary search of
	// the first ≥ d in (lo, hi], written out (sort.Search's closure costs
	// a call per step, and a probe of a common word makes hundreds of
	// thousands of searches).
	lo++
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if docs[m] < d {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// planPage runs the plan and keeps q's page, as execute does with bleve's
// matches: the same exact radius, facets and order (bleve's collector
// breaks ties of score by name, as topK does).
func planPage(ctx context.Context, plan *textPlan, cols *columns, q Query, ord order, circ *circle, fc *facetCounter, key func(uint32) float64) (page, error) {
	ms, err := plan.matches(ctx)
	if err != nil {
		return page{}, err
	}
	from, window := (q.Page-1)*q.PerPage, q.Page*q.PerPage
	top := newTopK(window).byNameTies(cols)
	var p page
	pos := 0
	for _, m := range ms {
		d := m.doc
		if plan.filter != nil {
			if pos = gallop(plan.filter, pos, d); pos == len(plan.filter) {
				break
			}
			if plan.filter[pos] != d {
				continue
			}
		}
		if !cols.hasDoc(d) || (!q.IncludeCeased && cols.isCeased(d)) || (circ != nil && !cols.within(d, circ)) {
			continue
		}
		p.total++
		if fc != nil {
			fc.add(d)
		}
		top.offerIn(ord, d, m.score, key)
	}
	p.hits = top.page(from)
	if fc != nil {
		p.facets = fc.facets()
	}
	return p, nil
}

// filterDocs lists the documents q's filters keep, ascending: for each kind
// of filter the documents holding one of its values, and the documents
// every kind keeps (as filterQueries asks bleve); nil when q has no filter.
func filterDocs(ctx context.Context, snap index.IndexReader, q Query) ([]uint32, error) {
	var out []uint32
	first := true
	for _, f := range filterFields(q) {
		var kind []uint32
		for _, v := range f.vals {
			r, err := snap.TermFieldReader(ctx, []byte(v), f.field, false, false, false)
			if err != nil {
				return nil, err
			}
			var tfd *index.TermFieldDoc
			for {
				if tfd, err = r.Next(tfd); err != nil || tfd == nil {
					break
				}
				kind = append(kind, uint32(tfd.ID.Value()))
			}
			if cerr := r.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return nil, err
			}
		}
		if len(f.vals) > 1 {
			slices.Sort(kind)
			kind = slices.Compact(kind)
		}
		if first {
			out, first = kind, false
			if out == nil {
				out = []uint32{}
			}
			continue
		}
		kept, pos := out[:0], 0
		for _, d := range out {
			if pos = gallop(kind, pos, d); pos == len(kind) {
				break
			}
			if kind[pos] == d {
				kept = append(kept, d)
			}
		}
		out = kept
	}
	return out, nil
}
