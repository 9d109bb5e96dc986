package data_test

import (
	"slices"
	"strings"
	"testing"

	"fabrique/data"
)

func TestInferCPV(t *testing.T) {
	cases := []struct {
		name       string
		in         data.CPVEvidence
		wantPrefix string // the first guess's code starts with it; "" = no guess
		wantSource string
	}{
		{"roofing works from text", data.CPVEvidence{Title: "Travaux de restauration de l'église : charpente et couverture", Nature: data.NatureWorks}, "4526", data.CPVSourceText},
		{"food from the descriptor", data.CPVEvidence{Title: "Fourniture pour le CCAS", Descriptors: []data.Descriptor{{Code: "88", Label: "Denrées alimentaires"}}}, "15", data.CPVSourceDescriptor},
		{"descriptor found by code alone", data.CPVEvidence{Title: "Consultation", Descriptors: []data.Descriptor{{Code: "341"}}}, "45112", data.CPVSourceDescriptor},
		{"signage is not road signalling", data.CPVEvidence{Title: "Mobilier de signalétique du musée", Nature: data.NatureSupplies}, "444234", data.CPVSourceText},
		{"procurement expression", data.CPVEvidence{Title: "Mission de maîtrise d'oeuvre pour la rénovation de l'école"}, "71", data.CPVSourceText},
		{"a city is not betting", data.CPVEvidence{Title: "Prestations de remorquage des véhicules de la ville de Paris"}, "501181", data.CPVSourceText},
		// « réparation, entretien, équipements » fit every group of repair
		// and maintenance alike (the transport group's labels repeat « et à
		// d'autres équipements »): the words do not say what is repaired.
		{"repair of something the groups do not tell", data.CPVEvidence{Title: "Maintenance, Gros Entretien Réparation Remplacement des équipements de crémation de la Ville de Mulhouse.", Nature: data.NatureServices}, "50000000", data.CPVSourceText},
		// « maintenance » is the labels' « entretien »: it no longer reads
		// as computer repair, the only group whose labels say it (real
		// notices, declared 50700000 and 50413000).
		{"building maintenance is not computer repair", data.CPVEvidence{Title: "EXPLOITATION ET MAINTENANCE MULTITECHNIQUE DES BÂTIMENTS COMMUNAUTAIRES", Nature: data.NatureServices}, "507", data.CPVSourceText},
		{"extinguisher maintenance is not computer repair", data.CPVEvidence{Title: "Vérification et maintenance : sécurité incendie - extincteurs", Nature: data.NatureServices}, "504", data.CPVSourceText},
		{"repair of vehicles keeps its group", data.CPVEvidence{Title: "Entretien et réparation des véhicules légers de la flotte communale", Nature: data.NatureServices}, "501", data.CPVSourceText},
		// Real BOAMP notice 26-26122: not benches nor load carriers.
		{"a load bank is test equipment", data.CPVEvidence{Title: "La fourniture et la livraison d'un banc de charge résistif et inductif au profit de la Base Navale Port des Galets"}, "3854", data.CPVSourceText},
		// Real BOAMP notice 26-26813: a business incubator is no hotel.
		{"a business hotel is facility management", data.CPVEvidence{Title: "Animation et gestion de l'incubateur, pépinière et hôtel d'entreprises La Turbine"}, "79993", data.CPVSourceText},
		// « traiteur » is not « traitement », and « fourniture de
		// prestations » is a service (real BOAMP 26-26661, Val d'Oise).
		{"catering is not treatment", data.CPVEvidence{Title: "Marché public à procédure adaptée relatif à la fourniture de prestations de restauration/traiteur pour les besoins du Département du Val d'Oise (2 lots)"}, "5552", data.CPVSourceText},
		{"« marché public » says nothing of the object", data.CPVEvidence{Title: "Marché public - Lot 2"}, "", ""},
		// « aménagement » of a shop is works, not furnishings (39200000
		// « Aménagements »): real DECP object.
		{"a shop's fit-out is works", data.CPVEvidence{Title: "Aménagement d'un convenience store"}, "45", data.CPVSourceText},
		// « collectif » is not « collecte » (of waste), and a bridge
		// rebuilt is works, not an overhead crane (« pont roulant »).
		{"collective transport is not waste collection", data.CPVEvidence{Title: "Transport collectif de personnes pour la Ville d'Olivet"}, "60", data.CPVSourceText},
		{"a bridge rebuilt is works", data.CPVEvidence{Title: "Reconstruction du pont de Treuil Mureau - RD107 - Commune de Puyrolland"}, "45", data.CPVSourceText},
		// Fuel is no office supply (« Cartes pour l'achat de carburant »).
		{"fuel", data.CPVEvidence{Title: "Fourniture de carburant Gazole pour la SEMITAG"}, "09", data.CPVSourceText},
		{"generic descriptor and no words", data.CPVEvidence{Title: "Consultation 2026-14", Descriptors: []data.Descriptor{{Label: "Prestations de services"}}}, "", ""},
		{"empty notice", data.CPVEvidence{}, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := data.InferCPV(c.in)
			if c.wantPrefix == "" {
				if len(got) != 0 {
					t.Fatalf("InferCPV = %v, want nothing", got)
				}
				return
			}
			if len(got) == 0 {
				t.Fatalf("InferCPV = nothing, want %s…", c.wantPrefix)
			}
			g := got[0]
			if !strings.HasPrefix(g.Code, c.wantPrefix) || g.Source != c.wantSource {
				t.Errorf("first guess %v, want %s… from %s", g, c.wantPrefix, c.wantSource)
			}
			if g.Label == "" || g.Because == "" || g.Confidence <= 0 || g.Confidence > 1 {
				t.Errorf("guess %+v lacks its label, reason or a confidence in (0,1]", g)
			}
			for i := 1; i < len(got); i++ {
				if got[i].Confidence > got[i-1].Confidence {
					t.Errorf("guesses not sorted by confidence: %v", got)
				}
			}
		})
	}
}

