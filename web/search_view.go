package web

import (
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"fabrique/data"
	"fabrique/index"
)

// resultView is one supplier of the results list.
type resultView struct {
	N        int // position on the page, as numbered on the map
	ID       string
	URL      string
	Name     template.HTML // escaped, with <mark> around matched words
	Labels   []badgeView
	Place    string // "Bazouges-la-Pérouse (35)"
	NAF      string
	NAFLabel template.HTML
	Univers  []string
	Distance string // « à 12 km », « sur place » (data.DistanceFR), "" when unknown
	Snippets []snippetView
	hit      index.Hit
}

// badgeView is a label badge: the code shown, the full name for screen
// readers and tooltips.
type badgeView struct {
	Code, Name string
	// Text is the badge as shown (« EPV expiré le … »), Class its state
	// (label_states.go); "" for a badge of a held label from the index.
	Text, Class string
}

// snippetView is a highlighted fragment of a field the list does not show
// otherwise.
type snippetView struct {
	Field string
	HTML  template.HTML
}

// snippetFields are the highlighted fields shown as snippets, in order,
// with their French names.
func snippetFields() []struct{ key, label string } {
	return []struct{ key, label string }{
		{"trade_names", "Marques"},
		{"products", "Produits"},
		{"activities", "Activités"},
		{"description", "Description"},
	}
}

// maxSnippets bounds the fragments shown per result.
const maxSnippets = 3

func supplierURL(id string) string { return "/fournisseurs/" + url.PathEscape(id) }

func badges(labels []string) []badgeView {
	out := make([]badgeView, 0, len(labels))
	for _, l := range labels {
		out = append(out, badgeView{Code: l, Name: data.LabelName(data.LabelType(l))})
	}
	return out
}

func placeOf(commune, dep string) string {
	switch {
	case commune != "" && dep != "":
		return commune + " (" + dep + ")"
	case commune != "":
		return commune
	case dep != "":
		if d, ok := data.LookupDepartement(dep); ok {
			return d.Name + " (" + dep + ")"
		}
		return dep
	}
	return ""
}

// newResultView prepares a hit for the list.
func newResultView(n int, h index.Hit) resultView {
	r := resultView{N: n, ID: h.ID, URL: supplierURL(h.ID), Labels: badges(h.Labels),
		Place: placeOf(h.Commune, h.Departement), NAF: h.NAF, Univers: h.Univers, hit: h}
	r.Name = template.HTML(template.HTMLEscapeString(h.Name))
	if frags := h.Highlights["name"]; len(frags) > 0 {
		r.Name = markedHTML(frags[0])
	}
	r.NAFLabel = template.HTML(template.HTMLEscapeString(h.NAFLabel))
	if frags := h.Highlights["naf_label"]; len(frags) > 0 {
		r.NAFLabel = markedHTML(frags[0])
	}
	if h.DistanceKm != nil {
		r.Distance = data.DistanceFR(*h.DistanceKm)
	}
	for _, f := range snippetFields() {
		for _, frag := range h.Highlights[f.key] {
			if len(r.Snippets) == maxSnippets {
				break
			}
			r.Snippets = append(r.Snippets, snippetView{Field: f.label, HTML: markedHTML(frag)})
		}
	}
	return r
}

// facetGroup is one facet of the search page: a fieldset of checkboxes.
type facetGroup struct {
	Name   string // URL parameter
	Legend string
	Top    []facetItem // shown at once
	More   []facetItem // behind "voir plus"
}

type facetItem struct {
	ID      string // element id, unique in the page
	Value   string
	Label   string
	Count   int
	Checked bool
}

// facetTop is how many values of a facet show before "voir plus".
const facetTop = 6

// facetLegends are the facets of the page, in order, with their French
// legends.
func facetLegends() []struct{ name, legend string } {
	return []struct{ name, legend string }{
		{"label", "Label"},
		{"region", "Région"},
		{"departement", "Département"},
		{"univers", "Univers des métiers d'art (EPV)"},
		{"naf_section", "Secteur d'activité (section NAF)"},
		{"naf_division", "Activité (division NAF)"},
		{"cpv_division", "Achats publics (division CPV)"},
		{"headcount", "Effectif salarié"},
	}
}

// facetGroups builds the facets of the page. Checked values always show,
// first, even when no result has them any more.
func facetGroups(f index.Facets, p *searchParams) []facetGroup {
	return buildFacetGroups(f, facetLegends(), p.filterValues, facetDisplay)
}

