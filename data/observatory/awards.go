package observatory

import (
	"sort"
	"strconv"
	"time"

	"fabrique/data"
)

// AwardShare is the part of public contracts won by labelled companies.
type AwardShare struct {
	// From and To are the first and last notification dates of the awards
	// counted (the period covered); zero when none is dated.
	From time.Time `json:"from,omitzero"`
	To   time.Time `json:"to,omitzero"`
	// Label is the label counted ("" for any).
	Label data.LabelType `json:"label,omitempty"`

	All      Tally `json:"all"`
	Labelled Tally `json:"labelled"` // a winner held the label on the notification day
	Listed   Tally `json:"listed"`   // a winner is listed in the directory, labelled or not
	// Unidentified awards name no winner with a well-formed SIRET or SIREN:
	// nobody can tell whether a labelled company won them.
	Unidentified Tally `json:"unidentified"`
	Undated      int   `json:"undated"` // awards without a notification date (kept only when no period is asked)
	// Duplicates counts the records left out as the same contract as
	// another record counted (data.ContractIDOf: published by two
	// platforms, or again by its buyer for a modification). A contract
	// counts once, with its latest publication's amount, on the day it
	// was first notified.
	Duplicates int `json:"duplicates"`
	// ShareCount and ShareAmount are Labelled / All; ShareIdentified is
	// Labelled / (All − Unidentified), by count.
	ShareCount      float64 `json:"share_count"`
	ShareAmount     float64 `json:"share_amount"`
	ShareIdentified float64 `json:"share_identified"`

	ByRegion      []AwardRow `json:"by_region"`
	ByCPVDivision []AwardRow `json:"by_cpv_division"`
	ByBuyerType   []AwardRow `json:"by_buyer_type"`
	// ByYear has a row per year of notification from the first to the
	// last, those without any award included (the DECP shipped cover
	// 2018-2019 and the second half of 2024: the gap must show), then
	// the undated awards (code "").
	ByYear []AwardRow `json:"by_year"`
	// BySource says what each source of the contracts counted covers: how
	// many, notified when, in which CPV divisions. The shipped seed holds
	// the DECP of 2019 of four platforms, all sectors, and a 2024 extract
	// of works (CPV 4521*) alone, which alone names labelled winners: a
	// share reads against that denominator. Most contracts first.
	BySource []SourceScope `json:"by_source"`
}

// SourceScope is what the contracts counted from one source cover (a
// contract published by several, under the source of the publication
// counted for it, its latest).
type SourceScope struct {
	Source   string `json:"source"` // data.Award.Source: "decp-aife", "boamp"…
	All      Tally  `json:"all"`
	Labelled Tally  `json:"labelled"`
	// From and To are the first and last notification days of its
	// contracts (zero when none is dated); Undated counts the others.
	From    time.Time `json:"from,omitzero"`
	To      time.Time `json:"to,omitzero"`
	Undated int       `json:"undated"`
	// CPVDivisions are the CPV divisions of its contracts, in order;
	// UnknownCPV counts its contracts without a CPV code.
	CPVDivisions []string `json:"cpv_divisions"`
	UnknownCPV   int      `json:"unknown_cpv"`
}

// sourceScope accumulates a SourceScope over the awards.
type sourceScope struct {
	SourceScope
	lo, hi int32
	divs   [4]uint64 // bit n: CPV division n
}

// Tally is a number of awards and their amount (euros excl. VAT; for
// Labelled, the labelled winners' part when the source gives it).
type Tally struct {
	Count  int     `json:"count"`
	Amount float64 `json:"amount"`
}

// AwardRow is the award share of one région, CPV division or buyer type.
type AwardRow struct {
	Code         string  `json:"code"`
	Name         string  `json:"name"`
	All          Tally   `json:"all"`
	Labelled     Tally   `json:"labelled"`
	Unidentified int     `json:"unidentified"`
	ShareCount   float64 `json:"share_count"`
	ShareAmount  float64 `json:"share_amount"`
}

// labelBit is the bit of AwardFact.labels for the filter's label; 0xff
// for any label, 0 when no award can carry it.
func (f *Facts) labelBit(t data.LabelType) uint8 {
	if t == "" {
		return 0xff
	}
	for i, lt := range f.labelTypes {
		if lt == t {
			return 1 << i
		}
	}
	return 0
}

