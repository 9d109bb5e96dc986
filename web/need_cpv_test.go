package web

import (
	"slices"
	"strings"
	"testing"

	"fabrique/data"
)

func TestSearchCPV(t *testing.T) {
	tests := []struct {
		name  string
		q     string
		limit int
		// first are the codes expected first, in order; all must be found.
		first, all []string
		none       bool
	}{
		{name: "code prefix in code order", q: "4542", limit: 3, first: []string{"45420000", "45421000", "45421100"}},
		{name: "whole code", q: "45212350", limit: 5, first: []string{"45212350"}},
		{name: "code with check digit", q: "45212350-4", limit: 5, first: []string{"45212350"}},
		{name: "code as picked", q: "45421000 — Travaux de menuiserie", limit: 1, first: []string{"45421000"}},
		{name: "word, accents ignored", q: "menuiserie", limit: 20, all: []string{"45421000", "44220000"}},
		{name: "word prefix", q: "menuis", limit: 20, all: []string{"45421000"}},
		{name: "capitals and accents", q: "BÂTIMENTS historique", limit: 10, all: []string{"45212350"}},
		{name: "several words", q: "monuments historiques", limit: 10, all: []string{"45212314", "92522200"}},
		{name: "shortest label first", q: "travaux de menuiserie", limit: 1, first: []string{"45421000"}},
		// A PMI that makes screws types « vis »: the labels where it is a
		// word (plural included) come before those where it only begins one
		// (« Visières », « Viscosimètres », « Cartes de visite »).
		{name: "whole words before beginnings", q: "vis", limit: 6,
			all: []string{"44531300", "44531100", "44531510", "44618320", "44531520", "44531200"}},
		{name: "a singular finds its plural first", q: "boulon", limit: 1, first: []string{"44531400"}},
		{name: "every word must match", q: "menuiserie zzzz", limit: 10, none: true},
		{name: "unknown code", q: "99", limit: 10, none: true},
		{name: "blank", q: "   ", limit: 10, none: true},
		{name: "zero limit", q: "45", limit: 0, none: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := searchCPV(tt.q, tt.limit)
			var codes []string
			for _, c := range got {
				codes = append(codes, c.Code8)
			}
			if len(got) > tt.limit {
				t.Errorf("%d results, limit %d", len(got), tt.limit)
			}
			if tt.none {
				if len(got) != 0 {
					t.Errorf("searchCPV(%q) = %v, want nothing", tt.q, codes)
				}
				return
			}
			if len(codes) < len(tt.first) || !slices.Equal(codes[:len(tt.first)], tt.first) {
				t.Errorf("searchCPV(%q) = %v, want it to start with %v", tt.q, codes, tt.first)
			}
			for _, w := range tt.all {
				if !slices.Contains(codes, w) {
					t.Errorf("searchCPV(%q) = %v, lacks %s", tt.q, codes, w)
				}
			}
		})
	}
}

func TestCPVFieldCode(t *testing.T) {
	tests := []struct {
		raw    string
		want   string
		isCode bool
	}{
		{"45421000", "45421000", true},
		{" 45421000-4 ", "45421000-4", true},
		{"45421000 - 4", "45421000 - 4", true},
		{"45421000 — Travaux de menuiserie", "45421000", true},
		{"45421000-4 — Travaux de menuiserie", "45421000-4", true},
		{"menuiserie", "", false},
		{"4542", "", false},
		{"454210001", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := cpvFieldCode(tt.raw)
		if got != tt.want || ok != tt.isCode {
			t.Errorf("cpvFieldCode(%q) = %q, %v; want %q, %v", tt.raw, got, ok, tt.want, tt.isCode)
		}
	}
}

func TestCPVDivisionOptions(t *testing.T) {
	opts := cpvDivisionOptions()
	if len(opts) != 45 {
		t.Fatalf("%d divisions, want the 45 of CPV 2008", len(opts))
	}
	if got, want := opts[0].Value, "03000000 — Produits agricoles, de l'élevage, de la pêche, de la sylviculture et produits connexes"; got != want {
		t.Errorf("first option = %q, want %q", got, want)
	}
	// What the picker offers, the form accepts.
	for _, o := range opts {
		code, ok := cpvFieldCode(o.Value)
		if !ok {
			t.Fatalf("option %q is not read back as a code", o.Value)
		}
		if _, err := data.NormalizeCPV(code); err != nil {
			t.Errorf("option %q: %v", o.Value, err)
		}
	}
}

func FuzzSearchCPV(f *testing.F) {
	for _, q := range []string{"45", "4542100", "menuiserie", "45421000 — x", "é", "\xff", strings.Repeat("a ", 50)} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got := searchCPV(q, 10)
		if len(got) > 10 {
			t.Fatalf("searchCPV(%q) gave %d results, limit 10", q, len(got))
		}
		for _, c := range got {
			if _, ok := data.LookupCPV(c.Code8); !ok {
				t.Fatalf("searchCPV(%q) returned unknown code %q", q, c.Code8)
			}
		}
		if code, ok := cpvFieldCode(q); ok && !strings.HasPrefix(strings.ReplaceAll(strings.TrimSpace(q), " ", ""), strings.ReplaceAll(code, " ", "")) {
			t.Fatalf("cpvFieldCode(%q) = %q, not the start of the field", q, code)
		}
	})
}

