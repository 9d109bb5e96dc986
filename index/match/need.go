package match

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"fabrique/data"
)

// need is what one ranking looks for: the tender as a whole, or one lot
// with what it inherits from the tender.
type Need struct {
	LotID, LotTitle string // empty for the tender as a whole
	Parts           []TextPart
	cpvs            []string // 8 digits, the main code first
	// inferred holds, when the tender declared no CPV code and cpvs were
	// deduced from its words and descriptors (data.InferCPV), the weight
	// of each code: an inferred code weighs less than a declared one.
	inferred     []float64
	CPVDivisions []string
	Place        data.Place // resolved
	HasPoint     bool       // Place is on the map
	nature       data.Nature
	Weights      Weights
	value        float64 // estimated value, euros excl. VAT; 0 unknown
	At           time.Time
	// Buyer is the buyer's name: where a text names the buyer (« du
	// Musée du Louvre »), its words say who buys, not what.
	Buyer string
	// BuyerSIREN identifies the buyer ("" when unknown): a company that
	// already won a contract of the kind from this buyer is known to it.
	BuyerSIREN string
	// Trade is the NAF code the buyer chose as the need's trade (corps
	// d'état), "" for none: its companies fit it as a primary NAF fit
	// would (classFit.chooseTrade). Set by the caller.
	Trade string
	// Links are the CPV ↔ NAF links learned from past awards (nil: the
	// curated table only); the caller sets them before scoring.
	Links *data.CPVNAFLinks
	// TradePool is the number of suppliers of the need's sector (those
	// that fit its CPV divisions), or of the directory when it has none:
	// a candidate's trade is rare by its share of them (ReachStretch).
	// Set by the caller; 0 leaves every reach unstretched.
	TradePool float64
	// RareTrades are the NAF codes linked to the need's CPV divisions by
	// past awards whose share of the sector is small (RareTrade): their
	// suppliers are gathered from all of France. Set by the caller.
	RareTrades []string
	// Track is the companies' record of public contracts won (nil: none
	// known), and TrackCut what of it counts: the awards notified before
	// the need's day, so that a ranking only uses what was known then.
	// Set by the caller (see SetTrack).
	Track    *data.TrackRecord
	TrackCut data.TrackCut
	// reach is the factor of the distance decay scale for the kind of
	// work (data.WorksReach of the main code), 1 when unmeasured.
	reach float64
}

// SetTrack gives the need the track record it scores with: the awards
// notified before before (zero: the need's day, At) count, and the
// contract skip never does (the evaluated award).
// CPVs are the need's CPV codes (declared, else inferred), the main one
// first.
func (n *Need) CPVs() []string { return n.cpvs }

func (n *Need) SetTrack(t *data.TrackRecord, before time.Time, skip data.ContractID) {
	if before.IsZero() {
		before = n.At
	}
	n.Track, n.TrackCut = t, data.TrackCut{Before: before, Skip: skip}
}

// TextPart is one text of a need with the weight of its words: the title
// states the object, the description details it, and a lot's own words
// count more than those it inherits from its tender.
type TextPart struct {
	Text   string
	Weight float64
}

// Weights of the texts of a need.
const (
	TitleWeight       = 1.0
	descriptionWeight = 0.7
	inheritedWeight   = 0.5 // a lot's share of the tender's words
)

// NeedsOf validates the tender and turns it into the needs to rank: the
// tender first, then each lot. at is the day of the need (labels valid,
// awards known); zero means the tender's deadline, else its publication
// date, else now. Errors wrap data.ErrInvalid.
func NeedsOf(t data.Tender, at, now time.Time) ([]Need, error) {
	title, desc := truncateNeedText(t.Title), truncateNeedText(t.Description)
	cpvs, err := normalizeCPVs(append([]string{t.CPV}, t.CPVAdditional...))
	if err != nil {
		return nil, err
	}
	if len(t.Lots) > maxLots {
		return nil, invalid("lots", fmt.Sprint(len(t.Lots)), fmt.Sprintf("au plus %d lots par besoin", maxLots))
	}
	lotCPVs := make([][]string, len(t.Lots))
	var allLotCPVs []string
	for i, l := range t.Lots {
		if lotCPVs[i], err = normalizeCPVs(append([]string{l.CPV}, l.CPVAdditional...)); err != nil {
			return nil, err
		}
		allLotCPVs = appendMissing(allLotCPVs, lotCPVs[i]...)
	}
	var lotTitles []TextPart
	for _, l := range t.Lots {
		if lt := truncateNeedText(l.Title); lt != "" {
			lotTitles = append(lotTitles, TextPart{lt, descriptionWeight})
		}
	}
	if title == "" && desc == "" && len(lotTitles) == 0 && len(cpvs) == 0 && len(allLotCPVs) == 0 {
		return nil, invalid("title", "", "un besoin doit avoir un intitulé ou un code CPV")
	}

	for _, d := range []time.Time{t.Deadline, t.PublishedAt, now} {
		if at.IsZero() {
			at = d
		}
	}
	place := ResolvePlace(t.Place)

	tender := Need{cpvs: cpvs, Place: place, value: positive(t.EstimatedValue), At: at, Buyer: strings.TrimSpace(t.Buyer.Name),
		BuyerSIREN: data.SIRENOf(t.Buyer.SIRET)}
	if len(tender.cpvs) == 0 {
		tender.cpvs = allLotCPVs
	}
	if len(tender.cpvs) == 0 {
		// No declared code anywhere: the deduced ones, which the lots
		// without codes inherit too.
		tender.cpvs, tender.inferred = inferredCPVs(t)
		cpvs = tender.cpvs
	}
	// Only the buyer's own words make the text: a title that merely
	// restates the label of a CPV code (as many published objects do)
	// says nothing the code does not, and the code is already the
	// classification's evidence.
	if restatesCPV(title, append(cpvs, allLotCPVs...)) {
		title = ""
	}
	tender.Parts = []TextPart{{title, TitleWeight}, {desc, descriptionWeight}}
	if title == "" && desc == "" {
		tender.Parts = lotTitles // no object of its own: its lots say what is bought
	}
	tender.finish(t.Nature)
	needs := []Need{tender}

	for i, l := range t.Lots {
		n := Need{LotID: strings.TrimSpace(l.ID), LotTitle: strings.TrimSpace(l.Title), cpvs: lotCPVs[i],
			Place: tender.Place, value: positive(l.EstimatedValue), At: at}
		if n.LotID == "" {
			n.LotID = fmt.Sprint(i + 1)
		}
		if n.LotTitle == "" {
			n.LotTitle = "Lot " + n.LotID
		}
		if len(n.cpvs) == 0 {
			n.cpvs, n.inferred = cpvs, tender.inferred
		}
		if l.Place != (data.Place{}) {
			n.Place = ResolvePlace(l.Place)
		}
		if n.value == 0 && tender.value > 0 {
			// Without its own estimate, a lot is taken as an even share.
			n.value = tender.value / float64(len(t.Lots))
		}
		lotTitle := truncateNeedText(l.Title)
		if restatesCPV(lotTitle, n.cpvs) {
			lotTitle = ""
		}
		n.Parts = []TextPart{
			{lotTitle, TitleWeight},
			{truncateNeedText(l.Description), descriptionWeight},
			{title, TitleWeight * inheritedWeight},
			{desc, descriptionWeight * inheritedWeight},
		}
		n.finish(t.Nature)
		needs = append(needs, n)
	}
	return needs, nil
}

