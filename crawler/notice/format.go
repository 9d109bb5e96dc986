package notice

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Format names a kind of input the package reads.
type Format string

const (
	FormatBOAMPAPI Format = "boamp-api" // BOAMP open-data API answer (JSON)
	FormatBOAMPXML Format = "boamp-xml" // BOAMP notice, schema Boamp_v230
	FormatEForms   Format = "eforms"    // TED eForms UBL notice
	FormatOCDS     Format = "ocds"      // Open Contracting release or record package
	FormatDECPJSON Format = "decp-json" // DECP, JSON (v1 and 2022)
	FormatDECPCSV  Format = "decp-csv"  // DECP, consolidated CSV extract
)

// Detect tells the format of an input from its first bytes (the XML root
// element, the JSON top-level keys, the CSV header); name, a file name or
// URL path, is only a hint used when the content is not conclusive. head
// may be cut anywhere: a few kilobytes are enough. UTF-16 input is
// recognised (toUTF8).
func Detect(name string, head []byte) (Format, error) {
	if t, ok := utf16Text(head); ok {
		head = rewriteXMLEncoding(t)
	}
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	if len(h) == 0 {
		return "", unknownFormat(name, "contenu vide")
	}
	switch h[0] {
	case '<':
		return detectXML(name, h)
	case '{', '[':
		return detectJSON(name, h)
	}
	line := strings.ToLower(string(h))
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if strings.Contains(line, "uid") && (strings.Contains(line, "titulaire") || strings.Contains(line, "acheteur")) {
		return FormatDECPCSV, nil
	}
	if strings.EqualFold(filepath.Ext(name), ".csv") && strings.Contains(strings.ToLower(name), "decp") {
		return FormatDECPCSV, nil
	}
	return "", unknownFormat(name, "ni XML, ni JSON, ni CSV des DECP")
}

// detectXML reads the root element's name.
func detectXML(name string, h []byte) (Format, error) {
	d := xml.NewDecoder(bytes.NewReader(h))
	d.Strict = false
	d.CharsetReader = charsetReader
	for {
		tok, err := d.Token()
		if err != nil {
			return "", unknownFormat(name, "élément racine XML introuvable")
		}
		if se, ok := tok.(xml.StartElement); ok {
			switch se.Name.Local {
			case "ANNONCE":
				return FormatBOAMPXML, nil
			case "ContractNotice", "PriorInformationNotice", "ContractAwardNotice", "BusinessRegistrationInformationNotice":
				return FormatEForms, nil
			}
			return "", unknownFormat(name, "racine XML <"+se.Name.Local+"> inconnue")
		}
	}
}

// detectJSON looks at the top-level keys, and at telling field names when
// the input is a bare array.
func detectJSON(name string, h []byte) (Format, error) {
	keys := topKeys(h)
	has := func(k string) bool { return contains(keys, k) }
	text := string(h)
	switch {
	case has("results") || has("total_count"):
		return FormatBOAMPAPI, nil
	case has("releases") || has("ocid"):
		return FormatOCDS, nil
	case has("records") && strings.Contains(text, `"ocid"`):
		return FormatOCDS, nil
	case has("records") && strings.Contains(text, `"idweb"`):
		return FormatBOAMPAPI, nil
	case has("marches"):
		return FormatDECPJSON, nil
	case h[0] == '[' && strings.Contains(text, `"idweb"`):
		return FormatBOAMPAPI, nil
	case h[0] == '[' && strings.Contains(text, `"ocid"`):
		return FormatOCDS, nil
	case h[0] == '[' && strings.Contains(text, `"titulaires"`):
		return FormatDECPJSON, nil
	}
	low := strings.ToLower(name)
	switch {
	case strings.Contains(low, "decp"):
		return FormatDECPJSON, nil
	case strings.Contains(low, "boamp"):
		return FormatBOAMPAPI, nil
	case strings.Contains(low, "ocds"):
		return FormatOCDS, nil
	}
	switch {
	case h[0] == '[':
		return "", unknownFormat(name, "tableau JSON sans champ connu (idweb, ocid, titulaires)")
	case len(keys) == 0:
		return "", unknownFormat(name, "JSON sans clé connue")
	}
	return "", unknownFormat(name, "JSON sans clé connue ("+strings.Join(keys, ", ")+")")
}

// topKeys returns the keys of a top-level JSON object, as far as the
// (possibly cut) input goes.
func topKeys(h []byte) []string {
	d := json.NewDecoder(bytes.NewReader(h))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var keys []string
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return keys
		}
		k, ok := tok.(string)
		if !ok {
			return keys
		}
		keys = append(keys, k)
		if err := skipValue(d); err != nil {
			return keys
		}
	}
	return keys
}

// skipValue consumes one JSON value.
func skipValue(d *json.Decoder) error {
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		if delim, ok := tok.(json.Delim); ok {
			switch delim {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// Parse reads r in the given format with the matching reader.
func Parse(format Format, r io.Reader, opts Options) (Result, error) {
	switch format {
	case FormatBOAMPAPI:
		return ParseBOAMPAPI(r, opts)
	case FormatBOAMPXML:
		return ParseBOAMPXML(r, opts)
	case FormatEForms:
		return ParseEForms(r, opts)
	case FormatOCDS:
		return ParseOCDS(r, opts)
	case FormatDECPJSON:
		return ParseDECP(r, opts)
	case FormatDECPCSV:
		return ParseDECPCSV(r, opts)
	}
	return Result{}, fmt.Errorf("format %q: %w", format, ErrUnknownFormat)
}
