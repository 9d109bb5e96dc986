package crawler

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"fabrique/data"
)

// postcodeRe finds a postcode inside a longer text.
var postcodeRe = regexp.MustCompile(`\b\d{5}\b`)

// maxSnapKm is how far from the nearest commune centre coordinates may
// fall and still place a company in that commune.
const maxSnapKm = 40

// cityWithArrondissements are the communes (Paris, Lyon, Marseille) whose
// postcodes are given per municipal arrondissement.
var cityWithArrondissements = map[string]bool{"75056": true, "69123": true, "13055": true}

// place resolves a record's location against the reference data.
//
// Coordinates from the source are kept exactly (GeoExact) and the nearest
// commune gives commune, postcode, département, région and NUTS-3, unless
// that commune contradicts the postcode, département or région the source
// states: the EPV export has a block of rows whose coordinates belong to
// another company, and the stated région is then the one to trust. Without
// usable coordinates, the postcode, commune or département place the
// company at the commune's or département's centre; with only a région,
// at the centre of the région's chef-lieu département, flagged.
func (n *normalizer) place(rec Record, is *issues) data.Address {
	stated := data.Address{
		Street:       truncateRunes(plainText(strings.Join(rec[FieldStreet], ", ")), 300),
		Commune:      plainText(rec.First(FieldCommune)),
		CommuneINSEE: strings.TrimSpace(rec.First(FieldCommuneINSEE)),
		Country:      country(rec.First(FieldCountry)),
	}
	if stated.Country != "" && stated.Country != "FR" {
		is.note(FieldCountry, rec.First(FieldCountry), "adresse hors de France : non placée")
		return stated
	}
	if raw := rec.First(FieldPostcode); strings.TrimSpace(raw) != "" {
		stated.Postcode = n.postcode(raw, is)
	}
	if raw := rec.First(FieldDepartement); strings.TrimSpace(raw) != "" {
		if code, ok := n.departement(raw); ok {
			stated.Departement = code
		} else {
			is.note(FieldDepartement, raw, "département inconnu")
		}
	}
	region := ""
	if raw := rec.First(FieldRegion); strings.TrimSpace(raw) != "" {
		if r, ok := regionOf(raw); ok {
			region = r.Code
		} else {
			is.note(FieldRegion, raw, "région inconnue")
		}
	}

	if lat, lon, ok := coordinates(rec, is); ok {
		if a, ok := n.snap(stated, region, lat, lon, is); ok {
			return a
		}
	}
	if stated.Postcode != "" || stated.Commune != "" || stated.CommuneINSEE != "" || stated.Departement != "" {
		a := data.ResolveAddress(stated)
		if a.Departement != "" {
			if region != "" && a.Region != region {
				is.note(FieldRegion, rec.First(FieldRegion), "région déclarée différente de celle de l'adresse")
			}
			return a
		}
	}
	if region != "" {
		if r, ok := data.LookupRegion(region); ok {
			if c, ok := data.LookupCommune(r.ChefLieu); ok {
				stated.Departement = c.Departement
				a := data.ResolveAddress(stated)
				is.flag(FieldRegion, rec.First(FieldRegion), fmt.Sprintf(
					"seule la région %s est connue : placé au centre du département chef-lieu (%s), à préciser", r.Name, c.Departement))
				return a
			}
		}
		stated.Region = region
	}
	is.flag(FieldPostcode, "", "aucune localisation exploitable (ni coordonnées, ni code postal, ni commune, ni département)")
	return stated
}

// snap places the company at exact coordinates and the nearest commune,
// unless that commune contradicts what the source states.
func (n *normalizer) snap(stated data.Address, region string, lat, lon float64, is *issues) (data.Address, bool) {
	geo := fmt.Sprintf("%.6f, %.6f", lat, lon)
	c, d := data.NearestCommune(lat, lon)
	if d > maxSnapKm {
		is.flag(FieldGeo, geo, "coordonnées éloignées de toute commune française : position ignorée")
		return data.Address{}, false
	}
	where := fmt.Sprintf("%s (%s)", c.Name, c.Departement)
	switch {
	case stated.Postcode != "" && !servesPostcode(c, stated.Postcode) && data.DepartementOfPostcode(stated.Postcode) != c.Departement:
		is.flag(FieldGeo, geo, "coordonnées situées à "+where+", incompatibles avec le code postal "+stated.Postcode+" : position ignorée")
		return data.Address{}, false
	case stated.Departement != "" && stated.Departement != c.Departement:
		is.flag(FieldGeo, geo, "coordonnées situées à "+where+", hors du département déclaré "+stated.Departement+" : position ignorée")
		return data.Address{}, false
	case region != "" && region != c.Region:
		name := region
		if r, ok := data.LookupRegion(region); ok {
			name = r.Name
		}
		is.flag(FieldGeo, geo, "coordonnées situées à "+where+", hors de la région déclarée ("+name+") : position ignorée")
		return data.Address{}, false
	}
	a := stated
	a.CommuneINSEE, a.Commune = c.INSEE, ""
	a.Lat, a.Lon, a.Precision = lat, lon, data.GeoExact
	if a.Postcode == "" {
		a.Postcode = n.postcodeAt(c, lat, lon)
	}
	return data.ResolveAddress(a), true
}

