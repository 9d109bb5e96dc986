package web

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fabrique/data"
	"fabrique/index"
)

func testMap(t testing.TB) *franceMap {
	t.Helper()
	m, err := loadFranceMap(data.DepartementShapesGeoJSON())
	if err != nil {
		t.Fatalf("loadFranceMap: %v", err)
	}
	return m
}

func TestFranceMapHasEveryMetropolitanDepartement(t *testing.T) {
	m := testMap(t)
	if len(m.shapes) != 96 {
		t.Fatalf("%d shapes, want the 96 metropolitan départements", len(m.shapes))
	}
	pathRe := regexp.MustCompile(`^(M-?\d+ -?\d+(l-?\d+ -?\d+( -?\d+ -?\d+)*)?z)+$`)
	total := 0
	for _, s := range m.shapes {
		if _, ok := data.LookupDepartement(s.Code); !ok {
			t.Errorf("shape %q is not a known département", s.Code)
		}
		if !pathRe.MatchString(s.D) {
			t.Errorf("département %s: malformed path data %.80q", s.Code, s.D)
		}
		total += len(s.D)
	}
	// The whole map is inlined in pages: keep it light.
	if total > 45_000 {
		t.Errorf("path data of the map is %d bytes, want at most 45 000", total)
	}
	if !m.drawn("2A") || !m.drawn("75") || m.drawn("971") || m.drawn("") {
		t.Errorf("drawn: 2A %v, 75 %v, 971 %v; want true, true, false", m.drawn("2A"), m.drawn("75"), m.drawn("971"))
	}
}

func TestFranceMapProjection(t *testing.T) {
	m := testMap(t)
	at := func(lat, lon float64) (float64, float64) {
		x, y, ok := m.project(lat, lon)
		if !ok {
			t.Fatalf("project(%g, %g) is off the map", lat, lon)
		}
		return x, y
	}
	brestX, _ := at(48.39, -4.49)
	strasX, _ := at(48.57, 7.75)
	_, lilleY := at(50.63, 3.06)
	_, marseilleY := at(43.30, 5.37)
	ajaccioX, ajaccioY := at(41.93, 8.74)
	if !(brestX < strasX) {
		t.Errorf("Brest x %.0f should be west of Strasbourg x %.0f", brestX, strasX)
	}
	if !(lilleY < marseilleY && marseilleY < ajaccioY) {
		t.Errorf("north should be up: Lille y %.0f, Marseille y %.0f, Ajaccio y %.0f", lilleY, marseilleY, ajaccioY)
	}
	if ajaccioX > m.width || ajaccioY > m.height {
		t.Errorf("Ajaccio (%.0f, %.0f) outside the %gx%g map", ajaccioX, ajaccioY, m.width, m.height)
	}
	// Shapes are not distorted: France is about as tall as it is wide.
	if r := m.height / m.width; r < 0.85 || r > 1.1 {
		t.Errorf("height/width = %.2f, want about 0.95", r)
	}
	if _, _, ok := m.project(16.24, -61.53); ok { // Guadeloupe
		t.Errorf("an overseas point should be off the map")
	}
}

// Every real commune of a metropolitan département falls inside (or within
// a few units of) the bounding box of its département's shape: the
// projection of dots and shapes agree.
func TestFranceMapDotsFallInTheirDepartement(t *testing.T) {
	m := testMap(t)
	boxes := map[string][4]float64{}
	numRe := regexp.MustCompile(`[Ml]|-?\d+`)
	for _, s := range m.shapes {
		minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		var x, y float64
		absolute, idx := false, 0
		for _, tok := range numRe.FindAllString(s.D, -1) {
			switch tok {
			case "M":
				absolute, idx = true, 0
				continue
			case "l":
				absolute, idx = false, 0
				continue
			}
			v, _ := strconv.ParseFloat(tok, 64)
			if idx%2 == 0 {
				if absolute {
					x = v
				} else {
					x += v
				}
			} else {
				if absolute {
					y = v
				} else {
					y += v
				}
				minX, maxX, minY, maxY = math.Min(minX, x), math.Max(maxX, x), math.Min(minY, y), math.Max(maxY, y)
			}
			idx++
		}
		boxes[s.Code] = [4]float64{minX, minY, maxX, maxY}
	}
	checked := 0
	for _, c := range []struct{ insee, dep string }{{"29019", "29"}, {"67482", "67"}, {"69123", "69"}, {"2A004", "2A"},
		{"13055", "13"}, {"59350", "59"}, {"75056", "75"}, {"64445", "64"}, {"06088", "06"}} {
		com, ok := data.LookupCommune(c.insee)
		if !ok || !com.HasGeo {
			continue
		}
		x, y, ok := m.project(com.Lat, com.Lon)
		b := boxes[c.dep]
		const slack = 3
		if !ok || x < b[0]-slack || x > b[2]+slack || y < b[1]-slack || y > b[3]+slack {
			t.Errorf("%s (%s) at (%.0f, %.0f) is outside its département's box %v", com.Name, c.dep, x, y, b)
		}
		checked++
	}
	if checked < 8 {
		t.Fatalf("only %d communes checked", checked)
	}
}

