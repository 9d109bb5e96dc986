package crawler

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"fabrique/data"
)

// Companies is implemented by a Sink that can list the companies already
// known, for the sources asked once per company (the official register).
// A sink without it gives such sources nothing to ask.
type Companies interface {
	// SIRENs returns the valid SIRENs of the stored companies, sorted.
	SIRENs(ctx context.Context) ([]string, error)
}

// sirenPlaceholder marks, in a start URL, where each company's SIREN goes.
const sirenPlaceholder = "{siren}"

// PerCompany reports whether the source is asked once per known company:
// its start URLs hold {siren}.
func (d *Definition) PerCompany() bool {
	for _, s := range d.Start {
		if strings.Contains(s, sirenPlaceholder) {
			return true
		}
	}
	return false
}

// companyURLs expands the start URLs once per SIREN the sink knows.
func (c *crawl) companyURLs(ctx context.Context, d *Definition) ([]string, error) {
	lister, ok := c.sink.(Companies)
	if !ok {
		return nil, nil
	}
	sirens, err := lister.SIRENs(ctx)
	if err != nil {
		return nil, fmt.Errorf("crawler: companies for %s: %w", d.Name, err)
	}
	var out []string
	for _, siren := range sirens {
		if data.ValidSIREN(siren) != nil {
			continue
		}
		for _, s := range d.StartURLs() {
			out = append(out, strings.ReplaceAll(s, sirenPlaceholder, url.QueryEscape(siren)))
		}
	}
	return out, nil
}
