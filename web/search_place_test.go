package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestSearchPlaceInText plays « menuiserie Lyon » on the real EPV
// companies: the place becomes a chip, and its link searches the words.
func TestSearchPlaceInText(t *testing.T) {
	s := newSearchServer(t, Config{})

	t.Run("a city at the end of the text becomes a removable chip", func(t *testing.T) {
		r := s.get(t, "/recherche?q="+url.QueryEscape("menuiserie Lyon"))
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		doc := parseHTML(t, r)
		chip := doc.Find(".active-filters li.place-chip")
		if chip.Length() != 1 {
			t.Fatalf("%d place chips, want 1", chip.Length())
		}
		if got := textOf(chip.Find("span")); !strings.Contains(got, "« Lyon »") || !strings.Contains(got, "50 km de Lyon (69)") {
			t.Errorf("chip = %q, want the words « Lyon » and the place understood", got)
		}
		if v, _ := doc.Find("input#q").Attr("value"); v != "menuiserie Lyon" {
			t.Errorf("search box = %q, want the text as typed", v)
		}
		names := texts(doc, ".results-list h3")
		if len(names) == 0 || names[0] != "MENUISERIE JACQUES" {
			t.Errorf("results = %q, want Lyon's joiner first", names)
		}
		for _, n := range names {
			if n == "VELOURS DE LYON" || n == "LES ETAINS DE LYON" {
				t.Errorf("results %q hold %s: Lyon was searched as a word", names, n)
			}
		}
		remove, _ := chip.Find("a").Attr("href")
		u, err := url.Parse(remove)
		if err != nil || u.Path != searchPath || u.Query().Get("q") != "menuiserie Lyon" || u.Query().Get("lieu") != "non" {
			t.Fatalf("chip link = %q, want the same words with lieu=non", remove)
		}

		words := parseHTML(t, s.get(t, remove))
		if words.Find(".place-chip").Length() != 0 {
			t.Errorf("the chip is still there after removing it")
		}
		wn := texts(words, ".results-list h3")
		if len(wn) <= len(names) || !slices.Contains(wn, "MENUISERIE JACQUES") || !slices.Contains(wn, "VELOURS DE LYON") {
			t.Errorf("without the place, results = %q: want every joiner and the firms with Lyon in their name", wn)
		}
		if wn[0] == "VELOURS DE LYON" {
			t.Errorf("without the place, VELOURS DE LYON still comes first: %q", wn)
		}
		for _, href := range words.Find(".pagination a").Map(func(_ int, s *goquery.Selection) string { h, _ := s.Attr("href"); return h }) {
			if !strings.Contains(href, "lieu=non") {
				t.Errorf("page link %q forgets lieu=non", href)
			}
		}
	})

	t.Run("the radius chosen applies to the commune", func(t *testing.T) {
		near := parseHTML(t, s.get(t, "/recherche?q="+url.QueryEscape("menuiserie Lyon")+"&radius_km=200"))
		if got := textOf(near.Find(".place-chip span")); !strings.Contains(got, "à moins de 200 km de Lyon (69)") {
			t.Errorf("chip = %q, want 200 km", got)
		}
		if v, _ := near.Find("#radius_km option[selected]").Attr("value"); v != "200" {
			t.Errorf("radius selected = %q, want 200", v)
		}
		all := parseHTML(t, s.get(t, "/recherche?q="+url.QueryEscape("menuiserie Lyon")+"&radius_km=0"))
		if got := textOf(all.Find(".place-chip span")); !strings.Contains(got, "autour de Lyon (69)") {
			t.Errorf("chip = %q, want every distance", got)
		}
		names := texts(all, ".results-list h3")
		if len(names) < 10 || names[0] != "MENUISERIE JACQUES" {
			t.Errorf("at every distance: %q, want Lyon's joiner first of many", names)
		}
		next, _ := all.Find(`.pagination a[rel=next]`).Attr("href")
		if u, err := url.Parse(next); err != nil || u.Query().Get("radius_km") != "0" || u.Query().Get("q") != "menuiserie Lyon" {
			t.Errorf("next page %q forgets the radius", next)
		}
	})

	t.Run("a removed place stays removed when filters change", func(t *testing.T) {
		doc := parseHTML(t, s.get(t, "/recherche?q="+url.QueryEscape("menuiserie Lyon")+"&lieu=non"))
		if v, _ := doc.Find(`form.search-page input[type=hidden][name=lieu]`).Attr("value"); v != "non" {
			t.Errorf("the form does not carry lieu=non")
		}
	})

	t.Run("a région filters on it", func(t *testing.T) {
		doc := parseHTML(t, s.get(t, "/recherche?q="+url.QueryEscape("menuiserie en Bretagne")))
		if got := textOf(doc.Find(".place-chip span")); !strings.Contains(got, "« en Bretagne »") || !strings.Contains(got, "région : Bretagne") {
			t.Errorf("chip = %q", got)
		}
		for _, p := range texts(doc, ".results-list .place") {
			if !strings.Contains(p, "(35)") && !strings.Contains(p, "(29)") && !strings.Contains(p, "(22)") && !strings.Contains(p, "(56)") {
				t.Errorf("result at %q is outside Bretagne", p)
			}
		}
	})

	t.Run("a région of before 2016 filters on its départements", func(t *testing.T) {
		doc := parseHTML(t, s.get(t, "/recherche?q="+url.QueryEscape("menuiserie en Lorraine")))
		if got := textOf(doc.Find(".place-chip span")); !strings.Contains(got, "« en Lorraine »") ||
			!strings.Contains(got, "ancienne région : Lorraine, soit Meurthe-et-Moselle (54), Meuse (55), Moselle (57) et Vosges (88)") {
			t.Errorf("chip = %q", got)
		}
		places := texts(doc, ".results-list .place")
		if len(places) == 0 {
			t.Fatalf("no joiner in Lorraine: the EPV directory lists one in Moselle")
		}
		for _, p := range places {
			if !strings.Contains(p, "(54)") && !strings.Contains(p, "(55)") && !strings.Contains(p, "(57)") && !strings.Contains(p, "(88)") {
				t.Errorf("result at %q is outside Lorraine", p)
			}
		}
		var got struct {
			Place struct {
				Kind, Code   string
				Departements []string
			}
		}
		decodeJSON(t, s.get(t, "/api/v1/suppliers?q="+url.QueryEscape("menuiserie en Lorraine")), &got)
		if got.Place.Kind != "ancienne_region" || got.Place.Code != "41" || !slices.Equal(got.Place.Departements, []string{"54", "55", "57", "88"}) {
			t.Errorf("API place = %+v", got.Place)
		}
	})

	t.Run("names and explicit places are left alone", func(t *testing.T) {
		for _, target := range []string{
			"/recherche?q=" + url.QueryEscape("velours de Lyon"),
			"/recherche?q=Lyon",
			"/recherche?q=" + url.QueryEscape("menuiserie Lyon") + "&near=Rennes&radius_km=",
			"/recherche?q=" + url.QueryEscape("menuiserie Lyon") + "&region=53",
		} {
			if n := parseHTML(t, s.get(t, target)).Find(".place-chip").Length(); n != 0 {
				t.Errorf("%s: %d place chips, want none", target, n)
			}
		}
	})

	t.Run("a wrong lieu value is refused in French", func(t *testing.T) {
		r := s.get(t, "/recherche?q=menuiserie+Lyon&lieu=peut-etre")
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "valeur inconnue") {
			t.Errorf("status %d, want 400 with a French message", r.status)
		}
	})

	t.Run("the API describes the place and drops it on request", func(t *testing.T) {
		var got struct {
			Total uint64
			Place *struct {
				Text, Kind, Code, Label, Without string
				RadiusKm                         float64 `json:"radius_km"`
			}
			Results []struct{ Name string }
		}
		decodeJSON(t, s.get(t, "/api/v1/suppliers?q="+url.QueryEscape("menuiserie Lyon")), &got)
		if got.Place == nil || got.Place.Text != "Lyon" || got.Place.Kind != "commune" || got.Place.Code != "69123" ||
			got.Place.Label != "Lyon (69)" || got.Place.RadiusKm != 50 {
			t.Fatalf("place = %+v, want Lyon as a commune within 50 km", got.Place)
		}
		if len(got.Results) == 0 || got.Results[0].Name != "MENUISERIE JACQUES" {
			t.Errorf("results = %+v, want MENUISERIE JACQUES first", got.Results)
		}
		without := got.Place.Without
		if !strings.Contains(without, "place=off") {
			t.Fatalf("without = %q, want place=off", without)
		}
		var words struct {
			Total uint64
			Place *struct{ Text string }
		}
		decodeJSON(t, s.get(t, "/api/v1/suppliers"+without), &words)
		if words.Place != nil || words.Total <= got.Total {
			t.Errorf("without the place: %+v, want no place and more results than %d", words, got.Total)
		}
		var wide struct {
			Total uint64
			Place *struct {
				RadiusKm float64 `json:"radius_km"`
			}
		}
		decodeJSON(t, s.get(t, "/api/v1/suppliers?q="+url.QueryEscape("menuiserie Lyon")+"&radius_km=200"), &wide)
		if wide.Place == nil || wide.Place.RadiusKm != 200 || wide.Total <= got.Total {
			t.Errorf("radius_km=200: %+v, want the place within 200 km and more than %d results", wide, got.Total)
		}
		if r := s.get(t, "/api/v1/suppliers?q="+url.QueryEscape("menuiserie Bretagne")+"&radius_km=20"); r.status != http.StatusBadRequest {
			t.Errorf("a radius around a région: status %d, want 400", r.status)
		}
		if r := s.get(t, "/api/v1/suppliers?q=menuiserie+Lyon&place=non"); r.status != http.StatusBadRequest {
			t.Errorf("place=non: status %d, want 400", r.status)
		}
	})
}