func TestChoroplethClass(t *testing.T) {
	tests := []struct{ n, max, want int }{
		{0, 10, 0}, {1, 0, 0}, {1, 1, 5}, {10, 10, 5}, {1, 100, 1}, {25, 100, 3}, {100, 100, 5}, {64, 100, 4}, {4, 100, 1}, {5, 100, 2},
	}
	for _, tt := range tests {
		if got := choroplethClass(tt.n, tt.max); got != tt.want {
			t.Errorf("choroplethClass(%d, %d) = %d, want %d", tt.n, tt.max, got, tt.want)
		}
	}
	// The legend covers every count from 1 to max exactly once.
	lo := choroplethBounds(100)
	for n := 1; n <= 100; n++ {
		c := choroplethClass(n, 100)
		if n < lo[c] {
			t.Errorf("count %d in class %d below the class's lower bound %d", n, c, lo[c])
		}
	}
}

func TestSimplifyKeepsShapeDropsCollinearPoints(t *testing.T) {
	line := [][2]float64{{0, 0}, {1, 0.01}, {2, 0}, {3, 0.02}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}
	got := simplify(line, 0.5)
	want := [][2]float64{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}
	if len(got) != len(want) {
		t.Fatalf("simplify = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("simplify = %v, want %v", got, want)
		}
	}
}

func TestSearchMapView(t *testing.T) {
	m := testMap(t)
	deps := []index.FacetCount{{Value: "69", Label: "Rhône", Count: 40}, {Value: "971", Label: "Guadeloupe", Count: 2}, {Value: "42", Label: "Loire", Count: 10}}
	v := m.searchMap(deps, []mapPlace{{N: 1, Title: "1. Atelier — Lyon (69)", Lat: 45.76, Lon: 4.83}, {N: 2, Title: "2. Outre-mer", Lat: 16.2, Lon: -61.5}}, 52)
	if len(v.Shapes) != 96 {
		t.Errorf("%d shapes, want 96", len(v.Shapes))
	}
	classes := map[string]string{}
	for _, s := range v.Shapes {
		classes[s.Code] = s.Class
	}
	if classes["69"] != "c5" || classes["42"] == "c0" || classes["42"] == "c5" || classes["75"] != "c0" {
		t.Errorf("classes 69 %s, 42 %s, 75 %s; want c5, a middle shade, c0", classes["69"], classes["42"], classes["75"])
	}
	if len(v.Dots) != 1 || v.Dots[0].N != 1 {
		t.Errorf("dots = %+v, want only the metropolitan result", v.Dots)
	}
	if v.Outside != 2 {
		t.Errorf("Outside = %d, want the 2 results of Guadeloupe", v.Outside)
	}
	if len(v.Rows) != 3 || v.Rows[0].Code != "69" || v.Rows[2].Code != "971" || !v.Rows[2].Overseas {
		t.Errorf("rows = %+v, want 69, 42, 971 (overseas)", v.Rows)
	}
	if !strings.Contains(v.Label, "52") {
		t.Errorf("map label %q lacks the total", v.Label)
	}
	var legend []string
	for _, l := range v.Legend {
		legend = append(legend, l.Class+":"+l.Text)
	}
	if got := strings.Join(legend, " "); !strings.HasPrefix(got, "c1:1") || !strings.HasSuffix(got, "c5:26 à 40") {
		t.Errorf("legend = %q, want from c1:1… to c5:26 à 40", got)
	}
}

// FuzzLoadFranceMap feeds the GeoJSON reader damaged input: it must fail
// cleanly, never panic.
func FuzzLoadFranceMap(f *testing.F) {
	f.Add([]byte(`{"features":[{"properties":{"code":"01","nom":"Ain"},"geometry":{"type":"Polygon","coordinates":[[[4.7,46.1],[5.1,46.2],[5.0,46.5],[4.7,46.1]]]}}]}`))
	f.Add([]byte(`{"features":[{"geometry":{"type":"MultiPolygon","coordinates":[]}}]}`))
	f.Add([]byte(`{"features":[{"geometry":{"type":"Point","coordinates":[1,2]}}]}`))
	f.Add([]byte(`{"features":[]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := loadFranceMap(raw)
		if err == nil && (m == nil || len(m.shapes) == 0) {
			t.Fatalf("no error but no map")
		}
	})
}
