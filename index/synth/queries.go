package synth

import (
	"math/rand/v2"
	"slices"
	"strings"

	"fabrique/data"
)

// Queries is a fixed set of searches drawn from a corpus: what the
// benchmarks ask every engine, in the same order.
type Queries struct {
	Text   []string // free text, as buyers type it
	Places []Place  // centres of radius searches
}

// Place is a point on the map (WGS 84 degrees).
type Place struct{ Lat, Lon float64 }

// TradeQueries are trade and product words buyers type.
var TradeQueries = []string{"menuiserie", "ébénisterie", "verrerie", "coutellerie", "fonderie", "tissage",
	"céramique", "horlogerie", "chaudronnerie", "décolletage", "broderie", "reliure", "maroquinerie",
	"sellerie", "orfèvrerie", "charpente", "couverture", "ferronnerie", "tapisserie", "vitrail",
	"marbrerie", "imprimerie", "chocolaterie", "distillerie", "savon", "porcelaine", "faïence",
	"dentelle", "lutherie", "dorure", "menuisier", "ébéniste", "ferronnier d'art", "tailleur de pierre",
	"restauration", "mobilier", "meubles", "textile", "chaussures", "vêtements", "bois", "métal",
	"acier", "verre", "cuir", "papier", "jouets", "bijoux", "montres", "couteaux", "outillage",
	"robinetterie", "emballages", "peinture", "plâtrerie", "maçonnerie", "serrurerie", "escaliers",
	"fenêtres", "portes"}

// NewQueries draws nText distinct text queries and nPlaces places from the
// corpus itself, the same for the same (sups, seed): the trade words
// first, then two-word product phrases of its CPV labels, two-word
// fragments of NAF labels, company names, and company names with two
// letters swapped in their longest word (a typo); places are those of its
// suppliers.
func NewQueries(sups []data.Supplier, nText, nPlaces int, seed uint64) Queries {
	rng := rand.New(rand.NewPCG(seed, 7))
	var q Queries
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] && len(q.Text) < nText {
			seen[s] = true
			q.Text = append(q.Text, s)
		}
	}
	for _, t := range TradeQueries {
		add(t)
	}
	words := func(s string) []string {
		var out []string
		for _, w := range strings.Fields(s) {
			w = strings.Trim(w, ",.;:()'’")
			if len([]rune(w)) >= 4 && !strings.ContainsAny(w, "'’") {
				out = append(out, strings.ToLower(w))
			}
		}
		return out
	}
	pair := func(s string) string {
		ws := words(s)
		if len(ws) < 2 {
			return ""
		}
		i := rng.IntN(len(ws) - 1)
		return ws[i] + " " + ws[i+1]
	}
	for i := 0; len(q.Text) < nText && len(sups) > 0; i++ {
		s := sups[rng.IntN(len(sups))]
		switch i % 4 {
		case 0: // a product phrase
			if len(s.Products) > 0 {
				add(pair(s.Products[rng.IntN(len(s.Products))]))
			}
		case 1: // a fragment of a NAF label
			add(pair(s.NAFLabel))
		case 2: // a company name
			add(s.Name)
		case 3: // a company name with two letters swapped in its longest word
			ws := words(s.Name)
			if len(ws) == 0 {
				continue
			}
			slices.SortFunc(ws, func(a, b string) int { return len(b) - len(a) })
			r := []rune(ws[0])
			j := 1 + rng.IntN(len(r)-2)
			r[j], r[j+1] = r[j+1], r[j]
			add(string(r))
		}
	}
	for len(q.Places) < nPlaces && len(sups) > 0 {
		s := sups[rng.IntN(len(sups))]
		if s.Address.HasGeo() {
			q.Places = append(q.Places, Place{Lat: s.Address.Lat, Lon: s.Address.Lon})
		}
	}
	return q
}

// needOpenings start the titles of needs, as buyers word them.
var needOpenings = []string{"Fourniture de ", "Achat de ", "Marché de ", "Acquisition de ", "Fabrication de "}

// NewNeeds draws n buyers' needs from the corpus, the same for the same
// (sups, seed): each names a product of a supplier by its CPV label and
// code, in the supplier's département, for a public buyer of its commune,
// so that the matcher has capable suppliers near and far to rank.
func NewNeeds(sups []data.Supplier, n int, seed uint64) []data.Need {
	rng := rand.New(rand.NewPCG(seed, 11))
	var out []data.Need
	for tries := 0; len(out) < n && tries < 100*n && len(sups) > 0; tries++ {
		s := sups[rng.IntN(len(sups))]
		if len(s.CPVDeclared) == 0 || len(s.Products) == 0 || s.Address.Departement == "" {
			continue
		}
		k := rng.IntN(min(len(s.CPVDeclared), len(s.Products)))
		product := lowerFirst(s.Products[k])
		out = append(out, data.Need{
			Title:       needOpenings[rng.IntN(len(needOpenings))] + product,
			Description: "Fourniture et livraison : " + product + " pour les services de " + s.Address.Commune + ".",
			CPV:         []string{s.CPVDeclared[k]}, Departement: s.Address.Departement,
		})
	}
	return out
}
