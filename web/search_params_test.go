package web

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"fabrique/data"
)

func TestParseSearchParams(t *testing.T) {
	tests := []struct {
		name  string
		query string
		d     dialect
		check func(p searchParams) string // "" when right
	}{
		{"empty", "", pageDialect, func(p searchParams) string {
			if p.Page != 1 || p.PerPage != pagePerPage || p.Text != "" || p.hasFilters() || p.ByDistance {
				return "want page 1, page size 20, nothing else"
			}
			return ""
		}},
		{"text squeezed", "q=++%C3%A9b%C3%A9nisterie+++d%27art+", pageDialect, func(p searchParams) string {
			if p.Text != "ébénisterie d'art" {
				return "Text = " + p.Text
			}
			return ""
		}},
		{"repeated filters, duplicates dropped", "region=84&region=52&region=84&label=epv&departement=2a", pageDialect, func(p searchParams) string {
			if !reflect.DeepEqual(p.Regions, []string{"84", "52"}) || !reflect.DeepEqual(p.Labels, []string{"EPV"}) ||
				!reflect.DeepEqual(p.Departements, []string{"2A"}) {
				return "filters not normalised"
			}
			return ""
		}},
		{"région by name", "region=Bretagne", pageDialect, func(p searchParams) string {
			if !reflect.DeepEqual(p.Regions, []string{"53"}) {
				return "Regions = " + strings.Join(p.Regions, ",")
			}
			return ""
		}},
		{"naf of every level", "naf=C&naf=31&naf=2571z", apiDialect, func(p searchParams) string {
			if !reflect.DeepEqual(p.NAFSections, []string{"C"}) || !reflect.DeepEqual(p.NAFDivisions, []string{"31"}) ||
				!reflect.DeepEqual(p.NAF, []string{"25.71Z"}) {
				return "naf levels not sorted out"
			}
			return ""
		}},
		{"cpv code filters on its division", "cpv=45212350-4&cpv=39", apiDialect, func(p searchParams) string {
			if !reflect.DeepEqual(p.CPVDivisions, []string{"45", "39"}) {
				return "CPVDivisions = " + strings.Join(p.CPVDivisions, ",")
			}
			return ""
		}},
		{"place alone sorts by distance", "near=Lyon&radius_km=25", pageDialect, func(p searchParams) string {
			if !p.ByDistance || p.RadiusKm != 25 || p.Near != "Lyon" {
				return "want distance sort, 25 km around Lyon"
			}
			return ""
		}},
		{"place with words sorts by relevance", "near=Lyon&q=bijou", pageDialect, func(p searchParams) string {
			if p.ByDistance {
				return "want relevance"
			}
			return ""
		}},
		{"the form's radius without a place is ignored", "q=bois&near=&radius_km=50&tri=pertinence", pageDialect, func(p searchParams) string {
			if p.RadiusKm != 0 || p.Near != "" || p.ByDistance {
				return "want no circle and relevance"
			}
			return ""
		}},
		{"decimal comma radius", "near=Lyon&radius_km=12,5", pageDialect, func(p searchParams) string {
			if p.RadiusKm != 12.5 {
				return "radius not read"
			}
			return ""
		}},
		{"api paging", "page=3&per_page=50", apiDialect, func(p searchParams) string {
			if p.Page != 3 || p.PerPage != 50 {
				return "paging not read"
			}
			return ""
		}},
		{"page dialect ignores per_page", "per_page=50", pageDialect, func(p searchParams) string {
			if p.PerPage != pagePerPage {
				return "per_page must not change the page size of pages"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, _ := url.ParseQuery(tt.query)
			p, err := parseSearchParams(v, tt.d)
			if err != nil {
				t.Fatalf("parseSearchParams(%q) error: %v", tt.query, err)
			}
			if msg := tt.check(p); msg != "" {
				t.Errorf("parseSearchParams(%q): %s; got %+v", tt.query, msg, p)
			}
		})
	}
}

func TestParseSearchParamsRejects(t *testing.T) {
	tests := []struct {
		query string
		d     dialect
		field string
		msg   string // part of the French message
	}{
		{"region=99", pageDialect, "region", "région inconnue"},
		{"departement=999", pageDialect, "departement", "département inconnu"},
		{"label=ISO9001", pageDialect, "label", "label inconnu"},
		{"naf=99.99Z", apiDialect, "naf", "code NAF inconnu"},
		{"naf_section=Z", apiDialect, "naf_section", "section NAF inconnue"},
		{"cpv=45212350-9", apiDialect, "cpv", "clé de contrôle"},
		{"cpv_division=00", apiDialect, "cpv_division", "division CPV inconnue"},
		{"headcount=99", apiDialect, "headcount", "tranche d'effectifs inconnue"},
		{"radius_km=10", apiDialect, "radius_km", "demande un lieu"},
		{"near=Lyon&radius_km=-3", pageDialect, "radius_km", "entre 0 et 1000"},
		{"near=Lyon&radius_km=NaN", pageDialect, "radius_km", "entre 0 et 1000"},
		{"near=Lyon&radius_km=5000", pageDialect, "radius_km", "entre 0 et 1000"},
		{"tri=distance", pageDialect, "tri", "demande un lieu"},
		{"tri=prix", pageDialect, "tri", "tri inconnu"},
		{"sort=pertinence", apiDialect, "sort", "tri inconnu"},
		{"page=0", pageDialect, "page", "entre 1 et"},
		{"page=deux", pageDialect, "page", "entre 1 et"},
		{"per_page=101", apiDialect, "per_page", "entre 1 et 100"},
		{"per_page=0", apiDialect, "per_page", "entre 1 et 100"},
		{"page=200&per_page=100", apiDialect, "page", "10000 premiers résultats"},
		{"q=" + strings.Repeat("a", 201), pageDialect, "q", "200 caractères"},
		{"region=" + strings.Repeat("84&region=", 60) + "84", pageDialect, "region", "au plus 50 valeurs"},
	}
	for _, tt := range tests {
		name := tt.query
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			v, _ := url.ParseQuery(tt.query)
			_, err := parseSearchParams(v, tt.d)
			var ve *data.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("parseSearchParams(%q) error = %v, want a ValidationError wrapping ErrInvalid", tt.query, err)
			}
			if ve.Field != tt.field {
				t.Errorf("field = %q, want %q", ve.Field, tt.field)
			}
			if !strings.Contains(ve.Message, tt.msg) {
				t.Errorf("message = %q, want it to contain %q", ve.Message, tt.msg)
			}
		})
	}
}

