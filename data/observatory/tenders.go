package observatory

import (
	"slices"
	"sort"
	"time"

	"fabrique/data"
)

// TenderScope says which calls for tenders TenderCoverage counts.
type TenderScope string

const (
	// ScopeOpen counts the tenders open on the day (and published in the
	// filter's period, when it has one): the observatory's first answer.
	ScopeOpen TenderScope = "open"
	// ScopePublished counts the tenders published in the filter's period
	// — the RecentMonths before the day when it has none — whether open,
	// closed or awarded: a supplier missing is a gap whether the deadline
	// passed or not. Cancelled procedures and prior-information notices
	// are not counted (keptTender).
	ScopePublished TenderScope = "published"
)

// TenderScopes lists the scopes, the default first.
func TenderScopes() []TenderScope { return []TenderScope{ScopeOpen, ScopePublished} }

// TenderCoverage says how many calls for tenders find French-made
// suppliers near their place of performance: those open on the day, or
// those published in a period (Scope). Buyers' needs typed on Fabrique
// are no tenders and never counted; tenders whose place is known to be
// abroad are counted apart (Abroad) and in no other figure.
type TenderCoverage struct {
	Day   time.Time   `json:"day"`
	Scope TenderScope `json:"scope"`
	// PublishedFrom and PublishedTo bound the publication days counted,
	// [from, to): the filter's period, or with ScopePublished and no
	// period the RecentMonths before Day (PublishedTo zero: up to Day).
	PublishedFrom time.Time `json:"published_from,omitzero"`
	PublishedTo   time.Time `json:"published_to,omitzero"`
	// KeptSince is the first publication day of the closed and awarded
	// tenders the facts keep (RecentSince of their build): with
	// ScopePublished, a period that starts earlier counts, before it,
	// only the tenders still open.
	KeptSince time.Time `json:"kept_since"`
	// Label is the label of the suppliers counted as capable ("" for any).
	Label data.LabelType `json:"label,omitempty"`
	// The rule of a capable supplier.
	CapableScore    float64 `json:"capable_score"`
	CapableRadiusKm float64 `json:"capable_radius_km"`

	// Tenders counts the tenders in France of the scope passing the
	// filter: Open with ScopeOpen; Open + Closed + Awarded with
	// ScopePublished.
	Tenders      int `json:"tenders"`
	Open         int `json:"open"`          // of which open on Day
	Closed       int `json:"closed"`        // of which closed on Day, no award known (ScopePublished)
	Awarded      int `json:"awarded"`       // of which awarded (ScopePublished)
	Evaluated    int `json:"evaluated"`     // of which matched
	NotEvaluated int `json:"not_evaluated"` // no matcher, over the cap, or refused (see MatchErrors)
	MatchErrors  int `json:"match_errors"`
	AtLeast3     int `json:"at_least_3"`
	AtLeast1     int `json:"at_least_1"` // includes AtLeast3
	None         int `json:"none"`
	// NoPlace counts the evaluated tenders whose département of
	// performance is unknown (no place, or a région alone): their
	// suppliers were counted at any distance.
	NoPlace int `json:"no_place"`
	// Abroad counts the tenders of the scope whose place of performance
	// is known to be outside France (foreign TED notices), when no région
	// or département is asked for: not in Tenders nor in any figure above.
	Abroad int `json:"abroad"`

	Regions []Area   `json:"regions"` // the columns of Gaps
	Gaps    []GapRow `json:"gaps"`    // CPV division × région
	// Unmatched are the evaluated tenders without any capable supplier:
	// nearest deadline first with ScopeOpen, latest published first with
	// ScopePublished.
	Unmatched []UnmatchedTender `json:"unmatched"`
}

// Area names a région (or "" for an unknown place).
type Area struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// GapRow is one CPV division of the gap matrix.
type GapRow struct {
	CPVDivision string    `json:"cpv_division"`
	Name        string    `json:"name"`
	Open        int       `json:"open"`
	None        int       `json:"none"`
	Cells       []GapCell `json:"cells"` // one per TenderCoverage.Regions
}

// GapCell counts the evaluated tenders of a CPV division in a région and
// those without any capable supplier.
type GapCell struct {
	Region    string `json:"region"`
	Evaluated int    `json:"evaluated"`
	None      int    `json:"none"`
}

// UnmatchedTender is a tender no capable supplier was found for.
type UnmatchedTender struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Departement string `json:"departement"`
	Region      string `json:"region"`
	CPVDivision string `json:"cpv_division"`
	// CPVInferred says the division is that of a CPV code inferred from
	// the notice's words (it declares none).
	CPVInferred bool              `json:"cpv_inferred"`
	Deadline    time.Time         `json:"deadline,omitzero"`
	PublishedAt time.Time         `json:"published_at,omitzero"`
	Status      data.TenderStatus `json:"status"` // open, closed or awarded on the day
}

// tenderPasses applies the filter's place and publication period (the
// label applies to the suppliers counted: capableOf).
func (flt Filter) tenderPasses(t *TenderFact) bool {
	return flt.place(t.Departement, t.Region) && flt.during(t.PublishedAt)
}

