package web

import (
	"context"
	"net/http"
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

// TestAPISupplierFoldsPublications: the API's record of a supplier lists
// each contract it won once, as its page does: a contract published by
// two platforms and modified later is one element, the latest publication
// (its current amount) dated by the notification, with its publications
// counted and named, oldest first; a distinct contract stays apart.
func TestAPISupplierFoldsPublications(t *testing.T) {
	co := listingCompany(46, "Ébénisterie Publiée")
	s := newSearchServer(t, Config{}, co)
	me := data.Winner{Name: co.Name, SIRET: co.SIREN + "00011"}
	buyer := data.Buyer{Name: "VILLE DE LYON", SIRET: "21690123100011"}
	day := func(m, d int) time.Time { return time.Date(2024, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	awards := []data.Award{
		{ID: "decp-aife:1", UID: "2169012310001124001", Source: "decp-aife", Buyer: buyer, CPV: "39151000", Amount: 40000,
			NotifiedAt: day(3, 4), Object: "Mobilier de la bibliothèque", Winners: []data.Winner{me}},
		{ID: "decp-pes:1", UID: "2169012310001124001", Source: "decp-pes", Buyer: buyer, CPV: "39151000", Amount: 40000,
			NotifiedAt: day(3, 4), Winners: []data.Winner{me}},
		{ID: "decp-aife:1-mod", UID: "2169012310001124001", Source: "decp-aife", Buyer: buyer, CPV: "39151000", Amount: 46000,
			NotifiedAt: day(9, 1), Winners: []data.Winner{me}},
		{ID: "decp-aife:2", UID: "2169012310001124002", Source: "decp-aife", Buyer: buyer, CPV: "39151000", Amount: 12000,
			NotifiedAt: day(6, 2), Object: "Bancs du parc", Winners: []data.Winner{me}},
	}
	if err := s.store.PutAwards(context.Background(), awards); err != nil {
		t.Fatal(err)
	}
	r := s.get(t, "/api/v1/suppliers/"+co.SIREN)
	wantStatus(t, "api supplier", r, http.StatusOK)
	var got struct {
		Awards []struct {
			ID             string    `json:"id"`
			Amount         float64   `json:"amount"`
			NotifiedAt     time.Time `json:"notified_at"`
			Object         string    `json:"object"`
			Publications   int       `json:"publications"`
			PublicationIDs []string  `json:"publication_ids"`
		} `json:"awards"`
	}
	decodeJSON(t, r, &got)
	if len(got.Awards) != 2 {
		t.Fatalf("%d awards, want the 2 contracts: %+v", len(got.Awards), got.Awards)
	}
	// Latest notification first: the benches (June), then the furniture
	// (notified in March, modified in September).
	a := got.Awards[1]
	if a.ID != "decp-aife:1-mod" || a.Amount != 46000 || !a.NotifiedAt.Equal(day(3, 4)) || a.Object != "Mobilier de la bibliothèque" ||
		a.Publications != 3 || strings.Join(a.PublicationIDs, " ") != "decp-aife:1 decp-pes:1 decp-aife:1-mod" {
		t.Errorf("furniture contract = %+v, want the modification's amount, the first notification, 3 publications", a)
	}
	if b := got.Awards[0]; b.ID != "decp-aife:2" || b.Publications != 1 || len(b.PublicationIDs) != 1 {
		t.Errorf("first contract = %+v, want the one publication of the benches", b)
	}
	page := s.get(t, supplierURL(co.ID))
	wantStatus(t, "supplier page", page, http.StatusOK)
	mustContain(t, "supplier page", page.body, "2 marchés publics attribués à cette entreprise")
}
