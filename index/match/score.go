package match

import (
	"math"
	"sort"

	"fabrique/data"
)

// Weights are the points of each component of the score. Each
// component is in [0,1] and the points add up to 100, so a score reads
// as a mark out of 100 and each reason's weight is the points it
// brought. They are set on principles, then checked on real awards
// (Evaluate), not fitted to them:
//
//	component       works  services  supplies  why
//	text              35       35        40    the buyer's own words against the company's: the most
//	                                           specific evidence of what it makes ("vitraux", "pierre
//	                                           de taille"), which must outweigh being near; free text
//	                                           is noisy, so common words earn little (see NewTermSet)
//	classification    20       25        25    CPV ↔ declared CPV, NAF or EPV univers: robust but coarse
//	                                           (a division covers many trades); with the text it gates
//	                                           relevance
//	geography         30       25        20    works are done on site: in the DECP works file 63 % of
//	                                           contracts go to a firm of the buyer's département and
//	                                           90 % within 180 km; services need visits; goods are
//	                                           shipped
//	track record       5        5         5    comparable public contracts won: few SMEs have any and
//	                                           a newcomer must not be buried, so the count itself
//	                                           weighs little; the CPV codes of the contracts won
//	                                           count in the classification instead, as codes a
//	                                           buyer gave the company's work (trackFit)
//	labels             5        5         5    nearly every company of the directory holds one: it
//	                                           only separates valid labels from expired ones
//	capacity           5        5         5    headcount against value: a coarse order of magnitude,
//	                                           often unknown
type Weights struct {
	Text, Classification, Geography, TrackRecord, Labels, Capacity float64
}

// WeightsFor returns the weights for a nature of contract; an unknown
// nature takes those of services, between the two others.
func WeightsFor(n data.Nature) Weights {
	switch n {
	case data.NatureWorks:
		return Weights{Text: 35, Classification: 20, Geography: 30, TrackRecord: 5, Labels: 5, Capacity: 5}
	case data.NatureSupplies:
		return Weights{Text: 40, Classification: 25, Geography: 20, TrackRecord: 5, Labels: 5, Capacity: 5}
	}
	return Weights{Text: 35, Classification: 25, Geography: 25, TrackRecord: 5, Labels: 5, Capacity: 5}
}

// candidate is a supplier loaded for scoring, with what every need of the
// same Match call reuses.
type Candidate struct {
	sup      data.Supplier
	univers  []string // EPV univers, canonical
	lat, lon float64
	HasPoint bool
	// TradeCount is the number of the directory's suppliers that have the
	// candidate's NAF code (0: unknown), set by the caller: the rarer the
	// trade among those of the need's sector (Need.TradePool), the further
	// it travels (ReachStretch).
	TradeCount float64
}

// Supplier is the candidate's supplier.
func (c *Candidate) Supplier() *data.Supplier { return &c.sup }

func NewCandidate(s data.Supplier) *Candidate {
	c := &Candidate{sup: s}
	c.univers = supplierUnivers(&c.sup)
	c.lat, c.lon, c.HasPoint = SupplierPoint(s)
	return c
}

// Scored is a candidate's score for one need. Scores are computed
// for every candidate; reasons only for those returned.
type Scored struct {
	c     *Candidate
	Total float64 // the score out of 100
	bits  uint64  // terms held
	Text  float64
	// textOfAsked is Text's share of the whole object, words no supplier
	// holds included: the confidence's.
	textOfAsked float64
	class       classFit
	geo         geoFit
	labels      int // label types valid on the need's date
	capVal      float64
	track       trackFit // comparable awards won before the need's date
	capped      float64  // the points above 100 left out of Total (trackRecordPoints)
	// described is true when the need has discriminative words: then a
	// sector fit inferred from the NAF code or univers is weaker evidence
	// of relevance than the words (see proximity).
	described bool
}

