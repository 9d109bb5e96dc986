package index

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"

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
//     words ("Saint-Étienne", "Le Mans"), or a one-word name after a
//     connector and with a capital ("couteaux à Thiers", "horlogerie à
//     Morteau": the buyer marked it as a place), from
//     MinPlacePopulationWords; the most populous commune of that name wins;
//   - a postcode of five digits that serves a known commune ("69003");
//   - a département by its name ("Ille-et-Vilaine", "Finistère"), a
//     région by its name ("Bretagne", "Auvergne-Rhône-Alpes"), and a
//     région of before 2016 by its name ("Alsace", "Bourgogne",
//     data.FormerRegionByName) as its départements: buyers still speak
//     of them, and today's région would be three times too wide;
//   - a commune followed by the number of its département ("Marseille
//     13", "Vitré 35": the number confirms the place, so a commune from
//     MinPlacePopulationWords and a name that is also a common word are
//     read), and Paris, Lyon or Marseille followed by an arrondissement
//     ("Paris 11e", "Lyon 3ème", "Paris 11"): the commune is read;
//   - a connector before the place is taken with it ("à Lyon", "en
//     Bretagne", "dans le Finistère", "près de Rennes"), but a place after
//     "de", "du", "des" or "d'" is left as text: that is how company names
//     are made ("Velours de Lyon", "Biscuiterie de Bretagne");
//   - a one-word name that is also a word of the trades and products
//     (the NAF and CPV labels and the trade table: "Tours", "Vitré",
//     "Manche", "Lot"), or a common French noun (placeStopNames), is not
//     a place, unless a connector precedes it and it is written with a
//     capital ("menuiserie à Tours"; "couteau à manche" stays text);
//   - a bare département number ("tapissier 35", "menuiserie dans le 13")
//     only when words come before it and the number does not continue
//     them: not after another number, a measure or a reference word
//     ("20 x 35", "lot 35"), nor after a place ("Lyon 12").
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
	// PlaceFormerRegion is a région of before 2016, searched as its
	// départements (TextPlace.Departements).
	PlaceFormerRegion = "ancienne_region"
)

// TextPlace is a place recognised at the end of a search text.
type TextPlace struct {
	// Text is the words that named the place, as typed ("Lyon", "en
	// Bretagne"), and Rest the text without them ("menuiserie").
	Text string `json:"text"`
	Rest string `json:"-"`
	// Kind is PlaceCommune, PlaceDepartement, PlaceRegion or
	// PlaceFormerRegion, and Code its INSEE or COG code ("69123", "35",
	// "53"; "42" for Alsace, its code until 2015).
	Kind string `json:"kind"`
	Code string `json:"code"`
	// Departements are the départements of a PlaceFormerRegion.
	Departements []string `json:"departements,omitempty"`
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
	if _, ok := companyNumber(text); ok {
		return TextPlace{}, false // "348 830 308" is a SIREN, not a place
	}
	// Each token's folded words: "Ille-et-Vilaine" → ille, et, vilaine;
	// "d'Azur" → d, azur.
	words := make([][]string, len(toks))
	for i, t := range toks {
		words[i] = data.Words(t)
	}
	for n := min(maxPlaceWords, len(toks)-1); n >= 1; n-- {
		start := len(toks) - n
		connector := connectorEnds(words[:start])
		p, ok := lookupTyped(toks[start:], words[start:], connector > 0)
		if !ok {
			continue
		}
		// Take a connector with the place, refuse a name's link.
		before := start
		if before > 0 {
			last := words[before-1]
			if len(last) > 0 && placeNameLinks[last[len(last)-1]] && connector == 0 {
				return TextPlace{}, false
			}
			before -= connector
		}
		if before == 0 || !hasContent(words[:before]) {
			return TextPlace{}, false // the place is the whole query
		}
		if n == 1 && isDepartementNumber(words[start]) && !numberAfterText(toks[:before], words[:before]) {
			return TextPlace{}, false
		}
		p.Text = strings.Join(toks[before:], " ")
		p.Rest = strings.Join(toks[:before], " ")
		return p, true
	}
	return TextPlace{}, false
}

