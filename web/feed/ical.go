package feed

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Calendar is an iCalendar object (RFC 5545) of events.
type Calendar struct {
	// ProdID names the product that wrote the calendar (3.7.3).
	ProdID string
	// Name and Description are shown by calendar applications
	// (X-WR-CALNAME, X-WR-CALDESC, and NAME, DESCRIPTION of RFC 7986).
	Name, Description string
	// Refresh is how often clients should fetch the calendar again
	// (REFRESH-INTERVAL of RFC 7986, X-PUBLISHED-TTL); zero for none.
	Refresh time.Duration
	Events  []Event
}

// Event is one VEVENT.
type Event struct {
	// UID identifies the event across versions of the calendar: the same
	// tender keeps the same UID (3.8.4.7).
	UID string
	// Stamp is when the event's information was last revised (DTSTAMP,
	// 3.8.7.2: without a METHOD, the last revision time).
	Stamp      time.Time
	Start, End time.Time // written in UTC
	Summary    string
	// Description is plain text; line breaks are kept.
	Description string
	Location    string
	URL         string
	// Sequence is the revision number (3.8.7.4): bumped by each
	// correction, so that clients replace what they had.
	Sequence  int
	Cancelled bool // STATUS:CANCELLED, else CONFIRMED
	// Categories are plain words (3.8.1.2).
	Categories []string
}

// maxLineOctets is the longest content line before folding (3.1), CRLF
// excluded.
const maxLineOctets = 75

// WriteICal writes c as text/calendar: CRLF line ends, TEXT values
// escaped, lines folded at 75 octets without splitting a UTF-8 sequence.
func WriteICal(w io.Writer, c Calendar) error {
	if c.ProdID == "" {
		return fmt.Errorf("feed: a calendar needs a PRODID")
	}
	var b bytes.Buffer
	line := func(name, value string) { writeLine(&b, name+":"+value) }
	text := func(name, value string) {
		if value != "" {
			line(name, escapeText(value))
		}
	}
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	text("PRODID", c.ProdID)
	line("CALSCALE", "GREGORIAN")
	text("NAME", c.Name)
	text("X-WR-CALNAME", c.Name)
	text("DESCRIPTION", c.Description)
	text("X-WR-CALDESC", c.Description)
	if c.Refresh > 0 {
		d := durationValue(c.Refresh)
		line("REFRESH-INTERVAL;VALUE=DURATION", d)
		line("X-PUBLISHED-TTL", d)
	}
	for _, e := range c.Events {
		if e.UID == "" || e.Start.IsZero() {
			return fmt.Errorf("feed: event %q needs a UID and a start", e.Summary)
		}
		line("BEGIN", "VEVENT")
		text("UID", e.UID)
		line("DTSTAMP", utcValue(e.Stamp))
		line("DTSTART", utcValue(e.Start))
		if e.End.After(e.Start) {
			line("DTEND", utcValue(e.End))
		}
		line("SEQUENCE", strconv.Itoa(max(e.Sequence, 0)))
		if e.Cancelled {
			line("STATUS", "CANCELLED")
		} else {
			line("STATUS", "CONFIRMED")
		}
		line("TRANSP", "TRANSPARENT") // a deadline does not make anyone busy
		text("SUMMARY", e.Summary)
		text("DESCRIPTION", e.Description)
		text("LOCATION", e.Location)
		if e.URL != "" {
			line("URL", e.URL) // a URI value: not escaped (3.3.13)
		}
		if len(e.Categories) > 0 {
			parts := make([]string, len(e.Categories))
			for i, c := range e.Categories {
				parts[i] = escapeText(c)
			}
			line("CATEGORIES", strings.Join(parts, ","))
		}
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	_, err := w.Write(b.Bytes())
	return err
}

// utcValue is a DATE-TIME in UTC (3.3.5, form #2).
func utcValue(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format("20060102T150405Z")
}

// durationValue writes a positive duration (3.3.6) in whole minutes at
// least.
func durationValue(d time.Duration) string {
	mins := int(d / time.Minute)
	if mins < 1 {
		mins = 1
	}
	if mins%(24*60) == 0 {
		return "P" + strconv.Itoa(mins/(24*60)) + "D"
	}
	if mins%60 == 0 {
		return "PT" + strconv.Itoa(mins/60) + "H"
	}
	return "PT" + strconv.Itoa(mins) + "M"
}

// escapeText escapes a TEXT value (3.3.11): backslash, semicolon, comma
// and line breaks; other control characters, which TEXT may not hold, are
// dropped.
func escapeText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeLine writes one content line, folded (3.1): no line longer than 75
// octets, each continuation starting with a space, never inside a UTF-8
// sequence.
func writeLine(b *bytes.Buffer, l string) {
	limit := maxLineOctets
	for len(l) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(l[cut]) {
			cut--
		}
		b.WriteString(l[:cut])
		b.WriteString("\r\n ")
		l = l[cut:]
		limit = maxLineOctets - 1 // the leading space counts
	}
	b.WriteString(l)
	b.WriteString("\r\n")
}
