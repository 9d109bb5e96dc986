package web

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/index"
)

// searchPath is the search page; its exports hang under it.
const searchPath = "/recherche"

// searchPage is the typed page of search.html.
type searchPage struct {
	Layout
	Params    searchParams // echoed into the form
	NearLabel string       // the place as understood, "Lyon (69)"
	// Place is the place recognised in the text, shown as a chip.
	Place *placeChip
	// Error explains an invalid criterion; ErrorField is its parameter.
	Error      string
	ErrorField string
	// NearChoices are communes spelt like an unknown place.
	NearChoices []nearChoice
	// Homonyms are the other communes of the name searched around
	// (homonyms): Saint-Denis is La Réunion's unless the buyer says 93.
	Homonyms []nearChoice

	Total     int
	TotalText string // "1 291 fournisseurs"
	Range     string // "1 à 20"
	Relaxed   bool
	Results   []resultView
	Relax     []relaxOption // ways out of an empty result (search_relax.go)
	Facets    []facetGroup
	Active    []activeFilter
	Map       *mapView
	Pages     pagination
	Radii     []radiusOption
	CSVURL    string
	ReportURL string
	ClearURL  string
}

// nearChoice is a commune proposed for a place Fabrique did not know.
type nearChoice struct {
	Label, URL string
}

// radiusOption is one choice of the "Autour de" radius.
type radiusOption struct {
	Value    string // km, "0" for every distance
	Label    string
	Selected bool
}

// radiusChoices are the radii offered, in km; 0 keeps every distance.
func radiusChoices() []float64 { return []float64{0, 10, 25, 50, 100, 200} }

// defaultRadiusKm is the radius of a search around a place when the
// form's radius was left at its default (an empty value).
const defaultRadiusKm = 50

