package web

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func TestParseTenderFilter(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		d       dialect
		wantCPV []string
		wantDep []string
		state   string
		perPage int
		// errField and errValue name what an invalid query must point at.
		errField, errText string
	}{
		{name: "defaults", query: "", state: tenderOpen, perPage: tendersPerPage},
		{name: "division", query: "cpv=45", wantCPV: []string{"45"}, state: tenderOpen, perPage: tendersPerPage},
		{name: "full code covers its descendants", query: "cpv=45212350-4", wantCPV: []string{"4521235"}, state: tenderOpen, perPage: tendersPerPage},
		{name: "division code", query: "cpv=45000000", wantCPV: []string{"45"}, state: tenderOpen, perPage: tendersPerPage},
		{name: "départements", query: "departement=2a&departement=69", wantDep: []string{"2A", "69"}, state: tenderOpen, perPage: tendersPerPage},
		{name: "closed", query: "state=closed", state: tenderClosed, perPage: tendersPerPage},
		{name: "API page size", query: "per_page=50", d: apiDialect, state: tenderOpen, perPage: 50},
		{name: "page ignores per_page", query: "per_page=50", state: tenderOpen, perPage: tendersPerPage},
		{name: "unknown state", query: "state=ouvert", errField: "state", errText: "ouvert"},
		{name: "unknown CPV code", query: "cpv=99999999", errField: "cpv", errText: "99999999"},
		{name: "wrong check digit", query: "cpv=45212350-9", errField: "cpv", errText: "45212350-9"},
		{name: "prefix of nothing", query: "cpv=999", errField: "cpv", errText: "999"},
		{name: "letters", query: "cpv=menuiserie", errField: "cpv", errText: "menuiserie"},
		{name: "unknown département", query: "departement=20", errField: "departement", errText: "20"},
		{name: "bad date", query: "deadline_from=15/04/2026", errField: "deadline_from", errText: "AAAA-MM-JJ"},
		{name: "impossible date", query: "deadline_to=2026-02-30", errField: "deadline_to", errText: "inexistante"},
		{name: "range upside down", query: "deadline_from=2026-05-01&deadline_to=2026-04-01", errField: "deadline_to", errText: "précède"},
		{name: "page zero", query: "page=0", errField: "page", errText: "page"},
		{name: "too many per page", query: "per_page=101", d: apiDialect, errField: "per_page", errText: "100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parseTenderFilter(v, tt.d)
			if tt.errField != "" {
				if err == nil {
					t.Fatalf("parseTenderFilter(%q) accepted it, want an error on %s", tt.query, tt.errField)
				}
				if got := validationField(err); got != tt.errField {
					t.Errorf("error field = %q, want %q (%v)", got, tt.errField, err)
				}
				if msg := invalidMessage(err); !strings.Contains(msg, tt.errText) {
					t.Errorf("message %q does not mention %q", msg, tt.errText)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseTenderFilter(%q): %v", tt.query, err)
			}
			if !slices.Equal(f.CPV, tt.wantCPV) || !slices.Equal(f.Departements, tt.wantDep) {
				t.Errorf("CPV %v, départements %v; want %v, %v", f.CPV, f.Departements, tt.wantCPV, tt.wantDep)
			}
			if f.State != tt.state || f.PerPage != tt.perPage {
				t.Errorf("state %q, per page %d; want %q, %d", f.State, f.PerPage, tt.state, tt.perPage)
			}
		})
	}
}

