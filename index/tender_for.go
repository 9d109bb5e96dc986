package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"

	"fabrique/data"
	"fabrique/index/match"
)

// TendersForOptions tunes TendersFor. The zero value is usable.
type TendersForOptions struct {
	// Limit is the number of tenders returned (default
	// DefaultMatchLimit, at most MaxMatchLimit).
	Limit int
	// At is the time open tenders are open at (default: the index's clock).
	At time.Time
	// Exclude lists tender ids the company set aside (« pas pour nous »).
	Exclude []string
	// Announced looks among the purchases announced by prior information
	// in the last data.PriorInformationMonths (data.Tender.AnnouncedAt)
	// instead of the open tenders: what a company can prepare for.
	Announced bool
	// Closed looks among the tenders whose deadline passed, or that were
	// awarded, in the last RecentClosedMonths instead of the open ones:
	// what the company could have answered, and which buyers buy what it
	// makes. Cancelled tenders are left out. Closed wins over Announced.
	Closed bool
	// Won are the CPV codes of the contracts the company won (its track
	// record, read by the caller from the awards of the store), most
	// frequent first: the profile reads them beside the declared codes,
	// a little weaker, and says so in Basis. At most maxWonCodes are read.
	Won []string
}

// RecentClosedMonths is how far back TendersForOptions.Closed looks: a
// tender closed (its data.Tender.OpenUntil) or, when awarded, published
// less than that many months ago.
const RecentClosedMonths = 12

// TendersForResult are the open tenders that fit a company, best first.
type TendersForResult struct {
	Fits []TenderFit `json:"fits"`
	// Considered is the number of open tenders the index proposed before
	// scoring; Hidden, how many of them the company had set aside.
	Considered int `json:"considered"`
	Hidden     int `json:"hidden"`
	// Basis says in French what the search started from (« 3 codes CPV
	// déclarés, zone d'intervention : département 69, métiers : … »), and
	// Missing what the listing lacks for a better search.
	Basis   []string `json:"basis"`
	Missing []string `json:"missing,omitempty"`
}

// TenderFit is one open tender for a company: the tender (without its long
// texts), how well it fits (0 to 1), why, and the lots that fit best.
type TenderFit struct {
	Tender     data.Tender   `json:"tender"`
	Score      float64       `json:"score"`
	Reasons    []data.Reason `json:"reasons"`
	Lots       []LotFit      `json:"lots,omitempty"`
	DistanceKm *float64      `json:"distance_km,omitempty"`
}

// LotFit is one lot of a tender that fits the company.
type LotFit struct {
	ID      string        `json:"id"`
	Title   string        `json:"title"`
	Score   float64       `json:"score"`
	Reasons []data.Reason `json:"reasons"`

	cpv, terms float64 // components, for the tender's score
}

// Weights of the fit of a tender to a company: what the company declared
// it makes (CPV codes) weighs most, then the words of its trade, then
// where it works, then its size against the contract's value. They sum to
// one.
const (
	fitCPVWeight      = 0.45
	fitTermsWeight    = 0.25
	fitGeoWeight      = 0.20
	fitCapacityWeight = 0.10
	// fitCandidates is how many open tenders the index proposes for
	// scoring: the best by bleve score on CPV prefixes and trade words.
	fitCandidates = 400
	// maxProfileWords bounds the trade words searched.
	maxProfileWords = 16
	// fitBucket rounds scores before the deadline breaks ties: tenders
	// that fit about as well come nearest deadline first.
	fitBucket = 0.05
)

// How a tender's CPV code relates to the company's, and what it is worth.
const (
	cpvCovered    = 1.0  // the tender's code is the declared one or below it
	cpvSameClass  = 0.6  // same first four digits
	cpvSameDiv    = 0.3  // same division
	cpvNAFPrimary = 0.35 // the NAF division makes what the CPV division buys
	cpvNAFOther   = 0.2
	// A code of a contract the company won: the same code or below it,
	// or the same class. What one did once weighs less than what one
	// declares making.
	cpvWonCovered = 0.8
	cpvWonClass   = 0.5
	// maxWonCodes bounds the codes of won contracts read.
	maxWonCodes = 8
)

