package data

import (
	"strings"
	"time"
)

// NoticeKind is what a notice does for a supplier: invite offers, announce
// a purchase to come, or report a contract already decided. It is read
// from the notice's type (Tender.NoticeType, TenderRevision.NoticeType) by
// NoticeKindOf.
type NoticeKind string

const (
	// KindCall invites offers or applications: an eForms « competition »
	// notice (cn-*, pin-cfc-*, qu-sy, subco), a BOAMP « Avis de marché », an
	// OCDS tender release.
	KindCall NoticeKind = "call"
	// KindPriorInformation announces a purchase to come or sounds the market
	// (eForms « planning » and « consultation » notices: pin-only,
	// pin-buyer, pin-rtl, pin-tran, pmc; BOAMP « pré-information »; OCDS
	// planning releases): nobody can answer it yet.
	KindPriorInformation NoticeKind = "prior_information"
	// KindResult reports a contract decided without a call to answer: an
	// award, a direct award to come (eForms veat), a modification or the
	// completion of a contract.
	KindResult NoticeKind = "result"
	// KindOther is a change or cancellation of another notice, or a type
	// Fabrique does not know: it says nothing of the procedure's kind.
	KindOther NoticeKind = ""
)

// eformsKinds maps eForms notice subtypes (cbc:NoticeTypeCode) to their
// kind, following the code list's form types (planning, consultation,
// competition, dir-awa-pre, result, cont-modif, completion).
var eformsKinds = map[string]NoticeKind{
	"pin-only": KindPriorInformation, "pin-buyer": KindPriorInformation, "pin-rtl": KindPriorInformation,
	"pin-tran": KindPriorInformation, "pmc": KindPriorInformation,
	"cn-standard": KindCall, "cn-social": KindCall, "cn-desg": KindCall, "pin-cfc-standard": KindCall,
	"pin-cfc-social": KindCall, "qu-sy": KindCall, "subco": KindCall,
	"veat": KindResult, "can-standard": KindResult, "can-social": KindResult, "can-desg": KindResult,
	"can-tran": KindResult, "can-modif": KindResult, "compl": KindResult,
}

// NoticeKindOf reads a notice type as the importers write it: an eForms
// subtype (« pin-only », « change:cn-standard » for a change notice, which
// is KindOther), BOAMP's XML type (« FNS/APPEL_OFFRE/STANDARD ») or flat
// label (« Avis de marché », « Avis de pré-information »), or OCDS release
// tags joined by commas (« planning », « tender,award »).
func NoticeKindOf(noticeType string) NoticeKind {
	nt := strings.TrimSpace(noticeType)
	if nt == "" || strings.HasPrefix(nt, "change:") {
		return KindOther
	}
	if k, ok := eformsKinds[nt]; ok {
		return k
	}
	// Every tender's status reads its notices' kinds: lower-casing is
	// enough (the words are matched on their unaccented parts), folding
	// accents cost a microsecond per notice.
	f := strings.ToLower(nt)
	if k, ok := eformsKinds[f]; ok {
		return k
	}
	switch {
	case strings.Contains(f, "rectif"), strings.Contains(f, "annul"):
		return KindOther
	case strings.Contains(f, "information"): // pré-information, PRE_INFORMATION, préinformation
		return KindPriorInformation
	case strings.Contains(f, "appel_offre"), strings.Contains(f, "avis de march"):
		return KindCall
	case strings.Contains(f, "attribution"), strings.Contains(f, "résultat"), strings.Contains(f, "resultat"),
		strings.Contains(f, "intention de conclure"):
		return KindResult
	}
	return ocdsKind(f)
}

// ocdsKind reads OCDS release tags: a tender release is a call, award and
// contract releases are results, planning releases alone announce.
func ocdsKind(tags string) NoticeKind {
	kind := KindOther
	for tag := range strings.SplitSeq(tags, ",") {
		switch strings.TrimSpace(tag) {
		case "tender", "tenderamendment", "tenderupdate":
			return KindCall
		case "award", "awardupdate", "contract", "contractupdate", "implementation", "implementationupdate":
			kind = KindResult
		case "planning", "planningupdate":
			if kind == KindOther {
				kind = KindPriorInformation
			}
		}
	}
	return kind
}

// noticeKinds reports which kinds the tender's notices (its history, or
// its own type when it has none) are of.
func (t *Tender) noticeKinds() (call, prior, result bool) {
	note := func(nt string) {
		switch NoticeKindOf(nt) {
		case KindCall:
			call = true
		case KindPriorInformation:
			prior = true
		case KindResult:
			result = true
		}
	}
	if len(t.History) == 0 {
		note(t.NoticeType)
	}
	for _, r := range t.History {
		note(r.NoticeType)
	}
	return call, prior, result
}

// CalledFor reports whether the tender's notices called for offers: not
// only notices of a contract decided without a call (a direct award, a
// modification: KindResult), which were never an appel d'offres anyone
// could answer. Notices of no known kind count as a call, as Outcome
// reads them.
func (t *Tender) CalledFor() bool {
	call, _, result := t.noticeKinds()
	return call || !result
}

// PriorInformationMonths is how long a prior-information notice announces
// its purchase: such a notice covers at most the twelve months after its
// publication (directive 2014/24/EU, art. 48). An older one that no call
// followed says nothing of today's purchases.
const PriorInformationMonths = 12

// AnnouncedAt reports whether the tender is, at the given time, a purchase
// announced by prior information that may still be called for: its
// status is StatusAnnounced and it was published less than
// PriorInformationMonths ago (or its publication date is unknown).
func (t *Tender) AnnouncedAt(at time.Time) bool {
	if t.StatusAt(at) != StatusAnnounced {
		return false
	}
	return t.PublishedAt.IsZero() || at.Before(t.PublishedAt.AddDate(0, PriorInformationMonths, 0))
}
