package data

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Descriptor is a BOAMP descriptor: BOAMP's own keyword list for notices
// (descripteur_code / descripteur_libelle in the API, INDEXATION /
// DESCRIPTEURS in the XML notices), coarser than CPV.
type Descriptor struct {
	Code  string `json:"code,omitempty"`
	Label string `json:"label"`
}

// CPVEvidence is what a notice says about its object when it declares no
// CPV code.
type CPVEvidence struct {
	Title       string
	Description string
	Lots        []string // lot titles (and descriptions)
	Descriptors []Descriptor
	Nature      Nature
}

// Sources of an inferred CPV code.
const (
	CPVSourceDescriptor = "descripteur BOAMP"
	CPVSourceText       = "texte"
)

// InferredCPV is a CPV code deduced from a notice that declares none.
type InferredCPV struct {
	Code       string  `json:"code"`  // 8 digits
	Label      string  `json:"label"` // French CPV label
	Source     string  `json:"source"`
	Confidence float64 `json:"confidence"` // 0..1
	// Because says, in French, which words or descriptor led to it.
	Because string `json:"because"`
}

// InferredCPVMinConfidence is the least confidence of an inferred CPV
// code for it to classify a tender: the tenders' CPV filter and facets
// and the observatory count it from there. At 0.5, measured, three guesses
// in four have the right division; weaker ones are shown on the tender's
// page but do not classify it.
const InferredCPVMinConfidence = 0.5

// ClassifyingInferredCPV returns the inferred CPV codes of the tender that
// classify it (InferredCPVMinConfidence), most confident first; a tender
// with declared codes has none.
func (t *Tender) ClassifyingInferredCPV() []string {
	var out []string
	for _, g := range t.InferredCPV {
		if g.Confidence >= InferredCPVMinConfidence && len(g.Code) == 8 {
			out = append(out, g.Code)
		}
	}
	return out
}

// Tuning of InferCPV, measured on the real notices of crawler/notice's
// testdata with their codes hidden (TestInferCPVOnRealNotices).
const (
	// inferMaxCodes is how many codes InferCPV returns at most.
	inferMaxCodes = 3
	// inferMinEvidence is the least summed IDF of the notice words a CPV
	// label shares (procedural words such as « fourniture » or
	// « travaux » aside) for a text guess. ln(9454/df): one word used by
	// fewer than about 60 labels, or two commoner ones. Below it the
	// evidence is weak and nothing is guessed.
	inferMinEvidence = 5.0
	// inferMinRaw drops text guesses whose raw confidence is under it:
	// measured, 7 % of them had the right division.
	inferMinRaw = 0.3
	// inferMinConfidence drops the tail of the guesses.
	inferMinConfidence = 0.2
	// inferSpecificCoverage is the share of a code's label (in IDF) the
	// notice must cover for the code itself to be returned rather than
	// its group.
	inferSpecificCoverage = 0.6
	// inferCoverageExp weighs how much of a label the notice covers.
	inferCoverageExp = 0.7
	// inferDivisionTop and inferGroupTop are how many codes of a division
	// (of a group) add up to its evidence.
	inferDivisionTop = 5
	inferGroupTop    = 3
	// inferGroupLead is how much more evidence than the runner-up the
	// best group of a division needs for its code to be returned; below,
	// the words do not tell the groups apart and the division is returned.
	// Measured on the real notices (TestInferCPVOnRealNotices): where the
	// division was right, the group was right under 30 % of the time with
	// the two best groups within 5 % of each other (255 notices), about
	// two thirds of the time beyond. « Maintenance, entretien, réparation
	// des équipements de crémation » read the transport group 502, whose
	// four labels repeat « et à d'autres équipements », 4 % ahead of the
	// computers group 503: nothing says what is repaired.
	inferGroupLead = 1.05
	// inferPhraseBoost multiplies the weight of a practice expression.
	inferPhraseBoost = 1.5
	// A code outside the nature of the contract counts this much, when
	// the nature is declared, and when it is read from the title.
	inferNatureDeclaredPenalty = 0.5
	inferNatureReadPenalty     = 0.4
	// inferEvidenceScale turns evidence into confidence (1-e^-x/scale).
	inferEvidenceScale = 6.0
)

// calibration maps the raw confidence of a text guess to the share of
// guesses with that raw confidence whose division was right, measured on
// the 10 107 real notices (piecewise linear between the points).
var calibration = [][2]float64{{0.3, 0.3}, {0.35, 0.37}, {0.45, 0.56}, {0.55, 0.76}, {0.65, 0.9}, {0.75, 0.92}, {0.85, 0.93}, {1, 0.95}}

// calibrate maps a raw confidence through calibration.
func calibrate(raw float64) float64 {
	for k := 1; k < len(calibration); k++ {
		a, b := calibration[k-1], calibration[k]
		if raw <= b[0] {
			if raw <= a[0] {
				return a[1]
			}
			return a[1] + (b[1]-a[1])*(raw-a[0])/(b[0]-a[0])
		}
	}
	return calibration[len(calibration)-1][1]
}

