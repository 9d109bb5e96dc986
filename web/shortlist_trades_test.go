package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fabrique/index"
)

// churchNeedForm is the need of a real award of the DECP works file: the
// commune of Vichy (Allier) bought « Travaux de construction d'églises »
// (CPV 45212361, no object published) and chose ATELIER THOMAS VITRAUX, a
// stained-glass workshop 211 km away, behind some 90 builders of the
// matcher's ranking.
func churchNeedForm() url.Values {
	return url.Values{
		"title": {"Travaux de construction d'églises"}, "description": {""},
		"cpv-1": {"45212361"}, "cpv-2": {""}, "cpv-3": {""},
		"departement": {"03"}, "postcode": {""}, "value": {"92 888"},
		"lot_rows": {"2"}, "lot-1-title": {""}, "lot-1-cpv": {""}, "lot-1-value": {""},
		"lot-2-title": {""}, "lot-2-cpv": {""}, "lot-2-value": {""},
		"action": {"match"},
	}
}

// postNeed stores a need through the form and returns its shortlist's
// address.
func postNeed(t testing.TB, s *testServer, form url.Values) string {
	t.Helper()
	r := s.postForm(t, "/besoin", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("POST /besoin = %d: %s", r.status, r.body)
	}
	return r.header.Get("Location")
}

var (
	matchItemRe   = regexp.MustCompile(`<h4><a href="/fournisseurs/([^"]+)">([^<]*)</a></h4>`)
	tradeFacetRe  = regexp.MustCompile(`<li><a href="([^"]*\?metier=([0-9.A-Z]+)#ensemble)"[^>]*>([^<]*) <span class="code">`)
	tradeCountsRe = regexp.MustCompile(`<span class="code">([0-9.A-Z]+)</span></a> <span class="note">\((\d+)\)</span>`)
)

