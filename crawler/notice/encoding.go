package notice

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// toUTF8 returns the input as UTF-8 text, the one encoding the readers
// parse, and the name of the encoding it was converted from ("" when it
// was UTF-8 already):
//
//   - a UTF-8 byte order mark is dropped;
//   - UTF-16, with a byte order mark or recognised from the zeros of its
//     first ASCII character (« <?xml », « { »), is decoded, and an XML
//     declaration that names it is rewritten to say UTF-8;
//   - an XML document that declares another encoding (« ISO-8859-1 ») is
//     left to the XML decoder, which reads the declaration;
//   - input that is not valid UTF-8 but is valid Windows-1252 text (the
//     superset of ISO-8859-1 that French exports use: no control
//     characters, none of the five bytes Windows-1252 leaves undefined, no
//     UTF-8 sequence mixed in) is decoded: its bytes say what they mean.
//
// Anything else is refused with ErrEncoding and the line of the first
// byte that is not text: a mix of UTF-8 and Latin-1, or binary data, would
// only be stored as « � » or worse.
func toUTF8(b []byte) (text []byte, from string, err error) {
	if t, ok := utf16Text(b); ok {
		return rewriteXMLEncoding(t), "UTF-16", nil
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	if enc := declaredXMLEncoding(b); enc != "" && !strings.EqualFold(enc, "utf-8") && !strings.EqualFold(enc, "utf8") {
		return b, "", nil // the XML decoder reads it (charsetReader)
	}
	if utf8.Valid(b) {
		return b, "", nil
	}
	bad, mixed, high := -1, false, false
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
				return nil, "", encodingError(b, i, "contenu binaire ou encodage inconnu")
			}
			i++
			continue
		}
		if r, n := utf8.DecodeRune(b[i:]); r != utf8.RuneError || n > 1 {
			mixed = true
			i += n
			continue
		}
		if bad < 0 {
			bad = i
		}
		switch c {
		case 0x81, 0x8D, 0x8F, 0x90, 0x9D: // undefined in Windows-1252
			return nil, "", encodingError(b, i, "ni UTF-8, ni UTF-16, ni Windows-1252 (ISO-8859-1)")
		}
		high = high || c <= 0x9F
		i++
	}
	if mixed {
		return nil, "", encodingError(b, bad, "texte UTF-8 mêlé d'octets d'un autre encodage (ISO-8859-1 ?)")
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil { // cannot happen: every byte left is defined
		return nil, "", fmt.Errorf("%w: Windows-1252: %v", ErrEncoding, err)
	}
	from = "ISO-8859-1"
	if high { // « ’ », « € », « œ »: Windows-1252's additions to ISO-8859-1
		from = "Windows-1252"
	}
	return out, from, nil
}

// encodingError names the byte at b[i] and its line.
func encodingError(b []byte, i int, what string) error {
	line := 1 + bytes.Count(b[:i], []byte("\n"))
	return fmt.Errorf("%w: %s : octet 0x%02X à la ligne %d ; enregistrez le fichier en UTF-8", ErrEncoding, what, b[i], line)
}

// utf16Text decodes UTF-16 input: with a byte order mark, or, without one,
// when its first character is an ASCII character of XML or JSON written on
// two bytes, one of them zero.
func utf16Text(b []byte) ([]byte, bool) {
	var e unicode.Endianness
	switch {
	case len(b) < 2:
		return nil, false
	case b[0] == 0xFF && b[1] == 0xFE:
		e = unicode.LittleEndian
	case b[0] == 0xFE && b[1] == 0xFF:
		e = unicode.BigEndian
	case b[1] == 0 && strings.IndexByte("<{[ \t\r\n", b[0]) >= 0:
		e = unicode.LittleEndian
	case b[0] == 0 && strings.IndexByte("<{[ \t\r\n", b[1]) >= 0:
		e = unicode.BigEndian
	default:
		return nil, false
	}
	// A cut last byte, or a lone surrogate, decodes to U+FFFD, which the
	// texts' checks report (data.RepairText).
	out, err := unicode.UTF16(e, unicode.UseBOM).NewDecoder().Bytes(b)
	if err != nil {
		return nil, false
	}
	return out, true
}

var xmlDeclEncoding = regexp.MustCompile(`^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]*)["']`)

// declaredXMLEncoding returns the encoding an XML declaration names, ""
// when there is none.
func declaredXMLEncoding(b []byte) string {
	if m := xmlDeclEncoding.FindSubmatch(b[:min(len(b), 256)]); m != nil {
		return string(m[1])
	}
	return ""
}

// rewriteXMLEncoding makes the XML declaration of text converted to UTF-8
// say so.
func rewriteXMLEncoding(b []byte) []byte {
	head := b[:min(len(b), 256)]
	loc := xmlDeclEncoding.FindSubmatchIndex(head)
	if loc == nil {
		return b
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:loc[2]]...)
	out = append(out, "UTF-8"...)
	return append(out, b[loc[3]:]...)
}
