package index

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"fabrique/data"
)

var (
	// "45.76,4.83", "45.76 4.83", "45,76;4,83" (French decimal commas need
	// a semicolon between the two numbers).
	coordsDotRe   = regexp.MustCompile(`^(-?\d{1,3}(?:\.\d+)?)\s*[,\s]\s*(-?\d{1,3}(?:\.\d+)?)$`)
	coordsCommaRe = regexp.MustCompile(`^(-?\d{1,3}(?:,\d+)?)\s*;\s*(-?\d{1,3}(?:,\d+)?)$`)
	postcodeRe    = regexp.MustCompile(`^\d{5}$`)
	// "Lyon (69)", "Saint-Denis 974", "Ajaccio (2A)": a name and a département.
	nameDepRe = regexp.MustCompile(`^(.*\D)\s*\(?\s*(\d{2,3}|2[ABab])\s*\)?$`)
)

// ResolveNear turns what a buyer typed as a place into a point and a French
// description: a commune name ("Lyon", "saint etienne", "Lyon (69)"), a
// postcode ("69001") or coordinates ("45.76,4.83"). An ambiguous name gives
// its most populous commune. An unknown place returns an error wrapping
// data.ErrInvalid with a French message.
func ResolveNear(s string) (Point, string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return Point{}, "", invalid("near", s, "indiquez une commune, un code postal ou des coordonnées « lat,lon »")
	}
	if len(s) > 200 {
		return Point{}, "", invalid("near", s, "lieu trop long")
	}
	if p, ok := parseCoords(s); ok {
		if !validLatLon(p.Lat, p.Lon) {
			return Point{}, "", invalid("near", s, "coordonnées hors limites (latitude entre -90 et 90, longitude entre -180 et 180)")
		}
		return p, fmt.Sprintf("coordonnées %.4f, %.4f", p.Lat, p.Lon), nil
	}
	if postcodeRe.MatchString(s) {
		// Most populous first, but an arrondissement ("75001") is more
		// precise than its city (Paris, which has every 750xx).
		cands := data.CommunesByPostcode(s)
		slices.SortStableFunc(cands, func(a, b data.Commune) int {
			return cmpBool(a.Type == "arrondissement-municipal", b.Type == "arrondissement-municipal")
		})
		for _, c := range cands {
			if c.HasGeo {
				return Point{Lat: c.Lat, Lon: c.Lon}, c.Name + " (" + s + ")", nil
			}
		}
		return Point{}, "", invalid("near", s, "code postal inconnu")
	}
	name, dep := s, ""
	if m := nameDepRe.FindStringSubmatch(s); m != nil {
		name, dep = strings.TrimSpace(m[1]), strings.ToUpper(m[2])
	}
	for _, c := range data.FindCommunes(name) {
		if c.HasGeo && (dep == "" || c.Departement == dep) {
			return Point{Lat: c.Lat, Lon: c.Lon}, describeCommune(c), nil
		}
	}
	if dep != "" { // "Lyon 69" might also be a commune whose name ends with digits
		for _, c := range data.FindCommunes(s) {
			if c.HasGeo {
				return Point{Lat: c.Lat, Lon: c.Lon}, describeCommune(c), nil
			}
		}
	}
	return Point{}, "", invalid("near", s, "lieu inconnu : indiquez une commune, un code postal ou des coordonnées « lat,lon »")
}

// SuggestNear proposes, most likely first, the communes spelt like a place
// ResolveNear did not know (« Villeurbane », « Lyonn (69) », « Renes 35 »):
// SuggestCommunes of its name, kept to the département it names, if any.
func SuggestNear(s string, limit int) []CommuneSuggestion {
	s = strings.Join(strings.Fields(s), " ")
	m := nameDepRe.FindStringSubmatch(s)
	if m == nil {
		return SuggestCommunes(s, limit)
	}
	if limit <= 0 {
		limit = 10
	}
	var out []CommuneSuggestion
	for _, c := range SuggestCommunes(strings.TrimSpace(m[1]), maxCommuneSuggestions) {
		if c.Departement == strings.ToUpper(m[2]) && len(out) < limit {
			out = append(out, c)
		}
	}
	return out
}

// cmpBool orders true before false.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

func describeCommune(c data.Commune) string { return c.Name + " (" + c.Departement + ")" }

func parseCoords(s string) (Point, bool) {
	m := coordsDotRe.FindStringSubmatch(s)
	if m == nil {
		if m = coordsCommaRe.FindStringSubmatch(s); m == nil {
			return Point{}, false
		}
		m[1], m[2] = strings.Replace(m[1], ",", ".", 1), strings.Replace(m[2], ",", ".", 1)
	}
	lat, err1 := strconv.ParseFloat(m[1], 64)
	lon, err2 := strconv.ParseFloat(m[2], 64)
	if err1 != nil || err2 != nil {
		return Point{}, false
	}
	return Point{Lat: lat, Lon: lon}, true
}
