package notice

import (
	"bytes"
	"fmt"
)

// csvScanner cuts a CSV input into records, the way encoding/csv does with
// LazyQuotes (a quote inside a field is kept as it is; a quoted field may
// hold separators and newlines, "" stands for one quote), but so that a
// broken quote loses one line instead of the rest of the file.
//
// With encoding/csv an unclosed quote (« ,"MAIRIE non fermée,8206… »)
// swallows the following lines into one field until some later quote
// happens to close it: the rows in between vanish without an error. Here a
// record that spans several lines is accepted only when it looks like a
// real quoted newline (a description written on two lines): its quoted
// field closes, holds no stray quote, holds no line that is a whole row on
// its own, and the record has the header's number of fields. Otherwise the
// record is reported as broken and the scan resumes at the line after its
// first one, so only the broken line is lost.
type csvScanner struct {
	b      []byte
	comma  byte
	header []string // the header's fields; nil while reading it
	fields int      // len(header)
	pos    int      // start of the next record
	line   int      // line number of the next record (1-based)
}

// csvRow is one record of the input. Err, when set, says why the record
// was not read (a broken quote, a wrong number of fields) and Fields is
// then nil.
type csvRow struct {
	Line   int
	Fields []string
	Err    error
}

// next returns the next record; false at the end of the input. Blank
// lines are skipped, as encoding/csv does.
func (s *csvScanner) next() (csvRow, bool) {
	for s.pos < len(s.b) {
		start, line := s.pos, s.line
		rec, end, newlines, broken := s.scan(start)
		if broken != "" {
			// Resume at the next physical line: only this line is lost.
			first := bytes.IndexByte(s.b[start:], '\n')
			if first < 0 {
				s.pos = len(s.b)
			} else {
				s.pos = start + first + 1
			}
			s.line = line + 1
			return csvRow{Line: line, Err: fmt.Errorf("%w: %s", ErrMalformed, broken)}, true
		}
		s.pos, s.line = end, line+1+newlines
		if len(rec) == 1 && rec[0] == "" { // blank line
			continue
		}
		if s.fields > 0 && len(rec) != s.fields {
			return csvRow{Line: line, Err: rejectf("%d champs au lieu des %d de l'en-tête (séparateur en trop ou manquant) : ligne écartée",
				len(rec), s.fields)}, true
		}
		return csvRow{Line: line, Fields: rec}, true
	}
	return csvRow{}, false
}

// scan reads the record starting at start: its fields, the offset after
// it, how many newlines its quoted fields hold, and why it is broken ("" if
// it is not).
func (s *csvScanner) scan(start int) (rec []string, end, newlines int, broken string) {
	b, comma := s.b, s.comma
	var field []byte
	quoted := false              // inside a quoted field
	fieldStart := true           // at the first byte of a field
	stray := false               // a quote inside a quoted field that neither closes it nor is doubled
	openedAt, openField := -1, 0 // where the last quoted field opened, and its index
	i := start
	for i < len(b) {
		c := b[i]
		if quoted {
			switch {
			case c == '"' && i+1 < len(b) && b[i+1] == '"':
				field = append(field, '"')
				i += 2
				continue
			case c == '"' && closesQuote(b, i+1, comma):
				quoted = false
			case c == '"':
				stray = true
				field = append(field, c)
			case c == '\r' && i+1 < len(b) && b[i+1] == '\n':
				// \r\n inside a quoted field reads as \n, as in encoding/csv.
			case c == '\n':
				newlines++
				field = append(field, c)
			default:
				field = append(field, c)
			}
			i++
			continue
		}
		switch {
		case c == '"' && fieldStart:
			quoted, fieldStart = true, false
			openedAt, openField = i, len(rec)
		case c == comma:
			rec = append(rec, string(field))
			field, fieldStart = field[:0], true
		case c == '\n':
			i++
			rec = append(rec, string(bytes.TrimSuffix(field, []byte("\r"))))
			return rec, i, newlines, s.checkMultiline(rec, start, i, newlines, stray, openedAt, openField)
		default:
			field, fieldStart = append(field, c), false
		}
		i++
	}
	if quoted {
		return nil, i, newlines, s.unclosed(openedAt, openField)
	}
	rec = append(rec, string(bytes.TrimSuffix(field, []byte("\r"))))
	return rec, i, newlines, s.checkMultiline(rec, start, i, newlines, stray, openedAt, openField)
}

// closesQuote reports whether a quote followed by b[j:] ends a quoted
// field: a separator, the end of the line or of the input follows it.
func closesQuote(b []byte, j int, comma byte) bool {
	return j >= len(b) || b[j] == comma || b[j] == '\n' || (b[j] == '\r' && (j+1 >= len(b) || b[j+1] == '\n'))
}

// checkMultiline tells why a record that spans several lines is a quote
// left open rather than a quoted newline; "" when it is fine.
func (s *csvScanner) checkMultiline(rec []string, start, end, newlines int, stray bool, openedAt, openField int) string {
	if newlines == 0 || s.fields == 0 {
		return ""
	}
	switch {
	case stray, len(rec) != s.fields:
		return s.unclosed(openedAt, openField)
	}
	// A line inside the record that has a whole row's separators is a row
	// the open quote swallowed.
	lines := bytes.Split(s.b[start:end], []byte("\n"))
	for _, l := range lines[1 : len(lines)-1] {
		if bytes.Count(l, []byte{s.comma}) >= s.fields-1 {
			return s.unclosed(openedAt, openField)
		}
	}
	return ""
}

// unclosed words a quote left open, naming the field and quoting the line
// from the quote on.
func (s *csvScanner) unclosed(openedAt, field int) string {
	rest := s.b[openedAt:]
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	name := ""
	if field < len(s.header) {
		name = " du champ " + s.header[field]
	}
	return fmt.Sprintf("guillemet non fermé%s (%s) : ligne écartée, les suivantes sont lues", name, quoteFR(string(rest)))
}