func BenchmarkSearchCPVWords(b *testing.B) {
	cpvCatalogue()
	for b.Loop() {
		if len(searchCPV("travaux menuiserie", 10)) == 0 {
			b.Fatal("no result")
		}
	}
}

// TestSearchCPVByTrade: the trade words of industry that no CPV label
// says find the codes of what their NAF activity makes, saying which
// (« via l'activité NAF 25.62A Décolletage »); « tournage » is machining,
// never filming; the labels that have every word whole come first, the
// codes found through an activity next, the labels that only begin like
// the words last.
func TestSearchCPVByTrade(t *testing.T) {
	for _, tt := range []struct {
		q        string
		first    string // the first code, found through via
		via      string
		alsoVia  []string // codes that must be found through an activity too
		notDivs  []string // CPV divisions that must not come
		labelled int      // codes found by their own label before
	}{
		{q: "décolletage", first: "44531000", via: "via l'activité NAF 25.62A Décolletage", alsoVia: []string{"44532000", "42141000"}},
		{q: "décolleteur", first: "44531000", via: "via l'activité NAF 25.62A Décolletage"}, // the trade table's tradesman
		{q: "visserie", first: "44531000", via: "via l'activité NAF 25.94Z Fabrication de vis et de boulons", alsoVia: []string{"44532000"}},
		{q: "Tournage", first: "44531000", via: "via l'activité NAF 25.62A Décolletage", alsoVia: []string{"42140000", "44531700"},
			notDivs: []string{"32", "92"}},
		{q: "fraisage", labelled: 1, first: "42140000", via: "via l'activité NAF 25.62B Mécanique industrielle"},
		{q: "pièces de décolletage", first: "44531000", via: "via l'activité NAF 25.62A Décolletage"},
		// Foundry, metal structures, boiler-making (refdata/naf_trade_products.csv).
		{q: "fondeur", first: "44470000", via: "via l'activité NAF 24.51Z Fonderie de fonte", alsoVia: []string{"44423100"}},
		{q: "chaudronnerie", first: "44610000", via: "via l'activité NAF 25.29Z Fabrication d'autres réservoirs, citernes et conteneurs métalliques", alsoVia: []string{"44615100"}},
		{q: "chaudronnier", first: "44610000", via: "via l'activité NAF 25.29Z Fabrication d'autres réservoirs, citernes et conteneurs métalliques"},
		{q: "charpente métallique", first: "44210000", via: "via l'activité NAF 25.11Z Fabrication de structures métalliques et de parties de structures", alsoVia: []string{"44142000"}},
	} {
		got := searchCPV(tt.q, 10)
		var codes []string
		for _, f := range got {
			codes = append(codes, f.Code8+" "+f.ViaText())
			if slices.Contains(tt.notDivs, f.Division) {
				t.Errorf("searchCPV(%q) offers %s %s", tt.q, f.Code8, f.LabelFR)
			}
		}
		if len(got) <= tt.labelled {
			t.Errorf("searchCPV(%q) = %v, want %s after %d labels", tt.q, codes, tt.first, tt.labelled)
			continue
		}
		for _, f := range got[:tt.labelled] {
			if f.Via != nil {
				t.Errorf("searchCPV(%q) = %v: an activity's code before a label with the word", tt.q, codes)
			}
		}
		if f := got[tt.labelled]; f.Code8 != tt.first || f.ViaText() != tt.via {
			t.Errorf("searchCPV(%q) = %v, want %s %s", tt.q, codes, tt.first, tt.via)
		}
		for _, c := range tt.alsoVia {
			if !slices.ContainsFunc(got, func(f cpvFound) bool { return f.Code8 == c && f.Via != nil }) {
				t.Errorf("searchCPV(%q) = %v, lacks %s through an activity", tt.q, codes, c)
			}
		}
	}

	// « vis »: the labels with the word, then the codes of the makers of
	// screws (NAF 25.94Z), then « Visières » and « Viscosimètres ».
	var order []string
	for _, f := range searchCPV("vis", 10) {
		kind := "label"
		switch {
		case f.Via != nil:
			kind = "via " + f.Via.Code
		case wholeWords([]string{"vis"}, data.Words(f.LabelFR)) == 0:
			kind = "weak"
		}
		if len(order) == 0 || order[len(order)-1] != kind {
			order = append(order, kind)
		}
	}
	if want := []string{"label", "via 25.94Z", "weak"}; !slices.Equal(order, want) {
		t.Errorf("« vis » ranks %v, want %v", order, want)
	}
	// Words that name no trade find no activity by themselves.
	for _, q := range []string{"fabrication", "de la", "pièces"} {
		if i := slices.IndexFunc(searchCPV(q, 50), func(f cpvFound) bool { return f.Via != nil }); i >= 0 {
			t.Errorf("searchCPV(%q) offers an activity's code", q)
		}
	}
}
