package notice

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func TestToUTF8(t *testing.T) {
	const text = `{"objet": "Rénovation école à Cherbourg"}`
	latin1, _ := charmap.ISO8859_1.NewEncoder().String(text)
	cp1252, _ := charmap.Windows1252.NewEncoder().String(`{"objet": "Maîtrise d’œuvre, 10 000 €"}`)
	utf16le, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(`<?xml version="1.0" encoding="UTF-16"?><ANNONCE>é</ANNONCE>`)
	utf16be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().String(text)
	utf16noBOM, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().String(text)
	tests := []struct {
		name     string
		in       string
		want     string // "" with wantErr
		wantFrom string
		wantErr  string
	}{
		{"UTF-8", text, text, "", ""},
		{"UTF-8 with a byte order mark", "\ufeff" + text, text, "", ""},
		{"ISO-8859-1", latin1, text, "ISO-8859-1", ""},
		{"Windows-1252 (’, œ, €)", cp1252, `{"objet": "Maîtrise d’œuvre, 10 000 €"}`, "Windows-1252", ""},
		{"UTF-16 LE with BOM, its XML declaration rewritten", utf16le, `<?xml version="1.0" encoding="UTF-8"?><ANNONCE>é</ANNONCE>`, "UTF-16", ""},
		{"UTF-16 BE with BOM", utf16be, text, "UTF-16", ""},
		{"UTF-16 without BOM", utf16noBOM, text, "UTF-16", ""},
		{"XML declaring ISO-8859-1, left to the XML decoder", `<?xml version="1.0" encoding="ISO-8859-1"?><a>` + "\xe9</a>", `<?xml version="1.0" encoding="ISO-8859-1"?><a>` + "\xe9</a>", "", ""},
		{"Latin-1 in a file declaring UTF-8", `<?xml version="1.0" encoding="UTF-8"?>` + "\n<a>\xe9</a>", `<?xml version="1.0" encoding="UTF-8"?>` + "\n<a>é</a>", "ISO-8859-1", ""},
		{"UTF-8 mixed with Latin-1", "{\"a\": \"école\",\n\"b\": \"\xe9cole\"}", "", "", "texte UTF-8 mêlé d'octets d'un autre encodage (ISO-8859-1 ?) : octet 0xE9 à la ligne 2"},
		{"byte undefined in Windows-1252", "{\"a\": \"\x81\"}", "", "", "ni UTF-8, ni UTF-16, ni Windows-1252 (ISO-8859-1) : octet 0x81 à la ligne 1"},
		{"binary", "G#Z\x0eho\xdcJ", "", "", "contenu binaire ou encodage inconnu : octet 0x0E à la ligne 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, from, err := toUTF8([]byte(tt.in))
			if tt.wantErr != "" {
				if !errors.Is(err, ErrEncoding) || !strings.Contains(Explain(err), tt.wantErr) {
					t.Fatalf("err = %v; want ErrEncoding saying %q", err, tt.wantErr)
				}
				if !strings.HasPrefix(Explain(err), "encodage illisible : ") {
					t.Errorf("Explain = %q; want it to start with « encodage illisible »", Explain(err))
				}
				return
			}
			if err != nil || string(got) != tt.want || from != tt.wantFrom {
				t.Errorf("got %q from %q, %v; want %q from %q", got, from, err, tt.want, tt.wantFrom)
			}
		})
	}
}

