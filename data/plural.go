package data

import "strconv"

// PluralFR is the form of a word for a count, the French way: the
// singular for 0 and 1 (« 0 avis rejeté », « 1 fichier »), the plural
// from 2.
func PluralFR(n int, one, many string) string {
	if n <= 1 {
		return one
	}
	return many
}

// CountFR writes a count in plain digits with its word: « 2 fichiers lus ».
func CountFR(n int, one, many string) string {
	return strconv.Itoa(n) + " " + PluralFR(n, one, many)
}

// IntFR writes n the French way, with a narrow no-break space between
// groups of three digits: 12345 → « 12 345 ».
func IntFR(n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	const sep = "\u202f"
	out := make([]byte, 0, len(s)+len(s)/3*len(sep))
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, sep...)
		}
		out = append(out, s[i])
	}
	return sign + string(out)
}