// InferCPV deduces CPV codes for a notice without any, from its BOAMP
// descriptors (a reviewed table, BOAMPDescriptorCPV) and from its words
// against the French CPV labels (refdata/cpv_expressions.csv adds the
// expressions of procurement practice the labels lack). Codes come sorted
// by confidence, at most three, one per division, each as specific as the
// words support (a group when they cover less than 60 % of the code's
// label, the division when they fit two of its groups alike).
//
// The evidence is weak, and nothing is returned, when no descriptor maps
// and no CPV label shares with the notice words weighing 5 in IDF over the
// labels (ln(9454/df): one word used by fewer than about 60 labels, or two
// commoner ones; procedural words such as « fourniture », « travaux »,
// « consultation » never count), or when the best division does not lead
// the others enough (raw confidence under 0.3, right 7 % of the time).
//
// The confidence of a text guess is calibrated: measured on 10 107 real
// notices with their codes hidden, guesses at 0.9 or more had the right
// division 92 % of the time, at 0.5 to 0.6 55 %. Descriptor guesses carry
// the confidence of their reviewed row.
func InferCPV(in CPVEvidence) []InferredCPV {
	var out []InferredCPV
	byDivision := map[string]int{} // division → index in out
	add := func(g InferredCPV) {
		d := CPVDivision(g.Code)
		if i, ok := byDivision[d]; ok {
			o := &out[i]
			// Two sources agreeing on a division raise its confidence;
			// the more specific code stays.
			conf := 1 - (1-o.Confidence)*(1-g.Confidence)
			if cpvDepth(g.Code) > cpvDepth(o.Code) {
				g.Because = g.Because + " ; " + o.Because
				g.Confidence = conf
				*o = g
			} else {
				o.Because = o.Because + " ; " + g.Because
				o.Confidence = conf
			}
			return
		}
		byDivision[d] = len(out)
		out = append(out, g)
	}
	for _, g := range inferFromWritten(in) { // cpvwritten.go
		add(g)
	}
	for _, g := range inferFromDescriptors(in.Descriptors, in.Nature) {
		add(g)
	}
	for _, g := range inferFromText(in) {
		add(g)
	}
	for i := range out {
		out[i].Confidence = math.Round(out[i].Confidence*100) / 100
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Confidence > out[j].Confidence })
	kept := out[:0]
	for _, g := range out {
		if g.Confidence >= inferMinConfidence && len(kept) < inferMaxCodes {
			kept = append(kept, g)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return kept
}

// cpvDepth is the number of significant digits of a CPV code (trailing
// zeros are padding): 2 for a division, 3 for a group…
func cpvDepth(code string) int {
	n := len(strings.TrimRight(code, "0"))
	if n < 2 {
		n = 2
	}
	return n
}

// inferFromDescriptors maps BOAMP descriptors through the reviewed table.
// A code that does not fit the contract's nature (a works code for a
// services notice) counts half; after the first, codes count less.
func inferFromDescriptors(ds []Descriptor, nature Nature) []InferredCPV {
	var out []InferredCPV
	for _, d := range ds {
		e, ok := LookupBOAMPDescriptor(d)
		if !ok {
			// A descriptor outside the table still says something: its
			// label is read against the CPV labels like a short title.
			if g := bestTextGuess(d.Label); g != nil {
				g.Source = CPVSourceDescriptor
				g.Confidence *= 0.8
				g.Because = "descripteur BOAMP « " + d.Label + " » (lu contre les libellés CPV : " + g.Because + ")"
				out = append(out, *g)
			}
			continue
		}
		rank := 1.0
		for _, code := range e.CPV {
			c, ok := LookupCPV(code)
			if !ok {
				continue
			}
			conf := e.Confidence * rank
			if !natureFits(nature, c.Division) {
				conf *= 0.5
			} else {
				rank = 0.7
			}
			out = append(out, InferredCPV{Code: code, Label: c.LabelFR, Source: CPVSourceDescriptor,
				Confidence: conf, Because: "descripteur BOAMP « " + e.Label + " »"})
		}
	}
	return out
}

// bestTextGuess reads a short text (a descriptor label) against the CPV
// labels and returns the best guess, or nil.
func bestTextGuess(text string) *InferredCPV {
	gs := inferFromText(CPVEvidence{Title: text})
	if len(gs) == 0 {
		return nil
	}
	return &gs[0]
}

// cpvIndex is the CPV labels as stems, with each stem's IDF over the
// labels.
type cpvIndex struct {
	codes []CPVCode
	stems [][]string         // per code, distinct stems of its label
	mass  []float64          // per code, summed IDF of its stems
	post  map[string][]int32 // stem → codes whose label holds it
	idf   map[string]float64
	pos   map[string]int // code8 → index in codes
}

var cpvIdx = lazy[*cpvIndex]{load: func() *cpvIndex {
	ix := &cpvIndex{codes: CPVCodes(), post: map[string][]int32{}, idf: map[string]float64{}}
	ix.stems = make([][]string, len(ix.codes))
	ix.mass = make([]float64, len(ix.codes))
	for i, c := range ix.codes {
		seen := map[string]bool{}
		for _, s := range frenchStems(c.LabelFR) {
			if !seen[s] {
				seen[s] = true
				ix.stems[i] = append(ix.stems[i], s)
				ix.post[s] = append(ix.post[s], int32(i))
			}
		}
	}
	pos := map[string]int{}
	for i, c := range ix.codes {
		pos[c.Code8] = i
	}
	ix.pos = pos
	n := float64(len(ix.codes))
	for s, p := range ix.post {
		ix.idf[s] = math.Log(n / float64(len(p)))
	}
	for i, ss := range ix.stems {
		for _, s := range ss {
			ix.mass[i] += ix.idf[s]
		}
	}
	return ix
}}

// queryTerm is a stem of the notice with the weight of where it was read
// and the word it came from (for Because).
type queryTerm struct {
	weight float64
	word   string
}

// noticeQuery is what a notice's texts say, as stems with the weight of
// where they were read, and the practice expressions they hold.
type noticeQuery struct {
	terms   map[string]queryTerm
	phrases map[int]float64 // index in cpvExpressions → weight
}

// surfaceForms maps the folded words of text to their first spelling in
// it, lower case, so that Because says « éclairage extérieur » as the
// buyer wrote it, not « eclairage exterieur ».
func surfaceForms(text string) map[string]string {
	out := map[string]string{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		lower := strings.ToLower(w)
		if f := Fold(lower); f != lower && out[f] == "" {
			out[f] = lower
		}
	}
	return out
}

// noticeTerms reads the notice's stems: the title weighs most, then the
// lots, then the description (which often carries boilerplate).
func noticeTerms(in CPVEvidence) noticeQuery {
	q := noticeQuery{terms: map[string]queryTerm{}, phrases: map[int]float64{}}
	exprs := cpvExpressions.get()
	read := func(text string, w float64) {
		var seq []string
		surface := surfaceForms(text)
		words := dropRestoration(noticeWords(text))
		dest := destinationStart(words)
		for j, word := range words {
			s := frenchStem(word)
			if s == "" {
				continue
			}
			seq = append(seq, s)
			ww := w
			if j >= dest {
				ww = w * destinationWeight
			}
			if t, ok := q.terms[s]; !ok || t.weight < ww {
				q.terms[s] = queryTerm{weight: ww, word: cmp.Or(surface[word], word)}
			}
		}
		for k, e := range exprs {
			if containsRun(seq, e.stems) && q.phrases[k] < w {
				q.phrases[k] = w
			}
		}
	}
	read(stripDescriptorLine(in.Description), 0.5)
	for _, l := range in.Lots {
		read(l, 0.8)
	}
	read(in.Title, 1)
	return q
}

// destinationWeight is the share of its text's weight that a word of the
// destination of a purchase keeps (destinationStart).
const destinationWeight = 0.3

// destinationStart returns the index of the first word that names who or
// what a purchase is for rather than what is bought: « pour » followed by
// an institution, a place or people (« Matelas pour l'internat du
// lycée », « Tapisseries pour le musée », « Vélos pour la police
// municipale »), when something was named before it. Other complements
// of « pour » name the object (« pièces détachées pour véhicules »,
// « cartouches pour les installations », « pour la fourniture de … »)
// and keep their weight. len(words) when there is none.
func destinationStart(words []string) int {
	for i, w := range words {
		if w != "pour" || i == 0 {
			continue
		}
		j := i + 1
		for j < len(words) && destinationSkip[words[j]] {
			j++
		}
		if j < len(words) && destinationNouns[words[j]] {
			return i
		}
	}
	return len(words)
}

// destinationNouns are the folded nouns of the institutions, places and
// people public purchases are made for.
var destinationNouns = wordSet(`ecole ecoles college colleges lycee lycees internat internats creche creches
	musee musees eglise eglises mairie mairies mediatheque mediatheques bibliotheque bibliotheques theatre
	theatres opera conservatoire gymnase gymnases piscine piscines stade stades cantine cantines
	police gendarmerie pompiers agents agent personnel personnels usagers enfants eleves habitants residents
	ville villes commune communes communaute departement region hopital hopitaux chu ehpad
	laboratoire laboratoires universite universites etablissement etablissements besoins compte
	services service administration collectivite syndicat cpam caf sdis`)

// dropRestoration removes « restauration » where it means restoring a
// thing (« Restauration de l'orgue », « des murs d'enceinte », « des
// gravières »): the CPV labels use the word only for catering
// (« Équipement de restauration »), so it read an organ's restoration as
// kitchen equipment. It stays when it feeds people (« restauration des
// élèves », « du personnel », « scolaire ») or follows what catering
// needs (« matériels de restauration de la Ville »).
func dropRestoration(words []string) []string {
	out := words[:0:0]
	for i, w := range words {
		kitchen := i >= 2 && cateringHeads[words[i-2]] && words[i-1] == "de"
		if w == "restauration" && !kitchen && i+1 < len(words) && (words[i+1] == "de" || words[i+1] == "d" || words[i+1] == "du" || words[i+1] == "des") {
			j := i + 2
			for j < len(words) && destinationSkip[words[j]] {
				j++
			}
			if j < len(words) && !destinationNouns[words[j]] && !diners[words[j]] {
				continue
			}
		}
		out = append(out, w)
	}
	return out
}

// cateringHeads name what catering needs or provides (« matériels de
// restauration de la Ville », « services de restauration de l'hôpital »):
// before « de restauration » the word means catering, whatever follows.
var cateringHeads = wordSet("materiel materiels equipement equipements service services prestation prestations fournitures fourniture marche")

// diners are the folded words of the people a catering contract feeds,
// beside destinationNouns.
var diners = wordSet("eleves convives residents patients personnes beneficiaires repas collaborateurs salaries adultes jeunes")

// destinationSkip are the articles and small words between « pour » and
// what it introduces.
var destinationSkip = wordSet("le la les l un une des du de d ses son sa leurs leur nos notre vos votre ces ce cet cette")

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// containsRun reports whether run appears in seq, consecutively.
func containsRun(seq, run []string) bool {
	if len(run) == 0 {
		return false
	}
	for i := 0; i+len(run) <= len(seq); i++ {
		if slices.Equal(seq[i:i+len(run)], run) {
			return true
		}
	}
	return false
}

// cpvExpression is a row of refdata/cpv_expressions.csv: an expression of
// French procurement practice that the CPV labels do not say (« maîtrise
// d'oeuvre », « VRD »), with the code it stands for, reviewed.
type cpvExpression struct {
	text  string
	stems []string
	code  int32 // index in cpvIndex.codes
	why   string
}

var cpvExpressions = lazy[[]cpvExpression]{load: func() []cpvExpression {
	ix := cpvIdx.get()
	var out []cpvExpression
	for _, r := range readCSV("refdata/cpv_expressions.csv") {
		i, ok := ix.pos[r["cpv"]]
		if !ok {
			panic("data: cpv_expressions.csv: unknown CPV code " + r["cpv"])
		}
		out = append(out, cpvExpression{text: r["expression"], stems: frenchStems(r["expression"]), code: int32(i), why: r["justification"]})
	}
	return out
}}

// placeIntroducers are the words after which a capitalised commune name
// is a place, not a thing (« ville de Paris », « à Toulouse »).
var placeIntroducers = map[string]bool{
	"a": true, "de": true, "d": true, "du": true, "sur": true, "en": true, "ville": true, "commune": true,
	"pour": true, "au": true, "aux": true, "les": true, "la": true, "le": true,
}

// noticeWords splits a notice text into folded words for InferCPV, minus
// the names of places (a capitalised commune name after « de », « à »…,
// or one the CPV labels do not know: « Paris » is not betting, « Fos-sur-Mer »
// not the sea, nor « Paris » in « Université Paris-Sud »), and with letters lost to a wrong charset (« r�seaux »)
// restored when one choice makes a word of the CPV labels.
func noticeWords(text string) []string {
	raw := strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != utf8.RuneError
	})
	allCaps := strings.ToUpper(text) == text
	var out []string
	prev, prev2 := "", "" // the words before tok
	for i, tok := range raw {
		tok = strings.Trim(tok, "-")
		if tok == "" {
			continue
		}
		capital := capitalised(tok)
		// shouted: the token and the two before it are in capitals
		// (« MAINTENANCE D'ENGINS »), whatever the rest of the text.
		shouted := allCaps || i >= 2 && upperWord(tok) && upperWord(raw[i-1]) && upperWord(raw[i-2])
		if capital && i > 0 && isPlaceName(tok, prev, prev2, shouted) {
			prev, prev2 = "", prev
			continue
		}
		parts := strings.Split(tok, "-")
		for _, part := range parts {
			// A place inside a compound name (« Université Paris-Sud »).
			if len(parts) > 1 && i > 0 && capitalised(part) && isPlaceName(part, prev, prev2, shouted) {
				continue
			}
			for _, w := range Words(repairLostLetters(part)) {
				if full, ok := lostOE[w]; ok {
					w = full
				}
				if (w == "public" || w == "publics") && (prev == "marche" || prev == "marches") {
					continue // « marché public »: procurement, not a public thing
				}
				out = append(out, w)
				prev, prev2 = w, prev
			}
		}
	}
	return dropBuyerNames(out)
}

