package data_test

import (
	"math"
	"slices"
	"testing"

	"fabrique/data"
)

func inseeCodes(cs []data.Commune) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.INSEE
	}
	return out
}

func TestCommunesByPostcode(t *testing.T) {
	tests := []struct {
		name     string
		postcode string
		want     []string // INSEE codes, most populous first
	}{
		{"one commune", "42000", []string{"42218"}},
		{"trimmed", " 42000 ", []string{"42218"}},
		{"corse-du-sud", "20000", []string{"2A004"}},
		{"haute-corse, shared", "20600", []string{"2B033", "2B120"}},
		{"commune before its arrondissement", "69001", []string{"69123", "69381"}},
		{"paris", "75001", []string{"75056", "75101"}},
		{"guadeloupe", "97100", []string{"97105"}},
		{"mayotte", "97600", []string{"97611", "97610"}},
		{"saint-barthelemy", "97133", []string{"97701"}},
		{"nouvelle-caledonie", "98800", []string{"98818"}},
		{"monaco is not french", "98000", []string{}},
		{"cedex", "06364", []string{}},
		{"empty", "", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := inseeCodes(data.CommunesByPostcode(tt.postcode)); !slices.Equal(got, tt.want) {
				t.Errorf("CommunesByPostcode(%q) = %v, want %v", tt.postcode, got, tt.want)
			}
		})
	}

	cs := data.CommunesByPostcode("15170")
	if len(cs) != 11 {
		t.Fatalf("CommunesByPostcode(15170) returned %d communes, want 11", len(cs))
	}
	for i := 1; i < len(cs); i++ {
		if cs[i].Population > cs[i-1].Population {
			t.Errorf("CommunesByPostcode(15170) not sorted by population: %s (%d) after %s (%d)",
				cs[i].Name, cs[i].Population, cs[i-1].Name, cs[i-1].Population)
		}
	}
}

func TestDepartementOfPostcode(t *testing.T) {
	tests := []struct {
		name     string
		postcode string
		known    bool // whether the postcode is in the reference data
		want     string
	}{
		{"metropolitan", "42000", true, "42"},
		{"ain, leading zero", "01400", true, "01"},
		{"ajaccio is 2A", "20000", true, "2A"},
		{"bastia is 2B", "20200", true, "2B"},
		{"unknown corsican postcode outside the ranges", "20999", false, ""},
		// Corsican CEDEX codes are in no commune's list; every Corsican
		// postcode from 20000 to 20199 is Corse-du-Sud's, from 20200 to
		// 20699 Haute-Corse's (the 376 of the reference data).
		{"bastia cedex, by the range of haute-corse", "20294", false, "2B"},
		{"ajaccio cedex, by the range of corse-du-sud", "20189", false, "2A"},
		{"guadeloupe", "97100", true, "971"},
		{"mayotte", "97600", true, "976"},
		{"saint-barthelemy: the commune says 977, the digits 971", "97133", true, "977"},
		{"saint-martin: the commune says 978", "97150", true, "978"},
		{"unknown guadeloupe postcode, by its digits", "97199", false, "971"},
		{"nouvelle-caledonie", "98800", true, "988"},
		{"monaco", "98000", false, ""},
		{"unknown paris postcode, by its digits", "75099", false, "75"},
		{"cedex, by its digits", "06364", false, "06"},
		{"no departement 00", "00000", false, ""},
		{"no departement 96", "96000", false, ""},
		{"four digits", "1000", false, ""},
		{"letters", "ABCDE", false, ""},
		{"empty", "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if known := len(data.CommunesByPostcode(tt.postcode)) > 0; known != tt.known {
				t.Fatalf("postcode %q known=%v in the reference data, the case assumes %v", tt.postcode, known, tt.known)
			}
			if got := data.DepartementOfPostcode(tt.postcode); got != tt.want {
				t.Errorf("DepartementOfPostcode(%q) = %q, want %q", tt.postcode, got, tt.want)
			}
		})
	}
}

