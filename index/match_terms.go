package index

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	index "github.com/blevesearch/bleve_index_api"

	"fabrique/data"
	"fabrique/index/match"
)

// procurementWords say how a contract is bought, not what: every notice
// has them, so they would match any supplier whose description mentions
// public contracts and nothing of its trade. The nature of the contract
// (travaux, fourniture, prestation) is told by the CPV code instead.
var procurementWords = []string{
	"marché", "marchés", "lot", "lots", "accord-cadre", "cadre", "consultation", "procédure",
	"adaptée", "appel", "offre", "offres", "avis", "attribution", "objet", "prestation", "prestations",
	"fourniture", "fournitures", "travaux", "acquisition", "achat", "achats", "mission", "relatif",
	"relative", "relatifs", "relatives", "concernant", "réalisation", "opération", "programme",
	"tranche", "ferme", "optionnelle", "année", "années", "durée", "mois", "montant", "euros", "ht",
	"ttc", "numéro", "divers", "diverses", "besoin", "besoins", "pouvoir", "adjudicateur", "titulaire",
	"candidat", "candidats", "dce", "ccap", "cctp", "bpu", "dqe", "commune", "ville", "mairie",
	"département", "départemental", "départementale", "région", "régional", "communauté", "mise",
	"type", "ensemble", "compris", "notamment", "sis", "située", "situé", "public", "publics", "publique",
	"publiques", "présent", "présente", "présents", "présentes", // « la présente consultation »
	// How a service is run, not what it is: « gestion et exploitation de la
	// déchetterie » matched « SOCIETE D'EXPLOITATION ROQUE », a fish
	// smokehouse, « forte » when the rest of the object was unknown to the
	// directory. The trade stays in the words that follow (« exploitation
	// forestière »: « forestière »).
	"gestion", "exploitation", "exploitations",
}

// dedicationWords start the name of a saint or of Our Lady, which name
// churches, schools and streets.
var dedicationWords = map[string]bool{"saint": true, "sainte": true, "st": true, "ste": true, "saints": true,
	"saintes": true, "notre": true, "dame": true}

// States of a word with regard to a dedication.
const (
	notNamed  = iota
	saintWord // "Saint"
	namePart  // "Martin" in "Saint-Martin" or "Saint Martin", "Baptiste" in "Saint-Jean-Baptiste"
)

// dedicationState tells whether word, preceded by sep, belongs to a
// dedication ("église Saint-Martin"), which names and does not describe.
func dedicationState(prev int, word, sep string) int {
	switch {
	case dedicationWords[word]:
		return saintWord
	case prev == saintWord && (sep == "-" || sep != "" && strings.TrimSpace(sep) == ""):
		return namePart
	case prev == namePart && sep == "-":
		return namePart
	}
	return notNamed
}

// termStats reads document frequencies from the index.
type termStats struct {
	r index.IndexReader
	n float64
	// df holds the counts already made: the snapshot's (match.go sets
	// its columns' cache, match_freqs.go), else this call's.
	df *freqCache
}

func (ix *Index) openTermStats(g *generation) (*termStats, error) {
	r, err := g.snapshotOf()
	if err != nil {
		return nil, fmt.Errorf("index: match: %w", err)
	}
	n, err := r.DocCount()
	if err != nil {
		_ = r.Close()
		return nil, fmt.Errorf("index: match: %w", err)
	}
	return &termStats{r: r, n: float64(n), df: &freqCache{}}, nil
}

func (s *termStats) close() { _ = s.r.Close() }

// docFreq is the number of suppliers holding stem in one text field, the
// field where it is most frequent.
func (s *termStats) docFreq(ctx context.Context, stem string) (float64, error) {
	if v, ok := s.df.get(stem); ok {
		return v, nil
	}
	var best uint64
	for _, f := range textFields {
		tfr, err := s.r.TermFieldReader(ctx, []byte(stem), f.name, false, false, false)
		if err != nil {
			return 0, fmt.Errorf("index: match: %w", err)
		}
		best = max(best, tfr.Count())
		if err := tfr.Close(); err != nil {
			return 0, fmt.Errorf("index: match: %w", err)
		}
	}
	s.df.put(stem, float64(best))
	return float64(best), nil
}

