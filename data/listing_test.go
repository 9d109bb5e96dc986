package data_test

import (
	"errors"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

var listingNow = time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)

func ownerProv() data.Provenance {
	return data.Provenance{Source: "owner", SourceURL: "account:a1", FetchedAt: listingNow}
}

func fullListing() data.Listing {
	return data.Listing{
		Description:   "Atelier de menuiserie fondé en 1952, escaliers et agencements sur mesure en chêne massif.",
		Products:      []string{"Escaliers", "Agencements"},
		CPV:           []string{"45421000", "44220000"},
		ServiceArea:   data.ServiceArea{Kind: data.ServiceAreaDepartements, Codes: []string{"69", "01"}},
		HeadcountBand: "11", TurnoverBand: "B", LargestContractEUR: 350000,
		Certifications: []data.Certification{{Name: "Qualibat 4312", Issuer: "Qualibat", ValidUntil: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)}},
		Email:          "contact@menuiserie-exemple.fr", Phone: "04 78 00 00 01", Website: "https://www.menuiserie-exemple.fr",
	}
}

func TestListingNormalize(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(*data.Listing)
		wantField string // "" when valid
		check     func(t *testing.T, l data.Listing)
	}{
		{"full listing is valid", func(*data.Listing) {}, "", func(t *testing.T, l data.Listing) {
			if !slices.Equal(l.ServiceArea.Codes, []string{"01", "69"}) {
				t.Errorf("codes = %v, want sorted [01 69]", l.ServiceArea.Codes)
			}
		}},
		{"description cleaned", func(l *data.Listing) { l.Description = "  Deux   espaces\x00\r\n\n\n\nfin  " }, "", func(t *testing.T, l data.Listing) {
			if l.Description != "Deux espaces\n\nfin" {
				t.Errorf("description = %q", l.Description)
			}
		}},
		{"description too long", func(l *data.Listing) { l.Description = strings.Repeat("é", data.MaxDescriptionRunes+1) }, data.FieldDescription, nil},
		{"products deduplicated", func(l *data.Listing) { l.Products = []string{"Escalier", " escalier ", "", "Échelle"} }, "", func(t *testing.T, l data.Listing) {
			if !slices.Equal(l.Products, []string{"Escalier", "Échelle"}) {
				t.Errorf("products = %v", l.Products)
			}
		}},
		{"cpv with check digit", func(l *data.Listing) { l.CPV = []string{"45421000-4", "45421000", ""} }, "", func(t *testing.T, l data.Listing) {
			if !slices.Equal(l.CPV, []string{"45421000"}) {
				t.Errorf("cpv = %v", l.CPV)
			}
		}},
		{"unknown cpv", func(l *data.Listing) { l.CPV = []string{"12345678"} }, data.FieldCPVDeclared, nil},
		{"wrong cpv check digit", func(l *data.Listing) { l.CPV = []string{"45421000-9"} }, data.FieldCPVDeclared, nil},
		{"radius zero", func(l *data.Listing) { l.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaRadius} }, data.FieldServiceArea, nil},
		{"radius NaN", func(l *data.Listing) {
			l.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaRadius, RadiusKm: math.NaN()}
		}, data.FieldServiceArea, nil},
		{"radius +Inf", func(l *data.Listing) {
			l.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaRadius, RadiusKm: math.Inf(1)}
		}, data.FieldServiceArea, nil},
		{"radius -Inf", func(l *data.Listing) {
			l.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaRadius, RadiusKm: math.Inf(-1)}
		}, data.FieldServiceArea, nil},
		{"radius ok drops codes", func(l *data.Listing) {
			l.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaRadius, RadiusKm: 80, Codes: []string{"69"}}
		}, "", func(t *testing.T, l data.Listing) {
			if l.ServiceArea.Codes != nil {
				t.Errorf("codes kept: %v", l.ServiceArea.Codes)
			}
		}},
		{"unknown département", func(l *data.Listing) { l.ServiceArea.Codes = []string{"69", "99"} }, data.FieldServiceArea, nil},
		{"regions", func(l *data.Listing) {
			l.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaRegions, Codes: []string{"84"}}
		}, "", nil},
		{"unknown region", func(l *data.Listing) {
			l.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaRegions, Codes: []string{"69"}}
		}, data.FieldServiceArea, nil},
		{"no codes", func(l *data.Listing) { l.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaDepartements} }, data.FieldServiceArea, nil},
		{"unknown kind", func(l *data.Listing) { l.ServiceArea = data.ServiceArea{Kind: "monde"} }, data.FieldServiceArea, nil},
		{"unknown headcount", func(l *data.Listing) { l.HeadcountBand = "99" }, data.FieldHeadcount, nil},
		{"unknown turnover", func(l *data.Listing) { l.TurnoverBand = "Z" }, data.FieldTurnover, nil},
		{"negative contract", func(l *data.Listing) { l.LargestContractEUR = -1 }, data.FieldLargestContract, nil},
		{"certification without name", func(l *data.Listing) { l.Certifications = []data.Certification{{Issuer: "AFNOR"}} }, data.FieldCertifications, nil},
		{"empty certification row dropped", func(l *data.Listing) { l.Certifications = append(l.Certifications, data.Certification{}) }, "", func(t *testing.T, l data.Listing) {
			if len(l.Certifications) != 1 {
				t.Errorf("certifications = %v", l.Certifications)
			}
		}},
		{"bad email", func(l *data.Listing) { l.Email = "Contact <a@b.fr>" }, data.FieldContacts, nil},
		{"email without domain dot", func(l *data.Listing) { l.Email = "a@localhost" }, data.FieldContacts, nil},
		{"bad phone", func(l *data.Listing) { l.Phone = "12 34" }, data.FieldContacts, nil},
		{"website without scheme", func(l *data.Listing) { l.Website = "WWW.Exemple.fr/" }, "", func(t *testing.T, l data.Listing) {
			if l.Website != "https://www.exemple.fr" {
				t.Errorf("website = %q", l.Website)
			}
		}},
		{"javascript website", func(l *data.Listing) { l.Website = "javascript:alert(1)" }, data.FieldWebsite, nil},
		{"website with credentials", func(l *data.Listing) { l.Website = "https://u:p@exemple.fr" }, data.FieldWebsite, nil},
		{"website at an IP address", func(l *data.Listing) { l.Website = "http://127.0.0.1:18181/admin" }, data.FieldWebsite, nil},
		{"website at an IPv6 address", func(l *data.Listing) { l.Website = "https://[::1]/" }, data.FieldWebsite, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := fullListing()
			tt.edit(&l)
			err := l.Normalize()
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Normalize() = %v, want nil", err)
				}
				if tt.check != nil {
					tt.check(t, l)
				}
				return
			}
			var fe data.FieldErrors
			if !errors.As(err, &fe) || !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("Normalize() = %v, want FieldErrors wrapping ErrInvalid", err)
			}
			if fe[0].Field != tt.wantField || fe[0].Message == "" {
				t.Errorf("error on %q (%q), want on %q", fe[0].Field, fe[0].Message, tt.wantField)
			}
		})
	}
}

