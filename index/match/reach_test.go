package match

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"testing"

	"fabrique/data"
)

// TestReachMeasuredOnRealAwards checks the reach constants against the
// real awards they were set from: how far the winners of works on
// buildings travel, by the rarity of the trade (the share of the file's
// winners that won the CPV code).
func TestReachMeasuredOnRealAwards(t *testing.T) {
	rows := reachFixture(t)
	if len(rows) != 8912 {
		t.Fatalf("%d rows, want the 8 912 of the source file", len(rows))
	}
	metro := func(code string) (data.Departement, bool) {
		d, ok := data.LookupDepartement(code)
		return d, ok && d.Zone == "metro" && (d.Lat != 0 || d.Lon != 0)
	}
	dists := map[string][]float64{}           // CPV code → buyer–winner distances
	winnersOf := map[string]map[string]bool{} // CPV code → winners
	all := map[string]bool{}
	placed := 0
	for _, r := range rows {
		b, okB := metro(r[2])
		w, okW := metro(r[3])
		if !okB || !okW {
			continue
		}
		placed++
		dists[r[0]] = append(dists[r[0]], data.DistanceKm(b.Lat, b.Lon, w.Lat, w.Lon))
		if winnersOf[r[0]] == nil {
			winnersOf[r[0]] = map[string]bool{}
		}
		winnersOf[r[0]][r[1]] = true
		all[r[1]] = true
	}
	if placed < 8500 {
		t.Fatalf("%d placed awards, want about 8 594", placed)
	}
	// Mean distance of the contracts by band of the trade's share.
	bands := []struct {
		name   string
		lo, hi float64
	}{
		{"rare (< 1 %)", 0, rareTradeShare},
		{"1–3 %", rareTradeShare, rareTradePoolShare},
		{"3–10 %", rareTradePoolShare, commonTradeShare},
		{"common (≥ 10 %)", commonTradeShare, 1.01},
	}
	means := make([]float64, len(bands))
	for i, b := range bands {
		sum, n := 0.0, 0
		for code, ds := range dists {
			share := float64(len(winnersOf[code])) / float64(len(all))
			if share < b.lo || share >= b.hi {
				continue
			}
			for _, d := range ds {
				sum += d
				n++
			}
		}
		if n < 500 {
			t.Fatalf("band %s: %d contracts, too few to measure", b.name, n)
		}
		means[i] = sum / float64(n)
		t.Logf("band %-16s %5d contracts, mean %.1f km", b.name, n, means[i])
	}
	for i := 1; i < len(means); i++ {
		if means[i] >= means[i-1] {
			t.Errorf("band %s travels %.1f km, not less than the rarer band %s (%.1f km)", bands[i].name, means[i], bands[i-1].name, means[i-1])
		}
	}
	common := means[len(means)-1]
	tests := []struct {
		name     string
		share    float64
		measured float64
		tol      float64
	}{
		{"rare trade: the full stretch", rareTradeShare / 2, means[0] / common, 0.05},
		{"1–3 % band, at its geometric middle", math.Sqrt(rareTradeShare * rareTradePoolShare), means[1] / common, 0.1},
		{"3–10 % band, at its geometric middle", math.Sqrt(rareTradePoolShare * commonTradeShare), means[2] / common, 0.2},
		{"common trade: no stretch", 0.2, 1, 1e-9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ReachStretch(tc.share); math.Abs(got-tc.measured) > tc.tol {
				t.Errorf("ReachStretch(%.3f) = %.3f, measured %.3f (± %.2f)", tc.share, got, tc.measured, tc.tol)
			}
		})
	}
}

// reachFixture reads the rows of the reach fixture, without its header:
// codeCPV, titulaire_siren, acheteur_departement_code,
// titulaire_departement_code.
func reachFixture(t *testing.T) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "decp_2024H2_travaux_cpv4521_reach.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

func TestReachStretch(t *testing.T) {
	tests := []struct {
		name  string
		share float64
		want  float64
	}{
		{"unknown", 0, 1},
		{"common", 0.3, 1},
		{"at the common bound", commonTradeShare, 1},
		{"at the rare bound", rareTradeShare, maxReachStretch},
		{"rarer still: capped", 0.0005, maxReachStretch},
		{"half way in logs", math.Sqrt(commonTradeShare * rareTradeShare), 1 + (maxReachStretch-1)/2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ReachStretch(tc.share); math.Abs(got-tc.want) > 1e-9 {
				t.Errorf("ReachStretch(%g) = %g, want %g", tc.share, got, tc.want)
			}
		})
	}
	if RareTrade(0) || !RareTrade(0.02) || RareTrade(0.05) {
		t.Error("RareTrade: want true for 2 %, false for 0 and 5 %")
	}
}

// TestGeographyStretchesWinningRareTrades checks that the reach of a rare
// trade is stretched only when it is known to win such works.
func TestGeographyStretchesWinningRareTrades(t *testing.T) {
	n := &Need{Place: data.Place{Lat: 45, Lon: 5}, HasPoint: true, nature: data.NatureWorks, TradePool: 1000}
	c := &Candidate{lat: 45, lon: 6.5, HasPoint: true, TradeCount: 5} // 0.5 % of the sector, ~118 km away
	plain, stretched := geography(n, c, false), geography(n, c, true)
	want := math.Exp(-plain.dist / (decayWorksKm * maxReachStretch))
	if math.Abs(stretched.value-want) > 1e-9 || plain.value >= stretched.value {
		t.Errorf("geography = %g unstretched, %g stretched; want %g stretched", plain.value, stretched.value, want)
	}
	c.TradeCount = 300 // 30 %: a common trade
	if g := geography(n, c, true); math.Abs(g.value-plain.value) > 1e-9 {
		t.Errorf("common trade stretched: %g, want %g", g.value, plain.value)
	}
}

// TestDecayScaleFor: the company's list of tenders decays the distance of
// works by the kind of work as the buyer's shortlist does; other natures,
// and works outside the measured family, keep their nature's scale.
func TestDecayScaleFor(t *testing.T) {
	far, _ := data.WorksReach("45215400") // works on buildings of the social sector's kind: travel further
	near, _ := data.WorksReach("45216120")
	if far <= 1 || near >= 1 {
		t.Fatalf("fixture: factors %.2f and %.2f, want one above 1 and one below", far, near)
	}
	tests := []struct {
		name   string
		nature data.Nature
		cpv    string
		want   float64
	}{
		{"works travelling further", data.NatureWorks, "45215400-3", decayWorksKm * far},
		{"works staying near", data.NatureWorks, "45216120", decayWorksKm * near},
		{"works without nature, by their code", "", "45215400", decayWorksKm * far},
		{"works outside the measured family", data.NatureWorks, "45330000", decayWorksKm},
		{"supplies", data.NatureSupplies, "45215400", decaySuppliesKm},
		{"services", data.NatureServices, "", decayServicesKm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DecayScaleFor(tt.nature, tt.cpv); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("DecayScaleFor(%q, %q) = %.2f, want %.2f", tt.nature, tt.cpv, got, tt.want)
			}
		})
	}
}
