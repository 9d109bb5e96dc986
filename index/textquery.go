package index

import (
	"context"

	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"fabrique/data"
)

// queryTerm is one word of the query text.
type queryTerm struct {
	stem string   // as the text fields hold it ("ebenist")
	alts []string // stems of the same trade ("menuisi" for "menuis")
	word string   // folded, un-stemmed, as the name_exact field holds it
	// typo is set when neither the stem, its alternatives nor the word is
	// in the index: the word is then matched with fuzzy queries.
	typo bool
	// named is set when the word, or its singular or plural, is a word of
	// the nomenclatures or the trade table (namedWord): a word no
	// supplier holds but that names what is made (« drapeaux ») is not a
	// typo of a company's name (CHAPEAUX ET GANTS, two letters away).
	named bool
	// spellings are the words of names within a typo's edit distance, when
	// looked up (spelled); otherwise a fuzzy query looks them up.
	spellings []spelling
	spelled   bool
	// trade is set when the word names what companies make or do: its
	// stem is in the products and activities or in the NAF and CPV
	// labels of some company, or in the trade table.
	trade bool
	// weight multiplies the boosts of the word's clause: 1, or
	// nameWordWeight for a word that carries no trade beside one that
	// does, or a qualifier beside another word (see weighTrades).
	weight float64
	// qualifier is set when the word qualifies a trade without naming
	// one (tradeQualifiers).
	qualifier bool
}

// spelling is a word of the names near a misspelt query word.
type spelling struct {
	word  string
	edits uint8
}

// fuzzyWord says whether a typo is matched against near spellings of names.
func (t queryTerm) fuzzyWord() bool {
	return t.typo && len(t.word) >= minFuzzyLen && !data.AllDigits(t.word)
}

// spell fills the spellings of the typos of terms. Finding them walks the
// names' dictionary with a Levenshtein automaton, whose construction costs
// more than the rest of a search: they are cached per index version (the
// popular misspellings repeat).
func (ix *Index) spell(r index.IndexReader, version uint64, terms []queryTerm) error {
	fr, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return nil // the fuzzy query will do it
	}
	for i := range terms {
		t := &terms[i]
		if !t.fuzzyWord() {
			continue
		}
		key := cacheKey{version: version, query: t.word}
		if sp, ok := ix.spellings.get(key); ok {
			t.spellings, t.spelled = sp, true
			continue
		}
		sp, err := nameSpellings(fr, t.word)
		if err != nil {
			return err
		}
		ix.spellings.put(key, sp)
		t.spellings, t.spelled = sp, true
	}
	return nil
}

// nameSpellings lists the words of names within fuzziness(word) edits of
// word, as bleve's fuzzy query would.
func nameSpellings(r index.IndexReaderFuzzy, word string) (out []spelling, err error) {
	fd, err := r.FieldDictFuzzy(fNameExact, word, fuzziness(word), "")
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := fd.Close(); err == nil {
			err = cerr
		}
	}()
	for {
		e, err := fd.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return out, nil
		}
		out = append(out, spelling{word: e.Term, edits: e.EditDistance})
	}
}

// Boosts of the parts of a word's clause, relative to the field boosts.
const (
	altBoost        = 0.6  // a trade alternative counts a bit less than the word itself
	exactNameBoost  = 1.0  // the very word in the name, un-stemmed
	fuzzyNameBoost  = 2.0  // a typo of a word of the name
	siretSIRENBoost = 5.0  // the SIREN of a SIRET searched, below the SIRET itself (10)
	filterBoost     = 1e-6 // filters must not change the ranking
	minFuzzyLen     = 4
)

// analyseText turns the query text into terms, with the same analysis as
// the indexed text, and looks up which words the index does not know.
func (ix *Index) analyseText(text string) []queryTerm {
	var terms []queryTerm
	seen := map[string]bool{}
	for _, tok := range ix.text.Analyze([]byte(text)) {
		stem := string(tok.Term)
		if stem == "" || seen[stem] {
			continue
		}
		seen[stem] = true
		t := queryTerm{stem: stem, alts: ix.trades.searchAlternatives(stem)}
		if ws := data.Words(text[tok.Start:tok.End]); len(ws) > 0 {
			t.word = ws[len(ws)-1] // "l'ébéniste" → "ebeniste"
			t.named = namedWord(t.word)
			t.qualifier = tradeQualifiers[t.word]
		}
		terms = append(terms, t)
		if len(terms) == maxQueryWords {
			break
		}
	}
	return terms
}

// namedWord reports whether a folded word, its singular or its plural is a
// word of the nomenclatures or the trade tables (tradeVocabulary,
// searchVocabulary). The word itself, not its stem: a misspelt trade word
// may stem like a word of the labels (« chaudronerie » → chaudron) and
// must stay a typo.
func namedWord(word string) bool {
	v, sv := tradeVocabulary(), searchVocabulary()
	in := func(w string) bool { return v[w] || sv[w] }
	if len(word) < minFuzzyLen {
		return in(word)
	}
	if in(word) || in(word+"s") || in(word+"x") {
		return true
	}
	if n := len(word); word[n-1] == 's' || word[n-1] == 'x' {
		return in(word[:n-1])
	}
	return false
}

