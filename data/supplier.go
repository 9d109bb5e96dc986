package data

import "time"

// Supplier is a company (legal unit, identified by its SIREN) that makes
// things in France, as gathered from label directories and completed by its
// owner. Fields set by the owner are recorded in Provenance with Owner=true
// and are never overwritten by a crawl (see MergeCrawled).
type Supplier struct {
	// ID is the store key: the SIREN when the company has a valid one,
	// otherwise a stable "x" + hash of the normalised name and postcode
	// (see SupplierKey). Companies with a defective SIRET are kept, flagged.
	ID    string `json:"id"`
	SIREN string `json:"siren,omitempty"`
	// Establishments are the company's sites: head office and production
	// sites, each with its SIRET.
	Establishments []Establishment `json:"establishments,omitempty"`

	Name       string   `json:"name"`
	TradeNames []string `json:"trade_names,omitempty"` // trade names and brands

	Address Address `json:"address"`

	NAF      string `json:"naf,omitempty"` // NAF rév. 2 sub-class, "25.71Z"
	NAFLabel string `json:"naf_label,omitempty"`
	// NAFLegacy keeps a code given by a source in an older nomenclature
	// (NAF 1993, "35.1E") when it cannot be placed in NAF rév. 2.
	NAFLegacy string `json:"naf_legacy,omitempty"`

	HeadcountBand string `json:"headcount_band,omitempty"` // INSEE tranche code, "12"
	Category      string `json:"category,omitempty"`       // PME, ETI, GE when known
	// TurnoverBand is a code of TurnoverBands, declared by the company.
	TurnoverBand string `json:"turnover_band,omitempty"`
	// LargestContractEUR is the largest contract the company says it has
	// delivered, in euros excluding tax.
	LargestContractEUR int64 `json:"largest_contract_eur,omitempty"`
	// Certifications are the certifications the company declares.
	Certifications []Certification `json:"certifications,omitempty"`
	// Logo is the store key of the company's logo (a PNG re-encoded from
	// the upload), "" without one.
	Logo string `json:"logo,omitempty"`

	Website     string    `json:"website,omitempty"`
	Contacts    []Contact `json:"contacts,omitempty"`
	Description string    `json:"description,omitempty"`
	// Activities are free-text activity words from the sources
	// (EPV "univers", sector, product types).
	Activities []string `json:"activities,omitempty"`
	Products   []string `json:"products,omitempty"` // products and product ranges

	// CPV codes declared by the company and those inferred (from its NAF
	// code or its awards) are kept apart: only the first are a claim.
	CPVDeclared []string `json:"cpv_declared,omitempty"`
	CPVInferred []string `json:"cpv_inferred,omitempty"`

	ServiceArea ServiceArea `json:"service_area"`
	Labels      []Label     `json:"labels,omitempty"`

	// Extra keeps source fields without a dedicated slot (EPV price range,
	// clientele, visits allowed…), keyed by a stable snake_case name.
	Extra map[string]string `json:"extra,omitempty"`

	// Provenance says, per field (see the Field* constants), where the
	// current value comes from.
	Provenance map[string]Provenance `json:"provenance,omitempty"`

	// Defects lists what is wrong with the data as received (an invalid
	// SIRET, an unknown NAF code…) in French, for display and review.
	Defects []string `json:"defects,omitempty"`

	// Merges records when two listings were recognised as one company.
	Merges []MergeRecord `json:"merges,omitempty"`

	// Register is the identity the official register gives (legal form,
	// creation date, head office, ceased or not); nil until the register
	// source ran for the company.
	Register *RegisterIdentity `json:"register,omitempty"`

	// ClaimedBy is the account that proved ownership, if any.
	ClaimedBy string `json:"claimed_by,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Establishment is one site of a company, identified by its SIRET.
type Establishment struct {
	SIRET      string  `json:"siret"`
	HeadOffice bool    `json:"head_office,omitempty"`
	Production bool    `json:"production,omitempty"`
	Address    Address `json:"address"`
	// Valid is false when the SIRET fails its check; Defect says why.
	Valid  bool   `json:"valid"`
	Defect string `json:"defect,omitempty"`
	// Closed is true when the register lists the establishment as closed
	// (ClosedOn, when known); Hidden when its address is withheld.
	Closed   bool      `json:"closed,omitempty"`
	ClosedOn time.Time `json:"closed_on,omitzero"`
	Hidden   bool      `json:"hidden,omitempty"`
	// TradeName is the establishment's sign (enseigne), when registered.
	TradeName string `json:"trade_name,omitempty"`
}

// GeoPrecision says how precisely an address was placed on the map.
type GeoPrecision string

const (
	GeoNone        GeoPrecision = ""
	GeoExact       GeoPrecision = "exact"       // coordinates given by the source
	GeoCommune     GeoPrecision = "commune"     // centre of the commune
	GeoDepartement GeoPrecision = "departement" // centre of the département
)

// Address is a French postal address resolved against the reference data.
type Address struct {
	Street       string       `json:"street,omitempty"`
	Postcode     string       `json:"postcode,omitempty"`
	Commune      string       `json:"commune,omitempty"`       // name
	CommuneINSEE string       `json:"commune_insee,omitempty"` // COG code
	Departement  string       `json:"departement,omitempty"`   // "2A", "75", "971"
	Region       string       `json:"region,omitempty"`        // COG code "84"
	NUTS3        string       `json:"nuts3,omitempty"`         // "FRK26"
	Country      string       `json:"country,omitempty"`       // ISO 3166 alpha-2, "FR"
	Lat          float64      `json:"lat,omitempty"`
	Lon          float64      `json:"lon,omitempty"`
	Precision    GeoPrecision `json:"precision,omitempty"`
}

// HasGeo reports whether the address carries coordinates.
func (a Address) HasGeo() bool { return a.Precision != GeoNone }

// Contact is a way to reach the company.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Role  string `json:"role,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// ServiceAreaKind says how far a company delivers or works.
type ServiceAreaKind string

const (
	ServiceAreaUnknown      ServiceAreaKind = ""
	ServiceAreaFrance       ServiceAreaKind = "france"       // France entière
	ServiceAreaRadius       ServiceAreaKind = "radius"       // RadiusKm around the address
	ServiceAreaDepartements ServiceAreaKind = "departements" // Codes are département codes
	ServiceAreaRegions      ServiceAreaKind = "regions"      // Codes are région codes
)

// ServiceArea is where the company declares it can serve.
type ServiceArea struct {
	Kind     ServiceAreaKind `json:"kind,omitempty"`
	RadiusKm float64         `json:"radius_km,omitempty"`
	Codes    []string        `json:"codes,omitempty"`
}

// Provenance records where a field's value comes from.
type Provenance struct {
	Source    string    `json:"source"` // "epv", "ofg", "jsonld", "owner", "decp"…
	SourceURL string    `json:"source_url,omitempty"`
	FetchedAt time.Time `json:"fetched_at"`
	// Owner is true when the company's verified owner declared the value;
	// crawls never overwrite such a field.
	Owner bool `json:"owner,omitempty"`
}

// Names of the supplier fields tracked in Provenance.
const (
	FieldName          = "name"
	FieldTradeNames    = "trade_names"
	FieldEstablishment = "establishments"
	FieldAddress       = "address"
	FieldNAF           = "naf"
	FieldHeadcount     = "headcount_band"
	FieldCategory      = "category"
	FieldWebsite       = "website"
	FieldContacts      = "contacts"
	FieldDescription   = "description"
	FieldActivities    = "activities"
	FieldProducts      = "products"
	FieldCPVDeclared   = "cpv_declared"
	FieldServiceArea   = "service_area"
	FieldExtra         = "extra"

	FieldTurnover        = "turnover_band"
	FieldLargestContract = "largest_contract_eur"
	FieldCertifications  = "certifications"
	FieldLogo            = "logo"
)

// MergeRecord says that a listing from another source was recognised as
// this company, and on what ground.
type MergeRecord struct {
	Source    string    `json:"source"`
	SourceKey string    `json:"source_key"` // the key the listing had in its source
	Rule      string    `json:"rule"`       // "siren" or "name+postcode"
	At        time.Time `json:"at"`
}

// OwnerDeclared reports whether field was declared by the verified owner.
func (s *Supplier) OwnerDeclared(field string) bool {
	p, ok := s.Provenance[field]
	return ok && p.Owner
}

// SetProvenance records where field's value comes from.
func (s *Supplier) SetProvenance(field string, p Provenance) {
	if s.Provenance == nil {
		s.Provenance = make(map[string]Provenance)
	}
	s.Provenance[field] = p
}

// HeadOffice returns the head-office establishment, or the first one.
func (s *Supplier) HeadOffice() (Establishment, bool) {
	for _, e := range s.Establishments {
		if e.HeadOffice {
			return e, true
		}
	}
	if len(s.Establishments) > 0 {
		return s.Establishments[0], true
	}
	return Establishment{}, false
}

// SIRETs returns the SIRETs of every establishment, valid or not.
func (s *Supplier) SIRETs() []string {
	out := make([]string, 0, len(s.Establishments))
	for _, e := range s.Establishments {
		if e.SIRET != "" {
			out = append(out, e.SIRET)
		}
	}
	return out
}

// LabelTypes returns the distinct label types the supplier holds.
func (s *Supplier) LabelTypes() []LabelType {
	var out []LabelType
	seen := map[LabelType]bool{}
	for _, l := range s.Labels {
		if !seen[l.Type] {
			seen[l.Type] = true
			out = append(out, l.Type)
		}
	}
	return out
}

// CPVAll returns declared then inferred CPV codes, without duplicates.
func (s *Supplier) CPVAll() []string {
	seen := map[string]bool{}
	var out []string
	for _, list := range [][]string{s.CPVDeclared, s.CPVInferred} {
		for _, c := range list {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}