// TestSearchPlaceRelaxAndReport: an empty result around a place read in
// the text proposes the words everywhere and a wider circle; the sourcing
// report names the place among its criteria.
func TestSearchPlaceRelaxAndReport(t *testing.T) {
	s := newSearchServer(t, Config{})
	doc := parseHTML(t, s.get(t, "/recherche?q="+url.QueryEscape("vitrail Rennes")))
	if n := doc.Find(".results-list h3").Length(); n != 0 {
		t.Fatalf("%d stained-glass makers within 50 km of Rennes, want none for this test", n)
	}
	var links []string
	doc.Find(".no-results a").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		links = append(links, normSpace(a.Text())+" → "+href)
	})
	joined := strings.Join(links, "\n")
	for _, want := range []string{"chercher « vitrail » partout en France", "élargir à 200 km autour de Rennes (35)"} {
		if !strings.Contains(joined, want) {
			t.Errorf("ways out lack %q:\n%s", want, joined)
		}
	}
	r := s.get(t, "/recherche/rapport?q="+url.QueryEscape("menuiserie Lyon"))
	if r.status != http.StatusOK {
		t.Fatalf("report: status %d", r.status)
	}
	mustContain(t, "report", r.body, "Lieu lu dans la recherche", "« Lyon », à moins de 50 km de Lyon (69)", "MENUISERIE JACQUES")
}

