package data

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// Commune is a French commune (or municipal arrondissement) of the COG 2026.
type Commune struct {
	INSEE       string
	Name        string
	Type        string // commune-actuelle, arrondissement-municipal
	Postcodes   []string
	Departement string
	Region      string
	Population  int
	Lat, Lon    float64
	HasGeo      bool // 17 communes have no coordinates
}

// Departement is a French département (or overseas collectivity).
type Departement struct {
	Code     string // "01", "2A", "971"
	Name     string
	Region   string // région code
	Zone     string // metro, drom, com
	ChefLieu string // INSEE code of the chef-lieu
	Lat, Lon float64
	NUTS3    string // "" when there is none
}

// Region is a French région (or overseas collectivity).
type Region struct {
	Code     string
	Name     string
	ChefLieu string
	Zone     string
}

// HeadcountBand is an INSEE "tranche d'effectifs salariés".
type HeadcountBand struct {
	Code  string
	Label string
	Min   int // -1 when unknown
	Max   int // -1 when open-ended or unknown
}

type geoTables struct {
	communes    map[string]Commune
	byPostcode  map[string][]string // postcode → INSEE codes
	byName      map[string][]string // folded name → INSEE codes
	deps        map[string]Departement
	regions     map[string]Region
	regionNames map[string]string // folded name → code
	nutsToDep   map[string]string
	bands       map[string]HeadcountBand
	// grid holds the communes (not arrondissements) with coordinates by
	// cell of gridDeg degrees, for NearestCommune.
	grid map[[2]int][]Commune
	// arrondissements are the municipal arrondissements (Paris, Lyon,
	// Marseille) by département.
	arrondissements map[string][]Commune
}

var geo = lazy[*geoTables]{load: loadGeo}

func loadGeo() *geoTables {
	t := &geoTables{
		communes: map[string]Commune{}, byPostcode: map[string][]string{}, byName: map[string][]string{},
		deps: map[string]Departement{}, regions: map[string]Region{}, regionNames: map[string]string{},
		nutsToDep: map[string]string{}, bands: map[string]HeadcountBand{},
	}
	for _, r := range readCSV("refdata/communes_cog2026_gps.csv") {
		c := Commune{INSEE: r["code_insee"], Name: r["nom"], Type: r["type"], Departement: r["code_departement"],
			Region: r["code_region"]}
		if r["codes_postaux"] != "" {
			c.Postcodes = strings.Split(r["codes_postaux"], "|")
		}
		c.Population, _ = strconv.Atoi(r["population"])
		lat, ok1 := atof(r["latitude"])
		lon, ok2 := atof(r["longitude"])
		if ok1 && ok2 {
			c.Lat, c.Lon, c.HasGeo = lat, lon, true
		}
		t.communes[c.INSEE] = c
		for _, p := range c.Postcodes {
			t.byPostcode[p] = append(t.byPostcode[p], c.INSEE)
		}
		k := PlaceKey(c.Name)
		t.byName[k] = append(t.byName[k], c.INSEE)
	}
	t.grid, t.arrondissements = map[[2]int][]Commune{}, map[string][]Commune{}
	for _, c := range t.communes {
		switch {
		case !c.HasGeo:
		case c.Type == "commune-actuelle":
			k := gridCell(c.Lat, c.Lon)
			t.grid[k] = append(t.grid[k], c)
		case c.Type == "arrondissement-municipal":
			t.arrondissements[c.Departement] = append(t.arrondissements[c.Departement], c)
		}
	}
	for _, r := range readCSV("refdata/regions_cog2026.csv") {
		g := Region{Code: r["code_region"], Name: r["nom_region"], ChefLieu: r["chef_lieu_insee"], Zone: r["zone"]}
		t.regions[g.Code] = g
		t.regionNames[PlaceKey(g.Name)] = g.Code
	}
	for _, r := range readCSV("refdata/nuts2021_fr_lvl3_departements.csv") {
		if d := r["code_departement_derived"]; d != "" {
			t.nutsToDep[r["nuts3"]] = d
		}
	}
	depToNUTS := map[string]string{}
	for n, d := range t.nutsToDep {
		depToNUTS[d] = n
	}
	for _, r := range readCSV("refdata/departements_cog2026_centroides.csv") {
		d := Departement{Code: r["code_departement"], Name: r["nom_departement"], Region: r["code_region"],
			Zone: r["zone"], ChefLieu: r["chef_lieu_insee"], NUTS3: depToNUTS[r["code_departement"]]}
		d.Lat, _ = atof(r["centroid_lat"])
		d.Lon, _ = atof(r["centroid_lon"])
		t.deps[d.Code] = d
	}
	for _, r := range readCSV("refdata/insee_tranches_effectifs.csv") {
		b := HeadcountBand{Code: r["code"], Label: r["libelle"], Min: -1, Max: -1}
		if v, err := strconv.Atoi(r["effectif_min"]); err == nil {
			b.Min = v
		}
		if v, err := strconv.Atoi(r["effectif_max"]); err == nil {
			b.Max = v
		}
		t.bands[b.Code] = b
	}
	return t
}