func TestShortlistTrades(t *testing.T) {
	s := newSearchServer(t, Config{})
	ctx := context.Background()
	page := postNeed(t, s, churchNeedForm())
	whole := s.get(t, page)
	if whole.status != http.StatusOK {
		t.Fatalf("GET %s = %d", page, whole.status)
	}
	if n := len(matchItemRe.FindAllStringSubmatch(whole.body, -1)); n != pageMatchLimit {
		t.Errorf("the whole ranking shows %d suppliers, want the page's %d", n, pageMatchLimit)
	}
	facets := tradeFacetRe.FindAllStringSubmatch(whole.body, -1)
	if len(facets) <= shownTradeFacets || len(facets) > maxTradeFacets {
		t.Fatalf("%d trades offered, want more than %d (church works draw many trades), at most %d", len(facets), shownTradeFacets, maxTradeFacets)
	}
	mustContain(t, "trades", whole.body, `aria-label="Corps d'état du classement"`, "parmi les métiers des ")
	// The trades come in the order of their best-ranked supplier: the
	// first is the first supplier's.
	first := matchItemRe.FindStringSubmatch(whole.body)
	sup, err := s.store.Supplier(ctx, html.UnescapeString(first[1]))
	if err != nil {
		t.Fatal(err)
	}
	if facets[0][2] != sup.NAF {
		t.Errorf("the first trade offered is %s, want %s, the trade of the first supplier", facets[0][2], sup.NAF)
	}
	total := 0
	for _, m := range tradeCountsRe.FindAllStringSubmatch(whole.body, -1) {
		n, _ := strconv.Atoi(m[2]) // the pattern holds digits only
		total += n
	}
	said := regexp.MustCompile(`parmi les métiers des entreprises retenues pour ce besoin \(([\d\x{202f}]+) entreprises ; entre parenthèses`).FindStringSubmatch(whole.body)
	if said == nil || said[1] != formatNumber(total) || total <= pageMatchLimit {
		t.Errorf("the trades count %d companies, the page says %v: want the same, more than a page", total, said)
	}
	if shown := strings.Count(whole.body[:strings.Index(whole.body, `class="more-trades"`)], `?metier=`); shown != shownTradeFacets {
		t.Errorf("%d trades before « autres corps d'état », want %d", shown, shownTradeFacets)
	}

	// Without a trade chosen, the page shows the matcher's ranking.
	tender, err := s.store.Tender(ctx, "besoin:"+strings.TrimPrefix(page, "/besoins/"))
	if err != nil {
		t.Fatal(err)
	}
	short, err := s.index.Match(ctx, s.matchSource, tender, index.MatchOptions{Limit: pageMatchLimit})
	if err != nil {
		t.Fatal(err)
	}
	shown := matchItemRe.FindAllStringSubmatch(whole.body, -1)
	for i, m := range short.Tender {
		if i >= len(shown) || html.UnescapeString(shown[i][1]) != m.SupplierID {
			t.Errorf("rank %d: the page shows %v, a ranking of 20 %s", i+1, shown[min(i, len(shown)-1)][2], m.Name)
		}
	}

	var glass string
	for _, f := range facets {
		if f[2] == "23.19Z" {
			glass = html.UnescapeString(f[1])
		}
	}
	if glass == "" {
		t.Fatalf("the stained-glass trade (23.19Z) is not offered: %q", facets)
	}
	one := s.get(t, glass)
	if one.status != http.StatusOK {
		t.Fatalf("GET %s = %d", glass, one.status)
	}
	items := matchItemRe.FindAllStringSubmatch(one.body, -1)
	if len(items) == 0 {
		t.Fatalf("the stained-glass ranking is empty")
	}
	// Every stained-glass workshop of the directory is ranked, not only
	// those among the ranking's candidates (Vichy is far from most).
	var glassCount int
	for _, sup := range epvSuppliers(t) {
		if sup.NAF == "23.19Z" && !sup.Ceased() {
			glassCount++
		}
	}
	if len(items) != min(glassCount, pageMatchLimit) {
		t.Errorf("%d stained-glass workshops ranked, the directory has %d", len(items), glassCount)
	}
	found := false
	for _, it := range items {
		sup, err := s.store.Supplier(ctx, html.UnescapeString(it[1]))
		if err != nil {
			t.Fatalf("supplier %s: %v", it[1], err)
		}
		if sup.NAF != "23.19Z" {
			t.Errorf("%s (%s) is in the stained-glass ranking", sup.Name, sup.NAF)
		}
		found = found || strings.Contains(it[2], "THOMAS VITRAUX")
	}
	if !found {
		t.Errorf("the real winner, ATELIER THOMAS VITRAUX, is not in the stained-glass ranking")
	}
	mustContain(t, "chosen trade", one.body, `class="trade-chip"`, "Corps d'état : ",
		`<span class="code">23.19Z</span> — ses entreprises seules`,
		`href="`+page+`#ensemble" aria-label="Retirer le corps d'état`, `aria-current="true"`, `<li class="match match-`)
	// A trade behind « autres corps d'état » (the bells' 33.13Z, only
	// weakly linked to church works) opens them when chosen.
	bells := s.get(t, page+"?metier=33.13Z").body
	mustContain(t, "a trade behind the fold", bells, `<details open class="more-trades">`)
	if !strings.Contains(bells, "BIARD-ROY") {
		t.Errorf("the bells' ranking lacks BIARD-ROY, the bell-founder that won La Bruère-sur-Loir's church works")
	}
	if !strings.Contains(one.body, `value="1">`) {
		t.Errorf("the chosen trade's ranking is not numbered from 1")
	}

	t.Run("bad trade", func(t *testing.T) {
		for _, q := range []string{"vitrail", "23.19", "<script>", "99.99Z", strings.Repeat("1", 4000)} {
			r := s.get(t, page+"?metier="+url.QueryEscape(q))
			if r.status != http.StatusBadRequest {
				t.Errorf("metier=%.20q: %d, want 400", q, r.status)
			}
			if strings.Contains(r.body, "<script>") {
				t.Errorf("metier=%.20q is shown unescaped", q)
			}
		}
		mustContain(t, "unknown code", s.get(t, page+"?metier=99.99Z").body, "code NAF « 99.99Z » inconnu")
	})

	t.Run("a need with lots has no trades", func(t *testing.T) {
		lots := postNeed(t, s, validNeedForm())
		if b := s.get(t, lots).body; strings.Contains(b, "trade-facets") {
			t.Errorf("a need with lots offers trades")
		}
		if r := s.get(t, lots+"?metier=43.32A"); r.status != http.StatusBadRequest ||
			!strings.Contains(r.body, "chaque lot a déjà son propre classement") {
			t.Errorf("metier on a need with lots: %d", r.status)
		}
	})
}

