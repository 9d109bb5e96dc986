package notice

import (
	"errors"
	"strings"
	"testing"

	"fabrique/data"
)

// TestParseOCDSReleasePackage merges the releases of one process in date
// order (tender, amendment, award), maps cancelled and invalid processes,
// and reports the releases it cannot use.
func TestParseOCDSReleasePackage(t *testing.T) {
	res, err := parseFixture(t, ocds, "ocds/release_package_fr.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tenders) != 2 || len(res.Problems) != 2 {
		t.Fatalf("got %d tenders, problems %v; want 2 tenders and 2 problems", len(res.Tenders), res.Problems)
	}
	tn := res.Tenders[0]
	if tn.ID != "ocds:ocds-fabrique-2026-0001" || len(tn.SourceIDs) != 4 || tn.SourceIDs[2] != "ocds:ocds-fabrique-2026-0001-02-amendment" {
		t.Errorf("ID %s, SourceIDs %v; want the ocid, then every release in date order", tn.ID, tn.SourceIDs)
	}
	if tn.Title != "Rénovation énergétique de l'école de Thorens-Glières" || tn.Nature != data.NatureWorks || tn.State != data.StateAwarded {
		t.Errorf("title %q nature %q state %q", tn.Title, tn.Nature, tn.State)
	}
	if tn.CPV != "45421000" || strings.Join(tn.CPVAdditional, ",") != "45310000,45315100" {
		t.Errorf("CPV %s %v; want 45421000 then 45310000, 45315100 (UNSPSC ignored)", tn.CPV, tn.CPVAdditional)
	}
	if want := rfc3339(t, "2026-03-13T12:00:00+01:00"); !tn.Deadline.Equal(want) {
		t.Errorf("deadline %v, want the amended %v", tn.Deadline, want)
	}
	if tn.Buyer.SIRET != "20006258600157" || tn.Place.Departement != "74" || tn.Place.Commune != "Fillière" {
		t.Errorf("buyer %+v place %+v", tn.Buyer, tn.Place)
	}
	if tn.EstimatedValue != 250000 || tn.Currency != "EUR" || tn.URL != "https://example.org/avis/2026-01" {
		t.Errorf("value %v %s URL %q", tn.EstimatedValue, tn.Currency, tn.URL)
	}
	if len(tn.Lots) != 2 || tn.Lots[1].CPV != "45310000" || tn.Lots[0].Place.Departement != "74" {
		t.Errorf("lots %+v", tn.Lots)
	}
	if len(res.Awards) != 2 {
		t.Fatalf("got %d awards; want the 2 active ones (pending left out)", len(res.Awards))
	}
	a1, a2 := res.Awards[0], res.Awards[1]
	if a1.ID != "ocds:ocds-fabrique-2026-0001:A1" || a1.Object != "Menuiseries extérieures aluminium" || a1.CPV != "45421000" ||
		a1.Amount != 61100 || a1.OffersReceived != 4 || a1.Procedure != "Procédure adaptée" || !hasWinner(a1, "ALU CONCEPT HABITAT", "42199758600035") {
		t.Errorf("award A1 %+v", a1)
	}
	if !hasWinner(a2, "ELEC ET COMPAGNIE", "") || a2.Winners[0].LotID != "LOT-2" {
		t.Errorf("award A2 %+v; want the winner kept without its invalid SIRET", a2)
	}
	warned := false
	for _, w := range res.Warnings {
		if strings.Contains(w.Error(), "83380264800027") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("warnings %v; want the dropped SIRET noted", res.Warnings)
	}

	cancelled := res.Tenders[1]
	if cancelled.State != data.StateCancelled || cancelled.Place.Departement != "27" || cancelled.CPV != "77310000" {
		t.Errorf("cancelled process: %+v", cancelled)
	}
	problems := map[string]string{"ocds-fabrique-2026-0003": `"3916"`, "release n°6": "ocid absent"}
	for _, p := range res.Problems {
		if want, ok := problems[p.Ref]; !ok || !strings.Contains(p.Error(), want) {
			t.Errorf("problem %v; want %q for %s", p, problems[p.Ref], p.Ref)
		}
	}
}

func TestParseOCDSShapes(t *testing.T) {
	tests := []struct {
		name, json string
		tenders    int
		wantErr    error
	}{
		{"record package", `{"records":[{"ocid":"o1","compiledRelease":{"ocid":"o1","id":"r","buyer":{"name":"B"},"tender":{"title":"T"}}}]}`, 1, nil},
		{"record package without compiled release", `{"records":[{"ocid":"o1","releases":[{"ocid":"o1","id":"r","buyer":{"name":"B"},"tender":{"title":"T"}}]}]}`, 1, nil},
		{"lone release", `{"ocid":"o1","id":"r","buyer":{"name":"B"},"tender":{"title":"T","status":"planning"}}`, 1, nil},
		{"not OCDS", `{"marches":[]}`, 0, ErrMalformed},
		{"not an object", `[1,2]`, 0, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ParseOCDS(strings.NewReader(tt.json), testOptions())
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if len(res.Tenders) != tt.tenders {
				t.Errorf("got %d tenders, want %d (problems %v)", len(res.Tenders), tt.tenders, res.Problems)
			}
		})
	}
}
