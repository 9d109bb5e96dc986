package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestServeIndexesImportedTenders: notices imported while serve is stopped
// are indexed at its next start (the tender index is stale), listed by the
// API from the index, and a restart with nothing new keeps the index.
func TestServeIndexesImportedTenders(t *testing.T) {
	dir := t.TempDir()
	if out, _, err := runCmd(t, env(), "import", "--data", dir, "testdata/notices/cn_81_FRA.xml", "testdata/notices/can_81_FRA.xml"); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	s := startServe(t, env(), "--data", dir)
	status, body := httpGet(t, s.url+"api/v1/tenders?state=all&facets=true")
	if status != 200 {
		t.Fatalf("GET /api/v1/tenders = %d: %s", status, body)
	}
	var page struct {
		Total   int `json:"total"`
		Results []struct {
			ID    string `json:"id"`
			State string `json:"state"`
			Open  bool   `json:"open"`
		} `json:"results"`
		Facets map[string][]struct {
			Value string `json:"value"`
			Count int    `json:"count"`
		} `json:"facets"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil {
		t.Fatal(err)
	}
	if page.Total == 0 || len(page.Results) == 0 || len(page.Facets["status"]) == 0 {
		t.Fatalf("imported notices not listed: %s", body)
	}
	for _, r := range page.Results {
		if r.Open != (r.State == "open") {
			t.Errorf("%s: state %q contradicts open %t", r.ID, r.State, r.Open)
		}
	}
	if err := s.shutdown(t); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.stderr.String(), "tender index rebuild needed") {
		t.Errorf("first start did not rebuild the tender index:\n%s", s.stderr)
	}

	again := startServe(t, env(), "--data", dir)
	if status, body := httpGet(t, again.url+"api/v1/tenders?state=all"); status != 200 || !strings.Contains(body, page.Results[0].ID) {
		t.Errorf("after restart: %d %s", status, body)
	}
	if err := again.shutdown(t); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(again.stderr.String(), "tender index rebuild needed") {
		t.Errorf("a tender index in step with the store was rebuilt:\n%s", again.stderr)
	}
}
