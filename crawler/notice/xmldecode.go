package notice

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// parseXML turns an XML document into a node tree. It refuses any DOCTYPE
// or ENTITY declaration (encoding/xml never fetches external entities, but
// an explicit refusal is clearer than a half-understood document) and any
// nesting deeper than maxDepth. Elements and attributes are counted as
// they stream in: past maxElements (0: no limit) the document is refused
// before more of it is built, so a flood of tiny elements costs neither
// memory nor time. Only element structure and text are kept: comments
// and processing instructions are dropped.
func parseXML(b []byte, maxDepth, maxElements int) (*node, error) {
	// Checked on the bytes as well as on tokens: a declaration inside the
	// prolog must be refused even when the decoder would stop earlier.
	if i := indexFold(b, "<!DOCTYPE"); i >= 0 {
		return nil, fmt.Errorf("%w (%s)", ErrDoctype, excerpt(b[i:]))
	}
	if i := indexFold(b, "<!ENTITY"); i >= 0 {
		return nil, fmt.Errorf("%w (%s)", ErrDoctype, excerpt(b[i:]))
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	d.CharsetReader = charsetReader
	names := map[string]string{} // interned element names: notices repeat a few hundred names
	intern := func(s string) string {
		if v, ok := names[s]; ok {
			return v
		}
		names[s] = s
		return s
	}
	var root *node
	var stack []*node
	var text [][]byte // char data of each open element
	items := 0        // elements and attributes so far
	for {
		// RawToken: no namespace translation (only local names are kept),
		// far fewer allocations; end tags are matched below instead.
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, xmlSyntaxError(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) >= maxDepth {
				return nil, fmt.Errorf("%w: plus de %d niveaux d'éléments XML", ErrTooDeep, maxDepth)
			}
			if items += 1 + len(t.Attr); maxElements > 0 && items > maxElements {
				return nil, fmt.Errorf("%w: plus de %d éléments et attributs XML", ErrTooMany, maxElements)
			}
			if root != nil && len(stack) == 0 {
				line, _ := d.InputPos()
				return nil, fmt.Errorf("%w: XML mal formé à la ligne %d : élément <%s> après la fin du document (plusieurs éléments racine)", ErrMalformed, line, t.Name.Local)
			}
			n := &node{name: intern(t.Name.Local)}
			for _, a := range t.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				n.attrs = append(n.attrs, attr{name: a.Name.Local, value: a.Value})
			}
			if len(stack) == 0 {
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
			text = append(text, nil)
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1].name != t.Name.Local {
				line, _ := d.InputPos()
				open := ""
				if len(stack) > 0 {
					open = " (l'élément ouvert est <" + stack[len(stack)-1].name + ">)"
				}
				return nil, fmt.Errorf("%w: XML mal formé à la ligne %d : balise fermante </%s> inattendue%s", ErrMalformed, line, t.Name.Local, open)
			}
			n := stack[len(stack)-1]
			n.text = strings.TrimSpace(string(text[len(text)-1]))
			stack = stack[:len(stack)-1]
			text = text[:len(text)-1]
		case xml.CharData:
			if len(text) > 0 {
				text[len(text)-1] = append(text[len(text)-1], t...)
			}
		case xml.Directive:
			return nil, fmt.Errorf("%w (<!%s>)", ErrDoctype, excerpt(t))
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: XML: aucun élément", ErrMalformed)
	}
	if len(stack) > 0 {
		line, _ := d.InputPos()
		return nil, fmt.Errorf("%w: XML mal formé à la ligne %d : %s, avant la fin de l'élément <%s>", ErrMalformed, line, truncated, stack[len(stack)-1].name)
	}
	return root, nil
}

// charsetReader accepts the Latin encodings older BOAMP files declare.
// ISO-8859-1 is read as Windows-1252, as browsers do (WHATWG Encoding):
// files that say Latin-1 use its bytes 0x80–0x9F for « ’ », « € », « œ »,
// never for the control characters ISO-8859-1 puts there.
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "windows-1252", "cp1252", "us-ascii", "ascii":
		return charmap.Windows1252.NewDecoder().Reader(in), nil
	case "iso-8859-15", "latin9":
		return charmap.ISO8859_15.NewDecoder().Reader(in), nil
	}
	return nil, &charsetError{label}
}

// charsetError is the refusal of an encoding an XML declaration names;
// encoding/xml wraps it in English, xmlSyntaxError takes it out.
type charsetError struct{ label string }

func (e *charsetError) Error() string {
	return ErrEncoding.Error() + ": encodage « " + e.label + " » déclaré par le document, non pris en charge (UTF-8, UTF-16, ISO-8859-1, ISO-8859-15 ou Windows-1252)"
}

func (e *charsetError) Unwrap() error { return ErrEncoding }

// indexFold finds an ASCII marker in b, ignoring case.
func indexFold(b []byte, marker string) int {
	m := []byte(marker)
	for i := 0; i+len(m) <= len(b); i++ {
		if b[i] == '<' && bytes.EqualFold(b[i:i+len(m)], m) {
			return i
		}
	}
	return -1
}

// excerpt quotes the start of a piece of input for an error message.
func excerpt(b []byte) string {
	const max = 60
	s := string(b)
	if len(s) > max {
		s = s[:max] + "…"
	}
	return fmt.Sprintf("%q", s)
}
