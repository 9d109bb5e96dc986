package data_test

import (
	"encoding/json"
	"testing"

	"fabrique/data"
)

// The embedded reference files are parsed whole and counted: a truncated
// copy, a changed export or a broken loader shows here first.

func TestCPVCounts(t *testing.T) {
	codes := data.CPVCodes()
	if len(codes) != 9454 {
		t.Errorf("CPV 2008 has %d codes, want 9454", len(codes))
	}
	divisions := 0
	for i, c := range codes {
		if i > 0 && codes[i-1].Code8 >= c.Code8 {
			t.Fatalf("CPVCodes not sorted or duplicated at %s", c.Code8)
		}
		if len(c.Code8) != 8 || len(c.Check) != 1 || c.LabelFR == "" || c.LabelEN == "" || c.Division != c.Code8[:2] {
			t.Errorf("malformed CPV entry %+v", c)
		}
		if c.Level == "division" {
			divisions++
			if c.Parent != "" {
				t.Errorf("CPV division %s has parent %q", c.Code8, c.Parent)
			}
			continue
		}
		if p, ok := data.LookupCPV(c.Parent); !ok || p.Division != c.Division {
			t.Errorf("CPV %s: parent %q missing or in another division", c.Code8, c.Parent)
		}
	}
	if divisions != 45 {
		t.Errorf("CPV 2008 has %d divisions, want 45", divisions)
	}
}

func TestNAFCounts(t *testing.T) {
	want := map[string]int{"section": 21, "division": 88, "groupe": 272, "classe": 615, "sous-classe": 732}
	total := 0
	for level, n := range want {
		codes := data.NAFCodes(level)
		if len(codes) != n {
			t.Errorf("NAF rév. 2 has %d %s, want %d", len(codes), level, n)
		}
		total += n
	}
	all := data.NAFCodes("")
	if len(all) != total {
		t.Errorf("NAFCodes(\"\") returned %d codes, want %d", len(all), total)
	}
	for _, n := range all {
		if n.Level == "section" {
			continue
		}
		p, ok := data.LookupNAF(n.Parent)
		if !ok || p.Section != n.Section {
			t.Errorf("NAF %s: parent %q missing or in another section", n.Code, n.Parent)
		}
	}
	if got := data.NAFCodes("nope"); len(got) != 0 {
		t.Errorf("NAFCodes(nope) = %d codes, want none", len(got))
	}
}

// Départements: 96 metropolitan and 5 DROM have a NUTS-3 code (101); the 8
// overseas collectivities (975 Saint-Pierre-et-Miquelon, 977 Saint-Barthélemy,
// 978 Saint-Martin, 984 TAAF, 986 Wallis-et-Futuna, 987 Polynésie française,
// 988 Nouvelle-Calédonie, 989 Clipperton) are outside the EU's NUTS and
// have neither a NUTS-3 code nor a polygon centroid: 109 rows in all.
func TestDepartementCounts(t *testing.T) {
	deps := data.Departements()
	if len(deps) != 109 {
		t.Errorf("%d départements, want 109", len(deps))
	}
	zones := map[string]int{}
	var com []string
	for _, d := range deps {
		zones[d.Zone]++
		if d.Zone == "com" {
			com = append(com, d.Code)
			if d.Lat != 0 || d.Lon != 0 {
				t.Errorf("collectivity %s has a centroid %v,%v; the reference file has none", d.Code, d.Lat, d.Lon)
			}
		} else if d.Lat == 0 || d.Lon == 0 {
			t.Errorf("département %s has no centroid", d.Code)
		}
		if _, ok := data.LookupRegion(d.Region); !ok {
			t.Errorf("département %s: région %q unknown", d.Code, d.Region)
		}
		if c, ok := data.LookupCommune(d.ChefLieu); !ok || c.Departement != d.Code && d.Code != "984" {
			// TAAF's chef-lieu is given as 97502 (Saint-Pierre) in the source.
			t.Errorf("département %s: chef-lieu %q missing or elsewhere", d.Code, d.ChefLieu)
		}
	}
	if zones["metro"] != 96 || zones["drom"] != 5 || zones["com"] != 8 {
		t.Errorf("zones = %v, want 96 metro, 5 drom, 8 com", zones)
	}
	wantCOM := []string{"975", "977", "978", "984", "986", "987", "988", "989"}
	if len(com) != len(wantCOM) {
		t.Fatalf("collectivities = %v, want %v", com, wantCOM)
	}
	for i := range com {
		if com[i] != wantCOM[i] {
			t.Errorf("collectivities = %v, want %v", com, wantCOM)
			break
		}
	}
}

// Régions: 13 metropolitan, 5 DROM (each a région of a single
// département) and the 8 collectivities listed again: 26 rows.
func TestRegionCounts(t *testing.T) {
	regions := data.Regions()
	if len(regions) != 26 {
		t.Errorf("%d régions, want 26", len(regions))
	}
	zones := map[string]int{}
	for _, r := range regions {
		zones[r.Zone]++
		if got, ok := data.RegionByName(r.Name); !ok || got.Code != r.Code {
			t.Errorf("RegionByName(%q) = %+v, %v; want code %s", r.Name, got, ok, r.Code)
		}
	}
	if zones["metro"] != 13 || zones["drom"] != 5 || zones["com"] != 8 {
		t.Errorf("région zones = %v, want 13 metro, 5 drom, 8 com", zones)
	}
}

