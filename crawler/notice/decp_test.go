package notice

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"fabrique/data"
)

// TestParseDECPFiles reads the four real DECP 2019 files and the 2022
// sample: every row is kept (junk is flagged, not dropped). The expected
// counts were computed from the files with an independent script (Luhn on
// the first titulaire's cleaned SIRET; U+FFFD anywhere in the row; year
// outside 1990–2100; no notification nor signature date).
func TestParseDECPFiles(t *testing.T) {
	tests := []struct {
		file      string
		awards    int
		label     string
		withSIRET int // awards whose first winner has a valid SIRET
		defects   map[string]int
	}{
		{"decp_2019_aife.json", 4526, "decp-aife", 4366, map[string]int{
			"caractères illisibles (U+FFFD": 3559, "date de notification absente": 2508, "identifiant du marché absent": 7}},
		{"decp_2019_e-marchespublics.json", 470, "decp-e-marchespublics", 469, map[string]int{
			"caractères illisibles (U+FFFD": 0, "date impossible": 0}},
		{"decp_2019_marches-publics-info.json", 4499, "decp-marches-publics-info", 4415, map[string]int{
			"date impossible": 2, "caractères illisibles (U+FFFD": 0, "saisis faute de montant connu": 1}},
		{"decp_2019_pes.json", 552, "decp-pes", 546, map[string]int{"date impossible": 0, "date de notification absente": 0,
			"saisis faute de montant connu": 4}},
		{"decp_format2022_sample_from_decp-processing_tests.json", 5, "decp", 4, map[string]int{"montant invraisemblable": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := parseFixture(t, decpJSON, filepath.Join("decp", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Awards) != tt.awards || len(res.Problems) != 0 {
				t.Fatalf("got %d awards and problems %v; want %d rows, no problem", len(res.Awards), res.Problems, tt.awards)
			}
			ids := map[string]bool{}
			withSIRET := 0
			defects := map[string]int{}
			for _, a := range res.Awards {
				if ids[a.ID] {
					t.Errorf("award ID %s twice", a.ID)
				}
				ids[a.ID] = true
				if a.Source != tt.label || !strings.HasPrefix(a.ID, tt.label+":") {
					t.Errorf("award %s source %q; want label %q", a.ID, a.Source, tt.label)
				}
				// The uid names the contract in every publication; a row
				// without one has none (its ID is made up from the line).
				if key := strings.SplitN(strings.TrimPrefix(a.ID, tt.label+":"), "#", 2)[0]; a.UID != key && !(a.UID == "" && strings.HasPrefix(key, "ligne-")) {
					t.Errorf("award %s: UID %q, want %q", a.ID, a.UID, key)
				}
				if len(a.Winners) > 0 && data.ValidSIRET(a.Winners[0].SIRET) == nil {
					withSIRET++
				}
				for _, w := range a.Winners {
					if w.SIRET != "" && data.ValidSIRET(w.SIRET) != nil {
						t.Errorf("%s: invalid SIRET %q kept", a.ID, w.SIRET)
					}
				}
				if a.CPV != "" && len(a.CPV) != 8 {
					t.Errorf("%s: CPV %q is not 8 digits", a.ID, a.CPV)
				}
				joined := strings.Join(a.Defects, "\n")
				for d := range tt.defects {
					if strings.Contains(joined, d) {
						defects[d]++
					}
				}
			}
			if withSIRET != tt.withSIRET {
				t.Errorf("%d awards with a winner's valid SIRET; want %d", withSIRET, tt.withSIRET)
			}
			for d, want := range tt.defects {
				if defects[d] != want {
					t.Errorf("%d awards flagged %q; want %d", defects[d], d, want)
				}
			}
		})
	}
}

// TestParseDECPJunkRows pins how the real junk of the DECP is handled.
func TestParseDECPJunkRows(t *testing.T) {
	load := func(file string) map[string]data.Award {
		res, err := parseFixture(t, decpJSON, filepath.Join("decp", file))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]data.Award{}
		for _, a := range res.Awards {
			m[a.ID] = a
		}
		return m
	}
	mpi := load("decp_2019_marches-publics-info.json")
	aife := load("decp_2019_aife.json")
	pes := load("decp_2019_pes.json")
	y2022 := load("decp_format2022_sample_from_decp-processing_tests.json")

	tests := []struct {
		name   string
		award  data.Award
		check  func(a data.Award) bool
		defect string // in Defects; "" for none, "*" for any
	}{
		{"impossible year 0218 kept, date dropped", mpi["decp-marches-publics-info:21720241500014021803cloture00"],
			func(a data.Award) bool {
				return a.NotifiedAt.IsZero() && len(a.Winners) == 1 && a.Winners[0].SIRET == "33305028400038" && a.CPV == "45340000"
			},
			`date impossible "0218-10-29" (année 218)`},
		{"SIRET written with spaces", mpi["decp-marches-publics-info:552093338003822019CHENNVDEUX00"],
			func(a data.Award) bool { return hasWinner(a, "UNITS Architecture", "80268496900016") }, ""},
		{"CPV without its leading zero", aife["decp-aife:402787717000222018q6Wc6zDqJJ00"],
			func(a data.Award) bool { return a.CPV == "09310000" }, `code CPV "9310000" sans son zéro de tête, lu 09310000`},
		{"accents lost to U+FFFD reported", aife["decp-aife:834553729000152018COs68fWklM00"],
			func(a data.Award) bool { return a.Buyer.SIRET == "83455372900015" && a.Place.Departement == "75" },
			"caractères illisibles (U+FFFD, accents perdus) dans : acheteur.nom, objet"},
		// « Soci�t� de livraison des ouvrages olympiques », « am�nagement »
		{"accents lost to U+FFFD restored", aife["decp-aife:834553729000152018COs68fWklM00"],
			func(a data.Award) bool {
				return a.Buyer.Name == "Société de livraison des ouvrages olympiques (SOLIDEO)" &&
					a.Object == "Prestations juridiques pour la SOLIDEO - droit de l'aménagement"
			},
			"accents restitués d'après le vocabulaire : 3 caractères sur 3"},
		{"date with a time zone", pes["decp-pes:200027159000172018A30600"],
			func(a data.Award) bool {
				return a.NotifiedAt.Equal(rfc3339(t, "2018-12-31T00:00:00+01:00")) && a.CPV == "45320000" && a.Place.Commune == "Dunkerque"
			}, ""},
		{"concession without id", aife["decp-aife:ligne-2357"],
			func(a data.Award) bool {
				return a.Amount == 7789456.56 && hasWinner(a, "Nonna et Nonno", "79858993300018")
			},
			"identifiant du marché absent"},
		{"2022 nested titulaires, TVA winner named by its identifier", y2022["decp:219740222000192022VI2022.242"],
			func(a data.Award) bool {
				return len(a.Winners) == 2 && a.Winners[1].Name == "TVA 99999999999" && a.Place.Departement == "974"
			}, "SIREN 123456789 a une clé de contrôle (Luhn) incorrecte"},
		{"2022 absurd amount", y2022["decp:221300015002472020F00075"],
			func(a data.Award) bool { return a.Amount == 0 && a.OffersReceived == 5 && a.DurationMonths == 40 },
			"montant invraisemblable"},
		{"filler amount of nine nines dropped", mpi["decp-marches-publics-info:200063402000162018E030000"],
			func(a data.Award) bool { return a.Amount == 0 && a.CPV == "34927100" },
			`montant « 999999999 » écarté : des 9 saisis faute de montant connu`},
		{"filler amount of eight nines dropped", pes["decp-pes:228400016000172019300088BA00"],
			func(a data.Award) bool { return a.Amount == 0 }, `montant « 99999999 » écarté`},
		{"a ceiling of 999 999 € kept", aife["decp-aife:183100213000282018RLnrHhuPGt00"],
			func(a data.Award) bool { return a.Amount == 999999 }, "*"},
		{"2022 mixed nesting of titulaires", y2022["decp:216901231000112019K1209"],
			func(a data.Award) bool { return len(a.Winners) == 3 }, "*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.award.ID == "" {
				t.Fatalf("award not found")
			}
			if !tt.check(tt.award) {
				t.Errorf("award %+v does not pass the check", tt.award)
			}
			joined := strings.Join(tt.award.Defects, "\n")
			if tt.defect == "" && joined != "" {
				t.Errorf("defects %q; want none", joined)
			}
			if tt.defect != "" && tt.defect != "*" && !strings.Contains(joined, tt.defect) {
				t.Errorf("defects %q; want %q", joined, tt.defect)
			}
		})
	}
}

