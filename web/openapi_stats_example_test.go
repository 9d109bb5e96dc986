package web

import (
	"encoding/json"
	"os"
	"testing"

	"fabrique/data"
	"fabrique/data/observatory"
)

// TestOpenAPIStatsExamplesCurrent: the examples of /api/v1/stats/awards
// and /history give the default server's figures. They still showed
// 7 236 contracts for 2024 and 0 records folded, and 17 334 awards and 34
// labelled in the history, after the observatory came to count a modified
// contract once (5 273 and 1 957 folded for 2024; 14 546 and 22 over
// every period): a reader checking the API against the documentation
// found neither.
func TestOpenAPIStatsExamplesCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the 17 300 embedded awards")
	}
	example := func(path string, v any) {
		t.Helper()
		if err := json.Unmarshal(openAPIExample(t, path), v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
	}
	var documented observatory.AwardShare
	example("/api/v1/stats/awards", &documented)
	var history []data.StatsSnapshot
	example("/api/v1/stats/history", &history)
	if len(history) != 1 {
		t.Fatalf("history example: %d snapshots, want 1", len(history))
	}

	s := newRealDefaultServer(t)
	var got, all observatory.AwardShare
	decodeJSON(t, s.get(t, "/api/v1/stats/awards?period=2024"), &got)
	decodeJSON(t, s.get(t, "/api/v1/stats/awards"), &all)
	check := func(name string, documented, served any) {
		t.Helper()
		if documented != served {
			t.Errorf("%s: the example says %v, the default server %v", name, documented, served)
		}
	}
	check("2024: contracts", documented.All.Count, got.All.Count)
	check("2024: labelled", documented.Labelled.Count, got.Labelled.Count)
	check("2024: records folded", documented.Duplicates, got.Duplicates)
	check("2024: from", documented.From, got.From)
	check("2024: to", documented.To, got.To)
	check("2024: sources", len(documented.BySource), len(got.BySource))
	check("history: awards", history[0].Awards, all.All.Count)
	check("history: labelled", history[0].AwardsLabelled, all.Labelled.Count)
}

// openAPIExample is the example of the 200 JSON answer of path's GET in
// openapi.json.
func openAPIExample(t testing.TB, path string) json.RawMessage {
	t.Helper()
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]struct {
			Get struct {
				Responses map[string]struct {
					Content map[string]struct {
						Example json.RawMessage `json:"example"`
					} `json:"content"`
				} `json:"responses"`
			} `json:"get"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Paths[path].Get.Responses["200"].Content["application/json"].Example
}
