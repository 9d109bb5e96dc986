package web

import (
	"net/http"
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

// TestTenderFilterSelects runs each filter through the tender index, as
// the page and the API do.
func TestTenderFilterSelects(t *testing.T) {
	s := newTestServer(t, Config{})
	day := func(d int) time.Time { return inDays(d) }
	putTenders(t, s,
		data.Tender{ID: "m:t1", Source: "m", SourceID: "t1", Title: "Menuiserie", State: data.StateOpen, CPV: "45421000", Place: data.Place{Departement: "35"}, Deadline: day(5)},
		data.Tender{ID: "m:t2", Source: "m", SourceID: "t2", Title: "Lots", State: data.StateOpen, CPV: "45000000", Deadline: day(15),
			Lots: []data.Lot{{ID: "1", CPV: "45262500", Place: data.Place{Departement: "69"}}}},
		data.Tender{ID: "m:t3", Source: "m", SourceID: "t3", Title: "Annulé", State: data.StateCancelled, CPV: "45421000", Deadline: day(5)},
		data.Tender{ID: "m:t4", Source: "m", SourceID: "t4", Title: "Passé", State: data.StateOpen, CPV: "45421000", Deadline: day(-14)},
		data.Tender{ID: "m:t5", Source: "m", SourceID: "t5", Title: "Sans date", State: data.StateOpen, CPV: "79000000"},
	)
	iso := func(d int) string { return day(d).In(paris()).Format("2006-01-02") }
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"m:t1", "m:t2", "m:t5"}},
		{"state=closed", []string{"m:t3", "m:t4"}},
		{"state=cancelled", []string{"m:t3"}},
		{"state=all", []string{"m:t1", "m:t2", "m:t3", "m:t4", "m:t5"}},
		{"cpv=4542", []string{"m:t1"}},
		{"cpv=45421000-4&state=all", []string{"m:t1", "m:t3", "m:t4"}},
		{"cpv=45262500", []string{"m:t2"}},             // a lot's code counts
		{"departement=69", []string{"m:t2"}},           // a lot's place counts
		{"cpv=45&departement=35", []string{"m:t1"}},    // criteria combine
		{"cpv=79&cpv=4542", []string{"m:t1", "m:t5"}},  // codes are alternatives
		{"deadline_to=" + iso(5), []string{"m:t1"}},    // the last day is included
		{"deadline_from=" + iso(6), []string{"m:t2"}},  // no deadline: outside any range
		{"q=menuiseries&state=all", []string{"m:t1"}},  // French analysis
		{"lots=1", []string{"m:t2"}},                   // divided into lots
		{"near=Rennes&radius_km=30", []string{"m:t1"}}, // around a place
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var p struct {
				Results []struct {
					ID string `json:"id"`
				} `json:"results"`
			}
			r := s.get(t, "/api/v1/tenders?per_page=100&"+tt.query)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			decodeJSON(t, r, &p)
			var got []string
			for _, x := range p.Results {
				got = append(got, x.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("%q selects %v, want %v", tt.query, got, tt.want)
			}
		})
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

func FuzzParseTenderFilter(f *testing.F) {
	for _, q := range []string{"", "cpv=45&state=all", "cpv=45212350-4", "departement=2A", "deadline_from=2026-01-01&deadline_to=2026-12-31",
		"page=2&per_page=100", "cpv=%00", "deadline_to=9999-99-99"} {
		f.Add(q)
	}
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
			filter.query(time.Now())
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

// TestTenderCPVWordsSaysWhatTheFieldTakes checks the message of a word
// typed in the tenders' CPV field: it read « code CPV « menuiserie »
// invalide : format attendu : 8 chiffres », while the field's hint offers
// a division or the start of a code, and words have their own field.
func TestTenderCPVWordsSaysWhatTheFieldTakes(t *testing.T) {
	s := newTestServer(t, Config{})
	r := s.get(t, "/appels-d-offres?q=voirie&cpv=menuiserie&departement=74&state=all")
	if r.status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", r.status)
	}
	// The form shown again keeps what was typed: the words, the code and
	// the département after the error were lost.
	mustContain(t, "tenders", r.body, "« menuiserie » n&#39;est pas un code CPV : indiquez une division (45), un début de code (4521) ou un code complet (45212350-4)",
		`name="cpv" value="menuiserie"`, `name="q" value="voirie"`, `<option value="74" selected>`, `<option value="all" selected>`)
	r = s.get(t, "/appels-d-offres?q=voirie&cpv=45&deadline_from=2026-13-01&near=Annecy")
	mustContain(t, "bad date", r.body, `name="q" value="voirie"`, `name="cpv" value="45"`, `name="deadline_from" value="2026-13-01"`,
		`name="near" value="Annecy"`)
	if strings.Contains(r.body, "8 chiffres") {
		t.Errorf("the message still asks for 8 digits")
	}
}
