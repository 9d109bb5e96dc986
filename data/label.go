package data

import (
	"slices"
	"strings"
	"time"
)

// LabelType names a label or certification. Labels lists those Fabrique
// knows; a source may prove another (its definition names it), stored
// without a schema change and shown by its code.
type LabelType string

const (
	LabelEPV LabelType = "EPV" // Entreprise du Patrimoine Vivant (State label)
	LabelOFG LabelType = "OFG" // Origine France Garantie (product ranges)
	// LabelMIF: made in France as a "fabriqué en France" directory
	// publishes it (the JSON-LD source: schema.org countryOfOrigin FR).
	LabelMIF LabelType = "MIF"
)

// Labels lists the labels Fabrique knows, in display order: the one list
// that filters accept and that pages and figures break down by; each has a
// French name (LabelName).
func Labels() []LabelType { return []LabelType{LabelEPV, LabelOFG, LabelMIF} }

// KnownLabel reports whether t is one of Labels.
func KnownLabel(t LabelType) bool { return slices.Contains(Labels(), t) }

// LabelsText lists the labels' codes for a French message: « EPV, OFG ou
// MIF ».
func LabelsText() string {
	var codes []string
	for _, t := range Labels() {
		codes = append(codes, string(t))
	}
	return strings.Join(codes[:len(codes)-1], ", ") + " ou " + codes[len(codes)-1]
}

// LabelScope says what a label covers.
type LabelScope string

const (
	ScopeCompany       LabelScope = "company"
	ScopeEstablishment LabelScope = "establishment"
	ScopeProductRange  LabelScope = "product_range"
)

// Label is one piece of evidence that a company makes things in France.
type Label struct {
	Type  LabelType  `json:"type"`
	Scope LabelScope `json:"scope"`
	// SIRET is set for an establishment-scoped label.
	SIRET string `json:"siret,omitempty"`
	// Range is the certified product range, for a product-range label.
	Range string `json:"range,omitempty"`
	// Category is the directory category (OFG) or univers (EPV).
	Category      string    `json:"category,omitempty"`
	CertificateID string    `json:"certificate_id,omitempty"`
	GrantedAt     time.Time `json:"granted_at,omitzero"`
	ExpiresAt     time.Time `json:"expires_at,omitzero"`
	Source        string    `json:"source"`
	SourceURL     string    `json:"source_url,omitempty"`
	FirstSeen     time.Time `json:"first_seen"`
	LastSeen      time.Time `json:"last_seen"`
	// NotRefoundSince is set when the latest complete crawl of the source
	// did not find the label again; it is never deleted silently.
	NotRefoundSince time.Time `json:"not_refound_since,omitzero"`
}

// Key identifies a label within a supplier: same type, scope, site and range.
func (l Label) Key() string {
	return string(l.Type) + "|" + string(l.Scope) + "|" + l.SIRET + "|" + NormalizeName(l.Range)
}

// ValidOn reports whether the label is valid on day t: granted by then, not
// expired, and still found in its source.
func (l Label) ValidOn(t time.Time) bool {
	if !l.GrantedAt.IsZero() && t.Before(l.GrantedAt) {
		return false
	}
	if !l.ExpiresAt.IsZero() && !t.Before(l.ExpiresAt) {
		return false
	}
	return l.NotRefoundSince.IsZero()
}

// LabelName is the French name of a label type; its code for a label
// Fabrique does not know.
func LabelName(t LabelType) string {
	switch t {
	case LabelEPV:
		return "Entreprise du Patrimoine Vivant"
	case LabelOFG:
		return "Origine France Garantie"
	case LabelMIF:
		return "Fabriqué en France (annuaire)"
	}
	return string(t)
}

// LabelState is where a label stands on a given day. It is the one rule
// that every page, export and figure uses to say whether a label counts.
type LabelState string

const (
	LabelValid      LabelState = "valid"       // granted, not expired, still found in its source
	LabelExpiring   LabelState = "expiring"    // valid, but ends within LabelExpiringWithin
	LabelExpired    LabelState = "expired"     // its end date has passed
	LabelNotRefound LabelState = "not_refound" // the latest crawl of its source did not find it again
	LabelNotYet     LabelState = "not_yet"     // granted after the day asked about
)

// LabelExpiringWithin is how close an end date makes a valid label
// "expiring soon".
const LabelExpiringWithin = 90 * 24 * time.Hour

// StateOn tells where the label stands on day t. An expired label is
// reported as expired even if it was also not re-found: the end date is the
// stronger fact. LabelValid and LabelExpiring are the states that count as
// holding the label (ValidOn).
func (l Label) StateOn(t time.Time) LabelState {
	switch {
	case !l.GrantedAt.IsZero() && t.Before(l.GrantedAt):
		return LabelNotYet
	case !l.ExpiresAt.IsZero() && !t.Before(l.ExpiresAt):
		return LabelExpired
	case !l.NotRefoundSince.IsZero():
		return LabelNotRefound
	case !l.ExpiresAt.IsZero() && l.ExpiresAt.Sub(t) <= LabelExpiringWithin:
		return LabelExpiring
	}
	return LabelValid
}

// Holds reports whether the state counts as holding the label.
func (s LabelState) Holds() bool { return s == LabelValid || s == LabelExpiring }

// LabelStateName is the French wording of a label state, for pages and
// exports.
func LabelStateName(s LabelState) string {
	switch s {
	case LabelValid:
		return "valide"
	case LabelExpiring:
		return "expire bientôt"
	case LabelExpired:
		return "expiré"
	case LabelNotRefound:
		return "non retrouvé au dernier passage"
	case LabelNotYet:
		return "pas encore en vigueur"
	}
	return string(s)
}
