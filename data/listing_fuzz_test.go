package data_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"fabrique/data"
)

// FuzzListingNormalize feeds the listing form's fields (what a company's
// members type) to Listing.Normalize. Either it refuses with FieldErrors
// naming fields of the listing, each with a message, or what it keeps is
// clean and within the listing's limits — valid UTF-8 without control
// characters, canonical CPV codes, a known service area, a web address
// with its scheme — and normalising it again changes nothing and refuses
// nothing.
func FuzzListingNormalize(f *testing.F) {
	f.Add("Atelier de menuiserie\r\n\r\n\r\nbois massif", "escaliers\nESCALIERS\n\tfenêtres ", "45421000\n4542100", "radius", 80.0, "", "12", "C", int64(250000), "ISO 9001", "AFNOR", "2027-06-30", "contact@atelier.fr", "+33 (0)1 23 45 67 89", "www.Atelier.fr/")
	f.Add("", "", "45421000-4", "departements", 0.0, "2a\n75\n75", "", "", int64(0), "", "", "", "", "", "")
	f.Add("x\x00y\u200b", "\xff\xfe", "", "regions", 0.0, "84\n99", "ZZ", "F", int64(-1), "", "Qualibat", "", "a@b", "00", "http://127.0.0.1/")
	f.Add("", "", "", "radius", 1e308, "", "", "", int64(1e11), "", "", "", "Name <a@b.fr>", "0123456789", "https://user@x.fr")
	f.Fuzz(func(t *testing.T, desc, products, cpv, kind string, radius float64, codes, headcount, turnover string,
		largest int64, certName, certIssuer, certUntil, email, phone, website string) {
		l := data.Listing{
			Description: desc, Products: strings.Split(products, "\n"), CPV: strings.Split(cpv, "\n"),
			ServiceArea:   data.ServiceArea{Kind: data.ServiceAreaKind(kind), RadiusKm: radius, Codes: strings.Split(codes, "\n")},
			HeadcountBand: headcount, TurnoverBand: turnover, LargestContractEUR: largest,
			Email: email, Phone: phone, Website: website,
		}
		until, _ := time.Parse(time.DateOnly, certUntil)
		l.Certifications = []data.Certification{{Name: certName, Issuer: certIssuer, ValidUntil: until}}
		err := l.Normalize()
		if err != nil {
			var fe data.FieldErrors
			if !errors.As(err, &fe) || !errors.Is(err, data.ErrInvalid) || len(fe) == 0 {
				t.Fatalf("Normalize: %v (%T), want FieldErrors wrapping ErrInvalid", err, err)
			}
			for _, e := range fe {
				if !slices.Contains(data.ListingFields, e.Field) || e.Message == "" {
					t.Fatalf("error %+v: want a listing field and a message", e)
				}
			}
			return
		}
		text := append([]string{l.Description, l.Email, l.Phone, l.Website}, l.Products...)
		for _, c := range l.Certifications {
			text = append(text, c.Name, c.Issuer)
		}
		for _, s := range text {
			if !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) >= 0 ||
				s != strings.TrimSpace(s) {
				t.Fatalf("kept %q: invalid UTF-8, a control character or spaces around", s)
			}
		}
		if utf8.RuneCountInString(l.Description) > data.MaxDescriptionRunes || len(l.Products) > data.MaxListingItems ||
			len(l.CPV) > data.MaxDeclaredCPV || len(l.Certifications) > data.MaxCertifications {
			t.Fatalf("kept a listing past its limits: %d runes, %d products, %d CPV, %d certifications",
				utf8.RuneCountInString(l.Description), len(l.Products), len(l.CPV), len(l.Certifications))
		}
		for _, code := range l.CPV {
			if got, err := data.NormalizeCPV(code); err != nil || got != code {
				t.Fatalf("kept CPV %q: NormalizeCPV gives %q, %v", code, got, err)
			}
		}
		if a := l.ServiceArea; a.Kind == data.ServiceAreaRadius && !(a.RadiusKm >= 1 && a.RadiusKm <= data.MaxServiceRadiusKm) {
			t.Fatalf("kept radius %v", a.RadiusKm)
		}
		if l.Website != "" && !strings.HasPrefix(l.Website, "https://") && !strings.HasPrefix(l.Website, "http://") {
			t.Fatalf("kept website %q without its scheme", l.Website)
		}
		again := l
		again.Products, again.CPV = slices.Clone(l.Products), slices.Clone(l.CPV)
		again.ServiceArea.Codes = slices.Clone(l.ServiceArea.Codes)
		again.Certifications = slices.Clone(l.Certifications)
		if err := again.Normalize(); err != nil {
			t.Fatalf("normalised listing refused when normalised again: %v\n%+v", err, l)
		}
		if !reflect.DeepEqual(again, l) {
			t.Fatalf("Normalize is not idempotent:\n%+v\nthen\n%+v", l, again)
		}
	})
}
