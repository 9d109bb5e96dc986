package web

import (
	"context"
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/index"
)

func TestExportsAndReport(t *testing.T) {
	rich := richSupplier()
	s := newSearchServer(t, Config{}, rich, evilSupplier())

	t.Run("CSV for French spreadsheets", func(t *testing.T) {
		r := s.get(t, "/recherche.csv?q=ebenisterie")
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		if ct := r.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="fabrique-fournisseurs-`) || !strings.HasSuffix(cd, `.csv"`) {
			t.Errorf("Content-Disposition = %q, want an attachment named fabrique-fournisseurs-<date>.csv", cd)
		}
		if !strings.HasPrefix(r.body, "\ufeff") {
			t.Fatalf("no UTF-8 BOM: spreadsheets would misread the accents")
		}
		if !strings.Contains(r.body, "\r\n") {
			t.Errorf("lines do not end with CRLF")
		}
		cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\ufeff")))
		cr.Comma = ';'
		rows, err := cr.ReadAll()
		if err != nil {
			t.Fatalf("not a ;-separated CSV: %v", err)
		}
		if !slices.Equal(rows[0], csvHeader()) {
			t.Errorf("header = %q, want %q", rows[0], csvHeader())
		}
		if got := strings.SplitN(strings.TrimPrefix(r.body, "\ufeff"), "\r\n", 2)[0]; got != "SIREN;SIRET;Raison sociale;Commune;Département;Région;Code NAF;Libellé NAF;Labels;Distance (km);Fiche Fabrique;"+
			"État des labels;Adresse;Code postal;Site web;Courriel;Téléphone" {
			t.Errorf("first line = %q", got)
		}
		total, _ := strconv.Atoi(r.header.Get("X-Total-Count"))
		if len(rows)-1 != total || total < 5 {
			t.Errorf("%d rows for %d results, want all of them (at least 5)", len(rows)-1, total)
		}
		var joussot []string
		for _, row := range rows[1:] {
			if row[2] == "EBENISTERIE PIERRE JOUSSOT ET FILS" {
				joussot = row
			}
		}
		if len(joussot) != 17 || !strings.HasPrefix(joussot[11], "EPV valide") || joussot[13] != "71530" || joussot[0] != "325793768" || joussot[1] != "32579376800012" || joussot[3] != "Champforgeuil" ||
			joussot[4] != "71" || joussot[5] != "Bourgogne-Franche-Comté" || joussot[6] != "31.09B" || joussot[8] != "EPV" ||
			!strings.HasSuffix(joussot[10], "/fournisseurs/325793768") {
			t.Errorf("JOUSSOT row = %q", joussot)
		}
	})

	t.Run("CSV distances use a decimal comma", func(t *testing.T) {
		r := s.get(t, "/recherche.csv?near=Lyon&radius_km=10")
		cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\ufeff")))
		cr.Comma = ';'
		rows, err := cr.ReadAll()
		if err != nil || len(rows) < 3 {
			t.Fatalf("rows %d, err %v", len(rows), err)
		}
		for _, row := range rows[1:] {
			if !strings.Contains(row[9], ",") || strings.Contains(row[9], ".") {
				t.Errorf("distance %q, want a decimal comma", row[9])
			}
		}
	})

	t.Run("CSV cells cannot run as formulas", func(t *testing.T) {
		for in, want := range map[string]string{"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+33 1": "'+33 1",
			"-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "Atelier": "Atelier", "": ""} {
			if got := csvText(in); got != want {
				t.Errorf("csvText(%q) = %q, want %q", in, got, want)
			}
		}
	})

	t.Run("exports are capped", func(t *testing.T) {
		hits, total, err := s.searchAll(context.Background(), index.Query{}, 150)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) != 150 || total < 1200 {
			t.Errorf("searchAll(limit 150) = %d hits of %d, want 150 of all the directory", len(hits), total)
		}
		seen := map[string]bool{}
		for _, h := range hits {
			if seen[h.ID] {
				t.Fatalf("%s exported twice: paging is not stable", h.ID)
			}
			seen[h.ID] = true
		}
	})

	t.Run("sourcing report", func(t *testing.T) {
		r := s.get(t, "/recherche/rapport?q=coutellerie&label=OFG")
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		doc := parseHTML(t, r)
		text := textOf(doc.Find("main"))
		for _, want := range []string{"Rapport de sourcing", "Établi le", "Recherche « coutellerie »",
			"Label OFG – Origine France Garantie", "1 fournisseur correspond",
			"1. Coutellerie des Pentes", "Preuves des labels", "OFG — Origine France Garantie certificat OFG-2024-117",
			"en cours de validité", "une gamme de produits : Couteaux de table", "Annuaire Origine France Garantie",
			"EPV — Entreprise du Patrimoine Vivant", "non retrouvé depuis le 1er mars 2026"} {
			if !strings.Contains(text, want) {
				t.Errorf("report lacks %q", want)
			}
		}
		if doc.Find("button[data-print][hidden]").Length() != 1 {
			t.Errorf("the print button must be hidden until JavaScript can print")
		}
		if doc.Find(`script[src^="/static/report."]`).Length() != 1 {
			t.Errorf("the report does not load its script from the hashed static URL")
		}
		if href, _ := doc.Find(`a[href^="/recherche.csv"]`).Attr("href"); !strings.Contains(href, "label=OFG") {
			t.Errorf("CSV link of the report = %q, want the same criteria", href)
		}
	})

	t.Run("report of an invalid search is a French error page", func(t *testing.T) {
		r := s.get(t, "/recherche/rapport?near=Atlantide")
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "lieu inconnu") {
			t.Errorf("status %d, want 400 explaining the unknown place", r.status)
		}
	})
}

// TestSearchReportParisTime: the report says when it was made in Paris
// time, as the tender and need reports do, not in the server's UTC.
func TestSearchReportParisTime(t *testing.T) {
	at := time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC) // 00 h 30 on 1 January in Paris
	s := newSearchServer(t, Config{Now: func() time.Time { return at }})
	r := s.get(t, "/recherche/rapport?q=coutellerie")
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	doc := parseHTML(t, r)
	if title := doc.Find("title").Text(); !strings.Contains(title, "Rapport de sourcing du 1er janvier 2027") {
		t.Errorf("title %q, want the day in Paris", title)
	}
	if text := textOf(doc.Find("main")); !strings.Contains(text, "1er janvier 2027 à 00 h 30") {
		t.Errorf("report does not say it was made on 1 January 2027 at 00 h 30 (Paris time):\n%.300s", text)
	}
}

// Every CSV export is named fabrique-WHAT-DAY.csv, DAY the French
// calendar day of the server's clock (Config.Now), not the process's
// time.Now: a file downloaded at 00:30 in Paris carries that day.
func TestCSVFileNamesDatedByServerClock(t *testing.T) {
	at := time.Date(2026, 3, 14, 23, 30, 0, 0, time.UTC) // 00:30 on 15 March in Paris
	s := newSearchServer(t, Config{Now: func() time.Time { return at }})
	putTenders(t, s, listTenders()[0])
	createAccount(t, s, "admin@alliance.test", testPassword, data.RoleAdmin)
	admin := signIn(t, s, "admin@alliance.test", testPassword)
	tests := []struct {
		target, want string
	}{
		{"/recherche.csv?q=ebenisterie", "fabrique-fournisseurs-2026-03-15.csv"},
		{"/appels-d-offres/boamp:26-1/fournisseurs.csv", "fabrique-fournisseurs-boamp-26-1-2026-03-15.csv"},
		{"/api/v1/stats/coverage?format=csv", "fabrique-couverture-2026-03-15.csv"},
		{"/api/v1/stats/tenders?format=csv", "fabrique-appels-d-offres-2026-03-15.csv"},
		{"/api/v1/stats/awards?format=csv", "fabrique-attributions-2026-03-15.csv"},
		{"/api/v1/stats/sources?format=csv", "fabrique-sources-2026-03-15.csv"},
		{"/api/v1/stats/history?format=csv", "fabrique-historique-2026-03-15.csv"},
		{adminFeedbackPath, "fabrique-retours-2026-03-15.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			r := admin.get(t, tt.target)
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %.300s", r.status, r.body)
			}
			if got, want := r.header.Get("Content-Disposition"), `attachment; filename="`+tt.want+`"`; got != want {
				t.Errorf("Content-Disposition = %q, want %q", got, want)
			}
		})
	}
}
