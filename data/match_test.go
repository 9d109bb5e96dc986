package data_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func TestReasonString(t *testing.T) {
	tests := []struct {
		name string
		r    data.Reason
		want string
	}{
		{"terms", data.Reason{Kind: data.ReasonTerms, Terms: []string{"charpente", "couverture"}},
			"termes : charpente, couverture"},
		{"cpv with label", data.Reason{Kind: data.ReasonCPV, TenderCPV: "45261210", TenderCPVFR: "Travaux de couverture"},
			"CPV 45261210 (travaux de couverture) déclaré par l'entreprise"},
		{"cpv without label", data.Reason{Kind: data.ReasonCPV, TenderCPV: "45261210"},
			"CPV 45261210 déclaré par l'entreprise"},
		{"cpv from naf", data.Reason{Kind: data.ReasonCPVFromNAF, TenderCPV: "45261210", TenderCPVFR: "Travaux de couverture", NAF: "43.91B"},
			"CPV 45261210 (travaux de couverture) ↔ NAF 43.91B"},
		{"cpv from naf without label", data.Reason{Kind: data.ReasonCPVFromNAF, TenderCPV: "45000000", NAF: "43.91B"},
			"CPV 45000000 ↔ NAF 43.91B"},
		{"cpv from naf learned from one award", data.Reason{Kind: data.ReasonCPVFromNAF, TenderCPV: "45000000", NAF: "31.09B", LearnedAwards: 1},
			"CPV 45000000 ↔ NAF 31.09B (lien appris d'un marché)"},
		{"cpv from naf learned from awards", data.Reason{Kind: data.ReasonCPVFromNAF, TenderCPV: "45000000", NAF: "31.09B", LearnedAwards: 4},
			"CPV 45000000 ↔ NAF 31.09B (lien appris de 4 marchés)"},
		{"distance rounds down", data.Reason{Kind: data.ReasonDistance, DistanceKm: 12.4}, "à 12 km"},
		{"distance rounds half up", data.Reason{Kind: data.ReasonDistance, DistanceKm: 12.5}, "à 13 km"},
		{"distance zero: the same place", data.Reason{Kind: data.ReasonDistance, DistanceKm: 0}, "sur place"},
		{"distance under 100 m", data.Reason{Kind: data.ReasonDistance, DistanceKm: 0.04}, "sur place"},
		{"distance under 1 km", data.Reason{Kind: data.ReasonDistance, DistanceKm: 0.4}, "à moins d'un km"},
		{"distance just under 1 km", data.Reason{Kind: data.ReasonDistance, DistanceKm: 0.97}, "à moins d'un km"},
		{"distance of 1 km", data.Reason{Kind: data.ReasonDistance, DistanceKm: 1}, "à 1 km"},
		{"distance in thousands", data.Reason{Kind: data.ReasonDistance, DistanceKm: 9356.2}, "à 9\u202f356 km"},
		{"service area", data.Reason{Kind: data.ReasonServiceArea, Detail: "Rhône (69)"},
			"zone d'intervention déclarée : Rhône (69)"},
		{"label with end date", data.Reason{Kind: data.ReasonLabel, Label: data.LabelEPV, ValidUntil: time.Date(2030, 11, 3, 0, 0, 0, 0, time.UTC)},
			"label EPV valide jusqu'au 03/11/2030"},
		{"label without end date", data.Reason{Kind: data.ReasonLabel, Label: data.LabelOFG}, "label OFG valide"},
		{"capacity", data.Reason{Kind: data.ReasonCapacity, Detail: "20 à 49 salariés"}, "effectif : 20 à 49 salariés"},
		{"track record", data.Reason{Kind: data.ReasonTrackRecord, AwardCount: 3},
			"a déjà remporté 3 marchés de ce type"},
		{"track record with its latest month", data.Reason{Kind: data.ReasonTrackRecord, AwardCount: 1, LastAward: "2024-09"},
			"a déjà remporté un marché de ce type (dernier : septembre 2024)"},
		{"track record with a malformed month", data.Reason{Kind: data.ReasonTrackRecord, AwardCount: 2, LastAward: "2024-13"},
			"a déjà remporté 2 marchés de ce type"},
		{"unknown kind with detail", data.Reason{Kind: "other", Detail: "voisin d'un lauréat"}, "voisin d'un lauréat"},
		{"unknown kind", data.Reason{Kind: "other"}, "other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

// Every kind has its own French rendering, never the bare kind name.
func TestReasonKindsAllRendered(t *testing.T) {
	kinds := []data.ReasonKind{data.ReasonTerms, data.ReasonCPV, data.ReasonCPVFromNAF, data.ReasonDistance,
		data.ReasonServiceArea, data.ReasonLabel, data.ReasonCapacity, data.ReasonTrackRecord}
	seen := map[string]data.ReasonKind{}
	for _, k := range kinds {
		got := data.Reason{Kind: k}.String()
		if got == string(k) {
			t.Errorf("Reason{Kind: %q}.String() = %q, the bare kind", k, got)
		}
		if other, dup := seen[got]; dup {
			t.Errorf("kinds %q and %q both render %q", other, k, got)
		}
		seen[got] = k
	}
}

// The JSON of a reason carries its French text, as Reason.Text promises.
func TestReasonJSON(t *testing.T) {
	km := 12.4
	m := data.Match{SupplierID: "442701132", Name: "HORUS", Score: 1.5, DistanceKm: &km,
		Reasons: []data.Reason{{Kind: data.ReasonDistance, Weight: 0.3, DistanceKm: km}}}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Reasons []struct {
			Kind string `json:"kind"`
			Text string `json:"text"`
		} `json:"reasons"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Reasons) != 1 || back.Reasons[0].Text != "à 12 km" || back.Reasons[0].Kind != "distance" {
		t.Errorf("json.Marshal(match) = %s, want the reason with text %q", b, "à 12 km")
	}

	custom := data.Reason{Kind: data.ReasonDistance, DistanceKm: km, Text: "tout près"}
	if b, _ := json.Marshal(custom); !json.Valid(b) || !strings.Contains(string(b), `"text":"tout près"`) {
		t.Errorf("json.Marshal(reason with Text) = %s, want the given text kept", b)
	}
}