// fireServiceName is the end of the name of a département's fire and
// rescue service (« service départemental d'incendie et de secours »), a
// buyer, not the object of its notices: its « moyens élévateurs aériens »
// read « Services de secours aérien » at 0.56, its fuel « Véhicules des
// services de secours » at 0.67 (buyers' QA pass, BOAMP 26-26547; DECP
// 2019). A « centre d'incendie et de secours » is a building, and stays.
var fireServiceName = strings.Fields("incendie et de secours")

// dropBuyerNames removes the names of buyers from a notice's words: the
// words from « service(s) » to the end of fireServiceName, when at most
// three words stand between them (« départemental d' », or « d partemental
// d' » when a wrong charset took the é).
func dropBuyerNames(words []string) []string {
	for i := 0; i+len(fireServiceName) <= len(words); i++ {
		if !slices.Equal(words[i:i+len(fireServiceName)], fireServiceName) {
			continue
		}
		for k := i - 1; k >= 0 && k >= i-4; k-- {
			if words[k] == "service" || words[k] == "services" {
				words = slices.Delete(words, k, i+len(fireServiceName))
				i = k - 1
				break
			}
		}
	}
	return words
}

// isPlaceName says whether a capitalised token is the name of a commune
// used as a place, prev and prev2 being the words before it; caps says the
// token stands among words in capitals, where capitals tell nothing.
func isPlaceName(tok, prev, prev2 string, caps bool) bool {
	if len(tok) < 3 {
		return false
	}
	if areaNames.get()[PlaceKey(tok)] {
		return true
	}
	if len(FindCommunes(tok)) == 0 {
		return false
	}
	_, known := cpvIdx.get().idf[frenchStem(Fold(tok))]
	if placeIntroducers[prev] {
		// Among words in capitals, « de » before a word of the CPV
		// labels that is also a commune's name introduces a thing: «
		// MAINTENANCE D'ENGINS NEUFS » (Engins, Isère) read « neufs » alone,
		// as fresh active charcoal (buyers' QA pass, BOAMP 26-26228).
		// « VILLE DE PARIS » stays a place.
		return !(caps && known && ofIntroducers[prev] && !placeNouns[prev2])
	}
	if caps { // every word is capitalised: only the context tells
		return false
	}
	return !known
}