// Score scores a candidate for a need. It reports false when the
// candidate has neither text nor classification fit: being near is not
// being able.
func Score(n *Need, q *TermSet, c *Candidate) (Scored, bool) {
	sm := Scored{c: c, described: len(q.terms) > 0}
	all, described := q.match(&c.sup)
	sm.bits, sm.Text, sm.textOfAsked = all.bits, all.share, all.ofAsked
	sm.class = classify(n.cpvs, n.inferred, &c.sup, c.univers, n.Links)
	sm.track = trackOf(n, &c.sup)
	if sm.track.value > sm.class.value {
		// Its past awards fit better than its declarations and trade.
		sm.class = classFit{value: sm.track.value, cpv: sm.track.cpv, won: true}
	}
	if n.Trade != "" && c.sup.NAF == n.Trade {
		sm.class = sm.class.chooseTrade(n)
	}
	if !sm.class.vouchesForName() && len(n.cpvs) > 0 {
		// The NAF and CPV labels' words are the classification's evidence:
		// when it finds that the trade does not fit the need's code (a
		// univers may: it gathers hundreds of trades), a word
		// they share with the need is a coincidence of the nomenclature
		// (« restauration » of a restaurant for « Restauration des
		// menuiseries »), not a sign of the trade. So is a word of the
		// company's name that nothing the company says it makes repeats:
		// a name is chosen, not a description (« Espaces » of STAFF
		// ESPACES VOLUMES, a plasterer, for « Entretien des espaces
		// verts »; « papier » of a wallpaper maker or of « Le presse
		// papier » for printer paper). Only the words the company wrote
		// about its work count then — and also when only a link learned
		// from a few awards makes the trade fit (vouchesForName).
		sm.bits, sm.Text, sm.textOfAsked = described.bits, described.share, described.ofAsked
	}
	if sm.Text == 0 && sm.class.value == 0 {
		return Scored{}, false
	}
	sm.geo = geography(n, c, sm.class.learned > 0)
	sm.labels = countValidLabels(c.sup.Labels, n.At)
	sm.capVal, _, _ = capacityOf(&c.sup, n.value, sm.track)
	w := n.Weights
	sm.Total = w.Text*sm.Text + w.Classification*sm.class.value + w.Geography*sm.proximity() + w.Capacity*sm.capVal
	sm.Total += trackRecordPoints(w, sm.track)
	if sm.labels > 0 {
		sm.Total += w.Labels
	}
	return capScore(sm), true
}

// capScore keeps a score within 100. The weights add up to 100; only the
// buyer's own award (trackRecordPoints) can bring more, and it completes
// a score without passing 100: what it would add above is left out of the
// total and of the track record's reason.
func capScore(sm Scored) Scored {
	if sm.Total > 100 {
		sm.capped, sm.Total = sm.Total-100, 100
	}
	return sm
}

// Candidate is the scored candidate.
func (sm *Scored) Candidate() *Candidate { return sm.c }

// proximity is the geography component: nearness counts in proportion to
// the evidence that the firm can do the job (text or classification,
// combined as a noisy-OR). Being near makes a capable firm likelier to
// answer; it does not make a firm of another trade capable, so a
// neighbour with a loose sector fit cannot outrank the specialists of
// the trade on distance alone. When the buyer described the work in
// words, an inferred sector fit (a NAF division covers many trades: every
// builder fits "historic buildings") counts for half: the words say which
// trade, so the plasterer next door does not outrank the stained-glass
// workshops of the region for « restauration des vitraux ».
func (sm *Scored) proximity() float64 {
	return sm.geo.value * sm.relevance()
}

// relevance is the evidence that the firm can do the job, in [0,1]: its
// text and classification fits as a noisy-OR, an inferred sector fit
// counting for half when the buyer described the work in words.
func (sm *Scored) relevance() float64 {
	return sm.relevanceOf(sm.Text, sm.class.value)
}

// relevanceOf is relevance with text as the text fit and class as the
// classification fit.
func (sm *Scored) relevanceOf(text, class float64) float64 {
	if sm.described && sm.class.declared == "" && !sm.class.won && !sm.class.chosen {
		class *= inferredFitWhenDescribed
	}
	return 1 - (1-text)*(1-class)
}