func TestFindCommunes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"official name", "Saint-Étienne", []string{"42218"}},
		{"abbreviated upper case", "ST ETIENNE", []string{"42218"}},
		{"abbreviated with dot", "St. Étienne", []string{"42218"}},
		{"lower case no accent", "saint etienne", []string{"42218"}},
		{"elided article", "l abergement clemenciat", []string{"01001"}},
		{"arrondissements are not the city", "Lyon", []string{"69123"}},
		{"arrondissement by name", "Lyon 1er Arrondissement", []string{"69381"}},
		{"unknown", "Nulle-Part-sur-Mer", []string{}},
		{"empty", "", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := inseeCodes(data.FindCommunes(tt.in)); !slices.Equal(got, tt.want) {
				t.Errorf("FindCommunes(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	for _, name := range []string{"Sainte-Colombe", "STE COLOMBE", "ste-colombe"} {
		if got := len(data.FindCommunes(name)); got != 12 {
			t.Errorf("FindCommunes(%q) found %d communes, want the 12 Sainte-Colombe", name, got)
		}
	}
}

func TestRegionByName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"BOURGOGNE-FRANCHE-COMTÉ", "27"},
		{"Bourgogne-Franche-Comté", "27"},
		{"PROVENCE-ALPES-CÔTE D'AZUR", "93"},
		{"PROVENCE-ALPES-COTE D'AZUR", "93"},
		{"Provence-Alpes-Côte d’Azur", "93"},
		{"AUVERGNE-RHÔNE-ALPES", "84"},
		{"ILE-DE-FRANCE", "11"},
		{"Île-de-France", "11"},
		{"NOUVELLE AQUITAINE", "75"},
		{"GRAND-EST", "44"},
		{"PAYS-DE-LA-LOIRE", "52"},
		{"CENTRE-VAL-DE-LOIRE", "24"},
		{"HAUTS-DE-FRANCE", "32"},
		{"NORMANDIE", "28"},
		{"BRETAGNE", "53"},
		{"OCCITANIE", "76"},
		{"CORSE", "94"},
		{"GUADELOUPE", "01"},
		{"MARTINIQUE", "02"},
		{"GUYANE", "03"},
		{"LA REUNION", "04"},
		{"Mayotte", "06"},
		{"ST PIERRE ET MIQUELON", "975"},
		{"Rhône-Alpes", ""}, // a région of before 2016
		{"Bourgogne", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, ok := data.RegionByName(tt.in)
			if tt.want == "" {
				if ok {
					t.Errorf("RegionByName(%q) = %+v, want not found", tt.in, r)
				}
				return
			}
			if !ok || r.Code != tt.want {
				t.Errorf("RegionByName(%q) = %+v, %v; want code %s", tt.in, r, ok, tt.want)
			}
		})
	}
}

func TestNUTS3RoundTrip(t *testing.T) {
	n := 0
	for _, d := range data.Departements() {
		nuts, ok := data.NUTS3OfDepartement(d.Code)
		if d.Zone == "com" {
			if ok {
				t.Errorf("overseas collectivity %s %s has NUTS-3 %q, want none", d.Code, d.Name, nuts)
			}
			continue
		}
		if !ok {
			t.Errorf("département %s %s (%s) has no NUTS-3 code", d.Code, d.Name, d.Zone)
			continue
		}
		n++
		if back, ok := data.DepartementOfNUTS3(nuts); !ok || back != d.Code {
			t.Errorf("DepartementOfNUTS3(%q) = %q, %v; want %q", nuts, back, ok, d.Code)
		}
	}
	if n != 101 {
		t.Errorf("%d départements round-trip through NUTS-3, want 101 (96 metropolitan + 5 DROM)", n)
	}

	tests := []struct{ nuts, want string }{
		{"FR101", "75"},
		{"FRK26", "69"},
		{"frk26", "69"},
		{" FRM01 ", "2A"},
		{"FRM02", "2B"},
		{"FRY10", "971"},
		{"FRY50", "976"},
		{"FRZZZ", ""}, // extra-regio
		{"FRK2", ""},  // NUTS-2
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.nuts, func(t *testing.T) {
			got, ok := data.DepartementOfNUTS3(tt.nuts)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("DepartementOfNUTS3(%q) = %q, %v; want %q", tt.nuts, got, ok, tt.want)
			}
		})
	}
	if got, ok := data.NUTS3OfDepartement("2a"); got != "FRM01" || !ok {
		t.Errorf("NUTS3OfDepartement(2a) = %q, %v; want FRM01", got, ok)
	}
	if got, ok := data.NUTS3OfDepartement("99"); got != "" || ok {
		t.Errorf("NUTS3OfDepartement(99) = %q, %v; want none", got, ok)
	}
}

