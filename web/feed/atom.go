package feed

import (
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"strings"
	"time"

	"github.com/gorilla/feeds"
)

// AtomFeed is an Atom feed: its identity and its entries, newest first.
type AtomFeed struct {
	// ID is the feed's permanent, universally unique identifier (a tag:
	// URI); it must not reveal the feed's private address.
	ID       string
	Title    string
	Subtitle string
	// Link is the page of the feed for people (rel="alternate"); Self is
	// the feed's own address (rel="self").
	Link, Self string
	Author     string
	// Updated is the last time the feed changed; zero means the newest
	// entry's time.
	Updated time.Time
	Entries []Entry
}

// Entry is one item of an Atom feed.
type Entry struct {
	ID      string // permanent: a tag: URI or an absolute URL
	Title   string
	Link    string
	Summary string // plain text; escaped when written
	// Published is when the entry first appeared, Updated when it last
	// changed (Published when zero).
	Published, Updated time.Time
}

// WriteAtom writes f as an Atom 1.0 document.
func WriteAtom(w io.Writer, f AtomFeed) error {
	if f.ID == "" || f.Title == "" {
		return fmt.Errorf("feed: an Atom feed needs an id and a title")
	}
	g := &feeds.Feed{Title: f.Title, Description: f.Subtitle, Link: &feeds.Link{Href: f.Link}}
	if f.Author != "" {
		g.Author = &feeds.Author{Name: f.Author}
	}
	updated := f.Updated
	for _, e := range f.Entries {
		up := e.Updated
		if up.IsZero() {
			up = e.Published
		}
		if up.After(updated) {
			updated = up
		}
		g.Items = append(g.Items, &feeds.Item{Id: e.ID, Title: e.Title, Link: &feeds.Link{Href: e.Link},
			Description: textAsHTML(e.Summary), Created: e.Published.UTC(), Updated: up.UTC()})
	}
	if updated.IsZero() {
		updated = time.Unix(0, 0)
	}
	g.Updated = updated.UTC()
	a := (&feeds.Atom{Feed: g}).AtomFeed()
	for i, e := range f.Entries {
		if !e.Published.IsZero() {
			a.Entries[i].Published = e.Published.UTC().Format(time.RFC3339)
		}
	}
	doc := &atomDoc{Xmlns: a.Xmlns, Title: a.Title, ID: f.ID, Updated: a.Updated, Subtitle: a.Subtitle,
		Author: a.Author, Entries: a.Entries}
	if f.Link != "" {
		doc.Links = append(doc.Links, feeds.AtomLink{Href: f.Link, Rel: "alternate", Type: "text/html"})
	}
	if f.Self != "" {
		doc.Links = append(doc.Links, feeds.AtomLink{Href: f.Self, Rel: "self", Type: "application/atom+xml"})
	}
	x, err := feeds.ToXML(doc)
	if err != nil {
		return fmt.Errorf("feed: write Atom: %w", err)
	}
	_, err = io.WriteString(w, x)
	return err
}

// atomDoc is gorilla/feeds' AtomFeed with several links: the feed's page
// and its own address (rel="self", which RFC 4287 recommends), and the id
// given rather than the page's address.
type atomDoc struct {
	XMLName  xml.Name `xml:"feed"`
	Xmlns    string   `xml:"xmlns,attr"`
	Title    string   `xml:"title"`
	ID       string   `xml:"id"`
	Updated  string   `xml:"updated"`
	Subtitle string   `xml:"subtitle,omitempty"`
	Links    []feeds.AtomLink
	Author   *feeds.AtomAuthor  `xml:"author,omitempty"`
	Entries  []*feeds.AtomEntry `xml:"entry"`
}

// FeedXml makes atomDoc a feeds.XmlFeed.
func (d *atomDoc) FeedXml() any { return d }

// textAsHTML escapes plain text for an Atom summary of type "html" (what
// gorilla/feeds declares), keeping its line breaks.
func textAsHTML(s string) string {
	return strings.ReplaceAll(html.EscapeString(s), "\n", "<br>")
}
