package crawler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"fabrique/data"
)

// The official register source (kind "register") reads the answers of the
// State's API Recherche d'entreprises (recherche-entreprises.api.gouv.fr,
// GET /search?q=SIREN), one company per request. Its answer is nested
// (a company, its head office, its matching establishments), so it is
// read by this extractor rather than by field paths; the definition still
// says where the API is, how fast it may be asked (7 requests per second
// at most, as the API's documentation states) and what to ask.

// registerPage is the answer of GET /search.
type registerPage struct {
	Results      []registerCompany `json:"results"`
	TotalResults int               `json:"total_results"`
}

// registerCompany is one "unité légale" of the answer.
type registerCompany struct {
	SIREN               lax                     `json:"siren"`
	NomComplet          lax                     `json:"nom_complet"`
	NomRaisonSociale    lax                     `json:"nom_raison_sociale"`
	Sigle               lax                     `json:"sigle"`
	NatureJuridique     lax                     `json:"nature_juridique"`
	ActivitePrincipale  lax                     `json:"activite_principale"`
	CategorieEntreprise lax                     `json:"categorie_entreprise"`
	DateCreation        lax                     `json:"date_creation"`
	DateFermeture       lax                     `json:"date_fermeture"`
	EtatAdministratif   lax                     `json:"etat_administratif"`
	StatutDiffusion     lax                     `json:"statut_diffusion"`
	TrancheEffectif     lax                     `json:"tranche_effectif_salarie"`
	Siege               registerEstablishment   `json:"siege"`
	Matching            []registerEstablishment `json:"matching_etablissements"`
}

// registerEstablishment is an "établissement" of the answer (the head
// office or a matching establishment).
type registerEstablishment struct {
	SIRET             lax   `json:"siret"`
	EstSiege          bool  `json:"est_siege"`
	EtatAdministratif lax   `json:"etat_administratif"`
	DateFermeture     lax   `json:"date_fermeture"`
	StatutDiffusion   lax   `json:"statut_diffusion_etablissement"`
	ComplementAdresse lax   `json:"complement_adresse"`
	NumeroVoie        lax   `json:"numero_voie"`
	IndiceRepetition  lax   `json:"indice_repetition"`
	TypeVoie          lax   `json:"type_voie"`
	LibelleVoie       lax   `json:"libelle_voie"`
	CodePostal        lax   `json:"code_postal"`
	Commune           lax   `json:"commune"`
	LibelleCommune    lax   `json:"libelle_commune"`
	Latitude          lax   `json:"latitude"`
	Longitude         lax   `json:"longitude"`
	NomCommercial     lax   `json:"nom_commercial"`
	ListeEnseignes    []lax `json:"liste_enseignes"`
}

// lax is a JSON scalar read as text whatever its type (the API gives
// coordinates as strings or numbers, and null for absent values).
type lax string

func (l *lax) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*l = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = lax(strings.TrimSpace(s))
	case len(b) > 0 && (b[0] == '{' || b[0] == '['):
		*l = "" // not a scalar: ignored
	default:
		*l = lax(b)
	}
	return nil
}

func (l lax) String() string { return string(l) }

// withheld is how the API writes a value withheld from publication.
const withheld = "[NON-DIFFUSIBLE]"

// known returns the value unless it is empty or withheld.
func (l lax) known() string {
	if s := string(l); s != withheld && !strings.EqualFold(s, "non-diffusible") {
		return s
	}
	return ""
}

// registerExtractor turns an answer into the suppliers it identifies.
type registerExtractor struct {
	def  *Definition
	norm *normalizer
}

func newRegisterExtractor(d *Definition, n *normalizer) *registerExtractor {
	return &registerExtractor{def: d, norm: n}
}

