package main

import "strconv"

// plural writes a count with its words, the French way: the singular for
// 0 and 1 (« 0 avis rejeté », « 1 fichier lu », « 2 fichiers lus »). The
// count stays in plain digits, as the rest of the commands' output.
func plural(n int, one, many string) string {
	if n <= 1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}
