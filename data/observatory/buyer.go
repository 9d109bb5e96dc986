package observatory

import (
	"slices"
	"strings"

	"fabrique/data"
)

// BuyerType is the kind of public buyer. The DECP and award notices give a
// buyer's name and SIRET but not its legal category, so the type is read
// from the name (ClassifyBuyer); buyers whose name says nothing are
// BuyerUnknown, counted apart.
type BuyerType uint8

// The buyer types, in display order.
const (
	BuyerUnknown BuyerType = iota
	BuyerState
	BuyerRegion
	BuyerDepartement
	BuyerIntercommunal
	BuyerCommune
	BuyerHealth
	BuyerEducation
	BuyerHousing
	BuyerOtherPublic
	buyerTypeCount
)

// BuyerTypes returns every buyer type in display order, unknown last.
func BuyerTypes() []BuyerType {
	out := make([]BuyerType, 0, buyerTypeCount)
	for t := BuyerState; t < buyerTypeCount; t++ {
		out = append(out, t)
	}
	return append(out, BuyerUnknown)
}

// Code is the stable English code of the type, for the API and CSV.
func (t BuyerType) Code() string {
	return [...]string{"unknown", "state", "region", "departement", "intercommunal", "commune", "health",
		"education", "housing", "other_public"}[t]
}

// Name is the French name of the type.
func (t BuyerType) Name() string {
	return [...]string{"Non déterminé", "État et ses services", "Régions", "Départements",
		"Intercommunalités et syndicats", "Communes", "Santé (hôpitaux, CHU)", "Enseignement et recherche",
		"Logement social", "Autres organismes publics"}[t]
}

// buyerRules are tried in order: the first whose words all appear in the
// folded name (as words, or as prefixes for entries ending in "*") gives
// the type. Specific kinds come before the words they contain ("centre
// communal", "communauté de communes" before "commune").
var buyerRules = []struct {
	t     BuyerType
	words []string
}{
	{BuyerHealth, []string{"chu"}}, {BuyerHealth, []string{"chru"}}, {BuyerHealth, []string{"hospital*"}},
	{BuyerHealth, []string{"hopita*"}}, {BuyerHealth, []string{"ehpad"}}, {BuyerHealth, []string{"ght"}},
	{BuyerHealth, []string{"ap", "hp"}}, {BuyerHealth, []string{"sante"}}, {BuyerHealth, []string{"clinique"}},
	{BuyerHousing, []string{"habitat"}}, {BuyerHousing, []string{"oph"}}, {BuyerHousing, []string{"logement*"}},
	{BuyerHousing, []string{"hlm"}},
	{BuyerEducation, []string{"universit*"}}, {BuyerEducation, []string{"lycee"}}, {BuyerEducation, []string{"college"}},
	{BuyerEducation, []string{"crous"}}, {BuyerEducation, []string{"ecole"}}, {BuyerEducation, []string{"academie"}},
	{BuyerEducation, []string{"rectorat"}}, {BuyerEducation, []string{"cnrs"}}, {BuyerEducation, []string{"inserm"}},
	{BuyerEducation, []string{"inrae"}}, {BuyerEducation, []string{"enseignement"}},
	{BuyerState, []string{"ministere"}}, {BuyerState, []string{"prefecture"}}, {BuyerState, []string{"etat"}},
	{BuyerState, []string{"armees"}}, {BuyerState, []string{"gendarmerie"}}, {BuyerState, []string{"police"}},
	{BuyerState, []string{"ugap"}}, {BuyerState, []string{"dgfip"}}, {BuyerState, []string{"direction", "interministerielle"}},
	{BuyerIntercommunal, []string{"communaute"}}, {BuyerIntercommunal, []string{"metropole"}},
	{BuyerIntercommunal, []string{"agglo*"}}, {BuyerIntercommunal, []string{"syndicat"}},
	{BuyerIntercommunal, []string{"sivom"}}, {BuyerIntercommunal, []string{"sivu"}}, {BuyerIntercommunal, []string{"smictom"}},
	{BuyerIntercommunal, []string{"intercommunal*"}}, {BuyerIntercommunal, []string{"territoire"}},
	{BuyerIntercommunal, []string{"sdis"}},
	{BuyerRegion, []string{"region"}}, {BuyerRegion, []string{"regional"}},
	{BuyerDepartement, []string{"departement"}}, {BuyerDepartement, []string{"departemental"}},
	{BuyerCommune, []string{"commune"}}, {BuyerCommune, []string{"ville"}}, {BuyerCommune, []string{"mairie"}},
	{BuyerCommune, []string{"ccas"}}, {BuyerCommune, []string{"municipal*"}},
	{BuyerOtherPublic, []string{"office"}}, {BuyerOtherPublic, []string{"etablissement", "public"}},
	{BuyerOtherPublic, []string{"epic"}}, {BuyerOtherPublic, []string{"epa"}}, {BuyerOtherPublic, []string{"agence"}},
	{BuyerOtherPublic, []string{"institut"}}, {BuyerOtherPublic, []string{"chambre"}}, {BuyerOtherPublic, []string{"port*"}},
	{BuyerOtherPublic, []string{"sem*"}}, {BuyerOtherPublic, []string{"spl"}}, {BuyerOtherPublic, []string{"musee"}},
	{BuyerOtherPublic, []string{"caisse"}}, {BuyerOtherPublic, []string{"centre"}},
}

// ClassifyBuyer reads the buyer type from its name ("CHU NANTES" →
// BuyerHealth, "Mairie de Wittenheim" → BuyerCommune, "Tours Métropole Val
// de Loire" → BuyerIntercommunal).
func ClassifyBuyer(name string) BuyerType {
	words := data.Words(name)
	has := func(w string) bool {
		if p, ok := strings.CutSuffix(w, "*"); ok {
			return slices.ContainsFunc(words, func(x string) bool { return strings.HasPrefix(x, p) })
		}
		return slices.Contains(words, w)
	}
	for _, r := range buyerRules {
		ok := true
		for _, w := range r.words {
			if !has(w) {
				ok = false
				break
			}
		}
		if ok {
			return r.t
		}
	}
	return BuyerUnknown
}
