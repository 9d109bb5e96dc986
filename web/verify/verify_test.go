package verify

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func supplierWith(website, source string, owner bool) data.Supplier {
	s := data.Supplier{ID: "123456782", Website: website}
	if source != "" || owner {
		s.SetProvenance(data.FieldWebsite, data.Provenance{Source: source, Owner: owner})
	}
	return s
}

func TestSourcedDomain(t *testing.T) {
	tests := []struct {
		name       string
		sup        data.Supplier
		want       Domain
		wantRefuse string // part of the French reason
	}{
		{"published by OFG", supplierWith("https://www.atelier-exemple.fr/fr/", "ofg", false),
			Domain{Name: "atelier-exemple.fr", Site: "https://www.atelier-exemple.fr", Source: "ofg"}, ""},
		{"declared by a verified member", supplierWith("atelier.example.com", "owner", true),
			Domain{Name: "atelier.example.com", Site: "https://atelier.example.com", Source: "owner"}, ""},
		{"port kept for the site", supplierWith("https://www.example.com:8443", "jsonld", false),
			Domain{Name: "example.com", Site: "https://www.example.com:8443", Source: "jsonld"}, ""},
		{"no website", supplierWith("", "", false), Domain{}, "aucune source"},
		{"website of unknown origin", supplierWith("https://www.atelier-exemple.fr", "", false), Domain{}, "origine"},
		{"free-mail provider's pages", supplierWith("http://perso.wanadoo.fr/atelier", "epv", false), Domain{}, "messagerie grand public"},
		{"orange.fr", supplierWith("https://orange.fr", "epv", false), Domain{}, "messagerie grand public"},
		{"gmail", supplierWith("https://gmail.com", "epv", false), Domain{}, "messagerie grand public"},
		{"hosting platform", supplierWith("https://atelier.wixsite.com/accueil", "jsonld", false), Domain{}, "plateforme partagée"},
		{"social network page", supplierWith("https://www.facebook.com/atelier", "jsonld", false), Domain{}, "plateforme partagée"},
		// Builders and blogs where anyone gets a subdomain.
		{"canalblog", supplierWith("http://atelier-du-bois.canalblog.com/", "jsonld", false), Domain{}, "plateforme partagée"},
		{"site123", supplierWith("https://atelier.site123.me", "jsonld", false), Domain{}, "plateforme partagée"},
		{"GoDaddy builder", supplierWith("https://atelier.godaddysites.com/", "jsonld", false), Domain{}, "plateforme partagée"},
		{"Webnode's free address", supplierWith("https://atelier.webnode.page/", "jsonld", false), Domain{}, "plateforme partagée"},
		{"Odoo website", supplierWith("https://atelier.odoo.com/", "jsonld", false), Domain{}, "plateforme partagée"},
		{"eklablog", supplierWith("http://atelier.eklablog.com/", "jsonld", false), Domain{}, "plateforme partagée"},
		{"Tilda", supplierWith("https://atelier.tilda.ws/", "jsonld", false), Domain{}, "plateforme partagée"},
		// Any private suffix of the Public Suffix List, listed here or not.
		{"Cloudflare Pages (PSL)", supplierWith("https://atelier.pages.dev/", "jsonld", false), Domain{}, "plateforme partagée"},
		{"Webflow (PSL)", supplierWith("https://atelier.webflow.io/", "jsonld", false), Domain{}, "plateforme partagée"},
		{"a company's own .co.uk", supplierWith("https://www.atelier.co.uk/", "ofg", false),
			Domain{Name: "atelier.co.uk", Site: "https://www.atelier.co.uk", Source: "ofg"}, ""},
		{"a name under a TLD the list lacks", supplierWith("https://www.atelier.example/", "ofg", false),
			Domain{Name: "atelier.example", Site: "https://www.atelier.example", Source: "ofg"}, ""},
		{"IP address", supplierWith("http://192.0.2.10/", "jsonld", false), Domain{}, "adresse IP"},
		{"single label", supplierWith("http://intranet/", "jsonld", false), Domain{}, "pas pris en charge"},
		{"not a web address", supplierWith("ftp://atelier.fr", "jsonld", false), Domain{}, "inutilisable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SourcedDomain(tt.sup)
			if tt.wantRefuse != "" {
				var ve *data.ValidationError
				if !errors.As(err, &ve) || !strings.Contains(ve.Message, tt.wantRefuse) {
					t.Fatalf("SourcedDomain = %+v, %v; want a refusal mentioning %q", got, err, tt.wantRefuse)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("SourcedDomain = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestMailAddressKeepsTheSourcedDomain(t *testing.T) {
	d := Domain{Name: "atelier-exemple.fr"}
	tests := []struct {
		name, local, want string
	}{
		{"contact", "contact", "contact@atelier-exemple.fr"},
		{"case and spaces folded", "  Direction ", "direction@atelier-exemple.fr"},
		{"dotted name", "jean.dupont", "jean.dupont@atelier-exemple.fr"},
		{"a typed domain is refused", "contact@gmail.com", ""},
		{"the whole address on the company's domain", " Jean.Dupont@Atelier-Exemple.fr", "jean.dupont@atelier-exemple.fr"},
		{"a subdomain is another domain", "contact@mail.atelier-exemple.fr", ""},
		{"nothing before @", "@atelier-exemple.fr", ""},
		{"a second @", "a@b@atelier-exemple.fr", ""},
		{"empty", "", ""},
		{"header injection", "contact\r\nBcc: x", ""},
		{"accents", "réception", ""},
		{"double dot", "a..b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := MailAddress(tt.local, d)
			if tt.want == "" {
				if !errors.Is(err, data.ErrInvalid) {
					t.Errorf("MailAddress(%q) = %q, %v; want a refusal", tt.local, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("MailAddress(%q) = %q, %v; want %q", tt.local, got, err, tt.want)
			}
		})
	}
	if _, err := MailAddress("contact", Domain{Name: "free.fr"}); err == nil {
		t.Error("an address at free.fr was built")
	}
}

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		c := NewCode()
		if len(c) != CodeLength+1 || c[CodeLength/2] != '-' || strings.Trim(strings.ReplaceAll(c, "-", ""), codeAlphabet) != "" {
			t.Fatalf("NewCode = %q", c)
		}
		if seen[c] {
			t.Fatalf("NewCode repeated %q", c)
		}
		seen[c] = true
	}
	code := NewCode()
	h := HashCode("claim1", code)
	if strings.Contains(h, NormalizeCode(code)) {
		t.Error("the hash shows the code")
	}
	typed := " " + strings.ToLower(strings.ReplaceAll(code, "-", " ")) + " "
	if !CodeMatches(h, "claim1", typed) {
		t.Errorf("the code typed in lower case with spaces does not match")
	}
	if CodeMatches(h, "claim2", code) {
		t.Error("a code matched in another claim")
	}
	if CodeMatches(h, "claim1", NewCode()) || CodeMatches("", "claim1", "") {
		t.Error("a wrong code matched")
	}
	if a, b := NewToken(), NewToken(); len(a) != 32 || a == b {
		t.Errorf("NewToken = %q, %q", a, b)
	}
}

func TestPublic(t *testing.T) {
	tests := []struct {
		ip   string
		want bool
	}{
		{"93.184.215.14", true},
		{"2a00:1450:4007:80e::2003", true},
		{"127.0.0.1", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false},
		{"fe80::1", false},
		{"fd00::1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"224.0.0.1", false},
		{"ff02::1", false},
		{"100.64.0.1", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"64:ff9b::a00:1", false},
		{"255.255.255.255", false},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			if got := Public(netip.MustParseAddr(tt.ip)); got != tt.want {
				t.Errorf("Public(%s) = %v, want %v", tt.ip, got, tt.want)
			}
		})
	}
}

// fakeResolver answers from maps.
func fakeResolver(ips, txt map[string][]string) *StaticResolver {
	r := &StaticResolver{}
	r.Set(ips, txt)
	return r
}

// wellKnownSite serves paths of the well-known file over TLS on loopback,
// as www.example.com (a name httptest's certificate holds).
func wellKnownSite(t *testing.T, handler http.HandlerFunc) (*httptest.Server, Domain) {
	t.Helper()
	srv := httptest.NewTLSServer(handler)
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	return srv, Domain{Name: "example.com", Site: "https://www.example.com:" + port}
}

func checkerFor(srv *httptest.Server, testMode bool, ips map[string][]string) *Checker {
	pool := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	return NewChecker(Config{TestMode: testMode, RootCAs: pool, Resolver: fakeResolver(ips, nil), Timeout: time.Second})
}

func TestCheckWebsite(t *testing.T) {
	const token = "0123456789abcdef0123456789abcdef"
	body := map[string]string{
		"/ok/.well-known/fabrique-verification.txt":     "# Fabrique\n" + RecordPrefix + token + "\n",
		"/plain/.well-known/fabrique-verification.txt":  token,
		"/other/.well-known/fabrique-verification.txt":  RecordPrefix + "ffffffffffffffffffffffffffffffff\n",
		"/large/.well-known/fabrique-verification.txt":  strings.Repeat("x", 20<<10) + "\n" + token,
		"/prefix/.well-known/fabrique-verification.txt": "x" + token,
	}
	var srv *httptest.Server
	srv, site := wellKnownSite(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/private/"):
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data", http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/rebind/"):
			http.Redirect(w, r, "https://intranet.example.com"+r.URL.Path, http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/loop/"):
			http.Redirect(w, r, r.URL.Path, http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/slow/"):
			time.Sleep(1500 * time.Millisecond)
		default:
			b, ok := body[r.URL.Path]
			if !ok {
				http.NotFound(w, r)
				return
			}
			fmt.Fprint(w, b)
		}
	})
	// The Site may carry a path prefix here, only to select the test case.
	at := func(prefix string) Domain { d := site; d.Site += "/" + prefix; return d }
	loopback := map[string][]string{"www.example.com": {"127.0.0.1"}, "intranet.example.com": {"10.0.0.7"}}
	tests := []struct {
		name     string
		testMode bool
		ips      map[string][]string
		d        Domain
		want     string // "" for success, else part of the reason
	}{
		{"token line with prefix", true, loopback, at("ok"), ""},
		{"token alone", true, loopback, at("plain"), ""},
		{"another token", true, loopback, at("other"), "ne contient pas le jeton"},
		{"token inside a longer line", true, loopback, at("prefix"), "ne contient pas le jeton"},
		{"no file", true, loopback, at("none"), "répond 404"},
		{"file too large", true, loopback, at("large"), "dépasse"},
		{"site resolving to 127.0.0.1 outside test mode", false, loopback, at("ok"), "non publique"},
		{"site resolving to a public and a private address", true, map[string][]string{"www.example.com": {"127.0.0.1", "10.0.0.1"}}, at("ok"), "non publique"},
		{"redirect to a link-local address", true, loopback, at("private"), "non publique"},
		{"redirect to a name resolving to a private address", true, loopback, at("rebind"), "non publique"},
		{"endless redirects", true, loopback, at("loop"), "redirige plus"},
		{"unknown host", true, map[string][]string{}, at("ok"), "pas pu être joint"},
		{"slow site", true, loopback, at("slow"), "pas répondu à temps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkerFor(srv, tt.testMode, tt.ips).CheckWebsite(context.Background(), tt.d, token)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("CheckWebsite: %v", err)
				}
				return
			}
			var ve *data.ValidationError
			if !errors.As(err, &ve) || !strings.Contains(ve.Message, tt.want) {
				t.Fatalf("CheckWebsite = %v; want a refusal mentioning %q", err, tt.want)
			}
		})
	}
}