// PlaceKey folds a place name for lookups: "Saint-Étienne", "ST ETIENNE" and
// "saint etienne" give the same key.
func PlaceKey(s string) string {
	w := Words(s)
	for i, x := range w {
		switch x {
		case "st":
			w[i] = "saint"
		case "ste":
			w[i] = "sainte"
		}
	}
	return strings.Join(w, " ")
}

// LookupCommune returns the commune with the given INSEE code.
func LookupCommune(insee string) (Commune, bool) {
	c, ok := geo.get().communes[insee]
	return c, ok
}

// CommunesByPostcode returns the communes served by a postcode, most
// populous first.
func CommunesByPostcode(postcode string) []Commune {
	t := geo.get()
	return t.sorted(t.byPostcode[strings.TrimSpace(postcode)])
}

// FindCommunes returns the communes whose name is name (case, accents,
// dashes and "St"/"Saint" ignored), most populous first.
func FindCommunes(name string) []Commune {
	t := geo.get()
	return t.sorted(t.byName[PlaceKey(name)])
}

// Communes returns every commune, sorted by INSEE code.
func Communes() []Commune {
	t := geo.get()
	out := make([]Commune, 0, len(t.communes))
	for _, c := range t.communes {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].INSEE < out[j].INSEE })
	return out
}

func (t *geoTables) sorted(codes []string) []Commune {
	out := make([]Commune, 0, len(codes))
	for _, c := range codes {
		out = append(out, t.communes[c])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Population > out[j].Population })
	return out
}

// LookupDepartement returns the département with the given code.
func LookupDepartement(code string) (Departement, bool) {
	d, ok := geo.get().deps[strings.ToUpper(strings.TrimSpace(code))]
	return d, ok
}

