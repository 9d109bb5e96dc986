package match

import (
	"sort"
	"time"

	"fabrique/data"
)

// ValidLabels returns one reason per label type the supplier holds validly
// on day at, with the latest end of validity among its labels of that type.
func ValidLabels(labels []data.Label, at time.Time) []data.Reason {
	var out []data.Reason
	index := map[data.LabelType]int{}
	for _, l := range labels {
		if !l.ValidOn(at) {
			continue
		}
		i, ok := index[l.Type]
		if !ok {
			index[l.Type] = len(out)
			out = append(out, data.Reason{Kind: data.ReasonLabel, Label: l.Type, ValidUntil: l.ExpiresAt})
			continue
		}
		// An open-ended label (no end date) outlasts any dated one.
		if out[i].ValidUntil.IsZero() || l.ExpiresAt.IsZero() {
			out[i].ValidUntil = time.Time{}
		} else if l.ExpiresAt.After(out[i].ValidUntil) {
			out[i].ValidUntil = l.ExpiresAt
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// countValidLabels is the number of label types held validly on day at.
func countValidLabels(labels []data.Label, at time.Time) int {
	var seen [4]data.LabelType
	n := 0
	for _, l := range labels {
		if !l.ValidOn(at) {
			continue
		}
		dup := false
		for _, t := range seen[:min(n, len(seen))] {
			dup = dup || t == l.Type
		}
		if !dup {
			if n < len(seen) {
				seen[n] = l.Type
			}
			n++
		}
	}
	return n
}