// TestShortlistTradeExports: the CSV and the sourcing report linked from
// a page with a chosen trade hold that trade's suppliers only.
func TestShortlistTradeExports(t *testing.T) {
	s := newSearchServer(t, Config{})
	ctx := context.Background()
	page := postNeed(t, s, churchNeedForm())
	one := s.get(t, page+"?metier=23.19Z").body
	mustContain(t, "links of the page", one, `href="`+page+`/fournisseurs.csv?metier=23.19Z"`, `href="`+page+`/rapport?metier=23.19Z"`)

	csv := s.get(t, page+"/fournisseurs.csv?metier=23.19Z")
	if csv.status != http.StatusOK {
		t.Fatalf("CSV: %d", csv.status)
	}
	if cd := csv.header.Get("Content-Disposition"); !strings.Contains(cd, "-23-19Z-") {
		t.Errorf("CSV named %q", cd)
	}
	lines := strings.Split(strings.TrimSpace(csv.body), "\r\n")
	if len(lines) < 2 {
		t.Fatalf("the CSV holds no supplier:\n%s", csv.body)
	}
	for _, l := range lines[1:] {
		f := strings.Split(l, ";")
		if len(f) < 5 || !strings.Contains(f[2], "corps d'état 23.19Z") {
			t.Errorf("CSV row %q: not under the chosen trade", l)
			continue
		}
		sup, err := s.store.Supplier(ctx, f[3])
		if err != nil || sup.NAF != "23.19Z" {
			t.Errorf("CSV row %q: supplier %s of NAF %q (%v)", l, f[3], sup.NAF, err)
		}
	}
	all := s.get(t, page+"/fournisseurs.csv")
	if n := strings.Count(all.body, "\r\n"); n <= len(lines) {
		t.Errorf("the whole CSV has %d lines, the trade's %d", n, len(lines))
	}

	report := s.get(t, page+"/rapport?metier=23.19Z")
	if report.status != http.StatusOK {
		t.Fatalf("report: %d", report.status)
	}
	mustContain(t, "report", report.body, "Corps d'état choisi : ", `<span class="code">23.19Z</span>`,
		"THOMAS VITRAUX", `href="`+page+`?metier=23.19Z">Revenir à la liste</a>`)
	sirens := regexp.MustCompile(`<span class="code">SIREN ([0-9]{9})</span>`).FindAllStringSubmatch(report.body, -1)
	if len(sirens) == 0 || len(sirens) > pageMatchLimit {
		t.Errorf("the report ranks %d suppliers", len(sirens))
	}
	for _, m := range sirens {
		if sup, err := s.store.Supplier(ctx, m[1]); err != nil || sup.NAF != "23.19Z" {
			t.Errorf("the report ranks %s, of NAF %q (%v)", m[1], sup.NAF, err)
		}
	}
	if r := s.get(t, page+"/rapport?metier=<b>"); r.status != http.StatusBadRequest {
		t.Errorf("report with a bad trade: %d", r.status)
	}
}

// TestMatchAPITrades: the API gives the trades of a ranking and ranks one
// when asked (naf), as the pages do.
func TestMatchAPITrades(t *testing.T) {
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}})
	type trade struct {
		NAF   string `json:"naf"`
		Label string `json:"label"`
		Count int    `json:"count"`
		Best  int    `json:"best"`
	}
	var body struct {
		Matches []struct {
			Name string `json:"name"`
			NAF  string `json:"naf"`
		} `json:"matches"`
		Trades []trade `json:"trades"`
	}
	const church = `{"title":"Travaux de construction d'églises","cpv":["45212361"],"departement":"03","limit":20%s}`
	decodeJSON(t, s.postJSON(t, "/api/v1/match", fmt.Sprintf(church, "")), &body)
	if len(body.Trades) < 10 || body.Trades[0].NAF != body.Matches[0].NAF || body.Trades[0].Best != 1 || body.Trades[0].Label == "" {
		t.Fatalf("trades %+v: want many, the first match's first, with labels", body.Trades)
	}
	decodeJSON(t, s.postJSON(t, "/api/v1/match", fmt.Sprintf(church, `,"naf":"23.19Z"`)), &body)
	if len(body.Matches) == 0 {
		t.Fatal("no stained-glass workshop")
	}
	for _, m := range body.Matches {
		if m.NAF != "23.19Z" {
			t.Errorf("%s (%s) in the stained-glass ranking", m.Name, m.NAF)
		}
	}
	for _, bad := range []struct{ extra, msg string }{
		{`,"naf":"vitrail"`, "code NAF inconnu"},
		{`,"naf":"43.99"`, "code NAF inconnu"},
		{`,"naf":"23.19Z","lots":[{"title":"Charpente"}]`, "besoin sans lots"},
	} {
		r := s.postJSON(t, "/api/v1/match", fmt.Sprintf(church, bad.extra))
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, bad.msg) {
			t.Errorf("%s: %d %s", bad.extra, r.status, r.body)
		}
	}

	// A stored tender, through GET …/matches?naf=.
	page := postNeed(t, s, churchNeedForm())
	id := url.PathEscape("besoin:" + strings.TrimPrefix(page, "/besoins/"))
	decodeJSON(t, s.get(t, "/api/v1/tenders/"+id+"/matches?naf=23.19Z&limit=5"), &body)
	if len(body.Matches) == 0 || len(body.Matches) > 5 || len(body.Trades) < 10 {
		t.Errorf("GET matches?naf: %d matches, %d trades", len(body.Matches), len(body.Trades))
	}
	for _, m := range body.Matches {
		if m.NAF != "23.19Z" {
			t.Errorf("GET matches?naf: %s (%s)", m.Name, m.NAF)
		}
	}
	if r := s.get(t, "/api/v1/tenders/"+id+"/matches?naf=99.99Z"); r.status != http.StatusBadRequest {
		t.Errorf("GET matches?naf=99.99Z: %d", r.status)
	}
}