func TestBOAMPDescriptorTableReviewed(t *testing.T) {
	rows := data.BOAMPDescriptors()
	if len(rows) == 0 {
		t.Fatal("empty descriptor table")
	}
	for _, r := range rows {
		if r.Label == "" || r.Code == "" || r.Why == "" {
			t.Errorf("row %+v lacks its code, label or justification", r)
		}
		for _, c := range r.CPV {
			if _, err := data.NormalizeCPV(c); err != nil {
				t.Errorf("descriptor %q maps to %s: %v", r.Label, c, err)
			}
		}
		if (len(r.CPV) == 0) != (r.Confidence == 0) {
			t.Errorf("descriptor %q: confidence %v with codes %v", r.Label, r.Confidence, r.CPV)
		}
	}
}

// « plomb » (lead, the stained-glass maker's metal) is not « plomberie »
// (plumbing): no plumbing code for a stained-glass need.
func TestInferCPVKeepsLeadFromPlumbing(t *testing.T) {
	for _, g := range data.InferCPV(data.CPVEvidence{Title: "Restauration de vitraux : mise en plomb et verre soufflé", Nature: data.NatureWorks}) {
		if strings.HasPrefix(g.Code, "4533") {
			t.Errorf("guess %v: plumbing for lead", g)
		}
	}
}

// The trades of industry are not the homographs their stems collided with:
// turning is no record player, milling no strawberry, a foundry no road
// foundation, welding no caustic soda.
func TestInferCPVReadsIndustryTrades(t *testing.T) {
	for _, tc := range []struct {
		title   string
		never   []string // code prefixes
		wantAny string   // a code prefix one guess must have, "" for none asked
	}{
		{"Pièces de tournage", []string{"323"}, ""},
		{"Tournage et fraisage de pièces mécaniques", []string{"323", "03222", "033", "152", "153"}, ""},
		{"Fonderie de pièces en fonte", []string{"45233", "45262"}, ""},
		{"Usinage de pièces pour la maintenance", []string{"34513"}, ""},
		{"Fourniture de matériel de soudage", []string{"243115", "398"}, "42662"},
		{"Travaux de soudure", []string{"243115"}, ""},
		{"Tournage d'un film institutionnel", []string{"323"}, "92111"},
		{"Tournage de vidéos pour la communication", []string{"323"}, "92111"},
		// Found by the buyers' QA pass on the shipped BOAMP notices.
		{"Construction du centre culturel", []string{"452146"}, "452123"},
		{"Transports réguliers de voyageurs", []string{"604"}, "60112"},
		// Found by the buyers' QA pass on the shipped BOAMP notices: a
		// fire service's aerial lifts were air rescue, fire services and
		// livestock breeding (26-26547), buried networks data switching
		// (26-26089), new machinery fresh active charcoal (26-26228).
		// « élévateurs aériens » (cpv_expressions.csv) no longer reads air
		// traffic control (34962200, 0.51).
		{"Contrôle et la maintenance décennale de moyens élévateurs aériens du service départemental d'incendie et de Secours 53", []string{"6044", "7525", "775", "3496"}, "3414"},
		{"Localisation des ouvrages et réseaux enterrés et géoréférencement", []string{"723"}, ""},
		{"AOO. ACQUISITION ET MAINTENANCE D'ENGINS NEUFS POUR LES SERVICES D'ILEVA (lots 01 à 02)", []string{"24"}, ""},
	} {
		got := data.InferCPV(data.CPVEvidence{Title: tc.title})
		found := tc.wantAny == ""
		for _, g := range got {
			for _, p := range tc.never {
				if strings.HasPrefix(g.Code, p) {
					t.Errorf("%q: guess %v", tc.title, g)
				}
			}
			found = found || strings.HasPrefix(g.Code, tc.wantAny)
		}
		if !found {
			t.Errorf("%q: guesses %v, none in %s", tc.title, got, tc.wantAny)
		}
	}
}

