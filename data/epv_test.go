package data_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// epvColumns is the header of the official export, in order.
var epvColumns = []string{"Raison sociale", "SIRET", "Code NAF", "Libellé NAF", "Région",
	"Date de labellisation", "Date de fin de labellisation", "Univers", "geolocetablissement"}

// epvRows parses the embedded EPV export (";" separated, UTF-8 with BOM)
// into maps keyed by column name.
func epvRows(t *testing.T) []map[string]string {
	t.Helper()
	raw := data.EmbeddedEPVCSV()
	if !bytes.HasPrefix(raw, []byte("\ufeff")) {
		t.Fatal("the EPV export lost its UTF-8 BOM: was it re-saved?")
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\ufeff"))))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("parse EPV export: %v", err)
	}
	if !slices.Equal(recs[0], epvColumns) {
		t.Fatalf("EPV header = %q, want %q", recs[0], epvColumns)
	}
	rows := make([]map[string]string, 0, len(recs)-1)
	for _, rec := range recs[1:] {
		m := make(map[string]string, len(rec))
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		rows = append(rows, m)
	}
	return rows
}

// The required EPV SIRET test: every row of the real export goes through
// RepairSIRET. 27 SIRETs lost their leading zeros (26 have 13 digits, one
// has 12) and all 27 pass once padded; the two rows refused have 14 digits
// and a key that fails (the source's note "all but 2" of the padded ones is
// not what the file holds: the 2 failures are not padded ones).
func TestEPVSIRETs(t *testing.T) {
	rows := epvRows(t)
	if len(rows) != 1298 {
		t.Fatalf("EPV export has %d rows, want 1298", len(rows))
	}
	lengths := map[int]int{}
	var accepted, repaired int
	refused := map[string]string{} // SIRET → message
	seen := map[string]bool{}
	var twice []string
	for _, r := range rows {
		raw := r["SIRET"]
		lengths[len(raw)]++
		siret, rep, err := data.RepairSIRET(raw)
		if rep {
			repaired++
		}
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Errorf("RepairSIRET(%q) error %v does not wrap ErrInvalid", raw, err)
			}
			refused[raw] = err.Error()
			continue
		}
		accepted++
		if len(siret) != 14 || data.ValidSIRET(siret) != nil {
			t.Errorf("RepairSIRET(%q) accepted %q", raw, siret)
		}
		if rep != (len(raw) < 14) || strings.TrimLeft(siret, "0") != strings.TrimLeft(raw, "0") {
			t.Errorf("RepairSIRET(%q) = %q, repaired=%v", raw, siret, rep)
		}
		if seen[siret] {
			twice = append(twice, siret)
		}
		seen[siret] = true
	}
	// Five establishments are listed twice: a renewal under a new name
	// (DESPERROIS, MENUISIER ET COMPAGNONS, M.C.C.) or two labelled
	// businesses of one establishment (FAFOURNOUX / SIN REJAC, SERAL /
	// MANUFACTURE JOAILLIERE D'OCCITANIE). The importer must merge them.
	slices.Sort(twice)
	wantTwice := []string{"30805466700016", "38508116100031", "49913304900019", "58204928400042", "62278052600019"}
	if !slices.Equal(twice, wantTwice) || len(seen) != 1291 {
		t.Errorf("SIRETs listed twice = %v (%d distinct), want %v (1291 distinct)", twice, len(seen), wantTwice)
	}
	if accepted != 1296 {
		t.Errorf("%d SIRETs accepted, want 1296", accepted)
	}
	if repaired != 27 || lengths[13] != 26 || lengths[12] != 1 || lengths[14] != 1271 {
		t.Errorf("%d SIRETs padded (lengths %v), want 27 (26 of 13 digits, 1 of 12, 1271 of 14)", repaired, lengths)
	}
	wantRefused := map[string]string{
		// METALNEO: the SIREN part itself fails its key.
		"48300000000000": `data: invalid SIRET "48300000000000": le SIREN 483000000 a une clé de contrôle (Luhn) incorrecte`,
		// HM BOIS DESIGN: a valid SIREN, a wrong establishment number or key.
		"52413706400024": `data: invalid SIRET "52413706400024": clé de contrôle (Luhn) incorrecte`,
	}
	if len(refused) != len(wantRefused) {
		t.Errorf("refused %v, want %v", refused, wantRefused)
	}
	for siret, want := range wantRefused {
		if got := refused[siret]; got != want {
			t.Errorf("RepairSIRET(%q) error = %q, want %q", siret, got, want)
		}
	}
}