// idf is the BM25 inverse document frequency: rare words weigh more.
func (s *termStats) idf(df float64) float64 {
	return math.Log(1 + (s.n-df+0.5)/(df+0.5))
}

// discriminativeTerms analyses the need's texts like the index does and
// keeps the terms that best tell suppliers apart: those the index knows,
// ranked by IDF, by the weight of their text and by their frequency in it
// (a repeated word is central; it does not make a supplier holding it
// more able, so the frequency only picks the terms).
// Words of the place's names and procurement words are left out. The
// terms come back in reading order.
//
// unheld are the object's words that no supplier holds but the
// nomenclatures or the trade table use for what is bought (« crémation »;
// unheldVocabulary): a part of
// what is asked that no supplier is known to do. It takes no part in the
// ranking (it would dilute every candidate alike and weaken nearness) but
// in the confidence (match.TermSet.Unheld). A word that neither the
// suppliers nor the nomenclatures know (a name, a code, a typo) is left
// out altogether.
func (ix *Index) discriminativeTerms(ctx context.Context, g *generation, stats *termStats, n *match.Need) (terms, unheld []match.Term, err error) {
	skip := ix.stemSet(procurementWords...)
	for s := range ix.stemSet(placeNames(n.Place)...) {
		skip[s] = true
	}
	type acc struct {
		t  match.Term
		tf int
		w  float64 // best text weight
	}
	byStem := map[string]*acc{}
	var order []string
	for pi, p := range n.Parts {
		if p.Text == "" || p.Weight <= 0 {
			continue
		}
		state, prevEnd := notNamed, 0
		toks := ix.text.Analyze([]byte(p.Text))
		buyer := ix.buyerTokens(toks, n.Buyer)
		for ti, tok := range toks {
			stem := string(tok.Term)
			state = dedicationState(state, data.Fold(surfaceForm(p.Text[tok.Start:tok.End])), p.Text[prevEnd:tok.Start])
			prevEnd = tok.End
			if state != notNamed || len(stem) < 2 || data.AllDigits(stem) || skip[stem] || buyer[ti] {
				continue
			}
			if ix.trades.isTitle(stem) && ti+1 < len(toks) && toks[ti+1].Position == tok.Position+1 &&
				len(ix.trades.alternatives(string(toks[ti+1].Term))) > 0 {
				continue // « maître » of « maître verrier »: the trade says it all
			}
			alts := ix.trades.alternatives(stem)
			if ti > 0 && toks[ti-1].Position == tok.Position-1 {
				if more := ix.trades.phraseAlternatives(string(toks[ti-1].Term), stem); len(more) > 0 {
					alts = appendMissingAll(slices.Clone(alts), more)
				}
			}
			a, ok := byStem[stem]
			if !ok {
				a = &acc{t: match.Term{Stem: stem, Alts: alts,
					Surface: surfaceForm(p.Text[tok.Start:tok.End]), Part: pi, Pos: tok.Position,
					Start: tok.Start, End: tok.End, Object: p.Weight >= match.TitleWeight}}
				byStem[stem] = a
				order = append(order, stem)
			}
			a.tf++
			a.w = max(a.w, p.Weight)
		}
	}
	terms = make([]match.Term, 0, len(order))
	for _, stem := range order {
		a := byStem[stem]
		df, err := stats.docFreq(ctx, stem)
		if err != nil {
			return nil, nil, err
		}
		for _, alt := range a.t.Alts {
			d, err := stats.docFreq(ctx, alt)
			if err != nil {
				return nil, nil, err
			}
			df += d
		}
		if df == 0 {
			// No supplier can match it: among the terms it would only
			// dilute the others.
			if a.t.Object && unheldVocabulary(ix.text)[stem] {
				a.t.Weight = a.w * stats.idf(0)
				unheld = append(unheld, a.t)
			}
			continue
		}
		if a.t.NameWord, err = ix.isNameWord(ctx, g, stats.r, stem); err != nil {
			return nil, nil, err
		}
		a.t.Weight = a.w * stats.idf(min(df, stats.n))
		a.t.Rank = a.t.Weight * (1 + math.Log(float64(a.tf)))
		terms = append(terms, a.t)
	}
	sort.SliceStable(terms, func(i, j int) bool { return terms[i].Rank > terms[j].Rank })
	if len(terms) > match.MaxTerms {
		terms = terms[:match.MaxTerms]
	}
	sort.SliceStable(terms, func(i, j int) bool {
		if terms[i].Part != terms[j].Part {
			return terms[i].Part < terms[j].Part
		}
		return terms[i].Pos < terms[j].Pos
	})
	return terms, unheld, nil
}