func TestTenderFilterMatches(t *testing.T) {
	now := time.Date(2026, 4, 15, 10, 0, 0, 0, paris())
	day := func(d int) time.Time { return time.Date(2026, 4, d, 12, 0, 0, 0, paris()) }
	joinery := data.Tender{ID: "t1", State: data.StateOpen, CPV: "45421000", Place: data.Place{Departement: "35"}, Deadline: day(20)}
	lots := data.Tender{ID: "t2", State: data.StateOpen, CPV: "45000000", Deadline: day(30),
		Lots: []data.Lot{{ID: "1", CPV: "45262500", Place: data.Place{Departement: "69"}}}}
	cancelled := data.Tender{ID: "t3", State: data.StateCancelled, CPV: "45421000", Deadline: day(20)}
	past := data.Tender{ID: "t4", State: data.StateOpen, CPV: "45421000", Deadline: day(1)}
	noDeadline := data.Tender{ID: "t5", State: data.StateOpen, CPV: "79000000"}
	all := []data.Tender{joinery, lots, cancelled, past, noDeadline}
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"t1", "t2", "t5"}},
		{"state=closed", []string{"t3", "t4"}},
		{"state=all", []string{"t1", "t2", "t3", "t4", "t5"}},
		{"cpv=4542", []string{"t1"}},
		{"cpv=45421000-4&state=all", []string{"t1", "t3", "t4"}},
		{"cpv=45262500", []string{"t2"}},             // a lot's code counts
		{"departement=69", []string{"t2"}},           // a lot's place counts
		{"cpv=45&departement=35", []string{"t1"}},    // criteria combine
		{"cpv=79&cpv=4542", []string{"t1", "t5"}},    // codes are alternatives
		{"deadline_to=2026-04-20", []string{"t1"}},   // the last day is included
		{"deadline_from=2026-04-21", []string{"t2"}}, // no deadline: outside any range
	}
	for _, tt := range tests {
		v, _ := url.ParseQuery(tt.query)
		f, err := parseTenderFilter(v, pageDialect)
		if err != nil {
			t.Fatalf("%q: %v", tt.query, err)
		}
		var got []string
		for _, tender := range all {
			if f.matches(&tender, now) {
				got = append(got, tender.ID)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q matches %v, want %v", tt.query, got, tt.want)
		}
	}
}

func TestTenderFilterLinkRoundTrip(t *testing.T) {
	q := "cpv=4521&deadline_from=2026-04-01&deadline_to=2026-04-30&departement=35&page=3&state=all"
	v, _ := url.ParseQuery(q)
	f, err := parseTenderFilter(v, pageDialect)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.link(tenderPath), tenderPath+"?"+q; got != want {
		t.Errorf("link = %q, want %q", got, want)
	}
}

func TestCompareTenders(t *testing.T) {
	now := time.Date(2026, 4, 15, 10, 0, 0, 0, time.UTC)
	mk := func(id string, state data.TenderState, days int) data.Tender {
		t := data.Tender{ID: id, State: state}
		if days != 0 {
			t.Deadline = now.Add(time.Duration(days) * 24 * time.Hour)
		}
		return t
	}
	list := []data.Tender{
		mk("closed-long-ago", data.StateOpen, -30), mk("open-later", data.StateOpen, 9), mk("open-undated", data.StateOpen, 0),
		mk("open-soon", data.StateOpen, 2), mk("closed-recently", data.StateOpen, -1), mk("cancelled", data.StateCancelled, 5),
	}
	slices.SortStableFunc(list, func(a, b data.Tender) int { return compareTenders(&a, &b, now) })
	var got []string
	for _, t := range list {
		got = append(got, t.ID)
	}
	want := []string{"open-soon", "open-later", "open-undated", "cancelled", "closed-recently", "closed-long-ago"}
	if !slices.Equal(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}

func FuzzParseTenderFilter(f *testing.F) {
	for _, q := range []string{"", "cpv=45&state=all", "cpv=45212350-4", "departement=2A", "deadline_from=2026-01-01&deadline_to=2026-12-31",
		"page=2&per_page=100", "cpv=%00", "deadline_to=9999-99-99"} {
		f.Add(q)
	}
	now := time.Date(2026, 4, 15, 10, 0, 0, 0, time.UTC)
	sample := data.Tender{ID: "x", State: data.StateOpen, CPV: "45421000", Place: data.Place{Departement: "35"}, Deadline: now.Add(time.Hour)}
	f.Fuzz(func(t *testing.T, q string) {
		v, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		for _, d := range []dialect{pageDialect, apiDialect} {
			filter, err := parseTenderFilter(v, d)
			if err != nil {
				if validationField(err) == "" {
					t.Fatalf("error without a field: %v", err)
				}
				continue
			}
			if filter.Page < 1 || filter.PerPage < 1 || filter.PerPage > maxTendersPerPage {
				t.Fatalf("bounds not enforced: %+v", filter)
			}
			filter.matches(&sample, now)
			// What the links write back must read back the same.
			again, err := parseTenderFilter(filter.values(), pageDialect)
			if err != nil {
				t.Fatalf("link %q does not parse: %v", filter.link(""), err)
			}
			if !slices.Equal(again.CPV, filter.CPV) || again.State != filter.State || !slices.Equal(again.Departements, filter.Departements) {
				t.Fatalf("round trip changed the filter: %+v → %+v", filter, again)
			}
		}
	})
}
