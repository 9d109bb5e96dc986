package index

import (
	"strings"
	"sync"

	"fabrique/data"
	"fabrique/index/match"
)

// epvUnivers are the eight "univers" of the EPV directory (see
// match.EPVUnivers).
var epvUnivers = match.EPVUnivers

// epvUniversByKey maps the folded words of each EPV univers to its
// display form; built once, never modified.
var epvUniversByKey = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, len(epvUnivers))
	for _, u := range epvUnivers {
		m[universKey(u)] = u
	}
	return m
})

func universKey(s string) string { return strings.Join(data.Words(s), " ") }

// canonicalUnivers returns the display form of a univers: the EPV spelling
// when it is one of the eight (whatever its case and accents), otherwise
// the value in sentence case.
func canonicalUnivers(s string) string {
	if u, ok := epvUniversByKey()[universKey(s)]; ok {
		return u
	}
	return sentenceCase(s)
}

// isEPVUnivers reports whether s names one of the eight EPV univers.
func isEPVUnivers(s string) bool {
	_, ok := epvUniversByKey()[universKey(s)]
	return ok
}
