package web

import (
	"net/url"
	"strings"
	"testing"

	"fabrique/data"

	"github.com/PuerkitoBio/goquery"
)

// TestDistanceWords: a company at the place reads « sur place » in every
// list that gives distances (search results and their report, a
// shortlist and its printable report), as in its match reasons, never
// « 0,0 km ».
func TestDistanceWords(t *testing.T) {
	sup := listingCompany(1, "Menuiserie Sur Place") // Lyon 3e
	s := newSearchServer(t, Config{}, sup)
	q := "?q=" + url.QueryEscape("Menuiserie Sur Place") + "&near=Lyon"
	noZero := func(what, text string) {
		t.Helper()
		for _, zero := range []string{"0,0 km", "à 0 km"} {
			if i := strings.Index(text, zero); i >= 0 {
				t.Errorf("%s reads « …%s… », want no « %s »", what, text[max(0, i-60):i+len(zero)], zero)
			}
		}
	}

	results := texts(parseHTML(t, s.get(t, "/recherche"+q)), ".results-list .distance")
	if len(results) == 0 || results[0] != data.OnSite {
		t.Errorf("search results' distances = %q, want « sur place » first", results)
	}
	report := parseHTML(t, s.get(t, "/recherche/rapport"+q))
	dist := report.Find(".report-supplier dt").FilterFunction(func(_ int, dt *goquery.Selection) bool { return textOf(dt) == "Distance" }).First().Next()
	if got := textOf(dist); got != data.OnSite {
		t.Errorf("search report's distance = %q, want « sur place »", got)
	}
	noZero("search report", textOf(report.Find("main")))

	form := validNeedForm()
	form.Set("departement", "")
	form.Set("postcode", "69003")
	page := postNeed(t, s, form)
	for _, path := range []string{page, page + "/rapport"} {
		doc := parseHTML(t, s.get(t, path))
		text := textOf(doc.Find("main"))
		noZero(path, text)
		if !strings.Contains(text, "Menuiserie Sur Place") {
			t.Fatalf("%s does not propose the company of Lyon 3e", path)
		}
		doc.Find(".match, tbody tr").Each(func(_ int, row *goquery.Selection) {
			if row := textOf(row); strings.Contains(row, "Menuiserie Sur Place") && !strings.Contains(row, "Menuiserie Sur Place, "+data.OnSite) &&
				!strings.Contains(row, " "+data.OnSite+" SIREN") {
				t.Errorf("%s: the company at the place reads %q, want « sur place » beside its name", path, row)
			}
		})
	}
}
