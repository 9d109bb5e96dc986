package web

import (
	"sort"
	"strconv"

	"fabrique/data"
	"fabrique/index"
)

// mapView is what a page template draws as an SVG map, with the same
// figures as a text table beside it.
type mapView struct {
	ViewBox string
	Label   string // accessible name of the map
	Shapes  []mapShapeView
	Dots    []mapDotView
	Legend  []mapLegendItem
	Rows    []mapRow // counts per département, most first
	// Outside counts the results outside metropolitan France, which the
	// map cannot show (the table lists them).
	Outside int
}

type mapShapeView struct {
	Code, D, Class, Title string
	// Href references the shape in the outlines' asset (mapsvg_asset.go);
	// D is then empty.
	Href string
}

type mapDotView struct {
	X, Y  string
	N     int // number of the result on the page, 0 for a single place
	Title string
}

type mapLegendItem struct {
	Class, Text string
}

type mapRow struct {
	Code, Name string
	Count      int
	Class      string
	Overseas   bool
}

// mapPlace is a point to draw: a result of the page or the supplier.
type mapPlace struct {
	N        int
	Title    string
	Lat, Lon float64
}

// searchMap draws the choropleth of the results per département (from the
// facet counts, so every result counts, not only the page) and the results
// of the page as numbered dots.
func (m *franceMap) searchMap(deps []index.FacetCount, places []mapPlace, total int) *mapView {
	v := &mapView{ViewBox: m.viewBox(),
		Label: "Carte des résultats par département (" + pluralFR(total, "résultat", "résultats") + ")"}
	counts := map[string]int{}
	maxCount := 0
	for _, f := range deps {
		counts[f.Value] = f.Count
		maxCount = max(maxCount, f.Count)
	}
	for _, s := range m.shapes {
		n := counts[s.Code]
		title := s.Name + " (" + s.Code + ") : " + pluralFR(n, "fournisseur", "fournisseurs")
		v.Shapes = append(v.Shapes, mapShapeView{Code: s.Code, D: s.D,
			Class: "c" + strconv.Itoa(choroplethClass(n, maxCount)), Title: title})
	}
	for _, f := range deps {
		name := f.Label
		if name == "" || name == f.Value {
			if d, ok := data.LookupDepartement(f.Value); ok {
				name = d.Name
			}
		}
		overseas := !m.drawn(f.Value)
		if overseas {
			v.Outside += f.Count
		}
		v.Rows = append(v.Rows, mapRow{Code: f.Value, Name: name, Count: f.Count, Overseas: overseas,
			Class: "c" + strconv.Itoa(choroplethClass(f.Count, maxCount))})
	}
	sort.SliceStable(v.Rows, func(i, j int) bool { return v.Rows[i].Count > v.Rows[j].Count })
	v.Legend = choroplethLegend(maxCount, func(lo, hi int) string {
		text := formatNumber(lo)
		if hi > lo {
			text += " à " + formatNumber(hi)
		}
		return text
	})
	v.Dots = m.dots(places)
	return v
}

// choroplethLegend lists the shades used for counts up to maxCount, each
// with the range of counts it stands for, written by text.
func choroplethLegend(maxCount int, text func(lo, hi int) string) []mapLegendItem {
	if maxCount <= 0 {
		return nil
	}
	var out []mapLegendItem
	lo := choroplethBounds(maxCount)
	for c := 1; c <= choroplethClasses; c++ {
		if lo[c] > maxCount {
			continue
		}
		hi := maxCount
		for d := c + 1; d <= choroplethClasses; d++ {
			if lo[d] <= maxCount {
				hi = lo[d] - 1
				break
			}
		}
		out = append(out, mapLegendItem{Class: "c" + strconv.Itoa(c), Text: text(lo[c], hi)})
	}
	return out
}

// placeMap draws where one supplier is: its département highlighted and
// a dot.
func (m *franceMap) placeMap(dep string, p *mapPlace) *mapView {
	v := &mapView{ViewBox: m.viewBox(), Label: "Localisation"}
	for _, s := range m.shapes {
		class := "c0"
		if s.Code == dep {
			class = "here"
		}
		v.Shapes = append(v.Shapes, mapShapeView{Code: s.Code, D: s.D, Class: class, Title: s.Name + " (" + s.Code + ")"})
	}
	if p != nil {
		v.Dots = m.dots([]mapPlace{*p})
	}
	return v
}

func (m *franceMap) dots(places []mapPlace) []mapDotView {
	var out []mapDotView
	for _, p := range places {
		x, y, ok := m.project(p.Lat, p.Lon)
		if !ok {
			continue
		}
		out = append(out, mapDotView{X: string(appendCoord(nil, x)), Y: string(appendCoord(nil, y)), N: p.N, Title: p.Title})
	}
	return out
}

// drawn reports whether a département is on the map (metropolitan).
func (m *franceMap) drawn(code string) bool {
	i := sort.Search(len(m.shapes), func(i int) bool { return m.shapes[i].Code >= code })
	return i < len(m.shapes) && m.shapes[i].Code == code
}

// pluralFR writes "1 fournisseur", "0 fournisseur", "12 fournisseurs":
// French uses the singular for 0 and 1.
func pluralFR(n int, one, many string) string {
	return formatNumber(n) + " " + data.PluralFR(n, one, many)
}
