package web

import (
	"crypto/sha256"
	"encoding/base64"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"fabrique/data"
	"fabrique/index"
)

// The form of an alert profile (/compte/alertes and /compte/alertes/{id}):
// what the user typed, kept as typed so that a page shown again loses
// nothing, and the values read from it. Its buttons are « Chercher » (CPV
// codes for words), « Prévisualiser » (what the profile would have sent
// last week) and « Enregistrer » (which previews first when the criteria
// changed since the last preview).

// Field ids of the form, also its input names.
const (
	alertFieldName          = "nom"
	alertFieldKeywords      = "mots"
	alertFieldExclude       = "exclure"
	alertFieldCPV           = "cpv"         // ticked codes
	alertFieldChildren      = "cpv_enfants" // codes whose children count
	alertFieldCPVAdd        = "cpv_ajout"
	alertFieldDeps          = "dep"
	alertFieldRegs          = "reg"
	alertFieldNearKind      = "autour"
	alertFieldCommune       = "commune"
	alertFieldCommuneChosen = "commune_choisie" // a commune suggested for a misspelt one
	alertFieldRadius        = "rayon"
	alertFieldValueMin      = "valeur_min"
	alertFieldValueMax      = "valeur_max"
	alertFieldProcedure     = "procedure"
	alertFieldLots          = "lots"
	alertFieldFrequency     = "frequence"
	alertFieldPreviewed     = "apercu" // the criteria's hash when they were last previewed
)

// Kinds of radius (alertFieldNearKind): none, around a commune, or around
// the site of one of the user's companies ("entreprise:<id>").
const (
	nearNone = ""
	// nearCommuneKm: a point this close to a commune's centre is that
	// commune.
	nearCommuneKm     = 0.5
	nearCommune       = "commune"
	nearCompanyPrefix = "entreprise:"
)

// Bounds of what the form reads before the profile's own validation
// (data.AlertProfile.Normalize).
const (
	maxAlertTextRunes = 1000
	maxAlertCodes     = 200
)

// alertForm is the form as sent.
type alertForm struct {
	Name, Keywords, Exclude string
	CPV                     []cpvChoice // ticked (Checked) or offered codes
	Children                map[string]bool
	CPVAdd                  string
	CPVSearched             string
	Deps, Regs              []string
	NearKind, Commune       string
	Radius                  string
	ValueMin, ValueMax      string
	Procedures              []string
	LotsOnly                bool
	Frequency               string
	Previewed               string

	// CommuneChoices are the communes spelt like an unknown one, each a
	// button that previews the form with it (alertFieldCommuneChosen).
	CommuneChoices []string

	// Read from the fields above by check.
	near               *data.Place
	radiusKm           float64
	valueMin, valueMax float64

	errors map[string]string
	order  []string
}

// readAlertForm reads the form's fields, without checking them: one
// gives a field's value (FormValue), all every value of a field
// (postValues).
func readAlertForm(one func(string) string, all func(string) []string) *alertForm {
	v := struct {
		one func(string) string
		all func(string) []string
	}{one, all}
	f := &alertForm{Name: v.one(alertFieldName), Keywords: v.one(alertFieldKeywords), Exclude: v.one(alertFieldExclude),
		CPVAdd: strings.TrimSpace(v.one(alertFieldCPVAdd)), Deps: v.all(alertFieldDeps), Regs: v.all(alertFieldRegs),
		NearKind: v.one(alertFieldNearKind), Commune: v.one(alertFieldCommune), Radius: v.one(alertFieldRadius),
		ValueMin: v.one(alertFieldValueMin), ValueMax: v.one(alertFieldValueMax), Procedures: v.all(alertFieldProcedure),
		LotsOnly: v.one(alertFieldLots) != "", Frequency: v.one(alertFieldFrequency), Previewed: v.one(alertFieldPreviewed),
		Children: map[string]bool{}}
	if chosen := v.one(alertFieldCommuneChosen); chosen != "" {
		f.NearKind, f.Commune = nearCommune, chosen
	}
	for _, c := range v.all(alertFieldChildren) {
		f.Children[c] = true
	}
	for _, raw := range v.all(alertFieldCPV) {
		code, ok := cpvFieldCode(raw)
		if !ok {
			f.fail(alertFieldCPVAdd, "« "+truncate(raw, 40)+" » n'est pas un code CPV")
			continue
		}
		f.addCPV(code, true)
	}
	return f
}

// addCPV lists a code once, ticked or offered, and returns its entry.
func (f *alertForm) addCPV(code string, checked bool) *cpvChoice {
	code8 := code
	if len(code8) > 8 {
		code8 = code8[:8]
	}
	for i := range f.CPV {
		if f.CPV[i].Code8 == code8 {
			f.CPV[i].Checked = f.CPV[i].Checked || checked
			return &f.CPV[i]
		}
	}
	f.CPV = append(f.CPV, newCPVChoice(code8, checked))
	return &f.CPV[len(f.CPV)-1]
}

