package data

import (
	"strings"
	"time"
)

// Nature is the kind of a public contract.
type Nature string

const (
	NatureWorks    Nature = "works"    // travaux
	NatureSupplies Nature = "supplies" // fournitures
	NatureServices Nature = "services" // services
)

// TenderState is where a notice stands.
type TenderState string

const (
	StateOpen      TenderState = "open"
	StateCorrected TenderState = "corrected"
	StateCancelled TenderState = "cancelled"
	StateAwarded   TenderState = "awarded"
)

// Place is a place of performance; any of its fields may be known.
type Place struct {
	Postcode    string  `json:"postcode,omitempty"`
	Commune     string  `json:"commune,omitempty"`
	Departement string  `json:"departement,omitempty"`
	NUTS        string  `json:"nuts,omitempty"`
	Lat         float64 `json:"lat,omitempty"`
	Lon         float64 `json:"lon,omitempty"`
}

// Abroad reports whether the place is known to be outside France: no
// French département is given and the NUTS code is another country's
// ("DE123"; feeds keep only that code of a foreign place). A place
// without a NUTS code is unknown, not abroad.
func (p Place) Abroad() bool {
	return p.Departement == "" && len(p.NUTS) >= 2 && !strings.EqualFold(p.NUTS[:2], "FR")
}

// Buyer is the contracting authority.
type Buyer struct {
	Name  string `json:"name"`
	SIRET string `json:"siret,omitempty"`
}

// Winner is a company a contract (or lot) was awarded to.
type Winner struct {
	Name   string  `json:"name"`
	SIRET  string  `json:"siret,omitempty"`
	Amount float64 `json:"amount,omitempty"`
	LotID  string  `json:"lot_id,omitempty"`
}

// Tender is a public procurement notice and, across corrections, the
// procedure it announces.
type Tender struct {
	// ID is Fabrique's key: "<source>:<source id>" of the first notice seen
	// for the procedure.
	ID       string `json:"id"`
	Source   string `json:"source"` // "boamp", "ted", "ocds", "decp", "manual"
	SourceID string `json:"source_id"`
	// ProcedureID identifies the procedure across its notices and sources;
	// the store folds notices that share it when they also share a buyer
	// and do not announce plainly different purchases (SameProcedure). It
	// should be unique across buyers: an eForms UUID or an OCDS ocid as
	// they are, a reference the buyer chose (BOAMP's REF_MARCHE) scoped by
	// the buyer (BuyerProcedureID).
	ProcedureID string `json:"procedure_id,omitempty"`
	// NoticeType is the source's notice kind (eForms subtype, BOAMP nature).
	NoticeType string `json:"notice_type,omitempty"`
	// Procedure is the award procedure, normalised (NormalizeProcedure):
	// "ouverte", "adaptee", "negociee"…
	Procedure string `json:"procedure,omitempty"`

	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Buyer       Buyer  `json:"buyer"`
	// JointBuyers are the other buyers of a joint procurement (an eForms
	// notice lists several cac:ContractingParty), and the lead buyers of
	// the notices folded in that named another of them first. A notice
	// folds into a tender by its procedure id only when one of its buyers
	// is one of these or Buyer (ShareBuyer).
	JointBuyers    []Buyer  `json:"joint_buyers,omitempty"`
	Nature         Nature   `json:"nature,omitempty"`
	CPV            string   `json:"cpv,omitempty"` // main CPV, 8 digits
	CPVAdditional  []string `json:"cpv_additional,omitempty"`
	Place          Place    `json:"place"`
	EstimatedValue float64  `json:"estimated_value,omitempty"` // euros, excl. VAT
	Currency       string   `json:"currency,omitempty"`

	PublishedAt time.Time   `json:"published_at,omitzero"`
	Deadline    time.Time   `json:"deadline,omitzero"`
	URL         string      `json:"url,omitempty"`
	State       TenderState `json:"state"`
	Winners     []Winner    `json:"winners,omitempty"`
	Lots        []Lot       `json:"lots,omitempty"`

	// SourceIDs lists every notice folded into this tender (corrections,
	// the same procedure in another source).
	SourceIDs []string `json:"source_ids,omitempty"`
	// History keeps one entry per notice that changed the tender.
	History []TenderRevision `json:"history,omitempty"`
	// TextDefects lists, in French, the texts of the notices that were
	// decoded with the wrong charset: repaired, or flagged when they could
	// not be (RepairText). The tender page shows them.
	TextDefects []string `json:"text_defects,omitempty"`
	// FoldByProcedure marks a change notice that does not say which notice
	// it changes (eForms SDK 1.3 omits efbc:ChangedNoticeIdentifier): it
	// folds only into the tender of its procedure. Not stored.
	FoldByProcedure bool `json:"-"`
	// Descriptors are the notice's BOAMP descriptors (BOAMP notices only).
	Descriptors []Descriptor `json:"descriptors,omitempty"`
	// InferredCPV holds CPV codes deduced by InferCPV when the notice
	// declares none (CPVCodes is empty); recomputed at each fold. They are
	// guesses, shown and indexed apart from declared codes.
	InferredCPV []InferredCPV `json:"inferred_cpv,omitempty"`

	ImportedAt time.Time `json:"imported_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Lot is a part of a tender that can be awarded on its own.
type Lot struct {
	ID             string    `json:"id"`
	Title          string    `json:"title"`
	Description    string    `json:"description,omitempty"`
	CPV            string    `json:"cpv,omitempty"`
	CPVAdditional  []string  `json:"cpv_additional,omitempty"`
	Place          Place     `json:"place"`
	EstimatedValue float64   `json:"estimated_value,omitempty"`
	Deadline       time.Time `json:"deadline,omitzero"`
	Winners        []Winner  `json:"winners,omitempty"`
}

// TenderRevision is one notice's contribution to a tender's history.
type TenderRevision struct {
	SourceID   string      `json:"source_id"`
	NoticeType string      `json:"notice_type,omitempty"`
	State      TenderState `json:"state"`
	At         time.Time   `json:"at"`
	Summary    string      `json:"summary,omitempty"` // French, what changed
}

// Open reports whether the tender still accepts offers at t: its status
// at t is StatusOpen.
func (t *Tender) Open(at time.Time) bool { return t.StatusAt(at) == StatusOpen }

// CPVCodes returns the main then additional CPV codes of the tender and of
// its lots, without duplicates.
func (t *Tender) CPVCodes() []string {
	seen := map[string]bool{}
	var out []string
	add := func(c string) {
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	add(t.CPV)
	for _, c := range t.CPVAdditional {
		add(c)
	}
	for _, l := range t.Lots {
		add(l.CPV)
		for _, c := range l.CPVAdditional {
			add(c)
		}
	}
	return out
}
