package feed

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
	"github.com/mmcdole/gofeed"
)

var (
	published = time.Date(2026, 11, 30, 9, 15, 0, 0, time.UTC)
	deadline  = time.Date(2026, 12, 18, 11, 0, 0, 0, time.UTC)
)

func sampleCalendar() Calendar {
	return Calendar{ProdID: "-//Fabrique//Alertes//FR", Name: "Menuiserie, Normandie ; bois", Refresh: 6 * time.Hour,
		Events: []Event{
			{UID: "boamp:26-12345@fabrique.test", Stamp: published, Start: deadline.Add(-time.Hour), End: deadline,
				Summary:     "Clôture : Restauration des menuiseries; lot 2, \"bois\" \\ chêne",
				Description: "Acheteur : Mairie de Rouen\nValeur : 150 000 €\n" + strings.Repeat("Fenêtres à la française en chêne massif, ", 6),
				Location:    "Rouen (76)", URL: "https://fabrique.test/appels-d-offres/boamp:26-12345", Sequence: 2,
				Categories: []string{"travaux", "lots, 2"}},
			{UID: "ted:2026-1@fabrique.test", Stamp: published, Start: deadline, Summary: "Annulé : fournitures", Cancelled: true},
		}}
}

func writeCal(t testing.TB, c Calendar) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteICal(&b, c); err != nil {
		t.Fatalf("WriteICal: %v", err)
	}
	return b.Bytes()
}

// checkLines verifies the RFC 5545 line rules a lenient parser would not:
// CRLF only, at most 75 octets, never a split UTF-8 sequence.
func checkLines(t testing.TB, out []byte) {
	t.Helper()
	if !bytes.HasSuffix(out, []byte("\r\n")) {
		t.Fatalf("the calendar does not end with CRLF")
	}
	lines := bytes.Split(out[:len(out)-2], []byte("\r\n"))
	for i, l := range lines {
		if bytes.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > maxLineOctets {
			t.Errorf("line %d has %d octets (> 75): %q", i+1, len(l), l)
		}
		if !utf8.Valid(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, l)
		}
	}
}

func TestWriteICal(t *testing.T) {
	c := sampleCalendar()
	out := writeCal(t, c)
	checkLines(t, out)
	if !bytes.Equal(out, writeCal(t, c)) {
		t.Errorf("two writes of the same calendar differ")
	}
	if !bytes.Contains(out, []byte("\r\n ")) {
		t.Errorf("the long description was not folded:\n%s", out)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, out)
	}
	events := cal.Events()
	if len(events) != len(c.Events) {
		t.Fatalf("got %d events, want %d", len(events), len(c.Events))
	}
	prop := func(e *ics.VEvent, p ics.ComponentProperty) string {
		if v := e.GetProperty(p); v != nil {
			return v.Value
		}
		return ""
	}
	for i, want := range c.Events {
		e := events[i]
		t.Run(want.UID, func(t *testing.T) {
			if e.Id() != want.UID {
				t.Errorf("UID = %q, want %q", e.Id(), want.UID)
			}
			for _, tt := range []struct {
				name string
				p    ics.ComponentProperty
				want string
			}{
				{"summary", ics.ComponentPropertySummary, want.Summary},
				{"description", ics.ComponentPropertyDescription, want.Description},
				{"location", ics.ComponentPropertyLocation, want.Location},
			} {
				if got := prop(e, tt.p); got != tt.want { // the parser unescapes TEXT
					t.Errorf("%s = %q, want %q", tt.name, got, tt.want)
				}
			}
			start, err := e.GetStartAt()
			if err != nil || !start.Equal(want.Start) {
				t.Errorf("DTSTART = %v (%v), want %v", start, err, want.Start)
			}
			stamp, err := e.GetDtStampTime()
			if err != nil || !stamp.Equal(want.Stamp) {
				t.Errorf("DTSTAMP = %v (%v), want %v", stamp, err, want.Stamp)
			}
			status := "CONFIRMED"
			if want.Cancelled {
				status = "CANCELLED"
			}
			if got := prop(e, ics.ComponentPropertyStatus); got != status {
				t.Errorf("STATUS = %q, want %q", got, status)
			}
			if got := prop(e, ics.ComponentPropertySequence); got != strconv.Itoa(want.Sequence) {
				t.Errorf("SEQUENCE = %q, want %d", got, want.Sequence)
			}
		})
	}
	if !bytes.Contains(out, []byte("\r\nCATEGORIES:travaux,lots\\, 2\r\n")) {
		t.Errorf("CATEGORIES not written as travaux,lots\\, 2:\n%s", out)
	}
}