// NameMax, KeywordsMax and ExcludeMax are the server's limits, for the
// fields' maxlength: the browser stops typing where the server would
// refuse. All count characters, as maxlength does (UTF-16 units: a
// character beyond the BMP counts twice there, so the browser stops
// first), never bytes.
func (f *alertForm) NameMax() int     { return data.MaxAlertName }
func (f *alertForm) KeywordsMax() int { return data.MaxAlertKeywords }
func (f *alertForm) ExcludeMax() int  { return maxAlertTextRunes }

// fail records the first error of a field.
func (f *alertForm) fail(id, msg string) {
	if f.errors == nil {
		f.errors = map[string]string{}
	}
	if _, dup := f.errors[id]; dup {
		return
	}
	f.errors[id] = msg
	f.order = append(f.order, id)
}

func (f *alertForm) valid() bool { return len(f.errors) == 0 }

// takeCPVWords puts a code typed in « Ajouter un code » among the ticked
// codes, or returns the words to search codes for ("" when none).
func (f *alertForm) takeCPVWords() string {
	if f.CPVAdd == "" {
		return ""
	}
	if code, ok := cpvFieldCode(f.CPVAdd); ok {
		if _, known := data.LookupCPV(code); !known {
			f.fail(alertFieldCPVAdd, "code CPV inconnu : « "+f.CPVAdd+" »")
			return ""
		}
		f.addCPV(code, true)
		f.CPVAdd = ""
		return ""
	}
	return f.CPVAdd
}

// offerCPV adds the codes the words describe, unticked; saving is true
// when the words came with « Enregistrer » or « Prévisualiser ».
func (f *alertForm) offerCPV(words string, saving bool) {
	f.CPVSearched, f.CPVAdd = words, ""
	found := searchCPV(words, maxCPVSearchResults)
	for _, c := range found {
		if ch := f.addCPV(c.Code8, false); !ch.Checked {
			ch.Via = c.ViaText()
		}
	}
	switch {
	case len(found) == 0:
		f.CPVAdd = words
		f.fail(alertFieldCPVAdd, "aucun code CPV ne correspond à « "+words+" » : essayez d'autres mots ou un code à 8 chiffres")
	case saving:
		f.fail(alertFieldCPVAdd, "« "+words+" » n'est pas un code CPV : cochez les codes qui vous correspondent ci-dessous")
	}
}

// check reads the numbers and the place of the form and records what
// cannot be read, in French. sites are the user's companies that have a
// located site.
func (f *alertForm) check(sites []companySite) {
	if n := utf8.RuneCountInString(f.Exclude); n > maxAlertTextRunes {
		f.fail(alertFieldExclude, "mots à exclure trop longs ("+strconv.Itoa(n)+" caractères, "+strconv.Itoa(maxAlertTextRunes)+" au plus)")
	}
	for _, d := range f.Deps {
		if _, ok := data.LookupDepartement(d); !ok || len(f.Deps) > maxAlertCodes {
			f.fail(alertFieldDeps, "département inconnu : « "+truncate(d, 10)+" »")
		}
	}
	for _, r := range f.Regs {
		if _, ok := data.LookupRegion(r); !ok || len(f.Regs) > maxAlertCodes {
			f.fail(alertFieldRegs, "région inconnue : « "+truncate(r, 10)+" »")
		}
	}
	for _, p := range f.Procedures {
		if data.ProcedureLabel(p) == "" {
			f.fail(alertFieldProcedure, "type de procédure inconnu : « "+truncate(p, 30)+" »")
		}
	}
	f.checkNear(sites)
	f.valueMin = f.euros(alertFieldValueMin, f.ValueMin)
	f.valueMax = f.euros(alertFieldValueMax, f.ValueMax)
	if f.valueMax > 0 && f.valueMin > f.valueMax {
		f.fail(alertFieldValueMax, "la valeur maximale est inférieure à la valeur minimale")
	}
	switch {
	case f.Frequency == "":
		f.fail(alertFieldFrequency, "choisissez la fréquence des courriels")
	case !slices.Contains(data.AlertFrequencies(), data.AlertFrequency(f.Frequency)):
		f.fail(alertFieldFrequency, "fréquence inconnue")
	}
}

func (f *alertForm) euros(id, raw string) float64 {
	v, err := parseEuros(raw)
	if err != nil {
		f.fail(id, err.Error())
	}
	return v
}