// confidence is the match's confidence level: ConfidenceOf the relevance
// the company's trade and words give, without the univers. A univers
// gathers hundreds of trades (« Architecture et patrimoine bâti » holds
// plasterers, forges and stained-glass workshops alike): it may rank a
// company, as one more sign of the field, but never vouches that it does
// the work.
func (sm *Scored) confidence() string {
	return ConfidenceOf(sm.relevanceOf(sm.textOfAsked, sm.class.tradeValue()))
}

// inferredFitWhenDescribed discounts an inferred sector fit in the
// relevance that gates nearness, when the need has discriminative words.
const inferredFitWhenDescribed = 0.5

func (sm *Scored) distanceOr(def float64) float64 {
	if !sm.geo.hasDist {
		return def
	}
	return sm.geo.dist
}

// reasons explains the score: each reason's Weight is the points it
// brought, and together they make the score (a neutral component, with
// nothing to say, has no reason).
func (sm *Scored) reasons(n *Need, q *TermSet) []data.Reason {
	var out []data.Reason
	add := func(points float64, r data.Reason) {
		r.Weight = points
		out = append(out, r)
	}
	w := n.Weights
	if sm.Text > 0 {
		add(w.Text*sm.Text, data.Reason{Kind: data.ReasonTerms, Terms: q.phrases(sm.bits, n.Parts)})
	}
	for _, r := range sm.class.reasons(&sm.c.sup) {
		add(w.Classification*r.Weight, r)
	}
	trackPoints := trackRecordPoints(w, sm.track) - sm.capped
	if sm.class.won {
		trackPoints += w.Classification * sm.class.value
	}
	for _, r := range sm.geo.reasons() {
		add(w.Geography*sm.proximity()*r.Weight, r)
	}
	labels := ValidLabels(sm.c.sup.Labels, n.At)
	for _, r := range labels {
		add(w.Labels/float64(len(labels)), r)
	}
	if v, r, known := capacityOf(&sm.c.sup, n.value, sm.track); known {
		add(w.Capacity*v, r)
	}
	if sm.track.count > 0 {
		add(trackPoints, sm.track.reason())
	}
	return out
}

// reasonOrder breaks ties between reasons of equal weight.
var reasonOrder = map[data.ReasonKind]int{
	data.ReasonTerms: 0, data.ReasonCPV: 1, data.ReasonCPVFromNAF: 2, ReasonUnivers: 3,
	data.ReasonServiceArea: 4, data.ReasonDistance: 5, data.ReasonTrackRecord: 6, data.ReasonLabel: 7,
	data.ReasonCapacity: 8,
}

// ToMatch renders the scored candidate: rounded score, reasons by weight
// with their French text.
func (sm *Scored) ToMatch(n *Need, q *TermSet) data.Match {
	s := sm.c.sup
	m := data.Match{SupplierID: s.ID, SIREN: s.SIREN, Name: s.Name, NAF: s.NAF, Score: round1(sm.Total),
		Confidence: sm.confidence()}
	if sm.geo.hasDist {
		d := math.Round(sm.geo.dist*10) / 10
		m.DistanceKm = &d
	}
	if e, ok := s.HeadOffice(); ok {
		m.SIRET = e.SIRET
	}
	reasons := sm.reasons(n, q)
	m.Reasons = make([]data.Reason, len(reasons))
	for i, r := range reasons {
		r.Weight = round1(r.Weight)
		r.Text = r.String()
		m.Reasons[i] = r
	}
	sort.SliceStable(m.Reasons, func(i, j int) bool {
		a, b := m.Reasons[i], m.Reasons[j]
		if a.Weight != b.Weight {
			return a.Weight > b.Weight
		}
		return reasonOrder[a.Kind] < reasonOrder[b.Kind]
	})
	return m
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

// Sort orders matches by score, then nearest, then ID for a stable
// answer.
func Sort(s []Scored) {
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Total != b.Total {
			return a.Total > b.Total
		}
		da, db := a.distanceOr(1e9), b.distanceOr(1e9)
		if da != db {
			return da < db
		}
		return a.c.sup.ID < b.c.sup.ID
	})
}
