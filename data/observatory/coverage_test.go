package observatory

import (
	"math"
	"slices"
	"testing"

	"fabrique/data"
)

// The fixture of the coverage tests, counted by hand on 2026-06-01:
//
//	1  Lyon (69, région 84)      25.71Z  EPV valid until 2029, claimed, univers "Mode et beauté"
//	2  Lyon (69, région 84)      25.71Z  EPV expired in 2025, univers "Mode et Beauté"
//	3  Paris 1er (75, région 11) 16.23Z  OFG ending 2026-07-15: expiring
//	4  Guéret (23, région 75)    ""      EPV not re-found + OFG valid
//	5  no address                ""      EPV valid
func coverageFixture(t *testing.T) *Facts {
	st := openStore(t)
	s1 := supplier(1, "69123", "25.71Z", label(data.LabelEPV, "2024-01-01", "2029-01-01"))
	s1.Labels[0].Category = "Mode et beauté"
	s1.ClaimedBy = "account-1"
	s1.Website, s1.Description = "https://example.fr", "Couteaux"
	s2 := supplier(2, "69123", "25.71Z", label(data.LabelEPV, "2020-01-01", "2025-01-01"))
	s2.Labels[0].Category = "Mode et Beauté"
	s3 := supplier(3, "75101", "16.23Z", label(data.LabelOFG, "2021-07-15", "2026-07-15"))
	notRefound := label(data.LabelEPV, "2023-01-01", "2028-01-01")
	notRefound.NotRefoundSince = day("2026-05-01")
	s4 := supplier(4, "23096", "", notRefound, label(data.LabelOFG, "2025-01-01", "2030-01-01"))
	s5 := supplier(5, "", "", label(data.LabelEPV, "2025-01-01", "2030-01-01"))
	putSuppliers(t, st, s1, s2, s3, s4, s5)
	return build(t, st, BuildOptions{Now: day("2026-06-01")})
}

