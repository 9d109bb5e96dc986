package observatory

import (
	"fmt"
	"strings"
	"time"

	"fabrique/data"
)

// Filter narrows the figures. The zero value keeps everything.
type Filter struct {
	Region      string         // COG code of a région, "84"
	Departement string         // "69", "2A", "971"
	Label       data.LabelType // suppliers holding (or having held) this label; awards won by its holders
	// From and To bound the period [From, To) of days (at 00:00 UTC, as
	// ParsePeriod returns them): tenders by the day of their publication,
	// awards of their notification, as the notices wrote it; history by
	// day. Zero: open.
	From, To time.Time
}

// Validate checks the codes against the reference data and the period's
// order, with French messages.
func (f Filter) Validate() error {
	if f.Region != "" {
		if _, ok := data.LookupRegion(f.Region); !ok {
			return invalid("region", f.Region, "code de région inconnu (par exemple 84 pour Auvergne-Rhône-Alpes)")
		}
	}
	if f.Departement != "" {
		d, ok := data.LookupDepartement(f.Departement)
		if !ok {
			return invalid("departement", f.Departement, "code de département inconnu (par exemple 69, 2A ou 971)")
		}
		if f.Region != "" && d.Region != f.Region {
			return invalid("departement", f.Departement, "le département "+f.Departement+" n'est pas dans la région "+f.Region)
		}
	}
	if f.Label != "" && !data.KnownLabel(f.Label) {
		return invalid("label", string(f.Label), "label inconnu : "+data.LabelsText())
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return invalid("period", "", "période vide : le début doit précéder la fin")
	}
	return nil
}

// place reports whether a département and région pass the filter.
func (f Filter) place(dep, region string) bool {
	if f.Departement != "" && !strings.EqualFold(dep, f.Departement) {
		return false
	}
	return f.Region == "" || region == f.Region
}

// during reports whether t's day, as the notice wrote it (dayNumber),
// lies in the period; an unknown date passes only an open period.
func (f Filter) during(t time.Time) bool {
	if f.From.IsZero() && f.To.IsZero() {
		return true
	}
	if t.IsZero() {
		return false
	}
	d := dayNumber(t)
	return (f.From.IsZero() || d >= dayNumber(f.From)) && (f.To.IsZero() || d < dayNumber(f.To))
}

// invalid is a validation error whose French message the pages and the API
// show as is.
func invalid(field, value, msg string) error {
	return fmt.Errorf("observatory: %w", &data.ValidationError{Field: field, Value: value, Message: msg})
}

// ParsePeriod reads a period as written in a URL: "2024", "2024-03",
// "2024-03-15", or two of those joined by ".." ("2024-01..2024-06", either
// side may be empty). The end is inclusive as written: "2024" is
// [2024-01-01, 2025-01-01).
func ParsePeriod(s string) (from, to time.Time, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, time.Time{}, nil
	}
	lo, hi, isRange := strings.Cut(s, "..")
	if !isRange {
		hi = lo
	}
	if lo != "" {
		if from, _, err = periodBounds(lo); err != nil {
			return time.Time{}, time.Time{}, err
		}
	}
	if hi != "" {
		if _, to, err = periodBounds(hi); err != nil {
			return time.Time{}, time.Time{}, err
		}
	}
	if !from.IsZero() && !to.IsZero() && !from.Before(to) {
		return time.Time{}, time.Time{}, invalid("period", s, "période vide : le début doit précéder la fin")
	}
	return from, to, nil
}

// periodBounds returns the first instant of a year, month or day and the
// first instant after it.
func periodBounds(s string) (time.Time, time.Time, error) {
	for _, l := range []struct {
		layout string
		next   func(time.Time) time.Time
	}{
		{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
		{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
		{"2006-01-02", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
	} {
		if len(s) != len(l.layout) {
			continue
		}
		if t, err := time.Parse(l.layout, s); err == nil {
			return t, l.next(t), nil
		}
	}
	return time.Time{}, time.Time{}, invalid("period", s, "période attendue sous la forme AAAA, AAAA-MM, AAAA-MM-JJ ou DÉBUT..FIN (par exemple 2024-01..2024-06)")
}
