package notice

import (
	"strings"

	"fabrique/data"
)

// placeInput is what a notice says about a place of performance.
type placeInput struct {
	Country     string // ISO alpha-2 or alpha-3 ("FR", "FRA"), "" when not said
	NUTS        string
	Postcode    string
	City        string
	Departement string
	INSEE       string // commune code, when the source gives one
}

// resolvePlace turns what a notice says into a data.Place completed by
// data.ResolvePlace. Places outside France keep only their NUTS code: a
// foreign postcode must never be read as a French one ("73846" in Germany
// is not in Savoie).
func resolvePlace(in placeInput) data.Place {
	nuts := strings.ToUpper(strings.TrimSpace(in.NUTS))
	if !frenchPlace(in.Country, nuts) {
		return data.Place{NUTS: nuts}
	}
	p := data.Place{NUTS: nuts, Postcode: strings.TrimSpace(in.Postcode)}
	if !validPostcode(p.Postcode) {
		p.Postcode = ""
	}
	if dep := normalizeDepartement(in.Departement); dep != "" {
		p.Departement = dep
	}
	if p.Departement == "" && nuts != "" {
		if dep, ok := departementOfNUTS(nuts); ok {
			p.Departement = dep
		}
	}
	if _, legacy := nuts2013ToDepartement[nuts]; legacy {
		p.NUTS = "" // filled with the NUTS 2021 code of the département
	}
	if in.INSEE != "" {
		if c, ok := data.LookupCommune(strings.TrimSpace(in.INSEE)); ok {
			p.Commune, p.Departement = c.Name, c.Departement
			if c.HasGeo {
				p.Lat, p.Lon = c.Lat, c.Lon
			}
		}
	}
	if p.Commune == "" && p.Postcode != "" {
		p.Commune = cleanCity(in.City)
	}
	if p == (data.Place{}) {
		return p
	}
	r := data.ResolvePlace(p)
	if len(r.NUTS) < 5 && r.Departement != "" {
		// A region or country code is less precise than the département.
		if n3, ok := data.NUTS3OfDepartement(r.Departement); ok && strings.HasPrefix(n3, r.NUTS) {
			r.NUTS = n3
		}
	}
	return r
}

// departementOfNUTS reads a NUTS-3 code of the 2021 version, then of the
// 2013 one still found in BOAMP notices.
func departementOfNUTS(nuts string) (string, bool) {
	if dep, ok := data.DepartementOfNUTS3(nuts); ok {
		return dep, true
	}
	dep, ok := nuts2013ToDepartement[nuts]
	return dep, ok
}

// frenchPlace reports whether a place is in France: the country says so,
// or, when it says nothing, the NUTS code does (or there is no NUTS code,
// as in BOAMP and DECP, which are French by definition).
func frenchPlace(country, nuts string) bool {
	switch strings.ToUpper(strings.TrimSpace(country)) {
	case "FR", "FRA", "FRANCE":
		return true
	case "":
		return nuts == "" || strings.HasPrefix(nuts, "FR")
	}
	return false
}

// normalizeDepartement accepts "75", "075", "2a", "5" (BOAMP writes the
// Hautes-Alpes as "5"), "971"; "" when it is not a département.
func normalizeDepartement(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return ""
	}
	if len(s) == 1 && data.AllDigits(s) {
		s = "0" + s
	}
	if len(s) == 3 && s[0] == '0' {
		s = s[1:]
	}
	if _, ok := data.LookupDepartement(s); ok {
		return s
	}
	return ""
}

func validPostcode(s string) bool { return len(s) == 5 && data.AllDigits(s) }

// regionOfDepartements returns the NUTS code of the région that holds
// every one of the départements (a notice performed in several), false
// when one is unknown or they span régions.
func regionOfDepartements(deps []string) (string, bool) {
	region := ""
	for _, dep := range deps {
		d, ok := data.LookupDepartement(normalizeDepartement(dep))
		if !ok || (region != "" && d.Region != region) {
			return "", false
		}
		region = d.Region
	}
	if region == "" {
		return "", false
	}
	return data.NUTSOfRegion(region)
}

// cleanCity drops the "cedex" part of a city name ("Paris cedex 13").
func cleanCity(s string) string {
	s = oneLine(s)
	low := strings.ToLower(s)
	if i := strings.Index(low, " cedex"); i > 0 {
		s = s[:i]
	}
	return s
}
