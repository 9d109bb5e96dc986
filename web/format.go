package web

import (
	"time"

	"fabrique/data"
)

// formatNumber writes n the French way, with a narrow no-break space
// between groups of three digits: 12345 → "12 345".
func formatNumber(n int) string { return data.IntFR(n) }

// parisDate writes the day of an instant as it is in Paris: a membership
// started at 23:30 UTC on 7 December began on 8 December for its holder,
// whose other dates (sessions, account) read the Paris day.
func parisDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return frenchDate(t.In(paris()))
}