// TestInferCPVReadsWhatIsBoughtNotForWhom: the words after « pour » that
// name an institution, a place or people say who the purchase is for,
// not what is bought (real notices of data/seed/notices, and needs tried
// as a buyer on the default server).
func TestInferCPVReadsWhatIsBoughtNotForWhom(t *testing.T) {
	checkGuesses(t, []guessCase{
		{"Prestations de sonorisation pour la Commune de Bras-Panon - Lot 1 : puissance 6-10 kw", "48952", ""},
		{"Souscription de contrats d'assurance pour la Communauté de Communes du Quercy Blanc", "6651", ""},
		{"Travaux de remplacement de menuiseries pour l'école primaire Jean ALIX à Pont-du-Château.", "45421", ""},
		{"Achat de tapisseries contemporaines pour le musée", "", "92521"},
		{"Vélos pour la police municipale", "3443", "352"},
		// « pour » before the object's complement keeps its weight.
		{"Fourniture de pièces détachées et accessoires pour véhicules", "343", ""},
	})
}

// TestInferCPVReadsRestorationApartFromCatering: the CPV labels say
// « restauration » only of catering; restoring a thing (real titles of
// data/seed/notices) is no kitchen, while catering stays catering.
func TestInferCPVReadsRestorationApartFromCatering(t *testing.T) {
	checkGuesses(t, []guessCase{
		{"Abbatiale Saint-Volusien - Restauration de l'orgue de choeur", "373", "393"},
		{"Travaux de restauration des latrines des thermes gallo-romains à Chassenon(Charente).", "", "4521242"},
		{"Restauration des façades de l'Hôtel de Ville", "", "452124"},
		{"Maintenance des matériels de restauration de la Ville de Blagnac:LOT 1 matériel de cuisson, de laverie", "5088", ""},
		{"Services de restauration scolaire", "555", ""},
		// Once « restauration » is set aside, « boiseries » is joinery,
		// not the timber of foresters (« bois »).
		{"Restauration de boiseries", "45421", "034"},
	})
}

// TestInferCPVReadsPlainPurchases: plain purchases that InferCPV misread
// (buyers' QA pass on main, December 2026), each for a cause in the
// scoring rather than in the words, so that the fix reads their kind.
func TestInferCPVReadsPlainPurchases(t *testing.T) {
	checkGuesses(t, []guessCase{
		// « Fournitures de bureau », « Fournitures pour perfusion »… share
		// only « fourniture » with the notice: their divisions outranked
		// the one label that fits, and nothing was guessed.
		{"Fourniture de drapeaux", "35821", ""},
		// « sportifs » was its own stem, used by four labels, none of
		// the sports articles (« Articles et équipements de sport »): the
		// works « pour équipements sportifs » won.
		{"Ballons et équipements sportifs", "374", "45"},
		// Words the labels use in another sense, read through reviewed
		// expressions (cpv_expressions.csv). The repeats of « fauteuils
		// roulants » in division 33 and of « matelas » in the textile
		// group outweighed the one label that fits; counting repeats less
		// was measured and cost more than it brought (see the review).
		{"Fauteuils de cinéma", "391", "45"},
		{"Matelas pour l'internat", "39143", "395"},
		{"Plaques commémoratives en bronze", "444234", ""},
		{"Illuminations de Noël", "315", "22"},
		{"Contrôle des élévateurs aériens", "3414", "3496"},
		// A real BOAMP notice (26-26323): « locaux » read the installation
		// of staff premises, works that put an electrical fitter first.
		{"Fourniture et installation de locaux modulaires sur le site de l'IRPA de RONCHIN", "442111", "45"},
		// … and what they must leave alone.
		{"Fourniture de fauteuils roulants", "331931", ""},
		{"Fauteuils dentaires", "331924", ""},
	})
}

// guessCase is a title, the code prefix its first guess must have ("" for
// none asked) and a code prefix no guess may have ("" for none).
type guessCase struct{ title, first, never string }