// genericWords are trade words too common in notices to find anything:
// the profile leaves them out.
var genericWords = map[string]bool{
	"fabrication": true, "fabricant": true, "production": true, "produit": true, "produits": true,
	"travaux": true, "travail": true, "service": true, "services": true, "fourniture": true, "fournitures": true,
	"autre": true, "autres": true, "divers": true, "diverses": true, "activite": true, "activites": true,
	"entreprise": true, "france": true, "francais": true, "francaise": true, "commerce": true, "gros": true,
	"detail": true, "article": true, "articles": true, "materiel": true, "materiels": true, "non": true,
	"classe": true, "ailleurs": true, "industrie": true, "industries": true, "industriel": true, "industrielle": true,
	"connexe": true, "connexes": true,
	"usage": true, "domestique": true, "equipement": true, "equipements": true, "construction": true,
	"preparation": true, "manufacturiere": true, "manufacturieres": true, "nca": true, "elements": true,
	"reparation": true, "installation": true, "fabriques": true, "fabrique": true, "metier": true, "metiers": true,
	// Fillers of the NAF labels: « n.c.a. » (non classé ailleurs), « sauf »,
	// « générale » and « œuvre » of « maçonnerie générale et gros œuvre de
	// bâtiment », which with « bâtiment » proposed every « maîtrise d'œuvre »
	// (an architect's engineering) to a mason.
	"n.c.a": true, "sauf": true, "general": true, "generale": true, "generales": true, "generaux": true, "oeuvre": true,
}

// universWords are the folded words of the EPV univers: sectors
// (« Loisirs et transports »), not trades, they would find any notice
// about transport or heritage. Built once, never modified.
var universWords = func() map[string]bool {
	m := map[string]bool{}
	for _, u := range epvUnivers {
		for _, w := range data.Words(u) {
			m[w] = true
		}
	}
	return m
}()

// withoutElision drops an elided French article and its apostrophe
// (straight or typographic) from the front of a word, as the analyzer's
// elision filter does: « d’autres » → « autres », « L'ébéniste » →
// « ébéniste »; « aujourd’hui » stays.
func withoutElision(word string) string {
	for i, r := range word {
		if r == '\'' || r == '’' {
			if frenchArticles[data.Fold(word[:i])] {
				return word[i+utf8.RuneLen(r):]
			}
			return word
		}
	}
	return word
}

// companyProfile is what TendersFor searches from.
type companyProfile struct {
	s        data.Supplier
	declared []string // 8-digit CPV codes declared by the company
	won      []string // 8-digit CPV codes of contracts it won, not declared
	inferred []data.CPVNAFFit
	stems    []string // analysed trade words
	words    map[string]string
	lat, lon float64
	hasPoint bool
	at       time.Time
}

