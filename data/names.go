package data

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold lowercases s and removes accents ("Décolletage" → "decolletage"),
// turning ligatures into letters ("Œuvre" → "oeuvre"). Other characters
// are kept.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	// Invalid bytes become U+FFFD first: norm leaves the character after
	// one undecomposed, and its accent would survive.
	for _, r := range norm.NFD.String(strings.ToValidUTF8(s, "\uFFFD")) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
		case r == 'ß' || r == 'ẞ':
			b.WriteString("ss")
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Words splits folded text into words of letters and digits.
func Words(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// legalForms are the legal-form words that say nothing about which company
// it is ("SARL Dupont" and "Dupont SAS" are the same name).
var legalForms = map[string]bool{
	"sa": true, "sas": true, "sasu": true, "sarl": true, "eurl": true, "sci": true, "snc": true,
	"scop": true, "scic": true, "sca": true, "scs": true, "gie": true, "ei": true, "eirl": true,
	"selarl": true, "sem": true, "spl": true, "scea": true, "earl": true, "gaec": true,
	"societe": true, "ste": true, "ets": true, "etablissements": true, "etablissement": true,
	"entreprise": true, "cie": true, "compagnie": true, "et": true, "fils": true,
	"anonyme": true, "simplifiee": true, "responsabilite": true, "limitee": true, "par": true,
	"actions": true, "a": true, "de": true, "la": true, "le": true, "les": true, "des": true,
	"du": true, "l": true, "d": true, "groupe": true,
}

// NormalizeName reduces a company name to a matching key: folded case and
// accents, punctuation removed, legal forms and filler words dropped
// ("Ateliers Dupont & Fils S.A.R.L." → "ateliers dupont"). Words of legal
// forms written with dots ("S.A.R.L.") are joined first.
func NormalizeName(s string) string {
	s = joinDottedAcronyms(s)
	var kept []string
	for _, w := range Words(s) {
		if !legalForms[w] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 { // the name was only filler words: keep them all
		kept = Words(s)
	}
	return strings.Join(kept, " ")
}

// joinDottedAcronyms turns "S.A.R.L." into "SARL" so that it is recognised.
func joinDottedAcronyms(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '.' && i > 0 && unicode.IsLetter(rs[i-1]) && i+1 < len(rs) && unicode.IsLetter(rs[i+1]) &&
			(i < 2 || !unicode.IsLetter(rs[i-2])) {
			continue
		}
		b.WriteRune(rs[i])
	}
	return b.String()
}

// SupplierKey returns the store key of a company: its SIREN when valid,
// otherwise "x" followed by 16 hex digits of a hash of its normalised name
// and postcode, stable across crawls.
func SupplierKey(siren, name, postcode string) string {
	if ValidSIREN(siren) == nil {
		return siren
	}
	sum := sha256.Sum256([]byte(NormalizeName(name) + "|" + strings.TrimSpace(postcode)))
	return "x" + hex.EncodeToString(sum[:8])
}
