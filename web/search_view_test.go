package web

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"fabrique/index"
)

func TestMarkedHTML(t *testing.T) {
	tests := []struct {
		name, in string
		want     template.HTML
	}{
		{"plain", "Atelier Dupont", "Atelier Dupont"},
		{"marks kept", "<mark>Ébénisterie</mark> d&#39;art", "<mark>Ébénisterie</mark> d&#39;art"},
		{"escaped text stays escaped once", "Dupont &amp; <mark>Fils</mark>", "Dupont &amp; <mark>Fils</mark>"},
		{"raw markup becomes text", "<script>alert(1)</script> <mark>bois</mark>", "&lt;script&gt;alert(1)&lt;/script&gt; <mark>bois</mark>"},
		{"escaped markup stays text", "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;", "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;"},
		{"marks with attributes are text", `<mark onclick="x()">a</mark>`, "&lt;mark onclick=&#34;x()&#34;&gt;a"},
		{"unbalanced open is closed", "<mark>bois", "<mark>bois</mark>"},
		{"stray close dropped", "bois</mark> massif", "bois massif"},
		{"nested open dropped", "<mark>a<mark>b</mark>c", "<mark>ab</mark>c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := markedHTML(tt.in); got != tt.want {
				t.Errorf("markedHTML(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzMarkedHTML checks the one promise of markedHTML: whatever comes in,
// the only markup that comes out is balanced <mark> elements.
func FuzzMarkedHTML(f *testing.F) {
	for _, s := range []string{"<mark>a</mark>", "<script>x</script>", "&lt;b&gt;", "<mark><mark>", "</mark>", "a & b < c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := string(markedHTML(in))
		if strings.Count(out, markOpen) != strings.Count(out, markClose) {
			t.Fatalf("unbalanced marks in %q", out)
		}
		rest := strings.ReplaceAll(strings.ReplaceAll(out, markOpen, ""), markClose, "")
		if strings.ContainsAny(rest, "<>\"'") {
			t.Fatalf("markup besides <mark> in %q (from %q)", out, in)
		}
	})
}

func TestFormatKm(t *testing.T) {
	tests := []struct {
		km   float64
		want string
	}{
		{0, "0,0 km"},
		{0.46, "0,5 km"},
		{9.94, "9,9 km"},
		{12.4, "12 km"},
		{1234.6, "1\u202f235 km"},
	}
	for _, tt := range tests {
		if got := formatKm(tt.km); got != tt.want {
			t.Errorf("formatKm(%g) = %q, want %q", tt.km, got, tt.want)
		}
	}
}

func TestFrenchDate(t *testing.T) {
	tests := []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, ""},
		{time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), "1er mars 2026"},
		{time.Date(2027, 8, 15, 0, 0, 0, 0, time.UTC), "15 août 2027"},
		{time.Date(2025, 12, 31, 23, 0, 0, 0, time.UTC), "31 décembre 2025"},
	}
	for _, tt := range tests {
		if got := frenchDate(tt.t); got != tt.want {
			t.Errorf("frenchDate(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestSentenceCase(t *testing.T) {
	for in, want := range map[string]string{
		"INDUSTRIE MANUFACTURIÈRE":   "Industrie manufacturière",
		"ÉLECTRICITÉ":                "Électricité",
		"Fabrication de meubles":     "Fabrication de meubles",
		"Mode et beauté":             "Mode et beauté",
		"":                           "",
		"C":                          "C",
		"Équipements industriels, x": "Équipements industriels, x",
	} {
		if got := sentenceCase(in); got != want {
			t.Errorf("sentenceCase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewPagination(t *testing.T) {
	tests := []struct {
		name       string
		page       int
		total      int
		wantPages  string // page numbers, "…" for gaps
		prev, next bool
	}{
		{"one page", 1, 20, "", false, false},
		{"first of three", 1, 55, "1 2 3", false, true},
		{"middle of many", 10, 1000, "1 … 8 9 10 11 12 … 50", true, true},
		{"last", 50, 1000, "1 … 48 49 50", true, false},
		{"capped by the result window", 1, 100000, "1 2 3 … 500", false, true},
		// An ellipsis that hides one page shows it: « 1 2 3 … 5 » hid page 4.
		{"first of five", 1, 98, "1 2 3 4 5", false, true},
		{"last of five", 5, 98, "1 2 3 4 5", true, false},
		{"middle of seven", 4, 140, "1 2 3 4 5 6 7", true, true},
		{"first of six", 1, 120, "1 2 3 … 6", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &searchParams{Text: "bois", Page: tt.page, PerPage: 20}
			pg := newPagination(p, tt.total, searchPath)
			var got []string
			for _, l := range pg.Pages {
				if l.Gap {
					got = append(got, "…")
				} else {
					got = append(got, itoa(l.N))
				}
			}
			if strings.Join(got, " ") != tt.wantPages {
				t.Errorf("pages = %q, want %q", strings.Join(got, " "), tt.wantPages)
			}
			if (pg.Prev != "") != tt.prev || (pg.Next != "") != tt.next {
				t.Errorf("prev %q next %q, want prev=%v next=%v", pg.Prev, pg.Next, tt.prev, tt.next)
			}
			if tt.next && !strings.Contains(pg.Next, "q=bois") {
				t.Errorf("next link %q lost the query", pg.Next)
			}
		})
	}
}

func itoa(n int) string { return strings.TrimSpace(formatNumber(n)) }

func TestFacetGroupsPutCheckedFirstAndFoldTheRest(t *testing.T) {
	var deps []index.FacetCount
	for _, c := range []string{"75", "69", "13", "33", "44", "35", "67", "59", "31", "06"} {
		deps = append(deps, index.FacetCount{Value: c, Count: 10})
	}
	p := &searchParams{Departements: []string{"31", "2A"}}
	groups := facetGroups(index.Facets{"departement": deps, "headcount": {{Value: "", Count: 7}}}, p)
	if len(groups) != 1 {
		t.Fatalf("got %d facet groups, want 1 (the empty headcount value is not a filter)", len(groups))
	}
	g := groups[0]
	if g.Name != "departement" || g.Legend != "Département" {
		t.Errorf("group = %s %q", g.Name, g.Legend)
	}
	if len(g.Top) != facetTop || len(g.More) != 11-facetTop {
		t.Fatalf("top %d, more %d; want %d and %d", len(g.Top), len(g.More), facetTop, 11-facetTop)
	}
	if !g.Top[0].Checked || g.Top[0].Value != "31" || !g.Top[1].Checked || g.Top[1].Value != "2A" {
		t.Errorf("checked values not first: %+v", g.Top[:2])
	}
	if g.Top[1].Label != "2A – Corse-du-Sud" || g.Top[1].Count != 0 {
		t.Errorf("a checked value without results = %+v, want label « 2A – Corse-du-Sud » and count 0", g.Top[1])
	}
	ids := map[string]bool{}
	for _, it := range append(g.Top, g.More...) {
		if ids[it.ID] {
			t.Errorf("duplicate element id %q", it.ID)
		}
		ids[it.ID] = true
	}
}

func TestActiveFiltersRemoveOneEach(t *testing.T) {
	p := &searchParams{Text: "bois", Regions: []string{"84", "52"}, Labels: []string{"EPV"}, Near: "Lyon", RadiusKm: 50, Page: 3, PerPage: 20}
	got := activeFilters(p, searchPath)
	if len(got) != 4 {
		t.Fatalf("got %d active filters, want 4: %+v", len(got), got)
	}
	for _, f := range got {
		if strings.Contains(f.RemoveURL, "page=") {
			t.Errorf("removing %q keeps the page number: %s", f.Label, f.RemoveURL)
		}
		if !strings.Contains(f.RemoveURL, "q=bois") {
			t.Errorf("removing %q loses the query: %s", f.Label, f.RemoveURL)
		}
	}
	region := got[1] // label first, then régions in order
	if region.Label != "Auvergne-Rhône-Alpes" || strings.Contains(region.RemoveURL, "region=84") || !strings.Contains(region.RemoveURL, "region=52") {
		t.Errorf("removing Auvergne-Rhône-Alpes: %+v", region)
	}
	place := got[3]
	if place.Label != "à moins de 50 km de Lyon" || strings.Contains(place.RemoveURL, "near=") || strings.Contains(place.RemoveURL, "radius_km") {
		t.Errorf("removing the place: %+v", place)
	}
}