// buildFacetGroups builds the checkbox groups of facets, in the order of
// legends: checked(name) are the values in force, display(name, count)
// how a value reads. Shared by the search and tender pages.
func buildFacetGroups(f index.Facets, legends []struct{ name, legend string }, checked func(string) []string,
	display func(string, index.FacetCount) string) []facetGroup {
	var out []facetGroup
	for _, fl := range legends {
		checked := checked(fl.name)
		var items []facetItem
		seen := map[string]bool{}
		for _, c := range f[fl.name] {
			if c.Value == "" { // suppliers without the field: not a filter
				continue
			}
			seen[c.Value] = true
			items = append(items, facetItem{Value: c.Value, Label: display(fl.name, c), Count: c.Count,
				Checked: slices.Contains(checked, c.Value)})
		}
		for _, v := range checked {
			if !seen[v] {
				items = append(items, facetItem{Value: v, Label: display(fl.name, index.FacetCount{Value: v}), Checked: true})
			}
		}
		if len(items) == 0 {
			continue
		}
		// Checked first, then by count as the index sorted them.
		slices.SortStableFunc(items, func(a, b facetItem) int {
			switch {
			case a.Checked == b.Checked:
				return 0
			case a.Checked:
				return -1
			}
			return 1
		})
		for i := range items {
			items[i].ID = "f-" + fl.name + "-" + strconv.Itoa(i)
		}
		g := facetGroup{Name: fl.name, Legend: fl.legend, Top: items}
		if len(items) > facetTop+2 { // hiding one or two values helps nobody
			g.Top, g.More = items[:facetTop], items[facetTop:]
			for len(g.More) > 0 && g.More[0].Checked {
				g.Top, g.More = append(g.Top, g.More[0]), g.More[1:]
			}
		}
		out = append(out, g)
	}
	return out
}

// facetDisplay is how a facet value reads in the page: codes with their
// names ("69 – Rhône", "31 – Fabrication de meubles").
func facetDisplay(facet string, c index.FacetCount) string {
	label := sentenceCase(c.Label)
	if label == "" || label == c.Value {
		label = filterLabel(facet, c.Value)
	}
	switch facet {
	case "departement", "naf_section", "naf_division", "cpv_division":
		if label != c.Value {
			return c.Value + " – " + label
		}
	case "label":
		if label != c.Value {
			return c.Value + " – " + label
		}
	}
	return label
}

// filterLabel is the French name of a filter value, from the reference
// data, with NAF labels in sentence case as the page shows them.
func filterLabel(name, v string) string {
	l := index.FacetLabel(name, v)
	if strings.HasPrefix(name, "naf") && l != v {
		return sentenceCase(l)
	}
	return l
}

// activeFilter is a filter in force, with the link that removes it.
type activeFilter struct {
	Legend, Label, RemoveURL string
}

// activeFilters lists the filters of p with links that remove each one.
func activeFilters(p *searchParams, path string) []activeFilter {
	var out []activeFilter
	legend := map[string]string{"naf": "Code NAF"}
	for _, fl := range facetLegends() {
		legend[fl.name] = fl.legend
	}
	for _, f := range filterParams() {
		for _, v := range p.filterValues(f.name) {
			q := *p
			q.Page = 1
			*q.filterField(f.name) = slices.DeleteFunc(slices.Clone(p.filterValues(f.name)), func(x string) bool { return x == v })
			out = append(out, activeFilter{Legend: legend[f.name], Label: facetDisplay(f.name, index.FacetCount{Value: v}),
				RemoveURL: q.link(path)})
		}
	}
	if p.Near != "" {
		q := *p
		q.Page, q.Near, q.RadiusKm, q.ByDistance = 1, "", 0, false
		label := "autour de " + p.Near
		if p.RadiusKm > 0 {
			label = "à moins de " + formatKm(p.RadiusKm) + " de " + p.Near
		}
		out = append(out, activeFilter{Legend: "Lieu", Label: label, RemoveURL: q.link(path)})
	}
	return out
}

// pagination is the list of page links under the results.
type pagination struct {
	Prev, Next string // URLs, "" at the ends
	Pages      []pageLink
	Current    int
	Last       int
	// LastURL links the last page (none without results): where a page
	// past the end sends the reader.
	LastURL string
}

type pageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool // an ellipsis instead of a link
}

// newPagination links the first, last and nearby pages of a search.
func newPagination(p *searchParams, total int, path string) pagination {
	last := min((total+p.PerPage-1)/p.PerPage, index.MaxResultWindow/p.PerPage)
	return paginate(p.Page, last, func(n int) string {
		q := *p
		q.Page = n
		return q.link(path)
	})
}

// paginate links the first, last and nearby pages out of last, page
// being the current one; at gives the URL of page n.
func paginate(page, last int, at func(n int) string) pagination {
	pg := pagination{Current: page, Last: last}
	if last >= 1 {
		pg.LastURL = at(last)
	}
	if last <= 1 {
		return pg
	}
	if page > 1 {
		pg.Prev = at(min(page-1, last))
	}
	if page < last {
		pg.Next = at(page + 1)
	}
	prev := 0
	for n := 1; n <= last; n++ {
		if n != 1 && n != last && (n < page-2 || n > page+2) {
			continue
		}
		switch {
		case prev != 0 && n == prev+2: // an ellipsis would hide one page: show it
			pg.Pages = append(pg.Pages, pageLink{N: prev + 1, URL: at(prev + 1)})
		case prev != 0 && n > prev+2:
			pg.Pages = append(pg.Pages, pageLink{Gap: true})
		}
		pg.Pages = append(pg.Pages, pageLink{N: n, URL: at(n), Current: n == page})
		prev = n
	}
	return pg
}

// sentenceCase turns a label written in capitals, as INSEE writes the NAF
// sections ("INDUSTRIE MANUFACTURIÈRE"), into "Industrie manufacturière";
// other labels are kept as they are.
func sentenceCase(s string) string {
	if s == "" || strings.ToUpper(s) != s || strings.ToLower(s) == s {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + strings.ToLower(s[n:])
}
