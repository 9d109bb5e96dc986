package observatory

import (
	"sort"
	"time"

	"fabrique/data"
)

// TenderCoverage says how many open tenders find French-made suppliers
// near their place of performance. Buyers' needs typed on Fabrique are no
// tenders and never counted; tenders whose place is known to be abroad
// are counted apart (Abroad) and in no other figure.
type TenderCoverage struct {
	Day time.Time `json:"day"`
	// Label is the label of the suppliers counted as capable ("" for any).
	Label data.LabelType `json:"label,omitempty"`
	// The rule of a capable supplier.
	CapableScore    float64 `json:"capable_score"`
	CapableRadiusKm float64 `json:"capable_radius_km"`

	Open         int `json:"open"`          // open tenders in France passing the filter
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
	// Abroad counts the open tenders whose place of performance is known
	// to be outside France (foreign TED notices), when no région or
	// département is asked for: not in Open nor in any figure above.
	Abroad int `json:"abroad"`

	Regions []Area   `json:"regions"` // the columns of Gaps
	Gaps    []GapRow `json:"gaps"`    // CPV division × région
	// Unmatched are the evaluated tenders without any capable supplier,
	// nearest deadline first.
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
	CPVInferred bool      `json:"cpv_inferred"`
	Deadline    time.Time `json:"deadline,omitzero"`
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

// TenderCoverage aggregates the open tenders that pass the filter and are still
// open on day.
func (f *Facts) TenderCoverage(flt Filter, day time.Time) *TenderCoverage {
	tc := &TenderCoverage{Day: day, Label: flt.Label, CapableScore: CapableScore, CapableRadiusKm: CapableRadiusKm,
		Unmatched: []UnmatchedTender{}}
	rows := map[string]map[string]*GapCell{}
	regionsSeen := map[string]bool{}
	for i := range f.Tenders {
		t := &f.Tenders[i]
		if !flt.tenderPasses(t) || !stillOpen(t, day) {
			continue
		}
		if t.Abroad {
			tc.Abroad++
			continue
		}
		tc.Open++
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
				Region: t.Region, CPVDivision: t.CPVDivision, CPVInferred: t.CPVInferred, Deadline: t.Deadline})
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
	return tc
}

// stillOpen re-checks a tender open when the facts were built against the
// day asked about.
func stillOpen(t *TenderFact, day time.Time) bool {
	tt := data.Tender{State: t.State, Deadline: t.Deadline, PublishedAt: t.PublishedAt} // a tender without a deadline closes by its publication
	return tt.Open(day)
}
