package index_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/index"
)

func TestPutDeleteCount(t *testing.T) {
	ctx := context.Background()
	ix := openIndex(t, "")
	sups := epvSuppliers(t)[:50]
	if err := ix.Put(ctx, sups...); err != nil {
		t.Fatal(err)
	}
	if n, err := ix.Count(); err != nil || n != 50 {
		t.Fatalf("Count = %d, %v; want 50", n, err)
	}
	// Putting again replaces, it does not duplicate.
	if err := ix.Put(ctx, sups[:10]...); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(ctx, sups[0].ID, sups[1].ID, "unknown-id"); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 48 {
		t.Fatalf("Count after deleting 2 = %d, want 48", n)
	}
	res := search(t, ix, index.Query{Text: sups[0].Name})
	if slices.Contains(hitIDs(res), sups[0].ID) {
		t.Errorf("deleted supplier %s still found", sups[0].ID)
	}
	bad := sups[2]
	bad.ID = ""
	if err := ix.Put(ctx, sups[3], bad); !errors.Is(err, data.ErrInvalid) {
		t.Errorf("Put of a supplier without ID: err = %v, want data.ErrInvalid", err)
	}
	if n, _ := ix.Count(); n != 48 {
		t.Errorf("a failed Put wrote something: Count = %d, want 48", n)
	}
}

