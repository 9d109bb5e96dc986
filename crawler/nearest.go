package crawler

import (
	"math"
	"sync"

	"fabrique/data"
)

// sharedGrid is built once, on first use, from the embedded reference data
// and never modified: read-only like the data package's own tables.
var sharedGrid = sync.OnceValue(newCommuneGrid)

// communeGrid finds the commune nearest a point in microseconds, where
// data.NearestCommune scans all 35 000 communes (about 9 ms a call, which
// made a full EPV import take 12 s). Same candidates: current communes
// with coordinates.
type communeGrid struct {
	cells map[[2]int][]data.Commune
	// arrs are the municipal arrondissements by département, to tell the
	// postcode of a point in Paris, Lyon or Marseille.
	arrs map[string][]data.Commune
}

const gridDeg = 0.1 // cell size in degrees

func cellOf(lat, lon float64) [2]int {
	return [2]int{int(math.Floor(lat / gridDeg)), int(math.Floor(lon / gridDeg))}
}

func newCommuneGrid() *communeGrid {
	g := &communeGrid{cells: map[[2]int][]data.Commune{}, arrs: map[string][]data.Commune{}}
	for _, c := range data.Communes() {
		if c.HasGeo && c.Type == "arrondissement-municipal" {
			g.arrs[c.Departement] = append(g.arrs[c.Departement], c)
		}
		if c.HasGeo && c.Type == "commune-actuelle" {
			k := cellOf(c.Lat, c.Lon)
			g.cells[k] = append(g.cells[k], c)
		}
	}
	return g
}

// nearest returns the closest commune within maxKm, and its distance; ok
// is false when there is none. It looks 10 km around first, which is
// enough for nearly every point, then the whole radius.
func (g *communeGrid) nearest(lat, lon, maxKm float64) (data.Commune, float64, bool) {
	for _, r := range []float64{math.Min(10, maxKm), maxKm} {
		if c, ok := g.within(lat, lon, r); ok {
			d := data.DistanceKm(lat, lon, c.Lat, c.Lon)
			if d <= r {
				return c, d, true
			}
		}
	}
	return data.Commune{}, 0, false
}

// within ranks the communes of the cells covering r km around the point
// by a flat-earth distance, exact enough at these ranges.
func (g *communeGrid) within(lat, lon, r float64) (data.Commune, bool) {
	cosLat := math.Max(math.Cos(lat*math.Pi/180), 0.05)
	dLat := r/111.0 + gridDeg
	dLon := r/(111.0*cosLat) + gridDeg
	lo, hi := cellOf(lat-dLat, lon-dLon), cellOf(lat+dLat, lon+dLon)
	best, bestD, found := data.Commune{}, math.Inf(1), false
	for i := lo[0]; i <= hi[0]; i++ {
		for j := lo[1]; j <= hi[1]; j++ {
			for _, c := range g.cells[[2]int{i, j}] {
				dy, dx := c.Lat-lat, (c.Lon-lon)*cosLat
				d := dx*dx + dy*dy
				if d < bestD || (d == bestD && c.INSEE < best.INSEE) {
					best, bestD, found = c, d, true
				}
			}
		}
	}
	return best, found
}
