package data

import (
	"sort"
	"strings"
)

// WonAward is one award as evidence of a trade's reach: a CPV code won by
// a company whose NAF code is known (a company of the directory).
type WonAward struct {
	AwardID string
	CPV     string // 8 digits
	SIREN   string // the winner
	NAF     string // the winner's NAF code, "31.09B"
}

// CPVNAFLink is a learned link between a CPV division (what buyers buy)
// and a NAF code (what companies do): how many awards of the division
// companies of that code won, and how many distinct companies won them.
type CPVNAFLink struct {
	CPVDivision string `json:"cpv_division"` // "45"
	NAF         string `json:"naf"`          // "31.09B"
	Awards      int    `json:"awards"`
	Winners     int    `json:"winners"`
}

// CPVNAFLinks are the links between CPV divisions and NAF codes learned
// from awards won by known companies, beside the curated table of
// divisions (FitOf), which stays the prior. The curated table says which
// trades should win which works; the learned links say which trades did,
// at the finer grain of the NAF code (a furniture restorer of 31.09B wins
// works on listed buildings, a maker of office furniture of 31.01Z does
// not). The zero value and nil hold no link. Immutable once learned, so
// safe for concurrent use.
type CPVNAFLinks struct {
	byDiv  map[string]map[string]CPVNAFLink // CPV division → NAF code → link
	awards int
}

// LearnCPVNAFLinks counts, for each CPV division and NAF code, the awards
// won and the distinct winners (see CPVNAFLearner).
func LearnCPVNAFLinks(won []WonAward) *CPVNAFLinks {
	b := NewCPVNAFLearner()
	for _, w := range won {
		b.Add(w)
	}
	return b.Links()
}

// CPVNAFLearner learns CPVNAFLinks award by award, so that a caller
// walking a million awards never holds them all.
type CPVNAFLearner struct {
	l       *CPVNAFLinks
	seen    map[string]bool // award and winner
	winners map[string]bool // division, NAF code and winner
}

// NewCPVNAFLearner returns a learner with no link.
func NewCPVNAFLearner() *CPVNAFLearner {
	return &CPVNAFLearner{l: &CPVNAFLinks{byDiv: map[string]map[string]CPVNAFLink{}},
		seen: map[string]bool{}, winners: map[string]bool{}}
}

// Add counts one award won. An award counts once per winner (the same
// award read twice, or published by two platforms under the same ID,
// counts once); awards without a valid CPV code or NAF code are skipped.
func (b *CPVNAFLearner) Add(w WonAward) {
	div, naf := CPVDivision(w.CPV), strings.TrimSpace(w.NAF)
	if div == "" || NAFDivision(naf) == "" || w.SIREN == "" {
		return
	}
	key := w.AwardID + "|" + w.SIREN
	if w.AwardID == "" {
		key = w.CPV + "|" + w.SIREN + "|" + naf // no ID: one award per code and winner
	}
	if b.seen[key] {
		return
	}
	b.seen[key] = true
	l := b.l
	l.awards++
	m := l.byDiv[div]
	if m == nil {
		m = map[string]CPVNAFLink{}
		l.byDiv[div] = m
	}
	link := m[naf]
	link.CPVDivision, link.NAF = div, naf
	link.Awards++
	if wk := div + "|" + naf + "|" + w.SIREN; !b.winners[wk] {
		b.winners[wk] = true
		link.Winners++
	}
	m[naf] = link
}

// Links returns the links learned so far; the learner must not be used
// after.
func (b *CPVNAFLearner) Links() *CPVNAFLinks { return b.l }

// Awards is the number of (award, winner) pairs the links were learned
// from.
func (l *CPVNAFLinks) Awards() int {
	if l == nil {
		return 0
	}
	return l.awards
}

// Link returns the learned link between the division of a CPV code and a
// NAF code, if companies of that code won awards of that division.
func (l *CPVNAFLinks) Link(cpv, naf string) (CPVNAFLink, bool) {
	if l == nil {
		return CPVNAFLink{}, false
	}
	link, ok := l.byDiv[CPVDivision(cpv)][strings.TrimSpace(naf)]
	return link, ok
}

// ForDivision returns the learned links of a CPV division ("45"), most
// winners first, then most awards, then by NAF code.
func (l *CPVNAFLinks) ForDivision(div string) []CPVNAFLink {
	if l == nil {
		return nil
	}
	out := make([]CPVNAFLink, 0, len(l.byDiv[div]))
	for _, link := range l.byDiv[div] {
		out = append(out, link)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Winners != b.Winners {
			return a.Winners > b.Winners
		}
		if a.Awards != b.Awards {
			return a.Awards > b.Awards
		}
		return a.NAF < b.NAF
	})
	return out
}

// All returns every learned link, by CPV division then as ForDivision.
func (l *CPVNAFLinks) All() []CPVNAFLink {
	if l == nil {
		return nil
	}
	divs := make([]string, 0, len(l.byDiv))
	for d := range l.byDiv {
		divs = append(divs, d)
	}
	sort.Strings(divs)
	var out []CPVNAFLink
	for _, d := range divs {
		out = append(out, l.ForDivision(d)...)
	}
	return out
}
