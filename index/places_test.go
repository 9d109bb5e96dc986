package index_test

import (
	"slices"
	"strings"
	"testing"

	"fabrique/data"
	"fabrique/index"
)

func TestFindTextPlace(t *testing.T) {
	cases := []struct {
		name, text          string
		ok                  bool
		kind, code, placeIn string // placeIn: the words that named it
		rest                string
	}{
		{name: "a city after a trade", text: "menuiserie Lyon", ok: true, kind: index.PlaceCommune, code: "69123", placeIn: "Lyon", rest: "menuiserie"},
		{name: "a région", text: "ferronnier Bretagne", ok: true, kind: index.PlaceRegion, code: "53", placeIn: "Bretagne", rest: "ferronnier"},
		{name: "a département with its connector", text: "ébéniste en Ille-et-Vilaine", ok: true, kind: index.PlaceDepartement, code: "35", placeIn: "en Ille-et-Vilaine", rest: "ébéniste"},
		{name: "a département alone", text: "menuiserie Finistère", ok: true, kind: index.PlaceDepartement, code: "29", placeIn: "Finistère", rest: "menuiserie"},
		{name: "a name of several words", text: "meuble Saint-Étienne", ok: true, kind: index.PlaceCommune, code: "42218", placeIn: "Saint-Étienne", rest: "meuble"},
		{name: "typed without dashes nor accents", text: "meuble saint etienne", ok: true, kind: index.PlaceCommune, code: "42218", placeIn: "saint etienne", rest: "meuble"},
		{name: "a long région name", text: "verre Provence-Alpes-Côte d'Azur", ok: true, kind: index.PlaceRegion, code: "93", placeIn: "Provence-Alpes-Côte d'Azur", rest: "verre"},
		{name: "près de", text: "menuiserie près de Rennes", ok: true, kind: index.PlaceCommune, code: "35238", placeIn: "près de Rennes", rest: "menuiserie"},
		{name: "à", text: "tapisserie à Paris", ok: true, kind: index.PlaceCommune, code: "75056", placeIn: "à Paris", rest: "tapisserie"},
		{name: "a postcode", text: "menuiserie 69003", ok: true, kind: index.PlaceCommune, code: "69123", placeIn: "69003", rest: "menuiserie"},
		{name: "Laval is a city", text: "menuiserie Laval", ok: true, kind: index.PlaceCommune, code: "53130", placeIn: "Laval", rest: "menuiserie"},
		{name: "Nice is a city", text: "ébéniste Nice", ok: true, kind: index.PlaceCommune, code: "06088", placeIn: "Nice", rest: "ébéniste"},

		{name: "a company name: de Lyon", text: "velours de Lyon", ok: false},
		{name: "a company name: de Bretagne", text: "biscuiterie de Bretagne", ok: false},
		{name: "the place is the whole query", text: "Lyon", ok: false},
		{name: "a connector and the place only", text: "à Lyon", ok: false},
		{name: "Tours are machine tools", text: "tour Tours", ok: false},
		{name: "Vitré is a pane", text: "vitrail Vitré", ok: false},
		{name: "Vannes are valves", text: "robinet Vannes", ok: false},
		{name: "la Manche is a sleeve", text: "couteau Manche", ok: false},
		{name: "Tours after à, with a capital", text: "menuiserie à Tours", ok: true, kind: index.PlaceCommune, code: "37261", placeIn: "à Tours", rest: "menuiserie"},
		{name: "a commune and its département", text: "menuiserie Marseille 13", ok: true, kind: index.PlaceCommune, code: "13055", placeIn: "Marseille 13", rest: "menuiserie"},
		{name: "a commune and its département in brackets", text: "menuiserie Rennes (35)", ok: true, kind: index.PlaceCommune, code: "35238", placeIn: "Rennes (35)", rest: "menuiserie"},
		{name: "a common word confirmed by its département", text: "tour Tours 37", ok: true, kind: index.PlaceCommune, code: "37261", placeIn: "Tours 37", rest: "tour"},
		{name: "the département picks the commune", text: "menuiserie Saint-Denis 93", ok: true, kind: index.PlaceCommune, code: "93066", placeIn: "Saint-Denis 93", rest: "menuiserie"},
		{name: "an arrondissement of Paris", text: "menuiserie Paris 11e", ok: true, kind: index.PlaceCommune, code: "75056", placeIn: "Paris 11e", rest: "menuiserie"},
		{name: "an arrondissement of Lyon", text: "ébéniste à Lyon 3ème", ok: true, kind: index.PlaceCommune, code: "69123", placeIn: "à Lyon 3ème", rest: "ébéniste"},
		{name: "an arrondissement without its suffix", text: "menuiserie Paris 11", ok: true, kind: index.PlaceCommune, code: "75056", placeIn: "Paris 11", rest: "menuiserie"},
		{name: "a bare département number", text: "menuiserie 35", ok: true, kind: index.PlaceDepartement, code: "35", placeIn: "35", rest: "menuiserie"},
		{name: "a département number with its connector", text: "tapissier dans le 13", ok: true, kind: index.PlaceDepartement, code: "13", placeIn: "dans le 13", rest: "tapissier"},
		{name: "an overseas département number", text: "menuiserie 974", ok: true, kind: index.PlaceDepartement, code: "974", placeIn: "974", rest: "menuiserie"},
		{name: "Corsica", text: "menuiserie 2A", ok: true, kind: index.PlaceDepartement, code: "2A", placeIn: "2A", rest: "menuiserie"},

		{name: "tours after à, in lower case, are machine tools", text: "machine à tours", ok: false},
		{name: "a sleeve after à", text: "couteau à manche", ok: false},
		{name: "a département number alone", text: "13", ok: false},
		{name: "a département number after a connector only", text: "dans le 13", ok: false},
		{name: "a département number after a number", text: "12 35", ok: false},
		{name: "dimensions", text: "planche 20 x 35", ok: false},
		{name: "a lot number", text: "lot 35", ok: false},
		{name: "a number that is no département", text: "menuiserie 20", ok: false},
		{name: "a three-digit number that is no département", text: "menuiserie 975", ok: false},
		{name: "a number after a place", text: "menuiserie Lyon 12", ok: false},
		{name: "a number after a one-word place", text: "Lyon 12", ok: false},
		{name: "a commune and another département", text: "menuiserie Rennes 44", ok: false},
		{name: "an arrondissement Lyon has not", text: "menuiserie Lyon 12e", ok: false},
		{name: "a SIREN in groups", text: "348 830 308", ok: false},
		{name: "a SIREN ending like an overseas département", text: "552 100 974", ok: false},
		{name: "a place not at the end", text: "Lyon menuiserie", ok: false},
		{name: "a small commune of one word", text: "menuiserie Feyzin", ok: false},
		{name: "a small commune after à, with a capital", text: "couteaux à Thiers", ok: true, kind: index.PlaceCommune, code: "63430", placeIn: "à Thiers", rest: "couteaux"},
		{name: "a small commune after à, in lower case", text: "couteaux à thiers", ok: false},
		{name: "an unknown postcode", text: "menuiserie 99999", ok: false},
		{name: "no place", text: "ferronnerie d'art", ok: false},
		{name: "a région of before 2016", text: "charpente Alsace", ok: true, kind: index.PlaceFormerRegion, code: "42", placeIn: "Alsace", rest: "charpente"},
		{name: "a former région after a connector", text: "tailleur de pierre en Bourgogne", ok: true, kind: index.PlaceFormerRegion, code: "26", placeIn: "en Bourgogne", rest: "tailleur de pierre"},
		{name: "a former région of several words", text: "ferronnerie Nord Pas de Calais", ok: true, kind: index.PlaceFormerRegion, code: "31", placeIn: "Nord Pas de Calais", rest: "ferronnerie"},
		{name: "a former région in a company name", text: "Faïencerie de Lorraine", ok: false},
		{name: "a wine is no former région", text: "vins de Champagne", ok: false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := index.FindTextPlace(tc.text)
			if ok != tc.ok {
				t.Fatalf("FindTextPlace(%q) = %+v, %v; want found %v", tc.text, p, ok, tc.ok)
			}
			if !ok {
				return
			}
			if p.Kind != tc.kind || p.Code != tc.code || p.Text != tc.placeIn || p.Rest != tc.rest {
				t.Errorf("FindTextPlace(%q) = kind %q code %q text %q rest %q; want %q %q %q %q",
					tc.text, p.Kind, p.Code, p.Text, p.Rest, tc.kind, tc.code, tc.placeIn, tc.rest)
			}
			if p.Point == (index.Point{}) || p.Label == "" {
				t.Errorf("FindTextPlace(%q): no point or label: %+v", tc.text, p)
			}
		})
	}
}