func hasWinner(a data.Award, name, siret string) bool {
	for _, w := range a.Winners {
		if w.Name == name && w.SIRET == siret {
			return true
		}
	}
	return false
}

// TestParseDECPCSV reads the real 2024 extract: 8 912 lines fold into
// 7 235 contracts (same uid, day and amount), all kept.
func TestParseDECPCSV(t *testing.T) {
	res, err := parseFixture(t, decpCSV, "decp/decp_2024H2_travaux_cpv4521_titulaires.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Awards) != 7235 || len(res.Problems) != 0 {
		t.Fatalf("got %d awards and problems %v; want 7235, none", len(res.Awards), res.Problems)
	}
	winners, ids := 0, map[string]bool{}
	var fille data.Award
	for _, a := range res.Awards {
		winners += len(a.Winners)
		if ids[a.ID] {
			t.Errorf("ID %s twice", a.ID)
		}
		ids[a.ID] = true
		if a.Nature != data.NatureWorks {
			t.Errorf("%s: nature %q, want works", a.ID, a.Nature)
		}
		if a.ID == "decp:2000625860015720241300104@2025-01-01" {
			fille = a
		}
	}
	if winners < 8890 {
		t.Errorf("%d winners kept from 8912 lines; want nearly all (only empty ones dropped)", winners)
	}
	if fille.Buyer.Name != "COMMUNE DE FILLIERE (MAIRIE)" || fille.UID != "2000625860015720241300104" || fille.CPV != "45214200" || fille.Amount != 61100 ||
		fille.Place.Departement != "74" || fille.OffersReceived != 1 || fille.DurationMonths != 12 ||
		!hasWinner(fille, "ALU CONCEPT HABITAT", "42199758600035") {
		t.Errorf("first line: %+v", fille)
	}
}

