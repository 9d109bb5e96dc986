package index

import (
	"math"
	"sort"

	"fabrique/data"
)

// matchWeights are the points of each component of the score. Each
// component is in [0,1] and the points add up to 100, so a score reads
// as a mark out of 100 and each reason's weight is the points it
// brought. They are set on principles, then checked on real awards
// (Evaluate), not fitted to them:
//
//	component       works  services  supplies  why
//	text              35       35        40    the buyer's own words against the company's: the most
//	                                           specific evidence of what it makes ("vitraux", "pierre
//	                                           de taille"), which must outweigh being near; free text
//	                                           is noisy, so common words earn little (see newTermSet)
//	classification    20       25        25    CPV ↔ declared CPV, NAF or EPV univers: robust but coarse
//	                                           (a division covers many trades); with the text it gates
//	                                           relevance
//	geography         30       25        20    works are done on site: in the DECP works file 63 % of
//	                                           contracts go to a firm of the buyer's département and
//	                                           90 % within 180 km; services need visits; goods are
//	                                           shipped
//	track record       5        5         5    comparable public contracts won: a real but small
//	                                           signal, few SMEs have any and a newcomer must not be
//	                                           buried
//	labels             5        5         5    nearly every company of the directory holds one: it
//	                                           only separates valid labels from expired ones
//	capacity           5        5         5    headcount against value: a coarse order of magnitude,
//	                                           often unknown
type matchWeights struct {
	text, classification, geography, trackRecord, labels, capacity float64
}

// weightsFor returns the weights for a nature of contract; an unknown
// nature takes those of services, between the two others.
func weightsFor(n data.Nature) matchWeights {
	switch n {
	case data.NatureWorks:
		return matchWeights{text: 35, classification: 20, geography: 30, trackRecord: 5, labels: 5, capacity: 5}
	case data.NatureSupplies:
		return matchWeights{text: 40, classification: 25, geography: 20, trackRecord: 5, labels: 5, capacity: 5}
	}
	return matchWeights{text: 35, classification: 25, geography: 25, trackRecord: 5, labels: 5, capacity: 5}
}

// candidate is a supplier loaded for scoring, with what every need of the
// same Match call reuses.
type candidate struct {
	sup      data.Supplier
	univers  []string // EPV univers, canonical
	lat, lon float64
	hasPoint bool

	awards       []data.Award
	awardsLoaded bool
}

func newCandidate(s data.Supplier) *candidate {
	c := &candidate{sup: s}
	c.univers = supplierUnivers(&c.sup)
	c.lat, c.lon, c.hasPoint = supplierPoint(s)
	return c
}

// scoredMatch is a candidate's score for one need. Scores are computed
// for every candidate; reasons only for those returned.
type scoredMatch struct {
	c      *candidate
	total  float64
	bits   uint64 // terms held
	text   float64
	class  classFit
	geo    geoFit
	labels int // label types valid on the need's date
	capVal float64
	awards int // comparable awards won before the need's date
	// described is true when the need has discriminative words: then a
	// sector fit inferred from the NAF code or univers is weaker evidence
	// of relevance than the words (see proximity).
	described bool
}

// scoreCandidate scores a candidate for a need. It reports false when the
// candidate has neither text nor classification fit: being near is not
// being able.
func scoreCandidate(ix *Index, n *need, q *termSet, c *candidate) (scoredMatch, bool) {
	sm := scoredMatch{c: c, described: len(q.terms) > 0}
	sm.bits, sm.text = q.match(ix, &c.sup)
	sm.class = classify(n.cpvs, &c.sup, c.univers)
	if sm.text == 0 && sm.class.value == 0 {
		return scoredMatch{}, false
	}
	sm.geo = geography(n, c)
	sm.labels = countValidLabels(c.sup.Labels, n.at)
	sm.capVal, _, _ = capacityOf(&c.sup, n.value)
	w := n.weights
	sm.total = w.text*sm.text + w.classification*sm.class.value + w.geography*sm.proximity() + w.capacity*sm.capVal
	if sm.labels > 0 {
		sm.total += w.labels
	}
	return sm, true
}

// setTrackRecord adds the bonus of count comparable awards: the first
// one brings half of it, each next one half of what remains.
func (sm *scoredMatch) setTrackRecord(w matchWeights, count int) {
	sm.awards = count
	sm.total += trackRecordPoints(w, count)
}

func trackRecordPoints(w matchWeights, count int) float64 {
	if count <= 0 {
		return 0
	}
	return w.trackRecord * (1 - math.Pow(0.5, float64(count)))
}

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
func (sm *scoredMatch) proximity() float64 {
	class := sm.class.value
	if sm.described && sm.class.declared == "" {
		class *= inferredFitWhenDescribed
	}
	relevance := 1 - (1-sm.text)*(1-class)
	return sm.geo.value * relevance
}

// inferredFitWhenDescribed discounts an inferred sector fit in the
// relevance that gates nearness, when the need has discriminative words.
const inferredFitWhenDescribed = 0.5

func (sm *scoredMatch) distanceOr(def float64) float64 {
	if !sm.geo.hasDist {
		return def
	}
	return sm.geo.dist
}

// reasons explains the score: each reason's Weight is the points it
// brought, and together they make the score (a neutral component, with
// nothing to say, has no reason).
func (sm *scoredMatch) reasons(n *need, q *termSet) []data.Reason {
	var out []data.Reason
	add := func(points float64, r data.Reason) {
		r.Weight = points
		out = append(out, r)
	}
	w := n.weights
	if sm.text > 0 {
		add(w.text*sm.text, data.Reason{Kind: data.ReasonTerms, Terms: q.phrases(sm.bits, n.parts)})
	}
	for _, r := range sm.class.reasons(&sm.c.sup) {
		add(w.classification*r.Weight, r)
	}
	for _, r := range sm.geo.reasons() {
		add(w.geography*sm.proximity()*r.Weight, r)
	}
	labels := validLabels(sm.c.sup.Labels, n.at)
	for _, r := range labels {
		add(w.labels/float64(len(labels)), r)
	}
	if v, r, known := capacityOf(&sm.c.sup, n.value); known {
		add(w.capacity*v, r)
	}
	if sm.awards > 0 {
		add(trackRecordPoints(w, sm.awards), data.Reason{Kind: data.ReasonTrackRecord, AwardCount: sm.awards})
	}
	return out
}

// reasonOrder breaks ties between reasons of equal weight.
var reasonOrder = map[data.ReasonKind]int{
	data.ReasonTerms: 0, data.ReasonCPV: 1, data.ReasonCPVFromNAF: 2, ReasonUnivers: 3,
	data.ReasonServiceArea: 4, data.ReasonDistance: 5, data.ReasonTrackRecord: 6, data.ReasonLabel: 7,
	data.ReasonCapacity: 8,
}

// toMatch renders the scored candidate: rounded score, reasons by weight
// with their French text.
func (sm *scoredMatch) toMatch(n *need, q *termSet) data.Match {
	s := sm.c.sup
	m := data.Match{SupplierID: s.ID, SIREN: s.SIREN, Name: s.Name, Score: round1(sm.total)}
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