// placeNouns name a place: the commune after « ville de » is one.
var placeNouns = map[string]bool{"ville": true, "commune": true, "mairie": true, "metropole": true, "departement": true, "region": true}

// upperWord says whether a word is written in capitals: it has a letter
// and no lower-case one.
func upperWord(w string) bool {
	letter := false
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		letter = letter || unicode.IsUpper(r)
	}
	return letter
}

// ofIntroducers are the place introducers that introduce things as often
// (« maintenance d'engins », « fourniture de pompes »).
var ofIntroducers = map[string]bool{"de": true, "d": true, "du": true}

// lostOE are words whose « œ » a wrong charset dropped (« MAITRISE
// D'UVRE »).
var lostOE = map[string]string{"uvre": "oeuvre", "duvre": "oeuvre", "uvres": "oeuvres", "vux": "voeux"}

// areaNames are the names of the départements and régions, as PlaceKey:
// capitalised, they are places wherever they stand (« Corse » is not a
// horn, « Manche » not a handle).
var areaNames = lazy[map[string]bool]{load: func() map[string]bool {
	m := map[string]bool{}
	for _, d := range Departements() {
		m[PlaceKey(d.Name)] = true
	}
	for _, r := range Regions() {
		m[PlaceKey(r.Name)] = true
	}
	return m
}}

