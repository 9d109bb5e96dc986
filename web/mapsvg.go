package web

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// Maps are drawn on the server as SVG from the real shapes of the
// départements (IGN Admin Express, simplified), so that they work offline,
// without JavaScript and without a tile server. The projection is
// equirectangular with the longitudes shrunk by the cosine of the middle
// latitude: at the scale of metropolitan France it is indistinguishable
// from a conic projection, and trivial to invert in tests.

// franceMap is metropolitan France in SVG user units, projected and
// simplified once at start-up; it is never modified afterwards.
type franceMap struct {
	width, height  float64
	minLon, maxLat float64
	kx, scale      float64 // x = (lon-minLon)·kx·scale, y = (maxLat-lat)·scale
	shapes         []depShape
}

// depShape is the outline of one département as SVG path data.
type depShape struct {
	Code string
	Name string
	D    string
}

const (
	mapWidth  = 600.0 // user units; the page scales the SVG with CSS
	mapMargin = 6.0
	// mapTolerance is the Douglas-Peucker tolerance in user units: under a
	// pixel at the size maps are shown, it keeps a third of the points.
	mapTolerance = 0.8
)

// geoJSON is the part of a GeoJSON FeatureCollection the map reads.
type geoJSON struct {
	Features []struct {
		Properties struct {
			Code string `json:"code"`
			Nom  string `json:"nom"`
		} `json:"properties"`
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
	} `json:"features"`
}

type ring [][2]float64 // [lon, lat] pairs

// loadFranceMap projects and simplifies the départements of a GeoJSON
// FeatureCollection (properties "code" and "nom", Polygon or MultiPolygon
// geometries).
func loadFranceMap(raw []byte) (*franceMap, error) {
	var fc geoJSON
	if err := json.Unmarshal(raw, &fc); err != nil {
		return nil, fmt.Errorf("web: map shapes: %w", err)
	}
	type feature struct {
		code, name string
		polys      [][]ring
	}
	var feats []feature
	minLon, minLat, maxLon, maxLat := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, f := range fc.Features {
		var polys [][]ring
		switch f.Geometry.Type {
		case "Polygon":
			var p []ring
			if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
				return nil, fmt.Errorf("web: map shape %s: %w", f.Properties.Code, err)
			}
			polys = [][]ring{p}
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, fmt.Errorf("web: map shape %s: %w", f.Properties.Code, err)
			}
		default:
			return nil, fmt.Errorf("web: map shape %s: unexpected geometry %q", f.Properties.Code, f.Geometry.Type)
		}
		for _, p := range polys {
			for _, r := range p {
				for _, pt := range r {
					minLon, maxLon = math.Min(minLon, pt[0]), math.Max(maxLon, pt[0])
					minLat, maxLat = math.Min(minLat, pt[1]), math.Max(maxLat, pt[1])
				}
			}
		}
		feats = append(feats, feature{code: f.Properties.Code, name: f.Properties.Nom, polys: polys})
	}
	if len(feats) == 0 || !(maxLon > minLon && maxLat > minLat) || maxLat-minLat > 90 || maxLon-minLon > 180 {
		return nil, fmt.Errorf("web: map shapes: no département, or bounds out of range")
	}
	m := &franceMap{minLon: minLon, maxLat: maxLat, kx: math.Cos((minLat + maxLat) / 2 * math.Pi / 180)}
	m.scale = (mapWidth - 2*mapMargin) / ((maxLon - minLon) * m.kx)
	m.width = mapWidth
	m.height = math.Ceil((maxLat-minLat)*m.scale + 2*mapMargin)
	for _, f := range feats {
		m.shapes = append(m.shapes, depShape{Code: f.code, Name: f.name, D: m.pathData(f.polys)})
	}
	sort.Slice(m.shapes, func(i, j int) bool { return m.shapes[i].Code < m.shapes[j].Code })
	return m, nil
}

// project returns the position of a point on the map; ok is false outside
// metropolitan France (overseas départements are listed, not drawn).
func (m *franceMap) project(lat, lon float64) (x, y float64, ok bool) {
	x = mapMargin + (lon-m.minLon)*m.kx*m.scale
	y = mapMargin + (m.maxLat-lat)*m.scale
	ok = x >= 0 && x <= m.width && y >= 0 && y <= m.height
	return x, y, ok
}

func (m *franceMap) viewBox() string {
	return "0 0 " + strconv.FormatFloat(m.width, 'f', -1, 64) + " " + strconv.FormatFloat(m.height, 'f', -1, 64)
}