// stems analyses one word as the text fields are analysed: the Stemmer
// of the matcher's text scores.
func (ix *Index) stems(word string) []string {
	var out []string
	for _, tok := range ix.text.Analyze([]byte(word)) {
		out = append(out, string(tok.Term))
	}
	return out
}

// buyerTokens marks the tokens where the text names the buyer: a run of
// tokens with the stems of the buyer's name, in order (« … du domaine du
// Musée du Louvre » for the buyer « MUSEE DU LOUVRE »).
func (ix *Index) buyerTokens(toks analysis.TokenStream, buyer string) map[int]bool {
	if buyer == "" {
		return nil
	}
	full := ix.text.Analyze([]byte(buyer))
	// The notice may name the buyer by its place alone: « Mairie
	// d'Aix-en-Provence » writes « la ville d'Aix en Provence », and
	// « provence » was read as a term (a real BOAMP notice, 26-26421).
	// The name is also looked for without its leading institution words.
	institution := institutionStems(ix.text)
	place := full
	for len(place) > 0 && institution[string(place[0].Term)] {
		place = place[1:]
	}
	var out map[int]bool
	for _, name := range []analysis.TokenStream{full, place} {
		if len(name) == 0 || len(name) > len(toks) {
			continue
		}
		for i := 0; i+len(name) <= len(toks); i++ {
			same := true
			for j := range name {
				if !bytes.Equal(toks[i+j].Term, name[j].Term) {
					same = false
					break
				}
			}
			if same {
				if out == nil {
					out = map[int]bool{}
				}
				for j := range name {
					out[i+j] = true
				}
			}
		}
	}
	return out
}

// institutionWords start a buyer's name before its place (« Mairie de »,
// « Conseil départemental de », « Métropole », « Centre hospitalier de »),
// with the procurement words (« commune », « ville », « département »…).
var institutionWords = []string{"mairie", "conseil", "métropole", "agglomération", "communes", "syndicat",
	"intercommunal", "centre", "hospitalier", "universitaire", "office", "établissement", "etablissement",
	"préfecture", "collectivité", "territoriale"}

// institutionStems are the stems of institutionWords and procurementWords,
// analysed once rather than for each part of each need: the analyser is
// the index's French text analyser, the same for every index.
var institutionStems = func() func(analysis.Analyzer) map[string]bool {
	var once sync.Once
	var out map[string]bool
	return func(a analysis.Analyzer) map[string]bool {
		once.Do(func() {
			out = map[string]bool{}
			for _, w := range append(slices.Clone(institutionWords), procurementWords...) {
				for _, tok := range a.Analyze([]byte(w)) {
					out[string(tok.Term)] = true
				}
			}
		})
		return out
	}
}()

// appendMissingAll appends the values of more that list lacks.
func appendMissingAll(list, more []string) []string {
	for _, v := range more {
		list = appendUnique(list, v)
	}
	return list
}

// stemSet analyses words into the set of their stems.
func (ix *Index) stemSet(words ...string) map[string]bool {
	out := map[string]bool{}
	for _, w := range words {
		for _, tok := range ix.text.Analyze([]byte(w)) {
			out[string(tok.Term)] = true
		}
	}
	return out
}

// placeNames are the names of the need's place: in a title they say where,
// not what ("église de Saint-Pierre-de-Chartreuse").
func placeNames(p data.Place) []string {
	var out []string
	if p.Commune != "" {
		out = append(out, p.Commune)
	}
	if d, ok := data.LookupDepartement(p.Departement); ok {
		out = append(out, d.Name)
	}
	return out
}

// surfaceForm is a token as written, lower case, without its elided
// article ("L'Église" → "église").
func surfaceForm(s string) string {
	if i := strings.LastIndexAny(s, "'’"); i >= 0 {
		_, size := utf8.DecodeRuneInString(s[i:])
		s = s[i+size:]
	}
	return strings.ToLower(s)
}