// Every NAF code of the export is a known rév. 2 sous-classe once
// normalised (eight are written without their dot, "4399D"), except two
// codes of the nomenclatures before 2008, reported with ErrNAF1993: "35.1E"
// (JFA CHANTIER NAVAL, labelled "ancienne révision NAF (NAF1993) non
// supportée" by the source) and "22.2C" (an imprimerie, labelled with its
// old name "Autre imprimerie (labeur)"). The source notes only the first.
func TestEPVNAF(t *testing.T) {
	var normalised, undotted int
	legacy := map[string]string{}
	codeInLabel := regexp.MustCompile(`\((\d\d\.\d\d[A-Z])\)\s*$`)
	for _, r := range epvRows(t) {
		raw := r["Code NAF"]
		code, err := data.NormalizeNAF(raw)
		switch {
		case errors.Is(err, data.ErrNAF1993):
			legacy[raw] = r["Raison sociale"]
			continue
		case err != nil:
			t.Errorf("%s: NormalizeNAF(%q) = %v, want a rév. 2 code or ErrNAF1993", r["Raison sociale"], raw, err)
			continue
		}
		normalised++
		if code != raw {
			undotted++
		}
		if m := codeInLabel.FindStringSubmatch(r["Libellé NAF"]); m != nil && m[1] != code {
			t.Errorf("%s: code %s but label %q", r["Raison sociale"], code, r["Libellé NAF"])
		}
	}
	if normalised != 1296 || undotted != 8 {
		t.Errorf("%d NAF codes normalised (%d without dot), want 1296 (8)", normalised, undotted)
	}
	want := map[string]string{"35.1E": "JFA CHANTIER NAVAL", "22.2C": "SAS INVELAC - RELIURES DEVEL - IMPRIMERIE FANLAC"}
	if len(legacy) != len(want) || legacy["35.1E"] != want["35.1E"] || legacy["22.2C"] != want["22.2C"] {
		t.Errorf("NAF 1993 codes = %v, want %v", legacy, want)
	}
}

// The export writes its 17 régions in 20 spellings (upper case with or
// without accents, some in title case, "NOUVELLE AQUITAINE" without its
// dash); every one resolves.
func TestEPVRegions(t *testing.T) {
	spellings := map[string]bool{}
	regions := map[string]bool{}
	for _, r := range epvRows(t) {
		name := r["Région"]
		spellings[name] = true
		g, ok := data.RegionByName(name)
		if !ok {
			t.Errorf("%s: RegionByName(%q) not found", r["Raison sociale"], name)
			continue
		}
		regions[g.Code] = true
	}
	if len(spellings) != 20 || len(regions) != 17 {
		t.Errorf("%d spellings of %d régions, want 20 of 17", len(spellings), len(regions))
	}
}

// boxes are generous bounding boxes of metropolitan France (with Corsica)
// and of the five DROM, as lat/lon ranges.
var boxes = []struct {
	name                           string
	minLat, maxLat, minLon, maxLon float64
}{
	{"métropole", 41.3, 51.2, -5.3, 9.7},
	{"Guadeloupe", 15.8, 16.6, -61.9, -60.9},
	{"Martinique", 14.3, 14.95, -61.3, -60.75},
	{"Guyane", 2.1, 5.8, -54.7, -51.5},
	{"La Réunion", -21.45, -20.85, 55.2, 55.9},
	{"Mayotte", -13.05, -12.6, 44.95, 45.35},
}

func territoryOf(lat, lon float64) string {
	for _, b := range boxes {
		if lat >= b.minLat && lat <= b.maxLat && lon >= b.minLon && lon <= b.maxLon {
			return b.name
		}
	}
	return ""
}

