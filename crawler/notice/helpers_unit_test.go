package notice

import (
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func TestParseDate(t *testing.T) {
	paris := parisOrUTC()
	tests := []struct {
		name, in, want string
		wantErr        string
	}{
		{"eForms date with offset", "2019-11-15+01:00", "2019-11-15T00:00:00+01:00", ""},
		{"eForms date in UTC", "2020-11-26Z", "2020-11-26T00:00:00Z", ""},
		{"BOAMP API date-time", "2026-03-15T00:00:00+00:00", "2026-03-15T00:00:00Z", ""},
		{"OCDS with fraction", "2026-03-15T10:30:00.250Z", "2026-03-15T10:30:00.25Z", ""},
		{"date alone is Paris time", "2026-03-15", "2026-03-15T00:00:00+01:00", ""},
		{"summer date alone", "2026-07-14", "2026-07-14T00:00:00+02:00", ""},
		{"French order", "14/07/2026", "2026-07-14T00:00:00+02:00", ""},
		{"DECP typo year 218", "0218-10-29", "", "date impossible"},
		{"garbage", "le 3 mars", "", "date illisible"},
		{"empty", " ", "", "date absente"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseDate(tt.in, paris)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := rfc3339(t, tt.want); !got.Equal(want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestJoinDateTime(t *testing.T) {
	tests := []struct {
		name, date, clock string
		endOfDay          bool
		want              string
	}{
		{"both with offsets", "2020-02-04+02:00", "10:00:00+02:00", true, "2020-02-04T10:00:00+02:00"},
		{"time zone from the date", "2020-02-04+02:00", "10:00:00", true, "2020-02-04T10:00:00+02:00"},
		{"date only: last second for a deadline", "2023-05-22+01:00", "", true, "2023-05-22T23:59:59+01:00"},
		{"date only: first second otherwise", "2023-05-22+01:00", "", false, "2023-05-22T00:00:00+01:00"},
		{"full date-time given as date", "2017-02-07T12:00:00+01:00", "", true, "2017-02-07T12:00:00+01:00"},
		{"bad time keeps the day", "2020-02-04Z", "25:99", false, "2020-02-04T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := joinDateTime(tt.date, tt.clock, time.UTC, tt.endOfDay)
			if err != nil {
				t.Fatal(err)
			}
			if want := rfc3339(t, tt.want); !got.Equal(want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestRepairCPV(t *testing.T) {
	tests := []struct {
		name, raw, want, defect string
	}{
		{"clean", "45212350", "45212350", ""},
		{"with check digit", "45212350-4", "45212350", ""},
		{"leading zero lost", "3111000", "03111000", "sans son zéro de tête"},
		{"leading zero lost, with check digit", "4543100-7", "", "inutilisable"},
		{"dash lost", "031210005", "03121000", "sans tiret"},
		{"wrong check digit", "90620000-1", "90620000", "chiffre de contrôle incorrect"},
		{"unknown code kept", "12345678", "12345678", "code inconnu"},
		{"garbage", "0", "", "inutilisable"},
		{"empty", "", "", "absent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, defect := repairCPV(tt.raw)
			if got != tt.want {
				t.Errorf("code = %q, want %q", got, tt.want)
			}
			if (tt.defect == "") != (defect == "") || !strings.Contains(defect, tt.defect) {
				t.Errorf("defect = %q, want %q", defect, tt.defect)
			}
		})
	}
}

func TestChooseCPV(t *testing.T) {
	tests := []struct {
		name        string
		mains, adds []string
		main        string
		adds2       []string
		err         string
		note        string
	}{
		{"main and additional", []string{"45212350"}, []string{"45000000-7", "45212350"}, "45212350", []string{"45000000"}, "", ""},
		{"invalid main, valid lot main", []string{"45212350-9", "71336000"}, nil, "71336000", nil, "", "CPV principal retenu : 71336000"},
		{"no valid main", []string{"4521", ""}, nil, "", nil, `"4521"`, ""},
		{"no CPV at all", nil, nil, "", nil, "", ""},
		{"invalid additional dropped", []string{"71336000"}, []string{"9"}, "71336000", nil, "", "CPV additionnel écarté"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := chooseCPV(tt.mains, tt.adds)
			if (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
			if c.main != tt.main || strings.Join(c.additional, ",") != strings.Join(tt.adds2, ",") {
				t.Errorf("got %q %v, want %q %v", c.main, c.additional, tt.main, tt.adds2)
			}
			if tt.note != "" && !strings.Contains(strings.Join(c.notes, "|"), tt.note) {
				t.Errorf("notes %v, want %q", c.notes, tt.note)
			}
		})
	}
}

func TestSiretOf(t *testing.T) {
	tests := []struct {
		name, raw, want, note string
	}{
		{"valid", "26830066200015", "26830066200015", ""},
		{"spaces", "802 684 969 000 16", "80268496900016", ""},
		{"leading zero restored", "5680065900155", "05680065900155", "complété"},
		{"bad key", "26830066200016", "", "écarté"},
		{"fifteen digits", "301984563000678", "", "15 chiffres"},
		{"a SIREN is not a SIRET", "268300662", "", ""},
		{"a foreign number", "EU 123 456", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, note := siretOf(tt.raw)
			if got != tt.want || (tt.note == "") != (note == "") || !strings.Contains(note, tt.note) {
				t.Errorf("siretOf(%q) = %q, %q; want %q, %q", tt.raw, got, note, tt.want, tt.note)
			}
		})
	}
}

func TestResolvePlace(t *testing.T) {
	tests := []struct {
		name    string
		in      placeInput
		dep     string
		nuts    string
		commune string
	}{
		{"NUTS 2021", placeInput{NUTS: "FRL04"}, "13", "FRL04", ""},
		{"NUTS 2013 translated", placeInput{NUTS: "FR825"}, "83", "FRL05", ""},
		{"NUTS 2013 overseas", placeInput{NUTS: "FRA40"}, "974", "FRY40", ""},
		{"region code made precise by the département", placeInput{NUTS: "FR10", Departement: "75"}, "75", "FR101", ""},
		{"whole country stays vague", placeInput{NUTS: "FR"}, "", "FR", ""},
		{"postcode and cedex city", placeInput{Postcode: "91297", City: "Arpajon Cedex"}, "91", "FR104", "Arpajon"},
		{"BOAMP one-digit département", placeInput{Departement: "5"}, "05", "FRL02", ""},
		{"INSEE commune code", placeInput{INSEE: "59183"}, "59", "FRE11", "Dunkerque"},
		{"foreign postcode ignored", placeInput{Country: "DEU", NUTS: "DE712", Postcode: "73846"}, "", "DE712", ""},
		{"Luxembourg", placeInput{Country: "LUX", NUTS: "LU000", Postcode: "2985"}, "", "LU000", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := resolvePlace(tt.in)
			if p.Departement != tt.dep || p.NUTS != tt.nuts || p.Commune != tt.commune {
				t.Errorf("got %+v; want département %q, NUTS %q, commune %q", p, tt.dep, tt.nuts, tt.commune)
			}
		})
	}
}

// TestNUTS2013Table: every legacy code names an existing département, and
// the table covers the metropolitan départements whose code changed in
// 2016 (all but Île-de-France).
func TestNUTS2013Table(t *testing.T) {
	deps := map[string]bool{}
	for code, dep := range nuts2013ToDepartement {
		if _, ok := data.LookupDepartement(dep); !ok {
			t.Errorf("%s → %s: no such département", code, dep)
		}
		if _, clash := data.DepartementOfNUTS3(code); clash {
			t.Errorf("%s is also a NUTS 2021 code", code)
		}
		deps[dep] = true
	}
	metro := 0
	for _, d := range data.Departements() {
		if d.Zone == "metro" && !deps[d.Code] && !strings.HasPrefix(d.NUTS3, "FR1") { // Île-de-France kept its codes
			t.Errorf("metropolitan département %s (%s) missing", d.Code, d.Name)
		}
		if d.Zone == "metro" {
			metro++
		}
	}
	if metro != 96 {
		t.Errorf("%d metropolitan départements in the reference data, want 96", metro)
	}
}

// TestJSONNodeKeepsOrder: XML converted to JSON keeps its key order, and
// attributes, text, arrays and nulls map back to elements.
func TestJSONNodeKeepsOrder(t *testing.T) {
	n, err := jsonNode([]byte(`{"TITULAIRE":[{"DENOMINATION":"A"},{"DENOMINATION":"B"}],"RENSEIGNEMENT":[{"MONTANT":{"@DEVISE":"EUR","#text":"10"}},{"MONTANT":20}],"ATTRIBUE":null,"cbc:ID":{"@schemeName":"x","#text":"ID-1"}}`), "DECISION", 10)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, k := range n.kids {
		names = append(names, k.name)
	}
	if got := strings.Join(names, ","); got != "TITULAIRE,TITULAIRE,RENSEIGNEMENT,RENSEIGNEMENT,ATTRIBUE,ID" {
		t.Errorf("children %s", got)
	}
	pairs := pairTitulaires(n)
	if len(pairs) != 2 || pairs[1].titulaire.str("DENOMINATION") != "B" || pairs[1].info.str("MONTANT") != "20" {
		t.Errorf("pairs %+v", pairs)
	}
	if m := n.kids[2].child("MONTANT"); m.attr("DEVISE") != "EUR" || m.text != "10" {
		t.Errorf("attribute and text: %+v", m)
	}
	if id := n.child("ID"); id.attr("schemeName") != "x" || id.text != "ID-1" {
		t.Errorf("prefixed key: %+v", id)
	}
}

func TestStripVersion(t *testing.T) {
	tests := map[string]string{
		"f42be27e-09cf-4f0e-a745-63ec689631e6-01": "f42be27e-09cf-4f0e-a745-63ec689631e6",
		"f42be27e-09cf-4f0e-a745-63ec689631e6":    "f42be27e-09cf-4f0e-a745-63ec689631e6",
		"12345678-2023":                           "12345678-2023",
	}
	for in, want := range tests {
		if got := stripVersion(in); got != want {
			t.Errorf("stripVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecpLabel(t *testing.T) {
	tests := map[string]string{
		"data.gouv.fr_aife": "decp-aife", "marches-publics.info": "decp-marches-publics-info",
		"e-marchespublics": "decp-e-marchespublics", "": "decp", "  ": "decp",
	}
	for in, want := range tests {
		if got := decpLabel(in); got != want {
			t.Errorf("decpLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOneLineDropsControls(t *testing.T) {
	if got := oneLine("  Fusion21 —\u008d Market\t\nEngagement "); got != "Fusion21 — Market Engagement" {
		t.Errorf("got %q", got)
	}
	if got := paragraphs("\n\t\tLigne 1\n\n\t\tLigne  2\n"); got != "Ligne 1\nLigne 2" {
		t.Errorf("got %q", got)
	}
}
