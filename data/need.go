package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Need is a buyer's need as the matching API and `fabrique match --json`
// receive it: one contract for both.
//
//	{"title", "description", "cpv": [...], "departement" | "postcode" | "nuts",
//	 "estimated_value", "lots": [...], "limit", "naf"}
type Need struct {
	Title          string    `json:"title"`
	Description    string    `json:"description,omitempty"`
	CPV            []string  `json:"cpv,omitempty"`
	Departement    string    `json:"departement,omitempty"`
	Postcode       string    `json:"postcode,omitempty"`
	Commune        string    `json:"commune,omitempty"`
	NUTS           string    `json:"nuts,omitempty"`
	EstimatedValue float64   `json:"estimated_value,omitempty"`
	Nature         Nature    `json:"nature,omitempty"`
	Lots           []NeedLot `json:"lots,omitempty"`
	Limit          int       `json:"limit,omitempty"`
	// NAF, a NAF code, ranks only the companies of that trade (the
	// « corps d'état » of a need without lots); it is how the need is
	// ranked, not part of the need (nor of its Tender).
	NAF string `json:"naf,omitempty"`
}

// NeedLot is one lot of a Need; empty fields inherit the need's.
type NeedLot struct {
	Title          string   `json:"title"`
	Description    string   `json:"description,omitempty"`
	CPV            []string `json:"cpv,omitempty"`
	Departement    string   `json:"departement,omitempty"`
	Postcode       string   `json:"postcode,omitempty"`
	EstimatedValue float64  `json:"estimated_value,omitempty"`
}

// Limits of a Need, so that a hostile request cannot make the matcher work
// for minutes.
const (
	MaxNeedText  = 20000 // characters of title + description
	MaxNeedLots  = 200
	MaxNeedCPV   = 50
	MaxNeedLimit = 200
	// DefaultNeedLimit is the number of matches returned when Limit is 0.
	DefaultNeedLimit = 50
)