func mustCommune(t *testing.T, insee string) data.Commune {
	t.Helper()
	c, ok := data.LookupCommune(insee)
	if !ok {
		t.Fatalf("LookupCommune(%q) not found", insee)
	}
	return c
}

func mustDepartement(t *testing.T, code string) data.Departement {
	t.Helper()
	d, ok := data.LookupDepartement(code)
	if !ok {
		t.Fatalf("LookupDepartement(%q) not found", code)
	}
	return d
}

func TestResolveAddress(t *testing.T) {
	stEtienne := mustCommune(t, "42218")
	lyon1 := mustCommune(t, "69381")
	furiani := mustCommune(t, "2B120")
	bastia := mustCommune(t, "2B033")
	basseTerre := mustCommune(t, "97105")
	paris := mustDepartement(t, "75")
	alpesMaritimes := mustDepartement(t, "06")
	cantal := mustDepartement(t, "15")
	corseDuSud := mustDepartement(t, "2A")

	tests := []struct {
		name string
		in   data.Address
		want data.Address
	}{
		{"postcode only",
			data.Address{Postcode: "42000"},
			data.Address{Postcode: "42000", Commune: "Saint-Étienne", CommuneINSEE: "42218", Departement: "42", Region: "84",
				NUTS3: "FRK25", Country: "FR", Lat: stEtienne.Lat, Lon: stEtienne.Lon, Precision: data.GeoCommune}},
		{"commune and postcode pick the named commune",
			data.Address{Street: "1 route de Bastia", Postcode: "20600", Commune: "FURIANI"},
			data.Address{Street: "1 route de Bastia", Postcode: "20600", Commune: "Furiani", CommuneINSEE: "2B120", Departement: "2B",
				Region: "94", NUTS3: "FRM02", Country: "FR", Lat: furiani.Lat, Lon: furiani.Lon, Precision: data.GeoCommune}},
		{"shared postcode without a name: most populous",
			data.Address{Postcode: "20600"},
			data.Address{Postcode: "20600", Commune: "Bastia", CommuneINSEE: "2B033", Departement: "2B",
				Region: "94", NUTS3: "FRM02", Country: "FR", Lat: bastia.Lat, Lon: bastia.Lon, Precision: data.GeoCommune}},
		{"insee code",
			data.Address{CommuneINSEE: "69381"},
			data.Address{Commune: "Lyon 1er Arrondissement", CommuneINSEE: "69381", Departement: "69", Region: "84",
				NUTS3: "FRK26", Country: "FR", Lat: lyon1.Lat, Lon: lyon1.Lon, Precision: data.GeoCommune}},
		{"insee code wins over a contradicting postcode",
			data.Address{CommuneINSEE: "69381", Postcode: "42000"},
			data.Address{Postcode: "42000", Commune: "Lyon 1er Arrondissement", CommuneINSEE: "69381", Departement: "69", Region: "84",
				NUTS3: "FRK26", Country: "FR", Lat: lyon1.Lat, Lon: lyon1.Lon, Precision: data.GeoCommune}},
		{"exact coordinates kept",
			data.Address{Postcode: "42000", Lat: 45.4397, Lon: 4.3872, Precision: data.GeoExact},
			data.Address{Postcode: "42000", Commune: "Saint-Étienne", CommuneINSEE: "42218", Departement: "42", Region: "84",
				NUTS3: "FRK25", Country: "FR", Lat: 45.4397, Lon: 4.3872, Precision: data.GeoExact}},
		{"unknown postcode: département from its digits",
			data.Address{Postcode: "75099"},
			data.Address{Postcode: "75099", Departement: "75", Region: "11", NUTS3: "FR101", Country: "FR",
				Lat: paris.Lat, Lon: paris.Lon, Precision: data.GeoDepartement}},
		{"cedex postcode and name",
			data.Address{Postcode: "06364", Commune: "NICE CEDEX 4"},
			data.Address{Postcode: "06364", Commune: "NICE CEDEX 4", Departement: "06", Region: "93", NUTS3: "FRL03", Country: "FR",
				Lat: alpesMaritimes.Lat, Lon: alpesMaritimes.Lon, Precision: data.GeoDepartement}},
		{"commune without coordinates: centre of its département",
			data.Address{Postcode: "15170", Commune: "Celles"},
			data.Address{Postcode: "15170", Commune: "Celles", CommuneINSEE: "15031", Departement: "15", Region: "84", NUTS3: "FRK12",
				Country: "FR", Lat: cantal.Lat, Lon: cantal.Lon, Precision: data.GeoDepartement}},
		{"unique commune name",
			data.Address{Commune: "ST ETIENNE"},
			data.Address{Commune: "Saint-Étienne", CommuneINSEE: "42218", Departement: "42", Region: "84",
				NUTS3: "FRK25", Country: "FR", Lat: stEtienne.Lat, Lon: stEtienne.Lon, Precision: data.GeoCommune}},
		{"ambiguous commune name: nothing guessed",
			data.Address{Commune: "Sainte-Colombe"},
			data.Address{Commune: "Sainte-Colombe", Country: "FR"}},
		{"ambiguous commune name and département",
			data.Address{Commune: "Sainte-Colombe", Departement: "69"},
			func() data.Address {
				c := mustCommune(t, "69189")
				return data.Address{Commune: "Sainte-Colombe", CommuneINSEE: "69189", Departement: "69", Region: "84", NUTS3: "FRK26",
					Country: "FR", Lat: c.Lat, Lon: c.Lon, Precision: data.GeoCommune}
			}()},
		{"département only, lower case",
			data.Address{Departement: "2a"},
			data.Address{Departement: "2A", Region: "94", NUTS3: "FRM01", Country: "FR",
				Lat: corseDuSud.Lat, Lon: corseDuSud.Lon, Precision: data.GeoDepartement}},
		{"overseas département",
			data.Address{Postcode: "97100"},
			data.Address{Postcode: "97100", Commune: "Basse-Terre", CommuneINSEE: "97105", Departement: "971", Region: "01",
				NUTS3: "FRY10", Country: "FR", Lat: basseTerre.Lat, Lon: basseTerre.Lon, Precision: data.GeoCommune}},
		{"overseas collectivity has no NUTS-3",
			data.Address{Postcode: "97133"},
			func() data.Address {
				c := mustCommune(t, "97701")
				return data.Address{Postcode: "97133", Commune: "Saint-Barthélemy", CommuneINSEE: "97701", Departement: "977",
					Region: "977", Country: "FR", Lat: c.Lat, Lon: c.Lon, Precision: data.GeoCommune}
			}()},
		{"unknown everything",
			data.Address{Postcode: "99999", Commune: "Nulle-Part"},
			data.Address{Postcode: "99999", Commune: "Nulle-Part", Country: "FR"}},
		{"foreign country kept",
			data.Address{Postcode: "1000", Commune: "Bruxelles", Country: "BE"},
			data.Address{Postcode: "1000", Commune: "Bruxelles", Country: "BE"}},
		{"nothing: no geo",
			data.Address{},
			data.Address{Country: "FR"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := data.ResolveAddress(tt.in)
			if got != tt.want {
				t.Errorf("ResolveAddress(%+v)\n got  %+v\n want %+v", tt.in, got, tt.want)
			}
			if again := data.ResolveAddress(got); again != got {
				t.Errorf("ResolveAddress is not idempotent:\n once  %+v\n twice %+v", got, again)
			}
			if got.HasGeo() != (tt.want.Precision != data.GeoNone) {
				t.Errorf("HasGeo() = %v with precision %q", got.HasGeo(), got.Precision)
			}
		})
	}
}

