package data

import "testing"

func TestFrenchStem(t *testing.T) {
	cases := []struct {
		name, a, b string
		same       bool
	}{
		{"trade and its work", "menuisier", "menuiserie", true},
		{"-ail plural", "vitraux", "vitrail", true},
		{"-al plural", "métaux", "métal", true},
		{"feminine plural", "fournitures", "fourniture", true},
		{"adjective and noun", "culturel", "culture", true},
		{"signage is not signalling (cpv_expressions.csv reads it)", "signalétique", "signalisation", false},
		{"lead is not plumbing", "plomb", "plomberie", false},
		{"plumber is plumbing", "plombier", "plomberie", true},
		{"public works plural", "travaux", "travaux", true},
		// -eau plurals: « réseaux » was « reseal », away from « réseau ».
		{"-eau plural", "réseaux", "réseau", true},
		{"-eaux plural of a short word", "eaux", "eau", true},
		{"-yau plural", "tuyaux", "tuyau", true},
		{"a lift is not livestock breeding", "élévateurs", "élevage", false},
		{"a lift and a lifting platform", "élévateur", "élévatrices", true},
		{"-if adjective and its noun", "sportifs", "sport", true},
		{"-ive adjective and its noun", "sportive", "sport", true},
		{"a reagent is no reactor", "réactifs", "réacteurs", false},
		{"short -if words stay whole", "archives", "arches", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := frenchStem(Fold(c.a)), frenchStem(Fold(c.b))
			if (a == b) != c.same {
				t.Errorf("stems %q (%s) and %q (%s): same = %v, want %v", a, c.a, b, c.b, a == b, c.same)
			}
		})
	}
	// « la présente consultation » is no display unit (« présentoirs »).
	if frenchStem("de") != "" || frenchStem("consultation") != "" || frenchStem("presente") != "" {
		t.Error("stop words and procedure words must give no stem")
	}
}

// Every practice expression has stems, a known code and a reason.
func TestCPVExpressionsReviewed(t *testing.T) {
	exprs := cpvExpressions.get()
	if len(exprs) < 20 {
		t.Fatalf("%d expressions", len(exprs))
	}
	seen := map[string]bool{}
	for _, e := range exprs {
		if len(e.stems) == 0 || e.why == "" {
			t.Errorf("expression %q: stems %v, justification %q", e.text, e.stems, e.why)
		}
		if seen[e.text] {
			t.Errorf("expression %q listed twice", e.text)
		}
		seen[e.text] = true
	}
}

// noticeWords drops places and restores letters lost to a wrong charset.
func TestNoticeWords(t *testing.T) {
	cases := []struct {
		name, text   string
		want, absent string
	}{
		{"city after « de »", "Remorquage des véhicules de la ville de Paris", "remorquage", "paris"},
		{"hyphenated commune", "Prestations vétérinaires pour la fourrière de Fos-sur-Mer", "fourriere", "mer"},
		{"région", "Gardiennage des locaux de PACA, Occitanie, Corse", "gardiennage", "corse"},
		{"lost letter", "Contrôle des r\uFFFDseaux d'assainissement", "reseaux", ""},
		{"lost œ", "MARCHE DE MAITRISE D'UVRE", "oeuvre", "uvre"},
		// A place inside a compound name, though the labels know the word
		// (« paris », betting; « port »): real notices BOAMP 16-178891 and
		// DECP « darse 1 de Port-Joinville ».
		{"place inside a compound name", "Plan de Déplacements Campus pour les 5 sites de l'Université Paris-Sud", "deplacements", "paris"},
		{"commune inside a compound name", "Investigations géotechniques dans la darse de Port-Joinville", "geotechniques", "port"},
		{"a compound thing stays", "Fourniture de porte-charges", "porte", ""},
		// Engins is a commune of Isère: among capitals, « d'ENGINS » is
		// machinery, though the rest of the title is not in capitals
		// (BOAMP 26-26228).
		{"a thing named like a commune among capitals", "AOO. ACQUISITION ET MAINTENANCE D'ENGINS NEUFS (lots 01 à 02)", "engins", ""},
		{"a city among capitals stays a place", "REMORQUAGE DES VEHICULES DE LA VILLE DE PARIS", "remorquage", "paris"},
		{"a fire service is a buyer, not the object", "Maintenance de moyens élévateurs aériens du service départemental d'incendie et de Secours 53", "elevateurs", "secours"},
		{"a fire service whose é a wrong charset lost", "Fourniture de carburants pour les engins du Service D\uFFFDpartemental d'Incendie et de Secours des Ardennes", "carburants", "secours"},
		{"a fire station is a building", "Construction du centre d'incendie et de secours", "secours", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			words := map[string]bool{}
			for _, w := range noticeWords(c.text) {
				words[w] = true
			}
			if !words[c.want] || (c.absent != "" && words[c.absent]) {
				t.Errorf("noticeWords(%q) = %v, want %q without %q", c.text, noticeWords(c.text), c.want, c.absent)
			}
		})
	}
}
