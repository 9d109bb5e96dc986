package data

import (
	"strings"
	"time"
)

// TenderStatus is where a tender stands at a given time, computed by
// Tender.StatusAt from its deadline, its awards and its cancellation. It
// is the one state shown and filtered on: unlike the stored State (the
// last notice's kind), it moves with time, and "open" never coexists with
// a passed deadline.
type TenderStatus string

const (
	// StatusOpen: offers are still accepted (deadline ahead, or none given).
	StatusOpen TenderStatus = "open"
	// StatusAnnounced: the buyer only announced the purchase (prior
	// information, market consultation; NoticeKindOf): no
	// call to answer yet.
	StatusAnnounced TenderStatus = "announced"
	// StatusClosed: the deadline has passed and no award is known yet.
	StatusClosed TenderStatus = "closed"
	// StatusAwarded: an award notice named the winners (of the tender, or
	// of every lot).
	StatusAwarded TenderStatus = "awarded"
	// StatusCancelled: a notice cancelled the procedure.
	StatusCancelled TenderStatus = "cancelled"
)

// TenderStatuses lists the statuses in the order pages show them.
func TenderStatuses() []TenderStatus {
	return []TenderStatus{StatusOpen, StatusAnnounced, StatusClosed, StatusAwarded, StatusCancelled}
}

// Label is the French word of a status.
func (s TenderStatus) Label() string {
	switch s {
	case StatusOpen:
		return "ouvert"
	case StatusAnnounced:
		return "pré-information"
	case StatusClosed:
		return "clôturé"
	case StatusAwarded:
		return "attribué"
	case StatusCancelled:
		return "annulé"
	}
	return string(s)
}

// Outcome is the part of the status that time does not change:
// StatusCancelled, StatusAwarded, StatusAnnounced while only prior
// information was published, or "" for a call to answer. The search index
// stores it and decides open or closed from the deadline at query time.
//
// A tender whose notices only report a contract (an award, a direct award
// to come, a modification: KindResult) is awarded even when the
// notice names no winner: nobody could answer it.
func (t *Tender) Outcome() TenderStatus {
	switch {
	case t.State == StateCancelled:
		return StatusCancelled
	case t.State == StateAwarded || len(t.Winners) > 0:
		return StatusAwarded
	case len(t.Lots) > 0 && allLotsAwarded(t.Lots):
		return StatusAwarded
	}
	call, prior, result := t.noticeKinds()
	switch {
	case call:
		return ""
	case result:
		return StatusAwarded
	case prior:
		return StatusAnnounced
	}
	return ""
}

func allLotsAwarded(lots []Lot) bool {
	for _, l := range lots {
		if len(l.Winners) == 0 {
			return false
		}
	}
	return true
}

// StatusAt is the tender's status at the given time: cancelled, awarded
// or announced when its notices said so (Outcome), else open until
// OpenUntil, closed from then on (open for good when neither a deadline nor a publication date
// is known).
func (t *Tender) StatusAt(at time.Time) TenderStatus {
	if o := t.Outcome(); o != "" {
		return o
	}
	if until := t.OpenUntil(); until.IsZero() || at.Before(until) {
		return StatusOpen
	}
	return StatusClosed
}

// PresumedOpenDays is how long a tender that publishes no deadline is
// presumed open after its publication. Measured on the 70 real BOAMP
// notices of the repository that give both dates (notices of 2026-03-15):
// deadlines fall a median 33 days after publication, 64 days at the 95th
// percentile, all but one (159 days) within 90. Without it, a notice
// without a deadline stayed « ouvert » for ever: three real « Avis de
// marché » of March 2026 were still offered to PMIs in December.
const PresumedOpenDays = 90

// OpenUntil is when the tender stops accepting offers: its deadline, else
// PresumedOpenDays after its publication (DeadlinePresumed), else zero
// (unknown: open).
func (t *Tender) OpenUntil() time.Time {
	if !t.Deadline.IsZero() {
		return t.Deadline
	}
	if t.PublishedAt.IsZero() {
		return time.Time{}
	}
	return t.PublishedAt.AddDate(0, 0, PresumedOpenDays)
}