func TestSearchParamsRoundTrip(t *testing.T) {
	for _, q := range []string{
		"",
		"q=ebenisterie&region=52&label=EPV",
		"near=Lyon&radius_km=25",
		"near=Lyon&q=bijou&tri=distance&page=3",
		"naf_division=31&cpv=45&headcount=12&univers=Gastronomie&departement=69",
	} {
		v, _ := url.ParseQuery(q)
		p, err := parseSearchParams(v, pageDialect)
		if err != nil {
			t.Fatalf("parseSearchParams(%q): %v", q, err)
		}
		again, err := parseSearchParams(p.values(), pageDialect)
		if err != nil {
			t.Fatalf("parseSearchParams(values(%q)): %v", q, err)
		}
		if !reflect.DeepEqual(p, again) {
			t.Errorf("round trip of %q:\n got %+v\nwant %+v", q, again, p)
		}
	}
}

// FuzzParseSearchParams checks that no query string makes the parser
// panic, and that what it accepts survives a round trip through the links
// the pages write.
func FuzzParseSearchParams(f *testing.F) {
	for _, s := range []string{"q=ébénisterie&region=52", "near=45.76,4.83&radius_km=12,5", "naf=2571z&cpv=45212350-4",
		"page=-1", "tri=distance&near=Lyon&q=x", "region=%FF", "q=%00", "univers=Mode+et+Beaut%C3%A9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := parseSearchParams(v, pageDialect)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		again, err := parseSearchParams(p.values(), pageDialect)
		if err != nil {
			t.Fatalf("the page's own link is refused: %v (params %+v)", err, p)
		}
		if !reflect.DeepEqual(p, again) {
			t.Fatalf("round trip changed the criteria:\n got %+v\nwant %+v", again, p)
		}
	})
}
