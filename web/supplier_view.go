package web

import (
	"errors"
	"math"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"fabrique/data"
)

// supplierView is a supplier as its page shows it: every value display-
// ready and in French. Crawled text stays text: html/template escapes it.
type supplierView struct {
	ID          string
	Name        string
	TradeNames  []string
	SIREN       string
	SIRENDefect string
	Sites       []siteView
	NAF         string
	NAFLabel    string
	NAFLegacy   string
	Headcount   string
	Category    string
	Address     addressView
	Website     string // http(s) only, "" otherwise
	WebsiteText string
	Description string
	Activities  []string
	Products    []string
	CPVDeclared []codeView
	CPVInferred []codeView
	ServiceArea string
	Labels      []labelView
	Extra       []extraView
	Contacts    []data.Contact
	Provenance  []provenanceRow
	Defects     []string
	Merges      []mergeView
	Claimed     bool
	Register    registerView // official register identity, or what lacks
	Reach       contactView  // the « contacter » block
	UpdatedAt   string
	UpdatedISO  string
	Own         ownView // what the company declared (listing_public.go)
}

type siteView struct {
	SIRET      string
	Valid      bool
	Defect     string
	Role       string // "siège", "site de production"
	Address    string
	HeadOffice bool
	Closed     string // « fermé le … » when the register says so
	Hidden     bool   // address withheld by the register
}

type addressView struct {
	Street      string
	Locality    string // "44690 La Haie-Fouassière"
	Departement string // "Loire-Atlantique (44)"
	Region      string
	Precision   string // how precisely the map places it
}

type codeView struct {
	Code, Label string
}

type labelView struct {
	Code, Name     string
	Scope          string
	SIRET          string
	Range          string
	Category       string
	Certificate    string
	Granted        string
	GrantedISO     string
	Expires        string
	ExpiresISO     string
	Source         string
	SourceURL      string
	FirstSeen      string
	LastSeen       string
	NotRefound     string // « non retrouvé depuis le … »
	NotRefoundISO  string
	Status         string
	StatusClass    string // valid, expiring, expired, missing, future
	StatusSentence string
	Badge          string // « EPV », « EPV expiré le 13 juillet 2026 »
}

type extraView struct {
	Name, Value string
}

type provenanceRow struct {
	Field     string
	Source    string
	SourceURL string
	Date      string
	DateISO   string
	Owner     bool
}

type mergeView struct {
	Source, Rule, Date string
}

// newSupplierView prepares s for its page; now decides label validity.
func newSupplierView(s data.Supplier, now time.Time) supplierView {
	v := supplierView{ID: s.ID, Name: s.Name, TradeNames: s.TradeNames, SIREN: s.SIREN,
		NAF: s.NAF, NAFLegacy: s.NAFLegacy, Category: s.Category, Description: s.Description,
		Activities: s.Activities, Products: s.Products, Defects: s.Defects, Contacts: s.Contacts,
		Claimed: s.ClaimedBy != "", UpdatedAt: frenchDate(s.UpdatedAt), UpdatedISO: isoDate(s.UpdatedAt)}
	switch {
	case s.SIREN == "":
		v.SIRENDefect = "SIREN inconnu : la source n'a pas donné de numéro valide"
	case data.ValidSIREN(s.SIREN) != nil:
		v.SIRENDefect = "SIREN invalide (clé de contrôle incorrecte)"
	}
	for _, e := range s.Establishments {
		sv := siteView{SIRET: e.SIRET, Valid: e.Valid, Defect: e.Defect, HeadOffice: e.HeadOffice,
			Address: oneLineAddress(e.Address), Hidden: e.Hidden}
		if e.Closed {
			sv.Closed = "établissement fermé"
			if !e.ClosedOn.IsZero() {
				sv.Closed += " le " + frenchDate(e.ClosedOn)
			}
		}
		if !e.Valid && sv.Defect == "" {
			if err := data.ValidSIRET(e.SIRET); err != nil {
				sv.Defect = validationMessage(err)
			}
		}
		var roles []string
		if e.HeadOffice {
			roles = append(roles, "siège")
		}
		if e.Production {
			roles = append(roles, "site de production")
		}
		sv.Role = strings.Join(roles, ", ")
		v.Sites = append(v.Sites, sv)
	}
	v.NAFLabel = strings.TrimSpace(s.NAFLabel)
	if n, ok := data.LookupNAF(s.NAF); ok && v.NAFLabel == "" {
		v.NAFLabel = n.Label
	}
	if b, ok := data.LookupHeadcountBand(s.HeadcountBand); ok {
		v.Headcount = b.Label
	} else if s.HeadcountBand != "" {
		v.Headcount = "code " + s.HeadcountBand
	}
	v.Address = newAddressView(s.Address)
	if u, ok := webURL(s.Website); ok {
		v.Website, v.WebsiteText = u, strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://"), "/")
	}
	v.CPVDeclared, v.CPVInferred = cpvViews(s.CPVDeclared), cpvViews(s.CPVInferred)
	v.ServiceArea = serviceAreaText(s.ServiceArea)
	for _, l := range s.Labels {
		v.Labels = append(v.Labels, newLabelView(l, now))
	}
	v.Extra = extraViews(s.Extra)
	v.Register, v.Reach = newRegisterView(s), newContactView(s)
	v.Category = data.CompanyCategoryName(s.Category)
	v.Provenance = provenanceRows(s.Provenance)
	v.Own = newOwnView(s, now)
	for _, m := range s.Merges {
		v.Merges = append(v.Merges, mergeView{Source: sourceInSentence(m.Source), Rule: mergeRuleText(m.Rule), Date: frenchDate(m.At)})
	}
	return v
}

