package crawler

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func TestNormalize(t *testing.T) {
	at := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		rec   Record
		opts  NormalizeOptions
		check func(s data.Supplier, ps []Problem) string
	}{
		{"valid SIRET and exact coordinates", Record{FieldName: {"HORUS"}, FieldSIRET: {"44270113200049"}, FieldGeo: {"48.398091, 7.459750"}, FieldRegion: {"GRAND-EST"}},
			NormalizeOptions{}, func(s data.Supplier, ps []Problem) string {
				if s.ID != "442701132" || s.SIREN != "442701132" || !s.Establishments[0].Valid || s.Address.Precision != data.GeoExact ||
					s.Address.Postcode != "67140" || s.Address.Lat != 48.398091 || len(ps) != 0 {
					return "want SIREN key, valid establishment, exact place in Mittelbergheim, no problem"
				}
				return ""
			}},
		{"13-digit SIRET is repaired", Record{FieldName: {"POCHET DU COURVAL"}, FieldSIRET: {"1698006200109"}, FieldPostcode: {"76260"}},
			NormalizeOptions{}, func(s data.Supplier, ps []Problem) string {
				if s.SIREN != "016980062" || s.Establishments[0].SIRET != "01698006200109" || len(s.Defects) != 0 || len(ps) != 1 {
					return "want the leading zero restored, noted but not a defect"
				}
				return ""
			}},
		{"invalid SIRET is kept, flagged", Record{FieldName: {"HM BOIS DESIGN"}, FieldSIRET: {"52413706400024"}, FieldPostcode: {"21270"}},
			NormalizeOptions{}, func(s data.Supplier, ps []Problem) string {
				if s.SIREN != "" || s.ID != data.SupplierKey("", "HM BOIS DESIGN", "21270") || s.Establishments[0].Valid ||
					s.Establishments[0].Defect == "" || len(s.Defects) != 1 {
					return "want a name+postcode key and a flagged establishment"
				}
				return ""
			}},
		{"NAF 1993 kept as legacy", Record{FieldName: {"X"}, FieldNAF: {"35.1E"}, FieldNAFLabel: {"Construction navale"}},
			NormalizeOptions{}, func(s data.Supplier, ps []Problem) string {
				if s.NAF != "" || s.NAFLegacy != "35.1E" || s.NAFLabel != "Construction navale" || len(s.Defects) == 0 {
					return "want NAFLegacy and a defect"
				}
				return ""
			}},
		{"NAF label loses its code", Record{FieldName: {"X"}, FieldNAF: {"2573B"}, FieldNAFLabel: {"Fabrication d’autres outillages (25.73B)"}},
			NormalizeOptions{}, func(s data.Supplier, ps []Problem) string {
				if s.NAF != "25.73B" || strings.Contains(s.NAFLabel, "(") {
					return "want 25.73B with the official label"
				}
				return ""
			}},
		{"postcode only: commune centre", Record{FieldName: {"X"}, FieldPostcode: {"CP 63300 Thiers"}},
			NormalizeOptions{}, func(s data.Supplier, ps []Problem) string {
				if s.Address.Commune != "Thiers" || s.Address.Precision != data.GeoCommune || s.Address.NUTS3 == "" {
					return "want Thiers, commune precision"
				}
				return ""
			}},
		{"4-digit postcode gets its zero back", Record{FieldName: {"X"}, FieldPostcode: {"8000"}},
			NormalizeOptions{}, func(s data.Supplier, ps []Problem) string {
				if s.Address.Postcode != "08000" || s.Address.Departement != "08" {
					return "want 08000"
				}
				return ""
			}},
		{"département by name", Record{FieldName: {"X"}, FieldDepartement: {"Haute-Savoie"}},
			NormalizeOptions{}, func(s data.Supplier, ps []Problem) string {
				if s.Address.Departement != "74" || s.Address.Precision != data.GeoDepartement {
					return "want 74 at its centre"
				}
				return ""
			}},
		{"région only: flagged approximation", Record{FieldName: {"X"}, FieldRegion: {"BRETAGNE"}},
			NormalizeOptions{}, func(s data.Supplier, ps []Problem) string {
				if s.Address.Region != "53" || s.Address.Departement != "35" || len(s.Defects) != 1 {
					return "want Rennes's département, flagged"
				}
				return ""
			}},
		{"coordinates contradicting the postcode are dropped", Record{FieldName: {"X"}, FieldPostcode: {"29900"}, FieldGeo: {"48.85, 2.35"}},
			NormalizeOptions{}, func(s data.Supplier, ps []Problem) string {
				if s.Address.Departement != "29" || s.Address.Precision != data.GeoCommune || len(s.Defects) != 1 {
					return "want Concarneau from the postcode and a defect"
				}
				return ""
			}},
		{"Paris coordinates give the arrondissement's postcode", Record{FieldName: {"X"}, FieldLat: {"48.8566"}, FieldLon: {"2.3522"}},
			NormalizeOptions{}, func(s data.Supplier, ps []Problem) string {
				if s.Address.CommuneINSEE != "75056" || !strings.HasPrefix(s.Address.Postcode, "750") {
					return "want Paris and a 750xx postcode"
				}
				return ""
			}},
		{"markup in text is dropped", Record{FieldName: {"<b>Forge</b> <script>alert(1)</script>&amp; Fils"}, FieldDescription: {"<p>Acier</p><p>trempé</p>"}},
			NormalizeOptions{}, func(s data.Supplier, ps []Problem) string {
				if s.Name != "Forge & Fils" || s.Description != "Acier trempé" {
					return "want plain text"
				}
				return ""
			}},
		{"website: bare domain kept, script URL refused", Record{FieldName: {"X"}, FieldWebsite: {"www.forge.fr"}},
			NormalizeOptions{}, func(s data.Supplier, ps []Problem) string {
				if s.Website != "https://www.forge.fr" {
					return "want https://www.forge.fr"
				}
				return ""
			}},
		{"website: javascript URL refused", Record{FieldName: {"X"}, FieldWebsite: {"javascript:alert(1)"}},
			NormalizeOptions{}, func(s data.Supplier, ps []Problem) string {
				if s.Website != "" || !hasProblem(ps, FieldWebsite) {
					return "want no website and a problem"
				}
				return ""
			}},
		{"size, univers case and extras", Record{FieldName: {"X"}, FieldCompanySize: {"TPE"}, FieldCategory: {"Mode et Beauté"},
			FieldActivities: {"Mode et Beauté", "mode et beauté", "Maroquinerie"}, "extra.clientele": {"Particuliers", "Professionnels"}},
			NormalizeOptions{}, func(s data.Supplier, ps []Problem) string {
				if s.Category != "PME" || s.Extra["company_size"] != "TPE" || s.Labels[0].Category != "Mode et beauté" ||
					len(s.Activities) != 2 || s.Extra["clientele"] != "Particuliers ; Professionnels" {
					return "want PME, one univers, joined extras"
				}
				return ""
			}},
		{"made outside France: no label", Record{FieldName: {"X"}, FieldMadeIn: {"CN"}},
			NormalizeOptions{Source: "jsonld", Label: "MIF"}, func(s data.Supplier, ps []Problem) string {
				if len(s.Labels) != 0 || !hasProblem(ps, FieldMadeIn) {
					return "want no label and a defect"
				}
				return ""
			}},
		{"OFG range label with dates", Record{FieldName: {"X"}, FieldRange: {"Couteaux"}, FieldCertificateID: {"OFG-1"},
			FieldGrantedAt: {"01/03/2024"}, FieldExpiresAt: {"2027-02-28"}, FieldRecordURL: {"https://ofg.example/produit/couteaux/"}},
			NormalizeOptions{Source: "ofg", Label: data.LabelOFG, Scope: data.ScopeProductRange}, func(s data.Supplier, ps []Problem) string {
				l := s.Labels[0]
				if l.Type != data.LabelOFG || l.Scope != data.ScopeProductRange || l.Range != "Couteaux" || l.CertificateID != "OFG-1" ||
					l.GrantedAt != time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC) || l.SourceURL != "https://ofg.example/produit/couteaux/" {
					return "want a dated range label"
				}
				return ""
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.FetchedAt = at
			s, ps, err := Normalize(tc.rec, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if msg := tc.check(s, ps); msg != "" {
				t.Errorf("%s; got %+v, problems %v", msg, s, ps)
			}
			if p := s.Provenance[data.FieldName]; !p.FetchedAt.Equal(at) || p.Source == "" {
				t.Errorf("name provenance = %+v", p)
			}
		})
	}
}