func parseLatLon(s string) (lat, lon float64, err error) {
	la, lo, ok := strings.Cut(s, ",")
	if !ok {
		return 0, 0, fmt.Errorf("no comma in %q", s)
	}
	if lat, err = strconv.ParseFloat(strings.TrimSpace(la), 64); err != nil {
		return 0, 0, err
	}
	lon, err = strconv.ParseFloat(strings.TrimSpace(lo), 64)
	return lat, lon, err
}

// Every row's "lat, lon" parses and falls inside France. Where the nearest
// commune lies in another région than the declared one, the row goes to a
// golden file. They are defects of the export, not border cases (RELTEX
// declared in Auvergne-Rhône-Alpes but placed in Seine-Saint-Denis, POL
// ROGER declared in Grand Est but placed in the Somme…; 97 of the 105 have
// a name starting with P to S): see README.md. Run with -update to rewrite
// the file after reviewing the diff.
func TestEPVCoordinates(t *testing.T) {
	territories := map[string]int{}
	var mismatches []string
	for _, r := range epvRows(t) {
		lat, lon, err := parseLatLon(r["geolocetablissement"])
		if err != nil {
			t.Errorf("%s: geolocetablissement %q: %v", r["Raison sociale"], r["geolocetablissement"], err)
			continue
		}
		terr := territoryOf(lat, lon)
		if terr == "" {
			t.Errorf("%s: %v, %v is outside France", r["Raison sociale"], lat, lon)
			continue
		}
		territories[terr]++
		declared, _ := data.RegionByName(r["Région"])
		c, km := data.NearestCommune(lat, lon)
		if c.Region != declared.Code {
			placed, _ := data.LookupRegion(c.Region)
			mismatches = append(mismatches, fmt.Sprintf("%s;%s;declared %s;placed in %s, %.1f km from %s (%s)",
				r["SIRET"], r["Raison sociale"], declared.Name, placed.Name, km, c.Name, c.Departement))
		}
	}
	want := map[string]int{"métropole": 1293, "Guyane": 2, "Guadeloupe": 1, "Martinique": 1, "La Réunion": 1}
	for k, n := range want {
		if territories[k] != n {
			t.Errorf("rows per territory = %v, want %v", territories, want)
			break
		}
	}
	slices.Sort(mismatches)
	checkGolden(t, "epv_region_mismatches.golden", strings.Join(mismatches, "\n")+"\n")
}

// Every label runs five years from its date; the dates are ISO days.
func TestEPVDates(t *testing.T) {
	for _, r := range epvRows(t) {
		from, err1 := time.Parse(time.DateOnly, r["Date de labellisation"])
		to, err2 := time.Parse(time.DateOnly, r["Date de fin de labellisation"])
		if err1 != nil || err2 != nil {
			t.Errorf("%s: dates %q, %q: %v %v", r["Raison sociale"], r["Date de labellisation"], r["Date de fin de labellisation"], err1, err2)
			continue
		}
		if to.Year()-from.Year() != 5 {
			t.Errorf("%s: label from %s to %s, want five years", r["Raison sociale"], from.Format(time.DateOnly), to.Format(time.DateOnly))
		}
		l := data.Label{Type: data.LabelEPV, GrantedAt: from, ExpiresAt: to}
		if !l.ValidOn(from) || l.ValidOn(to) || l.ValidOn(from.AddDate(0, 0, -1)) {
			t.Errorf("%s: ValidOn disagrees with the label's dates %s–%s", r["Raison sociale"], from.Format(time.DateOnly), to.Format(time.DateOnly))
		}
	}
}

// "Univers" casing varies ("Mode et beauté" / "Mode et Beauté"): 12
// spellings, 8 univers once folded.
func TestEPVUnivers(t *testing.T) {
	spellings, folded := map[string]bool{}, map[string]bool{}
	for _, r := range epvRows(t) {
		spellings[r["Univers"]] = true
		folded[data.Fold(r["Univers"])] = true
	}
	if len(spellings) != 12 || len(folded) != 8 {
		t.Errorf("%d spellings of %d univers, want 12 of 8: %v", len(spellings), len(folded), folded)
	}
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("%s differs from the computed value (review, then go test -run %s -update):\n got:\n%s\n want:\n%s", path, t.Name(), got, want)
	}
}