func FuzzFindTextPlace(f *testing.F) {
	for _, s := range []string{"menuiserie Lyon", "à", "de d' Lyon", "x près de", "  ", "a-b-c d'Azur"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := index.FindTextPlace(s)
		if !ok {
			return
		}
		if p.Rest == "" || p.Text == "" {
			t.Fatalf("FindTextPlace(%q) = %+v: a place needs words before it", s, p)
		}
		// The chip shows Text and searches Rest: together they are the
		// words typed, none lost, none added.
		if got, want := strings.Fields(p.Rest+" "+p.Text), strings.Fields(s); !slices.Equal(got, want) {
			t.Fatalf("FindTextPlace(%q): rest %q and place %q are not the words typed", s, p.Rest, p.Text)
		}
		known := false
		switch p.Kind {
		case index.PlaceCommune:
			_, known = data.LookupCommune(p.Code)
		case index.PlaceDepartement:
			_, known = data.LookupDepartement(p.Code)
		case index.PlaceRegion:
			_, known = data.LookupRegion(p.Code)
		case index.PlaceFormerRegion:
			r, ok := data.FormerRegionByName(p.Label)
			known = ok && r.Code == p.Code && slices.Equal(r.Departements, p.Departements)
		}
		if !known || p.Label == "" || p.Point.Lat < -90 || p.Point.Lat > 90 || p.Point.Lon < -180 || p.Point.Lon > 180 ||
			(p.Point.Lat == 0 && p.Point.Lon == 0) {
			t.Fatalf("FindTextPlace(%q) = %+v: not a known place with its label and point", s, p)
		}
	})
}

// A former région searches its départements, as ticking them would.
func TestFormerRegionAppliesItsDepartements(t *testing.T) {
	p, ok := index.FindTextPlace("charpente Lorraine")
	if !ok || p.Kind != index.PlaceFormerRegion {
		t.Fatalf("FindTextPlace: %+v, %v", p, ok)
	}
	q := p.Apply(index.Query{Text: "charpente Lorraine", Departements: []string{"75"}}, 50)
	if want := []string{"75", "54", "55", "57", "88"}; !slices.Equal(q.Departements, want) || q.Text != "charpente" ||
		len(q.Regions) != 0 || q.RadiusKm != 0 || q.Near == nil {
		t.Errorf("Apply = text %q départements %v régions %v radius %v near %v; want %v and a centre",
			q.Text, q.Departements, q.Regions, q.RadiusKm, q.Near, want)
	}
	// The centre lies in Lorraine (48.2–49.6 N, 4.9–7.6 E).
	if c := *q.Near; c.Lat < 48.2 || c.Lat > 49.6 || c.Lon < 4.9 || c.Lon > 7.6 {
		t.Errorf("centre %+v outside Lorraine", c)
	}
}