func TestCheckWebsiteRefusesUntrustedCertificate(t *testing.T) {
	srv, site := wellKnownSite(t, func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "tok") })
	_ = srv
	ch := NewChecker(Config{TestMode: true, Resolver: fakeResolver(map[string][]string{"www.example.com": {"127.0.0.1"}}, nil)})
	var ve *data.ValidationError
	if err := ch.CheckWebsite(context.Background(), site, "tok"); !errors.As(err, &ve) || !strings.Contains(ve.Message, "certificat") {
		t.Errorf("CheckWebsite with a certificate nobody trusts = %v", err)
	}
}

func TestCheckDNS(t *testing.T) {
	const token = "0123456789abcdef0123456789abcdef"
	r := fakeResolver(nil, map[string][]string{
		"example.com":    {"v=spf1 -all", " " + RecordPrefix + token + " "},
		"example.org":    {RecordPrefix + "other"},
		"example.net":    {token},
		"sub.example.fr": {RecordPrefix + token},
	})
	ch := NewChecker(Config{Resolver: r})
	tests := []struct {
		name, domain, want string
	}{
		{"record present", "example.com", ""},
		{"another token", "example.org", "aucun enregistrement TXT « fabrique-verification="},
		{"token without its prefix", "example.net", "aucun enregistrement TXT « fabrique-verification="},
		{"no TXT record", "example.fr", "n'a aucun enregistrement TXT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ch.CheckDNS(context.Background(), Domain{Name: tt.domain}, token)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var ve *data.ValidationError
			if !errors.As(err, &ve) || !strings.Contains(ve.Message, tt.want) {
				t.Fatalf("CheckDNS = %v; want a refusal mentioning %q", err, tt.want)
			}
		})
	}
}

