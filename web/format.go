package web

import "strconv"

// formatNumber writes n the French way, with a narrow no-break space
// between groups of three digits: 12345 → "12 345".
func formatNumber(n int) string {
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
