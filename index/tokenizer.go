package index

import (
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// wordsTokenizerName is the tokenizer of the text analyzers: bleve's
// Unicode word segmentation (UAX #29), with a fast path for text made of
// ASCII, French letters and common punctuation, which is nearly all of a
// directory's text. bleve's segmenter is a general state machine that
// cost two thirds of the French analysis of a rebuild; on that text the
// rules that matter are few, and this one applies them directly and gives
// the same tokens (terms, offsets, positions: TestWordsTokenizerAgrees).
// Any other character sends the whole text to bleve's tokenizer.
const wordsTokenizerName = "fabrique_words"

func init() {
	_ = registry.RegisterTokenizer(wordsTokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return wordsTokenizer{fallback: unicode.NewUnicodeTokenizer()}, nil
	})
}

type wordsTokenizer struct{ fallback analysis.Tokenizer }

// Character classes of the fast path, named after UAX #29's.
const (
	wbOther     = iota // breaks everywhere
	wbLetter           // ALetter
	wbNumeric          // Numeric
	wbMidLetter        // ':' joins two letters
	wbMidNum           // ',' ';' join two digits
	wbMidNumLet        // '.' '\'' '’' join two letters or two digits
	wbUnknown          // not handled by the fast path
)

// wbClass returns the class of the character at the start of b and its
// length in bytes.
func wbClass(b []byte) (class, size int) {
	c := b[0]
	if c < utf8.RuneSelf {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			return wbLetter, 1
		case c >= '0' && c <= '9':
			return wbNumeric, 1
		case c == ':':
			return wbMidLetter, 1
		case c == ',', c == ';':
			return wbMidNum, 1
		case c == '.', c == '\'':
			return wbMidNumLet, 1
		case c == '_', c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			return wbUnknown, 1 // ExtendNumLet, or a control character
		}
		return wbOther, 1
	}
	r, n := utf8.DecodeRune(b)
	switch {
	case r >= 0xC0 && r <= 0xFF && r != 0xD7 && r != 0xF7, r == 0x152, r == 0x153:
		return wbLetter, n // À…ÿ, Œ œ
	case r == 0x2019:
		return wbMidNumLet, n // ’
	case r == 0xA0, r == 0xAB, r == 0xBB, r == 0x2013, r == 0x2014, r == 0x20AC:
		return wbOther, n // no-break space, « », dashes, €
	}
	return wbUnknown, n
}

func (w wordsTokenizer) Tokenize(input []byte) analysis.TokenStream {
	n, ok := w.scan(input, nil)
	if !ok {
		return w.fallback.Tokenize(input)
	}
	slab := make([]analysis.Token, 0, n)
	w.scan(input, func(start, end int, numeric bool) {
		typ := analysis.AlphaNumeric
		if numeric {
			typ = analysis.Numeric
		}
		slab = append(slab, analysis.Token{Term: input[start:end], Start: start, End: end, Position: len(slab) + 1, Type: typ})
	})
	out := make(analysis.TokenStream, len(slab))
	for i := range slab {
		out[i] = &slab[i]
	}
	return out
}

// scan finds the words of input, calls emit (if not nil) for each, and
// returns how many there are; ok is false when input holds a character
// the fast path does not handle.
func (wordsTokenizer) scan(input []byte, emit func(start, end int, numeric bool)) (count int, ok bool) {
	i := 0
	for i < len(input) {
		class, size := wbClass(input[i:])
		switch class {
		case wbUnknown:
			return 0, false
		case wbLetter, wbNumeric:
		default:
			i += size
			continue
		}
		start, prev, numeric := i, class, class == wbNumeric
		i += size
		for i < len(input) {
			c, n := wbClass(input[i:])
			if c == wbUnknown {
				return 0, false
			}
			if c == wbLetter || c == wbNumeric {
				prev = c
				numeric = numeric && c == wbNumeric
				i += n
				continue
			}
			// A middle character joins two letters (WB6, WB7) or two
			// digits (WB11, WB12) only.
			joinsLetters := prev == wbLetter && (c == wbMidLetter || c == wbMidNumLet)
			joinsDigits := prev == wbNumeric && (c == wbMidNum || c == wbMidNumLet)
			if (joinsLetters || joinsDigits) && i+n < len(input) {
				next, m := wbClass(input[i+n:])
				if next == wbUnknown {
					return 0, false
				}
				if joinsLetters && next == wbLetter || joinsDigits && next == wbNumeric {
					i += n + m
					continue
				}
			}
			break
		}
		count++
		if emit != nil {
			emit(start, i, numeric)
		}
	}
	return count, true
}