// TendersFor runs the matcher the other way round: from a company's
// listing (its declared CPV codes and service area first, then its trade
// words and NAF code, labels and headcount) to the open tenders and lots
// that fit it, with reasons in French, best fit first and, among equal
// fits, nearest deadline first. Tenders outside a declared service area
// are left out.
func (ti *TenderIndex) TendersFor(ctx context.Context, s data.Supplier, opts TendersForOptions) (TendersForResult, error) {
	at := opts.At
	if at.IsZero() {
		at = ti.opts.Now()
	}
	limit := opts.Limit
	if limit <= 0 {
		limit = DefaultMatchLimit
	}
	limit = min(limit, MaxMatchLimit)
	p := ti.profile(s, at)
	p.addWon(opts.Won)
	res := TendersForResult{Basis: p.basis(), Missing: p.missing()}
	should := p.clauses(ti)
	if len(should) == 0 {
		return res, nil
	}
	g, err := ti.acquire()
	if err != nil {
		return res, err
	}
	defer g.mu.RUnlock()

	relevant := query.NewDisjunctionQuery(should)
	must := []query.Query{relevant, statusClause(data.StatusOpen, at)}
	if opts.Announced { // published less than PriorInformationMonths ago (data.Tender.AnnouncedAt)
		must = []query.Query{relevant, statusClause(data.StatusAnnounced, at),
			dateRange(tfPublished, at.AddDate(0, -data.PriorInformationMonths, 0).Add(time.Nanosecond), time.Time{})}
	}
	if opts.Closed {
		must = []query.Query{relevant, recentlyClosedClause(at)}
	}
	boost := areaClauses(s.ServiceArea)
	var notOurs []query.Query
	if len(opts.Exclude) > 0 {
		notOurs = append(notOurs, query.NewDocIDQuery(opts.Exclude))
	}
	pg, err := ti.execute(ctx, g, TenderQuery{At: at}, []query.Query{query.NewBooleanQuery(must, boost, notOurs)},
		SortTenderRelevance, 0, fitCandidates, false)
	if err != nil {
		return res, fmt.Errorf("index: tenders for %s: %w", s.ID, err)
	}
	hits := pg.hits
	res.Considered = len(hits)
	res.Hidden = len(opts.Exclude)
	for _, h := range hits {
		if fit, ok := p.fit(ti, &h.Tender); ok {
			res.Fits = append(res.Fits, fit)
		}
	}
	if opts.Closed {
		slices.SortFunc(res.Fits, compareClosedFits)
	} else {
		slices.SortFunc(res.Fits, compareFits)
	}
	if len(res.Fits) > limit {
		res.Fits = res.Fits[:limit]
	}
	return res, nil
}

func compareFits(a, b TenderFit) int {
	if c := cmp.Compare(math.Round(b.Score/fitBucket), math.Round(a.Score/fitBucket)); c != 0 {
		return c
	}
	ad, bd := a.Tender.Deadline, b.Tender.Deadline
	switch {
	case ad.IsZero() && !bd.IsZero():
		return 1
	case bd.IsZero() && !ad.IsZero():
		return -1
	case !ad.Equal(bd):
		return ad.Compare(bd)
	}
	return cmp.Compare(a.Tender.ID, b.Tender.ID)
}

// recentlyClosedClause keeps the tenders closed in the last
// RecentClosedMonths before at: without an outcome and open until then
// (their status at at is closed), or awarded and published since.
func recentlyClosedClause(at time.Time) query.Query {
	since := at.AddDate(0, -RecentClosedMonths, 0)
	closed := dateRange(tfOpenUntil, since, at.Add(time.Nanosecond))
	awarded := query.NewConjunctionQuery([]query.Query{statusClause(data.StatusAwarded, at),
		dateRange(tfPublished, since, at.Add(time.Nanosecond))})
	return query.NewDisjunctionQuery([]query.Query{closed, awarded})
}

// compareClosedFits orders past tenders: best fit first and, among equal
// fits, the latest closed first (the most recent news of a buyer).
func compareClosedFits(a, b TenderFit) int {
	if c := cmp.Compare(math.Round(b.Score/fitBucket), math.Round(a.Score/fitBucket)); c != 0 {
		return c
	}
	if c := b.Tender.OpenUntil().Compare(a.Tender.OpenUntil()); c != 0 {
		return c
	}
	return cmp.Compare(a.Tender.ID, b.Tender.ID)
}

// profile reads what the company's listing says it does.
func (ti *TenderIndex) profile(s data.Supplier, at time.Time) *companyProfile {
	p := &companyProfile{s: s, at: at, words: map[string]string{}}
	for _, c := range s.CPVDeclared {
		if code, err := data.NormalizeCPV(c); err == nil && !slices.Contains(p.declared, code) {
			p.declared = append(p.declared, code)
		}
	}
	if s.NAF != "" {
		divs := map[string]bool{}
		for _, f := range data.CPVNAFFits() {
			if f.NAFDivision == data.NAFDivision(s.NAF) && !divs[f.CPVDivision] {
				divs[f.CPVDivision] = true
				p.inferred = append(p.inferred, f)
			}
		}
	}
	texts := append(append(append([]string{}, s.Products...), s.Activities...), s.TradeNames...)
	texts = append(texts, s.NAFLabel)
	for _, text := range texts {
		for _, tok := range ti.text.Analyze([]byte(text)) {
			stem := string(tok.Term)
			// The token's text keeps its elided article (« d’autres »,
			// « l’ameublement » in NAF labels): the word is what follows.
			raw := withoutElision(text[tok.Start:tok.End])
			word := data.Fold(raw)
			if len(stem) < 3 || genericWords[word] || genericWords[stem] || universWords[word] || p.words[stem] != "" {
				continue
			}
			if len(p.stems) == maxProfileWords {
				break
			}
			p.stems = append(p.stems, stem)
			p.words[stem] = strings.ToLower(raw)
		}
	}
	p.lat, p.lon, p.hasPoint = match.SupplierPoint(s)
	return p
}

