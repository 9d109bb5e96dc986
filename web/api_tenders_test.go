package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func TestAPITenders(t *testing.T) {
	s := newTestServer(t, Config{})
	putTenders(t, s, listTenders()...)
	putTenders(t, s, loadNotice(t, "cn_24_FRA_comments.xml"))

	type page struct {
		Total   int `json:"total"`
		Page    int `json:"page"`
		PerPage int `json:"per_page"`
		Results []struct {
			ID       string  `json:"id"`
			Title    string  `json:"title"`
			CPVLabel string  `json:"cpv_label"`
			Deadline *string `json:"deadline"`
			State    string  `json:"state"`
			Open     bool    `json:"open"`
			PageURL  string  `json:"page_url"`
		} `json:"results"`
	}
	tests := []struct {
		name    string
		target  string
		wantIDs []string
	}{
		{"open by default, soonest first", "/api/v1/tenders", []string{"boamp:26-2", "boamp:26-1", "boamp:26-6"}},
		{"closed, latest deadline first", "/api/v1/tenders?state=closed", []string{"boamp:26-4", "boamp:26-3", "ted:26-5", "ted:da4d46e9-490b-41ff-a2ae-8166d356a619"}},
		{"CPV and département", "/api/v1/tenders?state=all&cpv=45&departement=35", []string{"boamp:26-1", "boamp:26-6", "boamp:26-3"}},
		{"a lot's département counts", "/api/v1/tenders?state=all&departement=76", []string{"ted:da4d46e9-490b-41ff-a2ae-8166d356a619"}},
		{"deadline range", "/api/v1/tenders?state=all&deadline_from=2019-06-01&deadline_to=2019-06-30", []string{"ted:da4d46e9-490b-41ff-a2ae-8166d356a619"}},
		{"paging", "/api/v1/tenders?per_page=2&page=2", []string{"boamp:26-6"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.get(t, tt.target)
			if r.status != http.StatusOK {
				t.Fatalf("GET %s = %d: %s", tt.target, r.status, r.body)
			}
			var p page
			decodeJSON(t, r, &p)
			var got []string
			for _, x := range p.Results {
				got = append(got, x.ID)
				if !strings.HasPrefix(x.PageURL, "http://") || x.State == "" {
					t.Errorf("result %s: page_url %q, state %q", x.ID, x.PageURL, x.State)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.wantIDs, " ") {
				t.Errorf("GET %s = %v, want %v", tt.target, got, tt.wantIDs)
			}
		})
	}

	t.Run("summary fields", func(t *testing.T) {
		var p page
		decodeJSON(t, s.get(t, "/api/v1/tenders?cpv=45421000"), &p)
		if p.Total != 1 || len(p.Results) != 1 {
			t.Fatalf("total %d, %d results; want the one open menuiserie tender", p.Total, len(p.Results))
		}
		x := p.Results[0]
		if x.CPVLabel != "Travaux de menuiserie" || x.Deadline == nil || !x.Open {
			t.Errorf("summary = %+v", x)
		}
	})

	t.Run("one tender", func(t *testing.T) {
		r := s.get(t, "/api/v1/tenders/ted:da4d46e9-490b-41ff-a2ae-8166d356a619")
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		var got struct {
			ID      string `json:"id"`
			Title   string `json:"title"`
			Open    bool   `json:"open"`
			PageURL string `json:"page_url"`
			Lots    []struct {
				ID    string `json:"id"`
				Title string `json:"title"`
			} `json:"lots"`
			History []struct {
				Summary string `json:"summary"`
			} `json:"history"`
		}
		decodeJSON(t, r, &got)
		if len(got.Lots) != 2 || got.Lots[0].Title != "Agence centre" || got.Open || len(got.History) != 1 ||
			!strings.HasSuffix(got.PageURL, "/appels-d-offres/ted:da4d46e9-490b-41ff-a2ae-8166d356a619") {
			t.Errorf("tender = %+v", got)
		}
	})

	// An unknown place or notice URL is null where the field is required
	// (like deadline, distance_km) and absent where it is optional: never
	// an empty object or string that a client would take for a value.
	t.Run("unknown place and url", func(t *testing.T) {
		var p struct {
			Results []map[string]json.RawMessage `json:"results"`
		}
		decodeJSON(t, s.get(t, "/api/v1/tenders?state=closed"), &p)
		var placed, unplaced map[string]json.RawMessage
		for _, x := range p.Results {
			switch string(x["id"]) {
			case `"ted:26-5"`:
				unplaced = x
			case `"boamp:26-3"`:
				placed = x
			}
		}
		if unplaced == nil || placed == nil {
			t.Fatalf("results %v lack ted:26-5 or boamp:26-3", p.Results)
		}
		for _, f := range []string{"place", "url"} {
			if v, ok := unplaced[f]; !ok || string(v) != "null" {
				t.Errorf("summary of a tender without %s: %q = %s, want null", f, f, v)
			}
		}
		if got := string(placed["place"]); !strings.HasPrefix(got, `{"departement":"35",`) {
			t.Errorf("summary of a placed tender: place = %s", got)
		}

		var one map[string]json.RawMessage
		decodeJSON(t, s.get(t, "/api/v1/tenders/ted:26-5"), &one)
		if v, ok := one["place"]; !ok || string(v) != "null" {
			t.Errorf("tender without a place: place = %s, want null", v)
		}
		if v, ok := one["url"]; ok {
			t.Errorf("tender without a URL: url = %s, want it absent", v)
		}
	})

	errs := []struct {
		name, target string
		status       int
		word         string
	}{
		{"unknown tender", "/api/v1/tenders/ted:inconnu", http.StatusNotFound, "n'existe pas"},
		{"invalid CPV named", "/api/v1/tenders?cpv=99999999", http.StatusBadRequest, "99999999"},
		{"unknown parameter", "/api/v1/tenders?cvp=45", http.StatusBadRequest, "cvp"},
		{"unknown state", "/api/v1/tenders?state=ouverts", http.StatusBadRequest, "ouverts"},
		{"bad date", "/api/v1/tenders?deadline_to=demain", http.StatusBadRequest, "AAAA-MM-JJ"},
		{"unknown parameter on one tender", "/api/v1/tenders/boamp:26-1?x=1", http.StatusBadRequest, "« x »"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			r := s.get(t, tt.target)
			if r.status != tt.status {
				t.Fatalf("GET %s = %d, want %d: %s", tt.target, r.status, tt.status, r.body)
			}
			var e struct {
				Error string `json:"error"`
			}
			decodeJSON(t, r, &e)
			if !strings.Contains(e.Error, tt.word) {
				t.Errorf("error %q does not mention %q", e.Error, tt.word)
			}
		})
	}
}