// checkNear reads the radius and its centre.
func (f *alertForm) checkNear(sites []companySite) {
	if f.NearKind == nearNone {
		return
	}
	r, err := typedKm(f.Radius)
	switch {
	case strings.TrimSpace(f.Radius) == "":
		f.fail(alertFieldRadius, "indiquez le rayon en kilomètres (par exemple 50)")
	case err != nil || math.IsNaN(r) || r <= 0:
		f.fail(alertFieldRadius, "le rayon est un nombre de kilomètres supérieur à zéro (par exemple 50)")
	case r > data.MaxAlertRadiusKm:
		f.fail(alertFieldRadius, "rayon trop grand ("+strconv.Itoa(data.MaxAlertRadiusKm)+" km au plus) : choisissez plutôt des régions")
	default:
		f.radiusKm = r
	}
	switch {
	case f.NearKind == nearCommune:
		if strings.TrimSpace(f.Commune) == "" {
			f.fail(alertFieldCommune, "indiquez une commune ou un code postal")
			return
		}
		pt, _, err := index.ResolveNear(f.Commune)
		if err != nil {
			f.failCommune(err)
			return
		}
		f.near = &data.Place{Lat: pt.Lat, Lon: pt.Lon}
		// Name the place for the summary, and for the field when the
		// profile is modified: the commune at that point (ResolveNear
		// gives a commune's own coordinates).
		if c, km := data.NearestCommune(pt.Lat, pt.Lon); km < nearCommuneKm {
			f.near.Commune, f.near.Departement = c.Name, c.Departement
		}
	case strings.HasPrefix(f.NearKind, nearCompanyPrefix):
		id := strings.TrimPrefix(f.NearKind, nearCompanyPrefix)
		i := slices.IndexFunc(sites, func(s companySite) bool { return s.ID == id })
		if i < 0 {
			f.fail(alertFieldNearKind, "cette entreprise n'est pas l'une des vôtres, ou son adresse n'est pas localisée")
			return
		}
		pl := sites[i].Place
		f.near = &pl
	default:
		f.fail(alertFieldNearKind, "choix de zone inconnu")
	}
}

// maxCommuneChoices is how many communes an unknown one gets offered.
const maxCommuneChoices = 3

// failCommune refuses a commune ResolveNear does not know and offers the
// communes spelt like it (index.SuggestNear, as the search page does):
// « Vouliez-vous dire « Lyon (69) » ou « Lyons-la-Forêt (27) » ? ».
func (f *alertForm) failCommune(err error) {
	var quoted []string
	for _, cs := range index.SuggestNear(f.Commune, maxCommuneChoices) {
		f.CommuneChoices = append(f.CommuneChoices, cs.Label)
		quoted = append(quoted, "« "+cs.Label+" »")
	}
	if len(quoted) == 0 {
		f.fail(alertFieldCommune, invalidMessage(err))
		return
	}
	f.fail(alertFieldCommune, "commune inconnue : « "+truncate(strings.TrimSpace(f.Commune), 60)+" ». Vouliez-vous dire "+frenchOr(quoted)+" ?")
}

// checkedCPV are the codes ticked.
func (f *alertForm) checkedCPV() []cpvChoice {
	var out []cpvChoice
	for _, c := range f.CPV {
		if c.Checked {
			out = append(out, c)
		}
	}
	return out
}

