package index

import (
	"math"
	"sort"
	"strings"
	"sync"

	"fabrique/data"
)

// CommuneSuggestion is a commune proposed while a buyer types a place.
type CommuneSuggestion struct {
	INSEE       string  `json:"insee"`
	Name        string  `json:"name"`
	Departement string  `json:"departement"`
	Postcode    string  `json:"postcode,omitempty"` // the matched postcode, or the first one
	Population  int     `json:"population"`
	Lat         float64 `json:"lat"`
	Lon         float64 `json:"lon"`
	Label       string  `json:"label"` // "Lyon (69)", what ResolveNear accepts back
}

// communeEntry is a commune with its folded search key.
type communeEntry struct {
	key   string // folded words joined by spaces, "saint etienne"
	runes []rune // key, as runes for the typo-tolerant scan
	// logPop ranks communes: log10 of the population.
	logPop float64
	c      data.Commune
}

// communeTable is built once per process from the embedded reference data
// and never changes afterwards.
var communeTable = sync.OnceValue(func() []communeEntry {
	var out []communeEntry
	for _, c := range data.Communes() {
		if !c.HasGeo || c.Type != "commune-actuelle" {
			continue
		}
		k := data.PlaceKey(c.Name)
		out = append(out, communeEntry{key: k, runes: []rune(k), logPop: math.Log10(float64(c.Population) + 1), c: c})
	}
	// Most populous first: every scan below keeps this order.
	sort.SliceStable(out, func(i, j int) bool { return out[i].c.Population > out[j].c.Population })
	return out
})

// maxCommuneSuggestions bounds what SuggestCommunes returns.
const maxCommuneSuggestions = 50

// SuggestCommunes proposes communes whose name starts with prefix (or
// whose postcode does, for digits), most populous first, then communes
// whose name starts with a near spelling of it (one typo, two in long
// prefixes). limit defaults to 10 and is at most 50.
func SuggestCommunes(prefix string, limit int) []CommuneSuggestion {
	if limit <= 0 {
		limit = 10
	}
	limit = min(limit, maxCommuneSuggestions)
	table := communeTable()
	p := strings.TrimSpace(prefix)
	if p == "" {
		return nil
	}
	var out []CommuneSuggestion
	if data.AllDigits(p) {
		for _, e := range table {
			for _, pc := range e.c.Postcodes {
				if strings.HasPrefix(pc, p) {
					out = append(out, suggestion(e.c, pc))
					break
				}
			}
			if len(out) == limit {
				break
			}
		}
		return out
	}
	key := data.PlaceKey(p)
	if key == "" {
		return nil
	}
	// A prefix typed up to a space ends with a whole word.
	if strings.HasSuffix(prefix, " ") || strings.HasSuffix(prefix, "-") {
		key += " "
	}
	// Exact prefixes and near spellings compete on population: "toulouze"
	// means Toulouse (471 000 inhabitants, one typo) more than Toulouzette
	// (300, exact).
	type cand struct {
		e     *communeEntry
		score float64
	}
	var cands []cand
	k := []rune(key)
	edits := fuzziness(key)
	for i := range table {
		e := &table[i]
		score := e.logPop
		switch {
		case strings.HasPrefix(e.key, key):
		case len(k) >= minFuzzyLen && prefixWithinEdits(k, e.runes, edits):
			score -= typoPenalty
		default:
			continue
		}
		cands = append(cands, cand{e, score})
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	for _, c := range cands[:min(limit, len(cands))] {
		out = append(out, suggestion(c.e.c, ""))
	}
	return out
}

// typoPenalty is what a typo costs a commune in orders of magnitude of
// population.
const typoPenalty = 2.0

// prefixWithinEdits reports whether some prefix of name is at most k edits
// away from typed: one banded Levenshtein table of typed against the
// beginning of name, read on its last row.
func prefixWithinEdits(typed, name []rune, k int) bool {
	const maxLen = 48
	n, m := len(typed), min(len(name), len(typed)+k)
	if n == 0 || n > maxLen || m < n-k {
		return false
	}
	// A typo on the first letter is rare; requiring it to be right (or
	// swapped with the second) skips most communes cheaply.
	if typed[0] != name[0] && !(len(name) > 1 && n > 1 && typed[0] == name[1] && typed[1] == name[0]) {
		return false
	}
	var prev, cur [maxLen + 3]int
	for j := 0; j <= m; j++ {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		best := i
		for j := 1; j <= m; j++ {
			cost := 1
			if typed[i-1] == name[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > k {
			return false
		}
		prev = cur
	}
	for j := max(0, n-k); j <= m; j++ {
		if prev[j] <= k {
			return true
		}
	}
	return false
}

func suggestion(c data.Commune, postcode string) CommuneSuggestion {
	if postcode == "" && len(c.Postcodes) > 0 {
		postcode = c.Postcodes[0]
	}
	return CommuneSuggestion{INSEE: c.INSEE, Name: c.Name, Departement: c.Departement, Postcode: postcode,
		Population: c.Population, Lat: c.Lat, Lon: c.Lon, Label: describeCommune(c)}
}
