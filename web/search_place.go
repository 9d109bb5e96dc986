package web

import (
	"net/url"
	"strings"

	"fabrique/data"
	"fabrique/index"
)

// A place typed at the end of the search text ("menuiserie Lyon") becomes
// a place filter (index.FindTextPlace says what is recognised): a commune
// is a circle of defaultRadiusKm around it, a département or a région a
// filter on it; in every case relevance ties break by distance from the
// place. The page shows it as a chip whose link searches the same text
// with the place off (lieu=non), its words then searched as text.

// Parameters that turn the recognition of a place in the text off.
const (
	pagePlaceParam = "lieu"
	pagePlaceOff   = "non"
	apiPlaceParam  = "place"
	apiPlaceOff    = "off"
)

// findPlace recognises a place at the end of p.Text, unless the request
// turns it off or already names a place (near, région or département):
// an explicit criterion wins over a guess.
func (p *searchParams) findPlace(v url.Values, d dialect) error {
	name, off := pagePlaceParam, pagePlaceOff
	if d == apiDialect {
		name, off = apiPlaceParam, apiPlaceOff
	}
	switch raw := strings.TrimSpace(v.Get(name)); raw {
	case "":
	case off:
		p.NoPlace = true
		return nil
	default:
		if d == apiDialect && raw == "auto" {
			break
		}
		return badParam(name, raw, "valeur inconnue : « "+off+" » cherche les mots du lieu comme du texte")
	}
	if p.Text == "" || p.Near != "" || len(p.Regions) > 0 || len(p.Departements) > 0 {
		return nil
	}
	if tp, ok := index.FindTextPlace(p.Text); ok {
		p.Place = &tp
		// Around a commune, the radius chosen, else the form's default.
		if p.placeIsCommune() && strings.TrimSpace(v.Get("radius_km")) == "" {
			p.RadiusKm = defaultRadiusKm
		}
	}
	return nil
}

// placeIsCommune reports whether the place read in the text is a commune,
// searched within p.RadiusKm of it (0: at every distance).
func (p *searchParams) placeIsCommune() bool {
	return p.Place != nil && p.Place.Kind == index.PlaceCommune
}

// placeQuery applies p.Place to q, a commune as a circle of p.RadiusKm.
func (p *searchParams) placeQuery(q index.Query) index.Query {
	return p.Place.Apply(q, p.RadiusKm)
}

// placeChip is the place recognised in the text, as the page shows it.
type placeChip struct {
	Text  string // the words that named it, "Lyon"
	Label string // "à moins de 50 km de Lyon (69)", "département : Ille-et-Vilaine (35)"
	// Heading follows the count of results: "3 fournisseurs en région
	// Bretagne", where Label read "3 fournisseurs région : Bretagne".
	Heading   string
	RemoveURL string // the same search, the words as text
}

// newPlaceChip describes p.Place, nil without one.
func newPlaceChip(p *searchParams, path string) *placeChip {
	if p.Place == nil {
		return nil
	}
	label := p.Place.Label
	var heading string
	switch p.Place.Kind {
	case index.PlaceCommune:
		if p.RadiusKm > 0 {
			label = "à moins de " + formatKm(p.RadiusKm) + " de " + label
		} else {
			label = "autour de " + label
		}
		heading = label
	case index.PlaceDepartement:
		label, heading = "département : "+label, "dans le département "+label
	case index.PlaceRegion:
		label, heading = "région : "+label, "en région "+label
	case index.PlaceFormerRegion:
		deps := departementNames(p.Place.Departements)
		label, heading = "ancienne région : "+label+", soit "+deps, "dans l'ancienne région "+label+" : "+deps
	default:
		heading = label
	}
	q := *p
	q.Place, q.NoPlace, q.Page, q.ByDistance, q.RadiusKm = nil, true, 1, false, 0
	return &placeChip{Text: p.Place.Text, Label: label, Heading: heading, RemoveURL: q.link(path)}
}

// apiTextPlace is the place recognised in the text, in the API's answer.
type apiTextPlace struct {
	Text  string `json:"text"`
	Kind  string `json:"kind"`
	Code  string `json:"code"`
	Label string `json:"label"`
	// Departements are the départements searched for an ancienne_region.
	Departements []string `json:"departements,omitempty"`
	RadiusKm     float64  `json:"radius_km"`
	// Without is the query string of the same search with the place's
	// words as text.
	Without string `json:"without"`
}

// newAPITextPlace describes p.Place for the API, nil without one.
func newAPITextPlace(p *searchParams, v url.Values) *apiTextPlace {
	if p.Place == nil {
		return nil
	}
	out := &apiTextPlace{Text: p.Place.Text, Kind: p.Place.Kind, Code: p.Place.Code, Label: p.Place.Label,
		Departements: p.Place.Departements}
	if p.placeIsCommune() {
		out.RadiusKm = p.RadiusKm
	}
	w := url.Values{}
	for k, vals := range v {
		if k != "page" {
			w[k] = vals
		}
	}
	w.Set(apiPlaceParam, apiPlaceOff)
	out.Without = "?" + w.Encode()
	return out
}

// placeRelaxOptions are the ways out of an empty result that a place read
// in the text offers: its words searched everywhere, and, for a commune, a
// wider circle around it.
func placeRelaxOptions(p *searchParams) []relaxOption {
	if p.Place == nil {
		return nil
	}
	rest := *p
	rest.Text, rest.Place, rest.Page, rest.ByDistance, rest.RadiusKm = p.Place.Rest, nil, 1, false, 0
	out := []relaxOption{{Text: "chercher « " + p.Place.Rest + " » partout en France", URL: rest.link(searchPath)}}
	if p.placeIsCommune() && p.RadiusKm > 0 && p.RadiusKm < relaxPlaceRadiusKm {
		wide := rest
		wide.Near, wide.RadiusKm = p.Place.Label, relaxPlaceRadiusKm
		out = append(out, relaxOption{Text: "élargir à " + formatKm(relaxPlaceRadiusKm) + " autour de " + p.Place.Label,
			URL: wide.link(searchPath)})
	}
	return out
}

// relaxPlaceRadiusKm is the wider circle proposed around a commune read in
// the text when nothing is found within defaultRadiusKm.
const relaxPlaceRadiusKm = 200

// departementNames names départements with their numbers, in French:
// « Bas-Rhin (67) et Haut-Rhin (68) ».
func departementNames(codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = c
		if d, ok := data.LookupDepartement(c); ok {
			names[i] = d.Name + " (" + c + ")"
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " et " + names[len(names)-1]
}