// TestSearchPlaceWordsAtTheEnd: the ways buyers end a search with a place
// that were once searched as words (« à Tours », a commune and its
// département, an arrondissement, a bare département number) become the
// removable chip, with the words that named the place, in the page and in
// the API.
func TestSearchPlaceWordsAtTheEnd(t *testing.T) {
	s := newSearchServer(t, Config{})
	cases := []struct {
		text, placeText, label, kind, code string
	}{
		{"menuiserie à Tours", "à Tours", "à moins de 50 km de Tours (37)", "commune", "37261"},
		{"menuiserie Marseille 13", "Marseille 13", "à moins de 50 km de Marseille (13)", "commune", "13055"},
		{"menuiserie Paris 11e", "Paris 11e", "à moins de 50 km de Paris (75)", "commune", "75056"},
		{"menuiserie 35", "35", "département : Ille-et-Vilaine (35)", "departement", "35"},
	}
	for _, tc := range cases {
		t.Run(tc.text, func(t *testing.T) {
			doc := parseHTML(t, s.get(t, "/recherche?q="+url.QueryEscape(tc.text)))
			chip := doc.Find(".active-filters li.place-chip")
			if got := textOf(chip.Find("span")); chip.Length() != 1 || !strings.Contains(got, "« "+tc.placeText+" »") || !strings.Contains(got, tc.label) {
				t.Fatalf("chip = %q (%d), want « %s » and %q", got, chip.Length(), tc.placeText, tc.label)
			}
			remove, _ := chip.Find("a").Attr("href")
			if u, err := url.Parse(remove); err != nil || u.Query().Get("q") != tc.text || u.Query().Get("lieu") != "non" {
				t.Errorf("chip link = %q, want the same words with lieu=non", remove)
			}
			var got struct {
				Place *struct{ Text, Kind, Code string }
			}
			decodeJSON(t, s.get(t, "/api/v1/suppliers?q="+url.QueryEscape(tc.text)), &got)
			if got.Place == nil || got.Place.Text != tc.placeText || got.Place.Kind != tc.kind || got.Place.Code != tc.code {
				t.Errorf("API place = %+v, want %q as %s %s", got.Place, tc.placeText, tc.kind, tc.code)
			}
		})
	}
	for _, text := range []string{"menuiserie à tours", "13", "menuiserie 20", "planche 20 x 35"} {
		if n := parseHTML(t, s.get(t, "/recherche?q="+url.QueryEscape(text))).Find(".place-chip").Length(); n != 0 {
			t.Errorf("%q: %d place chips, want none", text, n)
		}
	}
}

