package data

// FormerRegion is a région of metropolitan France before the 2016 merger
// whose name left the map but not the buyers' words: « ferronnier
// Alsace », « tailleur de pierre Bourgogne ». Its Code is its COG code
// until 2015 (none is a code of today's régions) and Departements the
// départements it held.
type FormerRegion struct {
	Code         string
	Name         string
	Departements []string
}

// formerRegions are the former régions whose territory is now part of a
// larger one. Left out: those whose name lives on (Bretagne, Corse…),
// « Centre » (a common word; today's Centre-Val de Loire is the same
// territory) and the bare « Champagne » (a wine before a place).
var formerRegions = []FormerRegion{
	{"42", "Alsace", []string{"67", "68"}},
	{"72", "Aquitaine", []string{"24", "33", "40", "47", "64"}},
	{"83", "Auvergne", []string{"03", "15", "43", "63"}},
	{"25", "Basse-Normandie", []string{"14", "50", "61"}},
	{"26", "Bourgogne", []string{"21", "58", "71", "89"}},
	{"21", "Champagne-Ardenne", []string{"08", "10", "51", "52"}},
	{"43", "Franche-Comté", []string{"25", "39", "70", "90"}},
	{"23", "Haute-Normandie", []string{"27", "76"}},
	{"91", "Languedoc-Roussillon", []string{"11", "30", "34", "48", "66"}},
	{"74", "Limousin", []string{"19", "23", "87"}},
	{"41", "Lorraine", []string{"54", "55", "57", "88"}},
	{"73", "Midi-Pyrénées", []string{"09", "12", "31", "32", "46", "65", "81", "82"}},
	{"31", "Nord-Pas-de-Calais", []string{"59", "62"}},
	{"22", "Picardie", []string{"02", "60", "80"}},
	{"54", "Poitou-Charentes", []string{"16", "17", "79", "86"}},
	{"82", "Rhône-Alpes", []string{"01", "07", "26", "38", "42", "69", "73", "74"}},
}

// formerRegionNames maps PlaceKey of each name to its former région.
var formerRegionNames = func() map[string]FormerRegion {
	out := make(map[string]FormerRegion, len(formerRegions))
	for _, r := range formerRegions {
		out[PlaceKey(r.Name)] = r
	}
	return out
}()

// FormerRegionByName returns the former région of that name, written
// with or without accents and hyphens.
func FormerRegionByName(name string) (FormerRegion, bool) {
	r, ok := formerRegionNames[PlaceKey(name)]
	return r, ok
}
