package web

import (
	"math"
	"strconv"
	"strings"
	"time"

	"fabrique/data"
	"fabrique/data/observatory"
)

// formatDecimal writes v with one decimal and a decimal comma, "10,4".
func formatDecimal(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	r := math.Round(v * 10)
	s := formatNumber(int(r)/10) + "," + strconv.Itoa(int(math.Abs(r))%10)
	if r < 0 && int(r)/10 == 0 {
		s = "-" + s
	}
	return s
}

// formatShare writes a share in [0, 1] as a percentage, "12,5 %". A share
// that is not nothing but rounds to « 0,0 % » is written « < 0,1 % », and
// one short of the whole that rounds to « 100,0 % » « > 99,9 % »: a reader
// takes « 0,0 % » for none.
func formatShare(v float64) string {
	switch {
	case v > 0 && v < 0.0005:
		return "<\u00a00,1\u00a0%"
	case v < 1 && v >= 0.9995:
		return ">\u00a099,9\u00a0%"
	}
	return formatDecimal(v*100) + "\u00a0%"
}

// densityMap is the choropleth of the observatory: companies holding a
// label per 100 000 inhabitants, by département, with the overseas
// départements drawn as tiles beside metropolitan France.
type densityMap struct {
	ViewBox         string
	OverseasViewBox string
	Label           string
	Shapes          []mapShapeView
	Overseas        []overseasTile
	Legend          []mapLegendItem
}

// overseasTile is an overseas département drawn as a labelled square.
type overseasTile struct {
	Code, Name, Class, Title string
	Y, TextY                 int
}

// densityText is the <title> and table wording of one département.
func densityText(a observatory.AreaCoverage) string {
	return a.Name + " (" + a.Code + ") : " + pluralFR(a.Holding, "entreprise labellisée", "entreprises labellisées") +
		", " + formatDecimal(a.PerCapita) + " pour 100 000 habitants"
}

// densityMap draws the départements of the coverage, shaded on the
// square-root scale of the search map, in tenths of a company per 100 000
// inhabitants.
func (m *franceMap) densityMap(deps []observatory.AreaCoverage) *densityMap {
	v := &densityMap{ViewBox: m.viewBox(), Label: "Carte des entreprises labellisées pour 100 000 habitants, par département"}
	byCode := map[string]observatory.AreaCoverage{}
	maxTenths := 0
	tenths := func(a observatory.AreaCoverage) int { return int(math.Round(a.PerCapita * 10)) }
	for _, a := range deps {
		byCode[a.Code] = a
		maxTenths = max(maxTenths, tenths(a))
	}
	class := func(a observatory.AreaCoverage) string {
		return "c" + strconv.Itoa(choroplethClass(tenths(a), maxTenths))
	}
	for _, sh := range m.shapes {
		a, ok := byCode[sh.Code]
		if !ok {
			continue // outside the filter: not drawn
		}
		v.Shapes = append(v.Shapes, mapShapeView{Code: sh.Code, D: sh.D, Class: class(a), Title: densityText(a)})
	}
	y := 8
	for _, a := range deps {
		if !a.Overseas {
			continue
		}
		v.Overseas = append(v.Overseas, overseasTile{Code: a.Code, Name: a.Name, Class: class(a), Title: densityText(a),
			Y: y, TextY: y + 24})
		y += 46
	}
	v.OverseasViewBox = "0 0 120 " + strconv.Itoa(max(y, 46))
	v.Legend = choroplethLegend(maxTenths, func(lo, hi int) string {
		text := formatDecimal(float64(lo) / 10)
		if hi > lo {
			text += " à " + formatDecimal(float64(hi)/10)
		}
		return text
	})
	return v
}

// heatView is the CPV division × région matrix of tenders without a
// capable supplier, as a table whose cells are shaded and carry their
// figures in text.
type heatView struct {
	Regions []observatory.Area
	Rows    []heatRow
}

type heatRow struct {
	Code, Name string
	Open, None int
	Cells      []heatCell
}

type heatCell struct {
	Text, Title, Class string
}

// heatClass shades a cell by the share of its tenders without a capable
// supplier: g1 none of them … g4 more than three in four; gx no tender.
func heatClass(c observatory.GapCell) string {
	if c.Evaluated == 0 {
		return "gx"
	}
	share := float64(c.None) / float64(c.Evaluated)
	switch {
	case share == 0:
		return "g0"
	case share <= 0.25:
		return "g1"
	case share <= 0.5:
		return "g2"
	case share <= 0.75:
		return "g3"
	}
	return "g4"
}

