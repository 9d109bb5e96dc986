package data

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Match is one supplier proposed for a tender (or a lot), with its score
// and the reasons a buyer can read.
type Match struct {
	SupplierID string `json:"supplier_id"`
	SIREN      string `json:"siren,omitempty"`
	SIRET      string `json:"siret,omitempty"`
	Name       string `json:"name"`
	// NAF is the company's NAF code, its trade: what a shortlist's
	// « corps d'état » group by.
	NAF        string   `json:"naf,omitempty"`
	Score      float64  `json:"score"`
	DistanceKm *float64 `json:"distance_km,omitempty"` // nil when unknown
	Reasons    []Reason `json:"reasons"`
	// Confidence says how surely the company does what is asked:
	// ConfidenceHigh, ConfidenceMedium or ConfidenceLow (index/match
	// states the rule and `fabrique eval awards` its record on real
	// awards).
	Confidence string `json:"confidence,omitempty"`
}

// Levels of Match.Confidence, as a buyer reads them.
const (
	ConfidenceHigh   = "forte"
	ConfidenceMedium = "moyenne"
	ConfidenceLow    = "faible"
)

// NoGoodMatch is what a shortlist says when none of its suppliers fits
// better than weakly.
const NoGoodMatch = "aucun fournisseur labellisé ne correspond bien"

// GoodMatches counts the matches of high or medium confidence.
func GoodMatches(ms []Match) int {
	n := 0
	for _, m := range ms {
		if m.Confidence == ConfidenceHigh || m.Confidence == ConfidenceMedium {
			n++
		}
	}
	return n
}

// ReasonKind is the type of a match reason.
type ReasonKind string

const (
	ReasonTerms       ReasonKind = "terms"        // shared discriminative words
	ReasonCPV         ReasonKind = "cpv"          // declared CPV matches
	ReasonCPVFromNAF  ReasonKind = "cpv_naf"      // CPV division ↔ NAF division
	ReasonDistance    ReasonKind = "distance"     // km from the place of performance
	ReasonServiceArea ReasonKind = "service_area" // declared service area covers the place
	ReasonLabel       ReasonKind = "label"        // label valid on the tender's date
	ReasonCapacity    ReasonKind = "capacity"     // headcount against value
	ReasonTrackRecord ReasonKind = "track_record" // won similar public contracts
)

// Reason explains one part of a match score. Its fields are typed so that
// programs can use them; String renders it in French.
type Reason struct {
	Kind   ReasonKind `json:"kind"`
	Weight float64    `json:"weight"` // contribution to the score
	// Text is the French rendering, filled by String when marshalled
	// (unless already set).
	Text string `json:"text"`

	Terms       []string `json:"terms,omitempty"`
	TenderCPV   string   `json:"tender_cpv,omitempty"`
	TenderCPVFR string   `json:"tender_cpv_label,omitempty"`
	// TenderCPVInferred is true when the tender's code was deduced from
	// its words or descriptors (data.InferCPV), the buyer having given none.
	TenderCPVInferred bool      `json:"tender_cpv_inferred,omitempty"`
	SupplierCPV       string    `json:"supplier_cpv,omitempty"`
	NAF               string    `json:"naf,omitempty"`
	DistanceKm        float64   `json:"distance_km,omitempty"`
	Label             LabelType `json:"label,omitempty"`
	ValidUntil        time.Time `json:"valid_until,omitzero"`
	Headcount         string    `json:"headcount_band,omitempty"`
	AwardCount        int       `json:"award_count,omitempty"`
	Detail            string    `json:"detail,omitempty"`
	// Declared is true when a capacity reason rests on what the company
	// declared (turnover, largest contract) rather than on its headcount.
	Declared bool `json:"declared,omitempty"`
	// LearnedAwards, on a CPV ↔ NAF reason, is the number of past awards
	// of the CPV division won by companies of that NAF code (the link
	// learned from awards, CPVNAFLinks); 0 when only the curated table
	// links them.
	LearnedAwards int `json:"learned_awards,omitempty"`
	// TradeChosen, on a CPV ↔ NAF reason, is true when the NAF code is the
	// trade (corps d'état) the buyer chose for the need: the buyer's word
	// that the trade does the work, whatever the building named.
	TradeChosen bool `json:"trade_chosen,omitempty"`
	// LastAward, on a track record reason, is the month of the latest of
	// the comparable contracts won ("2024-09").
	LastAward string `json:"last_award,omitempty"`
	// BuyerAwards, on a track record reason, is how many of those
	// contracts the need's own buyer awarded.
	BuyerAwards int `json:"buyer_awards,omitempty"`
	// Won is true when a capacity reason rests on a public contract the
	// company won (its track record), not on what it declared.
	Won bool `json:"won,omitempty"`
}

