package crawler

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// epvRows reads the embedded export independently of the code under test.
func epvRows(t testing.TB) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data.EmbeddedEPVCSV(), []byte("\ufeff"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

func TestSuppliersFromEPVCSVEmbedded(t *testing.T) {
	fetched := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	got, problems, err := SuppliersFromEPVCSV(bytes.NewReader(data.EmbeddedEPVCSV()), NormalizeOptions{FetchedAt: fetched})
	if err != nil {
		t.Fatal(err)
	}
	rows := epvRows(t)
	if len(rows) != 1298 {
		t.Fatalf("embedded export has %d rows, want 1298", len(rows))
	}

	// Every row gives or joins a supplier: its (repaired) SIRET is one of
	// the establishments of exactly one supplier.
	bySIRET := map[string]string{}
	ids := map[string]bool{}
	for _, s := range got {
		if ids[s.ID] {
			t.Errorf("duplicate supplier ID %s", s.ID)
		}
		ids[s.ID] = true
		for _, e := range s.Establishments {
			bySIRET[e.SIRET] = s.ID
		}
	}
	validRows, invalidRows := 0, 0
	for i, row := range rows {
		siret, _, err := data.RepairSIRET(row[1])
		if err == nil {
			validRows++
		} else {
			invalidRows++
		}
		if _, ok := bySIRET[siret]; !ok {
			t.Errorf("row %d (%s, SIRET %s) gave no supplier", i+2, row[0], row[1])
		}
	}
	if validRows != 1296 || invalidRows != 2 {
		t.Errorf("rows with a valid SIRET after repair = %d, invalid = %d; want 1296 and 2", validRows, invalidRows)
	}

	var withSIREN, flagged int
	categories := map[string]bool{}
	for _, s := range got {
		if s.SIREN != "" {
			withSIREN++
			if s.ID != s.SIREN {
				t.Errorf("%s: ID %s, want its SIREN %s", s.Name, s.ID, s.SIREN)
			}
		}
		for _, e := range s.Establishments {
			if !e.Valid {
				flagged++
				if e.Defect == "" || len(s.Defects) == 0 || s.SIREN != "" || !strings.HasPrefix(s.ID, "x") {
					t.Errorf("invalid SIRET %s of %s: defect %q, supplier defects %q, SIREN %q, ID %q",
						e.SIRET, s.Name, e.Defect, s.Defects, s.SIREN, s.ID)
				}
			}
		}
		if s.Address.Departement == "" || !s.Address.HasGeo() || s.Address.Region == "" {
			t.Errorf("%s not placed: %+v", s.Name, s.Address)
		}
		if len(s.Labels) != 1 {
			t.Fatalf("%s: %d labels, want 1", s.Name, len(s.Labels))
		}
		l := s.Labels[0]
		if l.Type != data.LabelEPV || l.Scope != data.ScopeCompany || l.Source != "epv" || l.GrantedAt.IsZero() ||
			!l.ExpiresAt.After(l.GrantedAt) || l.SourceURL == "" || l.Category == "" {
			t.Errorf("%s: label %+v", s.Name, l)
		}
		categories[l.Category] = true
		if p := s.Provenance[data.FieldName]; p.Source != "epv" || !p.FetchedAt.Equal(fetched) || p.SourceURL != EPVDatasetURL {
			t.Errorf("%s: name provenance %+v", s.Name, p)
		}
		if nafLabelCode.MatchString(s.NAFLabel) {
			t.Errorf("%s: NAF label %q keeps its code", s.Name, s.NAFLabel)
		}
		if s.NAF == "" && s.NAFLegacy == "" {
			t.Errorf("%s: no NAF code at all", s.Name)
		}
	}
	// 1 296 valid rows share 1 289 SIRENs (7 companies appear twice).
	if withSIREN != 1289 || flagged != 2 || len(got) != 1291 {
		t.Errorf("suppliers = %d (%d with SIREN, %d flagged), want 1291 (1289, 2)", len(got), withSIREN, flagged)
	}
	if len(categories) != 8 {
		t.Errorf("univers categories = %d %v, want the 8 univers once each whatever their case", len(categories), categories)
	}
	merged := 0
	for _, p := range problems {
		if strings.Contains(p.Message, "fiches fusionnées") {
			merged++
		}
	}
	if merged != 7 {
		t.Errorf("merge problems = %d, want 7", merged)
	}
}

func TestSuppliersFromEPVCSVQuirks(t *testing.T) {
	got, _, err := SuppliersFromEPVCSV(bytes.NewReader(data.EmbeddedEPVCSV()), NormalizeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]data.Supplier{}
	for _, s := range got {
		byName[s.Name] = s
	}
	tests := []struct {
		name  string
		check func(s data.Supplier) string
	}{
		{"HORUS", func(s data.Supplier) string { // plain row, exact coordinates
			if s.ID != "442701132" || s.NAF != "28.14Z" || s.Address.Precision != data.GeoExact ||
				s.Address.Commune != "Mittelbergheim" || s.Address.Postcode != "67140" || s.Address.NUTS3 != "FRF11" {
				return "placed or coded wrongly"
			}
			return ""
		}},
		{"POCHET DU COURVAL", func(s data.Supplier) string { // 13-digit SIRET, coordinates outside its région
			if s.SIREN != "016980062" {
				return "leading zero not restored"
			}
			if s.Address.Region != "28" || s.Address.Precision != data.GeoDepartement || len(s.Defects) == 0 {
				return "coordinates outside Normandie should give way to the stated région, flagged"
			}
			return ""
		}},
		{"MENUISIER ET COMPAGNONS - BRUNO PRADIER", func(s data.Supplier) string { // renewal of a 2020 label
			if len(s.Labels) != 1 || s.Labels[0].GrantedAt.Year() != 2025 {
				return "the 2025 renewal should win over the 2020 grant"
			}
			return ""
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := byName[tc.name]
			if !ok {
				t.Fatalf("no supplier named %q", tc.name)
			}
			if msg := tc.check(s); msg != "" {
				t.Errorf("%s: %+v", msg, s)
			}
		})
	}
	legacy := 0
	for _, s := range got {
		if s.NAFLegacy != "" {
			legacy++
			if len(s.Defects) == 0 || s.NAF != "" {
				t.Errorf("%s: legacy NAF %s without defect or with a rév. 2 code %q", s.Name, s.NAFLegacy, s.NAF)
			}
		}
	}
	if legacy != 2 { // "35.1E" and "22.2C"
		t.Errorf("NAF 1993 codes kept = %d, want 2", legacy)
	}
}

func TestSuppliersFromEPVCSVShapes(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    int
		wantErr bool
	}{
		{"labels and semicolons", "Raison sociale;SIRET;Région\nACME;44270113200049;GRAND-EST\n", 1, false},
		{"field names and commas", "raison_sociale,siret,region,geolocetablissement\nACME,44270113200049,GRAND-EST,\"48.39, 7.45\"\n", 1, false},
		{"BOM", "\ufeffRaison sociale;SIRET\nACME;44270113200049\n", 1, false},
		{"row without name is skipped", "Raison sociale;SIRET\n;44270113200049\nB;\n", 1, false},
		{"not the EPV export", "a;b\n1;2\n", 0, true},
		{"empty", "", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _, err := SuppliersFromEPVCSV(strings.NewReader(tc.in), NormalizeOptions{})
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if len(got) != tc.want {
				t.Errorf("got %d suppliers, want %d", len(got), tc.want)
			}
		})
	}
}