// markTypos sets typo on the terms that no text field and no name knows,
// unless the nomenclatures name them.
// It looks terms up in the field dictionaries, which costs an FST lookup
// per segment, not a postings list.
func markTypos(ctx context.Context, r index.IndexReader, terms []queryTerm) error {
	if len(terms) == 0 {
		return nil
	}
	dicts := map[string]func([]byte) (bool, error){}
	lookup := func(field string) (func([]byte) (bool, error), error) {
		if f, ok := dicts[field]; ok {
			return f, nil
		}
		var f func([]byte) (bool, error)
		if rc, ok := r.(index.IndexReaderContains); ok {
			fd, err := rc.FieldDictContains(field)
			if err != nil {
				return nil, err
			}
			f = fd.Contains
		} else {
			f = func(term []byte) (bool, error) {
				tfr, err := r.TermFieldReader(ctx, term, field, false, false, false)
				if err != nil {
					return false, err
				}
				n := tfr.Count()
				return n > 0, tfr.Close()
			}
		}
		dicts[field] = f
		return f, nil
	}
	for i := range terms {
		known, err := termKnown(lookup, terms[i])
		if err != nil {
			return err
		}
		terms[i].typo = !known && !terms[i].named
		if terms[i].trade, err = termCarriesTrade(lookup, terms[i]); err != nil {
			return err
		}
	}
	weighTrades(terms)
	return nil
}

// nameWordWeight is the weight of a query word that carries no trade when
// another word of the query does: in « maître verrier », « maître » is only
// a word of names (MAITRES ROBINETIERS DE FRANCE), and must not outweigh the
// glassmakers that « verrier » finds.
const nameWordWeight = 0.2

// weighTrades sets the weight of each term: words without a trade count
// less when the query holds a trade word, and qualifiers when it holds
// another word (« bronze d'art »: « bronze » is only in names, and so
// carries no trade, but it is what the buyer wants).
func weighTrades(terms []queryTerm) {
	anyTrade, anyOther := false, false
	for _, t := range terms {
		anyTrade = anyTrade || t.trade
		anyOther = anyOther || !t.qualifier
	}
	for i := range terms {
		terms[i].weight = 1
		if (anyTrade && !terms[i].trade) || (anyOther && terms[i].qualifier) {
			terms[i].weight = nameWordWeight
		}
	}
}

// tradeQualifiers are folded words that qualify a trade without naming
// one: in « bronze d'art » or « fonderie d'art », « art » says how and the
// other word what. The NAF labels hold them (« arts plastiques », 90.03A),
// so they counted as trade words; no company holds both « bronze » and
// « art », and the relaxed search ranked the companies named « … d'art »
// (a marqueteur, a consultancy, a zinc roofer) above the bronze founders.
var tradeQualifiers = map[string]bool{"art": true, "arts": true}

