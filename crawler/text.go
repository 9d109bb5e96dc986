package crawler

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// plainText reduces a value found on the web to plain text: markup is
// dropped (and the content of script, style and similar elements with
// it), entities are decoded and runs of white space collapse to one
// space. The web layer escapes it again when showing it.
func plainText(s string) string {
	if strings.ContainsAny(s, "<&") {
		s = stripMarkup(s)
	}
	return collapseSpace(s)
}

// invisible are the elements whose content is not text for people.
var invisible = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "iframe": true,
	"object": true, "svg": true, "head": true,
}

func stripMarkup(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0 // depth inside invisible elements
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			if invisible[string(name)] {
				skip++
			}
			b.WriteByte(' ') // "a<br>b" reads as two words
		case html.EndTagToken:
			name, _ := z.TagName()
			if invisible[string(name)] && skip > 0 {
				skip--
			}
			b.WriteByte(' ')
		case html.SelfClosingTagToken:
			b.WriteByte(' ')
		}
	}
}

// collapseSpace trims s and turns every run of white space (including
// no-break spaces) and control characters into a single space.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u00a0' || r == '\u202f' {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sentenceCase capitalises the first letter and lowercases the rest, so
// that "Mode et Beauté" and "Mode et beauté" become one category.
func sentenceCase(s string) string {
	s = collapseSpace(s)
	rs := []rune(strings.ToLower(s))
	if len(rs) > 0 {
		rs[0] = unicode.ToUpper(rs[0])
	}
	return string(rs)
}