// extract reads one answer. Only companies with a valid SIREN are kept; an
// answer without results gives nothing (the company is unknown to the
// open register or withheld from it).
func (x *registerExtractor) extract(body []byte, pageURL string, now time.Time) ([]data.Supplier, error) {
	var p registerPage
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("%w: JSON: %v", ErrParse, err)
	}
	prov := data.Provenance{Source: x.def.Name, SourceURL: pageURL, FetchedAt: now}
	var out []data.Supplier
	for _, c := range p.Results {
		if s, ok := x.company(c, prov); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// company builds the supplier the register describes: identity fields with
// the register's provenance, the establishments with their registered
// addresses, and the register identity itself.
func (x *registerExtractor) company(c registerCompany, prov data.Provenance) (data.Supplier, bool) {
	siren := data.CleanDigits(c.SIREN.String())
	if data.ValidSIREN(siren) != nil {
		return data.Supplier{}, false
	}
	partial := c.StatutDiffusion.String() == "P"
	reg := &data.RegisterIdentity{Found: true, LegalForm: c.NatureJuridique.known(), Partial: partial,
		Ceased: c.EtatAdministratif.String() == "C", CheckedAt: prov.FetchedAt}
	if t, ok := parseDate(c.DateCreation.String()); ok {
		reg.CreatedOn = t
	}
	if t, ok := parseDate(c.DateFermeture.String()); ok && reg.Ceased {
		reg.CeasedOn = t
	}
	s := data.Supplier{ID: siren, SIREN: siren, Register: reg}
	s.SetProvenance(data.FieldRegister, prov)
	if !partial {
		if name := legalName(c); name != "" {
			reg.LegalName = name
			s.Name = truncateRunes(name, 300)
			s.SetProvenance(data.FieldName, prov)
		}
		for _, t := range []string{c.Sigle.known(), c.Siege.NomCommercial.known()} {
			if t = plainText(t); t != "" && data.NormalizeName(t) != data.NormalizeName(s.Name) {
				s.TradeNames = appendUnique(s.TradeNames, truncateRunes(t, 200))
			}
		}
	}
	if band := c.TrancheEffectif.known(); band != "" && band != "NN" {
		if _, ok := data.LookupHeadcountBand(band); ok {
			s.HeadcountBand = band
			s.SetProvenance(data.FieldHeadcount, prov)
		}
	}
	if cat := companyCategory(c.CategorieEntreprise.known()); cat != "" {
		s.Category = cat
		s.SetProvenance(data.FieldCategory, prov)
	}
	if code, err := data.NormalizeNAF(c.ActivitePrincipale.known()); err == nil {
		if official, ok := data.LookupNAF(code); ok {
			s.NAF, s.NAFLabel = code, official.Label
			s.SetProvenance(data.FieldNAF, prov)
		}
	}
	seen := map[string]bool{}
	for _, e := range append([]registerEstablishment{c.Siege}, c.Matching...) {
		siret := data.CleanDigits(e.SIRET.String())
		if seen[siret] || data.ValidSIRET(siret) != nil || data.SIRENOf(siret) != siren {
			continue
		}
		seen[siret] = true
		est := x.establishment(e, siret, partial)
		if siret == c.Siege.SIRET.String() {
			est.HeadOffice = true
			reg.HeadOffice = est.Address
		}
		if !partial && est.TradeName != "" && !est.Closed {
			s.TradeNames = appendUnique(s.TradeNames, est.TradeName)
		}
		s.Establishments = append(s.Establishments, est)
	}
	if len(s.TradeNames) > 0 {
		s.SetProvenance(data.FieldTradeNames, prov)
	}
	if len(s.Establishments) > 0 {
		s.SetProvenance(data.FieldEstablishment, prov)
	}
	return s, true
}

// legalName is the company's name written properly: an individual
// entrepreneur's raw "NOM*/PRÉNOMS/" becomes "Prénoms Nom".
func legalName(c registerCompany) string {
	name := plainText(c.NomRaisonSociale.known())
	if name == "" {
		name = plainText(c.NomComplet.known())
		if c.NatureJuridique.String() == "1000" && !strings.Contains(name, "*") {
			return data.TitleCase(name)
		}
	}
	return data.PersonName(name)
}

// establishment reads one establishment and places its registered address
// with the reference data.
func (x *registerExtractor) establishment(e registerEstablishment, siret string, partialCompany bool) data.Establishment {
	est := data.Establishment{SIRET: siret, Valid: true, HeadOffice: e.EstSiege,
		Closed: e.EtatAdministratif.String() == "F"}
	if t, ok := parseDate(e.DateFermeture.String()); ok && est.Closed {
		est.ClosedOn = t
	}
	hidden := partialCompany || e.StatutDiffusion.String() == "P" || e.LibelleVoie.String() == withheld
	if hidden {
		est.Hidden = true
		// The commune alone is still public for a withheld establishment.
		rec := Record{}
		rec.Add(FieldCommuneINSEE, e.Commune.known())
		rec.Add(FieldPostcode, e.CodePostal.known())
		var is issues
		est.Address = x.norm.place(rec, &is)
		est.Address.Street = ""
		return est
	}
	if n := plainText(e.NomCommercial.known()); n != "" {
		est.TradeName = n
	} else if len(e.ListeEnseignes) > 0 {
		est.TradeName = plainText(e.ListeEnseignes[0].known())
	}
	rec := Record{}
	rec.Add(FieldStreet, registerStreet(e))
	rec.Add(FieldPostcode, e.CodePostal.known())
	rec.Add(FieldCommuneINSEE, e.Commune.known())
	rec.Add(FieldCommune, e.LibelleCommune.known())
	rec.Add(FieldLat, e.Latitude.known())
	rec.Add(FieldLon, e.Longitude.known())
	rec.Add(FieldCountry, "FR")
	var is issues
	est.Address = x.norm.place(rec, &is)
	return est
}

// registerStreet writes the street lines of an establishment in ordinary
// case: « 9 RUE DU COLONEL PIERRE AVIA » becomes « 9 rue du Colonel
// Pierre Avia », with the complement first.
func registerStreet(e registerEstablishment) string {
	typ := e.TypeVoie.known()
	if full, ok := streetTypes[strings.ToUpper(typ)]; ok {
		typ = full
	}
	rep := e.IndiceRepetition.known()
	if full, ok := repetitionIndexes[strings.ToUpper(rep)]; ok {
		rep = full
	}
	num := strings.TrimSpace(e.NumeroVoie.known() + " " + strings.ToLower(rep))
	voie := strings.Join(strings.Fields(num+" "+typ+" "+e.LibelleVoie.known()), " ")
	var lines []string
	if c := e.ComplementAdresse.known(); c != "" {
		lines = append(lines, streetCase(c))
	}
	if voie != "" {
		lines = append(lines, streetCase(voie))
	}
	return strings.Join(lines, ", ")
}

// streetTypes expands the register's abbreviated street types.
var streetTypes = map[string]string{
	"ALL": "allée", "AV": "avenue", "BD": "boulevard", "CAR": "carrefour", "CHE": "chemin", "CHS": "chaussée",
	"CITE": "cité", "COR": "corniche", "CRS": "cours", "DOM": "domaine", "DSC": "descente", "ECA": "écart",
	"ESP": "esplanade", "FG": "faubourg", "GR": "grande rue", "HAM": "hameau", "HLE": "halle", "IMP": "impasse",
	"LD": "lieu-dit", "LOT": "lotissement", "MAR": "marché", "MTE": "montée", "PAS": "passage", "PL": "place",
	"PLN": "plaine", "PLT": "plateau", "PRO": "promenade", "PRV": "parvis", "QUA": "quartier", "QUAI": "quai",
	"RES": "résidence", "RLE": "ruelle", "ROC": "rocade", "RPT": "rond-point", "RTE": "route", "RUE": "rue",
	"SEN": "sentier", "SQ": "square", "TPL": "terre-plein", "TRA": "traverse", "VLA": "villa", "VLGE": "village",
	"ZA": "ZA", "ZAC": "ZAC", "ZI": "ZI", "ZONE": "zone",
}

// repetitionIndexes expands the register's one-letter repetition indexes.
var repetitionIndexes = map[string]string{"B": "bis", "T": "ter", "Q": "quater", "C": "quinquies"}

// streetSmall are the words written in lower case inside a street name.
var streetSmall = map[string]bool{
	"de": true, "du": true, "des": true, "la": true, "le": true, "les": true, "et": true, "aux": true,
	"au": true, "sur": true, "sous": true, "en": true, "rue": true, "avenue": true, "boulevard": true,
	"chemin": true, "route": true, "place": true, "impasse": true, "allée": true, "quai": true, "cours": true,
	"bis": true, "ter": true, "quater": true, "zone": true, "lieu-dit": true, "hameau": true, "faubourg": true,
}

// streetCase title-cases an upper-case street line, keeping articles,
// street types and repetition indexes in lower case and acronyms (ZA, ZI,
// ZAC, BP, CS) as they are.
func streetCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		lw := strings.ToLower(w)
		switch {
		case w == "ZA" || w == "ZI" || w == "ZAC" || w == "BP" || w == "CS":
		case streetSmall[lw] && i > 0:
			words[i] = lw
		case streetSmall[lw] && i == 0 && !strings.ContainsAny(w, "0123456789"):
			words[i] = data.TitleCase(lw)
		case strings.HasPrefix(lw, "d'") || strings.HasPrefix(lw, "l'"):
			words[i] = lw[:2] + data.TitleCase(lw[2:])
		default:
			words[i] = data.TitleCase(w)
		}
		if i > 0 && streetSmall[lw] {
			words[i] = lw
		}
	}
	return strings.Join(words, " ")
}
