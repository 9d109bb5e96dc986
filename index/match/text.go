package match

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"fabrique/data"
)

// Credit of a term found in each kind of supplier text. The company's own
// words about what it makes are the best evidence; prose says more than
// what the company makes; a nomenclature label is shared by thousands of
// companies and already counted by the classification component.
const (
	creditOffer        = 1.0 // name, trade names, activities, products, certified ranges
	creditDescription  = 0.8
	creditNomenclature = 0.5 // NAF and CPV labels
)

// eachText calls fn with each of the supplier's text fields (those toDoc
// indexes) and the credit a term found in it earns. They are not analysed
// as a whole, which would cost more than the searches: TermSet.match
// walks their words and analyses only those that may match a term. name
// is true for the company's names (legal and trade names), where a name
// word earns nothing.
func eachText(s *data.Supplier, fn func(text string, credit float64, name bool)) {
	fn(s.Name, creditOffer, true)
	for _, v := range CapList(s.TradeNames) {
		fn(v, creditOffer, true)
	}
	for _, v := range CapList(s.Activities) {
		if !isEPVUnivers(s, v) {
			fn(v, creditOffer, false)
		}
	}
	for _, v := range CapList(s.Products) {
		fn(v, creditOffer, false)
	}
	for _, l := range s.Labels {
		fn(l.Range, creditOffer, false)
		if l.Type != data.LabelEPV { // the EPV univers is the classification's evidence
			fn(l.Category, creditOffer, false)
		}
	}
	fn(TruncateUTF8(s.Description, MaxDescriptionBytes), creditDescription, false)
	nafLabel := s.NAFLabel
	if strings.HasSuffix(nafLabel, ")") {
		nafLabel = NAFSuffix.ReplaceAllString(nafLabel, "")
	}
	if nafLabel == "" {
		if n, ok := data.LookupNAF(s.NAF); ok {
			nafLabel = n.Label
		}
	}
	fn(nafLabel, creditNomenclature, false)
	// Declared then inferred CPV codes, as Supplier.CPVAll lists them.
	n := 0
	for _, list := range [2][]string{s.CPVDeclared, s.CPVInferred} {
		for _, code := range list {
			if n == MaxCPVCodes {
				return
			}
			n++
			if c, ok := data.LookupCPV(code); ok {
				fn(c.LabelFR, creditNomenclature, false)
			}
		}
	}
}

// isEPVUnivers reports whether an activity is the company's EPV univers,
// which the EPV source lists among its activities: « Loisirs et
// transports », « Équipements industriels, médicaux, mécaniques » gather
// hundreds of trades and are the classification's evidence (univers.go),
// not the company's words — a toy maker is no bus company.
func isEPVUnivers(s *data.Supplier, activity string) bool {
	for _, l := range s.Labels {
		if l.Type == data.LabelEPV && l.Category != "" && strings.EqualFold(strings.TrimSpace(l.Category), strings.TrimSpace(activity)) {
			return true
		}
	}
	return false
}

// nextWord returns the first word of s at or after i and the index after
// it, splitting where the analyzer's tokenizer does, near enough: an
// elided article ("l'ébéniste") becomes a lone letter that the stop
// words drop, as the elision filter would. It returns "" at the end.
func nextWord(s string, i int) (word string, next int) {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if asciiWord[c] {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isWordRune(r) {
			break
		}
		i += n
	}
	start := i
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if !asciiWord[c] {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			break
		}
		i += n
	}
	return s[start:i], i
}

// asciiWord tells the ASCII letters and digits.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// Stemmer analyses one word as the index analyses the suppliers' text
// fields, and returns its stems (none for a stop word).
type Stemmer func(word string) []string

// TermSet is the need's terms, ready to be looked for in suppliers' words.
type TermSet struct {
	terms  []Term
	byStem map[string]int  // stem or trade alternative → term
	prefix map[uint32]bool // folded first letters of every stem (see prefixKey)
	first2 []bool          // by pairIndex: the first two letters of a stem
	first3 []uint64        // bit set by tripleIndex: the first three letters of a stem (or two, if short)
	total  float64
	// asked is total with the weight of the object's words that no
	// supplier holds (Unheld): the confidence's share is held/asked.
	asked, minMass float64
	// hasObject is true when some terms come from the object (title).
	hasObject bool
	// stems caches the analysis of the words already met in this Match call.
	stems map[string][]string
	stem  Stemmer
}

