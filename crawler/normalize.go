package crawler

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"fabrique/data"
)

// NormalizeOptions says where a record comes from. The zero value
// describes the EPV open-data export.
type NormalizeOptions struct {
	// Source names the directory ("epv", "ofg", "jsonld"…); "" means "epv".
	Source string
	// Label is the label the directory proves; "" with Source "epv" means
	// data.LabelEPV. NoLabel suppresses it (a plain company directory).
	Label   data.LabelType
	NoLabel bool
	// Scope of that label; "" means data.ScopeCompany.
	Scope data.LabelScope
	// SourceURL is the page or file the record was read from; "" means the
	// EPV dataset page.
	SourceURL string
	// FetchedAt stamps the provenance; zero means now.
	FetchedAt time.Time
}

// EPVDatasetURL is the public page of the EPV open-data dataset.
const EPVDatasetURL = "https://data.economie.gouv.fr/explore/dataset/entreprises-du-patrimoine-vivant-epv/"

func (o NormalizeOptions) withDefaults() NormalizeOptions {
	if o.Source == "" {
		o.Source = "epv"
	}
	if o.Label == "" && !o.NoLabel && o.Source == "epv" {
		o.Label = data.LabelEPV
	}
	if o.Scope == "" {
		o.Scope = data.ScopeCompany
	}
	if o.SourceURL == "" && o.Source == "epv" {
		o.SourceURL = EPVDatasetURL
	}
	if o.FetchedAt.IsZero() {
		o.FetchedAt = time.Now().UTC()
	}
	return o
}

// ErrNoName is wrapped by Normalize when a record has no company name: it
// cannot give a supplier.
var ErrNoName = fmt.Errorf("crawler: record without a company name: %w", data.ErrInvalid)

// Normalize turns an extracted record into a supplier: SIRET repaired and
// checked, NAF code normalised, address placed with the reference data,
// label and per-field provenance attached. Defects of the input are kept
// in Supplier.Defects (French) and returned as problems; the record is
// rejected (error wrapping ErrNoName) only when it has no name.
func Normalize(rec Record, opts NormalizeOptions) (data.Supplier, []Problem, error) {
	return newNormalizer().normalize(rec, opts.withDefaults())
}

// normalizer holds the lookup tables built once per crawl or file.
type normalizer struct {
	depByName map[string]string // folded département name → code
}

func newNormalizer() *normalizer {
	n := &normalizer{depByName: map[string]string{}}
	for _, d := range data.Departements() {
		n.depByName[strings.Join(data.Words(d.Name), " ")] = d.Code
	}
	return n
}

// issues collects the defects of one record for both the supplier and the
// caller's report.
type issues struct {
	defects  []string
	problems []Problem
}

// flag records a defect kept on the supplier.
func (is *issues) flag(field, value, msg string) {
	is.defects = append(is.defects, msg)
	is.problems = append(is.problems, Problem{Field: field, Value: value, Message: msg})
}

// note records a repaired or minor issue for the report only.
func (is *issues) note(field, value, msg string) {
	is.problems = append(is.problems, Problem{Field: field, Value: value, Message: msg})
}

func (n *normalizer) normalize(rec Record, o NormalizeOptions) (data.Supplier, []Problem, error) {
	var is issues
	name := data.PersonName(plainText(rec.First(FieldName)))
	if name == "" {
		return data.Supplier{}, []Problem{{Field: FieldName, Message: "raison sociale absente : fiche ignorée", Skipped: true}}, ErrNoName
	}
	prov := data.Provenance{Source: o.Source, SourceURL: o.SourceURL, FetchedAt: o.FetchedAt}
	s := data.Supplier{Name: truncateRunes(name, 300)}
	s.SetProvenance(data.FieldName, prov)

	s.Address = n.place(rec, &is)
	if s.Address.Departement != "" || s.Address.HasGeo() {
		s.SetProvenance(data.FieldAddress, prov)
	}

	n.identify(&s, rec, &is, prov)
	n.naf(&s, rec, &is, prov)
	n.describe(&s, rec, &is, prov)
	if label, ok := n.label(rec, o, &is); ok {
		s.Labels = []data.Label{label}
	}
	s.Defects = is.defects
	for i := range is.problems {
		is.problems[i].Key = s.ID
		is.problems[i].URL = o.SourceURL
	}
	return s, is.problems, nil
}