// FuzzSuppliersFromEPVCSV reads with the EPV extractor and a normalizer
// built once: SuppliersFromEPVCSV builds them on each call, which costs
// 0.7 ms (the source definitions parsed and compiled, the départements'
// names folded) where a small file takes microseconds, and every input
// that found new code was minimized for the whole minute go test allows:
// the target ran 13 317 times in 3 minutes. Its seed is the header and one
// row of the official export (ENTREPRISE NEVEU, 346 bytes), which reach the
// 406 blocks of this package and data that the first four rows (971 bytes)
// reached.
func FuzzSuppliersFromEPVCSV(f *testing.F) {
	x, err := newJSONExtractor(DefaultConfig().Sources["epv"])
	if err != nil {
		f.Fatal(err)
	}
	n := newNormalizer()
	rows := bytes.SplitN(data.EmbeddedEPVCSV(), []byte("\n"), 6)
	f.Add(bytes.Join([][]byte{rows[0], rows[4]}, []byte("\n")))
	f.Add([]byte("Raison sociale;SIRET;geolocetablissement\n\"A\"\"B;1;\"91, 500\"\n"))
	f.Add([]byte("raison_sociale,siret\n<script>x</script>,999\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		got, _, err := suppliersFromEPVCSV(bytes.NewReader(in), NormalizeOptions{FetchedAt: time.Unix(0, 0)}, x, n)
		if err != nil {
			return
		}
		for _, s := range got {
			if s.Name == "" {
				t.Fatalf("supplier without name: %+v", s)
			}
			checkCrawled(t, s)
		}
	})
}
