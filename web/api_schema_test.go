package web

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"fabrique/data"
	"fabrique/data/observatory"
	"fabrique/index"
)

// jsonFields lists the JSON fields of a struct type, embedded structs
// flattened as encoding/json does: name → whether it is omitted when empty.
func jsonFields(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() && !f.Anonymous {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			for k, v := range jsonFields(ft) {
				if _, shadowed := out[k]; !shadowed {
					out[k] = v
				}
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		// omitempty never omits a struct (a time.Time): omitzero does.
		o := strings.Split(opts, ",")
		out[name] = slices.Contains(o, "omitzero") || slices.Contains(o, "omitempty") && f.Type.Kind() != reflect.Struct
	}
	return out
}

// TestAPISchemasMatchTypes checks each schema of openapi.json against the
// Go type the handlers encode: every field documented and every documented
// property sent; a field always sent (no omitempty) is required, and a
// required one is never omitted. The validator alone sees a field that may
// be absent only on the records that lack it.
func TestAPISchemasMatchTypes(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Required   []string                   `json:"required"`
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(openAPIDocument), &doc); err != nil {
		t.Fatal(err)
	}
	// Fields of the Go types that the handlers never send.
	blanked := map[string][]string{
		"SupplierDetail": {"claimed_by"}, // an account id: apiSupplier blanks it
	}
	tests := []struct {
		schema string
		value  any
	}{
		{"SuppliersPage", apiSuppliersPage{}},
		{"SupplierResult", apiSupplierResult{}},
		{"Place", apiPlace{}},
		{"TextPlace", apiTextPlace{}},
		{"FacetCount", index.FacetCount{}},
		{"Suggestion", apiSuggestion{}},
		{"Commune", index.CommuneSuggestion{}},
		{"SupplierDetail", apiSupplierDetail{}},
		{"Label", data.Label{}},
		{"Provenance", data.Provenance{}},
		{"MatchResult", apiMatchResult{}},
		{"Match", apiMatch{}},
		{"Trade", apiTrade{}},
		{"Reason", data.Reason{}},
		{"TendersPage", apiTendersPage{}},
		{"TenderSummary", apiTenderSummary{}},
		{"Tender", apiTenderDetail{}},
		{"CPVCode", apiCPVCode{}},
		{"StatsCoverage", observatory.Coverage{}},
		{"StatsTenders", observatory.TenderCoverage{}},
		{"StatsAwards", observatory.AwardShare{}},
		{"StatsSource", apiSourceHealth{}},
		{"StatsSnapshot", data.StatsSnapshot{}},
		{"Error", struct {
			Error     string `json:"error"`
			RequestID string `json:"request_id"` // observability.go
		}{}},
	}
	for _, tt := range tests {
		t.Run(tt.schema, func(t *testing.T) {
			s, ok := doc.Components.Schemas[tt.schema]
			if !ok {
				t.Fatalf("openapi.json has no schema %s", tt.schema)
			}
			fields := jsonFields(reflect.TypeOf(tt.value))
			for name, omitted := range fields {
				if slices.Contains(blanked[tt.schema], name) {
					continue
				}
				_, documented := s.Properties[name]
				required := slices.Contains(s.Required, name)
				switch {
				case !documented:
					t.Errorf("field %q is sent but not documented", name)
				case omitted && required:
					t.Errorf("field %q is required but omitted when empty", name)
				case !omitted && !required:
					t.Errorf("field %q is always sent: list it in required", name)
				}
			}
			for name := range s.Properties {
				if _, ok := fields[name]; !ok {
					t.Errorf("property %q is documented but never sent", name)
				}
			}
		})
	}
}