func TestFiltersAndOr(t *testing.T) {
	ix, src := epvIndex(t)
	all := epvSuppliers(t)
	count := func(pred func(data.Supplier) bool) uint64 {
		n := uint64(0)
		for _, s := range all {
			if pred(s) {
				n++
			}
		}
		return n
	}
	hasUnivers := func(s data.Supplier, u string) bool {
		for _, l := range s.Labels {
			if l.Type == data.LabelEPV && strings.EqualFold(data.Fold(l.Category), data.Fold(u)) {
				return true
			}
		}
		return false
	}
	_ = src
	tests := []struct {
		name string
		q    index.Query
		want func(data.Supplier) bool
	}{
		{"one région", index.Query{Regions: []string{"84"}},
			func(s data.Supplier) bool { return s.Address.Region == "84" }},
		{"two régions are OR", index.Query{Regions: []string{"84", "11"}},
			func(s data.Supplier) bool { return s.Address.Region == "84" || s.Address.Region == "11" }},
		{"région AND univers", index.Query{Regions: []string{"84"}, Univers: []string{"mode et beaute"}},
			func(s data.Supplier) bool { return s.Address.Region == "84" && hasUnivers(s, "Mode et beauté") }},
		{"départements OR, NAF division AND", index.Query{Departements: []string{"75", "92"}, NAFDivisions: []string{"32"}},
			func(s data.Supplier) bool {
				return (s.Address.Departement == "75" || s.Address.Departement == "92") && data.NAFDivision(s.NAF) == "32"
			}},
		{"NAF sub-class in any spelling", index.Query{NAF: []string{"3212z"}},
			func(s data.Supplier) bool { return s.NAF == "32.12Z" }},
		{"NAF section", index.Query{NAFSections: []string{"f"}},
			func(s data.Supplier) bool { n, _ := data.LookupNAF(s.NAF); return n.Section == "F" }},
		{"text AND région", index.Query{Text: "menuiserie", Regions: []string{"28"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.PerPage = 100
			res := search(t, ix, tc.q)
			if tc.want != nil {
				if want := count(tc.want); res.Total != want || want == 0 {
					t.Errorf("total = %d, want %d (and more than 0)", res.Total, want)
				}
			}
			for _, h := range res.Hits {
				if len(tc.q.Regions) > 0 && !slices.Contains(tc.q.Regions, h.Region) {
					t.Errorf("hit %s in région %s, want one of %v", h.ID, h.Region, tc.q.Regions)
				}
			}
		})
	}
}

func TestFacetsAddUp(t *testing.T) {
	ix, _ := epvIndex(t)
	all := epvSuppliers(t)
	for _, q := range []index.Query{
		{Facets: true},
		{Text: "menuiserie", Facets: true},
		{Regions: []string{"84", "11"}, Facets: true},
	} {
		res := search(t, ix, q)
		// Single-valued facets: the counts and the suppliers without a
		// value add up to the total.
		for _, name := range []string{"region", "departement", "naf_section", "naf_division"} {
			sum := 0
			for _, fc := range res.Facets[name] {
				sum += fc.Count
				if fc.Label == "" || fc.Count <= 0 {
					t.Errorf("%+v: facet %s value %+v: want a label and a positive count", q, name, fc)
				}
			}
			if uint64(sum) > res.Total {
				t.Errorf("%+v: facet %s sums to %d, more than the %d results", q, name, sum, res.Total)
			}
			if name == "region" && uint64(sum) != res.Total {
				t.Errorf("%+v: région facet sums to %d, want %d (every EPV company has a région)", q, sum, res.Total)
			}
		}
		// A facet count is the total of the query filtered on that value.
		for _, name := range []string{"region", "univers", "label"} {
			for _, fc := range res.Facets[name][:min(3, len(res.Facets[name]))] {
				q2 := q
				q2.Facets = false
				switch name {
				case "region":
					q2.Regions = []string{fc.Value}
					if len(q.Regions) > 0 && !slices.Contains(q.Regions, fc.Value) {
						continue
					}
				case "univers":
					q2.Univers = []string{fc.Value}
				case "label":
					q2.Labels = []string{fc.Value}
				}
				if got := search(t, ix, q2).Total; got != uint64(fc.Count) {
					t.Errorf("%+v: facet %s=%s counts %d, the filtered query finds %d", q, name, fc.Value, fc.Count, got)
				}
			}
		}
	}
	// The full facet of régions matches the data.
	res := search(t, ix, index.Query{Facets: true})
	want := map[string]int{}
	for _, s := range all {
		want[s.Address.Region]++
	}
	for _, fc := range res.Facets["region"] {
		if want[fc.Value] != fc.Count {
			t.Errorf("région %s (%s): count %d, want %d", fc.Value, fc.Label, fc.Count, want[fc.Value])
		}
	}
	if r := res.Facets["region"]; len(r) > 1 && r[0].Count < r[1].Count {
		t.Errorf("facet values not by decreasing count: %+v", r[:2])
	}
	if got := res.Facets["label"]; len(got) == 0 || got[0].Value != "EPV" || got[0].Label != "Entreprise du Patrimoine Vivant" {
		t.Errorf("label facet = %+v, want EPV first with its French name", got)
	}
}

func TestFacetsFollowWrites(t *testing.T) {
	ctx := context.Background()
	ix, src := epvIndex(t)
	q := index.Query{Text: "ebenisterie", Facets: true}
	before := facetCount(search(t, ix, q), "region", "11")
	// Move an ébéniste of another région to Île-de-France.
	var moved data.Supplier
	for _, h := range search(t, ix, index.Query{Text: "ebenisterie", PerPage: 50}).Hits {
		if h.Region != "11" {
			moved = src.get(h.ID)
			break
		}
	}
	if moved.ID == "" {
		t.Fatal("no ébéniste outside Île-de-France")
	}
	moved.Address.Region, moved.Address.Departement = "11", "75"
	moved.UpdatedAt = moved.UpdatedAt.Add(time.Hour)
	src.set(moved)
	if err := ix.Apply(ctx, src, []string{moved.ID}); err != nil {
		t.Fatal(err)
	}
	if after := facetCount(search(t, ix, q), "region", "11"); after != before+1 {
		t.Errorf("Île-de-France count after the move = %d, want %d: a stale cached facet was served", after, before+1)
	}
}

func facetCount(res index.Results, facet, value string) int {
	for _, fc := range res.Facets[facet] {
		if fc.Value == value {
			return fc.Count
		}
	}
	return 0
}

func TestPagination(t *testing.T) {
	ix, _ := epvIndex(t)
	for _, base := range []index.Query{
		{Text: "menuiserie"},
		{Regions: []string{"84"}},
		{},
	} {
		big := base
		big.PerPage = 60
		all := search(t, ix, big)
		var paged []string
		for page := 1; page <= 3; page++ {
			q := base
			q.Page, q.PerPage = page, 20
			res := search(t, ix, q)
			if res.Total != all.Total {
				t.Errorf("%+v page %d: total %d, want %d", base, page, res.Total, all.Total)
			}
			paged = append(paged, hitIDs(res)...)
		}
		if !slices.Equal(paged, hitIDs(all)) {
			t.Errorf("%+v: pages 1-3 of 20 give %v,\nwant the first 60 %v", base, paged, hitIDs(all))
		}
	}
	res := search(t, ix, index.Query{Page: 1000, PerPage: 10})
	if len(res.Hits) != 0 || res.Total == 0 {
		t.Errorf("a page beyond the results: %d hits of %d, want none", len(res.Hits), res.Total)
	}
	res = search(t, ix, index.Query{PerPage: 1000})
	if len(res.Hits) != index.MaxPerPage {
		t.Errorf("PerPage 1000 gave %d hits, want the maximum %d", len(res.Hits), index.MaxPerPage)
	}
}

func TestBrowseIsAlphabetical(t *testing.T) {
	ix, _ := epvIndex(t)
	res := search(t, ix, index.Query{PerPage: 50})
	var names []string
	for _, h := range res.Hits {
		names = append(names, data.NormalizeName(h.Name))
	}
	if !slices.IsSorted(names) {
		t.Errorf("browsing without text is not by name: %v", names)
	}
	if res.Total != uint64(len(epvSuppliers(t))) {
		t.Errorf("total = %d, want every supplier", res.Total)
	}
}

func TestSortByDistanceWithoutRadius(t *testing.T) {
	ix, _ := epvIndex(t)
	p, _, err := index.ResolveNear("Bordeaux")
	if err != nil {
		t.Fatal(err)
	}
	res := search(t, ix, index.Query{Near: &p, SortByDistance: true, PerPage: 100, Text: "vin"})
	checkDistances(t, res, p, 0, false, true)
	res = search(t, ix, index.Query{Near: &p, SortByDistance: true, PerPage: 100})
	checkDistances(t, res, p, 0, false, true)
	if res.Total != uint64(len(epvSuppliers(t))) {
		t.Errorf("sorting by distance without radius must keep every supplier: total %d", res.Total)
	}
}

func TestRelaxedWhenNoSupplierHasEveryWord(t *testing.T) {
	ix, _ := epvIndex(t)
	res := search(t, ix, index.Query{Text: "restauration de monuments"})
	if !res.Relaxed || res.Total == 0 {
		t.Errorf("Relaxed = %v with %d results, want relaxed results", res.Relaxed, res.Total)
	}
	res = search(t, ix, index.Query{Text: "ferronnerie d'art"})
	if res.Relaxed {
		t.Errorf("%q has companies with every word, yet Relaxed is set", "ferronnerie d'art")
	}
	res = search(t, ix, index.Query{Text: "zzzzqqqq"})
	if res.Total != 0 || len(res.Hits) != 0 {
		t.Errorf("nonsense word found %d suppliers", res.Total)
	}
}

func TestSearchBySIRENAndSIRET(t *testing.T) {
	ix, _ := epvIndex(t)
	s := epvSuppliers(t)[7]
	siret := s.SIRETs()[0]
	sp := func(parts ...string) string { return strings.Join(parts, " ") }
	for _, text := range []string{
		s.SIREN, siret,
		// As printed on a Kbis or an INSEE notice.
		sp(s.SIREN[:3], s.SIREN[3:6], s.SIREN[6:]),
		sp(s.SIREN[:3], s.SIREN[3:6], s.SIREN[6:], siret[9:]),
		sp(s.SIREN, siret[9:]),
		sp(s.SIREN[:3], s.SIREN[3:6], s.SIREN[6:], siret[9:12], siret[12:]),
		s.SIREN[:3] + "\u00a0" + s.SIREN[3:6] + "\u202f" + s.SIREN[6:],
		// An establishment the directory does not list: its company.
		s.SIREN + "99999", sp(s.SIREN[:3], s.SIREN[3:6], s.SIREN[6:], "99999"),
	} {
		res := search(t, ix, index.Query{Text: text})
		if len(res.Hits) == 0 || res.Hits[0].ID != s.ID {
			t.Errorf("searching %q: hits %v, want %s first", text, hitIDs(res), s.ID)
		}
	}
	// Digit groups of another shape are words.
	if res := search(t, ix, index.Query{Text: sp(s.SIREN[:4], s.SIREN[4:])}); len(res.Hits) > 0 && res.Hits[0].ID == s.ID {
		t.Errorf("%q found %s: groups of 4 and 5 digits are no SIREN", sp(s.SIREN[:4], s.SIREN[4:]), s.ID)
	}
}

func TestHighlightsAreEscaped(t *testing.T) {
	ctx := context.Background()
	ix := openIndex(t, "")
	evil := data.Supplier{ID: "x1", Name: `<script>alert("x")</script> Ébénisterie & Fils`,
		Description: `Ébénisterie <b>d'art</b> : "meubles" <img src=x onerror=alert(1)> ` + strings.Repeat("bois massif ", 40) + "ébéniste en fin de texte",
		Products:    []string{"Meubles <i>sur mesure</i>"}, UpdatedAt: testNow}
	if err := ix.Put(ctx, evil); err != nil {
		t.Fatal(err)
	}
	res := search(t, ix, index.Query{Text: "ébénisterie meubles", Highlight: true})
	if len(res.Hits) != 1 {
		t.Fatalf("hits = %v, want the one supplier", hitIDs(res))
	}
	h := res.Hits[0].Highlights
	if len(h["name"]) == 0 || len(h["description"]) == 0 || len(h["products"]) == 0 {
		t.Fatalf("highlights = %v, want name, description and products", h)
	}
	for field, frags := range h {
		for _, f := range frags {
			rest := strings.ReplaceAll(strings.ReplaceAll(f, "<mark>", ""), "</mark>", "")
			if strings.ContainsAny(rest, "<>\"") {
				t.Errorf("%s fragment %q has unescaped markup", field, f)
			}
		}
	}
	if got, want := h["name"][0], `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; <mark>Ébénisterie</mark> &amp; Fils`; got != want {
		t.Errorf("name highlight = %q, want %q", got, want)
	}
	if d := h["description"][0]; !strings.HasPrefix(d, "<mark>Ébénisterie</mark>") || !strings.HasSuffix(d, "…") {
		t.Errorf("long description fragment = %q, want it cut after the first match", d)
	}
}

func TestInvalidQueries(t *testing.T) {
	ix := openIndex(t, "")
	p := index.Point{Lat: 45.76, Lon: 4.83}
	for _, q := range []index.Query{
		{RadiusKm: 10},
		{Near: &p, RadiusKm: -1},
		{Near: &p, RadiusKm: 5000},
		{SortByDistance: true},
		{Near: &index.Point{Lat: 91, Lon: 0}},
		{Page: 2000, PerPage: 100},
		{Regions: make([]string, 500)},
	} {
		_, err := ix.Search(context.Background(), q)
		var ve *data.ValidationError
		if !errors.Is(err, data.ErrInvalid) || !errors.As(err, &ve) || ve.Message == "" {
			t.Errorf("Search(%+v) error = %v, want a ValidationError with a French message", q, err)
		}
	}
}
