package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fabrique/data"

	"github.com/PuerkitoBio/goquery"
)

// parseKm reads a distance as data.DistanceFR writes it, « à 12 km »,
// « à 1 234 km », « à moins d'un km » (0.5) or « sur place » (0).
func parseKm(t testing.TB, s string) float64 {
	t.Helper()
	switch strings.TrimSpace(s) {
	case data.OnSite:
		return 0
	case "à moins d'un km":
		return 0.5
	}
	s = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(s), "à "), " km")
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\u202f", ""), ",", ".")
	km, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("distance %q: %v", s, err)
	}
	return km
}

// TestSearchPage plays the search page on the real EPV companies. The
// subtests share one server: none of them writes.
func TestSearchPage(t *testing.T) {
	s := newSearchServer(t, Config{})

	t.Run("the title says the words and the count", func(t *testing.T) {
		for _, c := range []struct{ target, want string }{
			{"/recherche", "Rechercher des fournisseurs — Fabrique"},
			{"/recherche?q=" + url.QueryEscape("  ébénisterie  d'art "), "Recherche « ébénisterie d'art » : "},
			{"/recherche?label=EPV&departement=44", "Recherche : "},
			{"/recherche?q=" + url.QueryEscape(strings.Repeat("é", 70)), "Recherche « " + strings.Repeat("é", 60) + "… » : "},
			{"/recherche?q=atelier&near=zzzzzz", "Recherche : critère à corriger — Fabrique"},
		} {
			if got := parseHTML(t, s.get(t, c.target)).Find("title").Text(); !strings.HasPrefix(got, c.want) {
				t.Errorf("%s: <title> %q, want it to begin with %q", c.target, got, c.want)
			}
		}
	})

	t.Run("results are highlighted, badged and faceted", func(t *testing.T) {
		r := s.get(t, "/recherche?q="+url.QueryEscape("ébénisterie"))
		if r.status != http.StatusOK {
			t.Fatalf("status %d, want 200", r.status)
		}
		doc := parseHTML(t, r)
		names := texts(doc, ".results-list h3")
		if len(names) < 5 || !slices.Contains(names, "EBENISTERIE PIERRE JOUSSOT ET FILS") {
			t.Errorf("results = %q, want the ébénisteries of the EPV list, JOUSSOT among them", names)
		}
		if got := doc.Find(".results-list h3 mark").Length(); got < len(names) {
			t.Errorf("%d highlighted words for %d results, want each name highlighted", got, len(names))
		}
		if doc.Find(".results-list abbr.badge-EPV[title='Entreprise du Patrimoine Vivant']").Length() == 0 {
			t.Errorf("no EPV badge in the results")
		}
		if got := texts(doc, "h2.results-title"); len(got) != 1 || !strings.HasSuffix(got[0], strconv.Itoa(len(names))+" fournisseurs") {
			t.Errorf("results title = %q, want the count of %d suppliers", got, len(names))
		}
		legends := texts(doc, ".facets legend")
		for _, want := range []string{"Label", "Région", "Département", "Activité (division NAF)"} {
			if !slices.Contains(legends, want) {
				t.Errorf("facets %q lack %q", legends, want)
			}
		}
		if got := doc.Find(`.facets input[type=checkbox][name=region]`).Length(); got < 2 {
			t.Errorf("%d région checkboxes, want several", got)
		}
		if label := texts(doc, `.facets label[for]`); !slices.ContainsFunc(label, func(s string) bool { return strings.HasPrefix(s, "Pays de la Loire (") }) {
			t.Errorf("région facet lacks « Pays de la Loire (n) »: %q", label)
		}
	})

	t.Run("accents and case do not matter", func(t *testing.T) {
		a := texts(parseHTML(t, s.get(t, "/recherche?q="+url.QueryEscape("ÉBÉNISTERIE"))), ".results-list h3")
		b := texts(parseHTML(t, s.get(t, "/recherche?q=ebenisterie")), ".results-list h3")
		if len(a) == 0 || !slices.Equal(a, b) {
			t.Errorf("« ÉBÉNISTERIE » gives %q, « ebenisterie » %q: want the same", a, b)
		}
	})

	t.Run("facets narrow to a région and a label", func(t *testing.T) {
		all := parseHTML(t, s.get(t, "/recherche?q=ebenisterie"))
		r := s.get(t, "/recherche?q=ebenisterie&region=52&label=EPV")
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		doc := parseHTML(t, r)
		places := texts(doc, ".results-list .place")
		if len(places) == 0 || len(places) >= all.Find(".results-list h3").Length() {
			t.Fatalf("places %q: want fewer results than without filters, and some", places)
		}
		for _, p := range places { // Pays de la Loire: 44, 49, 53, 72, 85
			if !regexp.MustCompile(`\((44|49|53|72|85)\)$`).MatchString(p) {
				t.Errorf("result in %q, outside Pays de la Loire", p)
			}
		}
		if doc.Find(".results-list .result").Length() != doc.Find(".results-list abbr.badge-EPV").Length() {
			t.Errorf("a result without the EPV badge survived the label filter")
		}
		if doc.Find(`.facets input[name=region][value="52"][checked]`).Length() != 1 ||
			doc.Find(`.facets input[name=label][value=EPV][checked]`).Length() != 1 {
			t.Errorf("the chosen région and label are not checked in the facets")
		}
		active := texts(doc, ".active-filters li")
		if !slices.ContainsFunc(active, func(s string) bool { return strings.HasPrefix(s, "Région : Pays de la Loire") }) {
			t.Errorf("active filters %q lack the région", active)
		}
		remove, _ := doc.Find(`.active-filters a[aria-label^="Retirer le filtre Région"]`).Attr("href")
		if !strings.Contains(remove, "label=EPV") || strings.Contains(remove, "region=") {
			t.Errorf("the link removing the région is %q, want the label kept and the région gone", remove)
		}
	})

	t.Run("radius around a commune keeps the nearest first", func(t *testing.T) {
		r := s.get(t, "/recherche?near=Lyon&radius_km=25")
		doc := parseHTML(t, r)
		dists := texts(doc, ".results-list .distance")
		if len(dists) < 10 {
			t.Fatalf("%d results with a distance around Lyon, want at least 10", len(dists))
		}
		prev := 0.0
		for _, d := range dists {
			km := parseKm(t, d)
			if km > 25.05 {
				t.Errorf("result at %g km, outside the 25 km radius", km)
			}
			if km < prev {
				t.Errorf("distances not increasing: %g after %g", km, prev)
			}
			prev = km
		}
		if got := texts(doc, "h2.results-title .near"); len(got) != 1 || got[0] != "autour de Lyon (69)" {
			t.Errorf("place shown as %q, want « autour de Lyon (69) »", got)
		}
		if v, _ := doc.Find("#radius_km option[selected]").Attr("value"); v != "25" {
			t.Errorf("selected radius %q, want 25", v)
		}
		if doc.Find("#tri-distance[checked]").Length() != 1 {
			t.Errorf("without words, the sort around a place should be by distance")
		}
	})

	t.Run("unknown place proposes communes", func(t *testing.T) {
		r := s.get(t, "/recherche?q=bois&near=Lyonn&radius_km=50")
		if r.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", r.status)
		}
		doc := parseHTML(t, r)
		if doc.Find("#form-error[role=alert]").Length() != 1 || doc.Find(`#near[aria-invalid=true]`).Length() != 1 {
			t.Errorf("the error is not announced and tied to the field")
		}
		var found bool
		doc.Find("#form-error a").Each(func(_ int, a *goquery.Selection) {
			href, _ := a.Attr("href")
			if a.Text() == "Lyon (69)" && strings.Contains(href, "q=bois") && strings.Contains(href, "radius_km=50") {
				found = true
			}
		})
		if !found {
			t.Errorf("no link to « Lyon (69) » keeping the other criteria:\n%s", doc.Find("#form-error").Text())
		}
		if v, _ := doc.Find("#q").Attr("value"); v != "bois" {
			t.Errorf("query field = %q, want the query kept", v)
		}
	})

	t.Run("invalid criteria are explained in French", func(t *testing.T) {
		for _, tt := range []struct{ query, want string }{
			{"region=99", "région inconnue"},
			{"tri=distance", "le tri par distance demande un lieu"},
			{"page=0", "doit être un nombre entier"},
		} {
			r := s.get(t, "/recherche?"+tt.query)
			if r.status != http.StatusBadRequest || !strings.Contains(parseHTML(t, r).Find("#form-error").Text(), tt.want) {
				t.Errorf("%s: status %d, want 400 and « %s » in the alert", tt.query, r.status, tt.want)
			}
		}
	})

	t.Run("pagination", func(t *testing.T) {
		doc := parseHTML(t, s.get(t, "/recherche"))
		next, ok := doc.Find(`.pagination a[rel=next]`).Attr("href")
		if !ok || next != "/recherche?page=2" {
			t.Fatalf("next page link = %q, want /recherche?page=2", next)
		}
		if doc.Find(`.pagination a[aria-current=page]`).Text() != "1" {
			t.Errorf("current page not marked")
		}
		page2 := parseHTML(t, s.get(t, next))
		if v, _ := page2.Find(".results-list li.result").First().Attr("value"); v != "21" {
			t.Errorf("first result of page 2 numbered %q, want 21", v)
		}
	})

	t.Run("map is drawn from the département shapes with its figures beside it", func(t *testing.T) {
		doc := parseHTML(t, s.get(t, "/recherche"))
		svg := doc.Find(".map-section svg[role=img]")
		if svg.Length() != 1 {
			t.Fatalf("%d maps, want 1", svg.Length())
		}
		if n := svg.Find("use[data-dep]").Length(); n != 96 {
			t.Errorf("%d départements drawn, want 96", n)
		}
		if n := svg.Find("g.dots circle").Length(); n == 0 || n > pagePerPage {
			t.Errorf("%d dots, want the results of the page", n)
		}
		if svg.Find("use.c5").Length() == 0 || svg.Find("use.c0").Length() == 0 {
			t.Errorf("choropleth lacks the darkest or the empty shade")
		}
		total := 0
		doc.Find(".map-table tbody td.num").Each(func(_ int, td *goquery.Selection) {
			n, _ := strconv.Atoi(strings.ReplaceAll(td.Text(), "\u202f", ""))
			total += n
		})
		title := texts(doc, "h2.results-title")[0]
		if want := strings.ReplaceAll(strings.TrimSuffix(title, " fournisseurs"), " ", ""); strconv.Itoa(total) != want {
			t.Errorf("the table counts %d suppliers, the page %s", total, want)
		}
	})

	t.Run("keyboard and screen readers", func(t *testing.T) {
		doc := parseHTML(t, s.get(t, "/recherche?q=bijou&near=Paris"))
		if doc.Find("h1").Length() != 1 {
			t.Errorf("%d h1, want 1", doc.Find("h1").Length())
		}
		doc.Find("input, select").Each(func(_ int, in *goquery.Selection) {
			if typ, _ := in.Attr("type"); typ == "hidden" || typ == "submit" {
				return
			}
			id, _ := in.Attr("id")
			if id == "" || doc.Find(`label[for="`+id+`"]`).Length() != 1 {
				name, _ := in.Attr("name")
				t.Errorf("field %q (id %q) has no label of its own", name, id)
			}
		})
		doc.Find("fieldset").Each(func(_ int, fs *goquery.Selection) {
			if fs.Find("legend").Length() == 0 {
				t.Errorf("a fieldset without legend")
			}
		})
		if doc.Find("[tabindex]").FilterFunction(func(_ int, s *goquery.Selection) bool {
			v, _ := s.Attr("tabindex")
			n, _ := strconv.Atoi(v)
			return n > 0
		}).Length() > 0 {
			t.Errorf("a positive tabindex breaks the focus order")
		}
		form := doc.Find("form[role=search]")
		if a, _ := form.Attr("action"); a != "/recherche" || form.AttrOr("method", "") != "get" {
			t.Errorf("the search is not a plain GET form to /recherche")
		}
		if form.Find(".facets input[type=checkbox]").Length() == 0 {
			t.Errorf("facets are not part of the form: they would need JavaScript")
		}
		if doc.Find(`input#q[list="q-suggestions"]`).Length() != 1 || doc.Find("datalist#q-suggestions").Length() != 1 {
			t.Errorf("the query field lacks its suggestion list")
		}
	})

	t.Run("export links keep the criteria", func(t *testing.T) {
		doc := parseHTML(t, s.get(t, "/recherche?q=atelier&label=EPV&page=2"))
		csvURL, _ := doc.Find(`.exports a[href^="/recherche.csv"]`).Attr("href")
		report, _ := doc.Find(`.exports a[href^="/recherche/rapport"]`).Attr("href")
		for _, u := range []string{csvURL, report} {
			if !strings.Contains(u, "q=atelier") || !strings.Contains(u, "label=EPV") || strings.Contains(u, "page=") {
				t.Errorf("export link %q: want the query and filters, not the page", u)
			}
		}
	})
}