// lookupTyped finds the place that the tokens typed name (words: their
// folded words). afterConnector says a connector precedes them.
func lookupTyped(typed []string, words [][]string, afterConnector bool) (TextPlace, bool) {
	key := joinWords(words)
	n := strings.Count(key, " ") + 1
	// A capital after a connector marks a proper noun: "à Tours".
	marked := afterConnector && startsUpper(typed[0])
	if p, ok := lookupPlace(key, n, typed, marked); ok {
		return p, true
	}
	if len(words) == 1 && isDepartementNumber(words[0]) {
		if d, ok := data.LookupDepartement(words[0][0]); ok {
			return departementPlace(d), true
		}
	}
	return lookupQualified(words)
}

// lookupQualified reads a commune followed by the number of its
// département ("Marseille 13") or by an arrondissement ("Paris 11e").
func lookupQualified(words [][]string) (TextPlace, bool) {
	last := words[len(words)-1]
	if len(words) < 2 || len(last) != 1 {
		return TextPlace{}, false
	}
	key := joinWords(words[:len(words)-1])
	if isDepartementNumber(last) {
		for _, c := range data.FindCommunes(key) {
			if c.HasGeo && c.Type == "commune-actuelle" && c.Population >= MinPlacePopulationWords &&
				strings.EqualFold(c.Departement, last[0]) {
				return communePlace(c), true
			}
		}
	}
	if k, ok := arrondissementNumber(last[0]); ok {
		p, ok := lookupPlace(key, strings.Count(key, " ")+1, nil, true)
		if ok && p.Kind == PlaceCommune && k <= arrondissements[p.Code] {
			return p, true
		}
	}
	return TextPlace{}, false
}

// arrondissements are the numbers of municipal arrondissements of the
// communes that have them, by INSEE code: Paris, Lyon, Marseille.
var arrondissements = map[string]int{"75056": 20, "69123": 9, "13055": 16}

// arrondissementNumber reads an arrondissement as typed and folded: "11",
// "11e", "11eme", "1er", "1ere".
func arrondissementNumber(w string) (int, bool) {
	i := 0
	for i < len(w) && i < 2 && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	switch w[i:] {
	case "", "e", "eme", "er", "ere", "re":
	default:
		return 0, false
	}
	k, err := strconv.Atoi(w[:i])
	return k, err == nil && k >= 1
}

// isDepartementNumber reports whether a token's words are the code of a
// département of metropolitan France or overseas ("35", "2A", "974").
func isDepartementNumber(words []string) bool {
	if len(words) != 1 || len(words[0]) < 2 || len(words[0]) > 3 {
		return false
	}
	w := words[0]
	if !data.AllDigits(w) && w != "2a" && w != "2b" {
		return false
	}
	d, ok := data.LookupDepartement(w)
	return ok && d.Zone != "com" && (d.Lat != 0 || d.Lon != 0)
}

// numberWords are words after which a number is a quantity, a size or a
// reference, not a département: "lot 35", "taille 40", "20 x 35".
var numberWords = map[string]bool{
	"x": true, "n": true, "no": true, "num": true, "numero": true, "ref": true, "reference": true,
	"lot": true, "lots": true, "taille": true, "type": true, "modele": true, "serie": true,
	"diametre": true, "dn": true, "classe": true, "norme": true, "iso": true, "nf": true,
	"mm": true, "cm": true, "m": true, "kg": true, "t": true, "l": true, "kw": true, "v": true,
}