// inferredCPVWeight is the weight of a deduced CPV code of full
// confidence, against 1 for a declared one: a deduction from a title can
// be wrong, a buyer's code seldom is.
const inferredCPVWeight = 0.7

// inferredCPVs are the codes deduced for a tender without any, with their
// weights: those the importer stored, else data.InferCPV's.
func inferredCPVs(t data.Tender) ([]string, []float64) {
	guesses := t.InferredCPV
	if len(guesses) == 0 {
		ev := data.CPVEvidence{Title: t.Title, Description: t.Description, Descriptors: t.Descriptors, Nature: t.Nature}
		for _, l := range t.Lots {
			ev.Lots = append(ev.Lots, strings.TrimSpace(l.Title+" "+l.Description))
		}
		guesses = data.InferCPV(ev)
	}
	var codes []string
	var weights []float64
	for _, g := range guesses {
		c, err := data.NormalizeCPV(g.Code)
		if err != nil || slices.Contains(codes, c) {
			continue
		}
		codes = append(codes, c)
		weights = append(weights, inferredCPVWeight*min(1, max(0, g.Confidence)))
	}
	return codes, weights
}

// finish derives the CPV divisions, the nature and whether the place is
// on the map.
func (n *Need) finish(nature data.Nature) {
	for _, c := range n.cpvs {
		n.CPVDivisions = appendMissing(n.CPVDivisions, data.CPVDivision(c))
	}
	n.nature = nature
	if n.nature == "" && len(n.cpvs) > 0 {
		n.nature = natureOfCPV(n.cpvs[0])
	}
	n.HasPoint = ValidLatLon(n.Place.Lat, n.Place.Lon)
	n.Weights = WeightsFor(n.nature)
	n.reach = 1
	if n.nature == data.NatureWorks && len(n.cpvs) > 0 {
		n.reach, _ = data.WorksReach(n.cpvs[0])
	}
}

// natureOfCPV tells the nature of a contract from its CPV division: 45 is
// works, 03–44 and 48 are goods, the rest services (the CPV's own split).
func natureOfCPV(code string) data.Nature {
	switch d := data.CPVDivision(code); {
	case d == "":
		return ""
	case d == "45":
		return data.NatureWorks
	case d < "45" || d == "48":
		return data.NatureSupplies
	default:
		return data.NatureServices
	}
}

// normalizeCPVs checks and de-duplicates CPV codes, keeping their order.
func normalizeCPVs(raw []string) ([]string, error) {
	var out []string
	for _, r := range raw {
		if strings.TrimSpace(r) == "" {
			continue
		}
		c, err := data.NormalizeCPV(r)
		if err != nil {
			return nil, fmt.Errorf("match: %w", err)
		}
		out = appendMissing(out, c)
	}
	return out, nil
}

// ResolvePlace completes the place from the reference data, keeping
// coordinates the caller gave.
func ResolvePlace(p data.Place) data.Place {
	if p == (data.Place{}) {
		return p
	}
	r := data.ResolvePlace(p)
	if !ValidLatLon(r.Lat, r.Lon) {
		r.Lat, r.Lon = 0, 0
	}
	return r
}

// restatesCPV reports whether text is only the label of one of the CPV
// codes (case, accents and punctuation aside).
func restatesCPV(text string, cpvs []string) bool {
	if text == "" {
		return false
	}
	key := strings.Join(data.Words(text), " ")
	for _, c := range cpvs {
		if cc, ok := data.LookupCPV(c); ok && strings.Join(data.Words(cc.LabelFR), " ") == key {
			return true
		}
	}
	return false
}

func appendMissing(list []string, vals ...string) []string {
	for _, v := range vals {
		if v != "" && !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

func positive(v float64) float64 {
	if v > 0 && v < 1e13 {
		return v
	}
	return 0
}
