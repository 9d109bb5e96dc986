package web

import (
	"strings"

	"fabrique/index"
)

// tenderFacetLegends are the facets of the tenders page, in order, by
// facet name, with their French legends.
func tenderFacetLegends() []struct{ name, legend string } {
	return []struct{ name, legend string }{
		{"procedure", "Procédure"},
		{"nature", "Type de marché"},
		{"cpv_division", "Achats (division CPV)"},
		{"region", "Région d'exécution"},
		{"source", "Source"},
		{"buyer", "Acheteur"},
	}
}

// tenderFacetParam is the URL parameter a tender facet's values go to.
func tenderFacetParam(facet string) string {
	if facet == "cpv_division" {
		return "cpv"
	}
	return facet
}

// tenderFacetGroups builds the checkbox facets of the tenders page.
func tenderFacetGroups(facets index.Facets, f *tenderFilter) []facetGroup {
	checked := func(facet string) []string {
		switch facet {
		case "procedure":
			return f.Procedures
		case "nature":
			return f.Natures
		case "region":
			return f.Regions
		case "source":
			return f.Sources
		case "buyer":
			return f.Buyers
		case "cpv_division":
			var divs []string
			for _, c := range f.CPV {
				if len(c) == 2 {
					divs = append(divs, c)
				}
			}
			return divs
		}
		return nil
	}
	display := func(facet string, c index.FacetCount) string {
		label := index.TenderFacetLabel(facet, c.Value)
		switch facet {
		case "cpv_division", "region":
			return c.Value + " – " + sentenceCase(strings.TrimSpace(label))
		}
		return label
	}
	groups := buildFacetGroups(facets, tenderFacetLegends(), checked, display)
	for i := range groups {
		groups[i].Name = tenderFacetParam(groups[i].Name)
		for j := range groups[i].Top {
			groups[i].Top[j].ID = "t" + groups[i].Top[j].ID
		}
		for j := range groups[i].More {
			groups[i].More[j].ID = "t" + groups[i].More[j].ID
		}
	}
	return groups
}

// tenderSortOptions are the orders the page offers.
func tenderSortOptions(selected string, withPlace bool) []selectOption {
	out := []selectOption{{"", "ouverts d'abord, par date limite", false}, {"deadline", "date limite la plus proche", false},
		{"published", "publication la plus récente", false}, {"relevance", "pertinence des mots", false}}
	if withPlace {
		out = append(out, selectOption{"distance", "distance", false})
	}
	for i := range out {
		out[i].Selected = out[i].Value == selected
	}
	return out
}
