package crawler

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
)

// Sitemap is a parsed sitemap.xml: page URLs, or (for a sitemap index)
// further sitemaps.
type Sitemap struct {
	URLs     []string
	Sitemaps []string
}

// maxSitemapEntries is the protocol's limit per file.
const maxSitemapEntries = 50000

// looksLikeSitemap tells a sitemap from an HTML page without parsing it.
func looksLikeSitemap(body []byte) bool {
	head := body[:min(len(body), 1024)]
	return bytes.Contains(head, []byte("<urlset")) || bytes.Contains(head, []byte("<sitemapindex"))
}

// ParseSitemap reads a sitemap or sitemap index (sitemaps.org 0.9),
// keeping absolute http(s) URLs only.
func ParseSitemap(body []byte) (*Sitemap, error) {
	var doc struct {
		XMLName xml.Name
		URLs    []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
		Sitemaps []struct {
			Loc string `xml:"loc"`
		} `xml:"sitemap"`
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%w: sitemap: %v", ErrParse, err)
	}
	if doc.XMLName.Local != "urlset" && doc.XMLName.Local != "sitemapindex" {
		return nil, fmt.Errorf("%w: sitemap: root element <%s>", ErrParse, doc.XMLName.Local)
	}
	sm := &Sitemap{}
	keep := func(loc string) (string, bool) {
		loc = strings.TrimSpace(loc)
		u, err := url.Parse(loc)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", false
		}
		u.Fragment = ""
		return u.String(), true
	}
	for _, x := range doc.URLs {
		if u, ok := keep(x.Loc); ok && len(sm.URLs) < maxSitemapEntries {
			sm.URLs = append(sm.URLs, u)
		}
	}
	for _, x := range doc.Sitemaps {
		if u, ok := keep(x.Loc); ok && len(sm.Sitemaps) < maxSitemapEntries {
			sm.Sitemaps = append(sm.Sitemaps, u)
		}
	}
	return sm, nil
}
