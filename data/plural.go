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
