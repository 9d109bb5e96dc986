package data

import (
	"fmt"
	"math"
	"sort"
	"strings"
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

// Tuning of InferCPV, measured on real notices with declared codes (see
// TestInferCPVEvaluation).
const (
	// inferMaxCodes is how many codes InferCPV returns at most.
	inferMaxCodes = 3
	// inferMinEvidence is the least summed IDF of the notice words shared
	// with a CPV label for a text guess: below it the words are generic in
	// CPV labels (« fourniture », « travaux », « services ») and the
	// evidence is weak; nothing is returned.
	inferMinEvidence = 5.0
	// inferMinConfidence drops the tail of the guesses.
	inferMinConfidence = 0.2
	// inferSpecificCoverage is the share of a code's label (in IDF) the
	// notice must cover for the code itself to be returned rather than
	// its group.
	inferSpecificCoverage = 0.6
)

// InferCPV deduces CPV codes for a notice without any, from its BOAMP
// descriptors (a reviewed table, BOAMPDescriptorCPV) and from its words
// against the French CPV labels. Codes come sorted by confidence, at most
// three, one per division; nothing is returned when the evidence is weak:
// no descriptor that maps and no text guess whose shared words weigh
// inferMinEvidence in IDF over the CPV labels.
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

// noticeTerms reads the notice's stems: the title weighs most, then the
// lots, then the description (which often carries boilerplate).
func noticeTerms(in CPVEvidence) map[string]queryTerm {
	q := map[string]queryTerm{}
	read := func(text string, w float64) {
		for _, word := range Words(text) {
			s := frenchStem(word)
			if s == "" {
				continue
			}
			if t, ok := q[s]; !ok || t.weight < w {
				q[s] = queryTerm{weight: w, word: word}
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
// most of its label, else its group, so a code is only as specific as the
// words support.
func inferFromText(in CPVEvidence) []InferredCPV {
	ix := cpvIdx.get()
	q := noticeTerms(in)
	score := map[int32]float64{}
	matched := map[int32]float64{}
	for s, t := range q {
		idf, ok := ix.idf[s]
		if !ok {
			continue
		}
		for _, i := range ix.post[s] {
			score[i] += idf * t.weight
			matched[i] += idf
		}
	}
	type cand struct {
		i        int32
		score    float64
		coverage float64
	}
	var cands []cand
	for i, sc := range score {
		cov := matched[i] / ix.mass[i]
		s := sc * math.Sqrt(cov)
		if !natureFits(in.Nature, ix.codes[i].Division) {
			s *= 0.5
		}
		cands = append(cands, cand{i, s, cov})
	}
	sort.Slice(cands, func(a, b int) bool {
		if cands[a].score != cands[b].score {
			return cands[a].score > cands[b].score
		}
		return ix.codes[cands[a].i].Code8 < ix.codes[cands[b].i].Code8
	})
	type division struct {
		best  cand
		sum   float64
		count int
	}
	divs := map[string]*division{}
	var order []string
	for _, c := range cands {
		d := ix.codes[c.i].Division
		dv := divs[d]
		if dv == nil {
			dv = &division{best: c}
			divs[d] = dv
			order = append(order, d)
		}
		if dv.count < 3 {
			dv.sum += c.score
			dv.count++
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return divs[order[a]].sum > divs[order[b]].sum })
	var out []InferredCPV
	for k, d := range order {
		if k >= inferMaxCodes {
			break
		}
		dv := divs[d]
		evidence := 0.0
		var words []string
		for _, s := range ix.stems[dv.best.i] {
			if t, ok := q[s]; ok {
				evidence += ix.idf[s]
				words = append(words, t.word)
			}
		}
		if evidence < inferMinEvidence {
			continue
		}
		c := ix.codes[dv.best.i]
		if dv.best.coverage < inferSpecificCoverage {
			c = cpvGroupOf(c)
		}
		// Confidence grows with the evidence and with the lead over the
		// other divisions.
		rival := 0.0
		if k == 0 && len(order) > 1 {
			rival = divs[order[1]].sum
		} else if k > 0 {
			rival = divs[order[0]].sum
		}
		conf := (1 - math.Exp(-dv.best.score/8)) * dv.sum / (dv.sum + rival)
		out = append(out, InferredCPV{Code: c.Code8, Label: c.LabelFR, Source: CPVSourceText,
			Confidence: conf, Because: "mots « " + strings.Join(words, " ") + " »"})
	}
	return out
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
}

// frenchSuffixes are stripped, longest first, so that a trade and its
// work meet ("menuisier", "menuiserie" → "menuis").
var frenchSuffixes = []string{
	"issements", "issement", "atrices", "ateurs", "ations", "ements", "atrice", "ateur", "ation",
	"ement", "euses", "ieres", "eries", "iques", "ismes", "istes", "euse", "eurs", "iere", "iers",
	"erie", "ages", "ique", "isme", "iste", "ites", "eur", "ier", "age", "ite", "ees", "ee", "es",
	"e", "s", "x",
}

// stemLength caps stems: French derivations past it rarely change the
// trade ("signalisation", "signalétique" → "signal").
const stemLength = 7

// frenchStem is a light French stemmer over folded words: plural and
// derivational suffixes are stripped while at least four letters remain.
// Stop words and words shorter than three letters give "".
func frenchStem(w string) string {
	if len(w) < 3 || frenchStopWords[w] || AllDigits(w) {
		return ""
	}
	if strings.HasSuffix(w, "aux") && len(w) > 5 {
		w = w[:len(w)-3] + "al"
	}
	for _, suf := range frenchSuffixes {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			w = w[:len(w)-len(suf)]
			break
		}
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