// identify sets the SIRET, SIREN and store key.
func (n *normalizer) identify(s *data.Supplier, rec Record, is *issues, prov data.Provenance) {
	if raw := rec.First(FieldSIRET); strings.TrimSpace(raw) != "" {
		siret, repaired, err := data.RepairSIRET(raw)
		est := data.Establishment{SIRET: siret, Address: s.Address, Valid: err == nil}
		switch {
		case err != nil:
			est.Defect = validationMessage(err)
			is.flag(FieldSIRET, raw, "SIRET "+strings.TrimSpace(raw)+" invalide : "+est.Defect)
		case repaired:
			s.SIREN = data.SIRENOf(siret)
			is.note(FieldSIRET, raw, "SIRET "+strings.TrimSpace(raw)+" : zéros de tête restaurés ("+siret+")")
		default:
			s.SIREN = data.SIRENOf(siret)
		}
		if siret != "" {
			s.Establishments = []data.Establishment{est}
			s.SetProvenance(data.FieldEstablishment, prov)
		}
	}
	if s.SIREN == "" {
		if raw := data.CleanDigits(rec.First(FieldSIREN)); raw != "" {
			if err := data.ValidSIREN(raw); err == nil {
				s.SIREN = raw
			} else {
				is.flag(FieldSIREN, raw, "SIREN "+raw+" invalide : "+validationMessage(err))
			}
		}
	}
	place := s.Address.Postcode
	if place == "" {
		place = s.Address.Departement
	}
	s.ID = data.SupplierKey(s.SIREN, s.Name, place)
}

// validationMessage returns the French message of a validation error.
func validationMessage(err error) string {
	var ve *data.ValidationError
	if errors.As(err, &ve) {
		return ve.Message
	}
	return err.Error()
}

// nafLabelCode matches the "(25.73B)" some sources append to NAF labels.
var nafLabelCode = regexp.MustCompile(`\s*\(\s*\d{2}\.?\d{1,2}\s*[A-Za-z]\s*\)\s*$`)

func cleanNAFLabel(s string) string {
	return strings.TrimSpace(nafLabelCode.ReplaceAllString(plainText(s), ""))
}

func (n *normalizer) naf(s *data.Supplier, rec Record, is *issues, prov data.Provenance) {
	raw := strings.TrimSpace(rec.First(FieldNAF))
	label := cleanNAFLabel(rec.First(FieldNAFLabel))
	if raw == "" {
		return
	}
	code, err := data.NormalizeNAF(raw)
	switch {
	case err == nil:
		s.NAF, s.NAFLabel = code, label
		if official, ok := data.LookupNAF(code); ok {
			s.NAFLabel = official.Label
		}
	case errors.Is(err, data.ErrNAF1993):
		s.NAFLegacy, s.NAFLabel = code, label
		is.flag(FieldNAF, raw, "code NAF "+code+" de l'ancienne nomenclature (NAF 1993, remplacée en 2008) : conservé tel quel, sans équivalent rév. 2")
	default:
		s.NAFLabel = label
		is.flag(FieldNAF, raw, "code NAF "+raw+" non reconnu : "+validationMessage(err))
	}
	s.SetProvenance(data.FieldNAF, prov)
}

func appendUnique(list []string, v string) []string {
	k := data.Fold(v)
	for _, x := range list {
		if data.Fold(x) == k {
			return list
		}
	}
	return append(list, v)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