// lostLetterChoices are the letters a U+FFFD most often stands for in
// French text decoded with the wrong charset (after folding).
var lostLetterChoices = []string{"e", "a", "u", "c", "i", "o"}

// repairLostLetters restores a word with one lost letter (U+FFFD) when one
// choice of letter makes a stem of the CPV labels; otherwise the U+FFFD
// stays and Words splits the word around it.
func repairLostLetters(w string) string {
	if strings.Count(w, "\uFFFD") != 1 {
		return w
	}
	ix := cpvIdx.get()
	best, bestN := w, 0
	for _, c := range lostLetterChoices {
		cand := strings.Replace(w, "\uFFFD", c, 1)
		if n := len(ix.post[frenchStem(Fold(cand))]); n > bestN {
			best, bestN = cand, n
		}
	}
	return best
}

// stripDescriptorLine removes the « Descripteurs BOAMP : … » line the
// importers append to descriptions: descriptors are read on their own.
func stripDescriptorLine(desc string) string {
	if i := strings.Index(desc, "Descripteurs BOAMP :"); i >= 0 {
		end := strings.IndexByte(desc[i:], '\n')
		if end < 0 {
			return desc[:i]
		}
		return desc[:i] + desc[i+end:]
	}
	return desc
}

// natureFits says whether a CPV division fits the nature of the contract:
// works are division 45, supplies 03 to 44 and 48, services 49 to 98.
func natureFits(n Nature, division string) bool {
	switch n {
	case NatureWorks:
		return division == "45"
	case NatureSupplies:
		return division < "45" || division == "48"
	case NatureServices:
		return division > "48"
	}
	return true
}