func TestParseDECPCSVShapes(t *testing.T) {
	csv := "uid;id;codeCPV;acheteur_id;acheteur_nom;titulaire_id;titulaire_nom;montant;dateNotification\n" +
		"u1;1;45214200-7;21740111600013;Ville;42199758600035;A;100;2024-07-01\n" +
		"u1;1;45214200-7;21740111600013;Ville;83380264800026;B;100;2024-07-01\n" +
		"u1;1;45214200-7;21740111600013;Ville;83380264800026;B;200;2024-07-01\n" +
		"u2;2;45214200-7;21740111600013;Ville;83380264800026;B;99999999,00;2024-07-02\n" +
		";2;45214200;;;;;;\n"
	res, err := ParseDECPCSV(strings.NewReader(csv), Options{Source: "decp-test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Awards) != 3 || len(res.Problems) != 1 {
		t.Fatalf("got %d awards, problems %v; want 3 and one (empty uid)", len(res.Awards), res.Problems)
	}
	if a := res.Awards[2]; a.Amount != 0 || !strings.Contains(strings.Join(a.Defects, "\n"), "des 9 saisis faute de montant connu") {
		t.Errorf("award of 99 999 999 €: amount %v, defects %q; want 0, a filler amount dropped", a.Amount, a.Defects)
	}
	if a := res.Awards[0]; a.ID != "decp-test:u1@2024-07-01/100" || a.UID != "u1" || len(a.Winners) != 2 || a.CPV != "45214200" {
		t.Errorf("first award %+v; want two winners, ID with its amount (two contracts that day)", a)
	}
	if p := res.Problems[0]; p.Ref != "ligne 6" || !strings.Contains(p.Error(), "uid vide") {
		t.Errorf("problem %v; want line 6, uid vide", p)
	}
	if _, err := ParseDECPCSV(strings.NewReader("a,b\n1,2\n"), Options{}); !errors.Is(err, ErrMalformed) {
		t.Errorf("CSV without uid column: err = %v, want ErrMalformed", err)
	}
}

func TestParseDECPShapes(t *testing.T) {
	tests := []struct {
		name, json string
		awards     int
		problems   int
		wantErr    error
	}{
		{"v1", `{"marches":[{"id":"1","objet":"o","titulaires":[]}]}`, 1, 0, nil},
		{"2022", `{"marches":{"marche":[{"id":"1","objet":"o"}]}}`, 1, 0, nil},
		{"bare array", `[{"id":"1","objet":"o"}]`, 1, 0, nil},
		{"row not an object", `{"marches":[3,{"id":"1"}]}`, 1, 1, nil},
		{"nothing usable", `{"marches":[{"montant":3}]}`, 0, 1, nil},
		{"NaN from pandas", `{"marches":[{"id":"1","objet":"o","montant":NaN}]}`, 1, 0, nil},
		{"no marches", `{"releases":[]}`, 0, 0, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ParseDECP(strings.NewReader(tt.json), testOptions())
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if len(res.Awards) != tt.awards || len(res.Problems) != tt.problems {
				t.Errorf("got %d awards, %d problems (%v); want %d, %d", len(res.Awards), len(res.Problems), res.Problems, tt.awards, tt.problems)
			}
		})
	}
}

