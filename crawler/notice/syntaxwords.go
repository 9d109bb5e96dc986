package notice

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"unicode/utf8"
)

// The syntax errors of encoding/json and encoding/xml are English and
// give JSON positions as byte offsets. The readers word them in French,
// with the line (and for JSON the column) where the input went wrong, so
// that a person can open the file there.

// wording turns one English message into French: the first pattern that
// matches the whole message is rewritten with its template ($1, $2: the
// pattern's groups).
type wording struct {
	re *regexp.Regexp
	fr string
}

func words(pairs ...string) []wording {
	out := make([]wording, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, wording{regexp.MustCompile("^" + pairs[i] + "$"), pairs[i+1]})
	}
	return out
}

// french returns the French of msg, or "" when no pattern knows it.
func french(table []wording, msg string) string {
	for _, w := range table {
		if w.re.MatchString(msg) {
			return w.re.ReplaceAllString(msg, w.fr)
		}
	}
	return ""
}

const truncated = "le document s'arrête au milieu (fichier tronqué ?)"

// jsonWords are encoding/json's syntax errors (scanner.go, stream.go).
var jsonWords = words(
	`unexpected end of JSON input`, truncated,
	`invalid character ('.+?') looking for beginning of value`, "caractère $1 inattendu là où une valeur est attendue",
	`invalid character ('.+?') looking for beginning of object key string`, "caractère $1 inattendu là où une clé entre guillemets est attendue",
	`invalid character ('.+?') after object key`, "« : » attendu après une clé, trouvé $1",
	`invalid character ('.+?') after object key:value pair`, "« , » ou « } » attendu après une valeur, trouvé $1",
	`invalid character ('.+?') after array element`, "« , » ou « ] » attendu après un élément de tableau, trouvé $1",
	`invalid character ('.+?') after top-level value`, "caractère $1 après la fin du document",
	`invalid character ('.+?') in string literal`, "caractère $1 interdit dans une chaîne (à échapper)",
	`invalid character ('.+?') in (string escape code|\\u hexadecimal character escape)`, "séquence d'échappement invalide dans une chaîne ($1)",
	`invalid character ('.+?') (in|after decimal point in|in exponent of) numeric literal`, "nombre mal écrit (caractère $1)",
	`invalid character ('.+?') in literal (true|false|null) \(expecting .+\)`, "mot $2 mal écrit (caractère $1)",
	`expected comma after array element`, "« , » ou « ] » attendu après un élément de tableau",
	`expected colon after object key`, "« : » attendu après une clé",
	`not at beginning of value`, "valeur attendue",
	`exceeded max depth`, "imbrication trop profonde",
)

// xmlWords are encoding/xml's syntax errors (xml.go).
var xmlWords = words(
	`unexpected EOF`, truncated,
	`unexpected EOF in CDATA section`, "le document s'arrête dans une section CDATA (fichier tronqué ?)",
	`invalid UTF-8`, "caractère UTF-8 invalide",
	`element <(.+)> closed by </(.+)>`, "élément <$1> fermé par </$2>",
	`element <(.+)> in space .+ closed by </(.+)> in space .*`, "élément <$1> fermé par </$2>",
	`unexpected end element </(.+)>`, "balise fermante </$1> inattendue",
	`expected element name after <`, "nom d'élément attendu après « < » (dans un texte, « < » s'écrit &lt;)",
	`expected element name after </`, "nom d'élément attendu après « </ »",
	`invalid character entity & \(no semicolon\)`, "« & » isolé (dans un texte, « & » s'écrit &amp;)",
	`invalid character entity (.+) \(no semicolon\)`, "entité $1 sans « ; » (dans un texte, « & » s'écrit &amp;)",
	`invalid character entity (.+)`, "entité $1 inconnue (dans un texte, « & » s'écrit &amp;)",
	`attribute name without = in element`, "attribut sans « = »",
	`unquoted or missing attribute value in element`, "valeur d'attribut absente ou sans guillemets",
	`expected attribute name in element`, "nom d'attribut attendu",
	`expected /> in element`, "« /> » attendu",
	`unescaped < inside quoted string`, "« < » dans une valeur d'attribut (s'écrit &lt;)",
	`unescaped \]\]> not in CDATA section`, "« ]]> » hors d'une section CDATA",
	`illegal character code (.+)`, "caractère interdit $1",
	`invalid XML name: (.*)`, "nom XML invalide « $1 »",
	`invalid characters between </(.+) and >`, "caractères inattendus dans la balise fermante </$1>",
	`expected target name after <\?`, "nom attendu après « <? »",
	`invalid sequence <!- not part of <!--`, "séquence « <!- » invalide (un commentaire s'ouvre par « <!-- »)",
	`invalid <!\[ sequence`, "séquence « <![ » invalide",
)

// jsonSyntaxError words an error of encoding/json over the input b.
func jsonSyntaxError(b []byte, err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		line, col := position(b, se.Offset-1)
		msg := french(jsonWords, se.Error())
		if msg == "" {
			return fmt.Errorf("%w: JSON mal formé à la ligne %d, colonne %d", ErrMalformed, line, col)
		}
		return fmt.Errorf("%w: JSON mal formé à la ligne %d, colonne %d : %s", ErrMalformed, line, col, msg)
	case len(bytes.TrimSpace(b)) == 0:
		return fmt.Errorf("%w: JSON: document vide", ErrMalformed)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		line, _ := position(b, int64(len(b)))
		return fmt.Errorf("%w: JSON mal formé à la ligne %d : %s", ErrMalformed, line, truncated)
	}
	return fmt.Errorf("%w: JSON: %v", ErrMalformed, err)
}

// xmlSyntaxError words an error of encoding/xml.
func xmlSyntaxError(err error) error {
	var se *xml.SyntaxError
	var ce *charsetError
	switch {
	case errors.As(err, &ce):
		return ce
	case errors.As(err, &se):
		if msg := french(xmlWords, se.Msg); msg != "" {
			return fmt.Errorf("%w: XML mal formé à la ligne %d : %s", ErrMalformed, se.Line, msg)
		}
		return fmt.Errorf("%w: XML mal formé à la ligne %d", ErrMalformed, se.Line)
	}
	return fmt.Errorf("%w: XML: %v", ErrMalformed, err)
}

// position returns the line and column (in characters, from 1) of the
// byte at offset off of b.
func position(b []byte, off int64) (line, col int) {
	off = max(0, min(off, int64(len(b))))
	before := b[:off]
	start := bytes.LastIndexByte(before, '\n') + 1
	return 1 + bytes.Count(before, []byte("\n")), 1 + utf8.RuneCount(before[start:])
}