// validationMessage is the French message of a validation error.
func validationMessage(err error) string {
	var ve *data.ValidationError
	if errors.As(err, &ve) {
		return ve.Message
	}
	return "numéro invalide"
}

func newAddressView(a data.Address) addressView {
	v := addressView{Street: a.Street, Locality: strings.TrimSpace(a.Postcode + " " + a.Commune)}
	if d, ok := data.LookupDepartement(a.Departement); ok {
		v.Departement = d.Name + " (" + d.Code + ")"
	} else {
		v.Departement = a.Departement
	}
	if r, ok := data.LookupRegion(a.Region); ok {
		v.Region = r.Name
	}
	switch a.Precision {
	case data.GeoExact:
		v.Precision = "position donnée par la source"
	case data.GeoCommune:
		v.Precision = "position approximative : centre de la commune"
	case data.GeoDepartement:
		v.Precision = "position très approximative : centre du département"
	}
	return v
}

func oneLineAddress(a data.Address) string {
	var parts []string
	for _, p := range []string{a.Street, strings.TrimSpace(a.Postcode + " " + a.Commune)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 && a.Departement != "" {
		return placeOf("", a.Departement)
	}
	return strings.Join(parts, ", ")
}

// webURL accepts only absolute http(s) URLs for links; anything else
// (javascript:, data:, relative paths) is not linked.
func webURL(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", false
	}
	if !strings.Contains(raw, "://") && strings.HasPrefix(strings.ToLower(raw), "www.") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return u.String(), true
}

func cpvViews(codes []string) []codeView {
	var out []codeView
	for _, c := range codes {
		cv := codeView{Code: c}
		if code, err := data.NormalizeCPV(c); err == nil {
			if e, ok := data.LookupCPV(code); ok {
				cv.Code, cv.Label = e.Full(), e.LabelFR
			}
		}
		out = append(out, cv)
	}
	return out
}

func serviceAreaText(a data.ServiceArea) string {
	switch a.Kind {
	case data.ServiceAreaFrance:
		return "France entière"
	case data.ServiceAreaRadius:
		return "dans un rayon de " + formatKm(a.RadiusKm)
	case data.ServiceAreaDepartements:
		var names []string
		for _, c := range a.Codes {
			names = append(names, placeOf("", c))
		}
		return "départements : " + strings.Join(names, ", ")
	case data.ServiceAreaRegions:
		var names []string
		for _, c := range a.Codes {
			if r, ok := data.LookupRegion(c); ok {
				names = append(names, r.Name)
			} else {
				names = append(names, c)
			}
		}
		return "régions : " + strings.Join(names, ", ")
	}
	return ""
}

func scopeText(s data.LabelScope) string {
	switch s {
	case data.ScopeCompany:
		return "l'entreprise entière"
	case data.ScopeEstablishment:
		return "un établissement"
	case data.ScopeProductRange:
		return "une gamme de produits"
	}
	return string(s)
}

func newLabelView(l data.Label, now time.Time) labelView {
	v := labelView{Code: string(l.Type), Name: data.LabelName(l.Type), Scope: scopeText(l.Scope), SIRET: l.SIRET,
		Range: l.Range, Category: l.Category, Certificate: l.CertificateID,
		Granted: frenchDate(l.GrantedAt), GrantedISO: isoDate(l.GrantedAt),
		Expires: frenchDate(l.ExpiresAt), ExpiresISO: isoDate(l.ExpiresAt),
		Source: sourceName(l.Source), FirstSeen: frenchDate(l.FirstSeen), LastSeen: frenchDate(l.LastSeen),
		NotRefoundISO: isoDate(l.NotRefoundSince)}
	if u, ok := webURL(l.SourceURL); ok {
		v.SourceURL = u
	}
	if !l.NotRefoundSince.IsZero() {
		v.NotRefound = "non retrouvé depuis le " + frenchDate(l.NotRefoundSince)
	}
	state := l.StateOn(now)
	v.StatusClass, v.Badge = labelStateClass(state), labelBadge(l, now)
	switch state {
	case data.LabelNotRefound:
		v.Status = "non retrouvé dans la source"
		v.StatusSentence = "Ce label n'a pas été retrouvé lors de la dernière collecte complète de sa source : à vérifier auprès de l'entreprise."
	case data.LabelExpired:
		v.Status = "expiré le " + frenchDate(l.ExpiresAt)
	case data.LabelNotYet:
		v.Status = "attribué à compter du " + frenchDate(l.GrantedAt)
	case data.LabelExpiring:
		v.Status = "en cours de validité, expire bientôt (le " + frenchDate(l.ExpiresAt) + ")"
	default:
		v.Status = "en cours de validité"
	}
	return v
}

