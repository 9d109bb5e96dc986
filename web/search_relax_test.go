package web

import (
	"net/http"
	"net/url"
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

// TestRelaxKeepsThePlaceRead: a word dropped from « ferronnier Bretagne »
// keeps Bretagne as a criterion; the place's name alone would be searched
// as words (a text that is only a place is never read as one).
func TestRelaxKeepsThePlaceRead(t *testing.T) {
	s := newSearchServer(t, Config{})
	doc := parseHTML(t, s.get(t, "/recherche?q=qwxzkvj+Bretagne"))
	found := false
	doc.Find(".no-results li").Each(func(_ int, li *goquery.Selection) {
		if !strings.Contains(li.Text(), "sans le mot « qwxzkvj »") {
			return
		}
		found = true
		href, _ := li.Find("a").Attr("href")
		if !strings.Contains(href, "region=53") || strings.Contains(href, "Bretagne") {
			t.Errorf("without the word: %q, want the région as a criterion, not its name as text", href)
		}
	})
	if !found {
		t.Fatalf("no suggestion to drop the word: %q", normSpace(doc.Find(".no-results").Text()))
	}
	// Around a commune, the circle stays.
	doc = parseHTML(t, s.get(t, "/recherche?q=qwxzkvj+Lyon"))
	var href string
	doc.Find(".no-results li").Each(func(_ int, li *goquery.Selection) {
		if strings.Contains(li.Text(), "sans le mot « qwxzkvj »") {
			href, _ = li.Find("a").Attr("href")
		}
	})
	if u, err := url.Parse(href); err != nil || u.Query().Get("q") != "" || !strings.HasPrefix(u.Query().Get("near"), "Lyon") {
		t.Errorf("without the word around Lyon: %q, want the suppliers near Lyon", href)
	}
}

// TestPagePastTheLast: a page beyond the results says so and links the
// last one, instead of « aucun fournisseur ne correspond » under a count
// of results; a relaxed search with no result does not announce any.
func TestPagePastTheLast(t *testing.T) {
	s := newSearchServer(t, Config{})
	doc := parseHTML(t, s.get(t, "/recherche?q=bois&page=400"))
	text := normSpace(doc.Find("main").Text())
	if !strings.Contains(text, "Cette page est au-delà de la dernière") || strings.Contains(text, "Aucun fournisseur ne correspond") {
		t.Errorf("page past the last: %.400s", text)
	}
	href, _ := doc.Find(".past-last a").Attr("href")
	if u, err := url.Parse(href); err != nil || u.Query().Get("q") != "bois" || u.Query().Get("page") == "" {
		t.Errorf("link to the last page %q", href)
	}
	doc = parseHTML(t, s.get(t, "/recherche?q=qwxzkvj+vbnmzq"))
	if text := normSpace(doc.Find("main").Text()); strings.Contains(text, "voici ceux qui en ont le plus") {
		t.Errorf("an empty relaxed search announces results: %.300s", text)
	}
}

// TestSearchRadiusOnlyWhereItApplies: the radius is in force around a
// commune (read in the text or typed in « Autour de »), never with a
// région or a département read in the text, nor without a place.
func TestSearchRadiusOnlyWhereItApplies(t *testing.T) {
	s := newSearchServer(t, Config{})
	for _, tc := range []struct {
		target, want string // want: the value of the selected radius, "" for none
	}{
		{"/recherche?q=menuiserie", ""},
		{"/recherche?q=" + url.QueryEscape("menuiserie Bretagne"), ""},
		{"/recherche?q=" + url.QueryEscape("menuiserie Finistère") + "&radius_km=", ""},
		{"/recherche?q=" + url.QueryEscape("menuiserie 35") + "&radius_km=100", ""},
		{"/recherche?q=" + url.QueryEscape("menuiserie Lyon"), "50"},
		{"/recherche?q=menuiserie&near=Rennes&radius_km=", "50"},
	} {
		doc := parseHTML(t, s.get(t, tc.target))
		sel := doc.Find("#radius_km option[selected]")
		v, _ := sel.Attr("value")
		if sel.Length() != 1 || v != tc.want {
			t.Errorf("%s: radius selected %q (%d), want %q", tc.target, v, sel.Length(), tc.want)
		}
		if tc.want == "" && strings.Contains(textOf(sel), "km") {
			t.Errorf("%s: the radius shows %q where none applies", tc.target, textOf(sel))
		}
		if tc.want == "" && strings.Contains(textOf(doc.Find(".active-filters")), "km") {
			t.Errorf("%s: a radius among the criteria: %q", tc.target, textOf(doc.Find(".active-filters")))
		}
	}
	var got struct {
		Near  map[string]any
		Place map[string]any
	}
	decodeJSON(t, s.get(t, "/api/v1/suppliers?q="+url.QueryEscape("menuiserie Bretagne")), &got)
	if km, _ := got.Place["radius_km"].(float64); got.Place == nil || km != 0 || got.Near["radius_km"] != nil {
		t.Errorf("API place %v near %v: want no radius around a région", got.Place, got.Near)
	}
}

// TestRelaxWithoutTheWordsKeepsThePlace checks the suggestion to drop
// every word when a place was read in the text: « ferronnerie Bretagne »
// offered « chercher sans les mots « ferronnerie Bretagne » » (every
// supplier of France), first since most fruitful; the words dropped are
// now the trade's, the région stays.
func TestRelaxWithoutTheWordsKeepsThePlace(t *testing.T) {
	s := newSearchServer(t, Config{})
	doc := parseHTML(t, s.get(t, "/recherche?q="+url.QueryEscape("qwxzkvj ferronnerie Bretagne")))
	var texts, hrefs []string
	doc.Find(".no-results li").Each(func(_ int, li *goquery.Selection) {
		texts = append(texts, normSpace(li.Text()))
		h, _ := li.Find("a").Attr("href")
		hrefs = append(hrefs, h)
	})
	for i, tx := range texts {
		if strings.Contains(tx, "Bretagne »") {
			t.Errorf("suggestion %q drops the place read with the words", tx)
		}
		if strings.HasPrefix(tx, "chercher sans les mots « qwxzkvj ferronnerie »") && !strings.Contains(hrefs[i], "region=53") {
			t.Errorf("suggestion %q links %q, want the région kept", tx, hrefs[i])
		}
		if hrefs[i] == searchPath {
			t.Errorf("suggestion %q links every supplier", tx)
		}
	}
	if len(texts) == 0 || !strings.HasPrefix(texts[0], "chercher sans les mots « qwxzkvj ferronnerie »") {
		t.Errorf("suggestions %q: want first the région without the words", texts)
	}
}

// TestPageBeyondTheWindow checks a page number beyond what the index lets
// browse (page × 20 > 10 000) on a search of a few suppliers, as an old
// or edited link gives: it answered « seuls les 10000 premiers résultats
// peuvent être parcourus : affinez la recherche » for 73 results; it now
// says, like any page past the last, where the last page is.
func TestPageBeyondTheWindow(t *testing.T) {
	s := newSearchServer(t, Config{})
	doc, _ := getPage(t, s, "/recherche?q=bois&page=999", http.StatusOK)
	text := normSpace(doc.Find("main").Text())
	if !strings.Contains(text, "Cette page est au-delà de la dernière") || strings.Contains(text, "premiers résultats") {
		t.Errorf("page 999: %.400s", text)
	}
	href, _ := doc.Find(".past-last a").Attr("href")
	if u, err := url.Parse(href); err != nil || u.Query().Get("q") != "bois" || u.Query().Get("page") == "" || u.Query().Get("page") == "999" {
		t.Errorf("link to the last page %q", href)
	}
	// A page number that is not one stays an error.
	if r := s.get(t, "/recherche?q=bois&page=abc"); r.status != http.StatusBadRequest {
		t.Errorf("page=abc: status %d, want 400", r.status)
	}
}