// pathData projects, simplifies and writes polygons as SVG path data:
// whole user units (under a pixel at the size maps are shown), relative
// moves after the first point, which makes the path data of all of France
// about 30 kB. Rings that shrink below a few pixels (islets) are dropped.
func (m *franceMap) pathData(polys [][]ring) string {
	var b []byte
	for _, p := range polys {
		for _, r := range p {
			pts := make([][2]float64, len(r))
			for i, pt := range r {
				x, y, _ := m.project(pt[1], pt[0])
				pts[i] = [2]float64{x, y}
			}
			pts = simplify(pts, mapTolerance)
			if len(pts) < 4 || ringArea(pts) < 2 {
				continue
			}
			var px, py int64
			n := 0
			for _, pt := range pts {
				x, y := int64(math.Round(pt[0])), int64(math.Round(pt[1]))
				switch {
				case n == 0:
					b = append(b, 'M')
					b = strconv.AppendInt(b, x, 10)
					b = append(b, ' ')
					b = strconv.AppendInt(b, y, 10)
				case x == px && y == py:
					continue // rounding merged it with the previous point
				default:
					if n == 1 {
						b = append(b, 'l')
					} else {
						b = append(b, ' ')
					}
					b = strconv.AppendInt(b, x-px, 10)
					b = append(b, ' ')
					b = strconv.AppendInt(b, y-py, 10)
				}
				px, py = x, y
				n++
			}
			b = append(b, 'z')
		}
	}
	return string(b)
}

// appendCoord writes a coordinate with one decimal, without a useless ".0".
func appendCoord(b []byte, v float64) []byte {
	v = math.Round(v*10) / 10
	if v == math.Trunc(v) {
		return strconv.AppendInt(b, int64(v), 10)
	}
	return strconv.AppendFloat(b, v, 'f', 1, 64)
}

// simplify is the Douglas-Peucker algorithm: it keeps the points farther
// than tol from the chord of the points kept around them.
func simplify(pts [][2]float64, tol float64) [][2]float64 {
	if len(pts) < 3 {
		return pts
	}
	keep := make([]bool, len(pts))
	keep[0], keep[len(pts)-1] = true, true
	type span struct{ lo, hi int }
	stack := []span{{0, len(pts) - 1}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		far, farD := -1, tol
		for i := s.lo + 1; i < s.hi; i++ {
			if d := segmentDistance(pts[i], pts[s.lo], pts[s.hi]); d > farD {
				far, farD = i, d
			}
		}
		if far >= 0 {
			keep[far] = true
			stack = append(stack, span{s.lo, far}, span{far, s.hi})
		}
	}
	out := make([][2]float64, 0, len(pts)/2)
	for i, k := range keep {
		if k {
			out = append(out, pts[i])
		}
	}
	return out
}

// segmentDistance is the distance from p to the segment [a, b].
func segmentDistance(p, a, b [2]float64) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	if l2 == 0 {
		return math.Hypot(p[0]-a[0], p[1]-a[1])
	}
	t := math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l2))
	return math.Hypot(p[0]-a[0]-t*dx, p[1]-a[1]-t*dy)
}

// ringArea is the area of a closed ring (shoelace formula), unsigned.
func ringArea(pts [][2]float64) float64 {
	a := 0.0
	for i := range pts {
		j := (i + 1) % len(pts)
		a += pts[i][0]*pts[j][1] - pts[j][0]*pts[i][1]
	}
	return math.Abs(a) / 2
}

// choroplethClasses is the number of shades of the choropleth, besides
// the one for "none".
const choroplethClasses = 5

// choroplethClass returns the shade (0 for none, 1 to 5) of a count on a
// square-root scale, so that one département with most results does not
// wash all the others out.
func choroplethClass(count, maxCount int) int {
	if count <= 0 || maxCount <= 0 {
		return 0
	}
	c := 1 + int(math.Floor(choroplethClasses*math.Sqrt(float64(count)/float64(maxCount))-1e-9))
	return min(max(c, 1), choroplethClasses)
}

// choroplethBounds returns the smallest count of each shade 1..5, for the
// legend.
func choroplethBounds(maxCount int) [choroplethClasses + 1]int {
	var lo [choroplethClasses + 1]int
	for c := choroplethClasses; c >= 1; c-- {
		lo[c] = maxCount + 1
	}
	for n := maxCount; n >= 1; n-- {
		lo[choroplethClass(n, maxCount)] = n
	}
	return lo
}
