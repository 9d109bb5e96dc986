package verify

import (
	"errors"
	"strings"
	"testing"

	"fabrique/data"
)

func FuzzMailAddress(f *testing.F) {
	for _, s := range []string{"contact", "Direction", "a@b", "jean.dupont", "x\r\nBcc: y", "..", "é"} {
		f.Add(s)
	}
	d := Domain{Name: "atelier-exemple.fr"}
	f.Fuzz(func(t *testing.T, local string) {
		addr, err := MailAddress(local, d)
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("MailAddress(%q): error %v does not wrap ErrInvalid", local, err)
			}
			return
		}
		if !strings.HasSuffix(addr, "@atelier-exemple.fr") || strings.Count(addr, "@") != 1 ||
			strings.ContainsAny(addr, " \r\n\t<>\",;") {
			t.Fatalf("MailAddress(%q) = %q: not one plain address on the sourced domain", local, addr)
		}
	})
}

func FuzzSourcedDomain(f *testing.F) {
	for _, s := range []string{"https://www.exemple.fr/", "exemple.fr", "http://1.2.3.4", "https://x.wixsite.com", "https://[::1]:80", "https://ex%41mple.fr"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, website string) {
		sup := data.Supplier{Website: website}
		sup.SetProvenance(data.FieldWebsite, data.Provenance{Source: "ofg"})
		d, err := SourcedDomain(sup)
		if err != nil {
			return
		}
		if !hostnameRe.MatchString(d.Name) || FreeMail(d.Name) || under(d.Name, platformDomains) || !strings.HasPrefix(d.Site, "https://") {
			t.Fatalf("SourcedDomain(%q) = %+v", website, d)
		}
	})
}

func FuzzSniffDocument(f *testing.F) {
	f.Add([]byte(SamplePDF))
	f.Add(pngWithSize(10, 10))
	f.Add([]byte("<html>"))
	f.Fuzz(func(t *testing.T, content []byte) {
		typ, ext, err := SniffDocument(content)
		if err != nil {
			return
		}
		switch typ {
		case TypePDF, TypePNG, TypeJPEG:
		default:
			t.Fatalf("SniffDocument accepted type %q", typ)
		}
		if ext == "" {
			t.Fatal("no extension")
		}
	})
}
