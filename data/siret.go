package data

import "strings"

// laPosteSIREN is La Poste's SIREN: its thousands of establishments outgrew
// the Luhn key, so INSEE checks their SIRET with a digit sum modulo 5. The
// head office, numbered before, keeps its Luhn key (its digit sum is 26).
const (
	laPosteSIREN      = "356000000"
	laPosteHeadOffice = "35600000000048"
)

// ValidSIREN checks a 9-digit SIREN with the Luhn algorithm.
func ValidSIREN(s string) error {
	if len(s) != 9 || !AllDigits(s) {
		return invalid("SIREN", s, "un SIREN compte 9 chiffres")
	}
	if !luhn(s) {
		return invalid("SIREN", s, "clé de contrôle (Luhn) incorrecte")
	}
	return nil
}

// ValidSIRET checks a 14-digit SIRET: its SIREN part and the Luhn key of
// the whole number, or the digit-sum-modulo-5 rule for La Poste's
// establishments other than its head office.
func ValidSIRET(s string) error {
	if len(s) != 14 || !AllDigits(s) {
		return invalid("SIRET", s, "un SIRET compte 14 chiffres")
	}
	if s[:9] == laPosteSIREN && s != laPosteHeadOffice {
		sum := 0
		for _, c := range s {
			sum += int(c - '0')
		}
		if sum%5 != 0 {
			return invalid("SIRET", s, "clé de contrôle (règle La Poste, somme modulo 5) incorrecte")
		}
		return nil
	}
	if !luhn(s[:9]) {
		return invalid("SIRET", s, "le SIREN "+s[:9]+" a une clé de contrôle (Luhn) incorrecte")
	}
	if !luhn(s) {
		return invalid("SIRET", s, "clé de contrôle (Luhn) incorrecte")
	}
	return nil
}

// CleanDigits removes the spaces, dots and dashes people put in numbers.
func CleanDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case ' ', '\u00a0', '\u202f', '.', '-', '\t':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// RepairSIRET cleans a SIRET as found in the wild and restores the leading
// zeros that spreadsheets drop (a 12- or 13-digit number is left-padded to
// 14). It returns the cleaned value, whether zeros were restored, and an
// error when the result is still invalid; the cleaned value is returned in
// every case so that the defect can be kept and shown.
func RepairSIRET(raw string) (siret string, repaired bool, err error) {
	s := CleanDigits(strings.TrimSpace(raw))
	if s == "" {
		return "", false, invalid("SIRET", raw, "SIRET absent")
	}
	if !AllDigits(s) {
		return s, false, invalid("SIRET", raw, "un SIRET ne contient que des chiffres")
	}
	if len(s) == 12 || len(s) == 13 {
		s = strings.Repeat("0", 14-len(s)) + s
		repaired = true
	}
	if err := ValidSIRET(s); err != nil {
		if repaired {
			return s, true, invalid("SIRET", raw, "invalide même après restauration des zéros de tête ("+s+") : clé de contrôle incorrecte")
		}
		return s, false, err
	}
	return s, repaired, nil
}

// SIRENOf returns the SIREN part of a SIRET (its first 9 digits).
func SIRENOf(siret string) string {
	if len(siret) < 9 {
		return ""
	}
	return siret[:9]
}

func luhn(s string) bool {
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// AllDigits reports whether s is a non-empty run of ASCII digits.
func AllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