func servesPostcode(c data.Commune, pc string) bool {
	for _, p := range c.Postcodes {
		if p == pc {
			return true
		}
	}
	return false
}

// postcodeAt returns the postcode of a point in commune c when it can be
// told: the commune's only postcode, or that of the nearest arrondissement
// in Paris, Lyon and Marseille.
func (n *normalizer) postcodeAt(c data.Commune, lat, lon float64) string {
	if len(c.Postcodes) == 1 {
		return c.Postcodes[0]
	}
	if !cityWithArrondissements[c.INSEE] {
		return ""
	}
	best, bestD := "", math.Inf(1)
	for _, a := range data.Arrondissements(c.Departement) {
		if d := data.DistanceKm(lat, lon, a.Lat, a.Lon); d < bestD && len(a.Postcodes) == 1 {
			best, bestD = a.Postcodes[0], d
		}
	}
	return best
}

// postcode cleans a postcode, restoring the leading zero that spreadsheets
// drop ("1000" → "01000").
func (n *normalizer) postcode(raw string, is *issues) string {
	pc := data.CleanDigits(strings.TrimSpace(raw))
	if !data.AllDigits(pc) { // "63300 Thiers", "CP : 63300"
		if m := postcodeRe.FindString(raw); m != "" {
			pc = m
		}
	}
	if len(pc) == 4 && data.AllDigits(pc) {
		is.note(FieldPostcode, raw, "code postal à 4 chiffres : zéro de tête restauré")
		pc = "0" + pc
	}
	if len(pc) != 5 || !data.AllDigits(pc) {
		is.note(FieldPostcode, raw, "code postal invalide : ignoré")
		return ""
	}
	return pc
}

// departement reads a département given by code ("2A", "01", "1") or name.
func (n *normalizer) departement(raw string) (string, bool) {
	s := strings.TrimSpace(raw)
	if code, _, ok := strings.Cut(s, " - "); ok { // "69 - Rhône"
		s = code
	}
	if len(s) == 1 && data.AllDigits(s) {
		s = "0" + s
	}
	if d, ok := data.LookupDepartement(s); ok {
		return d.Code, true
	}
	code, ok := n.depByName[strings.Join(data.Words(raw), " ")]
	return code, ok
}

func regionOf(raw string) (data.Region, bool) {
	if r, ok := data.RegionByName(raw); ok {
		return r, true
	}
	return data.LookupRegion(strings.TrimSpace(raw))
}

// coordinates reads lat/lon fields or a "lat, lon" geo field.
func coordinates(rec Record, is *issues) (float64, float64, bool) {
	raw := rec.First(FieldGeo)
	var lat, lon float64
	var err1, err2 error
	if strings.TrimSpace(raw) != "" {
		parts := strings.FieldsFunc(strings.Trim(strings.TrimSpace(raw), "[]()"), func(r rune) bool {
			return r == ',' || r == ';' || r == ' '
		})
		if len(parts) != 2 {
			is.note(FieldGeo, raw, "coordonnées illisibles")
			return 0, 0, false
		}
		lat, err1 = strconv.ParseFloat(parts[0], 64)
		lon, err2 = strconv.ParseFloat(parts[1], 64)
	} else {
		la, lo := strings.TrimSpace(rec.First(FieldLat)), strings.TrimSpace(rec.First(FieldLon))
		if la == "" || lo == "" {
			return 0, 0, false
		}
		raw = la + ", " + lo
		lat, err1 = strconv.ParseFloat(strings.ReplaceAll(la, ",", "."), 64)
		lon, err2 = strconv.ParseFloat(strings.ReplaceAll(lo, ",", "."), 64)
	}
	if err1 != nil || err2 != nil || math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 || (lat == 0 && lon == 0) {
		is.note(FieldGeo, raw, "coordonnées illisibles ou hors limites")
		return 0, 0, false
	}
	return lat, lon, true
}

func country(raw string) string {
	s := strings.Join(data.Words(raw), " ")
	switch s {
	case "":
		return ""
	case "fr", "fra", "france", "france metropolitaine":
		return "FR"
	}
	if len(s) == 2 {
		return strings.ToUpper(s)
	}
	return raw
}
