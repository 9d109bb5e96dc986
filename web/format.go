package web

import "fabrique/data"

// formatNumber writes n the French way, with a narrow no-break space
// between groups of three digits: 12345 → "12 345".
func formatNumber(n int) string { return data.IntFR(n) }