func TestSearchEscapesCrawledText(t *testing.T) {
	evil := evilSupplier()
	s := newSearchServer(t, Config{}, evil)
	pages := []string{"/recherche?q=alert", "/recherche/rapport?q=alert", supplierURL(evil.ID)}
	for _, p := range pages {
		r := s.get(t, p)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s = %d", p, r.status)
		}
		for _, bad := range []string{"<script>alert", "<img src=x", "<b>Gastronomie", "<i>défaut", `href="javascript:`} {
			if strings.Contains(r.body, bad) {
				t.Errorf("GET %s: crawled markup %q written unescaped", p, bad)
			}
		}
		if !strings.Contains(r.body, "&lt;script&gt;") {
			t.Errorf("GET %s: the name is not shown (escaped)", p)
		}
	}
	search := parseHTML(t, s.get(t, "/recherche?q=alert"))
	if got := texts(search, ".results-list h3"); len(got) == 0 || got[0] != "<script>alert(1)</script>" {
		t.Errorf("the name reads %q, want the text <script>alert(1)</script>", got)
	}
	if search.Find(".results-list h3 mark").Text() != "alert" {
		t.Errorf("the highlight inside an escaped name is lost")
	}
	api := s.get(t, "/api/v1/suppliers?q=alert")
	if strings.Contains(api.body, "<script>") {
		t.Errorf("the API writes raw markup in JSON: %s", api.body)
	}
}

