package web

import (
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"fabrique/data"
)

// formatKm writes a distance the French way: "3,4 km" under 10 km, "12 km"
// beyond.
func formatKm(km float64) string {
	if km < 10 {
		return strings.Replace(strconv.FormatFloat(math.Round(km*10)/10, 'f', 1, 64), ".", ",", 1) + " km"
	}
	return formatNumber(int(math.Round(km))) + " km"
}

// distanceColumn says how far a company is in a column headed
// « Distance »: data.DistanceFR's words without their « à », « sur place »,
// « moins d'un km », « 12 km ».
func distanceColumn(km float64) string {
	return strings.TrimPrefix(data.DistanceFR(km), "à ")
}

// formatKmCSV writes a distance for a spreadsheet in French: decimal comma,
// no unit.
func formatKmCSV(km float64) string {
	return strings.Replace(strconv.FormatFloat(math.Round(km*10)/10, 'f', 1, 64), ".", ",", 1)
}

// frenchMonths are the month names, January first.
func frenchMonths() [12]string {
	return [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
		"août", "septembre", "octobre", "novembre", "décembre"}
}

// frenchDate writes a date as "1er mars 2026", "15 avril 2026"; "" for
// the zero time.
func frenchDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + frenchMonths()[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// isoDate is a date for the datetime attribute of <time>.
func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

const (
	markOpen  = "<mark>"
	markClose = "</mark>"
)

// markedHTML turns a highlighted fragment of the index (escaped text with
// <mark> around the matched words) into HTML that trusts nothing but the
// <mark> elements: every piece of text between them is unescaped and
// escaped again, so a fragment that was not escaped, or carried markup of
// its own, is shown as text.
func markedHTML(fragment string) template.HTML {
	var b strings.Builder
	open := false
	for rest := fragment; rest != ""; {
		i := strings.Index(rest, "<mark>")
		j := strings.Index(rest, "</mark>")
		tag, k := "", len(rest)
		if i >= 0 && (j < 0 || i < j) {
			tag, k = markOpen, i
		} else if j >= 0 {
			tag, k = markClose, j
		}
		b.WriteString(html.EscapeString(html.UnescapeString(rest[:k])))
		rest = rest[k:]
		switch {
		case tag == markOpen && !open:
			b.WriteString(markOpen)
			open = true
		case tag == markClose && open:
			b.WriteString(markClose)
			open = false
		}
		rest = rest[len(tag):]
	}
	if open {
		b.WriteString(markClose)
	}
	return template.HTML(b.String()) // #nosec: only <mark> elements are markup, see above
}
