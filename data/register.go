package data

import (
	"strings"
	"time"
	"unicode"
)

// SourceRegister names the official register as a source of provenance:
// the State's API Recherche d'entreprises, which serves the INSEE Sirene
// directory (and the RNE). What it says of a company's identity (legal
// name, address, legal form, headcount, category, state) wins over what a
// label directory says; only the verified owner's declarations win over it.
const SourceRegister = "sirene"

// FieldRegister names the register identity in Supplier.Provenance.
const FieldRegister = "register"

// RegisterIdentity is a company's identity as the official register gives
// it. A nil Supplier.Register means the register was never consulted for
// the company (the embedded default has none).
type RegisterIdentity struct {
	// Found is false when the register answered but does not list the
	// SIREN (unknown, or withheld from the open API).
	Found bool `json:"found"`
	// LegalName is the company's registered name, written properly
	// (PersonName for an individual entrepreneur).
	LegalName string `json:"legal_name,omitempty"`
	// LegalForm is the INSEE "catégorie juridique" code, "5710".
	LegalForm string `json:"legal_form,omitempty"`
	// CreatedOn is the company's creation date.
	CreatedOn time.Time `json:"created_on,omitzero"`
	// Ceased is true when the register says the company has ceased
	// (état administratif « C »); CeasedOn is then its closing date when
	// known.
	Ceased   bool      `json:"ceased,omitempty"`
	CeasedOn time.Time `json:"ceased_on,omitzero"`
	// Partial is true for a company whose owner asked for its data not to
	// be published (statut de diffusion « P »): its name and addresses are
	// withheld by the register and never shown.
	Partial bool `json:"partial,omitempty"`
	// HeadOffice is the registered address of the head office.
	HeadOffice Address `json:"head_office"`
	// CheckedAt is when the register was read.
	CheckedAt time.Time `json:"checked_at"`
}

// Ceased reports whether the register says the company has ceased. A
// ceased company is flagged on every page and never suggested to a buyer.
func (s *Supplier) Ceased() bool { return s.Register != nil && s.Register.Ceased }

// EstablishmentClosed reports whether the establishment siret is known as
// closed by the register.
func (s *Supplier) EstablishmentClosed(siret string) bool {
	for _, e := range s.Establishments {
		if e.SIRET == siret {
			return e.Closed
		}
	}
	return false
}

// PersonName writes properly a name in the register's raw form for
// individual entrepreneurs, "NOM*/PRÉNOMS/" or "NOM*NOM D'USAGE/PRÉNOMS/":
// « VIDAL*/BRUNO PIERRE MICHEL/ » becomes « Bruno Pierre Michel Vidal ».
// Other names are returned trimmed, unchanged.
func PersonName(raw string) string {
	s := strings.TrimSpace(raw)
	star := strings.IndexByte(s, '*')
	slash := strings.IndexByte(s, '/')
	if star <= 0 || slash < star {
		return s
	}
	last := strings.TrimSpace(s[:star])
	usage := strings.TrimSpace(s[star+1 : slash])
	rest := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s[slash+1:]), "/"))
	if usage != "" {
		last = usage
	}
	parts := []string{}
	if rest != "" {
		parts = append(parts, TitleCase(rest))
	}
	if last != "" {
		parts = append(parts, TitleCase(last))
	}
	if len(parts) == 0 {
		return s
	}
	return strings.Join(parts, " ")
}

// TitleCase capitalises the first letter of each word of an upper-case
// name and lowers the rest, keeping hyphens and apostrophes as word
// breaks: « JEAN-PIERRE D'ARC » becomes « Jean-Pierre D'Arc ». Spaces are
// collapsed.
func TitleCase(s string) string {
	var b strings.Builder
	start := true
	for _, r := range strings.Join(strings.Fields(s), " ") {
		switch {
		case unicode.IsLetter(r):
			if start {
				b.WriteRune(unicode.ToUpper(r))
			} else {
				b.WriteRune(unicode.ToLower(r))
			}
			start = false
		default:
			b.WriteRune(r)
			start = r == ' ' || r == '-' || r == '\'' || r == '’'
		}
	}
	return b.String()
}

// LegalFormName returns the French name of an INSEE "catégorie juridique"
// code (level III, four digits), read at its most precise known level;
// "" when the code is unknown.
func LegalFormName(code string) string {
	if n, ok := legalForms4[code]; ok {
		return n
	}
	if len(code) >= 2 {
		if n, ok := legalForms2[code[:2]]; ok {
			return n
		}
	}
	return ""
}

