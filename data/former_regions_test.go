package data

import (
	"slices"
	"testing"
)

func TestFormerRegionByName(t *testing.T) {
	for name, want := range map[string][]string{
		"Alsace": {"67", "68"}, "bourgogne": {"21", "58", "71", "89"},
		"Franche Comte": {"25", "39", "70", "90"}, "NORD-PAS-DE-CALAIS": {"59", "62"},
		"midi pyrénées": {"09", "12", "31", "32", "46", "65", "81", "82"},
	} {
		r, ok := FormerRegionByName(name)
		if !ok || !slices.Equal(r.Departements, want) {
			t.Errorf("FormerRegionByName(%q) = %+v, %v; want départements %v", name, r, ok, want)
		}
	}
	for _, name := range []string{"Bretagne", "Centre", "Champagne", "Normandie", "Lyon", ""} {
		if r, ok := FormerRegionByName(name); ok {
			t.Errorf("FormerRegionByName(%q) = %+v, want none", name, r)
		}
	}
}

// Every former région is made of known départements of metropolitan
// France, no two share one, its code is none of today's régions', and
// each département lies in today's région that absorbed it whole.
func TestFormerRegionsAreConsistent(t *testing.T) {
	seen := map[string]string{}
	for _, r := range formerRegions {
		if _, ok := LookupRegion(r.Code); ok {
			t.Errorf("%s: code %s is a région of today", r.Name, r.Code)
		}
		today := ""
		for _, code := range r.Departements {
			d, ok := LookupDepartement(code)
			if !ok {
				t.Errorf("%s: unknown département %s", r.Name, code)
				continue
			}
			if other, dup := seen[code]; dup {
				t.Errorf("département %s in %s and %s", code, other, r.Name)
			}
			seen[code] = r.Name
			if today == "" {
				today = d.Region
			} else if d.Region != today {
				t.Errorf("%s: %s lies in région %s, the others in %s", r.Name, code, d.Region, today)
			}
		}
	}
}
