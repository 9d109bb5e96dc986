package crawler

import "fmt"

// maxSitemapDepth bounds the chain of sitemap indexes followed from a
// start URL. The protocol allows one level (an index lists sitemaps, not
// other indexes); a little leeway serves sites that nest once more, and a
// hostile chain ends here instead of forty levels down.
const maxSitemapDepth = 3

// FailSitemapDepth is a sitemap index nested deeper than maxSitemapDepth:
// its sitemaps are not followed.
const FailSitemapDepth = "sitemap_depth"

// boundSitemapDepth records the depth of the sitemaps a sitemap index at u
// lists, and drops them when the index is already maxSitemapDepth deep;
// the source is then incomplete (listings behind it may be missed).
func (c *crawl) boundSitemapDepth(s *sourceRun, u string, sm *Sitemap) {
	if len(sm.Sitemaps) == 0 {
		return
	}
	if s.sitemapDepth == nil {
		s.sitemapDepth = map[string]int{}
	}
	depth := s.sitemapDepth[u]
	if depth >= maxSitemapDepth {
		c.fail(u, FailSitemapDepth, fmt.Sprintf("index de sitemaps imbriqué à plus de %d niveaux : ses %d sitemaps ne sont pas suivis",
			maxSitemapDepth, len(sm.Sitemaps)))
		s.complete = false
		sm.Sitemaps = nil
		return
	}
	for _, loc := range sm.Sitemaps {
		if _, known := s.sitemapDepth[loc]; !known {
			s.sitemapDepth[loc] = depth + 1
		}
	}
}