func hasProblem(ps []Problem, field string) bool {
	for _, p := range ps {
		if p.Field == field {
			return true
		}
	}
	return false
}

func TestNormalizeWithoutName(t *testing.T) {
	_, ps, err := Normalize(Record{FieldSIRET: {"44270113200049"}, FieldName: {"<script>x</script>"}}, NormalizeOptions{})
	if !errors.Is(err, ErrNoName) || !errors.Is(err, data.ErrInvalid) || len(ps) != 1 || !ps[0].Skipped {
		t.Errorf("err = %v, problems %v; want ErrNoName and one skipped problem", err, ps)
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Forge\u00a0 et\n\tFils ", "Forge et Fils"},
		{"<b>Acier</b> trempé", "Acier trempé"},
		{"a<br>b", "a b"},
		{"<script>alert(1)</script>ok", "ok"},
		{"<style>p{color:red}</style>ok", "ok"},
		{"Dupont &amp; Fils", "Dupont & Fils"},
		{"1 < 2", "1 < 2"},
		{"<script>never closed", ""},
	}
	for _, tc := range tests {
		if got := plainText(tc.in); got != tc.want {
			t.Errorf("plainText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add("HORUS", "44270113200049", "48.39, 7.45", "GRAND-EST", "28.14Z", "2025-11-03")
	f.Add("<b>x</b>", "1698006200109", "91, 500", "", "35.1E", "31/12/2099")
	f.Add("X", "", "", "Île-de-France", "", "")
	f.Fuzz(func(t *testing.T, name, siret, geo, region, naf, date string) {
		rec := Record{FieldName: {name}, FieldSIRET: {siret}, FieldGeo: {geo}, FieldRegion: {region}, FieldNAF: {naf}, FieldGrantedAt: {date}}
		s, _, err := Normalize(rec, NormalizeOptions{FetchedAt: time.Unix(0, 0)})
		if err != nil {
			return
		}
		if s.ID == "" || s.Name == "" {
			t.Fatalf("supplier without ID or name from %q", name)
		}
		if s.SIREN != "" && data.ValidSIREN(s.SIREN) != nil {
			t.Fatalf("invalid SIREN %q kept", s.SIREN)
		}
		if s.Address.HasGeo() && (s.Address.Departement == "" || s.Address.Lat < -90 || s.Address.Lat > 90) {
			t.Fatalf("placed without département or off the globe: %+v", s.Address)
		}
	})
}
