package index_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fabrique/crawler/notice"
	"fabrique/data"
	"fabrique/index"
)

// boampTender reads one tender of the real BOAMP sample embedded in the
// mirror (90 notices of 2026-03-15, none with a CPV code).
func boampTender(t *testing.T, idweb string) data.Tender {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "crawler", "mirror", "files", "boamp", "boamp_avis_2026-03-15_sample.api-shape.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := notice.ParseBOAMPAPI(f, notice.Options{Now: func() time.Time { return matchNow }})
	if err != nil {
		t.Fatal(err)
	}
	for _, tn := range res.Tenders {
		if strings.Contains(tn.ID, idweb) || strings.Contains(tn.URL, idweb) {
			return tn
		}
	}
	t.Fatalf("notice %s not in the BOAMP sample (%d tenders)", idweb, len(res.Tenders))
	return data.Tender{}
}

// supplierTrade is what a supplier makes, as the test reads it: its NAF
// division and its EPV univers.
func supplierTrade(s data.Supplier) (division string, univers []string) {
	for _, l := range s.Labels {
		if l.Type == data.LabelEPV && l.Category != "" {
			univers = append(univers, strings.ToLower(l.Category))
		}
	}
	return data.NAFDivision(s.NAF), univers
}

// TestMatchTrust pins the suggestions a buyer would laugh at, on real
// needs: words of company names must not make a match, and the trade the
// need describes must lead.
func TestMatchTrust(t *testing.T) {
	f := loadMatchEPV(t)
	src := newMatchSource(f.sups, nil)
	signage := boampTender(t, "26-26606")
	if signage.CPV != "" || !strings.Contains(strings.ToLower(signage.Title), "signal") {
		t.Fatalf("notice 26-26606 is %q (CPV %q), want the signage furniture notice without CPV code", signage.Title, signage.CPV)
	}
	tests := []struct {
		name   string
		tender data.Tender
		top    int
		// neverNames: words that no supplier of the first top may have in
		// its name; neverTerms: words that may not make a match (be among
		// the shared terms of a reason); lead: the trade (NAF division or
		// univers, lower case) that the first lead suppliers must all have.
		neverNames, neverTerms []string
		lead                   int
		leadTrade              func(division string, univers []string) bool
		// neverNAF: NAF codes (or their first characters) that no supplier
		// of the first top may have; noGood: the directory holds nobody of
		// the trade, and the ranking must say so (data.NoGoodMatch; not
		// checked when false).
		neverNAF []string
		noGood   bool
	}{
		{"signalétique notice of the Louvre (BOAMP 26-26606)", signage, 20,
			[]string{"DOMAINE"}, []string{"domaine", "etablissement", "établissement", "public", "musée", "musee"}, 5,
			func(div string, univers []string) bool {
				return div == "31" || strings.Contains(strings.Join(univers, "|"), "ameublement")
			}, nil, false},
		{"stained glass with lead", data.Tender{Title: "Restauration des vitraux de l'église",
			Description: "Dépose, restauration et repose des verrières au plomb",
			Place:       data.Place{Departement: "35"}}, 7,
			// The directory holds seven stained-glass workshops (NAF
			// 23.1x): all of them come before any roofer-plumber.
			[]string{"PLOMBERIE", "COUVERTURE"}, nil, 7,
			func(div string, _ []string) bool { return div == "23" }, nil, false},
		// « restauration » is also catering: a restaurant's NAF label
		// (56.10A « Restauration traditionnelle ») shares the word, and
		// its trade does not fit the joinery code inferred from the words.
		{"restoration, not catering", data.Tender{Title: "Restauration des menuiseries", Place: data.Place{Departement: "21"}}, 50,
			[]string{"LOISEAU", "NEGRESCO", "HOTEL", "HÔTEL"}, nil, 5,
			func(div string, _ []string) bool { return div == "43" || div == "16" }, nil, false},
		// Repair and maintenance (CPV 50) gathers cars, ships and lifts:
		// its refined groups keep the shipyards and garages (« maintenance »
		// in their NAF labels) off a lift's list.
		{"lift maintenance", data.Tender{Title: "Maintenance des ascenseurs", Place: data.Place{Departement: "75"}}, 20,
			[]string{"CHANTIER", "NAVAL", "AUTOMOBILE", "GARAGE"}, []string{"maintenance"}, 0, nil, nil, false},
		{"furniture restoration", data.Tender{Title: "Restauration de meubles anciens", Place: data.Place{Departement: "75"}}, 10,
			nil, nil, 3,
			func(div string, _ []string) bool { return div == "31" || div == "95" || div == "16" }, nil, false},
		{"maître verrier", data.Tender{Title: "maître verrier", Place: data.Place{Departement: "69"}}, 10,
			[]string{"ROBINETIERS"}, []string{"maître"}, 3,
			func(div string, _ []string) bool { return div == "23" }, nil, false},
		// Office supplies (CPV 30) are refined by group and class: printer
		// paper goes to the paper makers, not to the wallpaper makers of
		// NAF division 17; and « papier » in the name of a firm whose trade
		// does not fit (a wallpaper maker, « Le presse papier ») is no match.
		{"printer paper", data.Tender{Title: "Fourniture de papier pour imprimantes", Place: data.Place{Departement: "69"}}, 20,
			[]string{"PEINT", "PRESSE PAPIER"}, nil, 4,
			func(div string, _ []string) bool { return div == "17" }, []string{"17.24", "17.21", "17.29"}, false},
		{"declared printing paper", data.Tender{Title: "Fourniture de papier pour imprimantes", CPV: "30197630", Place: data.Place{Departement: "69"}}, 20,
			[]string{"PEINT", "PRESSE PAPIER"}, nil, 4,
			func(div string, _ []string) bool { return div == "17" }, []string{"17.24", "17.21", "17.29"}, false},
		// « espaces » is in the name of a plasterer (STAFF ESPACES
		// VOLUMES), not in its trade; the directory holds no landscaper
		// (NAF 81.30Z), so nobody answers well.
		{"green spaces", data.Tender{Title: "Entretien des espaces verts", Place: data.Place{Departement: "75"}}, 10,
			[]string{"STAFF"}, []string{"espaces"}, 0, nil, nil, true},
		// A univers gathers hundreds of trades: its fit to the code read
		// from the words (works, project management) does not make a word
		// of the name a sign of the trade — « Europe » of an office-furniture
		// maker for the « gymnase Europe », « Exploit » of a locksmith for
		// a heating network's « exploitation ».
		{"a gymnasium's name (BOAMP 26-26359)", boampTender(t, "26-26359"), 10,
			[]string{"EUROPE"}, []string{"europe"}, 0, nil, nil, false},
		{"project management of a heating network (BOAMP 26-26083)", boampTender(t, "26-26083"), 10,
			[]string{"EXPLOIT"}, []string{"exploitation"}, 0, nil, nil, false},
		// The EPV source lists the univers among the activities: « Loisirs
		// et transports » is no word of a toy maker's trade.
		{"bus services (BOAMP 26-26103)", boampTender(t, "26-26103"), 10,
			nil, []string{"transport"}, 0, nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := f.ix.Match(context.Background(), src, tt.tender, index.MatchOptions{Limit: tt.top, At: matchNow})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Tender) < tt.lead {
				t.Fatalf("%d matches, want at least %d:\n%s", len(res.Tender), tt.lead, describeMatches(res.Tender, f.byID))
			}
			if tt.noGood && res.Warning != data.NoGoodMatch {
				t.Errorf("warning %q, want %q:\n%s", res.Warning, data.NoGoodMatch, describeMatches(res.Tender, f.byID))
			}
			for i, m := range res.Tender {
				for _, p := range tt.neverNAF {
					if strings.HasPrefix(m.NAF, p) {
						t.Errorf("#%d %s has NAF %s, want none of %v in the first %d:\n%s", i+1, m.Name, m.NAF, tt.neverNAF, tt.top,
							describeMatches(res.Tender, f.byID))
					}
				}
				for _, w := range tt.neverNames {
					if strings.Contains(strings.ToUpper(m.Name), w) {
						t.Errorf("#%d %s has %q in its name, want none in the first %d:\n%s", i+1, m.Name, w, tt.top,
							describeMatches(res.Tender, f.byID))
					}
				}
				if r, ok := reasonOf(m, data.ReasonTerms); ok {
					for _, term := range r.Terms {
						for _, w := range tt.neverTerms {
							if strings.Contains(term, w) {
								t.Errorf("#%d %s matched on %q, a word that describes no work:\n%s", i+1, m.Name, term,
									describeMatches(res.Tender, f.byID))
							}
						}
					}
				}
			}
			for i, m := range res.Tender[:tt.lead] {
				div, univers := supplierTrade(f.byID[m.SupplierID])
				if !tt.leadTrade(div, univers) {
					t.Errorf("#%d %s (NAF division %s, univers %v) is not of the trade, want the first %d of it:\n%s",
						i+1, m.Name, div, univers, tt.lead, describeMatches(res.Tender, f.byID))
				}
			}
		})
	}
}
