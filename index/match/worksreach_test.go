package match

import (
	"bytes"
	"encoding/csv"
	"math"
	"strings"
	"testing"

	"fabrique/data"
)

// sameDepartementKm is the distance counted for a winner of the buyer's
// own département: the mean distance between two points of a disk of the
// area of a metropolitan département (543 940 km² / 96), 128 R / 45π.
var sameDepartementKm = 128 / (45 * math.Pi) * math.Sqrt(543940.0/96/math.Pi)

// reachRow is a placed award of the reach fixture: CPV code and distance.
type reachRow struct {
	cpv  string
	dist float64
}

// reachRowsOutsideEvaluation reads the reach fixture without the rows won
// by companies of the EPV list (the matcher's evaluation set).
func reachRowsOutsideEvaluation(t *testing.T) (rows []reachRow, skipped int) {
	t.Helper()
	epv := map[string]bool{}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data.EmbeddedEPVCSV(), []byte("\ufeff"))))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		siret := strings.Map(func(c rune) rune {
			if c >= '0' && c <= '9' {
				return c
			}
			return -1
		}, rec[1])
		if siret != "" {
			epv[(strings.Repeat("0", max(0, 14-len(siret))) + siret)[:9]] = true
		}
	}
	metro := func(code string) (data.Departement, bool) {
		d, ok := data.LookupDepartement(code)
		return d, ok && d.Zone == "metro" && (d.Lat != 0 || d.Lon != 0)
	}
	for _, rec := range reachFixture(t) { // codeCPV, titulaire_siren, acheteur_departement_code, titulaire_departement_code
		if epv[rec[1]] {
			skipped++
			continue
		}
		b, okB := metro(rec[2])
		w, okW := metro(rec[3])
		if !okB || !okW {
			continue
		}
		d := sameDepartementKm
		if b.Code != w.Code {
			d = data.DistanceKm(b.Lat, b.Lon, w.Lat, w.Lon)
		}
		rows = append(rows, reachRow{rec[0], d})
	}
	return rows, skipped
}

// reachTableOf learns the table from rows, as the embedded one was.
func reachTableOf(rows []reachRow) data.ReachTable {
	sums := map[string]*data.ReachRow{}
	for _, r := range rows {
		for l := 4; l <= min(8, len(r.cpv)); l++ {
			p := r.cpv[:l]
			if sums[p] == nil {
				sums[p] = &data.ReachRow{Prefix: p}
			}
			sums[p].Contracts++
			sums[p].MeanKm += r.dist
		}
	}
	t := data.ReachTable{}
	for p, s := range sums {
		s.MeanKm /= float64(s.Contracts)
		t[p] = *s
	}
	return t
}

// TestWorksReachLearnedOutsideTheEvaluation recomputes the embedded table
// from the real awards without the evaluation's rows, and checks on
// held-out halves that the codes' scales describe the distances better
// than one scale for all works on buildings.
func TestWorksReachLearnedOutsideTheEvaluation(t *testing.T) {
	rows, skipped := reachRowsOutsideEvaluation(t)
	if skipped != 56 {
		t.Fatalf("%d rows won by EPV companies left out, want the 56 of the evaluation fixture", skipped)
	}
	learned, embedded := reachTableOf(rows), data.WorksReachTable()
	if len(learned) != len(embedded) {
		t.Errorf("%d prefixes learned, %d embedded", len(learned), len(embedded))
	}
	for p, want := range learned {
		got, ok := embedded[p]
		if !ok || got.Contracts != want.Contracts || math.Abs(got.MeanKm-want.MeanKm) > 0.051 {
			t.Errorf("prefix %s: embedded %+v, learned %+v", p, got, want)
		}
	}
	if whole := embedded["4521"]; whole.Contracts < 8500 {
		t.Errorf("the whole family holds %d contracts, want about 8 537", whole.Contracts)
	}

	// Held out: learn on one half of the rows, measure the mean
	// log-likelihood of an exponential law of the distance on the other.
	loglik := func(test []reachRow, scale func(string) float64) float64 {
		sum := 0.0
		for _, r := range test {
			s := scale(r.cpv)
			sum += -math.Log(s) - r.dist/s
		}
		return sum / float64(len(test))
	}
	var halves [2][]reachRow
	for i, r := range rows {
		halves[i%2] = append(halves[i%2], r)
	}
	for i, train := range halves {
		test, tab := halves[1-i], reachTableOf(train)
		whole := tab["4521"].MeanKm
		byCode, single := loglik(test, tab.ScaleKm), loglik(test, func(string) float64 { return whole })
		t.Logf("half %d held out: %.4f by code, %.4f one scale", 1-i, byCode, single)
		if byCode <= single {
			t.Errorf("half %d held out: the codes' scales (%.4f) do not beat one scale (%.4f)", 1-i, byCode, single)
		}
	}
}

func TestWorksReach(t *testing.T) {
	tests := []struct {
		name   string
		cpv    string
		lo, hi float64
		ok     bool
	}{
		{"historic monuments travel further", "45212314", 1.2, 1.6, true},
		{"with its check digit", "45212314-1", 1.2, 1.6, true},
		{"building works in general stay nearer", "45210000", 0.8, 0.95, true},
		{"outside works on buildings: unmeasured", "45330000", 1, 1, false},
		{"not a code", "", 1, 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := data.WorksReach(tc.cpv)
			if ok != tc.ok || got < tc.lo || got > tc.hi {
				t.Errorf("WorksReach(%q) = %.3f, %v; want [%.2f, %.2f], %v", tc.cpv, got, ok, tc.lo, tc.hi, tc.ok)
			}
		})
	}
}

// TestGeographyByKindOfWork checks that the kind of work sets the decay
// of every candidate, and that a rare trade's stretch replaces it when
// larger instead of multiplying it.
func TestGeographyByKindOfWork(t *testing.T) {
	need := func(cpv string) *Need {
		n := &Need{cpvs: []string{cpv}, Place: data.Place{Lat: 45, Lon: 5}, TradePool: 1000}
		n.finish(data.NatureWorks)
		return n
	}
	monuments, general := need("45212314"), need("45210000")
	c := &Candidate{lat: 45, lon: 6.5, HasPoint: true} // ~118 km away, trade unknown
	far, near := geography(monuments, c, false), geography(general, c, false)
	if far.value <= near.value {
		t.Errorf("at %.0f km: %.3f for historic monuments, %.3f for building works; want the monuments' decay slower", far.dist, far.value, near.value)
	}
	if want := math.Exp(-far.dist / (decayWorksKm * monuments.reach)); math.Abs(far.value-want) > 1e-9 {
		t.Errorf("monuments: %.4f, want %.4f", far.value, want)
	}
	c.TradeCount = 5 // 0.5 % of the sector: the full stretch of a rare trade
	for _, n := range []*Need{monuments, general} {
		want := math.Exp(-far.dist / (decayWorksKm * max(n.reach, maxReachStretch)))
		if g := geography(n, c, true); math.Abs(g.value-want) > 1e-9 {
			t.Errorf("rare winning trade, work reach %.2f: %.4f, want %.4f (the larger stretch, not the product)", n.reach, g.value, want)
		}
	}
	// Supplies and services are not measured: no factor.
	n := &Need{cpvs: []string{"45212314"}, Place: data.Place{Lat: 45, Lon: 5}}
	n.finish(data.NatureServices)
	if n.reach != 1 {
		t.Errorf("services: reach %.2f, want 1", n.reach)
	}
}