// inferFromText scores every CPV label against the notice's words.
//
// A code's score is the IDF-weighted sum of the notice stems its label
// shares, times the square root of the share of the label (in IDF) they
// cover: a label fully matched on rare words wins over a long label
// touched by one word. Codes are then grouped by division (the best three
// codes of a division add up, so consistent evidence wins over one lucky
// word); the best code of each division is returned when the notice covers
// most of its label, else its group, or the division itself when two of
// its groups have the same evidence (inferGroupLead), so a code is only as
// specific as the words support.
func inferFromText(in CPVEvidence) []InferredCPV {
	ix := cpvIdx.get()
	exprs := cpvExpressions.get()
	q := noticeTerms(in)
	nature := in.Nature
	if nature == "" {
		nature = natureFromTitle(in.Title)
	}
	// Dense per-code sums, and the codes touched; stems in sorted order so
	// that the sums, hence the guesses, never depend on map order.
	score := make([]float64, len(ix.codes))
	matched := make([]float64, len(ix.codes))
	var touched []int32
	// telling marks the codes whose label shares a word with the notice
	// that is no procedural word (or an expression).
	telling := make([]bool, len(ix.codes))
	procedural := proceduralStems.get()
	stems := make([]string, 0, len(q.terms))
	for s := range q.terms {
		stems = append(stems, s)
	}
	sort.Strings(stems)
	for _, s := range stems {
		idf, ok := ix.idf[s]
		if !ok {
			continue
		}
		w := q.terms[s].weight
		for _, i := range ix.post[s] {
			if score[i] == 0 {
				touched = append(touched, i)
			}
			score[i] += idf * w
			matched[i] += idf
			if !procedural[s] {
				telling[i] = true
			}
		}
	}
	phraseOf := map[int32]int{}
	for k := range exprs {
		w, ok := q.phrases[k]
		if !ok {
			continue
		}
		e := exprs[k]
		if score[e.code] == 0 {
			touched = append(touched, e.code)
		}
		score[e.code] += inferPhraseBoost * ix.phraseIDF(e.stems) * w
		telling[e.code] = true
		matched[e.code] = ix.mass[e.code]
		phraseOf[e.code] = k
	}
	type cand struct {
		i        int32
		score    float64
		coverage float64
	}
	cands := make([]cand, 0, len(touched))
	for _, i := range touched {
		// A label that shares only procedural words with the notice («
		// Fournitures de bureau », « Fournitures pour perfusion » for «
		// Fourniture de drapeaux ») is no candidate: it could never be
		// returned (no evidence), but its division, whose many labels say
		// « Fournitures », outranked the one that fits.
		if !telling[i] {
			continue
		}
		cov := 1.0
		if ix.mass[i] > 0 {
			cov = min(1, matched[i]/ix.mass[i])
		}
		s := score[i] * math.Pow(cov, inferCoverageExp)
		if !natureFits(nature, ix.codes[i].Division) {
			if in.Nature != "" {
				s *= inferNatureDeclaredPenalty
			} else {
				s *= inferNatureReadPenalty
			}
		}
		cands = append(cands, cand{i, s, cov})
	}
	sort.Slice(cands, func(a, b int) bool {
		if cands[a].score != cands[b].score {
			return cands[a].score > cands[b].score
		}
		return ix.codes[cands[a].i].Code8 < ix.codes[cands[b].i].Code8
	})
	type tally struct {
		best  cand
		sum   float64
		count int
	}
	type division struct {
		tally
		groups map[string]*tally
		// tied is true when no group leads the others (inferGroupLead).
		tied bool
	}
	divs := map[string]*division{}
	var order []string
	for _, c := range cands {
		code := ix.codes[c.i]
		dv := divs[code.Division]
		if dv == nil {
			dv = &division{tally: tally{best: c}, groups: map[string]*tally{}}
			divs[code.Division] = dv
			order = append(order, code.Division)
		}
		if dv.count < inferDivisionTop {
			dv.sum += c.score
			dv.count++
		}
		if cpvDepth(code.Code8) >= 3 {
			g := dv.groups[code.Code8[:3]]
			if g == nil {
				g = &tally{best: c}
				dv.groups[code.Code8[:3]] = g
			}
			if g.count < inferGroupTop {
				g.sum += c.score
				g.count++
			}
		}
	}
	// Within a division, the group with the most evidence gives the code:
	// its best code, so that one lucky label in another group does not win;
	// unless another group has about as much (tied).
	for _, dv := range divs {
		var best *tally
		for _, g := range dv.groups {
			if best == nil || g.sum > best.sum || g.sum == best.sum && ix.codes[g.best.i].Code8 < ix.codes[best.best.i].Code8 {
				best = g
			}
		}
		if best != nil {
			dv.best = best.best
			for _, g := range dv.groups {
				if g != best && best.sum < inferGroupLead*g.sum {
					dv.tied = true
				}
			}
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return divs[order[a]].sum > divs[order[b]].sum })
	var out []InferredCPV
	for k, d := range order {
		if k >= inferMaxCodes {
			break
		}
		dv := divs[d]
		evidence, because := ix.evidence(dv.best.i, q)
		if p, ok := phraseOf[dv.best.i]; ok {
			evidence += ix.phraseIDF(exprs[p].stems) * q.phrases[p]
			because = append([]string{"« " + exprs[p].text + " »"}, because...)
		}
		if evidence < inferMinEvidence {
			continue
		}
		c := ix.codes[dv.best.i]
		if dv.best.coverage < inferSpecificCoverage {
			c = cpvGroupOf(c)
		}
		if dv.tied {
			c = cpvDivisionOf(c)
		}
		// Confidence grows with the evidence and with the lead over the
		// other divisions.
		rival := 0.0
		if k == 0 && len(order) > 1 {
			rival = divs[order[1]].sum
		} else if k > 0 {
			rival = divs[order[0]].sum
		}
		raw := (1 - math.Exp(-evidence/inferEvidenceScale)) * dv.sum / (dv.sum + rival)
		if raw < inferMinRaw {
			continue
		}
		conf := calibrate(raw)
		out = append(out, InferredCPV{Code: c.Code8, Label: c.LabelFR, Source: CPVSourceText,
			Confidence: conf, Because: "mots " + strings.Join(because, ", ")})
	}
	return out
}

// proceduralStems are the stems of words that every kind of notice uses
// (« fourniture », « services », « travaux »): they help rank the codes of
// a division but are no evidence of a trade.
var proceduralStems = lazy[map[string]bool]{load: func() map[string]bool {
	m := map[string]bool{}
	for _, w := range Words("fourniture service travaux travail prestation mission achat acquisition réalisation " +
		"mise gestion ensemble divers production") {
		m[frenchStemWord(w)] = true
	}
	return m
}}

// evidence is the summed IDF of the notice words a code's label holds,
// procedural words aside, and those words as the notice wrote them.
func (ix *cpvIndex) evidence(i int32, q noticeQuery) (float64, []string) {
	sum := 0.0
	var words []string
	for _, s := range ix.stems[i] {
		if t, ok := q.terms[s]; ok {
			words = append(words, "« "+t.word+" »")
			if !proceduralStems.get()[s] {
				sum += ix.idf[s]
			}
		}
	}
	return sum, words
}

// phraseIDF is the weight of an expression: the summed IDF of its stems,
// the largest IDF for a stem the CPV labels never use (« SPS »).
func (ix *cpvIndex) phraseIDF(stems []string) float64 {
	sum := 0.0
	for _, s := range stems {
		if idf, ok := ix.idf[s]; ok {
			sum += idf
		} else {
			sum += math.Log(float64(len(ix.codes)))
		}
	}
	return sum
}

// natureWords are the words that tell the nature of a contract:
// « travaux », « construction », « aménagement » (of a street, a square,
// a building: the CPV labels' « Aménagements » are furnishings), « pose »,
// « extension » (of buildings mostly; of a network or a software too,
// which it then discounts: 39 notices gained against 10 lost on the real
// notices) are works; « fourniture », « achat »
// supplies; « prestation », « maintenance », « mission », « maîtrise »
// (d'oeuvre, d'ouvrage) services. Keyed by stem.
var natureWords = lazy[map[string]Nature]{load: func() map[string]Nature {
	m := map[string]Nature{}
	for n, words := range map[Nature]string{
		NatureWorks:    "travaux travail construction réhabilitation rénovation réfection démolition aménagement pose reconstruction requalification restructuration extension",
		NatureSupplies: "fourniture achat acquisition",
		NatureServices: "service prestation maintenance entretien mission étude maîtrise assistance coordination " +
			"contrôle diagnostic audit conseil nettoyage location transport formation gestion exploitation collecte",
	} {
		for _, w := range Words(words) {
			m[frenchStemWord(w)] = n
		}
	}
	return m
}}