// TestParseConvertsEncodings reads real notices re-encoded the ways files
// arrive: each gives the notice with its accents, and a note that says
// which encoding was converted.
func TestParseConvertsEncodings(t *testing.T) {
	// The fixture holds a U+0092 (a « ’ » decoded as ISO-8859-1 upstream):
	// out of it, its Latin-1 encoding is pure ISO-8859-1.
	xmlSrc := strings.ReplaceAll(string(readFixture(t, "boamp/xml/test-pub.xml")), "\u0092", "'")
	const title = "2016 DFA 167 - Prestations de remorquage pour les véhicules de la ville de Paris"
	if !strings.Contains(xmlSrc, title) || !strings.Contains(xmlSrc, `encoding="UTF-8"`) {
		t.Fatal("fixture test-pub.xml changed")
	}
	latin1, err := charmap.ISO8859_1.NewEncoder().String(xmlSrc)
	if err != nil {
		t.Fatal(err)
	}
	declared := strings.Replace(latin1, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1)
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(strings.Replace(xmlSrc, `encoding="UTF-8"`, `encoding="UTF-16"`, 1))
	apiSrc := `{"total_count": 1, "results": [{"idweb": "26-93004", "objet": "Rénovation école à Cherbourg", "nomacheteur": "Ville de Cherbourg", "code_departement": ["50"], "datelimitereponse": "2027-01-20T12:00:00+01:00"}]}`
	apiLatin1, _ := charmap.ISO8859_1.NewEncoder().String(apiSrc)
	tests := []struct {
		name      string
		parse     func(*bytes.Reader, Options) (Result, error)
		in        string
		wantTitle string
		wantNote  string // "" : none
	}{
		{"BOAMP XML in Latin-1 declaring UTF-8", boampXML, latin1, title, "encodage ISO-8859-1 converti en UTF-8"},
		{"BOAMP XML declaring ISO-8859-1", boampXML, declared, title, ""},
		{"BOAMP XML in UTF-16", boampXML, utf16, title, "encodage UTF-16 converti en UTF-8"},
		{"BOAMP API answer in Latin-1", boampAPI, apiLatin1, "Rénovation école à Cherbourg", "encodage ISO-8859-1 converti en UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.parse(bytes.NewReader([]byte(tt.in)), testOptions())
			if err != nil || len(res.Tenders) != 1 {
				t.Fatalf("err %v, %d tenders, problems %v", err, len(res.Tenders), res.Problems)
			}
			if tn := res.Tenders[0]; tn.Title != tt.wantTitle || len(tn.TextDefects) != 0 {
				t.Errorf("title %q, defects %v; want %q, none", tn.Title, tn.TextDefects, tt.wantTitle)
			}
			var want []string
			if tt.wantNote != "" {
				want = []string{tt.wantNote}
			}
			if strings.Join(res.Notes, "|") != strings.Join(want, "|") {
				t.Errorf("notes %q; want %q", res.Notes, want)
			}
		})
	}
	if f, err := Detect("x.xml", []byte(utf16)[:1024]); f != FormatBOAMPXML || err != nil {
		t.Errorf("Detect(UTF-16 head) = %q, %v; want %q", f, err, FormatBOAMPXML)
	}
	mixed := strings.Replace(xmlSrc, "Prestations de remorquage", "Prestations \xe9", 1)
	if _, err := ParseBOAMPXML(strings.NewReader(mixed), testOptions()); !errors.Is(err, ErrEncoding) || !strings.Contains(Explain(err), "à la ligne 37") {
		t.Errorf("UTF-8 with a Latin-1 byte: err = %v; want ErrEncoding naming line 37", err)
	}
}

// TestCharsetReaderLatin1IsWindows1252: a document that declares
// ISO-8859-1 and uses its bytes 0x80–0x9F means Windows-1252's « ’ », « € »,
// « œ », as browsers read it, not control characters.
func TestCharsetReaderLatin1IsWindows1252(t *testing.T) {
	for _, label := range []string{"ISO-8859-1", "latin1", "windows-1252"} {
		r, err := charsetReader(label, strings.NewReader("d\x92ex\xe9cution \x80 \x9c"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r)
		if got := string(b); got != "d’exécution € œ" {
			t.Errorf("%s: %q; want « d’exécution € œ »", label, got)
		}
	}
	if _, err := charsetReader("Shift_JIS", strings.NewReader("")); !errors.Is(err, ErrEncoding) || !strings.Contains(Explain(err), "« Shift_JIS » déclaré par le document, non pris en charge") {
		t.Errorf("Shift_JIS: %v; want ErrEncoding naming it", err)
	}
}
