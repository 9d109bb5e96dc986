package index

import (
	"fmt"
	"strings"
	"time"

	"fabrique/data"
)

// need is what one ranking looks for: the tender as a whole, or one lot
// with what it inherits from the tender.
type need struct {
	lotID, lotTitle string
	parts           []textPart
	cpvs            []string // 8 digits, the main code first
	cpvDivisions    []string
	place           data.Place // resolved
	hasPoint        bool
	nature          data.Nature
	weights         matchWeights
	value           float64 // estimated value, euros excl. VAT; 0 unknown
	at              time.Time
}

// textPart is one text of a need with the weight of its words: the title
// states the object, the description details it, and a lot's own words
// count more than those it inherits from its tender.
type textPart struct {
	text   string
	weight float64
}

// Weights of the texts of a need.
const (
	titleWeight       = 1.0
	descriptionWeight = 0.7
	inheritedWeight   = 0.5 // a lot's share of the tender's words
)

// needsOf validates the tender and turns it into the needs to rank: the
// tender first, then each lot. Errors wrap data.ErrInvalid.
func (ix *Index) needsOf(t data.Tender, opts MatchOptions) ([]need, error) {
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
	var lotTitles []textPart
	for _, l := range t.Lots {
		if lt := truncateNeedText(l.Title); lt != "" {
			lotTitles = append(lotTitles, textPart{lt, descriptionWeight})
		}
	}
	if title == "" && desc == "" && len(lotTitles) == 0 && len(cpvs) == 0 && len(allLotCPVs) == 0 {
		return nil, invalid("title", "", "un besoin doit avoir un intitulé ou un code CPV")
	}

	at := opts.At
	for _, d := range []time.Time{t.Deadline, t.PublishedAt, ix.opts.Now()} {
		if at.IsZero() {
			at = d
		}
	}
	place := resolveNeedPlace(t.Place)

	tender := need{cpvs: cpvs, place: place, value: positive(t.EstimatedValue), at: at}
	if len(tender.cpvs) == 0 {
		tender.cpvs = allLotCPVs
	}
	// Only the buyer's own words make the text: a title that merely
	// restates the label of a CPV code (as many published objects do)
	// says nothing the code does not, and the code is already the
	// classification's evidence.
	if restatesCPV(title, append(cpvs, allLotCPVs...)) {
		title = ""
	}
	tender.parts = []textPart{{title, titleWeight}, {desc, descriptionWeight}}
	if title == "" && desc == "" {
		tender.parts = lotTitles // no object of its own: its lots say what is bought
	}
	tender.finish(t.Nature)
	needs := []need{tender}

	for i, l := range t.Lots {
		n := need{lotID: strings.TrimSpace(l.ID), lotTitle: strings.TrimSpace(l.Title), cpvs: lotCPVs[i],
			place: tender.place, value: positive(l.EstimatedValue), at: at}
		if n.lotID == "" {
			n.lotID = fmt.Sprint(i + 1)
		}
		if n.lotTitle == "" {
			n.lotTitle = "Lot " + n.lotID
		}
		if len(n.cpvs) == 0 {
			n.cpvs = cpvs
		}
		if l.Place != (data.Place{}) {
			n.place = resolveNeedPlace(l.Place)
		}
		if n.value == 0 && tender.value > 0 {
			// Without its own estimate, a lot is taken as an even share.
			n.value = tender.value / float64(len(t.Lots))
		}
		lotTitle := truncateNeedText(l.Title)
		if restatesCPV(lotTitle, n.cpvs) {
			lotTitle = ""
		}
		n.parts = []textPart{
			{lotTitle, titleWeight},
			{truncateNeedText(l.Description), descriptionWeight},
			{title, titleWeight * inheritedWeight},
			{desc, descriptionWeight * inheritedWeight},
		}
		n.finish(t.Nature)
		needs = append(needs, n)
	}
	return needs, nil
}

// finish derives the CPV divisions, the nature and whether the place is
// on the map.
func (n *need) finish(nature data.Nature) {
	for _, c := range n.cpvs {
		n.cpvDivisions = appendMissing(n.cpvDivisions, data.CPVDivision(c))
	}
	n.nature = nature
	if n.nature == "" && len(n.cpvs) > 0 {
		n.nature = natureOfCPV(n.cpvs[0])
	}
	n.hasPoint = validLatLon(n.place.Lat, n.place.Lon)
	n.weights = weightsFor(n.nature)
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
			return nil, fmt.Errorf("index: match: %w", err)
		}
		out = appendMissing(out, c)
	}
	return out, nil
}

// resolveNeedPlace completes the place from the reference data, keeping
// coordinates the caller gave.
func resolveNeedPlace(p data.Place) data.Place {
	if p == (data.Place{}) {
		return p
	}
	r := data.ResolvePlace(p)
	if !validLatLon(r.Lat, r.Lon) {
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
		if v != "" && !containsString(list, v) {
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
