package index_test

import (
	"testing"

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
		{name: "a bare département number", text: "tapissier 35", ok: false},
		{name: "a place not at the end", text: "Lyon menuiserie", ok: false},
		{name: "a small commune of one word", text: "menuiserie Feyzin", ok: false},
		{name: "an unknown postcode", text: "menuiserie 99999", ok: false},
		{name: "no place", text: "ferronnerie d'art", ok: false},
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
	})
}