// numberAfterText reports whether a bare département number may follow
// the tokens typed before it (words: folded): words worth searching
// come first, and the last one is neither a number, a measure nor a
// place.
func numberAfterText(typed []string, words [][]string) bool {
	letters := false
	for _, ws := range words {
		for _, w := range ws {
			letters = letters || (len(w) > 1 && !data.AllDigits(w))
		}
	}
	last := words[len(words)-1]
	if !letters || len(last) == 0 {
		return false
	}
	if w := last[len(last)-1]; numberWords[w] || strings.ContainsAny(w, "0123456789") {
		return false
	}
	_, place := FindTextPlace(strings.Join(typed, " "))
	if !place && len(typed) == 1 {
		// A one-word text is never read as a place: look the word up.
		_, place = lookupTyped(typed, words, false)
	}
	return !place
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
// marked says the buyer marked a one-word name as a place (see
// lookupTyped): a common word is then read too.
func lookupPlace(key string, n int, typed []string, marked bool) (TextPlace, bool) {
	if key == "" {
		return TextPlace{}, false
	}
	if n == 1 && !marked && (placeStopNames[key] || ((tradeVocabulary()[key] || searchVocabulary()[key]) && !placeKeepNames[key])) {
		return TextPlace{}, false
	}
	if len(typed) == 1 && len(key) == 5 && data.AllDigits(key) {
		for _, c := range data.CommunesByPostcode(key) {
			if c.HasGeo && c.Type == "commune-actuelle" {
				return communePlace(c), true
			}
		}
		return TextPlace{}, false
	}
	if r, ok := data.RegionByName(key); ok {
		if pt, ok := regionCentre(r.Code); ok {
			return TextPlace{Kind: PlaceRegion, Code: r.Code, Label: r.Name, Point: pt}, true
		}
	}
	if r, ok := data.FormerRegionByName(key); ok {
		return formerRegionPlace(r), true
	}
	minPop := MinPlacePopulation
	if n > 1 || marked {
		// A name of several words, or one the buyer marked as a place:
		// the small towns of the crafts are read (« couteaux à Thiers »,
		// « horlogerie à Morteau »).
		minPop = MinPlacePopulationWords
	}
	for _, c := range data.FindCommunes(key) {
		if c.HasGeo && c.Type == "commune-actuelle" && c.Population >= minPop {
			return communePlace(c), true
		}
	}
	if d, ok := departementByName()[key]; ok {
		return departementPlace(d), true
	}
	return TextPlace{}, false
}

func communePlace(c data.Commune) TextPlace {
	return TextPlace{Kind: PlaceCommune, Code: c.INSEE, Label: describeCommune(c), Point: Point{Lat: c.Lat, Lon: c.Lon}}
}

func departementPlace(d data.Departement) TextPlace {
	return TextPlace{Kind: PlaceDepartement, Code: d.Code, Label: d.Name + " (" + d.Code + ")",
		Point: Point{Lat: d.Lat, Lon: d.Lon}}
}

// formerRegionPlace is a former région as a place: its départements,
// distances measured from their mean centre.
func formerRegionPlace(r data.FormerRegion) TextPlace {
	var lat, lon float64
	for _, code := range r.Departements {
		d, _ := data.LookupDepartement(code) // data's tests prove them known
		lat, lon = lat+d.Lat, lon+d.Lon
	}
	n := float64(len(r.Departements))
	return TextPlace{Kind: PlaceFormerRegion, Code: r.Code, Label: r.Name,
		Departements: slices.Clone(r.Departements), Point: Point{Lat: lat / n, Lon: lon / n}}
}

// joinWords joins the folded words of tokens with spaces.
func joinWords(words [][]string) string {
	var key []string
	for _, w := range words {
		key = append(key, w...)
	}
	return strings.Join(key, " ")
}

// startsUpper reports whether s begins with a capital letter.
func startsUpper(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
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

// unheldVocabulary are the stems, analysed like the text fields, of the
// words of tradeVocabulary that say what is bought: a word of the object
// that no supplier holds counts against every supplier only when it is
// one of them (discriminativeTerms). The words of the CPV labels of the
// buildings and civil-engineering structures (classes 4521 to 4525:
// « églises », « tunnels », « écoles ») name where the work is done and are
// left out: « Restauration des vitraux de l'église » asks for stained
// glass, in a church. The analyser is the index's French text analyser,
// the same for every index.
var unheldVocabulary = func() func(analysis.Analyzer) map[string]bool {
	var once sync.Once
	var out map[string]bool
	return func(a analysis.Analyzer) map[string]bool {
		once.Do(func() {
			stems := func(text string) []string {
				var out []string
				for _, w := range data.Words(text) {
					for _, tok := range a.Analyze([]byte(w)) {
						out = append(out, string(tok.Term))
					}
				}
				return out
			}
			structure := map[string]bool{}
			for _, c := range data.CPVCodes() {
				if c.Code8 >= "4521" && c.Code8 < "4526" {
					for _, s := range stems(c.LabelFR) {
						structure[s] = true
					}
				}
			}
			out = map[string]bool{}
			for w := range tradeVocabulary() {
				for _, s := range stems(w) {
					if !structure[s] {
						out[s] = true
					}
				}
			}
		})
		return out
	}
}()

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
	case PlaceFormerRegion:
		q.Departements = append(append([]string(nil), q.Departements...), p.Departements...)
	}
	return q
}