// Departements returns every département, sorted by code.
func Departements() []Departement {
	t := geo.get()
	out := make([]Departement, 0, len(t.deps))
	for _, d := range t.deps {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// LookupRegion returns the région with the given COG code.
func LookupRegion(code string) (Region, bool) {
	r, ok := geo.get().regions[code]
	return r, ok
}

// RegionByName finds a région by its name, ignoring case, accents and
// dashes ("BOURGOGNE-FRANCHE-COMTÉ", "Provence-Alpes-Côte d'Azur").
func RegionByName(name string) (Region, bool) {
	t := geo.get()
	code, ok := t.regionNames[PlaceKey(name)]
	if !ok {
		return Region{}, false
	}
	return t.regions[code], true
}

// Regions returns every région, sorted by code.
func Regions() []Region {
	t := geo.get()
	out := make([]Region, 0, len(t.regions))
	for _, r := range t.regions {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// DepartementOfPostcode returns the département of a postcode: that of its
// communes when the postcode is known, else the one its digits imply
// ("20xxx" is split between 2A and 2B and needs the commune).
func DepartementOfPostcode(postcode string) string {
	pc := strings.TrimSpace(postcode)
	if cs := CommunesByPostcode(pc); len(cs) > 0 {
		return cs[0].Departement
	}
	if len(pc) != 5 || !AllDigits(pc) {
		return ""
	}
	var code string
	switch {
	case strings.HasPrefix(pc, "97"), strings.HasPrefix(pc, "98"):
		code = pc[:3]
	case strings.HasPrefix(pc, "20"):
		// Corsica: 20000–20199 is Corse-du-Sud, 20200–20699 Haute-Corse
		// (every postcode of the reference data; CEDEX codes are in none).
		switch {
		case pc < "20200":
			return "2A"
		case pc < "20700":
			return "2B"
		}
		return ""
	default:
		code = pc[:2]
	}
	if _, ok := LookupDepartement(code); ok {
		return code
	}
	return ""
}

// DepartementOfNUTS3 returns the département of a French NUTS-3 code.
func DepartementOfNUTS3(nuts string) (string, bool) {
	d, ok := geo.get().nutsToDep[strings.ToUpper(strings.TrimSpace(nuts))]
	return d, ok
}

// RegionOfNUTS returns the région of a French NUTS code of any level when
// every département it covers lies in one région: "FRM" and "FRM0"
// (Corse), "FRF2" (Champagne-Ardenne, in Grand Est), "FR1" (Île-de-France),
// a NUTS-3 code; not "FR" (all of France) nor a foreign code. Notices and
// the DECP name a place by its région alone.
func RegionOfNUTS(nuts string) (string, bool) {
	nuts = strings.ToUpper(strings.TrimSpace(nuts))
	if len(nuts) < 3 || !strings.HasPrefix(nuts, "FR") {
		return "", false
	}
	region := ""
	for _, d := range geo.get().deps {
		if d.NUTS3 == "" || !strings.HasPrefix(d.NUTS3, nuts) {
			continue
		}
		if region != "" && d.Region != region {
			return "", false
		}
		region = d.Region
	}
	return region, region != ""
}

// NUTSOfRegion returns the shortest NUTS code that covers the
// départements of a région and no other ("FRM0" for Corse, "FRK" for
// Auvergne-Rhône-Alpes), for a place known by its région alone; false for
// an unknown code and for the overseas collectivities, which have none.
func NUTSOfRegion(code string) (string, bool) {
	prefix := ""
	for _, d := range geo.get().deps {
		if d.Region != code || d.NUTS3 == "" {
			continue
		}
		if prefix == "" {
			prefix = d.NUTS3
			continue
		}
		n := 0
		for n < len(prefix) && n < len(d.NUTS3) && prefix[n] == d.NUTS3[n] {
			n++
		}
		prefix = prefix[:n]
	}
	if r, ok := RegionOfNUTS(prefix); !ok || r != code {
		return "", false
	}
	return prefix, true
}

// NUTS3OfDepartement returns the NUTS-3 code of a département.
func NUTS3OfDepartement(dep string) (string, bool) {
	d, ok := LookupDepartement(dep)
	return d.NUTS3, ok && d.NUTS3 != ""
}

// LookupHeadcountBand returns the INSEE headcount band with that code.
func LookupHeadcountBand(code string) (HeadcountBand, bool) {
	b, ok := geo.get().bands[code]
	return b, ok
}

// HeadcountBands returns the 16 INSEE headcount bands in code order.
func HeadcountBands() []HeadcountBand {
	t := geo.get()
	out := make([]HeadcountBand, 0, len(t.bands))
	for _, b := range t.bands {
		out = append(out, b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// ResolveAddress completes an address from the reference data: commune
// from the INSEE code, or from the postcode and name; then département,
// région, NUTS-3, and coordinates (the commune's centre, or the
// département's, when the source gave none). Precision says which.
func ResolveAddress(a Address) Address {
	var c Commune
	var found bool
	if a.CommuneINSEE != "" {
		c, found = LookupCommune(a.CommuneINSEE)
	}
	if !found && a.Postcode != "" {
		cands := CommunesByPostcode(a.Postcode)
		if a.Commune != "" {
			k := PlaceKey(a.Commune)
			for _, x := range cands {
				if PlaceKey(x.Name) == k {
					c, found = x, true
					break
				}
			}
		}
		if !found && len(cands) == 1 {
			c, found = cands[0], true
		}
		if !found && len(cands) > 1 {
			// A postcode shared by several communes without a name to tell
			// them apart: take the most populous (cands is sorted so), which
			// is where most of its companies are.
			c, found = cands[0], true
		}
	}
	if !found && a.Commune != "" && a.Postcode == "" {
		cands := FindCommunes(a.Commune)
		if a.Departement != "" {
			for _, x := range cands {
				if x.Departement == a.Departement {
					c, found = x, true
					break
				}
			}
		} else if len(cands) == 1 {
			c, found = cands[0], true
		}
	}
	if found {
		a.CommuneINSEE, a.Commune, a.Departement, a.Region = c.INSEE, c.Name, c.Departement, c.Region
	}
	if a.Departement == "" && a.Postcode != "" {
		a.Departement = DepartementOfPostcode(a.Postcode)
	}
	if a.Departement != "" {
		if d, ok := LookupDepartement(a.Departement); ok {
			a.Departement, a.Region = d.Code, d.Region
			a.NUTS3 = d.NUTS3
		}
	}
	if a.Country == "" {
		a.Country = "FR"
	}
	switch {
	case a.Precision == GeoExact:
	case found && c.HasGeo:
		a.Lat, a.Lon, a.Precision = c.Lat, c.Lon, GeoCommune
	case a.Departement != "":
		if d, ok := LookupDepartement(a.Departement); ok && (d.Lat != 0 || d.Lon != 0) {
			a.Lat, a.Lon, a.Precision = d.Lat, d.Lon, GeoDepartement
		}
	}
	return a
}

// NearestCommune returns the commune with coordinates closest to a point,
// used to place a company that the source located only by coordinates.
// Only communes within nearestMaxKm are candidates (+Inf and no commune
// beyond); ties go to the lowest INSEE code, so the answer is stable. It
// looks in the grid cells 10 km around first, which is enough for nearly
// every point in France: a few microseconds a call.
func NearestCommune(lat, lon float64) (Commune, float64) {
	grid := geo.get().grid
	for _, r := range []float64{10, nearestMaxKm} {
		cosLat := math.Max(math.Cos(lat*math.Pi/180), 0.05)
		dLat, dLon := r/111.0+gridDeg, r/(111.0*cosLat)+gridDeg
		lo, hi := gridCell(lat-dLat, lon-dLon), gridCell(lat+dLat, lon+dLon)
		best, bestD := Commune{}, math.Inf(1)
		for i := lo[0]; i <= hi[0]; i++ {
			for j := lo[1]; j <= hi[1]; j++ {
				for _, c := range grid[[2]int{i, j}] {
					d := DistanceKm(lat, lon, c.Lat, c.Lon)
					if d < bestD || (d == bestD && c.INSEE < best.INSEE) {
						best, bestD = c, d
					}
				}
			}
		}
		if bestD <= r { // a nearer commune may lie outside the cells of a smaller r
			return best, bestD
		}
	}
	return Commune{}, math.Inf(1)
}

// nearestMaxKm bounds NearestCommune: no French point is farther than this
// from a commune centre.
const nearestMaxKm = 55

// gridDeg is the cell size of NearestCommune's grid, in degrees.
const gridDeg = 0.1

func gridCell(lat, lon float64) [2]int {
	return [2]int{int(math.Floor(lat / gridDeg)), int(math.Floor(lon / gridDeg))}
}

// Arrondissements returns the municipal arrondissements of a département
// (Paris, Lyon and Marseille have them), with their postcodes.
func Arrondissements(dep string) []Commune {
	return geo.get().arrondissements[dep]
}

// DistanceKm is the great-circle distance between two points, in km.
func DistanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const earthRadiusKm = 6371.0088
	rad := math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

// ResolvePlace completes a place of performance: département from the
// postcode, commune or NUTS code, and coordinates from the commune or the
// département's centre.
func ResolvePlace(p Place) Place {
	if p.Departement == "" && p.NUTS != "" {
		if d, ok := DepartementOfNUTS3(p.NUTS); ok {
			p.Departement = d
		}
	}
	a := ResolveAddress(Address{Postcode: p.Postcode, Commune: p.Commune, Departement: p.Departement})
	if p.Departement == "" {
		p.Departement = a.Departement
	}
	if p.Commune == "" {
		p.Commune = a.Commune
	}
	if p.NUTS == "" {
		p.NUTS = a.NUTS3
	}
	if p.Lat == 0 && p.Lon == 0 && a.HasGeo() {
		p.Lat, p.Lon = a.Lat, a.Lon
	}
	return p
}
