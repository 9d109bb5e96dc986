package crawler

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"

	"fabrique/data"
)

// parseHTML parses a page; the HTML5 parser recovers from any markup, so
// broken pages still give a document (and perhaps no record).
func parseHTML(body []byte) (*goquery.Document, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: HTML: %v", ErrParse, err)
	}
	return doc, nil
}

// htmlExtractor reads records from HTML pages with CSS selectors.
type htmlExtractor struct {
	def    *Definition
	fields *fieldSet
}

func newHTMLExtractor(d *Definition) (*htmlExtractor, error) {
	fs, err := compileFields(d.Records.Fields)
	if err != nil {
		return nil, err
	}
	for _, r := range d.Records.Fields {
		if r.Selector != "" {
			if _, err := compileSelector(r.Selector); err != nil {
				return nil, fmt.Errorf("crawler: source %s: field %s: %w", d.Name, r.Field, err)
			}
		}
	}
	if _, err := compileSelector(d.Records.Selector); err != nil {
		return nil, fmt.Errorf("crawler: source %s: records: %w", d.Name, err)
	}
	return &htmlExtractor{def: d, fields: fs}, nil
}

// compileSelector checks a CSS selector: goquery silently matches nothing
// with a broken one, which would look like an empty directory.
func compileSelector(sel string) (cascadia.SelectorGroup, error) {
	g, err := cascadia.ParseGroup(sel)
	if err != nil {
		return nil, fmt.Errorf("CSS selector %q: %v: %w", sel, err, data.ErrInvalid)
	}
	return g, nil
}

// extract returns the records of a page. Scripts and styles are removed
// first: their content is never a company's text.
func (x *htmlExtractor) extract(doc *goquery.Document, pageURL string) []Record {
	doc.Find("script, style, noscript, template").Remove()
	base := baseOf(doc, pageURL)
	var recs []Record
	doc.Find(x.def.Records.Selector).Each(func(_ int, el *goquery.Selection) {
		rec := Record{}
		for i, r := range x.fields.rules {
			if r.Template != "" {
				continue
			}
			sel := el
			if r.Selector != "" {
				sel = el.Find(r.Selector)
			}
			var values []string
			sel.Each(func(_ int, n *goquery.Selection) {
				if r.Attr != "" {
					if v, ok := n.Attr(r.Attr); ok {
						if r.Attr == "href" || r.Attr == "src" {
							v = resolve(base, v)
						}
						values = append(values, v)
					}
					return
				}
				values = append(values, n.Text())
			})
			x.fields.add(rec, i, values)
		}
		x.fields.templates(rec, x.def.BaseURL, pageURL)
		if len(rec) > 0 {
			recs = append(recs, rec)
		}
	})
	return recs
}

// baseOf returns the URL relative links resolve against (<base href>).
func baseOf(doc *goquery.Document, pageURL string) *url.URL {
	base, _ := url.Parse(pageURL)
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok && base != nil {
		if b, err := base.Parse(strings.TrimSpace(href)); err == nil {
			return b
		}
	}
	return base
}

// resolve makes a link absolute; "" when it is not an http(s) URL.
func resolve(base *url.URL, href string) string {
	href = strings.TrimSpace(href)
	if href == "" || base == nil {
		return ""
	}
	u, err := base.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	u.Fragment = ""
	return u.String()
}

// linkRules are a definition's follow rules, compiled.
type linkRules struct {
	follow   []Follow
	patterns []*regexp.Regexp
	froms    []*regexp.Regexp
	next     string
}

func compileLinks(d *Definition) (*linkRules, error) {
	lr := &linkRules{follow: d.Follow, next: d.Pagination.Next}
	for _, f := range d.Follow {
		p, err := d.compilePattern(f.Pattern)
		if err != nil {
			return nil, err
		}
		from, err := regexp.Compile(f.From)
		if err != nil {
			return nil, err
		}
		if f.Selector != "" {
			if _, err := compileSelector(f.Selector); err != nil {
				return nil, err
			}
		}
		lr.patterns = append(lr.patterns, p)
		lr.froms = append(lr.froms, from)
	}
	if lr.next != "" {
		if _, err := compileSelector(lr.next); err != nil {
			return nil, err
		}
	}
	return lr, nil
}

// htmlLinks returns the absolute URLs a page leads to, in page order,
// without duplicates.
func (lr *linkRules) htmlLinks(doc *goquery.Document, pageURL string) []string {
	base := baseOf(doc, pageURL)
	seen := map[string]bool{}
	var out []string
	add := func(u string) {
		if u != "" && !seen[u] && u != pageURL {
			seen[u] = true
			out = append(out, u)
		}
	}
	if lr.next != "" {
		doc.Find(lr.next).Each(func(_ int, s *goquery.Selection) {
			href, _ := s.Attr("href")
			add(resolve(base, href))
		})
	}
	for i, f := range lr.follow {
		if f.Selector == "" || !lr.froms[i].MatchString(pageURL) {
			continue
		}
		attr := f.Attr
		if attr == "" {
			attr = "href"
		}
		doc.Find(f.Selector).Each(func(_ int, s *goquery.Selection) {
			v, _ := s.Attr(attr)
			u := resolve(base, v)
			if u != "" && (lr.patterns[i] == nil || lr.patterns[i].MatchString(u)) {
				add(u)
			}
		})
	}
	return out
}

// sitemapLinks filters the <loc> entries of a sitemap by the sitemap
// follow rules; nested sitemaps are always followed.
func (lr *linkRules) sitemapLinks(sm *Sitemap, pageURL string) []string {
	var out []string
	seen := map[string]bool{}
	for _, loc := range sm.Sitemaps {
		if !seen[loc] {
			seen[loc] = true
			out = append(out, loc)
		}
	}
	for _, loc := range sm.URLs {
		for i, f := range lr.follow {
			if !f.Sitemap || !lr.froms[i].MatchString(pageURL) {
				continue
			}
			if (lr.patterns[i] == nil || lr.patterns[i].MatchString(loc)) && !seen[loc] {
				seen[loc] = true
				out = append(out, loc)
			}
		}
	}
	return out
}
