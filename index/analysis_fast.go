package index

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
)

// fastAnalysis gives the terms the mapping's text analyzers give, for a
// document's flat fields (flatField), which keep neither positions nor
// offsets: the analyzers' chains (tokenizer, lower case, elision, folding,
// then for textAnalyzer stop words, feminine, stemming) applied to each
// word in one pass, without building a token per word and a stream per
// filter. It handles the text the words tokenizer's fast path handles
// (ASCII, French letters, common punctuation) and whose letters fold with
// latin1Fold; any other value goes through the analyzer itself.
// TestFastAnalysisAgrees compares both on a synthetic directory, the NAF
// and CPV labels and edge cases; FuzzFastAnalysis on anything.
type fastAnalysis struct {
	french bool // textAnalyzer: stop words, feminine, stemming after folding
	stop   map[string]bool
	stem   stemFilter
}

// newFastAnalysis returns the fast path of the named analyzer, nil for an
// analyzer it does not know.
func newFastAnalysis(analyzer string) *fastAnalysis {
	switch analyzer {
	case nameAnalyzer:
		return &fastAnalysis{}
	case textAnalyzer:
		a := &fastAnalysis{french: true, stop: map[string]bool{},
			stem: stemFilter{light: fr.NewFrenchLightStemmerFilter(), cache: newStemCache()}}
		for _, w := range foldedStopWords() {
			a.stop[w.(string)] = true
		}
		return a
	}
	return nil
}

// frenchArticles are the elided articles of bleve's French elision filter
// (fr.FrenchArticles).
var frenchArticles = map[string]bool{"l": true, "m": true, "t": true, "qu": true, "n": true, "s": true,
	"j": true, "d": true, "c": true, "jusqu": true, "quoiqu": true, "lorsqu": true, "puisqu": true}

// appendTerms appends the terms of v to buf, ends receiving where each
// ends in buf, and returns both; ok is false (buf and ends as given) when
// v needs the analyzer itself.
func (a *fastAnalysis) appendTerms(buf []byte, ends []int, v []byte) (_ []byte, _ []int, ok bool) {
	buf0, ends0 := len(buf), len(ends)
	ok = true
	_, fast := (wordsTokenizer{}).scan(v, func(start, end int, _ bool) {
		if !ok {
			return
		}
		from := len(buf)
		buf, ok = lowerFold(buf, v[start:end])
		if !ok || !a.french {
			if ok {
				ends = append(ends, len(buf))
			}
			return
		}
		term := buf[from:]
		if a.stop[string(term)] {
			buf = buf[:from]
			return
		}
		if n := len(term); n > 5 && string(term[n-3:]) == "ere" { // feminineFilter
			term = term[:n-1]
		}
		buf = append(buf[:from], a.stem.stemOne(term)...) // stems never alias term
		ends = append(ends, len(buf))
	})
	if !ok || !fast { // what was appended before the scan gave up goes
		return buf[:buf0], ends[:ends0], false
	}
	return buf, ends, true
}

// lowerFold appends word to buf as the lower-case, elision and folding
// filters leave it; ok is false for a letter latin1Fold does not fold.
func lowerFold(buf, word []byte) ([]byte, bool) {
	from := len(buf)
	// Lower case (LowerCaseFilter): the letters of the fast path keep their
	// width.
	for i := 0; i < len(word); {
		c := word[i]
		if c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf = append(buf, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(word[i:])
		l := unicode.ToLower(r)
		if utf8.RuneLen(l) != n {
			return buf[:from], false
		}
		buf = utf8.AppendRune(buf, l)
		i += n
	}
	// Elision (ElisionFilter): at the first apostrophe after an article.
	term := buf[from:]
	for i := 0; i < len(term); {
		r, n := utf8.DecodeRune(term[i:])
		if (r == '\'' || r == '’') && frenchArticles[string(term[:i])] {
			buf = append(buf[:from], term[i+n:]...)
			break
		}
		i += n
	}
	// Folding (foldFilter).
	term = buf[from:]
	if isASCIILower(term) {
		return buf, true
	}
	folded := make([]byte, 0, len(term))
	for i := 0; i < len(term); {
		r, n := utf8.DecodeRune(term[i:])
		i += n
		if r < utf8.RuneSelf {
			folded = append(folded, byte(r))
			continue
		}
		f := latin1Fold[r]
		if f == "" {
			return buf[:from], false
		}
		folded = append(folded, f...)
	}
	return append(buf[:from], folded...), true
}

// stemOne is what stemFilter.Filter does to one term.
func (f stemFilter) stemOne(term []byte) string {
	if s, ok := f.cache.getBytes(term); ok {
		return s
	}
	if s, ok := stemOverride(term); ok {
		return s
	}
	word := string(term)
	t := &analysis.Token{Term: []byte(word)}
	f.light.Filter(analysis.TokenStream{t})
	stem := string(t.Term)
	f.cache.put(word, stem)
	return stem
}