// addWon adds the codes of won contracts that the declared codes do not
// already cover.
func (p *companyProfile) addWon(codes []string) {
	for _, c := range codes {
		code, err := data.NormalizeCPV(c)
		if err != nil || slices.Contains(p.won, code) || slices.ContainsFunc(p.declared, func(d string) bool {
			return strings.HasPrefix(code, cpvCoverPrefix(d))
		}) {
			continue
		}
		if len(p.won) == maxWonCodes {
			return
		}
		p.won = append(p.won, code)
	}
}

// clauses are the index terms that make a tender a candidate: the
// company's CPV codes (and their class and division, weaker), the CPV
// divisions its NAF code supplies, and its trade words in titles and lots.
func (p *companyProfile) clauses(ti *TenderIndex) []query.Query {
	var out []query.Query
	seen := map[string]bool{}
	cpv := func(prefix string, boost float64) {
		if !seen[prefix] {
			seen[prefix] = true
			out = append(out, termOn(prefix, tfCPVPrefix, boost))
		}
	}
	for _, c := range p.declared {
		cpv(cpvCoverPrefix(c), 4)
	}
	for _, c := range p.declared {
		cpv(c[:4], 1.5)
	}
	for _, c := range p.won {
		cpv(cpvCoverPrefix(c), 3)
	}
	for _, c := range p.won {
		cpv(c[:4], 1)
	}
	for _, c := range p.declared {
		cpv(c[:2], 0.5)
	}
	for _, f := range p.inferred {
		if f.Primary {
			cpv(f.CPVDivision, 0.8)
		}
	}
	for _, stem := range p.stems {
		for _, f := range []struct {
			name  string
			boost float64
		}{{tfTitle, 2}, {tfLotText, 1.2}} {
			out = append(out, termOn(stem, f.name, f.boost))
			for _, alt := range ti.trades.alternatives(stem) {
				out = append(out, termOn(alt, f.name, f.boost*0.8))
			}
		}
	}
	return out
}

// cpvCoverPrefix is the prefix of the codes a declared code covers: its
// digits before the trailing zeros, at least the division.
func cpvCoverPrefix(code string) string {
	p := strings.TrimRight(code, "0")
	if len(p) < 2 {
		p = code[:2]
	}
	return p
}

// areaClauses boost the tenders of a declared service area.
func areaClauses(a data.ServiceArea) []query.Query {
	var out []query.Query
	switch a.Kind {
	case data.ServiceAreaDepartements:
		for _, c := range a.Codes {
			out = append(out, termOn(c, tfDepartement, 0.5))
		}
	case data.ServiceAreaRegions:
		for _, c := range a.Codes {
			out = append(out, termOn(c, tfRegion, 0.5))
		}
	}
	return out
}

