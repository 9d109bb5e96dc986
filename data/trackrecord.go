package data

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// TrackWin is one public contract a company won, as its track record
// keeps it.
type TrackWin struct {
	Key string    // the contract across platforms (ContractKey)
	CPV string    // the award's CPV code, 8 digits ("" when it had none valid)
	At  time.Time // notification date; zero when unknown
}

// TrackRecord is, per company (SIREN), the public contracts it won: the
// strongest evidence a buyer can check that it does work of a kind. It is
// learned from the awards of the store (imported DECP rows and award
// notices) when the directory opens and after award writes, never per
// request. The zero value and nil hold no award. Immutable once learned,
// so safe for concurrent use.
type TrackRecord struct {
	bySIREN map[string][]TrackWin // oldest first
	// byDiv lists, per CPV division, the companies that won awards of
	// it, most awards of the division first (then by SIREN).
	byDiv map[string][]string
	wins  int
}

// TrackCut says which awards a track record counts: what was known on a
// day, without one contract (the one being evaluated). The zero value
// counts every award.
type TrackCut struct {
	// Before, when set, keeps the awards notified strictly before it; an
	// award without a date is then not counted, since it cannot be shown
	// to be earlier.
	Before time.Time
	// Skip is a contract key (ContractKey) that never counts.
	Skip string
}

// Keeps reports whether the cut counts that award.
func (c TrackCut) Keeps(w TrackWin) bool {
	if c.Skip != "" && w.Key == c.Skip {
		return false
	}
	return c.Before.IsZero() || (!w.At.IsZero() && w.At.Before(c.Before))
}

// ContractKey identifies a contract across publishing platforms: the same
// contract published twice (by two platforms, under two IDs) has the same
// CPV code, notification day, amount and winners.
func ContractKey(a Award) string {
	sirets := make([]string, 0, len(a.Winners))
	for _, w := range a.Winners {
		sirets = append(sirets, w.SIRET)
	}
	sort.Strings(sirets)
	return strings.Join([]string{a.CPV, a.NotifiedAt.Format("2006-01-02"),
		strconv.FormatFloat(a.Amount, 'f', 2, 64), strings.Join(sirets, ",")}, "|")
}

// TrackLearner builds a TrackRecord award by award, so that a caller
// walking a million awards never holds them all.
type TrackLearner struct {
	t    *TrackRecord
	seen map[string]bool // SIREN and contract key
}

// NewTrackLearner returns a learner with no award.
func NewTrackLearner() *TrackLearner {
	return &TrackLearner{t: &TrackRecord{bySIREN: map[string][]TrackWin{}}, seen: map[string]bool{}}
}

// Add counts the award for the company of that SIREN (one of its
// winners). The same contract counts once per company however often it
// is added (read twice, or published by two platforms).
func (l *TrackLearner) Add(siren string, a Award) {
	if len(siren) != 9 || !AllDigits(siren) {
		return
	}
	w := TrackWin{Key: ContractKey(a), At: a.NotifiedAt}
	if c, err := NormalizeCPV(a.CPV); err == nil {
		w.CPV = c
	}
	if k := siren + "|" + w.Key; !l.seen[k] {
		l.seen[k] = true
		l.t.bySIREN[siren] = append(l.t.bySIREN[siren], w)
		l.t.wins++
	}
}

// Record returns the track record learned; the learner must not be used
// after.
func (l *TrackLearner) Record() *TrackRecord {
	t := l.t
	count := map[string]map[string]int{} // division → SIREN → awards
	for siren, wins := range t.bySIREN {
		sort.SliceStable(wins, func(i, j int) bool { return wins[i].At.Before(wins[j].At) })
		for _, w := range wins {
			div := CPVDivision(w.CPV)
			if div == "" {
				continue
			}
			if count[div] == nil {
				count[div] = map[string]int{}
			}
			count[div][siren]++
		}
	}
	t.byDiv = make(map[string][]string, len(count))
	for div, bySIREN := range count {
		list := make([]string, 0, len(bySIREN))
		for s := range bySIREN {
			list = append(list, s)
		}
		sort.Slice(list, func(i, j int) bool {
			a, b := bySIREN[list[i]], bySIREN[list[j]]
			if a != b {
				return a > b
			}
			return list[i] < list[j]
		})
		t.byDiv[div] = list
	}
	return t
}

// Wins returns the contracts the company won that the cut counts, oldest
// first; nil when none.
func (t *TrackRecord) Wins(siren string, cut TrackCut) []TrackWin {
	if t == nil {
		return nil
	}
	all := t.bySIREN[siren]
	var out []TrackWin
	for _, w := range all {
		if cut.Keeps(w) {
			out = append(out, w)
		}
	}
	return out
}

// WinnersOf returns up to limit companies (SIRENs) that won awards of the
// CPV division that the cut counts, those with most awards of the
// division first (counted over the whole record).
func (t *TrackRecord) WinnersOf(div string, cut TrackCut, limit int) []string {
	if t == nil {
		return nil
	}
	var out []string
	for _, siren := range t.byDiv[div] {
		if len(out) >= limit {
			break
		}
		for _, w := range t.bySIREN[siren] {
			if CPVDivision(w.CPV) == div && cut.Keeps(w) {
				out = append(out, siren)
				break
			}
		}
	}
	return out
}

// Companies is the number of companies with at least one award.
func (t *TrackRecord) Companies() int {
	if t == nil {
		return 0
	}
	return len(t.bySIREN)
}

// Awards is the number of (contract, company) pairs learned.
func (t *TrackRecord) Awards() int {
	if t == nil {
		return 0
	}
	return t.wins
}

// frenchMonths are the months as French writes them.
var frenchMonths = [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre"}

// TrackRecordText says in French how many comparable contracts a company
// won, and the month of the latest (last: "2024-09", or "" when unknown):
// « a déjà remporté 3 marchés de ce type (dernier : septembre 2024) ».
func TrackRecordText(count int, last string) string {
	s := "a déjà remporté " + strconv.Itoa(count) + " marchés de ce type"
	if count == 1 {
		s = "a déjà remporté un marché de ce type"
	}
	if t, err := time.Parse("2006-01", last); err == nil {
		s += " (dernier : " + frenchMonths[t.Month()-1] + " " + strconv.Itoa(t.Year()) + ")"
	}
	return s
}