func newHeatView(tc *observatory.TenderCoverage) *heatView {
	if len(tc.Gaps) == 0 {
		return nil
	}
	v := &heatView{Regions: tc.Regions}
	for _, g := range tc.Gaps {
		r := heatRow{Code: g.CPVDivision, Name: g.Name, Open: g.Open, None: g.None}
		for i, c := range g.Cells {
			cell := heatCell{Class: heatClass(c)}
			if c.Evaluated > 0 {
				cell.Text = formatNumber(c.None) + " / " + formatNumber(c.Evaluated)
				cell.Title = g.Name + ", " + tc.Regions[i].Name + " : " + pluralFR(c.None, "appel d'offres", "appels d'offres") +
					" sans fournisseur capable sur " + formatNumber(c.Evaluated)
			}
			r.Cells = append(r.Cells, cell)
		}
		v.Rows = append(v.Rows, r)
	}
	return v
}

// chartView is a small SVG time series with its figures in a table.
type chartView struct {
	ID, Title, Unit string
	ViewBox         string
	Line            string // polyline points
	Points          []chartPoint
	XLabels         []chartLabel
	YLabels         []chartLabel
	Rows            []chartRow
}

type chartPoint struct{ X, Y, Title string }

type chartLabel struct {
	X, Y  int
	GridY int // of a value label: where its grid line runs
	Text  string
}

type chartRow struct{ Day, Value string }

// chartSample is one value of a series.
type chartSample struct {
	Day   time.Time
	Value float64
}

// Geometry of the charts, in SVG user units.
const (
	chartW, chartH               = 320, 150
	chartLeft, chartRight        = 46, 10
	chartTop, chartBottom        = 10, 24
	chartInnerW, chartInnerH     = chartW - chartLeft - chartRight, chartH - chartTop - chartBottom
	chartMaxRows             int = 400
)

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// lineChart draws a series on a time axis from its first to its last day,
// the values from 0 to a round maximum.
func lineChart(id, title, unit string, samples []chartSample, integer bool, format func(float64) string) *chartView {
	v := &chartView{ID: id, Title: title, Unit: unit, ViewBox: "0 0 " + strconv.Itoa(chartW) + " " + strconv.Itoa(chartH)}
	if len(samples) == 0 {
		return v
	}
	top := 0.0
	for _, s := range samples {
		top = max(top, s.Value)
	}
	top = niceCeil(top)
	if integer && math.Mod(top, 2) != 0 {
		top *= 2 // the middle tick must be a whole number: 1 → 2, 5 → 10
	}
	first, last := samples[0].Day, samples[len(samples)-1].Day
	span := last.Sub(first).Hours()
	var line []string
	for _, s := range samples {
		x := float64(chartLeft) + float64(chartInnerW)/2
		if span > 0 {
			x = float64(chartLeft) + s.Day.Sub(first).Hours()/span*float64(chartInnerW)
		}
		y := float64(chartTop) + (1-s.Value/top)*float64(chartInnerH)
		xs, ys := string(appendCoord(nil, x)), string(appendCoord(nil, y))
		line = append(line, xs+","+ys)
		label := frenchDate(s.Day) + " : " + format(s.Value)
		v.Points = append(v.Points, chartPoint{X: xs, Y: ys, Title: label})
	}
	v.Line = strings.Join(line, " ")
	for _, frac := range []float64{0, 0.5, 1} {
		y := chartTop + int((1-frac)*chartInnerH)
		v.YLabels = append(v.YLabels, chartLabel{X: chartLeft - 4, Y: y + 4, GridY: y, Text: format(top * frac)})
	}
	v.XLabels = append(v.XLabels, chartLabel{X: chartLeft, Y: chartH - 6, Text: first.Format("02/01/06")})
	if span > 0 {
		v.XLabels = append(v.XLabels, chartLabel{X: chartW - chartRight, Y: chartH - 6, Text: last.Format("02/01/06")})
	}
	// The table lists the latest days first, bounded for a long history.
	for i := len(samples) - 1; i >= 0 && len(v.Rows) < chartMaxRows; i-- {
		v.Rows = append(v.Rows, chartRow{Day: frenchDate(samples[i].Day), Value: format(samples[i].Value)})
	}
	return v
}

// historyCharts draws the key figures of the daily snapshots.
func historyCharts(snaps []data.StatsSnapshot) []*chartView {
	var holding, none, share []chartSample
	for _, s := range snaps {
		day, err := time.Parse(time.DateOnly, s.Day)
		if err != nil {
			continue
		}
		holding = append(holding, chartSample{day, float64(s.Holding)})
		none = append(none, chartSample{day, float64(s.TendersNone)})
		if s.Awards > 0 {
			share = append(share, chartSample{day, float64(s.AwardsLabelled) / float64(s.Awards) * 100})
		}
	}
	count := func(v float64) string { return formatNumber(int(math.Round(v))) }
	percent := func(v float64) string { return formatDecimal(v) + "\u00a0%" }
	return []*chartView{
		lineChart("hist-labelled", "Entreprises labellisées", "entreprises", holding, true, count),
		lineChart("hist-none", "Appels d'offres ouverts sans fournisseur capable", "appels d'offres", none, true, count),
		lineChart("hist-share", "Part des marchés attribués remportés par des entreprises labellisées", "%", share, false, percent),
	}
}