// legalForms4 are the level III categories common among manufacturers.
var legalForms4 = map[string]string{
	"1000": "Entrepreneur individuel",
	"5202": "Société en nom collectif",
	"5306": "Société en commandite simple",
	"5308": "Société en commandite par actions",
	"5410": "SARL nationale",
	"5415": "SARL d'économie mixte",
	"5422": "SARL immobilière pour le commerce et l'industrie",
	"5426": "SARL immobilière de gestion",
	"5430": "SARL d'aménagement foncier et d'équipement rural",
	"5431": "SARL mixte d'intérêt agricole",
	"5432": "SARL d'intérêt collectif agricole",
	"5442": "SARL d'attribution",
	"5443": "SARL coopérative de construction",
	"5451": "SARL coopérative de consommation",
	"5453": "SARL coopérative artisanale",
	"5454": "SARL coopérative d'intérêt maritime",
	"5455": "SARL coopérative de transport",
	"5458": "SARL coopérative ouvrière de production (SCOP)",
	"5459": "SARL union de sociétés coopératives",
	"5460": "Autre SARL coopérative",
	"5470": "Société de participations financières de profession libérale (SARL)",
	"5485": "Société d'exercice libéral à responsabilité limitée",
	"5498": "SARL unipersonnelle",
	"5499": "Société à responsabilité limitée (SARL)",
	"5505": "SA à participation ouvrière à conseil d'administration",
	"5510": "SA nationale à conseil d'administration",
	"5515": "SA d'économie mixte à conseil d'administration",
	"5558": "SA coopérative ouvrière de production (SCOP) à conseil d'administration",
	"5599": "SA à conseil d'administration",
	"5699": "SA à directoire",
	"5710": "Société par actions simplifiée (SAS)",
	"5720": "Société par actions simplifiée à associé unique (SASU)",
	"5785": "Société d'exercice libéral par actions simplifiée",
	"6220": "Groupement d'intérêt économique (GIE)",
	"6316": "Coopérative d'utilisation de matériel agricole en commun (CUMA)",
	"6317": "Société coopérative agricole",
	"6318": "Union de sociétés coopératives agricoles",
	"6532": "Société civile d'intérêt collectif agricole (SICA)",
	"6533": "Groupement agricole d'exploitation en commun (GAEC)",
	"6534": "Groupement foncier agricole",
	"6540": "Société civile immobilière",
	"6597": "Société civile d'exploitation agricole",
	"6598": "Exploitation agricole à responsabilité limitée (EARL)",
	"9220": "Association déclarée",
	"9230": "Association déclarée, reconnue d'utilité publique",
}

// legalForms2 are the level II categories.
var legalForms2 = map[string]string{
	"10": "Entrepreneur individuel",
	"21": "Indivision",
	"22": "Société créée de fait",
	"23": "Société en participation",
	"27": "Paroisse hors zone concordataire",
	"31": "Personne morale de droit étranger, immatriculée au RCS",
	"32": "Personne morale de droit étranger, non immatriculée au RCS",
	"41": "Établissement public ou régie à caractère industriel ou commercial",
	"51": "Société coopérative commerciale particulière",
	"52": "Société en nom collectif",
	"53": "Société en commandite",
	"54": "Société à responsabilité limitée (SARL)",
	"55": "SA à conseil d'administration",
	"56": "SA à directoire",
	"57": "Société par actions simplifiée (SAS)",
	"58": "Société européenne",
	"61": "Caisse d'épargne et de prévoyance",
	"62": "Groupement d'intérêt économique",
	"63": "Société coopérative agricole",
	"64": "Société d'assurance mutuelle",
	"65": "Autre société civile",
	"69": "Autre personne morale de droit privé inscrite au RCS",
	"71": "Administration de l'État",
	"72": "Collectivité territoriale",
	"73": "Établissement public administratif",
	"74": "Autre personne morale de droit public administratif",
	"81": "Organisme gérant un régime de protection sociale",
	"82": "Organisme mutualiste",
	"83": "Comité d'entreprise",
	"84": "Organisme professionnel",
	"85": "Organisme de retraite à adhésion non obligatoire",
	"91": "Syndicat de propriétaires",
	"92": "Association loi 1901 ou assimilé",
	"93": "Fondation",
	"99": "Autre personne morale de droit privé",
}

// CompanyCategoryName is the French name of an INSEE company category.
func CompanyCategoryName(c string) string {
	switch c {
	case "PME":
		return "petite ou moyenne entreprise (PME)"
	case "ETI":
		return "entreprise de taille intermédiaire (ETI)"
	case "GE":
		return "grande entreprise (GE)"
	}
	return c
}
