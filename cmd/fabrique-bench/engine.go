package main

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"fabrique/data"
	"fabrique/index/synth"
)

// engine is one search engine measured side by side with the others, on
// the same corpus and the same queries.
type engine interface {
	name() string
	// build loads the corpus (bleve reads it from the store instead).
	build(ctx context.Context, sups []data.Supplier) error
	// text returns the number of suppliers matching every word of text
	// and the ids of the first 20 by relevance, with facet counts when
	// asked (counted, not returned: the cost is what is measured).
	text(ctx context.Context, text string, facets bool) (int, []string, error)
	// radius returns the number of suppliers within km of p and the ids of
	// the nearest 20, nearest first.
	radius(ctx context.Context, p synth.Place, km float64) (int, []string, error)
	close() error
}

// latencies summarises timings.
type latencies []time.Duration

func (l latencies) percentile(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	return s[int(float64(len(s)-1)*p)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// supplierText is what every engine indexes of a supplier, in four fields
// weighted alike: names, offer (products, activities, label ranges),
// nomenclature (NAF and CPV labels) and description.
type supplierText struct {
	name, offer, nomenclature, description string
	cpvDivisions, labels                   []string
	nafSection                             string
}

func textOf(s data.Supplier) supplierText {
	t := supplierText{name: join(append([]string{s.Name}, s.TradeNames...)), description: s.Description}
	offer := append(slices.Clone(s.Products), s.Activities...)
	nomenclature := []string{s.NAFLabel}
	for _, c := range s.CPVAll() {
		if cc, ok := data.LookupCPV(strings.SplitN(c, "-", 2)[0]); ok {
			nomenclature = append(nomenclature, cc.LabelFR)
			if !slices.Contains(t.cpvDivisions, cc.Division) {
				t.cpvDivisions = append(t.cpvDivisions, cc.Division)
			}
		}
	}
	for _, l := range s.Labels {
		offer = append(offer, l.Range)
		if !slices.Contains(t.labels, string(l.Type)) {
			t.labels = append(t.labels, string(l.Type))
		}
	}
	t.offer, t.nomenclature = join(offer), join(nomenclature)
	if n, ok := data.LookupNAF(s.NAF); ok {
		t.nafSection = n.Section
	}
	return t
}

// join joins the non-empty parts with spaces.
func join(parts []string) string {
	return strings.Join(slices.DeleteFunc(slices.Clone(parts), func(p string) bool { return p == "" }), " ")
}

// boundingBox returns the latitude and longitude bounds of a circle, for
// the engines that filter by box before computing distances.
func boundingBox(p synth.Place, km float64) (minLat, maxLat, minLon, maxLon float64) {
	dLat := km / 111.2
	dLon := km / (111.2 * math.Cos(p.Lat*math.Pi/180))
	return p.Lat - dLat, p.Lat + dLat, p.Lon - dLon, p.Lon + dLon
}