// fit scores a candidate; ok is false when nothing the company makes fits
// the tender, or when it lies outside the company's declared area.
func (p *companyProfile) fit(ti *TenderIndex, t *data.Tender) (TenderFit, bool) {
	f := TenderFit{Tender: *t}
	codes := append([]string{t.CPV}, t.CPVAdditional...)
	cpvScore, cpvReason := p.cpvFit(inferredCodes(t, codes))
	termScore, termReason := p.termFit(ti, t.Title+"\n"+cpvLabels(codes))
	// A lot can carry what the company makes when the tender's main code
	// and title do not.
	for _, l := range t.Lots {
		lf, ok := p.lotFit(ti, t, &l)
		if !ok {
			continue
		}
		f.Lots = append(f.Lots, lf)
	}
	slices.SortStableFunc(f.Lots, func(a, b LotFit) int { return cmp.Compare(b.Score, a.Score) })
	if !fits(cpvReason, termReason) && len(f.Lots) == 0 {
		return f, false
	}
	geo, geoReasons, inArea := p.geoFit(t.Place, t.Nature, t.CPV)
	if !inArea {
		return f, false
	}
	if d, ok := p.distance(t.Place); ok {
		f.DistanceKm = &d
	}
	capScore, capReason, capKnown := match.Capacity(p.s.HeadcountBand, t.EstimatedValue)
	if len(f.Lots) > 0 {
		best := f.Lots[0]
		lotCPV, lotTerms := best.cpv, best.terms
		if lotCPV > cpvScore || lotTerms > termScore {
			// The tender fits through its best lot: score it so.
			cpvScore, termScore = max(cpvScore, lotCPV), max(termScore, lotTerms)
		}
	}
	f.Score = round3(fitCPVWeight*cpvScore + fitTermsWeight*termScore + fitGeoWeight*geo + fitCapacityWeight*capScore)
	if cpvReason != nil {
		f.Reasons = append(f.Reasons, *cpvReason)
	}
	if termReason != nil {
		f.Reasons = append(f.Reasons, *termReason)
	}
	if len(f.Lots) > 0 && cpvReason == nil && termReason == nil {
		f.Reasons = append(f.Reasons, data.Reason{Kind: data.ReasonTerms, Detail: lotsSentence(f.Lots), Text: lotsSentence(f.Lots)})
	}
	f.Reasons = append(f.Reasons, geoReasons...)
	if capKnown {
		capReason.Weight = fitCapacityWeight * capScore
		f.Reasons = append(f.Reasons, capReason)
	}
	deadline := t.Deadline
	if deadline.IsZero() {
		deadline = p.at
	}
	f.Reasons = append(f.Reasons, match.ValidLabels(p.s.Labels, deadline)...)
	for i := range f.Lots {
		f.Lots[i].cpv, f.Lots[i].terms = 0, 0
	}
	return f, true
}

// fits says whether what relates a tender (or lot) to the company is
// enough to propose it: a declared CPV code of the same division or
// closer, or the NAF code's division with one trade word in the title,
// or two trade words. One word alone (« maintenance », « bois ») or the
// NAF division alone propose too much.
func fits(cpv, terms *data.Reason) bool {
	words := 0
	if terms != nil {
		words = len(terms.Terms)
	}
	switch {
	case cpv != nil && (cpv.Kind == data.ReasonCPV || cpv.Kind == data.ReasonTrackRecord):
		return true
	case cpv != nil:
		return words >= 1
	}
	return words >= 2
}

// lotFit scores one lot by its own codes, title and place.
func (p *companyProfile) lotFit(ti *TenderIndex, t *data.Tender, l *data.Lot) (LotFit, bool) {
	codes := append([]string{l.CPV}, l.CPVAdditional...)
	cpvScore, cpvReason := p.cpvFit(codes, nil)
	termScore, termReason := p.termFit(ti, l.Title+"\n"+cpvLabels(codes))
	if !fits(cpvReason, termReason) {
		return LotFit{}, false
	}
	place := l.Place
	if place == (data.Place{}) {
		place = t.Place
	}
	geo, _, inArea := p.geoFit(place, t.Nature, l.CPV)
	if !inArea {
		return LotFit{}, false
	}
	lf := LotFit{ID: l.ID, Title: l.Title, cpv: cpvScore, terms: termScore,
		Score: round3(fitCPVWeight*cpvScore + fitTermsWeight*termScore + fitGeoWeight*geo)}
	if cpvReason != nil {
		lf.Reasons = append(lf.Reasons, *cpvReason)
	}
	if termReason != nil {
		lf.Reasons = append(lf.Reasons, *termReason)
	}
	return lf, true
}