// capableOf is the number of capable suppliers of t that the filter
// keeps: all, or those of its label; -1 when t was not evaluated.
func (flt Filter) capableOf(t *TenderFact) int {
	if t.Capable < 0 || flt.Label == "" {
		return t.Capable
	}
	return t.CapableLabels[flt.Label]
}

// TenderCoverage aggregates the tenders that pass the filter and are
// open on day (ScopeOpen).
func (f *Facts) TenderCoverage(flt Filter, day time.Time) *TenderCoverage {
	return f.TenderCoverageOf(ScopeOpen, flt, day)
}

// TenderCoverageOf aggregates the tenders of a scope that pass the
// filter, on day. An unknown scope counts as ScopeOpen.
func (f *Facts) TenderCoverageOf(scope TenderScope, flt Filter, day time.Time) *TenderCoverage {
	if scope != ScopePublished {
		scope = ScopeOpen
	}
	if scope == ScopePublished && flt.From.IsZero() && flt.To.IsZero() {
		flt.From = RecentSince(day)
	}
	tc := &TenderCoverage{Day: day, Scope: scope, PublishedFrom: flt.From, PublishedTo: flt.To, KeptSince: RecentSince(f.BuiltAt),
		Label: flt.Label, CapableScore: CapableScore, CapableRadiusKm: CapableRadiusKm, Unmatched: []UnmatchedTender{}}
	rows := map[string]map[string]*GapCell{}
	regionsSeen := map[string]bool{}
	for i := range f.Tenders {
		t := &f.Tenders[i]
		if !flt.tenderPasses(t) {
			continue
		}
		status := t.statusOn(day)
		if scope == ScopeOpen && status != data.StatusOpen {
			continue
		}
		if t.Abroad {
			tc.Abroad++
			continue
		}
		tc.Tenders++
		switch status {
		case data.StatusOpen:
			tc.Open++
		case data.StatusAwarded:
			tc.Awarded++
		default:
			tc.Closed++
		}
		capable := flt.capableOf(t)
		if capable < 0 {
			tc.NotEvaluated++
			if t.MatchError != "" {
				tc.MatchErrors++
			}
			continue
		}
		tc.Evaluated++
		if t.Departement == "" {
			tc.NoPlace++
		}
		switch {
		case capable >= 3:
			tc.AtLeast3++
			tc.AtLeast1++
		case capable >= 1:
			tc.AtLeast1++
		default:
			tc.None++
			tc.Unmatched = append(tc.Unmatched, UnmatchedTender{ID: t.ID, Title: t.Title, Departement: t.Departement,
				Region: t.Region, CPVDivision: t.CPVDivision, CPVInferred: t.CPVInferred, Deadline: t.Deadline,
				PublishedAt: t.PublishedAt, Status: status})
		}
		row := rows[t.CPVDivision]
		if row == nil {
			row = map[string]*GapCell{}
			rows[t.CPVDivision] = row
		}
		cell := row[t.Region]
		if cell == nil {
			cell = &GapCell{Region: t.Region}
			row[t.Region] = cell
		}
		cell.Evaluated++
		if capable == 0 {
			cell.None++
		}
		regionsSeen[t.Region] = true
	}
	for _, code := range sortedKeys(regionsSeen) {
		a := Area{Code: code, Name: "Lieu inconnu"}
		if r, ok := data.LookupRegion(code); ok {
			a.Name = r.Name
		}
		tc.Regions = append(tc.Regions, a)
	}
	if len(tc.Regions) > 0 && tc.Regions[0].Code == "" { // unknown place last
		tc.Regions = append(tc.Regions[1:], tc.Regions[0])
	}
	tc.Gaps = []GapRow{}
	for div, cells := range rows {
		r := GapRow{CPVDivision: div, Name: CPVDivisionName(div)}
		if div == "" {
			r.Name = "CPV inconnu"
		}
		for _, a := range tc.Regions {
			cell := GapCell{Region: a.Code}
			if c := cells[a.Code]; c != nil {
				cell = *c
			}
			r.Open += cell.Evaluated
			r.None += cell.None
			r.Cells = append(r.Cells, cell)
		}
		tc.Gaps = append(tc.Gaps, r)
	}
	sort.Slice(tc.Gaps, func(i, j int) bool {
		a, b := tc.Gaps[i], tc.Gaps[j]
		if a.None != b.None {
			return a.None > b.None
		}
		return a.CPVDivision < b.CPVDivision
	})
	if tc.Regions == nil {
		tc.Regions = []Area{}
	}
	slices.SortFunc(tc.Unmatched, func(a, b UnmatchedTender) int {
		if scope == ScopeOpen && !a.Deadline.Equal(b.Deadline) {
			if deadlineBefore(a.Deadline, b.Deadline) {
				return -1
			}
			return 1
		}
		if scope == ScopePublished && !a.PublishedAt.Equal(b.PublishedAt) {
			return b.PublishedAt.Compare(a.PublishedAt)
		}
		return cmpString(a.ID, b.ID)
	})
	return tc
}

// keptOn reports whether facts built on now still keep the tender (see
// keptTender): open, or published on or after RecentSince(now).
func (t *TenderFact) keptOn(now time.Time) bool {
	return t.statusOn(now) == data.StatusOpen || recent(t.PublishedAt, now)
}
