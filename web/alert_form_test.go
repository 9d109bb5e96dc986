package web

import (
	"net/url"
	"slices"
	"testing"

	"fabrique/data"
)

func alertFormFrom(v url.Values) *alertForm {
	return readAlertForm(v.Get, func(k string) []string { return v[k] })
}

func TestAlertSummary(t *testing.T) {
	for _, tt := range []struct {
		name string
		p    data.AlertProfile
		want []string
	}{
		{"keywords and exclusions", data.AlertProfile{Keywords: `menuiserie "bois massif"`, Exclude: []string{"pvc", "alu"}},
			[]string{`mots-clés : menuiserie "bois massif"`, "sauf : pvc, alu"}},
		{"codes", data.AlertProfile{CPV: []data.AlertCPV{{Code: "45421000", WithChildren: true}, {Code: "44221000"}}},
			[]string{"CPV 45421000 (Travaux de menuiserie) et codes enfants, 44221000 (Fenêtres, portes et articles connexes)"}},
		{"areas", data.AlertProfile{Departements: []string{"69"}, Regions: []string{"28", "84"}},
			[]string{"département 69", "régions Normandie, Auvergne-Rhône-Alpes"}},
		{"radius", data.AlertProfile{Near: &data.Place{Commune: "Lyon", Departement: "69"}, RadiusKm: 12.5},
			[]string{"à moins de 12,5 km de Lyon (69)"}},
		{"value range", data.AlertProfile{ValueMin: 10000, ValueMax: 250000}, []string{"valeur de 10\u202f000\u00a0€ à 250\u202f000\u00a0€"}},
		{"value floor", data.AlertProfile{ValueMin: 10000}, []string{"valeur d'au moins 10\u202f000\u00a0€"}},
		{"value ceiling", data.AlertProfile{ValueMax: 90000}, []string{"valeur d'au plus 90\u202f000\u00a0€"}},
		{"procedures and lots", data.AlertProfile{Procedures: []string{data.ProcedureAdapted, data.ProcedureOpen}, LotsOnly: true},
			[]string{"procédures : procédure adaptée (MAPA), appel d'offres ouvert", "uniquement les lots"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := alertSummary(tt.p); !slices.Equal(got, tt.want) {
				t.Errorf("alertSummary = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestAlertCriteriaHash: the hash that lets « Enregistrer » skip a new
// preview changes with every criterion and with none of the rest.
func TestAlertCriteriaHash(t *testing.T) {
	base := url.Values{"nom": {"A"}, "mots": {"menuiserie"}, "cpv": {"45421000"}, "dep": {"69", "01"}, "frequence": {"daily"}}
	hash := func(change func(url.Values)) string {
		v := url.Values{}
		for k, vs := range base {
			v[k] = slices.Clone(vs)
		}
		change(v)
		f := alertFormFrom(v)
		f.check(nil)
		if !f.valid() {
			t.Fatalf("form %v invalid: %v", v, f.errors)
		}
		return f.criteriaHash()
	}
	ref := hash(func(url.Values) {})
	for _, tt := range []struct {
		name   string
		change func(url.Values)
		same   bool
	}{
		{"another name", func(v url.Values) { v.Set("nom", "B") }, true},
		{"another frequency", func(v url.Values) { v.Set("frequence", "weekly") }, true},
		{"départements in another order", func(v url.Values) { v["dep"] = []string{"01", "69"} }, true},
		{"spaces in the keywords", func(v url.Values) { v.Set("mots", "  menuiserie ") }, true},
		{"other keywords", func(v url.Values) { v.Set("mots", "charpente") }, false},
		{"an exclusion", func(v url.Values) { v.Set("exclure", "pvc") }, false},
		{"children of the code", func(v url.Values) { v.Set("cpv_enfants", "45421000") }, false},
		{"another département", func(v url.Values) { v["dep"] = []string{"69"} }, false},
		{"a région", func(v url.Values) { v.Set("reg", "84") }, false},
		{"a radius", func(v url.Values) { v.Set("autour", "commune"); v.Set("commune", "Lyon"); v.Set("rayon", "30") }, false},
		{"a value", func(v url.Values) { v.Set("valeur_max", "100000") }, false},
		{"a procedure", func(v url.Values) { v.Set("procedure", data.ProcedureOpen) }, false},
		{"lots only", func(v url.Values) { v.Set("lots", "1") }, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := hash(tt.change) == ref; got != tt.same {
				t.Errorf("same hash = %v, want %v", got, tt.same)
			}
		})
	}
}

func TestSplitWords(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"pvc", []string{"pvc"}},
		{" pvc , aluminium; vitrerie\r\nnettoyage ,, ", []string{"pvc", "aluminium", "vitrerie", "nettoyage"}},
		{"bois massif, chêne", []string{"bois massif", "chêne"}},
	} {
		if got := splitWords(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("splitWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