// cpvFit grades a list of the tender's codes against the company's: the
// best relation found, and its reason.
//
// deduced, when not nil, holds the confidence of each code that the
// notice did not declare but data.InferCPV deduced from its words
// (inferredCodes): such a code counts for its confidence, and its reason
// says « déduit ».
func (p *companyProfile) cpvFit(codes []string, deduced []float64) (float64, *data.Reason) {
	best := 0.0
	var why *data.Reason
	for i, tc := range codes {
		if len(tc) < 8 {
			continue
		}
		factor, inferred := 1.0, i < len(deduced)
		if inferred {
			factor = deduced[i]
		}
		offer := func(v float64, r data.Reason) {
			if v *= factor; v > best {
				r.Weight *= factor
				r.TenderCPVInferred = inferred
				best, why = v, &r
			}
		}
		label := ""
		if c, ok := data.LookupCPV(tc); ok {
			label = c.LabelFR
		}
		name := "CPV " + tc
		if inferred {
			name = "CPV déduit " + tc
		}
		for _, dc := range p.declared {
			r := data.Reason{Kind: data.ReasonCPV, TenderCPV: tc, TenderCPVFR: label, SupplierCPV: dc}
			switch {
			case strings.HasPrefix(tc, cpvCoverPrefix(dc)):
				r.Weight = fitCPVWeight * cpvCovered
				offer(cpvCovered, r)
			case tc[:4] == dc[:4]:
				r.Weight = fitCPVWeight * cpvSameClass
				r.Text = name + cpvLabelSuffix(label) + ", de la même classe que le CPV " + dc + " déclaré par l'entreprise"
				offer(cpvSameClass, r)
			case tc[:2] == dc[:2] && !inferred: // a guessed code's division is too loose a tie
				r.Weight = fitCPVWeight * cpvSameDiv
				r.Text = name + cpvLabelSuffix(label) + ", de la même division que le CPV " + dc + " déclaré par l'entreprise"
				offer(cpvSameDiv, r)
			}
		}
		for _, wc := range p.won {
			r := data.Reason{Kind: data.ReasonTrackRecord, TenderCPV: tc, TenderCPVFR: label, SupplierCPV: wc}
			switch {
			case strings.HasPrefix(tc, cpvCoverPrefix(wc)):
				r.Weight = fitCPVWeight * cpvWonCovered
				r.Text = name + cpvLabelSuffix(label) + ", comme un marché public remporté par l'entreprise (CPV " + wc + ")"
				offer(cpvWonCovered, r)
			case tc[:4] == wc[:4]:
				r.Weight = fitCPVWeight * cpvWonClass
				r.Text = name + cpvLabelSuffix(label) + ", de la même classe qu'un marché public remporté par l'entreprise (CPV " + wc + ")"
				offer(cpvWonClass, r)
			}
		}
		for _, f := range p.inferred {
			// A guessed code against the divisions a NAF code supplies,
			// with one trade word, proposed umbrellas and gloves for
			// vehicle parts (« accessoires ») on the real notices: a
			// guess meets declared and won codes only.
			if inferred || data.CPVDivision(tc) != f.CPVDivision {
				continue
			}
			v := cpvNAFOther
			if f.Primary {
				v = cpvNAFPrimary
			}
			offer(v, data.Reason{Kind: data.ReasonCPVFromNAF, Weight: fitCPVWeight * v, TenderCPV: tc, TenderCPVFR: label, NAF: p.s.NAF})
		}
	}
	return best, why
}

// inferredCodes are the codes a tender's fit reads: its own (codes),
// or, when neither it nor its lots declare any, those data.InferCPV
// deduced from its words that classify it (the rule of the CPV filter
// and facets, data.InferredCPVMinConfidence), with their confidence.
// Candidates are gathered on those codes already (cpv_prefix); without
// them a notice without codes fitted by its title words only.
func inferredCodes(t *data.Tender, codes []string) ([]string, []float64) {
	if len(t.CPVCodes()) > 0 {
		return codes, nil
	}
	var out []string
	var conf []float64
	for _, g := range t.InferredCPV {
		if g.Confidence >= data.InferredCPVMinConfidence && len(g.Code) == 8 {
			out, conf = append(out, g.Code), append(conf, g.Confidence)
		}
	}
	return out, conf
}