// DecodeNeed reads a Need from JSON, refusing unknown fields so that a
// typo ("departemnt") is reported instead of silently ignored, and a
// "limit" written as 0: omitted means the default, 0 means nothing.
func DecodeNeed(b []byte) (Need, error) {
	if t := bytes.TrimLeft(b, " \t\r\n"); len(t) > 0 && t[0] != '{' {
		return Need{}, invalid("JSON", "", "requête illisible : un besoin est un objet JSON { … }")
	}
	// The outer Limit shadows Need.Limit, to tell 0 from omitted.
	var w struct {
		Need
		Limit *int `json:"limit"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return Need{}, fmt.Errorf("%w: %w", invalid("JSON", "", "requête illisible : "+err.Error()), err)
	}
	if dec.More() {
		return Need{}, invalid("JSON", "", "requête illisible : données après l'objet JSON")
	}
	n := w.Need
	if w.Limit != nil {
		if *w.Limit < 1 {
			return Need{}, invalid("limit", strconv.Itoa(*w.Limit), needLimitMessage)
		}
		n.Limit = *w.Limit
	}
	return n, nil
}

// needLimitMessage explains the bounds of Need.Limit.
const needLimitMessage = "entre 1 et 200 (sans « limit », 50)"

// Tender validates the need and turns it into a tender for the matcher:
// CPV codes normalised (each invalid one is an error naming it), the place
// resolved from the département, postcode, commune or NUTS code, lots with
// their own or inherited fields. Its ID is a stable hash of the need, so
// the same need gives the same shareable shortlist.
func (n Need) Tender() (Tender, error) {
	n.Title = strings.TrimSpace(n.Title)
	n.Description = strings.TrimSpace(n.Description)
	if n.Title == "" && len(n.CPV) == 0 {
		return Tender{}, invalid("title", "", "indiquez au moins un intitulé ou un code CPV")
	}
	if utf8.RuneCountInString(n.Title)+utf8.RuneCountInString(n.Description) > MaxNeedText {
		return Tender{}, &ValidationError{Field: "description", Message: "texte trop long (20 000 caractères au plus)"}
	}
	if len(n.Lots) > MaxNeedLots {
		return Tender{}, invalid("lots", "", "200 lots au plus")
	}
	if n.Limit < 0 || n.Limit > MaxNeedLimit {
		return Tender{}, invalid("limit", strconv.Itoa(n.Limit), needLimitMessage)
	}
	if n.EstimatedValue < 0 {
		return Tender{}, invalid("estimated_value", "", "la valeur estimée ne peut être négative")
	}
	if err := checkNeedTrade(n.NAF, len(n.Lots)); err != nil {
		return Tender{}, err
	}
	switch n.Nature {
	case "", NatureWorks, NatureSupplies, NatureServices:
	default:
		return Tender{}, invalid("nature", string(n.Nature), "attendu : works, supplies ou services")
	}
	cpv, err := normalizeCPVList(n.CPV)
	if err != nil {
		return Tender{}, err
	}
	place, err := needPlace(n.Departement, n.Postcode, n.Commune, n.NUTS)
	if err != nil {
		return Tender{}, err
	}
	t := Tender{Source: SourceNeed, Title: n.Title, Description: n.Description, Place: place,
		EstimatedValue: n.EstimatedValue, Nature: n.Nature, State: StateOpen}
	if len(cpv) > 0 {
		t.CPV, t.CPVAdditional = cpv[0], cpv[1:]
	}
	if t.Nature == "" && t.CPV != "" {
		t.Nature = NatureOfCPV(t.CPV)
	}
	for i, l := range n.Lots {
		lc, err := normalizeCPVList(l.CPV)
		if err != nil {
			return Tender{}, err
		}
		lp := place
		if l.Departement != "" || l.Postcode != "" {
			if lp, err = needPlace(l.Departement, l.Postcode, "", ""); err != nil {
				return Tender{}, err
			}
		}
		lot := Lot{ID: strconv.Itoa(i + 1), Title: strings.TrimSpace(l.Title), Description: strings.TrimSpace(l.Description),
			Place: lp, EstimatedValue: l.EstimatedValue}
		if len(lc) > 0 {
			lot.CPV, lot.CPVAdditional = lc[0], lc[1:]
		}
		if lot.Title == "" && lot.CPV == "" {
			return Tender{}, invalid("lots", strconv.Itoa(i+1), "chaque lot a besoin d'un intitulé ou d'un code CPV")
		}
		t.Lots = append(t.Lots, lot)
	}
	canon, _ := json.Marshal(n) // plain data: always marshals
	sum := sha256.Sum256(canon)
	t.SourceID = hex.EncodeToString(sum[:8])
	t.ID = "besoin:" + t.SourceID
	return t, nil
}

// NatureOfCPV tells works, supplies or services from a CPV code: division
// 45 is works, divisions below 45 (and 48) are supplies, the rest services,
// as the CPV regulation lays them out.
func NatureOfCPV(cpv string) Nature {
	d := CPVDivision(cpv)
	switch {
	case d == "":
		return ""
	case d == "45":
		return NatureWorks
	case d < "45" || d == "48":
		return NatureSupplies
	}
	return NatureServices
}

func normalizeCPVList(in []string) ([]string, error) {
	if len(in) > MaxNeedCPV {
		return nil, invalid("cpv", "", "50 codes CPV au plus")
	}
	var out []string
	for _, raw := range in {
		c, err := NormalizeCPV(raw)
		if err != nil {
			return nil, err
		}
		out = union(out, []string{c})
	}
	return out, nil
}

func needPlace(dep, postcode, commune, nuts string) (Place, error) {
	p := Place{Postcode: strings.TrimSpace(postcode), Commune: strings.TrimSpace(commune), NUTS: strings.ToUpper(strings.TrimSpace(nuts))}
	if dep = strings.ToUpper(strings.TrimSpace(dep)); dep != "" {
		if _, ok := LookupDepartement(dep); !ok {
			return Place{}, invalid("departement", dep, "département inconnu")
		}
		p.Departement = dep
	}
	if p.Postcode != "" && len(CommunesByPostcode(p.Postcode)) == 0 && DepartementOfPostcode(p.Postcode) == "" {
		return Place{}, invalid("postcode", p.Postcode, "code postal inconnu")
	}
	if p.NUTS != "" {
		d, ok := DepartementOfNUTS3(p.NUTS)
		if !ok {
			return Place{}, invalid("nuts", p.NUTS, "code NUTS-3 français inconnu")
		}
		if p.Departement != "" && d != p.Departement {
			return Place{}, invalid("nuts", p.NUTS, "le code NUTS "+p.NUTS+" ("+departementName(d)+
				") n'est pas celui du département "+departementLabel(p.Departement))
		}
		if p.Departement == "" {
			p.Departement = d
		}
	}
	if p.Postcode != "" && p.Departement != "" && !slices.Contains(postcodeDepartements(p.Postcode), p.Departement) {
		return Place{}, invalid("postcode", p.Postcode, "le code postal "+p.Postcode+" ("+postcodePlace(p.Postcode)+
			") n'est pas dans le département "+departementLabel(p.Departement))
	}
	if p.Commune != "" {
		if err := checkNeedCommune(p); err != nil {
			return Place{}, err
		}
	}
	return ResolvePlace(p), nil
}

// checkNeedCommune checks that a need's commune names one commune, in its
// département and with its postcode when they are given: otherwise the
// place would silently not be resolved, and the need ranked nationwide.
func checkNeedCommune(p Place) error {
	cands := FindCommunes(p.Commune)
	if len(cands) == 0 {
		return invalid("commune", p.Commune, "commune inconnue : "+p.Commune)
	}
	var kept []Commune
	for _, c := range cands {
		if (p.Departement == "" || c.Departement == p.Departement) && (p.Postcode == "" || slices.Contains(c.Postcodes, p.Postcode)) {
			kept = append(kept, c)
		}
	}
	switch {
	case len(kept) == 0 && p.Postcode != "":
		return invalid("commune", p.Commune, "la commune "+p.Commune+" n'a pas le code postal "+p.Postcode)
	case len(kept) == 0:
		return invalid("commune", p.Commune, "la commune "+p.Commune+" n'est pas dans le département "+departementLabel(p.Departement))
	case len(kept) > 1 && p.Postcode == "" && p.Departement == "":
		var deps []string
		for _, c := range kept[:min(len(kept), 6)] {
			deps = append(deps, c.Departement)
		}
		if len(kept) > len(deps) {
			deps = append(deps, "…")
		}
		return invalid("commune", p.Commune, fmt.Sprintf("commune ambiguë : %d communes s'appellent %s (départements %s), précisez le département ou le code postal",
			len(kept), p.Commune, strings.Join(deps, ", ")))
	}
	return nil
}

// postcodeDepartements are the départements of a known postcode: those of
// its communes (a few postcodes serve communes of two départements), else
// the one its digits imply.
func postcodeDepartements(postcode string) []string {
	var deps []string
	for _, c := range CommunesByPostcode(postcode) {
		if !slices.Contains(deps, c.Departement) {
			deps = append(deps, c.Departement)
		}
	}
	if len(deps) == 0 {
		if d := DepartementOfPostcode(postcode); d != "" {
			deps = append(deps, d)
		}
	}
	return deps
}

// postcodePlace names where a postcode is: « Lyon, Rhône ».
func postcodePlace(postcode string) string {
	if cs := CommunesByPostcode(postcode); len(cs) > 0 {
		return cs[0].Name + ", " + departementName(cs[0].Departement)
	}
	return departementName(DepartementOfPostcode(postcode))
}

// departementName is the name of a département, its code when unknown.
func departementName(code string) string {
	if d, ok := LookupDepartement(code); ok {
		return d.Name
	}
	return code
}

// departementLabel is a département as the forms list it: « 29 – Finistère ».
func departementLabel(code string) string { return code + " – " + departementName(code) }

// checkNeedTrade checks a need's trade: a NAF code of the nomenclature's
// sub-class level, for a need without lots (each lot has its own ranking).
func checkNeedTrade(code string, lots int) error {
	if code == "" {
		return nil
	}
	if _, ok := LookupTrade(code); !ok {
		return invalid("naf", code, "code NAF inconnu : une sous-classe comme 43.99C")
	}
	if lots > 0 {
		return invalid("naf", code, "le corps d'état vaut pour un besoin sans lots : chaque lot a déjà son propre classement")
	}
	return nil
}
