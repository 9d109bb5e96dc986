package web

import (
	"bytes"
	"strings"
	"testing"

	"fabrique/data"
)

// TestCountsAgreeAtOne renders the pages whose counts were written with
// a plural whatever the number (« Départements (1 choisis) », « Carte des
// 1 résultats ») at one and at two: each follows data.PluralFR, singular
// at 0 and 1.
func TestCountsAgreeAtOne(t *testing.T) {
	s := newTestServer(t, Config{})
	render := func(name string, p page) string {
		t.Helper()
		var buf bytes.Buffer
		if err := s.pages.pages[name].ExecuteTemplate(&buf, "layout.html", p); err != nil {
			t.Fatalf("render %s: %v", name, err)
		}
		return buf.String()
	}
	alerts := func(deps, regs []string) page {
		return s.newAlertsPage("Mes alertes", alertsPath, &alertForm{Frequency: string(data.AlertDaily), Children: map[string]bool{}, Deps: deps, Regs: regs}, nil)
	}
	facetGroupOf := func(more int) facetGroup {
		g := facetGroup{Name: "dep", Legend: "Département", Top: []facetItem{{ID: "f-dep-0", Value: "35", Label: "35", Count: 3}}}
		for i := range more {
			g.More = append(g.More, facetItem{ID: "f-dep-m" + string(rune('0'+i)), Value: "2" + string(rune('0'+i)), Label: "x", Count: 1})
		}
		return g
	}
	facets := func(more int) page {
		return &searchPage{Layout: Layout{Title: "Recherche"}, Total: 4, TotalText: "4 fournisseurs", Facets: []facetGroup{facetGroupOf(more)}}
	}
	tenderFacets := func(more int) page {
		return &tendersPage{Layout: Layout{Title: "Appels d'offres"}, Total: 4, TotalText: "4 appels d'offres", Facets: []facetGroup{facetGroupOf(more)}}
	}
	home := func(n int) page {
		return &homePage{Layout: Layout{Title: "Accueil"}, Suppliers: n,
			Labels: []labelFigure{{Type: data.LabelOFG, Name: "Origine France Garantie", States: true, Total: n, NotRefound: n}}}
	}
	tender := func(trades int) page {
		r := rankingView{Anchor: "classement", Heading: "Ensemble du marché", Trades: []tradeFacet{{Code: "16.23Z", Label: "Menuiserie", Count: 1, URL: "?metier=16.23Z"}}}
		for range trades - 1 {
			r.MoreTrades = append(r.MoreTrades, tradeFacet{Code: "31.09B", Label: "Meubles", Count: 1, URL: "?metier=31.09B"})
		}
		r.TradeTotal = trades
		return &tenderPage{Layout: Layout{Title: "Besoin"}, Need: true, Rankings: []rankingView{r}}
	}
	tests := []struct {
		name, page string
		p          page
		want       []string
	}{
		{"one département and one région chosen", "alerts", alerts([]string{"35"}, []string{"53"}),
			[]string{"Départements (1 choisi)", "Régions (1 choisie)"}},
		{"two of each", "alerts", alerts([]string{"35", "56"}, []string{"53", "52"}),
			[]string{"Départements (2 choisis)", "Régions (2 choisies)"}},
		{"one more facet value", "search", facets(1), []string{"<summary>1 autre valeur</summary>"}},
		{"two more facet values", "search", facets(2), []string{"<summary>2 autres valeurs</summary>"}},
		{"two companies ranked, one more trade", "tender", tender(2), []string{"retenues pour ce besoin (2 entreprises ; entre parenthèses", "<summary>1 autre corps d&#39;état</summary>"}},
		{"one company ranked", "tender", tender(1), []string{"retenues pour ce besoin (1 entreprise ; entre parenthèses"}},
		{"two more trades", "tender", tender(3), []string{"<summary>2 autres corps d&#39;état</summary>"}},
		{"one more tender facet value", "tenders", tenderFacets(1), []string{"<summary>1 autre valeur</summary>"}},
		{"one labelled company", "home", home(1), []string{"sur 1 entreprise référencée avec ce label", "1 non retrouvée au dernier passage"}},
		{"two labelled companies", "home", home(2), []string{"sur 2 entreprises référencées avec ce label", "2 non retrouvées au dernier passage"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := render(tt.page, tt.p)
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s lacks %q", tt.page, w)
				}
			}
		})
	}

	// The search map's label and the sizes of uploaded documents.
	for n, want := range map[int]string{1: "Carte des résultats par département (1 résultat)", 3: "Carte des résultats par département (3 résultats)"} {
		if got := s.maps.searchMap(nil, nil, n).Label; got != want {
			t.Errorf("map label for %d results = %q, want %q", n, got, want)
		}
	}
	for n, want := range map[int]string{0: "0 octet", 1: "1 octet", 2: "2 octets"} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d) = %q, want %q", n, got, want)
		}
	}
}