func TestCoverageFixture(t *testing.T) {
	f := coverageFixture(t)
	c := f.Coverage(Filter{}, day("2026-06-01"))
	check(t, "Suppliers", c.Suppliers, 5)
	check(t, "Holding", c.Holding, 4)
	check(t, "Unplaced", c.Unplaced, 1)
	states := func(lc LabelCoverage) map[data.LabelState]int {
		m := map[data.LabelState]int{}
		for _, s := range lc.States {
			m[s.State] = s.Count
		}
		return m
	}
	// Every label data knows is broken down, with its French name, even
	// without a company (MIF here).
	var types []data.LabelType
	for _, lc := range c.Labels {
		types = append(types, lc.Type)
		if lc.Name != data.LabelName(lc.Type) || lc.Name == string(lc.Type) {
			t.Errorf("label %s named %q", lc.Type, lc.Name)
		}
	}
	if !slices.Equal(types, data.Labels()) {
		t.Errorf("label types %v, want data.Labels() %v", types, data.Labels())
	}
	for _, lc := range c.Labels {
		st := states(lc)
		switch lc.Type {
		case data.LabelEPV:
			check(t, "EPV total", lc.Total, 4)
			check(t, "EPV holding", lc.Holding, 2)
			check(t, "EPV valid", st[data.LabelValid], 2)
			check(t, "EPV expired", st[data.LabelExpired], 1)
			check(t, "EPV not re-found", st[data.LabelNotRefound], 1)
		case data.LabelOFG:
			check(t, "OFG total", lc.Total, 2)
			check(t, "OFG valid", st[data.LabelValid], 1)
			check(t, "OFG expiring", st[data.LabelExpiring], 1)
		}
	}
	dep := map[string]AreaCoverage{}
	for _, a := range c.Departements {
		dep[a.Code] = a
	}
	check(t, "69 listed", dep["69"].Listed, 2)
	check(t, "69 holding", dep["69"].Holding, 1)
	check(t, "69 expired", dep["69"].Expired, 1)
	check(t, "75 holding", dep["75"].Holding, 1)
	check(t, "23 holding", dep["23"].Holding, 1)
	check(t, "01 listed", dep["01"].Listed, 0)
	if p := dep["23"].Population; p < 100000 || p > 130000 {
		t.Errorf("Creuse population = %d, want about 115 000 (INSEE)", p)
	}
	check(t, "23 per 100k", math.Round(dep["23"].PerCapita*1000), math.Round(1e5/float64(dep["23"].Population)*1000))
	if _, ok := dep["987"]; ok {
		t.Error("Polynésie française is listed without any company")
	}
	reg := map[string]AreaCoverage{}
	for _, a := range c.Regions {
		reg[a.Code] = a
	}
	check(t, "région 84 listed", reg["84"].Listed, 2)
	check(t, "région 75 holding", reg["75"].Holding, 1)
	check(t, "région 11 holding", reg["11"].Holding, 1)

	sector := func(list []SectorCount, code string) SectorCount {
		for _, s := range list {
			if s.Code == code {
				return s
			}
		}
		return SectorCount{}
	}
	check(t, "NAF section C", sector(c.NAFSections, "C").Listed, 3)
	check(t, "NAF division 25", sector(c.NAFDivisions, "25").Listed, 2)
	check(t, "NAF division 25 holding", sector(c.NAFDivisions, "25").Holding, 1)
	check(t, "NAF unknown", sector(c.NAFDivisions, "").Listed, 2)
	check(t, "univers mode et beaute", sector(c.Univers, "mode et beaute").Listed, 2)
	check(t, "univers count", len(c.Univers), 1)
	// CPV division 39 (furniture, household goods) is supplied by NAF
	// divisions 25 and 16 in the CPV↔NAF table: companies 1, 2 and 3.
	fits := map[string]bool{}
	for _, fit := range data.CPVNAFFits() {
		if fit.CPVDivision == "39" {
			fits[fit.NAFDivision] = true
		}
	}
	if !fits["25"] || !fits["16"] {
		t.Fatalf("the CPV↔NAF table no longer maps 39 to NAF 25 and 16: %v", fits)
	}
	check(t, "CPV division 39", sector(c.CPVDivisions, "39").Listed, 3)
	check(t, "CPV division 39 holding", sector(c.CPVDivisions, "39").Holding, 2)
	check(t, "claimed", c.Claims.Claimed, 1)
	check(t, "claimed share", c.Claims.Share, 0.2)

	t.Run("filters", func(t *testing.T) {
		tests := []struct {
			name              string
			flt               Filter
			suppliers, labels int
		}{
			{"région 84", Filter{Region: "84"}, 2, len(data.Labels())},
			{"département 23", Filter{Departement: "23"}, 1, len(data.Labels())},
			{"label MIF", Filter{Label: data.LabelMIF}, 0, 1},
			{"label OFG", Filter{Label: data.LabelOFG}, 2, 1},
			{"label EPV in 69", Filter{Label: data.LabelEPV, Departement: "69"}, 2, 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := f.Coverage(tt.flt, day("2026-06-01"))
				check(t, "suppliers", c.Suppliers, tt.suppliers)
				check(t, "label types", len(c.Labels), tt.labels)
			})
		}
	})
	t.Run("later day", func(t *testing.T) {
		c := f.Coverage(Filter{Label: data.LabelOFG}, day("2026-07-15"))
		check(t, "OFG holding on the end date (exclusive)", c.Labels[0].Holding, 1)
	})
}

func TestFilterValidate(t *testing.T) {
	tests := []struct {
		name string
		flt  Filter
		ok   bool
	}{
		{"empty", Filter{}, true},
		{"région", Filter{Region: "84"}, true},
		{"unknown région", Filter{Region: "99"}, false},
		{"département in its région", Filter{Region: "84", Departement: "69"}, true},
		{"département elsewhere", Filter{Region: "11", Departement: "69"}, false},
		{"Corse", Filter{Departement: "2A"}, true},
		{"unknown département", Filter{Departement: "96"}, false},
		{"label", Filter{Label: data.LabelOFG}, true},
		{"MIF", Filter{Label: data.LabelMIF}, true},
		{"unknown label", Filter{Label: "ISO"}, false},
		{"reversed period", Filter{From: day("2025-01-01"), To: day("2024-01-01")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.flt.Validate(); (err == nil) != tt.ok {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in, from, to string
		ok           bool
	}{
		{"", "", "", true},
		{"2024", "2024-01-01", "2025-01-01", true},
		{"2024-02", "2024-02-01", "2024-03-01", true},
		{"2024-02-29", "2024-02-29", "2024-03-01", true},
		{"2024-01..2024-06", "2024-01-01", "2024-07-01", true},
		{"2024..", "2024-01-01", "", true},
		{"..2024-06-30", "", "2024-07-01", true},
		{"2024-13", "", "", false},
		{"24", "", "", false},
		{"2025..2024", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			from, to, err := ParsePeriod(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			str := func(x string) string {
				if x == "" {
					return "0001-01-01"
				}
				return x
			}
			check(t, "from", from.Format("2006-01-02"), str(tt.from))
			check(t, "to", to.Format("2006-01-02"), str(tt.to))
		})
	}
}