// AwardShare aggregates the awards that pass the filter: place of
// performance, notification period, and the label that makes a winner
// "labelled".
func (f *Facts) AwardShare(flt Filter) *AwardShare {
	as := &AwardShare{Label: flt.Label}
	bit := f.labelBit(flt.Label)
	from, to := noDay, int32(1<<31-1)
	if !flt.From.IsZero() {
		from = dayNumber(flt.From)
	}
	if !flt.To.IsZero() {
		to = dayNumber(flt.To)
	}
	period := !flt.From.IsZero() || !flt.To.IsZero()
	// Per place index (AwardFact.dep: a département, or a région alone):
	// whether it passes the filter, and its région's row.
	deps, _ := areaTables()
	var passes [256]bool
	var regionOf [256]*AwardRow
	regions := map[string]*AwardRow{}
	area := func(i int, code, region string) {
		passes[i] = flt.place(code, region)
		if regions[region] == nil {
			regions[region] = &AwardRow{}
		}
		regionOf[i] = regions[region]
	}
	area(0, "", "")
	for i, d := range deps {
		area(i+1, d.Code, d.Region)
	}
	for i, r := range regionCodes() { // places known by their région alone
		area(regionOnly+1+i, "", r)
	}
	var cpv [256]*AwardRow
	var buyers [buyerTypeCount]*AwardRow
	var years [lastYear - firstYear + 2]*AwardRow // the last one: undated
	var scopes [256]*sourceScope
	lo, hi := int32(1<<31-1), noDay
	for i := range f.Awards {
		a := &f.Awards[i]
		if !passes[a.dep] || a.flags&awardDeleted != 0 {
			continue
		}
		// A contract counts on the day it was first notified; a record
		// folded into another, on its own day.
		d := a.day - a.earlier // earlier is 0 on a folded record
		if d == noDay {
			if period {
				continue
			}
		} else if d < from || d >= to {
			continue
		}
		if a.flags&awardDuplicate != 0 {
			as.Duplicates++
			continue
		}
		if d == noDay {
			as.Undated++
		} else {
			lo, hi = min(lo, d), max(hi, d)
		}
		labelled := a.flags&awardLabelled != 0 && a.labels&bit != 0
		unidentified := a.flags&awardUnidentified != 0
		add(&as.All, a.Amount)
		if labelled {
			add(&as.Labelled, a.LabelledAmount)
		}
		if a.flags&awardListed != 0 {
			add(&as.Listed, a.Amount)
		}
		if unidentified {
			add(&as.Unidentified, a.Amount)
		}
		if cpv[a.cpvDiv] == nil {
			cpv[a.cpvDiv] = &AwardRow{}
		}
		if buyers[a.buyer] == nil {
			buyers[a.buyer] = &AwardRow{}
		}
		y := len(years) - 1
		if d != noDay {
			y = yearIndex(d)
		}
		if years[y] == nil {
			years[y] = &AwardRow{}
		}
		sc := scopes[a.source]
		if sc == nil {
			sc = &sourceScope{lo: 1<<31 - 1, hi: noDay}
			scopes[a.source] = sc
		}
		add(&sc.All, a.Amount)
		if labelled {
			add(&sc.Labelled, a.LabelledAmount)
		}
		if d == noDay {
			sc.Undated++
		} else {
			sc.lo, sc.hi = min(sc.lo, d), max(sc.hi, d)
		}
		if a.cpvDiv == 0 {
			sc.UnknownCPV++
		} else {
			sc.divs[a.cpvDiv>>6] |= 1 << (a.cpvDiv & 63)
		}
		for _, r := range [4]*AwardRow{regionOf[a.dep], cpv[a.cpvDiv], buyers[a.buyer], years[y]} {
			add(&r.All, a.Amount)
			if labelled {
				add(&r.Labelled, a.LabelledAmount)
			}
			if unidentified {
				r.Unidentified++
			}
		}
	}
	if hi != noDay {
		as.From, as.To = dayTime(lo), dayTime(hi)
	}
	as.ShareCount, as.ShareAmount = share(as.Labelled, as.All)
	if n := as.All.Count - as.Unidentified.Count; n > 0 {
		as.ShareIdentified = float64(as.Labelled.Count) / float64(n)
	}
	as.ByRegion = []AwardRow{}
	for code, r := range regions {
		if r.All.Count == 0 {
			continue
		}
		r.Code, r.Name = code, "Lieu inconnu"
		if g, ok := data.LookupRegion(code); ok {
			r.Name = g.Name
		}
		as.ByRegion = append(as.ByRegion, finishRow(r))
	}
	as.ByCPVDivision = []AwardRow{}
	for n, r := range cpv {
		if r == nil {
			continue
		}
		r.Code, r.Name = "", "CPV inconnu"
		if n > 0 {
			r.Code = twoDigits(n)
			r.Name = CPVDivisionName(r.Code)
		}
		as.ByCPVDivision = append(as.ByCPVDivision, finishRow(r))
	}
	as.ByBuyerType = []AwardRow{}
	for _, t := range BuyerTypes() {
		if r := buyers[t]; r != nil {
			r.Code, r.Name = t.Code(), t.Name()
			as.ByBuyerType = append(as.ByBuyerType, finishRow(r))
		}
	}
	as.ByYear = []AwardRow{}
	if hi != noDay {
		for y := dayTime(lo).Year(); y <= dayTime(hi).Year(); y++ {
			r := years[min(max(y, firstYear), lastYear)-firstYear]
			if r == nil {
				r = &AwardRow{}
			}
			r.Code = strconv.Itoa(y)
			r.Name = r.Code
			as.ByYear = append(as.ByYear, finishRow(r))
		}
	}
	if r := years[len(years)-1]; r != nil {
		r.Code, r.Name = "", "Date de notification inconnue"
		as.ByYear = append(as.ByYear, finishRow(r))
	}
	as.BySource = []SourceScope{}
	for i, sc := range scopes {
		if sc == nil {
			continue
		}
		if i < len(f.sources) {
			sc.Source = f.sources[i]
		}
		if sc.hi != noDay {
			sc.From, sc.To = dayTime(sc.lo), dayTime(sc.hi)
		}
		sc.CPVDivisions = []string{}
		for n := 1; n < 256; n++ {
			if sc.divs[n>>6]&(1<<(n&63)) != 0 {
				sc.CPVDivisions = append(sc.CPVDivisions, twoDigits(n))
			}
		}
		as.BySource = append(as.BySource, sc.SourceScope)
	}
	sort.Slice(as.BySource, func(i, j int) bool {
		a, b := as.BySource[i], as.BySource[j]
		if a.All.Count != b.All.Count {
			return a.All.Count > b.All.Count
		}
		return a.Source < b.Source
	})
	for _, rows := range [][]AwardRow{as.ByRegion, as.ByCPVDivision} {
		sort.Slice(rows, func(i, j int) bool {
			a, b := rows[i], rows[j]
			if (a.Code == "") != (b.Code == "") {
				return b.Code == ""
			}
			if a.All.Count != b.All.Count {
				return a.All.Count > b.All.Count
			}
			return a.Code < b.Code
		})
	}
	return as
}