func TestAPICPV(t *testing.T) {
	s := newTestServer(t, Config{})
	var got struct {
		Codes []struct {
			Code, CodeFull, Label, Value string
		} `json:"codes"`
	}
	r := s.get(t, "/api/v1/cpv?q=menuiserie&limit=3")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	decodeJSON(t, r, &got)
	if len(got.Codes) != 3 {
		t.Fatalf("%d codes, want 3: %s", len(got.Codes), r.body)
	}
	for _, c := range got.Codes {
		if !strings.Contains(strings.ToLower(c.Label), "menuiserie") || len(c.Code) != 8 || c.Value != c.Code+" — "+c.Label {
			t.Errorf("code %+v", c)
		}
	}
	if !strings.Contains(r.body, `"code_full":"`) {
		t.Errorf("answer lacks code_full: %s", r.body)
	}
	// A trade word no label says: the codes of what its activity makes,
	// with the activity; a code found by its label has no via.
	var trade struct {
		Codes []struct {
			Code string
			Via  *struct{ NAF, Label, Text string }
		} `json:"codes"`
	}
	r = s.get(t, "/api/v1/cpv?q=d%C3%A9colletage&limit=2")
	decodeJSON(t, r, &trade)
	if len(trade.Codes) != 2 || trade.Codes[0].Code != "44531000" || trade.Codes[0].Via == nil ||
		*trade.Codes[0].Via != (struct{ NAF, Label, Text string }{"25.62A", "Décolletage", "via l'activité NAF 25.62A Décolletage"}) {
		t.Errorf("décolletage: %s", r.body)
	}
	if r := s.get(t, "/api/v1/cpv?q=menuiserie&limit=1"); strings.Contains(r.body, `"via"`) {
		t.Errorf("a code found by its label has a via: %s", r.body)
	}
	r = s.get(t, "/api/v1/cpv?q=")
	if r.status != http.StatusOK || !strings.Contains(r.body, `"codes":[]`) {
		t.Errorf("empty query = %d %s, want an empty list", r.status, r.body)
	}
	for _, target := range []string{"/api/v1/cpv?q=45&limit=51", "/api/v1/cpv?query=45"} {
		if r := s.get(t, target); r.status != http.StatusBadRequest {
			t.Errorf("GET %s = %d, want 400", target, r.status)
		}
	}
}

