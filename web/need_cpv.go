package web

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	"fabrique/data"
	"fabrique/index"
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

// cpvFound is a code searchCPV proposes, and why when its label does not
// say the words.
type cpvFound struct {
	data.CPVCode
	// Via is the NAF activity whose label or trade words matched
	// (data.NAFTradesProducts); nil when the code's own label did.
	Via *data.NAFCode
}

// ViaText says why a code was proposed: « via l'activité NAF 25.62A
// Décolletage », "" when its label has the words.
func (f cpvFound) ViaText() string {
	if f.Via == nil {
		return ""
	}
	return "via l'activité NAF " + f.Via.Code + " " + f.Via.Label
}

// searchCPV finds CPV codes for what a buyer types: digits are a code
// prefix ("452" → 45200000, 45210000…, in code order, which lists a code
// before its descendants); words must each begin a word of the French
// label, accents and case ignored ("menuis" → « Travaux de menuiserie »).
// Labels where the words are whole words come first ("vis" lists « Boulons
// et vis » before « Visières »), then the shortest labels, since they name
// the thing most directly. The trades that no CPV label names
// (« décolletage », « tournage », « visserie ») find the codes of what
// their NAF activity makes (cpvByTrade): after the labels that have every
// word whole, before those that only begin like them.
func searchCPV(q string, limit int) []cpvFound {
	q = strings.TrimSpace(q)
	if q == "" || limit <= 0 {
		return nil
	}
	cat := cpvCatalogue()
	if m := leadingCPVDigitsRe.FindStringSubmatch(q + " "); m != nil {
		prefix := m[1]
		i, _ := slices.BinarySearchFunc(cat.codes, prefix, func(c cpvEntry, p string) int { return strings.Compare(c.code.Code8, p) })
		var out []cpvFound
		for ; i < len(cat.codes) && len(out) < limit && strings.HasPrefix(cat.codes[i].code.Code8, prefix); i++ {
			out = append(out, cpvFound{CPVCode: cat.codes[i].code})
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
	strong := len(found) // the labels that have every word whole come first
	for i, e := range found {
		if wholeWords(words, e.words) < len(words) {
			strong = i
			break
		}
	}
	out := make([]cpvFound, 0, limit)
	add := func(f cpvFound) {
		if len(out) < limit && !slices.ContainsFunc(out, func(o cpvFound) bool { return o.Code8 == f.Code8 }) {
			out = append(out, f)
		}
	}
	for _, e := range found[:strong] {
		add(cpvFound{CPVCode: e.code})
	}
	for _, f := range cpvByTrade(words) {
		add(f)
	}
	for _, e := range found[strong:] {
		add(cpvFound{CPVCode: e.code})
	}
	return out
}

// genericNAFWords are words of NAF labels and of queries that name no
// trade (folded): « fabrication de vis », « pièces de décolletage ».
var genericNAFWords = []string{"fabrication", "autres", "autre", "articles", "produits", "pieces", "piece",
	"de", "des", "du", "d", "et", "l", "la", "le", "les", "en", "a"}

// cpvByTrade returns the codes of what the NAF activities of
// data.NAFTradesProducts make when every word names the activity: a word
// of its label (« décolletage », « vis ») or one of its trade words
// (« tournage », « visserie »), whole, in the plural or begun by a word
// of four letters or more, or a word the trade table joins to one
// (index.TradeWords: « décolleteur » is « décolletage »).
func cpvByTrade(words []string) []cpvFound {
	var out []cpvFound
	for _, row := range data.NAFTradesProducts() {
		n, ok := data.LookupNAF(row.NAF)
		if !ok {
			continue
		}
		names := slices.DeleteFunc(data.Words(n.Label), func(w string) bool { return slices.Contains(genericNAFWords, w) })
		names = append(names, row.Words...)
		if !allWordsName(words, names) {
			continue
		}
		for _, code := range row.CPV {
			if c, ok := data.LookupCPV(code); ok {
				out = append(out, cpvFound{CPVCode: c, Via: &n})
			}
		}
	}
	return out
}

// allWordsName reports whether every query word that names a trade (one
// at least), or a word the trade table joins to it, is one of names:
// whole, its plural, or its beginning when four letters or more.
func allWordsName(query, names []string) bool {
	names1 := func(q string) bool {
		return slices.ContainsFunc(names, func(w string) bool {
			return isWord(w, q) || len([]rune(q)) >= 4 && strings.HasPrefix(w, q)
		})
	}
	named := false
	for _, q := range query {
		if slices.Contains(genericNAFWords, q) {
			continue
		}
		if !names1(q) && !slices.ContainsFunc(index.TradeWords(q), names1) {
			return false
		}
		named = true
	}
	return named
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
		if slices.ContainsFunc(label, func(w string) bool { return isWord(w, q) }) {
			n++
		}
	}
	return n
}

// isWord reports whether the label word w is the query word q or its
// plural (« boulon » is « boulons »).
func isWord(w, q string) bool { return w == q || w == q+"s" || w == q+"x" }

// cpvOption is a CPV code as a picker offers it: the value the field
// receives ("45421000 — Travaux de menuiserie", whose leading code is what
// counts) and its parts.
type cpvOption struct {
	Value, Code, Code8, Label string
	Via                       string // cpvFound.ViaText
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
