package web

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestZeroResultSuggestsWhatToRelax(t *testing.T) {
	s := newSearchServer(t, Config{})
	doc := parseHTML(t, s.get(t, "/recherche?q=%C3%A9b%C3%A9nisterie&label=OFG"))
	if doc.Find(".results-list").Length() != 0 || doc.Find(".map-section").Length() != 0 {
		t.Errorf("an empty result draws a list or a map")
	}
	var texts []string
	doc.Find(".no-results li").Each(func(_ int, li *goquery.Selection) { texts = append(texts, normSpace(li.Text())) })
	want := "retirer le critère Label : OFG – Origine France Garantie (7 fournisseurs)"
	if len(texts) == 0 || texts[0] != want {
		t.Errorf("suggestions = %q, want first %q", texts, want)
	}
	href, _ := doc.Find(".no-results li a").First().Attr("href")
	if !strings.Contains(href, "q=") || strings.Contains(href, "label=") {
		t.Errorf("relaxing link %q, want the search without its label", href)
	}
}

func TestRadiusOnlyWithAPlace(t *testing.T) {
	s := newSearchServer(t, Config{})
	doc := parseHTML(t, s.get(t, "/recherche?q=bois"))
	sel := doc.Find("#radius_km option[selected]")
	if v, _ := sel.Attr("value"); sel.Length() != 1 || v != "" {
		t.Errorf("without a place the radius preselects %q, want the empty default", v)
	}
	if strings.Contains(textOf(doc.Find(".active-filters")), "km") {
		t.Errorf("a radius is shown as applied without a place")
	}
	// The form's default radius, sent empty with a place, is 50 km.
	doc = parseHTML(t, s.get(t, "/recherche?q=bois&near=Lyon&radius_km="))
	if got := textOf(doc.Find(".active-filters")); !strings.Contains(got, "à moins de 50 km de Lyon") {
		t.Errorf("active filters %q, want the default 50 km around Lyon", got)
	}
}