// natureFromTitle reads the nature of a contract from the first word of
// its title that tells one (« Mission de coordination des travaux » is a
// service, « Travaux de voirie » works), when it is not declared.
func natureFromTitle(title string) Nature {
	words := noticeWords(title)
	for i, w := range words {
		n, ok := natureWords.get()[frenchStemWord(w)]
		if !ok {
			continue
		}
		// « fourniture de prestations », « fourniture de services »: the
		// services are what is supplied (« fourniture et maintenance »
		// stays a supply).
		if n == NatureSupplies && i+2 < len(words) && (words[i+1] == "de" || words[i+1] == "des" || words[i+1] == "d") &&
			natureWords.get()[frenchStemWord(words[i+2])] == NatureServices {
			return NatureServices
		}
		return n
	}
	return ""
}

// cpvDivisionOf returns the division of a code, or the code itself when
// its division is unknown.
func cpvDivisionOf(c CPVCode) CPVCode {
	if d, ok := LookupCPV(c.Division + "000000"); ok {
		return d
	}
	return c
}

// cpvGroupOf returns the group (3 digits) of a code, or the code itself
// when it is a division or its group is unknown.
func cpvGroupOf(c CPVCode) CPVCode {
	if len(c.Code8) != 8 {
		return c
	}
	g, ok := LookupCPV(c.Code8[:3] + "00000")
	if !ok || cpvDepth(c.Code8) <= 3 {
		return c
	}
	return g
}

// frenchStems returns the stems of the meaningful words of s.
func frenchStems(s string) []string {
	var out []string
	for _, w := range Words(s) {
		if st := frenchStem(w); st != "" {
			out = append(out, st)
		}
	}
	return out
}

// frenchStopWords are the grammatical words of French that say nothing
// about the object of a contract.
var frenchStopWords = map[string]bool{
	"de": true, "la": true, "le": true, "les": true, "des": true, "du": true, "et": true, "en": true,
	"pour": true, "au": true, "aux": true, "un": true, "une": true, "sur": true, "par": true,
	"avec": true, "dans": true, "ou": true, "a": true, "d": true, "l": true, "s": true, "n": true,
	"qu": true, "que": true, "qui": true, "son": true, "sa": true, "ses": true, "leur": true,
	"leurs": true, "ce": true, "ces": true, "cet": true, "cette": true, "non": true, "sans": true,
	"autres": true, "autre": true, "etc": true, "ne": true, "pas": true, "y": true, "compris": true,
	"est": true, "sont": true, "il": true, "elle": true, "nous": true, "vous": true, "lot": true,
	"lots": true, "marche": true, "marches": true, "accord": true, "cadre": true,
	// the words of procurement itself, in any notice whatever its object
	"consultation": true, "prestation": true, "prestations": true, "livraison": true,
	"acquisition": true, "achat": true, "achats": true, "attribution": true, "avis": true,
	"besoin": true, "besoins": true, "commune": true, "ville": true, "mairie": true,
	"relatif": true, "relative": true, "relatifs": true, "relatives": true, "concernant": true,
	"objet": true, "annee": true, "annees": true, "procedure": true, "titulaire": true,
	"diverses": true, "divers": true, "diverse": true, "profit": true,
	// « la présente consultation », « le présent marché »: not a display unit
	"present": true, "presente": true, "presents": true, "presentes": true,
}

// frenchSuffixes are stripped, longest first, so that a trade and its
// work meet ("menuisier", "menuiserie" → "menuis").
var frenchSuffixes = []string{
	"issements", "issement", "atrices", "ateurs", "ations", "ements", "atrice", "ateur", "ation",
	"ement", "euses", "ieres", "eries", "iques", "ismes", "istes", "euse", "eurs", "iere", "iers",
	"erie", "ages", "ique", "isme", "iste", "ites", "elles", "elle", "eur", "ier", "age", "ite", "ees",
	"els", "ee", "es", "el", "e", "s", "x",
}

// adjectiveSuffixes are the endings of -if adjectives, longest first.
var adjectiveSuffixes = []string{"ives", "ifs", "ive", "if"}