// TestSearchPlaceHeading checks the count of results followed by the
// place read in the text: it read « 0 fournisseur région : Bretagne »,
// the chip's words glued to the count.
func TestSearchPlaceHeading(t *testing.T) {
	s := newSearchServer(t, Config{})
	tests := []struct{ q, want string }{
		{"ferronnerie Bretagne", "en région Bretagne"},
		{"bois Ille-et-Vilaine", "dans le département Ille-et-Vilaine (35)"},
		{"bois Limousin", "dans l'ancienne région Limousin : Corrèze (19), Creuse (23) et Haute-Vienne (87)"},
		{"menuiserie Lyon", "à moins de 50 km de Lyon (69)"},
	}
	for _, tt := range tests {
		doc := parseHTML(t, s.get(t, "/recherche?q="+url.QueryEscape(tt.q)))
		got := textOf(doc.Find("#results-title .near"))
		if got != tt.want {
			t.Errorf("%q: heading place = %q, want %q", tt.q, got, tt.want)
		}
	}
}

// TestSearchDistanceSortKeptOnError checks that the sort by distance,
// refused without a place, stays chosen in the form shown again with the
// message: the form came back sorted by relevance, and the buyer who then
// added a place lost the sort asked for.
func TestSearchDistanceSortKeptOnError(t *testing.T) {
	s := newSearchServer(t, Config{})
	doc, body := getPage(t, s, "/recherche?q=bois&tri=distance", http.StatusBadRequest)
	if _, ok := doc.Find("#tri-distance").Attr("checked"); !ok {
		t.Errorf("the sort by distance is not checked in the form shown again")
	}
	if _, ok := doc.Find("#tri-pertinence").Attr("checked"); ok {
		t.Errorf("the sort by relevance is checked in the form shown again")
	}
	mustContain(t, "message", body, "le tri par distance demande un lieu")
}

// TestSearchOffersHomonyms checks a commune name that several communes
// bear: the search went around the most populous (Saint-Denis, La
// Réunion) and the buyer of Saint-Denis (93) had no way to theirs but to
// guess the « Saint-Denis (93) » spelling.
func TestSearchOffersHomonyms(t *testing.T) {
	s := newSearchServer(t, Config{})
	for _, target := range []string{"/recherche?q=bois&near=Saint-Denis", "/recherche?q=" + url.QueryEscape("bois Saint-Denis")} {
		doc := parseHTML(t, s.get(t, target))
		links := doc.Find(".homonyms a")
		var labels []string
		links.Each(func(_ int, a *goquery.Selection) { labels = append(labels, textOf(a)) })
		if !slices.Contains(labels, "Saint-Denis (93)") || slices.Contains(labels, "Saint-Denis (974)") {
			t.Errorf("%s: homonyms %q, want Saint-Denis (93) and not the one searched", target, labels)
			continue
		}
		href, _ := links.Eq(slices.Index(labels, "Saint-Denis (93)")).Attr("href")
		u, err := url.Parse(href)
		if err != nil || u.Query().Get("near") != "Saint-Denis (93)" || strings.Contains(u.Query().Get("q"), "Saint-Denis") {
			t.Errorf("%s: link %q, want near=Saint-Denis (93) and the other words", target, href)
			continue
		}
		there := parseHTML(t, s.get(t, href))
		if got := textOf(there.Find("#results-title .near")); !strings.Contains(got, "Saint-Denis (93)") {
			t.Errorf("%s: following the link searches %q", target, got)
		}
		if there.Find(".homonyms").Length() != 0 {
			t.Errorf("%s: the homonyms are offered again once one is chosen", target)
		}
	}
	// A name of one commune offers nothing.
	if doc := parseHTML(t, s.get(t, "/recherche?q=bois&near=Feyzin")); doc.Find(".homonyms").Length() != 0 {
		t.Errorf("Feyzin offers homonyms")
	}
}

// TestSearchKeepsThePlaceOnABadFilter checks the form shown again for an
// invalid filter: the filters were read before the place, and
// « departement=99 » emptied « Autour de » and the radius.
func TestSearchKeepsThePlaceOnABadFilter(t *testing.T) {
	s := newSearchServer(t, Config{})
	doc, body := getPage(t, s, "/recherche?q=bois&near=Rennes&radius_km=25&departement=99", http.StatusBadRequest)
	if v, _ := doc.Find("input#near").Attr("value"); v != "Rennes" {
		t.Errorf("« Autour de » = %q, want Rennes", v)
	}
	if v, _ := doc.Find("#radius_km option[selected]").Attr("value"); v != "25" {
		t.Errorf("radius selected = %q, want 25", v)
	}
	mustContain(t, "message", body, "département inconnu")
}