// TestSearchSIRENWithSpaces: a SIREN or SIRET copied from a Kbis, its
// digits in groups, finds the company in the page and in the API, as the
// number typed in one piece does; it is never read as a place.
func TestSearchSIRENWithSpaces(t *testing.T) {
	s := newSearchServer(t, Config{})
	for _, text := range []string{"348830308", "348 830 308", "348 830 308 00030", "348830308 00030", "348 830 308 00027"} {
		doc := parseHTML(t, s.get(t, "/recherche?q="+url.QueryEscape(text)))
		if names := texts(doc, ".results-list h3"); len(names) == 0 || names[0] != "MENUISERIE JACQUES" {
			t.Errorf("page %q: results %q, want MENUISERIE JACQUES first", text, names)
		}
		if doc.Find(".place-chip").Length() != 0 {
			t.Errorf("page %q: a place was read in the number", text)
		}
		if v, _ := doc.Find("input#q").Attr("value"); v != text {
			t.Errorf("page %q: search box %q, want the number as typed", text, v)
		}
		var got struct {
			Results []struct{ SIREN string }
			Place   any
		}
		decodeJSON(t, s.get(t, "/api/v1/suppliers?q="+url.QueryEscape(text)), &got)
		if len(got.Results) == 0 || got.Results[0].SIREN != "348830308" || got.Place != nil {
			t.Errorf("API %q: results %+v place %v, want 348830308 first and no place", text, got.Results, got.Place)
		}
	}
}