func TestIPHost(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "10.0.0.8.": true, "::1": true, "[2001:db8::1]": true, "127.1": true, "0x7f.1": true, "2130706433": true,
		"www.exemple.fr": false, "exemple.fr.": false, "3m.com": false, "123.fr": false, "localhost": false, "": false,
	} {
		if got := data.IPHost(host); got != want {
			t.Errorf("IPHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestNormalizeFrenchPhone(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"national spaced", "01 23 45 67 89", "01 23 45 67 89"},
		{"national dotted", "04.78.00.00.01", "04 78 00 00 01"},
		{"mobile compact", "0612345678", "06 12 34 56 78"},
		{"international", "+33 1 23 45 67 89", "01 23 45 67 89"},
		{"international with (0)", "+33 (0)1 23 45 67 89", "01 23 45 67 89"},
		{"00 prefix", "0033123456789", "01 23 45 67 89"},
		{"la Réunion", "+262 692 12 34 56", "06 92 12 34 56"},
		{"too short", "01 23 45 67", ""},
		{"too long", "01 23 45 67 89 0", ""},
		{"starts with 00", "0012345678", ""},
		{"foreign", "+49 30 1234567", ""},
		{"letters", "01 23 AB 67 89", ""},
		{"html", "<script>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := data.NormalizeFrenchPhone(tt.in)
			if tt.want == "" {
				if err == nil || !errors.Is(err, data.ErrInvalid) {
					t.Errorf("NormalizeFrenchPhone(%q) = %q, %v; want an ErrInvalid", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("NormalizeFrenchPhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestDeclaredFieldsSurviveCrawl: a crawl that brings other values for
// every field of a listing changes none of those the company declared,
// and still updates the others.
func TestDeclaredFieldsSurviveCrawl(t *testing.T) {
	stored := data.Supplier{ID: "552100554", Name: "Menuiserie Exemple", Description: "ancienne description",
		HeadcountBand: "01", Website: "https://ancien.fr", CPVDeclared: []string{"45000000"},
		Contacts: []data.Contact{{Email: "ancien@ancien.fr"}}, CreatedAt: listingNow, UpdatedAt: listingNow}
	l := fullListing()
	if err := l.Normalize(); err != nil {
		t.Fatal(err)
	}
	changed := l.Apply(&stored, data.ListingFields, ownerProv())
	if !slices.Equal(changed, data.ListingFields) {
		t.Fatalf("Apply changed %v, want every listing field %v", changed, data.ListingFields)
	}
	want := data.ListingOf(stored)

	crawlProv := data.Provenance{Source: "epv", FetchedAt: listingNow.Add(time.Hour)}
	crawled := data.Supplier{ID: stored.ID, Name: "MENUISERIE EXEMPLE SAS", Description: "description du crawl",
		Products: []string{"Fenêtres"}, CPVDeclared: []string{"44000000"}, HeadcountBand: "32", Website: "https://crawl.fr",
		ServiceArea: data.ServiceArea{Kind: data.ServiceAreaFrance}, Contacts: []data.Contact{{Email: "crawl@crawl.fr", Phone: "01 00 00 00 00"}}}
	for _, f := range append(slices.Clone(data.ListingFields), data.FieldName) {
		crawled.SetProvenance(f, crawlProv)
	}
	merged, _ := data.MergeCrawled(&stored, crawled, listingNow.Add(time.Hour))
	got := data.ListingOf(merged)
	if !slices.Equal(got.Products, want.Products) || got.Description != want.Description || !slices.Equal(got.CPV, want.CPV) ||
		got.HeadcountBand != want.HeadcountBand || got.Website != want.Website || got.Email != want.Email || got.Phone != want.Phone ||
		got.ServiceArea.Kind != want.ServiceArea.Kind || got.TurnoverBand != want.TurnoverBand {
		t.Errorf("after the crawl the listing is\n%+v\nwant\n%+v", got, want)
	}
	for _, f := range data.ListingFields {
		if !merged.OwnerDeclared(f) {
			t.Errorf("field %s lost its owner provenance", f)
		}
	}
	if merged.Name != crawled.Name {
		t.Errorf("Name = %q: a field the owner did not declare must follow the crawl", merged.Name)
	}
}

func TestListingApplyUnchangedKeepsProvenance(t *testing.T) {
	s := data.Supplier{ID: "552100554", Description: "même texte", Website: "https://a.fr"}
	s.SetProvenance(data.FieldDescription, data.Provenance{Source: "epv"})
	l := data.ListingOf(s)
	l.Website = "https://b.fr"
	changed := l.Apply(&s, data.ListingFields, ownerProv())
	if !slices.Equal(changed, []string{data.FieldWebsite}) {
		t.Errorf("changed = %v, want [website]", changed)
	}
	if s.OwnerDeclared(data.FieldDescription) {
		t.Error("an unchanged description became declared")
	}
	if !s.OwnerDeclared(data.FieldWebsite) {
		t.Error("the changed website is not declared")
	}
}

func TestSnapshotRestoreFields(t *testing.T) {
	s := data.Supplier{ID: "552100554", Name: "A", Description: "avant", Products: []string{"x"}}
	s.SetProvenance(data.FieldDescription, data.Provenance{Source: "epv"})
	fields := []string{data.FieldDescription, data.FieldProducts, data.FieldCPVDeclared}
	vals, prov, err := data.SnapshotFields(s, fields)
	if err != nil {
		t.Fatal(err)
	}
	l := data.ListingOf(s)
	l.Description, l.Products, l.CPV = "après", nil, []string{"45421000"}
	l.Apply(&s, fields, ownerProv())
	if err := data.RestoreFields(&s, fields, vals, prov); err != nil {
		t.Fatal(err)
	}
	if s.Description != "avant" || !slices.Equal(s.Products, []string{"x"}) || s.CPVDeclared != nil || s.Name != "A" {
		t.Errorf("restored %+v", s)
	}
	if p := s.Provenance[data.FieldDescription]; p.Source != "epv" || p.Owner {
		t.Errorf("description provenance = %+v, want epv", p)
	}
	if _, ok := s.Provenance[data.FieldCPVDeclared]; ok {
		t.Error("cpv provenance kept after restoring a field that had none")
	}
}

func TestCompleteness(t *testing.T) {
	empty := data.Supplier{ID: "552100554"}
	score, todo := data.Completeness(empty, listingNow)
	if score != 0 || len(todo) == 0 || !strings.Contains(todo[0].Text, "codes CPV") {
		t.Errorf("empty listing: score %d, first suggestion %v", score, todo)
	}
	for _, sg := range todo { // « courriel », as the site says everywhere
		if strings.Contains(strings.ToLower(sg.Text), "e-mail") {
			t.Errorf("suggestion %q says « e-mail »", sg.Text)
		}
	}
	full := empty
	l := fullListing()
	l.Apply(&full, data.ListingFields, ownerProv())
	full.Logo = "abc"
	score, todo = data.Completeness(full, listingNow)
	if score != 100 || len(todo) != 0 {
		t.Errorf("full listing: score %d, suggestions %v; want 100 and none", score, todo)
	}
	_, todo = data.Completeness(full, time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC))
	if len(todo) != 1 || !strings.Contains(todo[0].Text, "a expiré le 30/06/2027") {
		t.Errorf("expired certification: suggestions %v", todo)
	}
}

var nationalPhoneRe = regexp.MustCompile(`^0[1-9]( \d\d){4}$`)

// FuzzNormalizeFrenchPhone: whatever is typed, an accepted number is in
// the national form, and normalising it again gives it back.
func FuzzNormalizeFrenchPhone(f *testing.F) {
	for _, s := range []string{"01 23 45 67 89", "+33 (0)1 23 45 67 89", "0033612345678", "+262 692 12 34 56", "+", "00", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := data.NormalizeFrenchPhone(raw)
		if err != nil {
			return
		}
		if !nationalPhoneRe.MatchString(got) {
			t.Fatalf("NormalizeFrenchPhone(%q) = %q, not the national form", raw, got)
		}
		if again, err := data.NormalizeFrenchPhone(got); err != nil || again != got {
			t.Fatalf("NormalizeFrenchPhone(%q) = %q, %v; not idempotent", got, again, err)
		}
	})
}