func TestAPITendersRateLimited(t *testing.T) {
	s := newTestServer(t, Config{RateLimit: RateLimit{PerSecond: 0.01, Burst: 1}})
	if r := s.get(t, "/api/v1/tenders"); r.status != http.StatusOK {
		t.Fatalf("first request = %d", r.status)
	}
	r := s.get(t, "/api/v1/cpv?q=45")
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Errorf("second request = %d (Retry-After %q), want 429 with Retry-After", r.status, r.header.Get("Retry-After"))
	}
}

// TestAPITendersServerClock: the API decides a tender's state by the
// server's clock (Config.Now), as the pages and the index do, not by the
// machine's: ten days ahead, a deadline in five days is past.
func TestAPITendersServerClock(t *testing.T) {
	later := time.Now().Add(10 * 24 * time.Hour)
	s := newTestServer(t, Config{Now: func() time.Time { return later }})
	putTenders(t, s, listTenders()[0]) // boamp:26-1, deadline in 5 days
	var one struct {
		State string `json:"state"`
		Open  bool   `json:"open"`
	}
	decodeJSON(t, s.get(t, "/api/v1/tenders/boamp:26-1"), &one)
	if one.Open || one.State != string(data.StatusClosed) {
		t.Errorf("GET tenders/boamp:26-1 = state %q, open %v; want closed by the server's clock", one.State, one.Open)
	}
	var list struct {
		Results []struct {
			ID    string `json:"id"`
			State string `json:"state"`
			Open  bool   `json:"open"`
		} `json:"results"`
	}
	decodeJSON(t, s.get(t, "/api/v1/tenders?state=all"), &list)
	if len(list.Results) != 1 || list.Results[0].Open || list.Results[0].State != string(data.StatusClosed) {
		t.Errorf("GET tenders?state=all = %+v, want boamp:26-1 closed by the server's clock", list.Results)
	}
	decodeJSON(t, s.get(t, "/api/v1/tenders"), &list)
	if len(list.Results) != 0 {
		t.Errorf("GET tenders (open ones) = %+v, want none by the server's clock", list.Results)
	}
}

// A notice's link comes from the web: the tender's detail gives it as the
// list does, an http(s) address or nothing (never « javascript: »).
func TestAPITenderLinkIsAWebAddress(t *testing.T) {
	s := newTestServer(t, Config{})
	tn := listTenders()[0]
	tn.URL = "javascript:alert(1)"
	putTenders(t, s, tn)
	var one map[string]json.RawMessage
	decodeJSON(t, s.get(t, "/api/v1/tenders/"+tn.ID), &one)
	if v, ok := one["url"]; ok {
		t.Errorf("tender with a javascript: link: url = %s, want it absent", v)
	}
	var list struct {
		Results []map[string]json.RawMessage `json:"results"`
	}
	decodeJSON(t, s.get(t, "/api/v1/tenders?state=all"), &list)
	for _, r := range list.Results {
		if string(r["id"]) == `"`+tn.ID+`"` && string(r["url"]) != "null" {
			t.Errorf("the list gives url = %s, want null", r["url"])
		}
	}
}