// stemExceptions are words the suffix rules would join to another trade:
// « plomberie » (plumbing) is not « plomb » (lead, the stained-glass
// maker's metal).
var stemExceptions = map[string]string{
	"plomberie": "plomberi", "plomberies": "plomberi", "plombier": "plomberi", "plombiers": "plomberi",
	// « boiserie » (wood panelling, joinery) is not « bois » (timber): cut
	// to « bois », « Restauration de boiseries » deduced the foresters'
	// timber (03410000); cpv_expressions.csv reads it as joinery.
	"boiserie": "boiseri", "boiseries": "boiseri",
	// « maintenance » is what the French labels call « entretien » (the
	// English ones say maintenance for both): read alone it pulled every
	// « Maintenance des portes » to computer repair (group 503), the only
	// repair group whose French labels say « maintenance ».
	"maintenance": "entreti", "maintenances": "entreti",
	// « traiteur » (catering) is not « traitement » (of water, of waste…):
	// both were cut to « trait », found in 90 labels, so that « Services
	// traiteur » deduced nothing.
	"traiteur": "traiteu", "traiteurs": "traiteu",
	// « publicité » is not « public » (« marché public », « éclairage
	// public »): both were cut to « public ».
	"publicite": "publici", "publicites": "publici", "publicitaire": "publici", "publicitaires": "publici",
	// « collectif » (transport, habitat, restauration) is not « collecte »
	// (of waste): both were cut to « collect ».
	"collectif": "collecti", "collectifs": "collecti", "collective": "collecti", "collectives": "collecti",
	// The trades of industry are no homographs of what they shape (found
	// with the CPV picker's trade words): « tournage » (turning, or a film's
	// shooting) was « tourn », read as « Tourne-disques » at 0.48; «
	// fraisage » and « fraiseuse » were « frais », strawberries and fresh
	// milk; « fonderie » was « fond », road foundations; « usinage » was
	// « usin », « Navires-usines »; « soudage » and « soudure » were « soud »,
	// caustic soda. Each gets a stem of its own, so it finds the labels that
	// say the word (« Matériel de soudage », « Moules de fonderie », «
	// Centre d'usinage ») or nothing.
	"tournage": "tournag", "tournages": "tournag",
	"fraisage": "fraisag", "fraisages": "fraisag", "fraiseuse": "fraiseu", "fraiseuses": "fraiseu",
	"fonderie": "fonderi", "fonderies": "fonderi",
	"usinage": "usinag", "usinages": "usinag",
	"soudage": "soudag", "soudages": "soudag", "soudure": "soudag", "soudures": "soudag",
	// « élévateur » (a lift, « Chariots élévateurs », « Élévateurs et
	// convoyeurs ») is not « élevage » (livestock): both were cut to «
	// elev », so that the « moyens élévateurs aériens » of a fire service
	// found « Services d'élevage » (buyers' QA pass, BOAMP 26-26547).
	"elevateur": "elevat", "elevateurs": "elevat", "elevatrice": "elevat", "elevatrices": "elevat",
	"autoelevatrice": "elevat", "autoelevatrices": "elevat",
	// « réactif » (a laboratory reagent) is a noun, not the adjective of a
	// « réacteur »: cut as an -if adjective, both were « react ».
	"reactif": "reactif", "reactifs": "reactif",
}

// stemLength caps stems: French derivations past it rarely change the
// trade ("signalisation", "signalétique" → "signal").
const stemLength = 7

// frenchStem is a light French stemmer over folded words: plural and
// derivational suffixes are stripped while at least four letters remain.
// Stop words and words shorter than three letters give "".
func frenchStem(w string) string {
	if frenchStopWords[w] {
		return ""
	}
	return frenchStemWord(w)
}

// frenchStemWord stems a word without checking the stop words.
func frenchStemWord(w string) string {
	if len(w) < 3 || AllDigits(w) {
		return ""
	}
	if s, ok := stemExceptions[w]; ok {
		return s
	}
	switch {
	case strings.HasSuffix(w, "eaux") || strings.HasSuffix(w, "yaux"):
		// -eau and -yau words make their plural in -x (réseau, réseaux;
		// tuyau, tuyaux; eau, eaux): the -aux rule below cut « réseaux » to
		// « reseal », away from « réseau » (49 labels against 13).
		w = w[:len(w)-1]
	case strings.HasSuffix(w, "aux") && len(w) > 5:
		w = w[:len(w)-3] + "al"
	}
	// -if adjectives (sportif, sportive, sportifs) join their noun
	// (sport) when five letters remain: « équipements sportifs » found no
	// « Articles et équipements de sport » and read the works of «
	// équipements sportifs » alone. Shorter stems stay whole (« massif »,
	// « archives »).
	for _, suf := range adjectiveSuffixes {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 5 {
			w = w[:len(w)-len(suf)]
			if len(w) > stemLength {
				w = w[:stemLength]
			}
			return w
		}
	}
	for _, suf := range frenchSuffixes {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			w = w[:len(w)-len(suf)]
			break
		}
	}
	// -ail words make their plural in -aux (vitrail, vitraux): both end in
	// -al, like the -al words (métal, métaux).
	if strings.HasSuffix(w, "ail") && len(w) > 5 {
		w = w[:len(w)-3] + "al"
	}
	if len(w) > stemLength {
		w = w[:stemLength]
	}
	return w
}

// String renders a guess for logs and reports: « 45233000 (…) — texte, 0.62 ».
func (g InferredCPV) String() string {
	return fmt.Sprintf("%s (%s) — %s, %.2f : %s", g.Code, g.Label, g.Source, g.Confidence, g.Because)
}

// CPVEvidence gathers what the tender says about its object, for InferCPV.
func (t *Tender) CPVEvidence() CPVEvidence {
	in := CPVEvidence{Title: t.Title, Description: t.Description, Descriptors: t.Descriptors, Nature: t.Nature}
	for _, l := range t.Lots {
		in.Lots = append(in.Lots, strings.TrimSpace(l.Title+" "+l.Description))
	}
	return in
}

// InferMissingCPV sets t.InferredCPV: the guesses of InferCPV when the
// tender declares no CPV code, none otherwise.
func (t *Tender) InferMissingCPV() {
	t.InferredCPV = nil
	if len(t.CPVCodes()) == 0 {
		t.InferredCPV = InferCPV(t.CPVEvidence())
	}
}

// capitalised says whether a word starts with a capital letter.
func capitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}
