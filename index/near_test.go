package index_test

import (
	"errors"
	"math"
	"testing"

	"fabrique/data"
	"fabrique/index"
)

func TestResolveNear(t *testing.T) {
	tests := []struct {
		in       string
		lat, lon float64 // expected point, within 1 km
		desc     string
	}{
		{"Lyon", 45.7588, 4.8353, "Lyon (69)"},
		{"lyon", 45.7588, 4.8353, "Lyon (69)"},
		{"  saint etienne ", 45.4301, 4.3791, "Saint-Étienne (42)"},
		{"St-Étienne", 45.4301, 4.3791, "Saint-Étienne (42)"},
		{"Saint-Denis", -20.933, 55.4469, "Saint-Denis (974)"},    // ambiguous: the most populous
		{"Saint-Denis (93)", 48.9296, 2.3592, "Saint-Denis (93)"}, // a département says which
		{"Saint-Denis 11", 43.3563, 2.2178, "Saint-Denis (11)"},
		{"69001", 45.7676, 4.8344, "Lyon 1er Arrondissement (69001)"},
		{"75001", 48.8626, 2.3363, "Paris 1er Arrondissement (75001)"},
		{"42000", 45.4301, 4.3791, "Saint-Étienne (42000)"},
		{"45.76,4.83", 45.76, 4.83, "coordonnées 45.7600, 4.8300"},
		{"45.76, 4.83", 45.76, 4.83, "coordonnées 45.7600, 4.8300"},
		{"45,76 ; 4,83", 45.76, 4.83, "coordonnées 45.7600, 4.8300"},
		{"-20.93 55.45", -20.93, 55.45, "coordonnées -20.9300, 55.4500"},
	}
	for _, tc := range tests {
		p, desc, err := index.ResolveNear(tc.in)
		if err != nil {
			t.Errorf("ResolveNear(%q): %v", tc.in, err)
			continue
		}
		if d := data.DistanceKm(p.Lat, p.Lon, tc.lat, tc.lon); d > 1 {
			t.Errorf("ResolveNear(%q) = %.4f,%.4f, %.1f km from the expected %.4f,%.4f", tc.in, p.Lat, p.Lon, d, tc.lat, tc.lon)
		}
		if desc != tc.desc {
			t.Errorf("ResolveNear(%q) description = %q, want %q", tc.in, desc, tc.desc)
		}
	}
	for _, in := range []string{"", "   ", "Atlantide", "99999", "91.5,3", "45,200", "lat,lon", "Lyon (13)"} {
		_, _, err := index.ResolveNear(in)
		var ve *data.ValidationError
		if !errors.Is(err, data.ErrInvalid) || !errors.As(err, &ve) || ve.Message == "" {
			t.Errorf("ResolveNear(%q) error = %v, want a ValidationError with a French message", in, err)
		}
	}
}

func FuzzResolveNear(f *testing.F) {
	for _, s := range []string{"Lyon", "69001", "45.76,4.83", "45,76;4,83", "Saint-Denis (974)", "", "((", "-0,-0", "2A", "Ajaccio (2A)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, desc, err := index.ResolveNear(s)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("ResolveNear(%q): error %v does not wrap data.ErrInvalid", s, err)
			}
			return
		}
		if desc == "" || math.IsNaN(p.Lat) || math.IsNaN(p.Lon) || math.Abs(p.Lat) > 90 || math.Abs(p.Lon) > 180 {
			t.Fatalf("ResolveNear(%q) = %+v, %q: want a valid point and a description", s, p, desc)
		}
	})
}

// TestSuggestNear: a place ResolveNear does not know gets the communes
// spelt like it, the most likely first, kept to the département it names.
func TestSuggestNear(t *testing.T) {
	for _, tt := range []struct {
		in    string
		first string // "" when none is offered
		n     int    // how many at most, 0: any
	}{
		{"Villeurbane", "Villeurbanne (69)", 0},
		{"Lyonn", "Lyon (69)", 0},
		{"Lyonn (69)", "Lyon (69)", 1}, // Lyons-la-Forêt is in the Eure
		{"Renes 35", "Rennes (35)", 0},
		{"Monpelier", "Montpellier (34)", 0},
		{"Saint-Etiene", "Saint-Étienne (42)", 0},
		{"Xyzzyville", "", 0},
		{"Lyonn (13)", "", 0},
	} {
		if _, _, err := index.ResolveNear(tt.in); err == nil {
			t.Errorf("ResolveNear(%q) knows it: not a misspelling", tt.in)
		}
		got := index.SuggestNear(tt.in, 3)
		var labels []string
		for _, c := range got {
			labels = append(labels, c.Label)
		}
		switch {
		case tt.first == "" && len(got) != 0:
			t.Errorf("SuggestNear(%q) = %v, want nothing", tt.in, labels)
		case tt.first != "" && (len(got) == 0 || got[0].Label != tt.first):
			t.Errorf("SuggestNear(%q) = %v, want %s first", tt.in, labels, tt.first)
		case len(got) > 3 || tt.n > 0 && len(got) > tt.n:
			t.Errorf("SuggestNear(%q) = %v: too many", tt.in, labels)
		}
	}
}
