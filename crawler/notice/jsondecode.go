package notice

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// decodeJSON decodes JSON keeping numbers as json.Number (amounts and codes
// keep their digits), refusing nesting deeper than maxDepth and more than
// maxContainers objects and arrays (0: no limit) before anything is built.
func decodeJSON(b []byte, maxDepth, maxContainers int) (any, error) {
	if err := checkJSONDepth(b, maxDepth, maxContainers); err != nil {
		return nil, err
	}
	b = quoteNonFinite(b)
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, jsonSyntaxError(b, err)
	}
	// What follows the document (a second one, as in JSON Lines) would be
	// lost without a word.
	end := d.InputOffset()
	if _, err := d.Token(); err != io.EOF {
		rest := b[end:]
		line, col := position(b, end+int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n"))))
		return nil, fmt.Errorf("%w: JSON mal formé à la ligne %d, colonne %d : données après la fin du document (un seul document JSON par fichier)", ErrMalformed, line, col)
	}
	return v, nil
}

// quoteNonFinite turns the bare NaN and Infinity that pandas exports write
// (not JSON) into strings, so that the file parses and the field is
// flagged as unreadable instead of the whole file being refused.
func quoteNonFinite(b []byte) []byte {
	if !bytes.Contains(b, []byte("NaN")) && !bytes.Contains(b, []byte("Infinity")) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	inStr, esc := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inStr {
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			out = append(out, c)
			continue
		}
		if c == '"' {
			inStr = true
			out = append(out, c)
			continue
		}
		matched := false
		for _, word := range []string{"NaN", "-Infinity", "Infinity"} {
			if bytes.HasPrefix(b[i:], []byte(word)) {
				out = append(out, '"')
				out = append(out, word...)
				out = append(out, '"')
				i += len(word) - 1
				matched = true
				break
			}
		}
		if !matched {
			out = append(out, c)
		}
	}
	return out
}

// checkJSONDepth scans brackets outside strings, cheaper than decoding.
// It also counts the objects and arrays: each costs a map or a slice once
// decoded, so their number bounds the memory of the decoded tree.
func checkJSONDepth(b []byte, maxDepth, maxContainers int) error {
	depth, inStr, esc, containers := 0, false, false, 0
	for _, c := range b {
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			depth++
			if depth > maxDepth {
				return fmt.Errorf("%w: plus de %d niveaux JSON", ErrTooDeep, maxDepth)
			}
			if containers++; maxContainers > 0 && containers > maxContainers {
				return fmt.Errorf("%w: plus de %d objets et tableaux JSON", ErrTooMany, maxContainers)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

// scalar renders a JSON scalar as text; null and containers give "".
func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	case float64:
		return fmt.Sprint(x)
	}
	return ""
}

// Small accessors over decoded JSON objects.

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func arr(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case nil:
		return nil
	default:
		return []any{x} // a lone object where a list was expected
	}
}

// sval returns m[key] as trimmed text ("" when absent or not a scalar).
func sval(m map[string]any, key string) string {
	return strings.TrimSpace(scalar(m[key]))
}