// String renders the reason in French, as a buyer reads it.
func (r Reason) String() string {
	switch r.Kind {
	case ReasonTerms:
		return "termes : " + strings.Join(r.Terms, ", ")
	case ReasonCPV:
		return r.tenderCPV() + " déclaré par l'entreprise"
	case ReasonCPVFromNAF:
		if r.TradeChosen {
			return "NAF " + r.NAF + " : corps d'état choisi par l'acheteur"
		}
		return r.tenderCPV() + " ↔ NAF " + r.NAF + r.LearnedNote()
	case ReasonDistance:
		return DistanceFR(r.DistanceKm)
	case ReasonServiceArea:
		return "zone d'intervention déclarée : " + r.Detail
	case ReasonLabel:
		s := "label " + string(r.Label) + " valide"
		if !r.ValidUntil.IsZero() {
			s += " jusqu'au " + r.ValidUntil.Format("02/01/2006")
		}
		return s
	case ReasonCapacity:
		if r.Won {
			return "référence publique : " + r.Detail
		}
		if r.Declared {
			return "capacité déclarée : " + r.Detail
		}
		return "effectif : " + r.Detail
	case ReasonTrackRecord:
		return TrackRecordText(r.AwardCount, r.BuyerAwards, r.LastAward)
	}
	if r.Detail != "" {
		return r.Detail
	}
	return string(r.Kind)
}

// OnSite is DistanceFR's phrase for a company at the place itself.
const OnSite = "sur place"

// DistanceFR says how far a company is from a place, after a verb of
// place (« installée … »): OnSite under 100 m (both points are mostly
// communes' centres, so mostly the same commune), « à moins d'un km »
// under a kilometre, else the rounded kilometres in French digit groups,
// « à 12 km », « à 9 356 km »: never « à 0 km ».
func DistanceFR(km float64) string {
	switch {
	case km < 0.1:
		return OnSite
	case km < 1:
		return "à moins d'un km"
	}
	return "à " + IntFR(int(km+0.5)) + " km"
}

// tenderCPV renders the tender's code with its label, « déduit » when the
// buyer gave none.
func (r Reason) tenderCPV() string {
	s := "CPV "
	if r.TenderCPVInferred {
		s += "déduit "
	}
	s += r.TenderCPV
	if r.TenderCPVFR != "" {
		s += " (" + strings.ToLower(r.TenderCPVFR) + ")"
	}
	return s
}

// MarshalJSON fills Text with the French rendering when it is empty, so
// that API clients read the same sentence as the pages.
func (r Reason) MarshalJSON() ([]byte, error) {
	type plain Reason // without the method, to avoid recursion
	if r.Text == "" {
		r.Text = r.String()
	}
	return json.Marshal(plain(r))
}

// LearnedNote is the French note of a CPV ↔ NAF link learned from awards
// (« (lien appris de 4 marchés) », with its leading space), "" when
// the link is only the curated table's.
func (r Reason) LearnedNote() string {
	switch {
	case r.LearnedAwards == 1:
		return " (lien appris d'un marché)"
	case r.LearnedAwards > 1:
		return " (lien appris de " + strconv.Itoa(r.LearnedAwards) + " marchés)"
	}
	return ""
}
