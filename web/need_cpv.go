package web

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	"fabrique/data"
)

// cpvEntry is a CPV code with the folded words of its French label, for
// the CPV picker.
type cpvEntry struct {
	code  data.CPVCode
	words []string
}

// cpvIndex is the CPV 2008 vocabulary, sorted by code, ready to search.
type cpvIndex struct {
	codes     []cpvEntry
	divisions []data.CPVCode
}

// cpvCatalogue is built once, on first use, from the embedded CPV list and
// never changes afterwards.
var cpvCatalogue = sync.OnceValue(func() *cpvIndex {
	all := data.CPVCodes()
	ix := &cpvIndex{codes: make([]cpvEntry, len(all))}
	for i, c := range all {
		ix.codes[i] = cpvEntry{code: c, words: data.Words(c.LabelFR)}
		if c.Level == "division" {
			ix.divisions = append(ix.divisions, c)
		}
	}
	return ix
})

// Bounds of a CPV search.
const (
	defaultCPVResults = 10
	maxCPVResults     = 50
	maxCPVQueryWords  = 8
)

var leadingCPVDigitsRe = regexp.MustCompile(`^(\d{1,8})(?:-\d)?(?:\s|$|—|–)`)

// searchCPV finds CPV codes for what a buyer types: digits are a code
// prefix ("452" → 45200000, 45210000…, in code order, which lists a code
// before its descendants); words must each begin a word of the French
// label, accents and case ignored ("menuis" → « Travaux de menuiserie »).
// Labels where the words are whole words come first ("vis" lists « Boulons
// et vis » before « Visières »), then the shortest labels, since they name
// the thing most directly.
func searchCPV(q string, limit int) []data.CPVCode {
	q = strings.TrimSpace(q)
	if q == "" || limit <= 0 {
		return nil
	}
	cat := cpvCatalogue()
	if m := leadingCPVDigitsRe.FindStringSubmatch(q + " "); m != nil {
		prefix := m[1]
		i, _ := slices.BinarySearchFunc(cat.codes, prefix, func(c cpvEntry, p string) int { return strings.Compare(c.code.Code8, p) })
		var out []data.CPVCode
		for ; i < len(cat.codes) && len(out) < limit && strings.HasPrefix(cat.codes[i].code.Code8, prefix); i++ {
			out = append(out, cat.codes[i].code)
		}
		return out
	}
	words := data.Words(q)
	if len(words) == 0 {
		return nil
	}
	if len(words) > maxCPVQueryWords {
		words = words[:maxCPVQueryWords]
	}
	var found []cpvEntry
	for _, e := range cat.codes {
		if allWordsBegin(words, e.words) {
			found = append(found, e)
		}
	}
	slices.SortStableFunc(found, func(a, b cpvEntry) int {
		if wa, wb := wholeWords(words, a.words), wholeWords(words, b.words); wa != wb {
			return wb - wa
		}
		return len(a.words) - len(b.words)
	})
	out := make([]data.CPVCode, 0, min(limit, len(found)))
	for _, e := range found[:min(limit, len(found))] {
		out = append(out, e.code)
	}
	return out
}

// allWordsBegin reports whether every query word begins some label word.
func allWordsBegin(query, label []string) bool {
	for _, q := range query {
		if !slices.ContainsFunc(label, func(w string) bool { return strings.HasPrefix(w, q) }) {
			return false
		}
	}
	return true
}

// wholeWords counts the query words that are a label word, or its
// singular ("boulon" is « boulons »), not only its beginning.
func wholeWords(query, label []string) int {
	n := 0
	for _, q := range query {
		if slices.ContainsFunc(label, func(w string) bool { return w == q || w == q+"s" || w == q+"x" }) {
			n++
		}
	}
	return n
}

// cpvOption is a CPV code as a picker offers it: the value the field
// receives ("45421000 — Travaux de menuiserie", whose leading code is what
// counts) and its parts.
type cpvOption struct {
	Value, Code, Code8, Label string
}

func newCPVOption(c data.CPVCode) cpvOption {
	return cpvOption{Value: c.Code8 + " — " + c.LabelFR, Code: c.Full(), Code8: c.Code8, Label: c.LabelFR}
}

// cpvDivisionOptions are the 45 CPV divisions: what the picker offers
// before anything is typed, and without JavaScript.
func cpvDivisionOptions() []cpvOption {
	divs := cpvCatalogue().divisions
	out := make([]cpvOption, len(divs))
	for i, c := range divs {
		out[i] = newCPVOption(c)
	}
	return out
}

// cpvFieldRe finds the code at the start of a CPV field: as typed
// ("45421000", "45421000-4") or as picked ("45421000 — Travaux de
// menuiserie").
var cpvFieldRe = regexp.MustCompile(`^(\d{8}(?:\s*-\s*\d)?)(?:\s*[—–-]\s*\S.*)?$`)

// cpvFieldCode returns the code written in a CPV field and whether the
// field holds one; words alone ("menuiserie") are not a code.
func cpvFieldCode(raw string) (string, bool) {
	m := cpvFieldRe.FindStringSubmatch(strings.TrimSpace(raw))
	if m == nil {
		return "", false
	}
	return m[1], true
}

// cpvLabel is the French label of a CPV code, "" when unknown.
func cpvLabel(code string) string {
	if c, ok := data.LookupCPV(code); ok {
		return c.LabelFR
	}
	return ""
}