// termCarriesTrade reports whether the word names a trade, a product or an
// activity: it has alternatives in the trade table, or its stem (or one of
// them) is in the offer or nomenclature fields of some company.
func termCarriesTrade(lookup func(string) (func([]byte) (bool, error), error), t queryTerm) (bool, error) {
	if t.qualifier {
		return false, nil
	}
	if len(t.alts) > 0 {
		return true, nil
	}
	if data.AllDigits(t.word) {
		return false, nil
	}
	for _, field := range []string{fOffer, fNomenclature} {
		f, err := lookup(field)
		if err != nil {
			return false, err
		}
		if ok, err := f([]byte(t.stem)); ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

func termKnown(lookup func(string) (func([]byte) (bool, error), error), t queryTerm) (bool, error) {
	has := func(term, field string) (bool, error) {
		f, err := lookup(field)
		if err != nil {
			return false, err
		}
		return f([]byte(term))
	}
	for _, f := range textFields {
		for _, s := range append([]string{t.stem}, t.alts...) {
			if ok, err := has(s, f.name); ok || err != nil {
				return ok, err
			}
		}
	}
	if t.word != "" {
		return has(t.word, fNameExact)
	}
	return false, nil
}

// wordClause matches one query word: its stem or trade alternatives in any
// text field, the word itself in names, a SIREN or SIRET, and, for a word
// the index does not know, its near spellings.
func wordClause(t queryTerm) query.Query {
	return wordSpec(t).query()
}

// clauseSpec describes one part of a word's clause: a term query (term in
// field, with its boost), a fuzzy query, or a disjunction of parts (sub).
// bleve's query and the postings evaluation (textplan.go) are both built
// from it, so that they weigh the same clauses with the same boosts.
type clauseSpec struct {
	term, field string
	boost       float64
	fuzziness   int // a fuzzy query on term when > 0
	sub         []clauseSpec
}

// query is bleve's query for s.
func (s clauseSpec) query() query.Query {
	switch {
	case s.sub != nil:
		dis := make([]query.Query, len(s.sub))
		for i, c := range s.sub {
			dis[i] = c.query()
		}
		return query.NewDisjunctionQuery(dis)
	case s.fuzziness > 0:
		fq := query.NewFuzzyQuery(s.term)
		fq.SetFuzziness(s.fuzziness)
		fq.SetField(s.field)
		fq.SetBoost(s.boost)
		return fq
	}
	return termOn(s.term, s.field, s.boost)
}

// wordSpec is the clause of one query word (see wordClause): a
// disjunction.
func wordSpec(t queryTerm) clauseSpec {
	w := t.weight
	if w == 0 {
		w = 1
	}
	dis := []clauseSpec{}
	add := func(term, field string, boost float64) {
		dis = append(dis, clauseSpec{term: term, field: field, boost: boost * w})
	}
	for _, f := range textFields {
		add(t.stem, f.name, f.boost)
		for _, a := range t.alts {
			add(a, f.name, f.boost*altBoost)
		}
	}
	if t.word != "" {
		add(t.word, fNameExact, exactNameBoost)
		if data.AllDigits(t.word) {
			switch len(t.word) {
			case 9:
				add(t.word, fSIREN, 10)
			case 14:
				add(t.word, fSIRETs, 10)
				// An establishment the directory does not list still
				// names its company: the SIREN is the SIRET's first nine
				// digits.
				add(t.word[:9], fSIREN, siretSIRENBoost)
			}
		}
	}
	if t.fuzzyWord() {
		// Only names are matched fuzzily: on stemmed prose a near
		// spelling matches everything ("atleiers" → "atelier").
		if t.spelled {
			dis = append(dis, spellingsSpec(t, w))
		} else {
			dis = append(dis, clauseSpec{term: t.word, field: fNameExact, boost: fuzzyNameBoost * w, fuzziness: fuzziness(t.word)})
		}
	}
	return clauseSpec{sub: dis}
}

// termOn matches term in field, its score weighted by boost.
func termOn(term, field string, boost float64) *query.TermQuery {
	tq := query.NewTermQuery(term)
	tq.SetField(field)
	tq.SetBoost(boost)
	return tq
}

// spellingsSpec is what bleve's fuzzy query runs, from spellings looked
// up beforehand: each near spelling with a boost divided by one plus its
// edits, or the word itself (which matches nothing) when there is none.
func spellingsSpec(t queryTerm, weight float64) clauseSpec {
	if len(t.spellings) == 0 || (len(t.spellings) == 1 && t.spellings[0].word == t.word) {
		return clauseSpec{term: t.word, field: fNameExact, boost: fuzzyNameBoost * weight}
	}
	dis := make([]clauseSpec, len(t.spellings))
	for i, sp := range t.spellings {
		dis[i] = clauseSpec{term: sp.word, field: fNameExact, boost: weight * fuzzyNameBoost / float64(sp.edits+1)}
	}
	return clauseSpec{sub: dis}
}

// fuzziness allows one edit in short words and two in long ones.
func fuzziness(w string) int {
	if len([]rune(w)) >= 8 {
		return 2
	}
	return 1
}

// textQuery combines the word clauses: all of them (AND), or, relaxed, at
// least one, ranked by how many match.
func textQuery(terms []queryTerm, relaxed bool) query.Query {
	clauses := make([]query.Query, len(terms))
	for i, t := range terms {
		clauses[i] = wordClause(t)
	}
	if len(clauses) == 1 {
		return clauses[0]
	}
	if relaxed {
		return query.NewDisjunctionQuery(clauses)
	}
	return query.NewConjunctionQuery(clauses)
}

// filterQueries turns the filters of q into keyword term queries, one
// clause per kind (OR within the kind).
func filterQueries(q Query) []query.Query {
	var out []query.Query
	for _, f := range filterFields(q) {
		var dis []query.Query
		for _, v := range f.vals {
			dis = append(dis, termOn(v, f.field, filterBoost))
		}
		if len(dis) == 1 {
			out = append(out, dis[0])
		} else {
			out = append(out, query.NewDisjunctionQuery(dis))
		}
	}
	return out
}

// filterField is one kind of filter of a query: a keyword field and the
// values it may hold.
type filterField struct {
	field string
	vals  []string
}

// filterFields lists the kinds of filter q sets.
func filterFields(q Query) []filterField {
	var out []filterField
	for _, f := range []filterField{
		{fRegion, q.Regions}, {fDepartement, q.Departements}, {fLabels, q.Labels}, {fNAF, q.NAF},
		{fNAFSection, q.NAFSections}, {fNAFDivision, q.NAFDivisions}, {fCPVDivision, q.CPVDivisions},
		{fHeadcount, q.Headcounts}, {fUnivers, q.Univers},
	} {
		if len(f.vals) > 0 {
			out = append(out, f)
		}
	}
	return out
}
