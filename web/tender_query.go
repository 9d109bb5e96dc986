package web

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fabrique/data"
	"fabrique/index"
)

// tenderSearch are the criteria of a tender list beyond état, CPV,
// département and deadline: words, procedure, type of contract, région,
// source, buyer, publication and value ranges, a place with a radius, the
// order, and (API) whether to count facets. The page and the API read the
// same parameters.
type tenderSearch struct {
	Text       string
	Procedures []string
	Natures    []string
	Regions    []string
	Sources    []string
	Buyers     []string
	LotsOnly   bool

	PubFrom, PubTo       time.Time
	PubFromRaw, PubToRaw string
	ValueMin, ValueMax   float64

	Near      string       // as typed
	NearPoint *index.Point // resolved
	NearLabel string       // « Lyon (69) »
	RadiusKm  float64

	Sort   string // "", deadline, published, relevance, distance
	Facets bool   // API: count facets
}

// tenderSearchParamNames are the parameters tenderSearch reads.
func tenderSearchParamNames() []string {
	return []string{"q", "procedure", "nature", "region", "source", "buyer", "lots", "published_from", "published_to",
		"value_min", "value_max", "near", "radius_km", "sort", "facets"}
}

// Tender sorts, as URLs name them.
var tenderSorts = map[string]index.TenderSort{
	"":          index.SortTenderDefault,
	"deadline":  index.SortTenderDeadline,
	"published": index.SortTenderPublished,
	"relevance": index.SortTenderRelevance,
	"distance":  index.SortTenderDistance,
}

var sourceRe = regexp.MustCompile(`^[a-z]{2,20}$`)

// Bounds of free-text tender criteria.
const (
	maxBuyerRunes   = 200
	maxTenderValues = 20
)

// parse reads the criteria; errors wrap a *data.ValidationError naming the
// parameter.
func (s *tenderSearch) parse(v url.Values, d dialect) error {
	s.Text = strings.Join(strings.Fields(strings.ToValidUTF8(v.Get("q"), " ")), " ")
	if utf8.RuneCountInString(s.Text) > maxTextRunes {
		return badParam("q", "", fmt.Sprintf("la recherche est limitée à %d caractères", maxTextRunes))
	}
	lists := []struct {
		name string
		dst  *[]string
		norm func(string) (string, string) // value, or "" and the French reason
	}{
		{"procedure", &s.Procedures, func(raw string) (string, string) {
			if k := strings.ToLower(raw); data.ProcedureLabel(k) != "" {
				return k, ""
			}
			return "", "procédure « " + raw + " » inconnue : " + strings.Join(data.ProcedureKinds(), ", ")
		}},
		{"nature", &s.Natures, func(raw string) (string, string) {
			if n := data.Nature(strings.ToLower(raw)); n.Label() != "" {
				return string(n), ""
			}
			return "", "type de marché « " + raw + " » inconnu : works (travaux), supplies (fournitures) ou services"
		}},
		{"region", &s.Regions, func(raw string) (string, string) {
			if r, ok := data.LookupRegion(raw); ok {
				return r.Code, ""
			}
			return "", "région « " + raw + " » inconnue : indiquez son code (84, 11, 93)"
		}},
		{"source", &s.Sources, func(raw string) (string, string) {
			if k := strings.ToLower(raw); sourceRe.MatchString(k) {
				return k, ""
			}
			return "", "source « " + raw + " » invalide : boamp, ted, ocds…"
		}},
		{"buyer", &s.Buyers, func(raw string) (string, string) {
			if utf8.RuneCountInString(raw) <= maxBuyerRunes {
				return strings.Join(strings.Fields(strings.ToValidUTF8(raw, " ")), " "), ""
			}
			return "", "nom d'acheteur trop long"
		}},
	}
	for _, l := range lists {
		if len(v[l.name]) > maxTenderValues {
			return badParam(l.name, "", fmt.Sprintf("au plus %d valeurs", maxTenderValues))
		}
		for _, raw := range v[l.name] {
			if raw = strings.TrimSpace(raw); raw == "" {
				continue
			}
			val, why := l.norm(raw)
			if why != "" {
				return badParam(l.name, raw, why)
			}
			*l.dst = appendNew(*l.dst, val)
		}
	}
	var err error
	if s.LotsOnly, err = boolParam(v, "lots"); err != nil {
		return err
	}
	if s.PubFrom, s.PubFromRaw, err = dayParam(v, "published_from"); err != nil {
		return err
	}
	if s.PubTo, s.PubToRaw, err = dayParam(v, "published_to"); err != nil {
		return err
	}
	if !s.PubFrom.IsZero() && !s.PubTo.IsZero() && s.PubTo.Before(s.PubFrom) {
		return badParam("published_to", s.PubToRaw, "la fin de la période précède son début")
	}
	if s.ValueMin, err = euroParam(v, "value_min"); err != nil {
		return err
	}
	if s.ValueMax, err = euroParam(v, "value_max"); err != nil {
		return err
	}
	if s.ValueMax > 0 && s.ValueMax < s.ValueMin {
		return badParam("value_max", v.Get("value_max"), "le montant maximal est inférieur au montant minimal")
	}
	if err := s.parsePlace(v, d); err != nil {
		return err
	}
	s.Sort = strings.TrimSpace(v.Get("sort"))
	if _, ok := tenderSorts[s.Sort]; !ok {
		return badParam("sort", s.Sort, "tri « "+s.Sort+" » inconnu : deadline (date limite), published (publication), relevance (pertinence) ou distance")
	}
	if s.Sort == "distance" && s.NearPoint == nil {
		return badParam("sort", s.Sort, "le tri par distance demande un lieu : indiquez une commune, un code postal ou des coordonnées")
	}
	if d == apiDialect {
		if s.Facets, err = boolParam(v, "facets"); err != nil {
			return err
		}
	}
	return nil
}

