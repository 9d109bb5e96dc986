package notice

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// billionLaughs is the classic entity expansion bomb: 10 levels of ten
// references, a gigabyte if expanded.
const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ANNONCE><GESTION><REFERENCE><IDWEB>&lol9;</IDWEB></REFERENCE></GESTION></ANNONCE>`

// xxe asks for a local file through an external entity.
const xxe = `<?xml version="1.0"?>
<!DOCTYPE ContractNotice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ContractNotice><cbc:ID xmlns:cbc="urn:x">&xxe;</cbc:ID></ContractNotice>`

// TestXMLDeclarationsRefused: DOCTYPE and ENTITY declarations are refused
// by both XML readers with ErrDoctype, whatever their case or place,
// before anything is expanded or fetched.
func TestXMLDeclarationsRefused(t *testing.T) {
	tests := []struct{ name, xml string }{
		{"billion laughs", billionLaughs},
		{"external entity (XXE)", xxe},
		{"lower-case doctype", `<!doctype ANNONCE><ANNONCE/>`},
		{"doctype without subset", `<?xml version="1.0"?><!DOCTYPE ContractNotice SYSTEM "http://example.org/x.dtd"><ContractNotice/>`},
		{"stray entity declaration", `<!ENTITY x "y"><ANNONCE/>`},
	}
	readers := map[string]func(io.Reader, Options) (Result, error){"eforms": ParseEForms, "boamp-xml": ParseBOAMPXML}
	for _, tt := range tests {
		for name, parse := range readers {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				start := time.Now()
				res, err := parse(strings.NewReader(tt.xml), testOptions())
				if !errors.Is(err, ErrDoctype) || !errors.Is(err, data.ErrInvalid) {
					t.Fatalf("err = %v; want ErrDoctype (and data.ErrInvalid)", err)
				}
				if len(res.Tenders) != 0 {
					t.Errorf("got tenders from a refused document")
				}
				if strings.Contains(err.Error(), "root:") {
					t.Errorf("error leaks file content: %v", err)
				}
				if d := time.Since(start); d > time.Second {
					t.Errorf("took %v to refuse", d)
				}
			})
		}
	}
}

// TestUndeclaredEntityRefused: an entity reference without declaration is
// a syntax error (strict decoding), never silently dropped.
func TestUndeclaredEntityRefused(t *testing.T) {
	_, err := ParseEForms(strings.NewReader(`<ContractNotice><ID>&xxe;</ID></ContractNotice>`), testOptions())
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("err = %v; want ErrMalformed", err)
	}
}

// TestOversizedInputRefused: every reader stops reading at MaxBytes and
// refuses the input with ErrTooLarge (data.ErrTooLarge for the web layer).
func TestOversizedInputRefused(t *testing.T) {
	readers := map[string]func(io.Reader, Options) (Result, error){
		"eforms": ParseEForms, "boamp-xml": ParseBOAMPXML, "boamp-api": ParseBOAMPAPI,
		"ocds": ParseOCDS, "decp-json": ParseDECP, "decp-csv": ParseDECPCSV,
	}
	const max = 1 << 10
	for name, parse := range readers {
		t.Run(name, func(t *testing.T) {
			src := &countingReader{r: endless{}}
			_, err := parse(src, Options{MaxBytes: max})
			if !errors.Is(err, ErrTooLarge) || !errors.Is(err, data.ErrTooLarge) {
				t.Fatalf("err = %v; want ErrTooLarge", err)
			}
			if src.n > max+1+512 { // LimitReader reads at most max+1, io.ReadAll in chunks
				t.Errorf("read %d bytes of an endless input; want to stop near %d", src.n, max)
			}
		})
	}
	// The default cap is 64 MiB: a real 1.7 MB notice passes.
	if _, err := parseFixture(t, eforms, "eforms/cn_24_maximal_100_lots.xml"); err != nil {
		t.Errorf("100-lot notice under the default cap: %v", err)
	}
	if _, err := ParseEForms(bytes.NewReader(readFixture(t, "eforms/cn_24_maximal_100_lots.xml")), Options{MaxBytes: 1 << 20}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("1.7 MB notice with a 1 MiB cap: err = %v, want ErrTooLarge", err)
	}
}

// TestDeepNestingRefused: XML and JSON nested deeper than MaxDepth are
// refused with ErrTooDeep instead of exhausting the stack or memory.
func TestDeepNestingRefused(t *testing.T) {
	deepXML := strings.Repeat("<a>", 10000) + strings.Repeat("</a>", 10000)
	deepJSON := strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000)
	deepArray := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
	tests := []struct {
		name  string
		parse func(io.Reader, Options) (Result, error)
		input string
	}{
		{"eforms", ParseEForms, deepXML},
		{"boamp-xml", ParseBOAMPXML, "<ANNONCE>" + deepXML + "</ANNONCE>"},
		{"boamp-api", ParseBOAMPAPI, deepJSON},
		{"ocds", ParseOCDS, deepArray},
		{"decp-json", ParseDECP, `{"marches":` + deepArray + `}`},
		{"donnees of boamp-api", ParseBOAMPAPI, `{"results":[{"idweb":"1","objet":"o","nomacheteur":"b","donnees":"` +
			strings.Repeat(`{\"a\":`, 500) + "1" + strings.Repeat("}", 500) + `"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.parse(strings.NewReader(tt.input), testOptions())
			if tt.name == "donnees of boamp-api" { // a bad donnees is noted; the record keeps its flat fields
				if err != nil || len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0].Error(), "niveaux") {
					t.Fatalf("err = %v, warnings %v; want the deep donnees refused and noted", err, res.Warnings)
				}
				return
			}
			if !errors.Is(err, ErrTooDeep) {
				t.Fatalf("err = %v; want ErrTooDeep", err)
			}
		})
	}
	// Real notices nest about 15 deep: the default limit leaves room.
	if _, err := ParseEForms(strings.NewReader(strings.Repeat("<a>", 100)+strings.Repeat("</a>", 100)), testOptions()); errors.Is(err, ErrTooDeep) {
		t.Errorf("100 levels refused; the default limit is 128")
	}
}

// endless is an input that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
