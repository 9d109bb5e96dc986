package notice

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// jsonNode turns the JSON rendering of an XML notice (BOAMP's "donnees"
// and "gestion") back into a node named rootName: object keys become
// elements (namespace prefixes dropped), arrays repeated elements, "@name"
// keys attributes and "#text" (or "$") the element's text. It reads tokens
// so that the order of keys, which XML converters keep, is kept too.
func jsonNode(b []byte, rootName string, maxDepth int) (*node, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	root := &node{name: rootName}
	if err := fillJSON(d, root, 0, maxDepth); err != nil {
		if errors.Is(err, ErrTooDeep) || errors.Is(err, ErrMalformed) {
			return nil, err
		}
		return nil, jsonSyntaxError(b, err) // the decoder's own error
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: JSON: données après la fin du document", ErrMalformed)
	}
	return root, nil
}

// fillJSON reads one JSON value into n (an object's members become n's
// children; a scalar becomes its text).
func fillJSON(d *json.Decoder, n *node, depth, maxDepth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: plus de %d niveaux JSON", ErrTooDeep, maxDepth)
	}
	tok, err := d.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t != '{' {
			return fmt.Errorf("%w: JSON: objet attendu", ErrMalformed)
		}
		return fillObject(d, n, depth, maxDepth)
	default:
		n.text = strings.TrimSpace(scalar(t))
	}
	return nil
}

// addMember adds the value of key to n: text, attribute, or child
// elements (one per item when the value is an array).
func addMember(d *json.Decoder, n *node, key string, depth, maxDepth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: plus de %d niveaux JSON", ErrTooDeep, maxDepth)
	}
	if !d.More() {
		return fmt.Errorf("%w: JSON: valeur manquante pour %q", ErrMalformed, key)
	}
	// Arrays repeat the element; anything else is one element.
	tok, err := d.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			for d.More() {
				if err := addItem(d, n, key, depth+1, maxDepth); err != nil {
					return err
				}
			}
			_, err := d.Token() // closing bracket
			if err != nil {
				return err
			}
			return nil
		case '{':
			k := &node{name: localName(key)}
			n.kids = append(n.kids, k)
			return fillObject(d, k, depth, maxDepth)
		}
		return fmt.Errorf("%w: JSON: délimiteur inattendu", ErrMalformed)
	default:
		s := strings.TrimSpace(scalar(t))
		switch {
		case key == "#text" || key == "$":
			n.text = s
		case strings.HasPrefix(key, "@"):
			n.attrs = append(n.attrs, attr{name: localName(key[1:]), value: s})
		default:
			n.kids = append(n.kids, &node{name: localName(key), text: s})
		}
		return nil
	}
}

// addItem adds one array item as a child named key.
func addItem(d *json.Decoder, n *node, key string, depth, maxDepth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: plus de %d niveaux JSON", ErrTooDeep, maxDepth)
	}
	tok, err := d.Token()
	if err != nil {
		return err
	}
	k := &node{name: localName(key)}
	n.kids = append(n.kids, k)
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return fillObject(d, k, depth, maxDepth)
		case '[': // nested arrays carry no XML meaning: flatten them
			n.kids = n.kids[:len(n.kids)-1]
			for d.More() {
				if err := addItem(d, n, key, depth+1, maxDepth); err != nil {
					return err
				}
			}
			if _, err := d.Token(); err != nil {
				return err
			}
			return nil
		}
		return fmt.Errorf("%w: JSON: délimiteur inattendu", ErrMalformed)
	default:
		k.text = strings.TrimSpace(scalar(t))
		return nil
	}
}

// fillObject reads the members of an object whose '{' was consumed.
func fillObject(d *json.Decoder, n *node, depth, maxDepth int) error {
	for d.More() {
		kt, err := d.Token()
		if err != nil {
			return err
		}
		key, _ := kt.(string)
		if err := addMember(d, n, key, depth+1, maxDepth); err != nil {
			return err
		}
	}
	if _, err := d.Token(); err != nil {
		return err
	}
	return nil
}