func TestResolvePlace(t *testing.T) {
	rhone := mustDepartement(t, "69")
	hauteCorse := mustDepartement(t, "2B")
	stEtienne := mustCommune(t, "42218")
	tests := []struct {
		name string
		in   data.Place
		want data.Place
	}{
		{"NUTS only", data.Place{NUTS: "FRK26"},
			data.Place{NUTS: "FRK26", Departement: "69", Lat: rhone.Lat, Lon: rhone.Lon}},
		{"postcode only", data.Place{Postcode: "42000"},
			data.Place{Postcode: "42000", Commune: "Saint-Étienne", Departement: "42", NUTS: "FRK25", Lat: stEtienne.Lat, Lon: stEtienne.Lon}},
		{"département only", data.Place{Departement: "2B"},
			data.Place{Departement: "2B", NUTS: "FRM02", Lat: hauteCorse.Lat, Lon: hauteCorse.Lon}},
		{"coordinates kept", data.Place{Postcode: "42000", Lat: 45.44, Lon: 4.39},
			data.Place{Postcode: "42000", Commune: "Saint-Étienne", Departement: "42", NUTS: "FRK25", Lat: 45.44, Lon: 4.39}},
		{"extra-regio NUTS", data.Place{NUTS: "FRZZZ"}, data.Place{NUTS: "FRZZZ"}},
		{"nothing", data.Place{}, data.Place{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := data.ResolvePlace(tt.in); got != tt.want {
				t.Errorf("ResolvePlace(%+v)\n got  %+v\n want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestDistanceKm(t *testing.T) {
	paris, lyon := mustCommune(t, "75056"), mustCommune(t, "69123")
	tests := []struct {
		name                   string
		lat1, lon1, lat2, lon2 float64
		want, tolerance        float64
	}{
		{"same point", 45, 4, 45, 4, 0, 1e-9},
		{"one degree of meridian", 45, 4, 46, 4, 111.195, 0.01},
		{"paris to lyon", paris.Lat, paris.Lon, lyon.Lat, lyon.Lon, 392.8, 0.5},
		{"antipodes", 0, 0, 0, 180, 20015.1, 0.5},
		{"across the antimeridian", 0, 179.5, 0, -179.5, 111.195, 0.01},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := data.DistanceKm(tt.lat1, tt.lon1, tt.lat2, tt.lon2)
			if math.Abs(got-tt.want) > tt.tolerance {
				t.Errorf("DistanceKm = %.3f, want %.3f ± %g", got, tt.want, tt.tolerance)
			}
			if back := data.DistanceKm(tt.lat2, tt.lon2, tt.lat1, tt.lon1); math.Abs(back-got) > 1e-9 {
				t.Errorf("DistanceKm is not symmetric: %.6f and %.6f", got, back)
			}
		})
	}
}

func TestNearestCommune(t *testing.T) {
	st := mustCommune(t, "42218")
	if c, d := data.NearestCommune(st.Lat, st.Lon); c.INSEE != "42218" || d > 1e-6 {
		t.Errorf("NearestCommune(Saint-Étienne's centre) = %s %s at %.3f km, want 42218 at 0", c.INSEE, c.Name, d)
	}
	lyon1 := mustCommune(t, "69381")
	if c, _ := data.NearestCommune(lyon1.Lat, lyon1.Lon); c.Type != "commune-actuelle" {
		t.Errorf("NearestCommune(Lyon 1er's centre) = %s %s (%s), want a commune, not an arrondissement", c.INSEE, c.Name, c.Type)
	}
	// 40 communes of Polynésie française share one point in the reference
	// data: the answer must not depend on map order.
	for range 20 {
		if c, d := data.NearestCommune(-16.691732, -163.028166); c.INSEE != "98711" || d > 1e-6 {
			t.Fatalf("NearestCommune(shared Polynesian point) = %s %s at %.3f km, want 98711 Anaa (lowest INSEE code) at 0", c.INSEE, c.Name, d)
		}
	}
	if c, d := data.NearestCommune(0, 0); c.INSEE != "" || !math.IsInf(d, 1) {
		t.Errorf("NearestCommune(0, 0) = %s at %v km, want none", c.INSEE, d)
	}
}

func TestLookupDepartement(t *testing.T) {
	tests := []struct {
		in, code, region, zone, chefLieu string
	}{
		{"01", "01", "84", "metro", "01053"},
		{"2a", "2A", "94", "metro", "2A004"},
		{" 2B ", "2B", "94", "metro", "2B033"},
		{"971", "971", "01", "drom", "97105"},
		{"976", "976", "06", "drom", "97611"},
		{"988", "988", "988", "com", "98818"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d := mustDepartement(t, tt.in)
			if d.Code != tt.code || d.Region != tt.region || d.Zone != tt.zone || d.ChefLieu != tt.chefLieu {
				t.Errorf("LookupDepartement(%q) = %+v, want code %s region %s zone %s chef-lieu %s", tt.in, d, tt.code, tt.region, tt.zone, tt.chefLieu)
			}
		})
	}
	for _, code := range []string{"20", "96", "1", ""} {
		if d, ok := data.LookupDepartement(code); ok {
			t.Errorf("LookupDepartement(%q) = %+v, want not found", code, d)
		}
	}
}

func TestLookupHeadcountBand(t *testing.T) {
	tests := []struct {
		code     string
		min, max int
	}{
		{"NN", -1, -1},
		{"00", 0, 0},
		{"01", 1, 2},
		{"12", 20, 49},
		{"53", 10000, -1},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			b, ok := data.LookupHeadcountBand(tt.code)
			if !ok || b.Min != tt.min || b.Max != tt.max || b.Label == "" {
				t.Errorf("LookupHeadcountBand(%q) = %+v, %v; want min %d max %d and a label", tt.code, b, ok, tt.min, tt.max)
			}
		})
	}
}

