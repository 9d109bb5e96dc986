package data

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// TrackWin is one public contract a company won, as its track record
// keeps it.
type TrackWin struct {
	Contract ContractID // the contract, however often published
	CPV      string     // the award's CPV code, 8 digits ("" when it had none valid)
	At       time.Time  // notification date (the earliest of its publications); zero when unknown
	// Amount is the company's share of the contract, euros excl. VAT:
	// its own amount when the award gives one, else the award's amount
	// split evenly between its winners; 0 when unknown.
	Amount float64
	// Buyer is the SIREN of the buyer who awarded it ("" when unknown).
	Buyer string
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
	// Skip is a contract that never counts (ContractIDOf the evaluated
	// award), under any of its publications.
	Skip ContractID
}

// Keeps reports whether the cut counts that award.
func (c TrackCut) Keeps(w TrackWin) bool {
	if c.Skip.Same(w.Contract) {
		return false
	}
	return c.Before.IsZero() || (!w.At.IsZero() && w.At.Before(c.Before))
}

// ContractID identifies a contract however often it was published: by
// two platforms on the same day (its ContractKey); by the same buyer
// again, with another notification date, for a modification (the same
// buyer, CPV code, amount and winners); or under the same DECP uid with
// the same winners, whatever amount and date a modification gives (an
// amendment usually changes the amount). Two IDs are the same contract
// when any part is equal (Same); a zero part is unknown.
type ContractID [3]uint64

// ContractIDOf returns the award's contract ID. The cross-platform part
// needs a notification date and a winner's SIRET, and the buyer's part
// the buyer's SIRET, an amount and a winner's SIRET: without them, two
// contracts would look alike — across the whole store (the observatory
// folds every award, not one company's), the 22 BOAMP results of one day
// without a winner's SIRET and amount all had the same ContractKey.
func ContractIDOf(a Award) ContractID {
	var id ContractID
	winners := winnerSIRETs(a)
	identified := slices.ContainsFunc(a.Winners, func(w Winner) bool { return CleanDigits(w.SIRET) != "" })
	if identified && !a.NotifiedAt.IsZero() {
		id[0] = hashKey(ContractKey(a))
	}
	if buyer := CleanDigits(a.Buyer.SIRET); buyer != "" && a.Amount > 0 && identified {
		id[1] = hashKey(strings.Join([]string{buyer, a.CPV, strconv.FormatFloat(a.Amount, 'f', 2, 64), winners}, "|"))
	}
	if uid := strings.TrimSpace(a.UID); uid != "" {
		id[2] = hashKey("uid|" + uid + "|" + winners)
	}
	return id
}

// winnerSIRETs is the award's winners' SIRETs, sorted and joined.
func winnerSIRETs(a Award) string {
	sirets := make([]string, 0, len(a.Winners))
	for _, w := range a.Winners {
		sirets = append(sirets, w.SIRET)
	}
	sort.Strings(sirets)
	return strings.Join(sirets, ",")
}

// Same reports whether the two IDs are the same contract.
func (c ContractID) Same(o ContractID) bool {
	for i := range c {
		if c[i] != 0 && c[i] == o[i] {
			return true
		}
	}
	return false
}

// hashKey is FNV-1a, 64 bits, never 0 (0 is unknown).
func hashKey(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	if h == 0 {
		h = 1
	}
	return h
}

// ContractKey identifies a contract across publishing platforms: the same
// contract published twice (by two platforms, under two IDs) has the same
// CPV code, notification day, amount and winners.
func ContractKey(a Award) string {
	return strings.Join([]string{a.CPV, a.NotifiedAt.Format("2006-01-02"),
		strconv.FormatFloat(a.Amount, 'f', 2, 64), winnerSIRETs(a)}, "|")
}

// TrackLearner builds a TrackRecord award by award, so that a caller
// walking a million awards never holds them all.
type TrackLearner struct {
	t    *TrackRecord
	seen map[trackSeen]int // a company's contract (either part of its ID) → index of its win
}

type trackSeen struct {
	siren string
	part  uint64
}

// NewTrackLearner returns a learner with no award.
func NewTrackLearner() *TrackLearner {
	return &TrackLearner{t: &TrackRecord{bySIREN: map[string][]TrackWin{}}, seen: map[trackSeen]int{}}
}

// Add counts the award for the company of that SIREN (one of its
// winners). The same contract (ContractID) counts once per company
// however often it is added (read twice, published by two platforms, or
// again for a modification), dated by its earliest publication.
func (l *TrackLearner) Add(siren string, a Award) {
	if len(siren) != 9 || !AllDigits(siren) {
		return
	}
	w := TrackWin{Contract: ContractIDOf(a), At: a.NotifiedAt, Amount: ShareOf(siren, a), Buyer: SIRENOf(a.Buyer.SIRET)}
	if c, err := NormalizeCPV(a.CPV); err == nil {
		w.CPV = c
	}
	for _, part := range w.Contract {
		if i, ok := l.seen[trackSeen{siren, part}]; ok && part != 0 {
			old := &l.t.bySIREN[siren][i]
			if !w.At.IsZero() && (old.At.IsZero() || w.At.Before(old.At)) {
				old.At = w.At
			}
			if old.Amount == 0 {
				old.Amount = w.Amount
			}
			return
		}
	}
	wins := l.t.bySIREN[siren]
	for _, part := range w.Contract {
		if part != 0 {
			l.seen[trackSeen{siren, part}] = len(wins)
		}
	}
	l.t.bySIREN[siren] = append(wins, w)
	l.t.wins++
}

// ShareOf is the company's share of the award: the amount of its own
// winner entry when given, else the award's amount split evenly between
// its winners (a joint bid); 0 when unknown.
func ShareOf(siren string, a Award) float64 {
	for _, w := range a.Winners {
		if SIRENOf(w.SIRET) == siren && w.Amount > 0 {
			return w.Amount
		}
	}
	if a.Amount <= 0 || len(a.Winners) == 0 {
		return 0
	}
	return a.Amount / float64(len(a.Winners))
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
func TrackRecordText(count, buyerAwards int, last string) string {
	s := "a déjà remporté " + strconv.Itoa(count) + " marchés de ce type"
	if count == 1 {
		s = "a déjà remporté un marché de ce type"
	}
	var notes []string
	switch {
	case buyerAwards == 1 && count == 1:
		notes = append(notes, "attribué par cet acheteur")
	case buyerAwards == 1:
		notes = append(notes, "dont un attribué par cet acheteur")
	case buyerAwards > 1 && buyerAwards == count:
		notes = append(notes, "tous attribués par cet acheteur")
	case buyerAwards > 1:
		notes = append(notes, "dont "+strconv.Itoa(buyerAwards)+" attribués par cet acheteur")
	}
	if t, err := time.Parse("2006-01", last); err == nil {
		notes = append(notes, "dernier : "+FrenchMonthYear(t))
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, " ; ") + ")"
	}
	return s
}

// FrenchMonthYear writes a date's month the French way: « septembre 2024 ».
func FrenchMonthYear(t time.Time) string {
	return frenchMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}
