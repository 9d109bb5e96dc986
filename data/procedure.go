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

// UniqueProcedureID reports whether a procedure id is meant to be unique
// whoever the buyer: an eForms UUID or an OCDS ocid ("ocds-" and the
// publisher's registered prefix). Such an id is kept as it is, not scoped
// by the buyer, so that the notices of a joint procurement that name
// another buyer first still meet under it. It is not trusted alone: the
// buyer or the eSender chooses a ContractFolderID, and copies reuse one
// (the eForms SDK's own examples give one UUID to a British ministry's
// military dogs and to a French agency's engineering assistance), so the
// store folds two notices under it only when they share a buyer
// (ShareBuyer) and their objects agree (ObjectsDiffer).
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

// Buyers returns the tender's buyer then its joint buyers.
func (t *Tender) Buyers() []Buyer {
	return append([]Buyer{t.Buyer}, t.JointBuyers...)
}

// ShareBuyer reports whether two notices (or a notice and the tender of
// a procedure) have a buyer in common, lead or joint (SameBuyer): the
// notices of a joint procurement may name any of its buyers first.
func ShareBuyer(a, b Tender) bool {
	for _, x := range a.Buyers() {
		for _, y := range b.Buyers() {
			if SameBuyer(x, y) {
				return true
			}
		}
	}
	return false
}

// ObjectsDiffer reports whether two notices announce plainly different
// purchases: both declare CPV codes (main or additional, of the procedure
// or of its lots) and no CPV division is common to them, like dog
// training (80) and engineering assistance (71). A notice without
// declared codes contradicts nothing: inferred codes are guesses.
func ObjectsDiffer(a, b Tender) bool {
	divisions := map[string]bool{}
	for _, c := range a.CPVCodes() {
		if d := CPVDivision(c); d != "" {
			divisions[d] = true
		}
	}
	if len(divisions) == 0 {
		return false
	}
	declared := false
	for _, c := range b.CPVCodes() {
		d := CPVDivision(c)
		if divisions[d] {
			return false
		}
		declared = declared || d != ""
	}
	return declared
}