func FuzzResolveAddress(f *testing.F) {
	f.Add("42000", "Saint-Étienne", "", "", 0.0, 0.0, false)
	f.Add("20600", "Furiani", "", "", 0.0, 0.0, false)
	f.Add("", "Sainte-Colombe", "", "69", 0.0, 0.0, false)
	f.Add("75099", "", "", "", 0.0, 0.0, false)
	f.Add("", "", "69381", "", 0.0, 0.0, false)
	f.Add("97133", "", "", "", 0.0, 0.0, false)
	f.Add("15170", "Celles", "", "", 0.0, 0.0, false)
	f.Add("42000", "", "", "", 45.44, 4.39, true)
	f.Add("", "", "", "2a", 0.0, 0.0, false)
	f.Fuzz(func(t *testing.T, postcode, commune, insee, dep string, lat, lon float64, exact bool) {
		in := data.Address{Postcode: postcode, Commune: commune, CommuneINSEE: insee, Departement: dep, Lat: lat, Lon: lon}
		if exact {
			in.Precision = data.GeoExact
		}
		got := data.ResolveAddress(in)
		if again := data.ResolveAddress(got); again != got {
			t.Fatalf("ResolveAddress is not idempotent on %+v:\n once  %+v\n twice %+v", in, got, again)
		}
		if exact && (got.Lat != lat || got.Lon != lon || got.Precision != data.GeoExact) {
			t.Fatalf("ResolveAddress(%+v) moved exact coordinates: %+v", in, got)
		}
		if !exact && got.HasGeo() && (got.Lat < -90 || got.Lat > 90 || got.Lon < -180 || got.Lon > 180 || (got.Lat == 0 && got.Lon == 0)) {
			t.Fatalf("ResolveAddress(%+v) placed it at impossible coordinates: %+v", in, got)
		}
		if got.CommuneINSEE != "" {
			c, ok := data.LookupCommune(got.CommuneINSEE)
			if ok && (c.Departement != got.Departement || c.Name != got.Commune) {
				t.Fatalf("ResolveAddress(%+v) = %+v, inconsistent with commune %+v", in, got, c)
			}
		}
		if d, ok := data.LookupDepartement(got.Departement); ok && (d.Region != got.Region || d.NUTS3 != got.NUTS3) {
			t.Fatalf("ResolveAddress(%+v) = %+v, inconsistent with département %+v", in, got, d)
		}
	})
}

