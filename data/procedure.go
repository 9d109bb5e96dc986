package data

import (
	"regexp"
	"strings"
)

// BuyerProcedureID turns a reference the buyer chose for its contract
// (BOAMP's REF_MARCHE: free text, "2016V12019350", "MAPA 2026-03") into a
// procedure identifier that no other buyer can share, so that the store
// never folds two buyers' notices into one tender: the reference is
// prefixed by the buyer's SIRET when it is valid ("siret:21750001600019/…"),
// else by its normalised name ("acheteur:ville paris/…", NormalizeName).
//
// It returns "" when ref is empty, or when the buyer is unknown (neither
// SIRET nor name): a reference without its buyer identifies nothing.
// Identifiers that are unique by construction (an eForms procedure UUID,
// an OCDS ocid) are used as they are, never through this function.
func BuyerProcedureID(b Buyer, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	if siret := CleanDigits(b.SIRET); ValidSIRET(siret) == nil {
		return "siret:" + siret + "/" + ref
	}
	if name := NormalizeName(b.Name); name != "" {
		return "acheteur:" + name + "/" + ref
	}
	return ""
}

// uuidPattern is the shape of an eForms procedure identifier
// (ContractFolderID, BT-04).
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$`)

// UniqueProcedureID reports whether a procedure id is unique by
// construction, whoever the buyer: an eForms UUID or an OCDS ocid
// ("ocds-" and the publisher's registered prefix). Notices sharing such an
// id belong to one procedure even when they name the buyer differently
// (another language, another of several joint buyers first).
func UniqueProcedureID(id string) bool {
	return uuidPattern.MatchString(id) || strings.HasPrefix(id, "ocds-")
}

// SameBuyer reports whether two notices may come from the same buyer: the
// same SIREN when both give a valid SIRET (two establishments of one legal
// person may publish for the same procedure), else the same normalised
// name when both give one. Buyers with nothing to compare (a side without
// SIRET nor name, or a SIRET on one side and only a name on the other)
// prove nothing and are taken as the same.
func SameBuyer(a, b Buyer) bool {
	sa, sb := CleanDigits(a.SIRET), CleanDigits(b.SIRET)
	if ValidSIRET(sa) == nil && ValidSIRET(sb) == nil {
		return SIRENOf(sa) == SIRENOf(sb)
	}
	na, nb := NormalizeName(a.Name), NormalizeName(b.Name)
	if na == "" || nb == "" {
		return true
	}
	return na == nb
}