// criteriaHash identifies the criteria that decide what a profile
// selects (not its name nor its frequency): « Enregistrer » previews
// first when they changed since the preview the user saw.
func (f *alertForm) criteriaHash() string {
	var b strings.Builder
	field := func(name string, values ...string) {
		b.WriteString(name)
		for _, v := range values {
			b.WriteString("\x1f")
			b.WriteString(v)
		}
		b.WriteString("\x1e")
	}
	field("mots", strings.Join(strings.Fields(f.Keywords), " "))
	field("exclure", strings.Join(strings.Fields(f.Exclude), " "))
	var codes []string
	for _, c := range f.checkedCPV() {
		codes = append(codes, c.Code8+"/"+strconv.FormatBool(f.Children[c.Code8]))
	}
	slices.Sort(codes)
	field("cpv", codes...)
	field("dep", sortedCopy(f.Deps)...)
	field("reg", sortedCopy(f.Regs)...)
	near := ""
	if f.near != nil {
		near = strconv.FormatFloat(f.near.Lat, 'f', 5, 64) + "," + strconv.FormatFloat(f.near.Lon, 'f', 5, 64)
	}
	field("autour", near, strconv.FormatFloat(f.radiusKm, 'f', -1, 64))
	field("valeur", strconv.FormatFloat(f.valueMin, 'f', -1, 64), strconv.FormatFloat(f.valueMax, 'f', -1, 64))
	field("procedure", sortedCopy(f.Procedures)...)
	field("lots", strconv.FormatBool(f.LotsOnly))
	sum := sha256.Sum256([]byte(b.String()))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// companySite is one of the user's companies with a located site, for
// « autour du site de … ».
type companySite struct {
	ID, Name string
	Place    data.Place
}

// alertFieldLabel is the French label of a field, for the summary of
// errors.
func alertFieldLabel(id string) string {
	switch id {
	case alertFieldName:
		return "Nom de l'alerte"
	case alertFieldKeywords:
		return "Mots-clés"
	case alertFieldExclude:
		return "Mots à exclure"
	case alertFieldCPVAdd:
		return "Codes CPV"
	case alertFieldDeps:
		return "Départements"
	case alertFieldRegs:
		return "Régions"
	case alertFieldNearKind:
		return "Autour de"
	case alertFieldCommune:
		return "Commune"
	case alertFieldRadius:
		return "Rayon"
	case alertFieldValueMin:
		return "Valeur minimale"
	case alertFieldValueMax:
		return "Valeur maximale"
	case alertFieldProcedure:
		return "Procédures"
	case alertFieldFrequency:
		return "Fréquence"
	}
	return "Alerte"
}

// errorList is the summary of errors above the form, in field order.
func (f *alertForm) errorList() []formError {
	out := make([]formError, 0, len(f.order))
	for _, id := range f.order {
		out = append(out, formError{ID: id, Label: alertFieldLabel(id), Message: f.errors[id]})
	}
	return out
}

// ErrorFor is the message next to a field, for the template.
func (f *alertForm) ErrorFor(id string) string { return f.errors[id] }

// fmtKm writes a radius for a sentence: « 50 km », « 12,5 km ».
func fmtKm(km float64) string {
	return strings.ReplaceAll(strconv.FormatFloat(km, 'f', -1, 64), ".", ",") + " km"
}

// profile applies the form to a profile (a new one, or the stored one
// being modified): its criteria, name and frequency.
func (f *alertForm) profile(p data.AlertProfile) data.AlertProfile {
	p.Name, p.Keywords = f.Name, f.Keywords
	p.Exclude = splitWords(f.Exclude)
	p.CPV = nil
	for _, c := range f.checkedCPV() {
		p.CPV = append(p.CPV, data.AlertCPV{Code: c.Code8, WithChildren: f.Children[c.Code8]})
	}
	p.Departements, p.Regions = slices.Clone(f.Deps), slices.Clone(f.Regs)
	p.Near, p.RadiusKm = nil, 0
	if f.near != nil {
		near := *f.near
		p.Near, p.RadiusKm = &near, f.radiusKm
	}
	p.ValueMin, p.ValueMax = f.valueMin, f.valueMax
	p.Procedures = slices.Clone(f.Procedures)
	p.LotsOnly = f.LotsOnly
	p.Frequency = data.AlertFrequency(f.Frequency)
	return p
}

// splitWords splits the excluded words: commas, semicolons or line breaks
// between them.
func splitWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// alertFormOf fills the form with a stored profile. sites are the user's
// located companies: a radius around one of them is shown as such.
func alertFormOf(p data.AlertProfile, sites []companySite) *alertForm {
	f := &alertForm{Name: p.Name, Keywords: p.Keywords, Exclude: strings.Join(p.Exclude, ", "),
		Children: map[string]bool{}, Deps: slices.Clone(p.Departements), Regs: slices.Clone(p.Regions),
		Procedures: slices.Clone(p.Procedures), LotsOnly: p.LotsOnly, Frequency: string(p.Frequency)}
	for _, c := range p.CPV {
		f.addCPV(c.Code, true)
		f.Children[c.Code] = c.WithChildren
	}
	if p.Near != nil {
		near := *p.Near
		f.near, f.radiusKm = &near, p.RadiusKm
		f.Radius = strconv.FormatFloat(p.RadiusKm, 'f', -1, 64)
		f.NearKind, f.Commune = nearCommune, placeText(near)
		for _, s := range sites {
			if s.Place.Lat == near.Lat && s.Place.Lon == near.Lon {
				f.NearKind, f.Commune = nearCompanyPrefix+s.ID, ""
				break
			}
		}
	}
	if p.ValueMin > 0 {
		f.ValueMin = strconv.FormatFloat(p.ValueMin, 'f', -1, 64)
	}
	if p.ValueMax > 0 {
		f.ValueMax = strconv.FormatFloat(p.ValueMax, 'f', -1, 64)
	}
	f.valueMin, f.valueMax = p.ValueMin, p.ValueMax
	return f
}

// placeText writes a profile's place as the commune field takes it back:
// « Rouen 76 », a postcode, or coordinates.
func placeText(p data.Place) string {
	switch {
	case p.Commune != "" && p.Departement != "":
		return p.Commune + " (" + p.Departement + ")"
	case p.Commune != "":
		return p.Commune
	case p.Postcode != "":
		return p.Postcode
	}
	return strconv.FormatFloat(p.Lat, 'f', 5, 64) + "," + strconv.FormatFloat(p.Lon, 'f', 5, 64)
}
