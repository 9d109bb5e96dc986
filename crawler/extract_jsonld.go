package crawler

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"fabrique/data"
)

// jsonldExtractor reads companies from the schema.org JSON-LD blocks of a
// page: Organization-like nodes directly, Product-like nodes through their
// manufacturer (or brand). The schema.org mapping is built in; a
// definition's field rules add JSON paths read on the company node.
type jsonldExtractor struct {
	def    *Definition
	types  map[string]bool
	fields *fieldSet
}

func newJSONLDExtractor(d *Definition) (*jsonldExtractor, error) {
	fs, err := compileFields(d.Records.Fields)
	if err != nil {
		return nil, err
	}
	x := &jsonldExtractor{def: d, types: map[string]bool{}, fields: fs}
	for _, t := range d.Records.Types {
		x.types[schemaType(t)] = true
	}
	return x, nil
}

// productTypes are read through their manufacturer.
var productTypes = map[string]bool{"Product": true, "ProductModel": true, "ProductGroup": true, "IndividualProduct": true}

// schemaType strips the vocabulary prefix: "schema:Product",
// "https://schema.org/Product" → "Product".
func schemaType(t string) string {
	t = strings.TrimSpace(t)
	if i := strings.LastIndexAny(t, "/:#"); i >= 0 {
		return t[i+1:]
	}
	return t
}

// ldBlocks returns the decoded JSON-LD blocks of a page; blocks that do not
// parse are counted.
func ldBlocks(doc *goquery.Document) (blocks []any, broken int) {
	doc.Find(`script[type="application/ld+json"]`).Each(func(_ int, s *goquery.Selection) {
		v, err := decodeJSON([]byte(s.Text()))
		if err != nil {
			broken++
			return
		}
		blocks = append(blocks, v)
	})
	return blocks, broken
}

// extract returns one record per company found on the page.
func (x *jsonldExtractor) extract(doc *goquery.Document, pageURL string) ([]Record, error) {
	blocks, broken := ldBlocks(doc)
	if len(blocks) == 0 && broken > 0 {
		return nil, fmt.Errorf("%w: %d JSON-LD block(s), none readable", ErrParse, broken)
	}
	var nodes []map[string]any
	byID := map[string]map[string]any{}
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 20 {
			return
		}
		switch t := v.(type) {
		case []any:
			for _, e := range t {
				walk(e, depth+1)
			}
		case map[string]any:
			if g, ok := t["@graph"]; ok {
				walk(g, depth+1)
			}
			if len(ldTypes(t)) > 0 {
				nodes = append(nodes, t)
			}
			if id, ok := t["@id"].(string); ok && len(t) > 1 {
				byID[id] = t
			}
		}
	}
	for _, b := range blocks {
		walk(b, 0)
	}
	deref := func(v any) map[string]any {
		switch t := v.(type) {
		case []any:
			if len(t) > 0 {
				if m, ok := t[0].(map[string]any); ok {
					v = m
				}
			}
		}
		m, ok := v.(map[string]any)
		if !ok {
			if s, ok := v.(string); ok && s != "" { // a brand given by its name only
				return map[string]any{"name": s}
			}
			return nil
		}
		if id, ok := m["@id"].(string); ok && len(m) == 1 {
			return byID[id]
		}
		return m
	}

	var recs []Record
	index := map[string]int{} // company key → record
	upsert := func(org map[string]any) Record {
		key := ldText(org["@id"])
		if key == "" {
			key = data.NormalizeName(ldText(org["legalName"]) + " " + ldText(org["name"]))
		}
		if i, ok := index[key]; ok {
			return recs[i]
		}
		rec := x.orgRecord(org, pageURL)
		index[key] = len(recs)
		recs = append(recs, rec)
		return rec
	}
	for _, n := range nodes {
		matched := false
		for _, t := range ldTypes(n) {
			matched = matched || x.types[t]
		}
		if !matched {
			continue
		}
		if isProduct(n) {
			org := deref(n["manufacturer"])
			if org == nil {
				org = deref(n["brand"])
			}
			if org == nil || ldText(org["name"]) == "" && ldText(org["legalName"]) == "" {
				continue
			}
			rec := upsert(org)
			x.addProduct(rec, n)
			continue
		}
		rec := upsert(n)
		for _, offer := range asList(n["makesOffer"]) {
			if o, ok := offer.(map[string]any); ok {
				if item := deref(o["itemOffered"]); item != nil {
					x.addProduct(rec, item)
				}
			}
		}
	}
	for _, r := range recs {
		x.fields.templates(r, x.def.BaseURL, pageURL)
	}
	return recs, nil
}

func isProduct(n map[string]any) bool {
	for _, t := range ldTypes(n) {
		if productTypes[t] {
			return true
		}
	}
	return false
}