func TestWriteICalRefuses(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    Calendar
	}{
		{"no PRODID", Calendar{}},
		{"event without UID", Calendar{ProdID: "x", Events: []Event{{Start: deadline}}}},
		{"event without start", Calendar{ProdID: "x", Events: []Event{{UID: "a"}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := WriteICal(&bytes.Buffer{}, tt.c); err == nil {
				t.Errorf("WriteICal accepted %+v", tt.c)
			}
		})
	}
}

func TestWriteLineFolding(t *testing.T) {
	for _, tt := range []struct {
		name, line string
	}{
		{"short", "SUMMARY:court"},
		{"exactly 75", "X:" + strings.Repeat("a", 73)},
		{"76 octets", "X:" + strings.Repeat("a", 74)},
		{"accents on the fold", "X:" + strings.Repeat("é", 100)},
		{"four-octet runes", "X:" + strings.Repeat("𝄞", 60)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			writeLine(&b, tt.line)
			checkLines(t, b.Bytes())
			unfolded := strings.ReplaceAll(strings.TrimSuffix(b.String(), "\r\n"), "\r\n ", "")
			if unfolded != tt.line {
				t.Errorf("unfolded = %q, want %q", unfolded, tt.line)
			}
		})
	}
}

func FuzzICalText(f *testing.F) {
	for _, s := range []string{"", "a;b,c\\d\ne", "Fenêtres « bois »", strings.Repeat("é;", 80), "\r\n\t\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip()
		}
		out := writeCal(t, Calendar{ProdID: "p", Events: []Event{{UID: "u", Start: deadline, Stamp: published, Summary: "x" + s}}})
		checkLines(t, out)
		cal, err := ics.ParseCalendar(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		got := cal.Events()[0].GetProperty(ics.ComponentPropertySummary).Value
		if want := "x" + expectedText(s); got != want {
			t.Errorf("summary = %q, want %q", got, want)
		}
	})
}

// expectedText is what a TEXT value holds after escaping: CRLF and CR as
// LF, tabs as spaces, other control characters dropped.
func expectedText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\t':
			return ' '
		case r == '\n':
			return r
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}

func TestWriteAtom(t *testing.T) {
	f := AtomFeed{ID: "tag:fabrique.test,2026:alertes/42", Title: "Alerte « Menuiserie » & bois", Subtitle: "Appels d'offres choisis",
		Link: "https://fabrique.test/compte/alertes/42", Self: "https://fabrique.test/alertes/flux/secret.atom", Author: "Fabrique",
		Entries: []Entry{
			{ID: "tag:fabrique.test,2026:appels-d-offres/boamp:1", Title: "Menuiseries <script>alert(1)</script>",
				Link: "https://fabrique.test/appels-d-offres/boamp:1", Summary: "Acheteur : A & B\nClôture : 18 décembre",
				Published: published, Updated: published.Add(48 * time.Hour)},
			{ID: "tag:fabrique.test,2026:appels-d-offres/ted:2", Title: "Fournitures", Link: "https://fabrique.test/appels-d-offres/ted:2",
				Published: published},
		}}
	var b bytes.Buffer
	if err := WriteAtom(&b, f); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := WriteAtom(&again, f); err != nil || !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Errorf("two writes of the same feed differ (%v)", err)
	}
	parsed, err := gofeed.NewParser().ParseString(b.String())
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, b.String())
	}
	if parsed.FeedType != "atom" || parsed.Title != f.Title {
		t.Errorf("feed = %s %q, want atom %q", parsed.FeedType, parsed.Title, f.Title)
	}
	if len(parsed.Items) != 2 {
		t.Fatalf("got %d entries, want 2", len(parsed.Items))
	}
	e := parsed.Items[0]
	for _, tt := range []struct{ name, got, want string }{
		{"id", e.GUID, f.Entries[0].ID},
		{"title", e.Title, f.Entries[0].Title},
		{"link", e.Link, f.Entries[0].Link},
		{"summary", e.Description, "Acheteur : A &amp; B<br>Clôture : 18 décembre"},
		{"feed link", parsed.Link, f.Link},
		{"feed id", parsed.FeedLink, f.Self},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if e.UpdatedParsed == nil || !e.UpdatedParsed.Equal(f.Entries[0].Updated) || e.PublishedParsed == nil || !e.PublishedParsed.Equal(published) {
		t.Errorf("dates = %v / %v, want %v / %v", e.UpdatedParsed, e.PublishedParsed, f.Entries[0].Updated, published)
	}
	if parsed.UpdatedParsed == nil || !parsed.UpdatedParsed.Equal(f.Entries[0].Updated) {
		t.Errorf("feed updated = %v, want the newest entry's %v", parsed.UpdatedParsed, f.Entries[0].Updated)
	}
	if strings.Contains(b.String(), "<script>") {
		t.Errorf("a title's markup was written unescaped")
	}
	if err := WriteAtom(&b, AtomFeed{Title: "x"}); err == nil {
		t.Errorf("WriteAtom accepted a feed without id")
	}
}
