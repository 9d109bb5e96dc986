package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fabrique/data"
)

// openTest opens a fresh store in a temporary directory, closed at the end
// of the test. NoSync keeps the suite fast; the crash test uses real fsync.
func openTest(t testing.TB, opts Options) *Store {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = 200 * time.Millisecond
	}
	s, err := Open(filepath.Join(t.TempDir(), "data", "fabrique.db"), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// clock is a settable test clock that moves forward one second per call,
// so that every write gets a distinct UpdatedAt.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func mustCheck(t testing.TB, s *Store) {
	t.Helper()
	if err := s.Check(context.Background()); err != nil {
		t.Fatalf("Check: %v", err)
	}
}

// epvSuppliers returns suppliers built from the real EPV export embedded in
// the data package, placed at the commune nearest to their coordinates.
var epvSuppliers = sync.OnceValues(func() ([]data.Supplier, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data.EmbeddedEPVCSV(), []byte("\ufeff"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	grid := newCommuneGrid()
	var out []data.Supplier
	seen := map[string]bool{}
	for _, row := range rows[1:] {
		name, rawSIRET, naf, univers, geo := row[0], row[1], row[2], row[7], row[8]
		siret, _, err := data.RepairSIRET(rawSIRET)
		siren := ""
		if err == nil {
			siren = data.SIRENOf(siret)
		}
		var addr data.Address
		if lat, lon, ok := parseLatLon(geo); ok {
			c := grid.nearest(lat, lon)
			addr = data.Address{Commune: c.Name, CommuneINSEE: c.INSEE, Departement: c.Departement,
				Region: c.Region, Country: "FR", Lat: lat, Lon: lon, Precision: data.GeoExact}
			if len(c.Postcodes) > 0 {
				addr.Postcode = c.Postcodes[0]
			}
		}
		sup := data.Supplier{
			ID:      data.SupplierKey(siren, name, addr.Postcode),
			SIREN:   siren,
			Name:    name,
			Address: addr,
			NAF:     naf,
			Establishments: []data.Establishment{{SIRET: siret, HeadOffice: true, Address: addr,
				Valid: err == nil}},
			Activities: []string{univers},
			Labels: []data.Label{{Type: data.LabelEPV, Scope: data.ScopeCompany, Category: univers,
				Source: "epv"}},
		}
		if seen[sup.ID] || seen[siret] {
			continue // a company listed twice: keep the first
		}
		seen[sup.ID], seen[siret] = true, true
		out = append(out, sup)
	}
	return out, nil
})

func parseLatLon(s string) (lat, lon float64, ok bool) {
	a, b, found := strings.Cut(s, ",")
	if !found {
		return 0, 0, false
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	return lat, lon, err1 == nil && err2 == nil
}

func realSuppliers(t testing.TB, n int) []data.Supplier {
	t.Helper()
	all, err := epvSuppliers()
	if err != nil {
		t.Fatalf("EPV fixture: %v", err)
	}
	if n > len(all) {
		t.Fatalf("want %d suppliers, the EPV export has %d", n, len(all))
	}
	return append([]data.Supplier(nil), all[:n]...)
}

// sirenN returns the n-th valid SIREN of a synthetic range: 8 digits and
// the Luhn key.
func sirenN(n int) string {
	base := fmt.Sprintf("%08d", n%100000000)
	for d := 0; d <= 9; d++ {
		s := base + strconv.Itoa(d)
		if data.ValidSIREN(s) == nil {
			return s
		}
	}
	panic("unreachable: one Luhn key always exists")
}

// siretOf returns a valid SIRET of the company siren, establishment nic.
func siretOf(siren string, nic int) string {
	base := siren + fmt.Sprintf("%04d", nic%10000)
	for d := 0; d <= 9; d++ {
		s := base + strconv.Itoa(d)
		if data.ValidSIRET(s) == nil {
			return s
		}
	}
	panic("unreachable: one Luhn key always exists")
}

// synthetic returns a small supplier with a valid SIREN and one SIRET.
func synthetic(n int, dep string) data.Supplier {
	siren := sirenN(n)
	pc := dep + "000"
	return data.Supplier{
		ID: siren, SIREN: siren, Name: fmt.Sprintf("Atelier numéro %d", n),
		Address:        data.Address{Postcode: pc, Departement: dep},
		Establishments: []data.Establishment{{SIRET: siretOf(siren, 1), HeadOffice: true, Valid: true, Address: data.Address{Postcode: pc, Departement: dep}}},
		Labels:         []data.Label{{Type: data.LabelEPV, Scope: data.ScopeCompany, Source: "epv"}},
	}
}

// communeGrid finds the nearest commune much faster than a scan of all of
// them (data.NearestCommune), by looking in the 0.1° cells around a point.
type communeGrid map[[2]int][]data.Commune

func cellOf(lat, lon float64) [2]int {
	return [2]int{int(math.Floor(lat * 10)), int(math.Floor(lon * 10))}
}

func newCommuneGrid() communeGrid {
	g := communeGrid{}
	for _, c := range data.Communes() {
		if c.HasGeo && c.Type == "commune-actuelle" {
			k := cellOf(c.Lat, c.Lon)
			g[k] = append(g[k], c)
		}
	}
	return g
}

func (g communeGrid) nearest(lat, lon float64) data.Commune {
	best, bestD := data.Commune{}, math.Inf(1)
	k := cellOf(lat, lon)
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			for _, c := range g[[2]int{k[0] + dy, k[1] + dx}] {
				if d := data.DistanceKm(lat, lon, c.Lat, c.Lon); d < bestD {
					best, bestD = c, d
				}
			}
		}
	}
	if math.IsInf(bestD, 1) {
		best, _ = data.NearestCommune(lat, lon)
	}
	return best
}