func checkGuesses(t *testing.T, cases []guessCase) {
	t.Helper()
	for _, tc := range cases {
		got := data.InferCPV(data.CPVEvidence{Title: tc.title})
		if tc.first != "" && (len(got) == 0 || !strings.HasPrefix(got[0].Code, tc.first)) {
			t.Errorf("%q: guesses %v, want %s… first", tc.title, got, tc.first)
		}
		for _, g := range got {
			if tc.never != "" && strings.HasPrefix(g.Code, tc.never) {
				t.Errorf("%q: guess %v", tc.title, g)
			}
		}
	}
}

func BenchmarkInferCPV(b *testing.B) {
	in := data.CPVEvidence{Title: "Travaux de restauration de l'église Saint-Martin : maçonnerie, charpente, couverture",
		Description: "Le présent marché porte sur la restauration des maçonneries en pierre de taille, de la charpente et de la couverture en ardoise de l'église classée.",
		Descriptors: []data.Descriptor{{Code: "341", Label: "Terrassement"}}, Nature: data.NatureWorks}
	data.InferCPV(in) // tables loaded outside the loop
	for b.Loop() {
		data.InferCPV(in)
	}
}

func FuzzInferCPV(f *testing.F) {
	f.Add("Mobilier de signalétique", "Descripteurs BOAMP : Mobilier", "Terrassement")
	f.Add("R\uFFFDseaux d'eau � Fos-sur-Mer", "", "")
	f.Add("", "", "Prestations de services")
	f.Fuzz(func(t *testing.T, title, desc, descriptor string) {
		got := data.InferCPV(data.CPVEvidence{Title: title, Description: desc, Descriptors: []data.Descriptor{{Label: descriptor}}})
		if len(got) > 3 {
			t.Fatalf("%d guesses", len(got))
		}
		for i, g := range got {
			if _, ok := data.LookupCPV(g.Code); !ok || g.Confidence <= 0 || g.Confidence > 1 || g.Because == "" {
				t.Fatalf("guess %+v", g)
			}
			if i > 0 && g.Confidence > got[i-1].Confidence {
				t.Fatalf("not sorted: %v", got)
			}
		}
	})
}

// TestInferCPVReadsWrittenCodes: a code written in the text is the
// buyer's own and comes first, whatever the words around it read (a
// buyer's QA pass pasted a notice whose « réception des plis » read a
// call centre); eight digits that are no code are not read as one.
func TestInferCPVReadsWrittenCodes(t *testing.T) {
	pasted := "AVIS D'APPEL PUBLIC À LA CONCURRENCE. Objet : mobilier urbain du centre historique. " +
		"Classification CPV : Principale : 34928400 - Mobilier urbain. Date limite de réception des plis : 15/04/2026 à 12 h 00."
	for _, tc := range []struct {
		name       string
		in         data.CPVEvidence
		first      string // "" when no code may be read as written
		notWritten []string
	}{
		{"after « CPV »", data.CPVEvidence{Title: "Mobilier urbain centre historique", Description: pasted}, "34928400", nil},
		{"with its check digit", data.CPVEvidence{Title: "Fourniture de bancs publics (34928400-2)"}, "34928400", nil},
		{"a wrong check digit is no code", data.CPVEvidence{Title: "Fourniture de bancs publics (34928400-9)"}, "", []string{"34928400"}},
		{"eight digits without « CPV »", data.CPVEvidence{Title: "Bancs publics, dossier 34928400, tél. 01234567"}, "", []string{"34928400"}},
		{"a SIRET is no code", data.CPVEvidence{Title: "CPV du titulaire 34928400012345"}, "", []string{"34928400"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := data.InferCPV(tc.in)
			if tc.first != "" {
				if len(got) == 0 || got[0].Code != tc.first || got[0].Source != data.CPVSourceWritten {
					t.Fatalf("InferCPV = %+v, want %s written in the text first", got, tc.first)
				}
				if !strings.Contains(got[0].Because, "34928400-2") {
					t.Errorf("because %q, want the code with its check digit", got[0].Because)
				}
			}
			for _, g := range got {
				if g.Source == data.CPVSourceWritten && (tc.first == "" || slices.Contains(tc.notWritten, g.Code)) {
					t.Errorf("InferCPV read %s as written in %q", g.Code, tc.in.Title)
				}
			}
		})
	}
}

// TestInferCPVBecauseSaysTheWordsAsWritten: the words a deduced code comes
// from are shown to buyers and PMIs as the notice wrote them, accents
// included (« église », not « eglise »).
func TestInferCPVBecauseSaysTheWordsAsWritten(t *testing.T) {
	got := data.InferCPV(data.CPVEvidence{Title: "Travaux de restauration de l'église"})
	if len(got) == 0 || !strings.Contains(got[0].Because, "« église »") {
		t.Fatalf("InferCPV = %+v, want the word « église » as written in Because", got)
	}
}