// search is the buyers' search page: query, facets, radius around a place,
// results with highlights, map and pagination. It works without
// JavaScript: the whole page is one GET form.
func (s *Server) search(c *fiber.Ctx) error {
	p := &searchPage{Layout: Layout{Title: "Rechercher des fournisseurs"}, ClearURL: searchPath}
	params, err := parseSearchParams(queryValues(c), pageDialect)
	// A page beyond what the index lets browse (page=999 of a search of
	// 73 suppliers, from an old link) is searched as the first, to tell
	// whether it lies past the last page; only then is the window's
	// limit the answer.
	past, windowErr := 0, err
	if err != nil && validationField(err) == "page" && params.Page*params.PerPage > index.MaxResultWindow {
		past, params.Page, err = params.Page, 1, nil
	}
	p.Params = params
	var q index.Query
	if err == nil {
		q, p.NearLabel, err = params.query()
		if p.Place = newPlaceChip(&params, searchPath); p.Place != nil {
			p.NearLabel = "" // the chip says it
		}
	}
	if err != nil {
		return s.searchInvalid(c, p, err)
	}
	q.Facets, q.Highlight = true, true
	res, err := s.index.Search(c.UserContext(), q)
	if err != nil {
		if errors.Is(err, data.ErrInvalid) {
			return s.searchInvalid(c, p, err)
		}
		return fmt.Errorf("web: search: %w", err)
	}
	if past > 0 {
		if int(res.Total) > (past-1)*params.PerPage {
			p.Params.Page = past
			return s.searchInvalid(c, p, windowErr)
		}
		params.Page, p.Params.Page, res.Hits = past, past, nil
	}
	s.fillSearchPage(p, &params, res)
	p.Homonyms = homonyms(&params, p.NearLabel)
	if err := s.resultStates(c.UserContext(), p.Results); err != nil {
		return err
	}
	if p.Total == 0 && (params.Text != "" || params.hasFilters() || params.Near != "") {
		if p.Relax, err = s.relaxOptions(c.UserContext(), &params); err != nil {
			return err
		}
	}
	if params.Text != "" || params.hasFilters() || params.Near != "" {
		p.Title = titleWithWords("Recherche", params.Text) + " : " + pluralFR(p.Total, "fournisseur", "fournisseurs")
		if params.Page > 1 {
			p.Title += " (page " + strconv.Itoa(params.Page) + ")"
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return s.render(c, fiber.StatusOK, "search", p)
}

// maxHomonyms caps the other communes of a name offered.
const maxHomonyms = 5

// homonyms lists the other communes named like the commune searched
// around, typed in « Autour de » or read in the text: index.ResolveNear
// takes the most populous (« Saint-Denis » is Saint-Denis (974)), and the
// buyer of Saint-Denis (93) saw suppliers around La Réunion with no way
// to the right one but retyping. chosen is the commune searched around,
// « Saint-Denis (974) ». Each link searches around one of them.
func homonyms(p *searchParams, chosen string) []nearChoice {
	name, at := "", func(string) string { return "" }
	switch {
	case p.Place != nil && p.Place.Kind == index.PlaceCommune:
		name, chosen = p.Place.Text, p.Place.Label
		at = func(label string) string {
			q := placeAsCriterion(p)
			q.Text, q.Near, q.Page = p.Place.Rest, label, 1
			return q.link(searchPath)
		}
	case p.Near != "" && p.Place == nil:
		name = p.Near
		at = func(label string) string {
			q := *p
			q.Near, q.Page = label, 1
			return q.link(searchPath)
		}
	default:
		return nil
	}
	var out []nearChoice
	for _, c := range data.FindCommunes(name) {
		label := c.Name + " (" + c.Departement + ")"
		if !c.HasGeo || label == chosen {
			continue
		}
		out = append(out, nearChoice{Label: label, URL: at(label)})
		if len(out) == maxHomonyms {
			break
		}
	}
	return out
}

// searchInvalid shows the form again with the message of an invalid
// criterion (400), and for an unknown place the communes spelt like it.
func (s *Server) searchInvalid(c *fiber.Ctx, p *searchPage, err error) error {
	var ve *data.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	p.Error, p.ErrorField = ve.Message, ve.Field
	if ve.Field == "near" && p.Params.Near != "" {
		for _, cs := range index.SuggestNear(p.Params.Near, 5) {
			q := p.Params
			q.Near, q.Page = cs.Label, 1
			p.NearChoices = append(p.NearChoices, nearChoice{Label: cs.Label, URL: q.link(searchPath)})
		}
	}
	p.Radii = radiusOptions(&p.Params)
	p.Title = "Recherche : critère à corriger"
	return s.render(c, fiber.StatusBadRequest, "search", p)
}

// fillSearchPage prepares results, facets, map and links.
func (s *Server) fillSearchPage(p *searchPage, params *searchParams, res index.Results) {
	p.Total = int(res.Total)
	p.TotalText = pluralFR(p.Total, "fournisseur", "fournisseurs")
	if len(res.Hits) > 0 {
		first := (params.Page-1)*params.PerPage + 1
		p.Range = formatNumber(first) + " à " + formatNumber(first+len(res.Hits)-1)
	}
	p.Relaxed = res.Relaxed
	var places []mapPlace
	for i, h := range res.Hits {
		r := newResultView((params.Page-1)*params.PerPage+i+1, h)
		p.Results = append(p.Results, r)
		if h.HasGeo {
			places = append(places, mapPlace{N: r.N, Title: strconv.Itoa(r.N) + ". " + h.Name + " — " + r.Place,
				Lat: h.Lat, Lon: h.Lon})
		}
	}
	p.Facets = facetGroups(res.Facets, params)
	p.Active = activeFilters(params, searchPath)
	p.Map = s.maps.searchMap(res.Facets["departement"], places, p.Total)
	p.Map.useOutlines(s.mapOutlines)
	p.Pages = newPagination(params, p.Total, searchPath)
	p.Radii = radiusOptions(params)
	export := *params
	export.Page = 1
	p.CSVURL = export.link(searchPath + ".csv")
	p.ReportURL = export.link(searchPath + "/rapport")
}

// radiusOptions are the radius choices, the one in force selected; a
// radius given in the URL that is not a usual choice is added.
func radiusOptions(p *searchParams) []radiusOption {
	var out []radiusOption
	selected := p.RadiusKm
	choices := radiusChoices()
	switch {
	case p.Near == "" && !p.placeIsCommune():
		// No place that a radius applies to (none, or a région or a
		// département read in the text): no radius is in force, and the
		// page must not show one. The empty value stands for the default
		// a place typed later will take (parseSearchParams reads it so).
		out = append(out, radiusOption{Value: "", Label: "aucun (sans lieu)", Selected: true})
		selected = -1
	case !slices.Contains(choices, selected):
		choices = append(choices, selected)
		slices.Sort(choices)
	}
	for _, km := range choices {
		label := "toutes distances"
		if km > 0 {
			label = formatKm(km)
		}
		out = append(out, radiusOption{Value: strconv.FormatFloat(km, 'f', -1, 64), Label: label, Selected: km == selected})
	}
	return out
}

// titleWithWords begins the title of a page of results with the words
// searched, as typed (cut after 60 characters): « Recherche « menuiserie » ».
// Each search then has its own title in the browser's tabs and history,
// and a screen reader, which reads the title first, says what was found.
func titleWithWords(what, text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return what
	}
	if r := []rune(text); len(r) > 60 {
		text = strings.TrimSpace(string(r[:60])) + "…"
	}
	return what + " « " + text + " »"
}