// The years ByYear tells apart; a notification day outside them (the
// importer keeps none) counts in the nearest.
const firstYear, lastYear = 1990, 2100

// yearStarts[i] is the day number (dayNumber) of 1 January of firstYear+i.
var yearStarts = func() (starts [lastYear - firstYear + 2]int32) {
	for i := range starts {
		starts[i] = dayNumber(time.Date(firstYear+i, 1, 1, 0, 0, 0, 0, time.UTC))
	}
	return starts
}()

// yearIndex is the year of a day number, less firstYear, clamped to the
// years ByYear tells apart: an estimate corrected by the table, since a
// time.Time per award made AwardShare 40 % slower at a million awards.
func yearIndex(d int32) int {
	i := min(max(int(int64(d)*400/146097)+1970-firstYear, 0), lastYear-firstYear)
	for i > 0 && d < yearStarts[i] {
		i--
	}
	for i < lastYear-firstYear && d >= yearStarts[i+1] {
		i++
	}
	return i
}

func add(t *Tally, amount float64) {
	t.Count++
	t.Amount += amount
}

func share(part, all Tally) (count, amount float64) {
	if all.Count > 0 {
		count = float64(part.Count) / float64(all.Count)
	}
	if all.Amount > 0 {
		amount = part.Amount / all.Amount
	}
	return count, amount
}

func finishRow(r *AwardRow) AwardRow {
	r.ShareCount, r.ShareAmount = share(r.Labelled, r.All)
	return *r
}

func twoDigits(n int) string {
	s := strconv.Itoa(n)
	if len(s) < 2 {
		s = "0" + s
	}
	return s
}
