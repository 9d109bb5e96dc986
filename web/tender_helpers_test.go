package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fabrique/crawler/notice"
	"fabrique/data"
)

// loadNotice parses one eForms notice of testdata into the tender the
// importer would store.
func loadNotice(t testing.TB, name string) data.Tender {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := notice.ParseEForms(f, notice.Options{Now: func() time.Time { return testClock }})
	if err != nil {
		t.Fatalf("ParseEForms(%s): %v", name, err)
	}
	if len(res.Tenders) != 1 {
		t.Fatalf("%s gave %d tenders, want 1 (problems: %v)", name, len(res.Tenders), res.Problems)
	}
	tender, _ := data.FoldNotice(nil, res.Tenders[0], testClock)
	return tender
}

// putTenders stores tenders as the importer would.
func putTenders(t testing.TB, s *testServer, tenders ...data.Tender) {
	t.Helper()
	for _, tender := range tenders {
		if tender.State == "" {
			tender.State = data.StateOpen
		}
		if err := s.store.PutTender(context.Background(), tender, "test:import"); err != nil {
			t.Fatalf("PutTender(%s): %v", tender.ID, err)
		}
	}
}

// inDays is noon in Paris, n calendar days from today: the countdown then
// says « dans n jours » whatever the hour the test runs.
func inDays(n int) time.Time {
	now := time.Now().In(paris())
	return time.Date(now.Year(), now.Month(), now.Day()+n, 12, 0, 0, 0, paris())
}

// postJSON posts a JSON body.
func (s *testServer) postJSON(t testing.TB, target, body string) response {
	t.Helper()
	return s.do(t, http.MethodPost, target, strings.NewReader(body), "Content-Type", "application/json")
}

// postForm posts an HTML form with the CSRF cookie and token a browser
// sends after loading the form (csrf.go).
func (s *testServer) postForm(t testing.TB, target string, fields url.Values) response {
	t.Helper()
	fields, cookie := withCSRF(fields)
	return s.do(t, http.MethodPost, target, strings.NewReader(fields.Encode()), "Content-Type", "application/x-www-form-urlencoded",
		"Cookie", cookie)
}

// mustContain fails for each want the body lacks.
func mustContain(t testing.TB, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// checkShortlistConfidence reads a shortlist CSV and checks that it has
// the « Confiance » column after the score, filled on every row with the
// level the page and the report show.
func checkShortlistConfidence(t *testing.T, body string) {
	t.Helper()
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma = ';'
	records, err := r.ReadAll()
	if err != nil || len(records) < 2 {
		t.Fatalf("shortlist CSV: %d records, %v", len(records), err)
	}
	col := -1
	for i, h := range records[0] {
		if h == "Confiance" {
			col = i
		}
	}
	if col < 1 || records[0][col-1] != "Score (sur 100)" {
		t.Fatalf("shortlist CSV header %q: want « Confiance » right after « Score (sur 100) »", records[0])
	}
	for _, rec := range records[1:] {
		switch rec[col] {
		case data.ConfidenceHigh, data.ConfidenceMedium, data.ConfidenceLow:
		default:
			t.Errorf("row %q: Confiance = %q, want forte, moyenne or faible", rec, rec[col])
		}
	}
}
