package index

import (
	"html"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Highlights are computed here rather than by bleve's highlighter: bleve's
// needs term vectors on every text field (an index 2.3 times larger) and
// does not escape the text around its marks. Re-analysing the few texts of
// a page of hits is cheap and gives exact, escaped fragments.

// fragmentBytes is the length of a fragment cut from a long text.
const fragmentBytes = 220

type highlighter struct {
	text, name analysis.Analyzer
	stems      map[string]bool // query stems and their trade alternatives
	words      map[string]bool // folded query words, matched in names
	typos      []string        // words the index did not know, matched fuzzily in names
}

func (ix *Index) newHighlighter(terms []queryTerm) *highlighter {
	h := &highlighter{text: ix.text, name: ix.name, stems: map[string]bool{}, words: map[string]bool{}}
	for _, t := range terms {
		h.stems[t.stem] = true
		for _, a := range t.alts {
			h.stems[a] = true
		}
		if t.word != "" {
			h.words[t.word] = true
			if t.typo && len(t.word) >= minFuzzyLen {
				h.typos = append(h.typos, t.word)
			}
		}
	}
	return h
}

// highlight returns the fragments of s where the query matched.
func (h *highlighter) highlight(s srcDoc) map[string][]string {
	out := map[string][]string{}
	add := func(field, text string, isName bool) {
		if frag, ok := h.fragment(text, isName); ok {
			out[field] = append(out[field], frag)
		}
	}
	add("name", s.Name, true)
	for _, t := range s.TradeNames {
		add("trade_names", t, true)
	}
	for _, t := range s.Products {
		add("products", t, false)
	}
	for _, t := range s.Activities {
		add("activities", t, false)
	}
	add("naf_label", s.NAFLabel, false)
	add("description", s.Description, false)
	if len(out) == 0 {
		return nil
	}
	return out
}

type span struct{ start, end int }

// fragment marks the matched words of text; ok is false when none matched.
func (h *highlighter) fragment(text string, isName bool) (string, bool) {
	if text == "" {
		return "", false
	}
	var spans []span
	for _, t := range h.text.Analyze([]byte(text)) {
		if h.stems[string(t.Term)] {
			spans = append(spans, span{t.Start, t.End})
		}
	}
	if isName {
		for _, t := range h.name.Analyze([]byte(text)) {
			if h.nameMatch(string(t.Term)) {
				spans = append(spans, span{t.Start, t.End})
			}
		}
	}
	if len(spans) == 0 {
		return "", false
	}
	spans = mergeSpans(spans)
	lo, hi := 0, len(text)
	if len(text) > fragmentBytes {
		lo = wordStartBefore(text, spans[0].start-fragmentBytes/3)
		hi = wordEndAfter(text, lo+fragmentBytes)
	}
	var b strings.Builder
	if lo > 0 {
		b.WriteString("…")
	}
	pos := lo
	for _, sp := range spans {
		if sp.start < lo || sp.end > hi {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:sp.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[sp.start:sp.end]))
		b.WriteString("</mark>")
		pos = sp.end
	}
	b.WriteString(html.EscapeString(text[pos:hi]))
	if hi < len(text) {
		b.WriteString("…")
	}
	return b.String(), true
}

func (h *highlighter) nameMatch(w string) bool {
	if h.words[w] {
		return true
	}
	for _, t := range h.typos {
		if withinEdits(t, w, fuzziness(t)) {
			return true
		}
	}
	return false
}

// mergeSpans sorts spans and joins the overlapping ones.
func mergeSpans(spans []span) []span {
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.start <= last.end {
			if s.end > last.end {
				last.end = s.end
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// wordStartBefore returns the start of the word at or after i (≥ 0), on a
// character boundary.
func wordStartBefore(s string, i int) int {
	if i <= 0 {
		return 0
	}
	for i < len(s) && !isRuneStart(s[i]) {
		i++
	}
	if j := strings.IndexByte(s[i:], ' '); j >= 0 && j < 20 {
		return i + j + 1
	}
	return i
}

// wordEndAfter returns the end of the word at or before i (≤ len(s)), on a
// character boundary.
func wordEndAfter(s string, i int) int {
	if i >= len(s) {
		return len(s)
	}
	for i > 0 && !isRuneStart(s[i]) {
		i--
	}
	if j := strings.LastIndexByte(s[:i], ' '); j >= 0 && i-j < 20 {
		return j
	}
	return i
}

// withinEdits reports whether a and b are at most k edits apart
// (Levenshtein distance).
func withinEdits(a, b string, k int) bool { return withinEditsRunes([]rune(a), []rune(b), k) }

func withinEditsRunes(ra, rb []rune, k int) bool {
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > k {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)] <= k
}
