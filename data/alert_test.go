package data

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

// TestAlertRefusalsSayAlerte: what a user may read of a refused alert
// speaks of « alerte », as the site does, never of « profil ».
func TestAlertRefusalsSayAlerte(t *testing.T) {
	for _, p := range []AlertProfile{{AccountID: "acc-1", Keywords: "bois"}, {Name: "Bois", Keywords: "bois"}} {
		err := p.Normalize()
		if err == nil || strings.Contains(err.Error(), "profil") {
			t.Errorf("Normalize(%+v) = %v, want a refusal that says « alerte »", p, err)
		}
	}
}

func TestAlertProfileNormalize(t *testing.T) {
	base := func() AlertProfile {
		return AlertProfile{AccountID: "acc-1", Name: "  Menuiserie   bois ", Keywords: "menuiserie"}
	}
	tests := []struct {
		name      string
		edit      func(p *AlertProfile)
		wantField string // "" when valid
		check     func(t *testing.T, p AlertProfile)
	}{
		{"trimmed name, daily by default", func(p *AlertProfile) {}, "", func(t *testing.T, p AlertProfile) {
			if p.Name != "Menuiserie bois" || p.Frequency != AlertDaily {
				t.Errorf("got name %q frequency %q, want %q daily", p.Name, p.Frequency, "Menuiserie bois")
			}
		}},
		{"no account", func(p *AlertProfile) { p.AccountID = " " }, "account", nil},
		{"no name", func(p *AlertProfile) { p.Name = "  " }, "name", nil},
		{"name of 121 runes", func(p *AlertProfile) { p.Name = strings.Repeat("é", 121) }, "name", nil},
		{"name of 120 runes", func(p *AlertProfile) { p.Name = strings.Repeat("é", 120) }, "", nil},
		{"no criterion", func(p *AlertProfile) { p.Keywords = "  " }, "keywords", nil},
		{"unclosed quote", func(p *AlertProfile) { p.Keywords = `"menuiserie bois` }, "keywords", nil},
		{"phrase", func(p *AlertProfile) { p.Keywords = ` "menuiserie   bois"  fenêtres ` }, "", func(t *testing.T, p AlertProfile) {
			if p.Keywords != `"menuiserie bois" fenêtres` {
				t.Errorf("keywords %q", p.Keywords)
			}
		}},
		{"exclusions deduplicated", func(p *AlertProfile) { p.Exclude = []string{" PVC", "pvc", "", "aluminium "} }, "", func(t *testing.T, p AlertProfile) {
			if !slices.Equal(p.Exclude, []string{"PVC", "aluminium"}) {
				t.Errorf("exclude %q", p.Exclude)
			}
		}},
		{"excluded word too long", func(p *AlertProfile) { p.Exclude = []string{strings.Repeat("a", 61)} }, "exclude", nil},
		{"CPV with check digit, merged", func(p *AlertProfile) {
			p.CPV = []AlertCPV{{Code: "45421000-4"}, {Code: "45421000", WithChildren: true}}
		}, "", func(t *testing.T, p AlertProfile) {
			if len(p.CPV) != 1 || p.CPV[0] != (AlertCPV{Code: "45421000", WithChildren: true}) || p.CPV[0].Prefix() != "45421" {
				t.Errorf("cpv %+v", p.CPV)
			}
		}},
		{"CPV unknown", func(p *AlertProfile) { p.CPV = []AlertCPV{{Code: "99999999"}} }, "cpv", nil},
		{"CPV wrong check digit", func(p *AlertProfile) { p.CPV = []AlertCPV{{Code: "45421000-9"}} }, "cpv", nil},
		{"départements", func(p *AlertProfile) { p.Departements = []string{"2a", "7", "76", "76"} }, "", func(t *testing.T, p AlertProfile) {
			if !slices.Equal(p.Departements, []string{"2A", "07", "76"}) {
				t.Errorf("departements %q", p.Departements)
			}
		}},
		{"département unknown", func(p *AlertProfile) { p.Departements = []string{"96"} }, "departements", nil},
		{"région by name or code", func(p *AlertProfile) { p.Regions = []string{"Normandie", "28"} }, "", func(t *testing.T, p AlertProfile) {
			if !slices.Equal(p.Regions, []string{"28"}) {
				t.Errorf("regions %q", p.Regions)
			}
		}},
		{"région unknown", func(p *AlertProfile) { p.Regions = []string{"Atlantide"} }, "regions", nil},
		{"radius around a postcode", func(p *AlertProfile) { p.Keywords, p.Near, p.RadiusKm = "", &Place{Postcode: "76000"}, 30 }, "", func(t *testing.T, p AlertProfile) {
			if p.Near == nil || p.Near.Departement != "76" || math.Abs(p.Near.Lat-49.44) > 0.1 {
				t.Errorf("near %+v", p.Near)
			}
		}},
		{"radius without place", func(p *AlertProfile) { p.RadiusKm = 30 }, "radius_km", nil},
		{"place without radius", func(p *AlertProfile) { p.Near = &Place{Postcode: "76000"} }, "radius_km", nil},
		{"radius too large", func(p *AlertProfile) { p.Near, p.RadiusKm = &Place{Postcode: "76000"}, 501 }, "radius_km", nil},
		{"unknown place", func(p *AlertProfile) { p.Near, p.RadiusKm = &Place{Commune: "Nullepart-sur-Rien"}, 10 }, "near", nil},
		{"negative value", func(p *AlertProfile) { p.ValueMin = -1 }, "value", nil},
		{"NaN value", func(p *AlertProfile) { p.ValueMax = math.NaN() }, "value", nil},
		{"min above max", func(p *AlertProfile) { p.ValueMin, p.ValueMax = 200000, 100000 }, "value_max", nil},
		{"open-ended value range", func(p *AlertProfile) { p.ValueMin = 40000 }, "", nil},
		{"procedures", func(p *AlertProfile) { p.Procedures = []string{"adaptee", " ouverte", "adaptee"} }, "", func(t *testing.T, p AlertProfile) {
			if !slices.Equal(p.Procedures, []string{"adaptee", "ouverte"}) {
				t.Errorf("procedures %q", p.Procedures)
			}
		}},
		{"unknown procedure", func(p *AlertProfile) { p.Procedures = []string{"gré à gré"} }, "procedures", nil},
		{"unknown frequency", func(p *AlertProfile) { p.Frequency = "hourly" }, "frequency", nil},
		{"weekly", func(p *AlertProfile) { p.Frequency = AlertWeekly }, "", nil},
		{"too many départements", func(p *AlertProfile) {
			for _, d := range Departements()[:MaxAlertList+1] {
				p.Departements = append(p.Departements, d.Code)
			}
		}, "departements", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.edit(&p)
			err := p.Normalize()
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("Normalize: %v", err)
				}
				if tc.check != nil {
					tc.check(t, p)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Normalize: got %v, want a validation error on %s", err, tc.wantField)
			}
			if ve.Field != tc.wantField || ve.Message == "" {
				t.Errorf("field %q (%q), want %q", ve.Field, ve.Message, tc.wantField)
			}
		})
	}
}

func TestAlertCPVPrefix(t *testing.T) {
	tests := []struct {
		name string
		cpv  AlertCPV
		want string
	}{
		{"alone", AlertCPV{Code: "45421000"}, "45421000"},
		{"with children", AlertCPV{Code: "45421000", WithChildren: true}, "45421"},
		{"division", AlertCPV{Code: "45000000", WithChildren: true}, "45"},
		{"division ending in zero", AlertCPV{Code: "30000000", WithChildren: true}, "30"},
		{"leaf with children", AlertCPV{Code: "45421131", WithChildren: true}, "45421131"},
	}
	for _, tc := range tests {
		if got := tc.cpv.Prefix(); got != tc.want {
			t.Errorf("%s: Prefix() = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestAlertFrequencyLabels(t *testing.T) {
	for _, f := range AlertFrequencies() {
		if f.Label() == string(f) {
			t.Errorf("%s has no French label", f)
		}
	}
}