// Communes: 34 969 communes and 45 municipal arrondissements (Paris, Lyon,
// Marseille); 17 have no coordinates: 12 metropolitan communes nouvelles
// that the join with La Poste's points missed and the 5 uninhabited
// districts of the TAAF.
func TestCommuneCounts(t *testing.T) {
	communes := data.Communes()
	if len(communes) != 35014 {
		t.Errorf("%d communes, want 35014", len(communes))
	}
	var noGeo, arrondissements, noPostcode int
	for _, c := range communes {
		if !c.HasGeo {
			noGeo++
		}
		if len(c.Postcodes) == 0 {
			noPostcode++
		}
		if c.Type == "arrondissement-municipal" {
			arrondissements++
		}
		if _, ok := data.LookupDepartement(c.Departement); !ok {
			t.Errorf("commune %s %s: département %q unknown", c.INSEE, c.Name, c.Departement)
		}
		if _, ok := data.LookupRegion(c.Region); !ok {
			t.Errorf("commune %s %s: région %q unknown", c.INSEE, c.Name, c.Region)
		}
	}
	if noGeo != 17 {
		t.Errorf("%d communes without coordinates, want 17", noGeo)
	}
	if arrondissements != 45 {
		t.Errorf("%d municipal arrondissements, want 45", arrondissements)
	}
	if noPostcode != 5 {
		t.Errorf("%d communes without postcode, want 5 (the TAAF districts)", noPostcode)
	}
}

// Known quirk of the derived commune file: the overseas collectivities got
// one shared point per territory, and Saint-Barthélemy and Saint-Martin got
// Saint-Pierre-et-Miquelon's (46.92 N, 56.27 W, some 3 000 km north). Their
// coordinates are not to be trusted for distances; metropolitan and DROM
// communes all lie within 250 km of their département's centre.
func TestCommuneCoordinates(t *testing.T) {
	const spmLat, spmLon = 46.921052, -56.269556
	for _, insee := range []string{"97701", "97801"} {
		c, _ := data.LookupCommune(insee)
		if c.Lat != spmLat || c.Lon != spmLon {
			t.Errorf("commune %s %s at %v,%v: the known quirk changed, update README.md", insee, c.Name, c.Lat, c.Lon)
		}
	}
	for _, c := range data.Communes() {
		d, _ := data.LookupDepartement(c.Departement)
		if !c.HasGeo || d.Zone == "com" {
			continue
		}
		if km := data.DistanceKm(c.Lat, c.Lon, d.Lat, d.Lon); km > 250 {
			t.Errorf("commune %s %s is %.0f km from the centre of département %s", c.INSEE, c.Name, km, d.Code)
		}
	}
}

// The 15 numeric bands follow each other without gap from 0 to 10 000 and
// more; "NN" (no employee at all) has no bounds.
func TestHeadcountBandCounts(t *testing.T) {
	bands := data.HeadcountBands()
	if len(bands) != 16 {
		t.Fatalf("%d headcount bands, want 16", len(bands))
	}
	next := 0
	for _, b := range bands {
		if b.Code == "NN" {
			if b.Min != -1 || b.Max != -1 {
				t.Errorf("band NN = [%d, %d], want no bounds", b.Min, b.Max)
			}
			continue
		}
		if b.Min != next {
			t.Errorf("band %s starts at %d, want %d", b.Code, b.Min, next)
		}
		if b.Max == -1 {
			next = -1
			continue
		}
		next = b.Max + 1
	}
	if next != -1 {
		t.Errorf("the last band is bounded, want an open-ended one")
	}
}

func TestNUTSCounts(t *testing.T) {
	// 102 rows: 101 départements and the extra-regio FRZZZ.
	n := 0
	for _, d := range data.Departements() {
		if _, ok := data.NUTS3OfDepartement(d.Code); ok {
			n++
		}
	}
	if n != 101 {
		t.Errorf("%d départements with a NUTS-3 code, want 101", n)
	}
	if _, ok := data.DepartementOfNUTS3("FRZZZ"); ok {
		t.Error("FRZZZ (extra-regio) maps to a département")
	}
}

type featureCollection struct {
	Type     string `json:"type"`
	Features []struct {
		Type     string `json:"type"`
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
		Properties struct {
			Code string `json:"code"`
			Nom  string `json:"nom"`
		} `json:"properties"`
	} `json:"features"`
}

func TestGeoJSON(t *testing.T) {
	tests := []struct {
		name  string
		raw   []byte
		count int
		check func(code, nom string) bool
	}{
		{"départements", data.DepartementShapesGeoJSON(), 96, func(code, nom string) bool {
			d, ok := data.LookupDepartement(code)
			return ok && d.Zone == "metro" && d.Name == nom
		}},
		{"régions", data.RegionShapesGeoJSON(), 13, func(code, nom string) bool {
			r, ok := data.LookupRegion(code)
			return ok && r.Zone == "metro" && r.Name == nom
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fc featureCollection
			if err := json.Unmarshal(tt.raw, &fc); err != nil {
				t.Fatalf("parse: %v", err)
			}
			if fc.Type != "FeatureCollection" || len(fc.Features) != tt.count {
				t.Fatalf("%s with %d features, want a FeatureCollection of %d", fc.Type, len(fc.Features), tt.count)
			}
			seen := map[string]bool{}
			for _, f := range fc.Features {
				p := f.Properties
				if seen[p.Code] {
					t.Errorf("code %s twice", p.Code)
				}
				seen[p.Code] = true
				if !tt.check(p.Code, p.Nom) {
					t.Errorf("feature %s %q does not match the reference data", p.Code, p.Nom)
				}
				if g := f.Geometry.Type; g != "Polygon" && g != "MultiPolygon" || len(f.Geometry.Coordinates) < 10 {
					t.Errorf("feature %s has geometry %s of %d bytes", p.Code, g, len(f.Geometry.Coordinates))
				}
			}
		})
	}
}