// parsePlace reads near and radius_km.
func (s *tenderSearch) parsePlace(v url.Values, d dialect) error {
	s.Near = strings.Join(strings.Fields(strings.ToValidUTF8(v.Get("near"), " ")), " ")
	if raw := strings.TrimSpace(v.Get("radius_km")); raw != "" {
		km, err := strconv.ParseFloat(strings.Replace(raw, ",", ".", 1), 64)
		if err != nil || km < 0 || km > index.MaxRadiusKm || km != km {
			return badParam("radius_km", raw, fmt.Sprintf("le rayon doit être un nombre de kilomètres entre 0 et %g", index.MaxRadiusKm))
		}
		s.RadiusKm = km
	}
	if s.Near == "" {
		if s.RadiusKm > 0 && d == apiDialect {
			return badParam("radius_km", "", "un rayon demande un lieu : indiquez une commune, un code postal ou des coordonnées")
		}
		s.RadiusKm = 0 // the form's radius list always sends a value
		return nil
	}
	pt, label, err := index.ResolveNear(s.Near)
	if err != nil {
		return badParam("near", s.Near, invalidMessage(err))
	}
	s.NearPoint, s.NearLabel = &pt, label
	return nil
}

// boolParam reads a switch: "1", "true", "oui" or "on" (a checkbox).
func boolParam(v url.Values, name string) (bool, error) {
	switch raw := strings.ToLower(strings.TrimSpace(v.Get(name))); raw {
	case "":
		return false, nil
	case "1", "true", "oui", "on":
		return true, nil
	case "0", "false", "non", "off":
		return false, nil
	default:
		return false, badParam(name, raw, "« "+name+" » attend true ou false")
	}
}

// euroParam reads an amount in euros ("150000", "150 000", "1,5e5").
func euroParam(v url.Values, name string) (float64, error) {
	raw := strings.TrimSpace(v.Get(name))
	if raw == "" {
		return 0, nil
	}
	clean := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "", ",", ".").Replace(raw)
	x, err := strconv.ParseFloat(clean, 64)
	if err != nil || x < 0 || x != x || x > 1e13 {
		return 0, badParam(name, raw, "montant « "+raw+" » invalide : un nombre d'euros positif (150000)")
	}
	return x, nil
}

func (s *tenderSearch) hasCriteria() bool {
	return s.Text != "" || len(s.Procedures)+len(s.Natures)+len(s.Regions)+len(s.Sources)+len(s.Buyers) > 0 || s.LotsOnly ||
		s.PubFromRaw != "" || s.PubToRaw != "" || s.ValueMin > 0 || s.ValueMax > 0 || s.Near != "" || s.Sort != ""
}

// addValues writes the criteria back as URL parameters.
func (s *tenderSearch) addValues(v url.Values) {
	if s.Text != "" {
		v.Set("q", s.Text)
	}
	for name, list := range map[string][]string{"procedure": s.Procedures, "nature": s.Natures, "region": s.Regions, "source": s.Sources, "buyer": s.Buyers} {
		for _, x := range list {
			v.Add(name, x)
		}
	}
	if s.LotsOnly {
		v.Set("lots", "1")
	}
	if s.PubFromRaw != "" {
		v.Set("published_from", s.PubFromRaw)
	}
	if s.PubToRaw != "" {
		v.Set("published_to", s.PubToRaw)
	}
	if s.ValueMin > 0 {
		v.Set("value_min", strconv.FormatFloat(s.ValueMin, 'f', -1, 64))
	}
	if s.ValueMax > 0 {
		v.Set("value_max", strconv.FormatFloat(s.ValueMax, 'f', -1, 64))
	}
	if s.Near != "" {
		v.Set("near", s.Near)
		if s.RadiusKm > 0 {
			v.Set("radius_km", strconv.FormatFloat(s.RadiusKm, 'f', -1, 64))
		}
	}
	if s.Sort != "" {
		v.Set("sort", s.Sort)
	}
}

// query is the index query of the whole filter, statuses at now.
func (f *tenderFilter) query(now time.Time) index.TenderQuery {
	q := index.TenderQuery{Text: f.Text, CPV: f.CPV, Departements: f.Departements, Procedures: f.Procedures,
		Natures: f.Natures, Regions: f.Regions, Sources: f.Sources, Buyers: f.Buyers, LotsOnly: f.LotsOnly,
		PublishedFrom: f.PubFrom, ValueMin: f.ValueMin, ValueMax: f.ValueMax,
		Near: f.NearPoint, RadiusKm: f.RadiusKm, Sort: tenderSorts[f.Sort], Page: f.Page, PerPage: f.PerPage,
		Facets: f.Facets, At: now}
	switch f.State {
	case tenderOpen:
		q.Statuses = []data.TenderStatus{data.StatusOpen}
	case tenderClosed:
		q.Statuses = []data.TenderStatus{data.StatusClosed, data.StatusAwarded, data.StatusCancelled}
	case tenderAll:
	default:
		q.Statuses = []data.TenderStatus{data.TenderStatus(f.State)}
	}
	// Days are inclusive: the range ends at the next midnight in Paris.
	q.DeadlineFrom = f.From
	if !f.To.IsZero() {
		q.DeadlineTo = f.To.AddDate(0, 0, 1)
	}
	if !f.PubTo.IsZero() {
		q.PublishedTo = f.PubTo.AddDate(0, 0, 1)
	}
	return q
}