func BenchmarkResolveAddress(b *testing.B) {
	addrs := []data.Address{
		{Postcode: "42000"},
		{Postcode: "20600", Commune: "Furiani"},
		{Commune: "ST ETIENNE"},
		{CommuneINSEE: "69381"},
		{Postcode: "75099"},
	}
	data.ResolveAddress(addrs[0]) // load the reference data outside the loop
	for b.Loop() {
		for _, a := range addrs {
			data.ResolveAddress(a)
		}
	}
}

func BenchmarkNearestCommune(b *testing.B) {
	data.NearestCommune(45.43, 4.39) // load the reference data outside the loop
	for b.Loop() {
		data.NearestCommune(45.43, 4.39)
	}
}

// TestRegionOfNUTS: a notice or a DECP row may name only a région (NUTS-1
// or NUTS-2, « Code région » 94): the observatory counts it in that région.
func TestRegionOfNUTS(t *testing.T) {
	for _, tt := range []struct {
		nuts, want string
		ok         bool
	}{
		{"FRM", "94", true}, {"FRM0", "94", true}, {"frf2", "44", true}, {"FR1", "11", true}, {"FR10", "11", true},
		{"FRK2", "84", true}, {"FRY1", "01", true}, {"FRY10", "01", true}, {"FRK26", "84", true},
		{"FR", "", false}, {"FRZ", "", false}, {"DE1", "", false}, {"", "", false}, {"F", "", false},
	} {
		got, ok := data.RegionOfNUTS(tt.nuts)
		if got != tt.want || ok != tt.ok {
			t.Errorf("RegionOfNUTS(%q) = %q, %v; want %q, %v", tt.nuts, got, ok, tt.want, tt.ok)
		}
	}
	n := 0
	for _, r := range data.Regions() {
		nuts, ok := data.NUTSOfRegion(r.Code)
		if r.Zone == "com" {
			if ok {
				t.Errorf("collectivity %s has NUTS %q, want none", r.Code, nuts)
			}
			continue
		}
		n++
		if back, ok := data.RegionOfNUTS(nuts); !ok || back != r.Code {
			t.Errorf("région %s: NUTSOfRegion %q, back %q %v", r.Code, nuts, back, ok)
		}
	}
	if n != 18 {
		t.Errorf("%d régions have a NUTS code, want 18", n)
	}
	if nuts, _ := data.NUTSOfRegion("94"); nuts != "FRM0" {
		t.Errorf("NUTSOfRegion(94) = %q, want FRM0", nuts)
	}
}

// TestCorsicanPostcodeRanges pins the ranges DepartementOfPostcode reads
// an unknown Corsican postcode by against every Corsican commune.
func TestCorsicanPostcodeRanges(t *testing.T) {
	n := 0
	for _, c := range data.Communes() {
		if c.Departement != "2A" && c.Departement != "2B" {
			continue
		}
		for _, pc := range c.Postcodes {
			n++
			want := "2A"
			if pc >= "20200" {
				want = "2B"
			}
			if c.Departement != want || pc >= "20700" {
				t.Errorf("%s %s (%s) is outside the ranges", pc, c.Name, c.Departement)
			}
		}
	}
	if n < 300 {
		t.Errorf("%d Corsican postcodes checked, want the 376 of the reference data", n)
	}
}
