package match

import (
	"math"
	"strconv"
	"strings"

	"fabrique/data"
)

// Distance decay of the geography component, exp(-d/scale): at the scale
// the component has fallen to 37 %. For works the scale is the mean
// distance between buyer and winner in the 8 846 placed rows of the DECP
// works file (decp_2024H2_travaux_cpv4521, all winners, not only the
// directory's): 63 % of contracts go to a firm of the buyer's own
// département (≈ 40 km apart on average), the others 200 km on average,
// ≈ 100 km in all, which is the maximum-likelihood scale of an
// exponential. Services need visits but less often; supplies are
// shipped, and distance matters only mildly: their scales are set wider
// on that principle (no placed DECP file of supplies is at hand).
// The works scale is then stretched or shrunk by the kind of work (the
// need's CPV code, data.WorksReach: historic monuments 1.39, building
// works in general 0.88) or by the rarity of the candidate's trade
// (ReachStretch), whichever is larger (reachFactor).
const (
	decayWorksKm    = 100.0
	decayServicesKm = 200.0
	decaySuppliesKm = 400.0
)

// Values of the geography component when the distance says nothing.
const (
	GeoNoPlace         = 0.5 // the tender has no place: the same for all
	GeoUnknownSupplier = 0.3 // the supplier cannot be placed: below a near one
	// areaMissFactor discounts the decay when the supplier declared a
	// service area that does not cover the place: its own word that it
	// seldom goes there.
	areaMissFactor = 0.5
)

// geoFit is the geography component.
type geoFit struct {
	value   float64
	dist    float64
	hasDist bool
	area    string // the declared service area covering the place, in French
	said    bool   // false when the value is neutral and there is nothing to say
}

// wins tells that the candidate's trade is known to win awards of the
// need's CPV division (a learned link): only then is its reach stretched
// by its rarity (ReachStretch), since the measure behind it is how far
// the winners of a work travel.
func geography(n *Need, c *Candidate, wins bool) geoFit {
	if !n.HasPoint {
		return geoFit{value: GeoNoPlace}
	}
	var g geoFit
	if c.HasPoint {
		g.dist, g.hasDist = data.DistanceKm(n.Place.Lat, n.Place.Lon, c.lat, c.lon), true
	}
	covers, detail, declared := ServiceAreaCovers(c.sup.ServiceArea, n.Place, g.dist, g.hasDist)
	switch {
	case covers:
		g.value, g.area, g.said = 1, detail, true
	case g.hasDist:
		g.value, g.said = math.Exp(-g.dist/(DecayScale(n.nature)*reachFactor(n, c, wins))), true
		if declared {
			g.value *= areaMissFactor
		}
	default:
		g.value = GeoUnknownSupplier
	}
	return g
}

// reasons explains the component; each reason's Weight is the share of
// the component it stands for.
func (g geoFit) reasons() []data.Reason {
	var out []data.Reason
	if g.area != "" {
		out = append(out, data.Reason{Kind: data.ReasonServiceArea, Detail: g.area, Weight: 1})
	}
	if g.hasDist && g.said {
		w := 1.0
		if g.area != "" {
			w = 0 // the service area is the reason; the distance is told for information
		}
		out = append(out, data.Reason{Kind: data.ReasonDistance, DistanceKm: g.dist, Weight: w})
	}
	return out
}

func DecayScale(n data.Nature) float64 {
	switch n {
	case data.NatureSupplies:
		return decaySuppliesKm
	case data.NatureServices:
		return decayServicesKm
	}
	return decayWorksKm // works, and unknown: the strictest
}

// DecayScaleFor is DecayScale for a contract of that CPV code: works are
// stretched or shrunk by the kind of work (data.WorksReach) as in the
// buyer's shortlist, so that a company's list of tenders and the buyer's
// shortlist agree on how far such works travel. Without a nature, the
// code's own family decides (4521* are works).
func DecayScaleFor(n data.Nature, cpv string) float64 {
	scale := DecayScale(n)
	if n == data.NatureWorks || n == "" {
		if f, ok := data.WorksReach(cpv); ok {
			scale *= f
		}
	}
	return scale
}

// SupplierPoint is where the supplier works from: its address, else its
// head office, else the centre of its commune or département.
func SupplierPoint(s data.Supplier) (lat, lon float64, ok bool) {
	if s.Address.HasGeo() && ValidLatLon(s.Address.Lat, s.Address.Lon) {
		return s.Address.Lat, s.Address.Lon, true
	}
	if e, found := s.HeadOffice(); found && e.Address.HasGeo() && ValidLatLon(e.Address.Lat, e.Address.Lon) {
		return e.Address.Lat, e.Address.Lon, true
	}
	if s.Address.Postcode != "" || s.Address.CommuneINSEE != "" || s.Address.Departement != "" {
		a := data.ResolveAddress(s.Address)
		if a.HasGeo() && ValidLatLon(a.Lat, a.Lon) {
			return a.Lat, a.Lon, true
		}
	}
	return 0, 0, false
}

// ServiceAreaCovers reports whether the declared service area covers the
// place, with its French description, and whether an area was declared.
func ServiceAreaCovers(a data.ServiceArea, p data.Place, dist float64, hasDist bool) (covers bool, detail string, declared bool) {
	switch a.Kind {
	case data.ServiceAreaFrance:
		return true, "France entière", true
	case data.ServiceAreaRadius:
		if a.RadiusKm <= 0 {
			return false, "", false
		}
		return hasDist && dist <= a.RadiusKm, "rayon de " + formatInt(a.RadiusKm) + " km", true
	case data.ServiceAreaDepartements:
		if len(a.Codes) == 0 {
			return false, "", false
		}
		word := "département "
		if len(a.Codes) > 1 {
			word = "départements "
		}
		return containsFold(a.Codes, p.Departement), word + strings.Join(CapList(a.Codes), ", "), true
	case data.ServiceAreaRegions:
		if len(a.Codes) == 0 {
			return false, "", false
		}
		region := ""
		if d, ok := data.LookupDepartement(p.Departement); ok {
			region = d.Region
		}
		names := make([]string, 0, len(a.Codes))
		for _, code := range CapList(a.Codes) {
			if r, ok := data.LookupRegion(code); ok {
				names = append(names, r.Name)
			} else {
				names = append(names, code)
			}
		}
		word := "région "
		if len(names) > 1 {
			word = "régions "
		}
		return region != "" && containsFold(a.Codes, region), word + strings.Join(names, ", "), true
	}
	return false, "", false
}

func containsFold(list []string, s string) bool {
	if s == "" {
		return false
	}
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), s) {
			return true
		}
	}
	return false
}

func formatInt(v float64) string { return strconv.FormatInt(int64(math.Round(v)), 10) }
