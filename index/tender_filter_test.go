package index_test

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/index"
)

// TestTenderFiltersAgreeWithTheTenders checks the filters the columns
// answer (tender_filter.go: deadline and publication ranges, value range,
// radius, open and closed) against the tenders themselves, alone, together
// and with keyword clauses, on a corpus with missing dates, values and
// places and with values on the ranges' bounds: every page of the search
// must list exactly the tenders the filter keeps.
func TestTenderFiltersAgreeWithTheTenders(t *testing.T) {
	at := tenderBenchNow
	from, to := at.AddDate(0, -6, 0), at.AddDate(0, -2, 0)
	tenders := genTenders(3000)
	for i := range tenders {
		x := &tenders[i]
		switch {
		case i%7 == 3:
			x.Deadline = time.Time{} // open until it is awarded
		case i%11 == 4:
			x.Place = data.Place{}
		case i%13 == 5:
			x.PublishedAt = time.Time{}
		}
	}
	// On the bounds: from and the value bounds are kept, to is not.
	tenders[10].Deadline, tenders[11].Deadline = from, to
	tenders[12].PublishedAt, tenders[13].PublishedAt = from, to
	tenders[14].EstimatedValue, tenders[15].EstimatedValue = 50_000, 500_000
	tenders[16].Deadline, tenders[16].State, tenders[16].Winners = at, data.StateOpen, nil // closed at its deadline

	ti, err := index.OpenTenders(t.TempDir(), index.TenderOptions{Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer ti.Close()
	ctx := context.Background()
	if err := ti.Rebuild(ctx, newTenderMemSource(tenders), nil); err != nil {
		t.Fatal(err)
	}
	// Pages are read from one snapshot each: wait for the compaction
	// after the swap, which renumbers the documents that break ties.
	ti.WaitCompaction()

	lyon, paris := index.Point{Lat: 45.764, Lon: 4.8357}, index.Point{Lat: 48.8566, Lon: 2.3522}
	inRange := func(v, lo, hi time.Time) bool {
		return !v.IsZero() && (lo.IsZero() || !v.Before(lo)) && (hi.IsZero() || v.Before(hi))
	}
	// within reports whether x is within km of p, and whether it is far
	// enough from the circle's edge for the rounding of the stored point
	// and of the earth's radius not to matter.
	within := func(x data.Tender, p index.Point, km float64) (in, clear bool) {
		pl := data.ResolvePlace(x.Place)
		if pl.Lat == 0 && pl.Lon == 0 {
			return false, true
		}
		d := data.DistanceKm(p.Lat, p.Lon, pl.Lat, pl.Lon)
		return d <= km, math.Abs(d-km) > 0.5
	}
	status := func(s data.TenderStatus) func(data.Tender) bool {
		return func(x data.Tender) bool { return x.StatusAt(at) == s }
	}
	value := func(lo, hi float64) func(data.Tender) bool {
		return func(x data.Tender) bool {
			v := x.EstimatedValue
			return v > 0 && v >= lo && (hi == 0 || v <= hi)
		}
	}
	nature := func(n data.Nature) func(data.Tender) bool {
		return func(x data.Tender) bool { return x.Nature == n }
	}
	and := func(fs ...func(data.Tender) bool) func(data.Tender) bool {
		return func(x data.Tender) bool {
			for _, f := range fs {
				if !f(x) {
					return false
				}
			}
			return true
		}
	}
	cases := []struct {
		name string
		q    index.TenderQuery
		keep func(data.Tender) bool
		near *index.Point // the radius filter's centre, to leave out its edge
		km   float64
	}{
		{"deadline in [from, to)", index.TenderQuery{DeadlineFrom: from, DeadlineTo: to},
			func(x data.Tender) bool { return inRange(x.Deadline, from, to) }, nil, 0},
		{"deadline from", index.TenderQuery{DeadlineFrom: to},
			func(x data.Tender) bool { return inRange(x.Deadline, to, time.Time{}) }, nil, 0},
		{"deadline before", index.TenderQuery{DeadlineTo: from},
			func(x data.Tender) bool { return inRange(x.Deadline, time.Time{}, from) }, nil, 0},
		{"published in [from, to)", index.TenderQuery{PublishedFrom: from, PublishedTo: to},
			func(x data.Tender) bool { return inRange(x.PublishedAt, from, to) }, nil, 0},
		{"value from 50 000 to 500 000 €", index.TenderQuery{ValueMin: 50_000, ValueMax: 500_000}, value(50_000, 500_000), nil, 0},
		{"value of 500 000 € or more", index.TenderQuery{ValueMin: 500_000}, value(500_000, 0), nil, 0},
		{"value up to 50 000 €", index.TenderQuery{ValueMax: 50_000}, value(0, 50_000), nil, 0},
		{"open", index.TenderQuery{Statuses: []data.TenderStatus{data.StatusOpen}}, status(data.StatusOpen), nil, 0},
		{"closed", index.TenderQuery{Statuses: []data.TenderStatus{data.StatusClosed}}, status(data.StatusClosed), nil, 0},
		{"open or awarded", index.TenderQuery{Statuses: []data.TenderStatus{data.StatusOpen, data.StatusAwarded}},
			func(x data.Tender) bool { return status(data.StatusOpen)(x) || status(data.StatusAwarded)(x) }, nil, 0},
		{"within 50 km of Lyon", index.TenderQuery{Near: &lyon, RadiusKm: 50}, nil, &lyon, 50},
		{"within 300 km of Paris, by distance", index.TenderQuery{Near: &paris, RadiusKm: 300, Sort: index.SortTenderDistance}, nil, &paris, 300},
		{"works within 300 km of Paris, closed, value and deadline",
			index.TenderQuery{Natures: []string{string(data.NatureWorks)}, Near: &paris, RadiusKm: 300,
				Statuses: []data.TenderStatus{data.StatusClosed}, ValueMin: 20_000, DeadlineFrom: from.AddDate(-2, 0, 0)},
			and(nature(data.NatureWorks), status(data.StatusClosed), value(20_000, 0),
				func(x data.Tender) bool { return inRange(x.Deadline, from.AddDate(-2, 0, 0), time.Time{}) }), &paris, 300},
		{"supplies published in [from, to), by relevance", index.TenderQuery{Natures: []string{string(data.NatureSupplies)},
			PublishedFrom: from, PublishedTo: to, Sort: index.SortTenderRelevance},
			and(nature(data.NatureSupplies), func(x data.Tender) bool { return inRange(x.PublishedAt, from, to) }), nil, 0},
		{"services", index.TenderQuery{Natures: []string{string(data.NatureServices)}}, nature(data.NatureServices), nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, edge := map[string]bool{}, map[string]bool{}
			for _, x := range tenders {
				ok := tc.keep == nil || tc.keep(x)
				if tc.near != nil {
					in, clear := within(x, *tc.near, tc.km)
					if !clear {
						edge[x.ID] = true
					}
					ok = ok && in
				}
				if ok {
					want[x.ID] = true
				}
			}
			got := map[string]bool{}
			q := tc.q
			q.At, q.PerPage = at, index.MaxPerPage
			for q.Page = 1; ; q.Page++ {
				res, err := ti.Search(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				for _, h := range res.Hits {
					got[h.Tender.ID] = true
				}
				if len(res.Hits) < q.PerPage {
					if int(res.Total) != len(got) {
						t.Errorf("total %d, %d tenders listed", res.Total, len(got))
					}
					break
				}
			}
			for id := range edge {
				delete(want, id)
				delete(got, id)
			}
			if len(want) < 5 || len(want) > len(tenders)-5 {
				t.Fatalf("%d tenders kept of %d: the case tells nothing", len(want), len(tenders))
			}
			var missing, extra []string
			for id := range want {
				if !got[id] {
					missing = append(missing, id)
				}
			}
			for id := range got {
				if !want[id] {
					extra = append(extra, id)
				}
			}
			if len(missing)+len(extra) > 0 {
				slices.Sort(missing)
				slices.Sort(extra)
				t.Errorf("%d kept: missing %d %v, extra %d %v", len(want), len(missing), missing[:min(5, len(missing))], len(extra), extra[:min(5, len(extra))])
			}
		})
	}
}

// TestTenderOfARegionAlone: a tender performed in several départements of
// one région (BOAMP « 62, 59 ») or known by its région's NUTS code (TED's
// FRE) is found under that région's filter, as the observatory counts it,
// and under no département's.
func TestTenderOfARegionAlone(t *testing.T) {
	at := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	tenders := []data.Tender{
		{ID: "boamp:hdf", Source: "boamp", SourceID: "hdf", Title: "Nettoyage des locaux", State: data.StateOpen,
			Place: data.Place{NUTS: "FRE"}, PublishedAt: at.AddDate(0, 0, -5)},
		{ID: "boamp:lille", Source: "boamp", SourceID: "lille", Title: "Nettoyage des locaux", State: data.StateOpen,
			Place: data.Place{Departement: "59"}, PublishedAt: at.AddDate(0, 0, -5)},
	}
	ti := openTenders(t, "", at)
	if err := ti.Rebuild(context.Background(), newTenderMemSource(tenders), nil); err != nil {
		t.Fatal(err)
	}
	ids := func(q index.TenderQuery) []string {
		t.Helper()
		return slices.Sorted(slices.Values(tenderHitIDs(searchTenders(t, ti, q))))
	}
	if got := ids(index.TenderQuery{Regions: []string{"32"}}); !slices.Equal(got, []string{"boamp:hdf", "boamp:lille"}) {
		t.Errorf("région 32: %v, want both tenders", got)
	}
	if got := ids(index.TenderQuery{Departements: []string{"59"}}); !slices.Equal(got, []string{"boamp:lille"}) {
		t.Errorf("département 59: %v, want the tender of Lille alone", got)
	}
}
