package index

import (
	"strings"
	"sync"
	"unicode"

	"fabrique/data"
)

// A place typed in the search text ("menuiserie Lyon", "ferronnier
// Bretagne", "tapisserie en Ille-et-Vilaine") becomes a place filter. What
// is recognised, and why:
//
//   - only the last words of the text, never all of it: "Lyon" alone, or
//     "Bretagne" alone, is a search for those words;
//   - a commune of the INSEE table by its name: a one-word name when the
//     commune has at least MinPlacePopulation inhabitants, a name of several
//     words ("Saint-Étienne", "Le Mans") from MinPlacePopulationWords;
//     the most populous commune of that name wins;
//   - a postcode of five digits that serves a known commune ("69003");
//   - a département by its name ("Ille-et-Vilaine", "Finistère") and a
//     région by its name ("Bretagne", "Auvergne-Rhône-Alpes");
//   - a connector before the place is taken with it ("à Lyon", "en
//     Bretagne", "dans le Finistère", "près de Rennes"), but a place after
//     "de", "du", "des" or "d'" is left as text: that is how company names
//     are made ("Velours de Lyon", "Biscuiterie de Bretagne");
//   - a one-word name that is also a word of the trades and products
//     (the NAF and CPV labels and the trade table: "Tours", "Vitré",
//     "Manche", "Lot"), or a common French noun (placeStopNames), is not
//     a place;
//   - a bare département number ("tapissier 35") is not recognised: numbers
//     in a search are sizes, references and quantities more often.
//
// The buyer sees the place as a chip and can remove it: the words are then
// searched as text.

// Population thresholds of the communes recognised in the text.
const (
	MinPlacePopulation      = 20000
	MinPlacePopulationWords = 2000
	// maxPlaceWords bounds the words a place name may take ("Provence
	// Alpes Côte d'Azur" folds to five).
	maxPlaceWords = 6
)

// Kinds of TextPlace.
const (
	PlaceCommune     = "commune"
	PlaceDepartement = "departement"
	PlaceRegion      = "region"
)

// TextPlace is a place recognised at the end of a search text.
type TextPlace struct {
	// Text is the words that named the place, as typed ("Lyon", "en
	// Bretagne"), and Rest the text without them ("menuiserie").
	Text string `json:"text"`
	Rest string `json:"-"`
	// Kind is PlaceCommune, PlaceDepartement or PlaceRegion, and Code its
	// INSEE or COG code ("69123", "35", "53").
	Kind string `json:"kind"`
	Code string `json:"code"`
	// Label is the place as understood: "Lyon (69)", "Ille-et-Vilaine
	// (35)", "Bretagne".
	Label string `json:"label"`
	// Point is the commune, or the centre of the département or région:
	// where distances are measured from.
	Point Point `json:"point"`
}

// placeConnectors are the words that may precede a place and go with it,
// longest first.
var placeConnectors = [][]string{
	{"autour", "de"}, {"pres", "de"}, {"dans", "le"}, {"dans", "la"}, {"dans", "les"},
	{"a"}, {"au"}, {"aux"}, {"en"}, {"dans"}, {"sur"}, {"vers"},
}

// placeNameLinks are the words after which a place is part of a name.
var placeNameLinks = map[string]bool{"de": true, "du": true, "des": true, "d": true}

// placeStopNames are one-word communes and départements of the table that
// are common French words a buyer types for what they mean, not for the
// place, and that the trade vocabulary does not already hold.
var placeStopNames = map[string]bool{
	"sens": true, "orange": true, "grasse": true, "vienne": true, "cher": true, "nord": true,
	"somme": true, "aube": true, "lot": true, "manche": true, "marne": true, "creuse": true,
	"saintes": true, "vitre": true, "tours": true, "fontaine": true, "cannes": true,
}

// placeKeepNames are places whose name is a word of the labels in another
// sense only: "paris" are bets in the CPV labels.
var placeKeepNames = map[string]bool{"paris": true}

// FindTextPlace looks for a place at the end of text, as described above.
func FindTextPlace(text string) (TextPlace, bool) {
	toks := strings.Fields(text)
	if len(toks) < 2 {
		return TextPlace{}, false
	}
	// Each token's folded words: "Ille-et-Vilaine" → ille, et, vilaine;
	// "d'Azur" → d, azur.
	words := make([][]string, len(toks))
	for i, t := range toks {
		words[i] = data.Words(t)
	}
	for n := min(maxPlaceWords, len(toks)-1); n >= 1; n-- {
		start := len(toks) - n
		var key []string
		for _, w := range words[start:] {
			key = append(key, w...)
		}
		p, ok := lookupPlace(strings.Join(key, " "), len(key), toks[start:])
		if !ok {
			continue
		}
		// Take a connector with the place, refuse a name's link.
		before := start
		if before > 0 {
			last := words[before-1]
			if len(last) > 0 && placeNameLinks[last[len(last)-1]] && connectorEnds(words[:before]) == 0 {
				return TextPlace{}, false
			}
			before -= connectorEnds(words[:before])
		}
		if before == 0 || !hasContent(words[:before]) {
			return TextPlace{}, false // the place is the whole query
		}
		p.Text = strings.Join(toks[before:], " ")
		p.Rest = strings.Join(toks[:before], " ")
		return p, true
	}
	return TextPlace{}, false
}