// ldTypes returns a node's schema.org types without prefixes.
func ldTypes(n map[string]any) []string {
	var out []string
	for _, t := range asList(n["@type"]) {
		if s, ok := t.(string); ok {
			out = append(out, schemaType(s))
		}
	}
	return out
}

func asList(v any) []any {
	switch t := v.(type) {
	case nil:
		return nil
	case []any:
		return t
	}
	return []any{v}
}

// ldText renders a JSON-LD value as text: strings, numbers, {"@value"},
// {"name"}; the first of a list.
func ldText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	case []any:
		for _, e := range t {
			if s := ldText(e); s != "" {
				return s
			}
		}
	case map[string]any:
		if s := ldText(t["@value"]); s != "" {
			return s
		}
		return ldText(t["name"])
	}
	return ""
}

var (
	digits14 = regexp.MustCompile(`^\d{14}$`)
	digits9  = regexp.MustCompile(`^\d{9}$`)
	vatFR    = regexp.MustCompile(`^FR[0-9A-Z]{2}(\d{9})$`)
)

// orgRecord maps a schema.org Organization to a record.
func (x *jsonldExtractor) orgRecord(org map[string]any, pageURL string) Record {
	rec := Record{}
	name, legal := ldText(org["name"]), ldText(org["legalName"])
	if legal != "" {
		rec.Add(FieldName, legal)
		rec.Add(FieldTradeName, name)
	} else {
		rec.Add(FieldName, name)
	}
	for _, a := range asList(org["alternateName"]) {
		rec.Add(FieldTradeName, ldText(a))
	}
	ids := func(v any) {
		for _, e := range asList(v) {
			prop := ""
			if m, ok := e.(map[string]any); ok {
				prop = strings.ToLower(ldText(m["propertyID"]))
				e = m["value"]
			}
			s := strings.ReplaceAll(data.CleanDigits(ldText(e)), " ", "")
			switch {
			case prop == "siret" || digits14.MatchString(s):
				rec.Add(FieldSIRET, s)
			case prop == "siren" || digits9.MatchString(s):
				rec.Add(FieldSIREN, s)
			default:
				if m := vatFR.FindStringSubmatch(strings.ToUpper(s)); m != nil {
					rec.Add(FieldSIREN, m[1])
				}
			}
		}
	}
	ids(org["siret"])
	ids(org["identifier"])
	ids(org["taxID"])
	ids(org["vatID"])
	if addr, ok := first(org["address"]).(map[string]any); ok {
		rec.Add(FieldStreet, ldText(addr["streetAddress"]))
		rec.Add(FieldPostcode, ldText(addr["postalCode"]))
		rec.Add(FieldCommune, ldText(addr["addressLocality"]))
		rec.Add(FieldCountry, ldText(addr["addressCountry"]))
		if region := ldText(addr["addressRegion"]); region != "" {
			if _, ok := data.RegionByName(region); ok {
				rec.Add(FieldRegion, region)
			} else {
				rec.Add(FieldDepartement, region)
			}
		}
	} else if s := ldText(org["address"]); s != "" {
		rec.Add(FieldStreet, s)
	}
	if geo, ok := first(org["geo"]).(map[string]any); ok {
		rec.Add(FieldLat, ldText(geo["latitude"]))
		rec.Add(FieldLon, ldText(geo["longitude"]))
	}
	rec.Add(FieldWebsite, ldText(org["url"]))
	rec.Add(FieldEmail, ldText(org["email"]))
	rec.Add(FieldPhone, ldText(org["telephone"]))
	rec.Add(FieldDescription, ldText(org["description"]))
	rec.Add(FieldMadeIn, ldText(org["madeIn"]), ldText(org["countryOfOrigin"]))
	for _, k := range asList(org["knowsAbout"]) {
		rec.Add(FieldActivities, ldText(k))
	}
	if id := ldText(org["@id"]); strings.HasPrefix(id, "http") {
		rec.Add(FieldRecordURL, id)
	} else {
		rec.Add(FieldRecordURL, pageURL)
	}
	for i, r := range x.fields.rules {
		if r.Path != "" && r.Template == "" {
			x.fields.add(rec, i, jsonStrings(jsonPath(org, r.Path)))
		}
	}
	return rec
}

// addProduct adds a product (and its origin) to its company's record.
func (x *jsonldExtractor) addProduct(rec Record, p map[string]any) {
	name := ldText(p["name"])
	rec.Add(FieldProducts, name)
	if x.def.Scope == data.ScopeProductRange && rec.First(FieldRange) == "" {
		rec.Add(FieldRange, name)
	}
	rec.Add(FieldCategory, ldText(p["category"]))
	for _, k := range []string{"countryOfOrigin", "madeIn", "countryOfAssembly"} {
		if v := ldText(p[k]); v != "" {
			rec.Add(FieldMadeIn, v)
			break
		}
	}
}

func first(v any) any {
	if l := asList(v); len(l) > 0 {
		return l[0]
	}
	return nil
}