// TestShortlistSaysWhatItShows checks the words around a shortlist that
// fills its page: the page and the report show pageMatchLimit companies
// and said nothing of the others (the CSV lists up to csvMatchLimit); the
// trades' counts, which are among the companies retained, did not say
// that choosing a trade ranks all its companies (a facet read « (22) »,
// its ranking then held 28); and the choice, offered for a need without
// lots only, asked whether « le lot » was of one trade.
func TestShortlistSaysWhatItShows(t *testing.T) {
	s := newSearchServer(t, Config{})
	page := postNeed(t, s, churchNeedForm())
	whole := s.get(t, page)
	if whole.status != http.StatusOK {
		t.Fatalf("GET %s = %d", page, whole.status)
	}
	mustContain(t, "shortlist page", whole.body,
		"Le marché relève d'un seul corps d'état ?",
		"entre parenthèses, celles de chaque métier) : Fabrique classe alors toutes les entreprises de ce métier, même celles qu'il n'avait pas retenues.",
		fmt.Sprintf(`Cette page montre les %d premières entreprises du classement ; <a href="%s/fournisseurs.csv" download>le fichier CSV</a> en donne jusqu'à %d.`,
			pageMatchLimit, page, csvMatchLimit))
	if strings.Contains(whole.body, "Le lot relève") {
		t.Errorf("a need without lots asks about « le lot »")
	}
	report := s.get(t, page+"/rapport")
	mustContain(t, "report", report.body,
		fmt.Sprintf("Ce rapport donne les %d premières entreprises du classement ; le fichier CSV en donne jusqu'à %d.", pageMatchLimit, csvMatchLimit))
	// A trade chosen keeps the CSV's address with the trade.
	chosen := s.get(t, page+"?metier=43.99C")
	mustContain(t, "chosen trade", chosen.body, `<a href="`+page+`/fournisseurs.csv?metier=43.99C" download>le fichier CSV</a>`)
}

// TestShortlistJSONLink checks the « Données (JSON) » link beside the CSV
// and the report: on a tender's page it gave the notice's record, not its
// ranking as on a need's page, and with a trade chosen it gave the ranking
// of every trade while the CSV and the report kept the choice.
func TestShortlistJSONLink(t *testing.T) {
	s := newSearchServer(t, Config{})
	putTenders(t, s, cpvTenders()...)
	tender := s.get(t, "/appels-d-offres/boamp:26-71")
	mustContain(t, "tender page", tender.body, `<a href="/api/v1/tenders/boamp:26-71/matches">Données (JSON)</a>`)

	page := postNeed(t, s, churchNeedForm())
	id := strings.TrimPrefix(page, "/besoins/")
	chosen := s.get(t, page+"?metier=43.99C")
	link := "/api/v1/tenders/besoin:" + id + "/matches?naf=43.99C"
	mustContain(t, "need page with a trade", chosen.body, `<a href="`+link+`">Données (JSON)</a>`)
	r := s.get(t, link)
	if r.status != http.StatusOK || !strings.Contains(r.body, `"naf":"43.99C"`) {
		t.Errorf("GET %s = %d, want the trade's ranking: %.300s", link, r.status, r.body)
	}
}