// DeadlinePresumed reports whether OpenUntil is presumed from the
// publication date, the notice giving no deadline.
func (t *Tender) DeadlinePresumed() bool { return t.Deadline.IsZero() && !t.PublishedAt.IsZero() }

// Corrected reports whether a correction notice changed the tender.
func (t *Tender) Corrected() bool {
	if t.State == StateCorrected {
		return true
	}
	for _, r := range t.History {
		if r.State == StateCorrected {
			return true
		}
	}
	return false
}

// Procedure kinds, normalised from the sources' codes and labels
// (NormalizeProcedure).
const (
	ProcedureOpen       = "ouverte"                // appel d'offres ouvert
	ProcedureRestricted = "restreinte"             // appel d'offres restreint
	ProcedureAdapted    = "adaptee"                // MAPA
	ProcedureNegotiated = "negociee"               // with or without prior publication
	ProcedureDialogue   = "dialogue-competitif"    // dialogue compétitif
	ProcedureInnovation = "partenariat-innovation" // partenariat d'innovation
	ProcedureOther      = "autre"                  // anything else named
)

var procedureLabels = map[string]string{
	ProcedureOpen:       "appel d'offres ouvert",
	ProcedureRestricted: "appel d'offres restreint",
	ProcedureAdapted:    "procédure adaptée (MAPA)",
	ProcedureNegotiated: "procédure négociée",
	ProcedureDialogue:   "dialogue compétitif",
	ProcedureInnovation: "partenariat d'innovation",
	ProcedureOther:      "autre procédure",
}

// ProcedureLabel is the French name of a normalised procedure kind; ""
// for an unknown kind.
func ProcedureLabel(kind string) string { return procedureLabels[kind] }

// ProcedureKinds lists the normalised procedure kinds.
func ProcedureKinds() []string {
	return []string{ProcedureOpen, ProcedureRestricted, ProcedureAdapted, ProcedureNegotiated,
		ProcedureDialogue, ProcedureInnovation, ProcedureOther}
}

// NormalizeProcedure maps a source's procedure code or label (eForms
// "open", "neg-w-call"; BOAMP "Procédure adaptée", "PROCEDURE_ADAPTE";
// DECP "Appel d'offres ouvert") to one of the kinds above; "" when raw is
// empty.
func NormalizeProcedure(raw string) string {
	s := Fold(strings.TrimSpace(raw))
	if s == "" {
		return ""
	}
	s = strings.NewReplacer("_", " ", "-", " ").Replace(s)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(s, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("adapt", "mapa"):
		return ProcedureAdapted
	case has("dialog", "comp dial"):
		return ProcedureDialogue
	case has("innovation"):
		return ProcedureInnovation
	case has("negoci", "neg w", "neg wo"):
		return ProcedureNegotiated
	case has("restrein", "restrict"):
		return ProcedureRestricted
	case s == "open" || has("ouvert"):
		return ProcedureOpen
	}
	return ProcedureOther
}

// Label is the French word of a contract's nature: travaux, fournitures,
// services; "" when unknown.
func (n Nature) Label() string {
	switch n {
	case NatureWorks:
		return "travaux"
	case NatureSupplies:
		return "fournitures"
	case NatureServices:
		return "services"
	}
	return ""
}

// Label is the French name of the kind of notice a state stands for, as a
// tender's history and the import report show it: avis de marché,
// rectificatif, annulation, avis d'attribution. Where the tender stands
// today is its TenderStatus (StatusAt), not this.
func (s TenderState) Label() string {
	switch s {
	case StateOpen:
		return "avis de marché"
	case StateCorrected:
		return "rectificatif"
	case StateCancelled:
		return "annulation"
	case StateAwarded:
		return "avis d'attribution"
	}
	return string(s)
}

// SourceNeed is the source of the needs buyers describe on Fabrique: they
// are stored as tenders to be ranked like them, but are no public notices
// and are never listed or matched as such.
const SourceNeed = "besoin"
