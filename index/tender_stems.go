package index

import "slices"

// stemsCacheSize is how many analysed titles TendersFor keeps: the open
// tenders of a million-notice corpus (about 30 000) and their lots.
// Analysing the 400 candidates' titles with the French analyzer was 40 %
// of the CPU of a "tenders for my company" request; the same open tenders
// come back for company after company.
const stemsCacheSize = 60_000

// stemsOf returns the distinct analysed words of text, from the cache
// when it was analysed before (the analyzer is a pure function of the
// text). The slice is shared: callers only read it.
func (ti *TenderIndex) stemsOf(text string) []string {
	key := cacheKey{query: text}
	if s, ok := ti.stems.get(key); ok {
		return s
	}
	var out []string
	for _, tok := range ti.text.Analyze([]byte(text)) {
		if t := string(tok.Term); !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	ti.stems.put(key, out)
	return out
}
