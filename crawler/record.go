package crawler

import "strings"

// Canonical record fields: every extractor (JSON paths, CSS selectors,
// JSON-LD, CSV columns) fills a Record with these names, and Normalize
// turns a Record into a data.Supplier. A field name starting with "extra."
// lands in Supplier.Extra under the rest of the name.
const (
	FieldName          = "name"
	FieldTradeName     = "trade_name"
	FieldSIRET         = "siret"
	FieldSIREN         = "siren"
	FieldNAF           = "naf"
	FieldNAFLabel      = "naf_label"
	FieldStreet        = "street"
	FieldPostcode      = "postcode"
	FieldCommune       = "commune"
	FieldCommuneINSEE  = "commune_insee"
	FieldDepartement   = "departement"
	FieldRegion        = "region"
	FieldCountry       = "country"
	FieldGeo           = "geo" // "lat, lon" in one value
	FieldLat           = "lat"
	FieldLon           = "lon"
	FieldWebsite       = "website"
	FieldEmail         = "email"
	FieldPhone         = "phone"
	FieldDescription   = "description"
	FieldActivities    = "activities"
	FieldProducts      = "products"
	FieldCompanySize   = "company_size" // TPE, PME, ETI, GE as written by the source
	FieldMadeIn        = "made_in"      // country of manufacture of the products
	FieldCategory      = "category"     // label category (EPV univers, OFG category)
	FieldRange         = "range"        // certified product range
	FieldCertificateID = "certificate_id"
	FieldGrantedAt     = "granted_at"
	FieldExpiresAt     = "expires_at"
	FieldRecordURL     = "record_url" // the listing's own page, for the label
	extraPrefix        = "extra."
)

// knownFields lists the canonical names a definition may map to.
var knownFields = map[string]bool{
	FieldName: true, FieldTradeName: true, FieldSIRET: true, FieldSIREN: true, FieldNAF: true,
	FieldNAFLabel: true, FieldStreet: true, FieldPostcode: true, FieldCommune: true,
	FieldCommuneINSEE: true, FieldDepartement: true, FieldRegion: true, FieldCountry: true,
	FieldGeo: true, FieldLat: true, FieldLon: true, FieldWebsite: true, FieldEmail: true,
	FieldPhone: true, FieldDescription: true, FieldActivities: true, FieldProducts: true,
	FieldCompanySize: true, FieldMadeIn: true, FieldCategory: true, FieldRange: true,
	FieldCertificateID: true, FieldGrantedAt: true, FieldExpiresAt: true, FieldRecordURL: true,
}

// validField reports whether name is a canonical field or an extra one.
func validField(name string) bool {
	if rest, ok := strings.CutPrefix(name, extraPrefix); ok {
		return rest != ""
	}
	return knownFields[name]
}

// Record is one listing as extracted from a page, before normalisation:
// canonical field name → values in page order. Values are raw text; HTML
// found in them is reduced to plain text by Normalize.
type Record map[string][]string

// Add appends non-blank values to field.
func (r Record) Add(field string, values ...string) {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			r[field] = append(r[field], v)
		}
	}
}

// First returns the first value of field, or "".
func (r Record) First(field string) string {
	if v := r[field]; len(v) > 0 {
		return v[0]
	}
	return ""
}