// cpvLabels are the French labels of codes, one a line: what the buyer
// buys in words, searched for the company's trade words like a title.
func cpvLabels(codes []string) string {
	var b strings.Builder
	for _, c := range codes {
		if l, ok := data.LookupCPV(c); ok {
			b.WriteString(l.LabelFR)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func cpvLabelSuffix(label string) string {
	if label == "" {
		return ""
	}
	return " (" + strings.ToLower(label) + ")"
}

// termFit is the share of the company's trade words (at least one, at
// most three counted) found in a title (and the labels of the CPV codes),
// with the words found.
func (p *companyProfile) termFit(ti *TenderIndex, title string) (float64, *data.Reason) {
	if len(p.stems) == 0 || title == "" {
		return 0, nil
	}
	have := ti.stemsOf(title)
	var found []string
	for _, stem := range p.stems {
		hit := slices.Contains(have, stem)
		for _, alt := range ti.trades.alternatives(stem) {
			hit = hit || slices.Contains(have, alt)
		}
		if hit {
			found = append(found, p.words[stem])
		}
	}
	if len(found) == 0 {
		return 0, nil
	}
	v := math.Min(1, float64(len(found))/3)
	return v, &data.Reason{Kind: data.ReasonTerms, Terms: found, Weight: fitTermsWeight * v}
}

// undeclaredReach is the reach of a company that declared no service
// area, in distance decay scales (match.DecayScaleFor): past three scales
// the geography component has fallen under 5 %, and the notice is left
// out rather than ranked low. That is about 300 km for works (stretched
// or shrunk by the kind of work, data.WorksReach), 600 km for services,
// 1 200 km for supplies: mainland France for a supplier of goods, never
// an overseas collectivity 7 000 km away (Saint-Barthélemy and Mayotte
// were proposed at 45 % and 33 % to a company of Gironde). A notice
// placed abroad is beyond it too.
const undeclaredReach = 3.0

// UndeclaredReachKm is the reach of a company that declared no service
// area for each contract nature, in km, before the kind of work stretches
// it: what the company's page says of it.
func UndeclaredReachKm(n data.Nature) float64 { return undeclaredReach * match.DecayScale(n) }

// geoFit grades the place of performance for the company: inside its
// declared area (1), else by distance from its site, decayed by the
// contract's nature and kind of work (its CPV code); inArea is false when
// the company declared an area that does not cover the place, or, when
// it declared none, when the place is beyond its reach (undeclaredReach).
func (p *companyProfile) geoFit(place data.Place, nature data.Nature, cpv string) (v float64, reasons []data.Reason, inArea bool) {
	if place.Abroad() {
		// Known to be outside France: outside any declared area, « France
		// entière » included, and beyond the reach of a French site.
		return 0, nil, p.s.ServiceArea.Kind == data.ServiceAreaUnknown && !p.hasPoint
	}
	place = data.ResolvePlace(place)
	if place.Departement == "" && place.Lat == 0 && place.Lon == 0 {
		return match.GeoNoPlace, nil, true
	}
	dist, hasDist := p.distance(place)
	covers, detail, declared := match.ServiceAreaCovers(p.s.ServiceArea, place, dist, hasDist)
	switch {
	case covers:
		reasons = append(reasons, data.Reason{Kind: data.ReasonServiceArea, Detail: detail, Weight: fitGeoWeight})
		if hasDist {
			reasons = append(reasons, data.Reason{Kind: data.ReasonDistance, DistanceKm: dist})
		}
		return 1, reasons, true
	case declared && p.s.ServiceArea.Kind != data.ServiceAreaFrance:
		return 0, nil, false
	case hasDist:
		scale := match.DecayScaleFor(nature, cpv)
		if !declared && dist > undeclaredReach*scale {
			return 0, nil, false
		}
		v = math.Exp(-dist / scale)
		return v, []data.Reason{{Kind: data.ReasonDistance, DistanceKm: dist, Weight: fitGeoWeight * v}}, true
	case !declared && p.hasPoint && place.Departement != "":
		// A place that cannot be placed (an overseas collectivity:
		// Saint-Barthélemy, Nouvelle-Calédonie) is within reach of a
		// company of that collectivity only.
		return match.GeoUnknownSupplier, nil, strings.EqualFold(place.Departement, p.departement())
	}
	return match.GeoUnknownSupplier, nil, true
}

// departement is the département of the company's site, "" unknown.
func (p *companyProfile) departement() string {
	if d := p.s.Address.Departement; d != "" {
		return d
	}
	return data.ResolveAddress(p.s.Address).Departement
}

func (p *companyProfile) distance(place data.Place) (float64, bool) {
	pt := tenderPoint(place)
	if !p.hasPoint || pt == nil {
		return 0, false
	}
	return data.DistanceKm(p.lat, p.lon, pt.Lat, pt.Lon), true
}

// lotsSentence says which lots fit: « lots 2, 5 : … ».
func lotsSentence(lots []LotFit) string {
	ids := make([]string, 0, len(lots))
	for _, l := range capLots(lots) {
		ids = append(ids, l.ID)
	}
	word := "lot "
	if len(lots) > 1 {
		word = "lots "
	}
	s := word + strings.Join(ids, ", ") + " adapté"
	if len(lots) > 1 {
		s += "s"
	}
	if len(lots) > len(capLots(lots)) {
		s += " (et d'autres)"
	}
	return s + " à l'activité de l'entreprise"
}

func capLots(lots []LotFit) []LotFit { return lots[:min(len(lots), 5)] }

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// basis says in French what the search started from.
func (p *companyProfile) basis() []string {
	var out []string
	if n := len(p.declared); n > 0 {
		out = append(out, data.CountFR(n, "code CPV déclaré", "codes CPV déclarés")+" : "+strings.Join(capList(p.declared), ", "))
	}
	if n := len(p.won); n > 0 {
		out = append(out, data.CountFR(n, "code CPV d'un marché public remporté", "codes CPV de marchés publics remportés")+" : "+strings.Join(capList(p.won), ", "))
	}
	if _, detail, declared := match.ServiceAreaCovers(p.s.ServiceArea, data.Place{}, 0, false); declared {
		out = append(out, "zone d'intervention : "+detail)
	} else if p.hasPoint {
		out = append(out, "zone d'intervention non déclarée : avis à moins de "+kmFR(UndeclaredReachKm(data.NatureWorks))+
			" environ de votre site pour des travaux, "+kmFR(UndeclaredReachKm(data.NatureServices))+" pour des services, "+
			kmFR(UndeclaredReachKm(data.NatureSupplies))+" pour des fournitures")
	}
	if len(p.stems) > 0 {
		words := make([]string, 0, len(p.stems))
		for _, s := range p.stems {
			words = append(words, p.words[s])
		}
		out = append(out, "métier : "+strings.Join(capList(words), ", "))
	}
	if len(p.inferred) > 0 {
		out = append(out, "activité NAF "+p.s.NAF)
	}
	return out
}

// missing says what the listing lacks for a better search.
func (p *companyProfile) missing() []string {
	var out []string
	switch {
	case len(p.declared) == 0 && len(p.won) > 0:
		out = append(out, "aucun code CPV déclaré : la recherche part des marchés publics remportés, du métier et du code NAF")
	case len(p.declared) == 0:
		out = append(out, "aucun code CPV déclaré : la recherche part du métier et du code NAF")
	}
	if p.s.ServiceArea.Kind == data.ServiceAreaUnknown {
		out = append(out, "zone d'intervention non déclarée : seuls les avis à portée de votre site sont proposés, les plus proches d'abord")
	}
	return out
}

// kmFR says a distance in French: « 1 200 km ».
func kmFR(km float64) string {
	n := int(math.Round(km))
	s := strconv.Itoa(n % 1000)
	if n >= 1000 {
		s = strconv.Itoa(n/1000) + "\u00a0" + fmt.Sprintf("%03d", n%1000)
	}
	return s + "\u00a0km"
}