// NewTermSet indexes the terms of a need. The text score is the share of
// the object's weight that a supplier holds: the object is the terms of
// the title (of the lot, for a lot; the CPV labels when there is no
// title), or all the terms when the title has none the index knows;
// words of the description and inherited from the tender add to the share, up to full marks. The object weighs at least
// minMass, so that a need whose only known words are common
// ("construction") cannot give full marks for holding them. stem
// analyses a supplier's word as the index does; cache keeps its answers and
// is shared by the needs of a Match call.
func NewTermSet(terms []Term, minMass float64, stem Stemmer, cache map[string][]string) *TermSet {
	q := &TermSet{terms: terms, byStem: make(map[string]int, len(terms)*2), prefix: map[uint32]bool{},
		first2: make([]bool, 1<<14), first3: make([]uint64, tripleBits/64), stems: cache, stem: stem}
	var all, object float64
	for _, t := range terms {
		all += t.Weight
		if t.Object {
			object += t.Weight
		}
	}
	if object == 0 {
		object = all
	}
	q.hasObject = object < all || hasObjectTerm(terms)
	if len(terms) > 0 {
		q.total = max(object, minMass)
	}
	q.asked, q.minMass = q.total, minMass
	for i, t := range terms {
		for _, alt := range t.Alts {
			if _, ok := q.byStem[alt]; !ok {
				q.byStem[alt] = i
			}
		}
	}
	for i, t := range terms { // a term's own stem wins over another's alternative
		q.byStem[t.Stem] = i
	}
	for stem := range q.byStem {
		var buf [16]byte
		n2, n3 := foldPrefix(stem, &buf)
		if utf8.RuneCountInString(stem) <= 3 {
			n3 = n2 // a short stem may come from a word whose third letter the stemmer rewrote
		}
		k := prefixKey(buf[:n3])
		q.prefix[k] = true
		q.first3[(k%tripleBits)/64] |= 1 << (k % tripleBits % 64)
		if n2 == 2 {
			q.first2[pairIndex(buf[0], buf[1])] = true
		}
	}
	return q
}

// descriptionTermShare is the weight of a description-only term, relative
// to a term of the object, in the text score.
const descriptionTermShare = 0.5

func hasObjectTerm(terms []Term) bool {
	for _, t := range terms {
		if t.Object {
			return true
		}
	}
	return false
}

// foldPrefix writes the first three letters of a word into buf, folded
// like the analyzer folds, and returns the lengths of its first two and
// three letters. The light stemmer only rewrites endings, so a word can
// only stem to a term that shares its first letters: the other words need
// no analysis.
func foldPrefix(w string, buf *[16]byte) (n2, n3 int) {
	n, runes := 0, 0
	for _, r := range w {
		if runes == 3 {
			break
		}
		f := foldRune(r)
		if n+len(f) > len(buf) {
			break
		}
		n += copy(buf[n:], f)
		runes++
		if runes == 2 {
			n2 = n
		}
	}
	if n2 == 0 {
		n2 = n
	}
	return n2, n
}

// foldRune folds one letter: ASCII and the accented letters of French
// without allocating, the rest through data.Fold.
func foldRune(r rune) string {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return asciiLetters[r : r+1]
	}
	switch unicode.ToLower(r) {
	case 'à', 'â', 'ä', 'á':
		return "a"
	case 'é', 'è', 'ê', 'ë':
		return "e"
	case 'î', 'ï', 'í':
		return "i"
	case 'ô', 'ö', 'ó':
		return "o"
	case 'ù', 'û', 'ü', 'ú':
		return "u"
	case 'ç':
		return "c"
	case 'œ':
		return "oe"
	case 'æ':
		return "ae"
	}
	return data.Fold(string(r))
}

// asciiLetters lets foldRune return a one-byte string without allocating.
var asciiLetters = func() string {
	b := make([]byte, utf8.RuneSelf)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}()

// mayMatch reports whether a word shares its first letters with a stem of
// the need.
func (q *TermSet) mayMatch(w string) bool {
	if len(w) >= 2 && w[0] < utf8.RuneSelf && w[1] < utf8.RuneSelf && !q.first2[pairIndex(w[0], w[1])] {
		return false // the cheap test of the first two letters, for most words
	}
	var buf [16]byte
	n2, n3 := foldPrefix(w, &buf)
	return q.hasPrefix(prefixKey(buf[:n3])) || q.hasPrefix(prefixKey(buf[:n2]))
}

// tripleBits is the size of the bit set that spares most map lookups.
const tripleBits = 1 << 16

func (q *TermSet) hasPrefix(k uint32) bool {
	return q.first3[(k%tripleBits)/64]&(1<<(k%tripleBits%64)) != 0 && q.prefix[k]
}

// pairIndex numbers a pair of ASCII bytes, case folded.
func pairIndex(a, b byte) int { return int(lowerASCII(a))<<7 | int(lowerASCII(b)) }

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// prefixKey packs the first three bytes of a prefix and its length into
// a map key cheaper to hash than a string. A longer prefix (a folded
// ligature) is cut, which only lets a few more words be analysed.
func prefixKey(b []byte) uint32 {
	n := min(len(b), 3)
	k := uint32(n) << 24
	for i := 0; i < n; i++ {
		k |= uint32(b[i]) << (8 * i)
	}
	return k
}