// sourceInSentence is sourceName inside a sentence, without the capital
// that opens a table cell or a line: « (source : déclaré par
// l'entreprise) », « Identité lue au répertoire officiel… ». A source the
// function does not know keeps its spelling.
func sourceInSentence(src string) string {
	name := sourceName(src)
	if name == src {
		return name
	}
	r, size := utf8.DecodeRuneInString(name)
	return string(unicode.ToLower(r)) + name[size:]
}

// sourceName is the French name of a data source.
func sourceName(src string) string {
	switch src {
	case "epv":
		return "Liste officielle des Entreprises du Patrimoine Vivant (data.economie.gouv.fr)"
	case "ofg":
		return "Annuaire Origine France Garantie"
	case "jsonld":
		return "Site web de l'entreprise (données structurées)"
	case "owner":
		return "Déclaré par l'entreprise"
	case "decp":
		return "Données essentielles de la commande publique"
	case "import":
		return "Import de fichier"
	case data.SourceRegister:
		return "Répertoire officiel des entreprises (Sirene, API Recherche d'entreprises)"
	case "":
		return "source non précisée"
	}
	return src
}

func mergeRuleText(rule string) string {
	switch rule {
	case "siren":
		return "même SIREN"
	case "name+postcode":
		return "même nom et même code postal"
	case "id":
		return "même identifiant"
	}
	return rule
}

// extraNames are the French names of the Extra fields known to the sources.
func extraNames() map[string]string {
	return map[string]string{
		"artisanal":         "Entreprise artisanale",
		"price_range":       "Gamme de prix",
		"clientele":         "Clientèle",
		"visits_allowed":    "Visites possibles",
		"visit_information": "Informations sur les visites",
		"founding_date":     "Date de création",
	}
}

func extraViews(extra map[string]string) []extraView {
	names := extraNames()
	var out []extraView
	for k, val := range extra {
		if strings.TrimSpace(val) == "" {
			continue
		}
		name, ok := names[k]
		if !ok {
			name = strings.ReplaceAll(k, "_", " ")
		}
		out = append(out, extraView{Name: name, Value: val})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// fieldNames are the French names of the fields tracked in Provenance, in
// the order the page lists them.
func fieldNames() []struct{ field, name string } {
	return []struct{ field, name string }{
		{data.FieldName, "Raison sociale"},
		{data.FieldTradeNames, "Noms commerciaux et marques"},
		{data.FieldEstablishment, "Établissements (SIRET)"},
		{data.FieldAddress, "Adresse"},
		{data.FieldNAF, "Code NAF"},
		{data.FieldHeadcount, "Tranche d'effectifs"},
		{data.FieldCategory, "Catégorie d'entreprise"},
		{data.FieldWebsite, "Site web"},
		{data.FieldContacts, "Contacts"},
		{data.FieldDescription, "Description"},
		{data.FieldActivities, "Activités"},
		{data.FieldProducts, "Produits et gammes"},
		{data.FieldCPVDeclared, "Codes CPV déclarés"},
		{data.FieldServiceArea, "Zone d'intervention"},
		{data.FieldExtra, "Informations complémentaires"},
		{data.FieldTurnover, "Chiffre d'affaires"},
		{data.FieldLargestContract, "Plus gros contrat réalisé"},
		{data.FieldCertifications, "Certifications"},
		{data.FieldLogo, "Logo"},
		{data.FieldRegister, "Identité au répertoire Sirene"},
	}
}

func provenanceRows(prov map[string]data.Provenance) []provenanceRow {
	var out []provenanceRow
	known := map[string]bool{}
	row := func(name string, p data.Provenance) provenanceRow {
		r := provenanceRow{Field: name, Source: sourceName(p.Source), Date: frenchDate(p.FetchedAt),
			DateISO: isoDate(p.FetchedAt), Owner: p.Owner}
		if u, ok := webURL(p.SourceURL); ok {
			r.SourceURL = u
		}
		return r
	}
	for _, f := range fieldNames() {
		known[f.field] = true
		if p, ok := prov[f.field]; ok {
			out = append(out, row(f.name, p))
		}
	}
	var others []string
	for k := range prov {
		if !known[k] {
			others = append(others, k)
		}
	}
	slices.Sort(others)
	for _, k := range others {
		out = append(out, row(strings.ReplaceAll(k, "_", " "), prov[k]))
	}
	return out
}

// formatEuros writes an amount in whole euros, "12 345 €".
func formatEuros(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return formatNumber(int(math.Round(v))) + "\u00a0€"
}

// hostOf returns the host name of a URL, without "www.".
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}