// pngWithSize is a PNG header declaring w×h pixels, with valid checksums.
func pngWithSize(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// SamplePDF is a minimal PDF document, for tests of other packages too.
const SamplePDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

func TestSniffDocument(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	var pngBuf, jpegBuf bytes.Buffer
	_ = png.Encode(&pngBuf, img)
	_ = jpeg.Encode(&jpegBuf, img, nil)
	tests := []struct {
		name    string
		content []byte
		want    string // type, or "" for a refusal
	}{
		{"PDF", []byte(SamplePDF), TypePDF},
		{"PNG", pngBuf.Bytes(), TypePNG},
		{"JPEG", jpegBuf.Bytes(), TypeJPEG},
		{"truncated PDF", []byte("%PDF-1.4\n1 0 obj"), ""},
		{"HTML named kbis.pdf", []byte("<!DOCTYPE html><script>alert(1)</script>"), ""},
		{"SVG", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), ""},
		{"Windows executable", append([]byte("MZ\x90\x00"), make([]byte, 100)...), ""},
		{"ZIP", []byte("PK\x03\x04" + strings.Repeat("\x00", 40)), ""},
		{"empty", nil, ""},
		{"too large", append([]byte("%PDF-1.4\n"), make([]byte, MaxDocumentBytes)...), ""},
		{"PNG header only", []byte("\x89PNG\r\n\x1a\n"), ""},
		{"PNG declaring a gigapixel image", pngWithSize(100000, 100000), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ext, err := SniffDocument(tt.content)
			if tt.want == "" {
				if !errors.Is(err, data.ErrInvalid) {
					t.Errorf("SniffDocument = %q, %v; want a refusal", got, err)
				}
				return
			}
			if err != nil || got != tt.want || ext == "" {
				t.Errorf("SniffDocument = %q, %q, %v; want %q", got, ext, err, tt.want)
			}
		})
	}
	if _, _, err := SniffDocument(pngWithSize(2000, 1000)); err != nil {
		t.Errorf("a PNG header of a reasonable size was refused: %v", err)
	}
}

func TestPostalAddress(t *testing.T) {
	head := data.Address{Street: "1 rue de la Forge", Postcode: "25000", Commune: "Besançon"}
	site := data.Address{Street: "ZI Nord", Postcode: "39100", Commune: "Dole"}
	sup := data.Supplier{ID: "123456782", Address: head, Establishments: []data.Establishment{
		{SIRET: "12345678200011", HeadOffice: true, Address: head},
		{SIRET: "12345678200029", Address: site},
	}}
	tests := []struct {
		name, siret string
		sup         data.Supplier
		want        string
	}{
		{"head office", "", sup, "Besançon"},
		{"named establishment", "12345678200029", sup, "Dole"},
		{"foreign SIRET", "98765432100019", sup, ""},
		{"incomplete address", "", data.Supplier{ID: "1", Address: data.Address{Postcode: "25000"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PostalAddress(tt.sup, tt.siret)
			if tt.want == "" {
				if !errors.Is(err, data.ErrInvalid) {
					t.Errorf("PostalAddress = %+v, %v; want a refusal", got, err)
				}
				return
			}
			if err != nil || got.Commune != tt.want {
				t.Errorf("PostalAddress = %+v, %v; want %s", got, err, tt.want)
			}
		})
	}
}