// connectorEnds returns the number of tokens of the connector that ends
// words, 0 when there is none.
func connectorEnds(words [][]string) int {
	for _, c := range placeConnectors {
		if len(c) > len(words) {
			continue
		}
		tail := words[len(words)-len(c):]
		ok := true
		for i, w := range c {
			if len(tail[i]) != 1 || tail[i][0] != w {
				ok = false
				break
			}
		}
		if ok {
			return len(c)
		}
	}
	return 0
}

// hasContent reports whether words hold a letter or digit worth searching.
func hasContent(words [][]string) bool {
	for _, ws := range words {
		for _, w := range ws {
			if len(w) > 1 || (len(w) == 1 && unicode.IsDigit(rune(w[0]))) {
				return true
			}
		}
	}
	return false
}

// lookupPlace finds the place whose folded name is key (of n words).
func lookupPlace(key string, n int, typed []string) (TextPlace, bool) {
	if key == "" {
		return TextPlace{}, false
	}
	if n == 1 && (placeStopNames[key] || (tradeVocabulary()[key] && !placeKeepNames[key])) {
		return TextPlace{}, false
	}
	if len(typed) == 1 && len(key) == 5 && data.AllDigits(key) {
		for _, c := range data.CommunesByPostcode(key) {
			if c.HasGeo && c.Type == "commune-actuelle" {
				return TextPlace{Kind: PlaceCommune, Code: c.INSEE, Label: describeCommune(c),
					Point: Point{Lat: c.Lat, Lon: c.Lon}}, true
			}
		}
		return TextPlace{}, false
	}
	if r, ok := data.RegionByName(key); ok {
		if pt, ok := regionCentre(r.Code); ok {
			return TextPlace{Kind: PlaceRegion, Code: r.Code, Label: r.Name, Point: pt}, true
		}
	}
	minPop := MinPlacePopulation
	if n > 1 {
		minPop = MinPlacePopulationWords
	}
	for _, c := range data.FindCommunes(key) {
		if c.HasGeo && c.Type == "commune-actuelle" && c.Population >= minPop {
			return TextPlace{Kind: PlaceCommune, Code: c.INSEE, Label: describeCommune(c),
				Point: Point{Lat: c.Lat, Lon: c.Lon}}, true
		}
	}
	if d, ok := departementByName()[key]; ok {
		return TextPlace{Kind: PlaceDepartement, Code: d.Code, Label: d.Name + " (" + d.Code + ")",
			Point: Point{Lat: d.Lat, Lon: d.Lon}}, true
	}
	return TextPlace{}, false
}

// departementByName maps the folded names of the départements to them.
var departementByName = sync.OnceValue(func() map[string]data.Departement {
	out := map[string]data.Departement{}
	for _, d := range data.Departements() {
		if d.Lat != 0 || d.Lon != 0 {
			out[data.PlaceKey(d.Name)] = d
		}
	}
	return out
})

// regionCentre is the mean of the centres of a région's départements.
func regionCentre(code string) (Point, bool) {
	return regionCentres()[code], regionCentres()[code] != Point{}
}

var regionCentres = sync.OnceValue(func() map[string]Point {
	sum := map[string][3]float64{}
	for _, d := range data.Departements() {
		if d.Lat == 0 && d.Lon == 0 {
			continue
		}
		s := sum[d.Region]
		sum[d.Region] = [3]float64{s[0] + d.Lat, s[1] + d.Lon, s[2] + 1}
	}
	out := make(map[string]Point, len(sum))
	for r, s := range sum {
		out[r] = Point{Lat: s[0] / s[2], Lon: s[1] / s[2]}
	}
	return out
})

// tradeVocabulary is the set of folded words of the NAF and CPV labels and
// of the trade table: a one-word place that is one of them ("tours", the
// machine tools; "vitre") is more likely meant as the word.
var tradeVocabulary = sync.OnceValue(func() map[string]bool {
	out := map[string]bool{}
	add := func(s string) {
		for _, w := range data.Words(s) {
			out[w] = true
		}
	}
	for _, level := range []string{"section", "division", "groupe", "classe", "sous-classe"} {
		for _, n := range data.NAFCodes(level) {
			add(n.Label)
		}
	}
	for _, c := range data.CPVCodes() {
		add(c.LabelFR)
	}
	for _, g := range tradeGroups {
		for _, w := range g {
			add(w)
		}
	}
	return out
})

// Apply returns q searching the text without the place, restricted to it:
// a commune as a circle of communeRadiusKm, a département or a région as a
// filter; distances, and ties of relevance, are measured from its point.
func (p TextPlace) Apply(q Query, communeRadiusKm float64) Query {
	pt := p.Point
	q.Text, q.Near = p.Rest, &pt
	switch p.Kind {
	case PlaceCommune:
		q.RadiusKm = communeRadiusKm
	case PlaceDepartement:
		q.Departements = append(append([]string(nil), q.Departements...), p.Code)
	case PlaceRegion:
		q.Regions = append(append([]string(nil), q.Regions...), p.Code)
	}
	return q
}
