package web

import (
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// TestTrackRecordFoldsPublications pins what a buyer reads on a company's
// page when the DECP publish a contract more than once, as the shipped
// awards do: MAISON GREVET's one contract with Saint-Suliac is five rows
// of the 2024-H2 file (same uid, a modification each), ATELIERS
// RENOV'LIVRES's contract with Le Grand-Quevilly is in both the PES and
// marches-publics.info files of 2019 under the same id, and DUFRAIGNE's
// contract with Montbellet was won with four other companies.
func TestTrackRecordFoldsPublications(t *testing.T) {
	const siren = "556450054"
	me := data.Winner{Name: "MAISON GREVET", SIRET: siren + "00078"}
	day := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 0, 0, 0, 0, time.UTC) }
	suliac := func(at time.Time, amount float64) data.Award {
		return data.Award{ID: "decp:213503147000182024TRAVEGL@" + at.Format("2006-01-02"), UID: "213503147000182024TRAVEGL",
			Source: "decp", Buyer: data.Buyer{Name: "COMMUNE DE SAINT SULIAC (MAIRIE)", SIRET: "21350314700018"},
			CPV: "45212350", NotifiedAt: at, Amount: amount, Place: data.Place{Departement: "35"}, Winners: []data.Winner{me}}
	}
	pes := data.Award{ID: "decp-2019-pes:20191812000", Source: "decp-2019-pes", Buyer: data.Buyer{Name: "GRAND-QUEVILLY (LE) (00100)"},
		CPV: "22113000", NotifiedAt: day(1, 8).AddDate(-5, 0, 0), Amount: 28000, Winners: []data.Winner{me}}
	mpi := pes
	mpi.ID, mpi.Source, mpi.Object = "decp-2019-marches-publics-info:20191812000", "decp-2019-marches-publics-info", "LOT 1 LIVRES RELIES"
	joint := data.Award{ID: "decp:217103050000192025000001@2024-12-23", UID: "217103050000192025000001",
		Buyer: data.Buyer{Name: "COMMUNE DE MONTBELLET (MAIRIE)", SIRET: "21710305000019"}, CPV: "45212350",
		NotifiedAt: day(12, 23), Amount: 250000,
		Winners: []data.Winner{me, {SIRET: "39396979500011"}, {SIRET: "48967842500013"}, {SIRET: "30228075500075"}, {SIRET: "33374701200057"}}}
	awards := []data.Award{suliac(day(11, 18), 87596.27), suliac(day(7, 2), 108327.66), suliac(day(9, 20), 93097.04),
		mpi, joint, suliac(day(8, 9), 93097.04), pes, suliac(day(7, 23), 93097.04)}

	tr := newTrackRecord(siren, awards)
	if tr.Count != 3 || len(tr.Shown) != 3 {
		t.Fatalf("Count = %d, %d shown, want 3 contracts (Saint-Suliac, Montbellet, Grand-Quevilly): %+v", tr.Count, len(tr.Shown), tr.Shown)
	}
	if want := formatEuros(87596.27 + 250000.0/5 + 28000); tr.Total != want {
		t.Errorf("Total = %q, want %q: each contract once, at its last amount, a joint one for the company's share", tr.Total, want)
	}
	if !tr.Joint || !tr.Folded {
		t.Errorf("Joint = %v, Folded = %v, want both (the page explains the total)", tr.Joint, tr.Folded)
	}
	for i, want := range []struct {
		buyer, date, amount, object string
		publications, coWinners     int
	}{
		{"COMMUNE DE MONTBELLET (MAIRIE)", "2024-12-23", formatEuros(250000), "", 1, 5},
		{"COMMUNE DE SAINT SULIAC (MAIRIE)", "2024-07-02", formatEuros(87596.27), "", 5, 0},
		{"GRAND-QUEVILLY (LE) (00100)", "2019-01-08", formatEuros(28000), "LOT 1 LIVRES RELIES", 2, 0},
	} {
		got := tr.Shown[i]
		if got.Buyer != want.buyer || got.DateISO != want.date || got.Amount != want.amount || got.Object != want.object ||
			got.Publications != want.publications || got.CoWinners != want.coWinners {
			t.Errorf("contract %d = %+v, want %+v", i, got, want)
		}
	}

	// Distinct contracts stay distinct: same buyer and day, other amounts
	// and uids (Castres's three lots for MALBREL CONSERVATION).
	var lots []data.Award
	for i, amount := range []float64{1194242.5, 1194509.8, 197197} {
		lots = append(lots, data.Award{ID: "decp:lot" + strings.Repeat("0", i), UID: "2181006590001820242403" + strings.Repeat("0", i),
			Buyer: data.Buyer{SIRET: "21810065900018"}, CPV: "45212350", NotifiedAt: day(10, 21), Amount: amount, Winners: []data.Winner{me}})
	}
	if tr := newTrackRecord(siren, lots); tr.Count != 3 || tr.Folded {
		t.Errorf("three lots: Count = %d, Folded = %v, want 3 contracts, none folded", tr.Count, tr.Folded)
	}
	if tr := newTrackRecord(siren, nil); tr != nil {
		t.Errorf("no award: %+v, want nil (no section)", tr)
	}
}