// TestDECPPlaceOfARegion: 51 rows of the repository's DECP give their
// place as a région (« Code région » 94 CORSE, 28 Région Normandie, FRF2
// Champagne-Ardenne) and 13 as an arrondissement (544, Toul): they had no
// place, and the observatory counted them in « Lieu inconnu », under no
// région (Corse: 56 awards counted of 68).
func TestDECPPlaceOfARegion(t *testing.T) {
	for _, tt := range []struct {
		code, typ string
		want      data.Place
	}{
		{"94", "Code région", data.Place{NUTS: "FRM0"}},
		{"28", "Code région", data.Place{NUTS: "FRD"}},
		{"FRF2", "Code région", data.Place{NUTS: "FRF2"}},
		{"10", "Code région", data.Place{}},  // no région has this code
		{"820", "Code région", data.Place{}}, // nor this one
		{"FR", "Code région", data.Place{}},  // all of France
		{"FR", "Code pays", data.Place{}},
	} {
		got := decpPlace(map[string]any{"code": tt.code, "typeCode": tt.typ})
		if got != tt.want {
			t.Errorf("lieuExecution %s %q = %+v, want %+v", tt.typ, tt.code, got, tt.want)
		}
	}
	for _, tt := range []struct{ code, dep string }{{"544", "54"}, {"651", "65"}, {"2A1", "2A"}, {"9741", "974"}} {
		got := decpPlace(map[string]any{"code": tt.code, "typeCode": "Code arrondissement"})
		if got.Departement != tt.dep {
			t.Errorf("arrondissement %q: département %q, want %q", tt.code, got.Departement, tt.dep)
		}
	}
	if got := decpPlace(map[string]any{"code": "999", "typeCode": "Code arrondissement"}); got.Departement != "" {
		t.Errorf("arrondissement 999: département %q, want none", got.Departement)
	}
}

// TestDECPPostcodesOfTheState: the State's DECP (AIFE) write some
// postcodes « FR63170 » (8 rows of the repository's file), and a Corsican
// CEDEX code (« 20294 », Bastia) is in no commune's list: those awards had
// no place, counted in « Lieu inconnu » by the observatory.
func TestDECPPostcodesOfTheState(t *testing.T) {
	for _, tt := range []struct{ code, dep string }{{"FR63170", "63"}, {"fr45000", "45"}, {"20294", "2B"}, {"FR1234", ""}, {"FRANCE", ""}} {
		if got := decpPlace(map[string]any{"code": tt.code, "typeCode": "Code postal"}); got.Departement != tt.dep {
			t.Errorf("postcode %q: département %q, want %q", tt.code, got.Departement, tt.dep)
		}
	}
}