// match returns the bit set of the need's terms that the supplier's texts
// hold, and their share of the need's weight, each term counted at the
// credit of the best field holding it: in all its texts, and in those
// where the company says what it makes (described: activities, products,
// labels' ranges, description), without its names and the nomenclature's
// labels.
func (q *TermSet) match(s *data.Supplier) (all, described textFit) {
	if q.total == 0 {
		return textFit{}, textFit{}
	}
	var credit, describedCredit [MaxTerms]float64
	eachText(s, func(text string, cr float64, name bool) {
		for w, i := nextWord(text, 0); w != ""; w, i = nextWord(text, i) {
			if !q.mayMatch(w) {
				continue
			}
			stems, ok := q.stems[w]
			if !ok {
				stems = q.stem(w)
				q.stems[w] = stems
			}
			for _, st := range stems {
				if k, ok := q.byStem[st]; ok && !(name && q.terms[k].NameWord) {
					all.bits |= 1 << k
					credit[k] = max(credit[k], cr)
					if cr > creditNomenclature && !name {
						described.bits |= 1 << k
						describedCredit[k] = max(describedCredit[k], cr)
					}
				}
			}
		}
	})
	var w, describedW float64
	for i := range q.terms {
		tw := q.terms[i].Weight
		if !q.terms[i].Object && q.hasObject {
			// The object says what is bought; the description's words
			// add detail ("au plomb") and count for half, so that a
			// roofer-plumber does not tie with the stained-glass workshop
			// on "plomb" alone.
			tw *= descriptionTermShare
		}
		w += credit[i] * tw
		describedW += describedCredit[i] * tw
	}
	all.share, described.share = min(1, w/q.total), min(1, describedW/q.total)
	all.ofAsked, described.ofAsked = min(1, w/q.asked), min(1, describedW/q.asked)
	return all, described
}

// textFit is the need's terms a supplier's texts hold (bits) and the
// share of the terms' weight they earn.
type textFit struct {
	bits  uint64
	share float64
	// ofAsked is the share of the whole object, words no supplier holds
	// included (TermSet.Unheld).
	ofAsked float64
}

// phrases renders the matched terms in reading order, joining those that
// follow each other in the tender ("pierre de taille").
func (q *TermSet) phrases(bits uint64, parts []TextPart) []string {
	var out []string
	prev := -1
	for i, t := range q.terms {
		if bits&(1<<i) == 0 {
			continue
		}
		if prev >= 0 {
			p := q.terms[prev]
			if p.Part == t.Part && t.Pos-p.Pos <= 2 && t.Start >= p.End && linkWords(parts[t.Part].Text[p.End:t.Start]) {
				last := len(out) - 1
				out[last] += strings.ToLower(parts[t.Part].Text[p.End:t.End])
				prev = i
				continue
			}
		}
		out = append(out, t.Surface)
		prev = i
	}
	return out
}

// linkWords reports whether the text between two words only links them:
// spaces, a dash, or one small preposition ("pierre de taille").
func linkWords(between string) bool {
	w := strings.FieldsFunc(strings.ToLower(between), func(r rune) bool {
		return unicode.IsSpace(r) || r == '-'
	})
	switch len(w) {
	case 0:
		return true
	case 1:
		switch w[0] {
		case "de", "du", "des", "d'", "d’", "en", "à", "au", "aux":
			return true
		}
	}
	return false
}

// MaxTerms is the number of discriminative terms kept per need: enough
// for the object of a long notice, few enough that the candidate query
// stays a handful of cheap term lookups (bleve pays per hit and per term).
const MaxTerms = 12

// Term is one discriminative term of a need.
type Term struct {
	Stem    string   // as the text fields hold it
	Alts    []string // stems of the same trade
	Surface string   // as the tender writes it, lower case, without elision
	Weight  float64  // idf × text weight: its part of the text score
	Rank    float64  // weight × (1 + ln tf): how central it is, to pick the terms
	Object  bool     // from the object: a text of full (title) weight
	// NameWord is true for a word frequent in company names that carries
	// no trade (« domaine », « établissements »): it earns nothing where
	// it stands in a company's name.
	NameWord bool
	// first occurrence, for reading order and phrases
	Part, Pos, Start, End int
}

// Unheld adds to what the need asks the weight of the object's words that
// no supplier holds (see index's discriminativeTerms): the share of the
// need a supplier's words hold, which the confidence reads, is taken of
// the whole object, while the score's share is taken of the words a
// supplier can hold. « Entretien et réparation des équipements de
// crémation » asks for crémation too: garages holding « entretien
// réparation » hold half of it, not all.
func (q *TermSet) Unheld(terms []Term) {
	weight := 0.0
	for _, t := range terms {
		weight += t.Weight
	}
	if weight > 0 {
		q.asked = max(q.total+weight, q.minMass)
	}
}

// Surfaces are the terms as the tender writes them.
func Surfaces(terms []Term) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = t.Surface
	}
	return out
}
