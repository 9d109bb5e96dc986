package web

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"fabrique/index"
)

// A search with no result says what to relax: each criterion given, with
// the number of suppliers the search finds without it (or with a wider
// radius), most fruitful first. A few counting searches, only on an empty
// page.

// relaxOption is one way out of an empty result.
type relaxOption struct {
	Text  string // « retirer le filtre Label : OFG »
	URL   string
	Count string // « 12 fournisseurs »
	n     int
}

// maxRelaxOptions bounds the suggestions (and the counting searches).
const maxRelaxOptions = 6

// relaxOptions proposes, for the criteria of p, the searches without each
// one that find suppliers.
func (s *Server) relaxOptions(ctx context.Context, p *searchParams) ([]relaxOption, error) {
	cands := placeRelaxOptions(p) // search_place.go
	if p.Text != "" {
		// Without the words, a place read in the text stays a criterion:
		// « ferronnerie Bretagne » offered « chercher sans les mots «
		// ferronnerie Bretagne » », every supplier of France.
		q, said := *p, p.Text
		if p.Place != nil {
			q, said = placeAsCriterion(p), p.Place.Rest
		}
		q.Text, q.Page = "", 1
		if n := len(strings.Fields(said)); n == 1 {
			cands = append(cands, relaxOption{Text: "chercher sans le mot « " + said + " »", URL: q.link(searchPath)})
		} else if n > 1 {
			cands = append(cands, relaxOption{Text: "chercher sans les mots « " + said + " »", URL: q.link(searchPath)})
		}
		// Without a place read in the text, dropping the only word leaves
		// nothing; with one, the place alone is a search of its own.
		words, base, least := strings.Fields(p.Text), *p, 2
		if p.Place != nil {
			words, base, least = strings.Fields(p.Place.Rest), placeAsCriterion(p), 1
		}
		if len(words) >= least {
			for _, w := range words {
				q := base
				q.Text, q.Page = strings.Join(withoutWord(words, w), " "), 1
				cands = append(cands, relaxOption{Text: "chercher sans le mot « " + w + " »", URL: q.link(searchPath)})
			}
		}
	}
	if p.Near != "" && p.RadiusKm > 0 {
		q := *p
		q.RadiusKm, q.Page = p.RadiusKm*4, 1
		if q.RadiusKm > index.MaxRadiusKm {
			q.RadiusKm = 0
		}
		text := "élargir le rayon à " + formatKm(q.RadiusKm) + " autour de " + p.Near
		if q.RadiusKm == 0 {
			text = "chercher à toutes distances de " + p.Near
		}
		cands = append(cands, relaxOption{Text: text, URL: q.link(searchPath)})
	}
	for _, f := range activeFilters(p, searchPath) {
		cands = append(cands, relaxOption{Text: "retirer le critère " + f.Legend + " : " + f.Label, URL: f.RemoveURL})
	}
	var out []relaxOption
	seen := map[string]bool{}
	for _, c := range cands {
		if len(out) == maxRelaxOptions {
			break
		}
		if seen[c.URL] {
			continue // two ways to the same search
		}
		seen[c.URL] = true
		n, err := s.countAt(ctx, c.URL)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			c.n, c.Count = n, pluralFR(n, "fournisseur", "fournisseurs")
			out = append(out, c)
		}
	}
	// Most fruitful first, stable for equal counts.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].n > out[j-1].n; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

// countAt counts the suppliers the search at link finds.
func (s *Server) countAt(ctx context.Context, link string) (int, error) {
	u, err := url.Parse(link)
	if err != nil {
		return 0, nil
	}
	params, err := parseSearchParams(u.Query(), pageDialect)
	if err != nil {
		return 0, nil // not a search we can count: not proposed
	}
	q, _, err := params.query()
	if err != nil {
		return 0, nil
	}
	q.PerPage, q.Facets, q.Highlight = 1, false, false
	res, err := s.index.Search(ctx, q)
	if err != nil {
		if isInvalid(err) {
			return 0, nil
		}
		return 0, err
	}
	return int(res.Total), nil
}

// placeAsCriterion is p with the place read in its text given as an
// explicit criterion instead (near a commune, a département, a région),
// so that it holds whatever words remain: a text that is only a place is
// searched as words, never read as a place.
func placeAsCriterion(p *searchParams) searchParams {
	q := *p
	switch p.Place.Kind {
	case index.PlaceCommune:
		q.Near = p.Place.Label // "Lyon (69)", which ResolveNear reads back
	case index.PlaceDepartement:
		q.Departements = []string{p.Place.Code}
	case index.PlaceRegion:
		q.Regions = []string{p.Place.Code}
	case index.PlaceFormerRegion:
		q.Departements = slices.Clone(p.Place.Departements)
	}
	q.Place = nil
	return q
}

func withoutWord(words []string, w string) []string {
	var out []string
	for _, x := range words {
		if x != w {
			out = append(out, x)
		}
	}
	return out
}
