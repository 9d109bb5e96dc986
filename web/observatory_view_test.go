package web

import (
	"strings"
	"testing"
	"time"

	"fabrique/data/observatory"
)

func TestFormatDecimal(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0,0"}, {10.44, "10,4"}, {10.45, "10,5"}, {1234.5, "1\u202f234,5"}, {-0.3, "-0,3"}, {-12.25, "-12,3"},
	}
	for _, tt := range tests {
		if got := formatDecimal(tt.in); got != tt.want {
			t.Errorf("formatDecimal(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := formatShare(0.125); got != "12,5\u00a0%" {
		t.Errorf("formatShare(0.125) = %q", got)
	}
}

func TestHeatClass(t *testing.T) {
	tests := []struct {
		name            string
		evaluated, none int
		want            string
	}{
		{"no tender", 0, 0, "gx"}, {"all covered", 4, 0, "g0"}, {"a quarter", 4, 1, "g1"}, {"half", 4, 2, "g2"},
		{"three quarters", 4, 3, "g3"}, {"none covered", 4, 4, "g4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := heatClass(observatory.GapCell{Evaluated: tt.evaluated, None: tt.none}); got != tt.want {
				t.Errorf("heatClass = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestLineChart(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	count := func(v float64) string { return formatNumber(int(v)) }
	c := lineChart("x", "Titre", "u", []chartSample{{day("2026-01-01"), 0}, {day("2026-01-03"), 5}}, true, count)
	if c.Line != "46,126 310,68" {
		t.Errorf("line = %q, want from the bottom left to half height of a 0..10 axis at the right", c.Line)
	}
	var ticks []string
	for _, l := range c.YLabels {
		ticks = append(ticks, l.Text)
	}
	if strings.Join(ticks, " ") != "0 5 10" {
		t.Errorf("ticks = %v, want 0 5 10 (5 rounds up to 10 so that the middle tick is whole)", ticks)
	}
	if len(c.Rows) != 2 || c.Rows[0].Day != "3 janvier 2026" || c.Points[1].Title != "3 janvier 2026 : 5" {
		t.Errorf("rows %+v, points %+v: want the latest day first in the table, values in the titles", c.Rows, c.Points)
	}
	one := lineChart("x", "Titre", "u", []chartSample{{day("2026-01-01"), 1}}, true, count)
	if one.Line != "178,68" || len(one.XLabels) != 1 {
		t.Errorf("a single day: line %q, %d x labels; want one centred point", one.Line, len(one.XLabels))
	}
	if empty := lineChart("x", "Titre", "u", nil, true, count); empty.Points != nil {
		t.Error("an empty series has points")
	}
}

func TestDensityMapClasses(t *testing.T) {
	s := newTestServer(t, Config{})
	deps := []observatory.AreaCoverage{
		{Code: "23", Name: "Creuse", Holding: 10, PerCapita: 8.7},
		{Code: "75", Name: "Paris", Holding: 100, PerCapita: 4.6},
		{Code: "01", Name: "Ain", PerCapita: 0},
		{Code: "973", Name: "Guyane", Holding: 2, PerCapita: 0.7, Overseas: true},
	}
	m := s.maps.densityMap(deps)
	got := map[string]string{}
	for _, sh := range m.Shapes {
		got[sh.Code] = sh.Class + " " + sh.Title
	}
	for _, tile := range m.Overseas {
		got[tile.Code] = tile.Class + " " + tile.Title
	}
	want := map[string]string{
		"23":  "c5 Creuse (23) : 10 entreprises labellisées, 8,7 pour 100 000 habitants",
		"01":  "c0 Ain (01) : 0 entreprise labellisée, 0,0 pour 100 000 habitants",
		"973": "c2 Guyane (973) : 2 entreprises labellisées, 0,7 pour 100 000 habitants",
	}
	for code, w := range want {
		if got[code] != w {
			t.Errorf("%s = %q, want %q", code, got[code], w)
		}
	}
	if !strings.HasPrefix(got["75"], "c4 ") || len(m.Shapes) != 3 {
		t.Errorf("Paris = %q (want c4: √(46/87) of the top), %d shapes (want the 3 metropolitan ones given)", got["75"], len(m.Shapes))
	}
	if len(m.Legend) == 0 || m.Legend[len(m.Legend)-1].Text != "5,6 à 8,7" {
		t.Errorf("legend = %+v, want the top class to end at 8,7", m.Legend)
	}
}

func TestRefreshInterval(t *testing.T) {
	tests := []struct {
		took, want time.Duration
	}{
		{0, time.Minute}, {2 * time.Second, time.Minute}, {30 * time.Second, 5 * time.Minute},
	}
	for _, tt := range tests {
		if got := refreshInterval(tt.took); got != tt.want {
			t.Errorf("refreshInterval(build of %v) = %v, want %v", tt.took, got, tt.want)
		}
	}
}

// TestSourceRowsNames: every source of the health table has a French
// name, never its key (« boamp attributions », « decp-aife » were shown).
func TestSourceRowsNames(t *testing.T) {
	tests := []struct {
		source, kind, want string
	}{
		{"epv", "directory", "Liste officielle des Entreprises du Patrimoine Vivant (data.economie.gouv.fr)"},
		{"ofg", "directory", "Annuaire Origine France Garantie"},
		{"boamp", "tenders", "BOAMP"},
		{"ted", "tenders", "TED (Journal officiel de l'Union européenne)"},
		{"boamp", "awards", "BOAMP (avis d'attribution)"},
		{"ted", "awards", "TED (avis d'attribution européens)"},
		{"decp", "awards", "DECP (données essentielles de la commande publique)"},
		{"decp-aife", "awards", "DECP de l'État (AIFE, plateforme PLACE)"},
		{"decp-pes", "awards", "DECP des collectivités (PES Marché, DGFiP)"},
		{"decp-megalis-bretagne", "awards", "DECP publiées par « megalis-bretagne »"},
		{"annuaire-x", "directory", "source « annuaire-x »"},
	}
	for _, tt := range tests {
		rows := sourceRows([]observatory.SourceHealth{{Source: tt.source, Kind: tt.kind}})
		if len(rows) != 1 || rows[0].Name != tt.want {
			t.Errorf("source %s (%s) shown as %q, want %q", tt.source, tt.kind, rows[0].Name, tt.want)
		}
		if rows[0].Kind == tt.kind {
			t.Errorf("source %s: kind shown as its key %q", tt.source, tt.kind)
		}
	}
}
