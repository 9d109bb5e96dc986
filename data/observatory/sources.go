package observatory

import (
	"sort"
	"time"

	"fabrique/data"
)

// SourceHealth is the state of one source: a label directory that is
// crawled, or a feed of tenders or awards that is imported.
type SourceHealth struct {
	Source string `json:"source"`
	Kind   string `json:"kind"` // "directory", "tenders", "awards"

	// For a directory: its latest crawl and the listings it gave.
	LastRun    *RunSummary `json:"last_run,omitempty"`
	Runs       int         `json:"runs"`
	Listings   int         `json:"listings"`    // companies with a label from the source
	NotRefound int         `json:"not_refound"` // of which not found by its latest complete crawl
	// Ages are the listings by time since the source last showed them.
	Ages []Band `json:"ages"`

	// For a feed: what was imported.
	Imported     int       `json:"imported"`
	LastImported time.Time `json:"last_imported,omitzero"`
	First        time.Time `json:"first,omitzero"` // earliest publication / notification date
	Last         time.Time `json:"last,omitzero"`
	Defects      int       `json:"defects"`
}

// RunSummary is a crawl run as the health table shows it.
type RunSummary struct {
	ID           string         `json:"id"`
	Sources      []string       `json:"sources"`
	StartedAt    time.Time      `json:"started_at"`
	FinishedAt   time.Time      `json:"finished_at,omitzero"`
	Seconds      float64        `json:"seconds"`
	Complete     bool           `json:"complete"`
	Pages        int            `json:"pages"`
	NotModified  int            `json:"not_modified"`
	Failed       int            `json:"failed"`
	ErrorsByKind map[string]int `json:"errors_by_kind"`
	New          int            `json:"new"`
	Updated      int            `json:"updated"`
	Unchanged    int            `json:"unchanged"`
	NotRefound   int            `json:"not_refound"`
	// Errors are the run's error lines (URLs included): admin view only.
	Errors []data.CrawlError `json:"-"`
}

// ageBands are the bounds of the listings' age distribution.
var ageBands = []struct {
	label string
	max   time.Duration
}{
	{"moins de 8 jours", 8 * 24 * time.Hour},
	{"8 à 30 jours", 31 * 24 * time.Hour},
	{"1 à 3 mois", 92 * 24 * time.Hour},
	{"3 à 12 mois", 366 * 24 * time.Hour},
	{"plus d'un an", 1<<63 - 1},
}

// SourceHealth reports every source known from crawl runs, labels,
// tenders and awards, on day; directories first, then feeds, by name.
func (f *Facts) SourceHealth(day time.Time) []SourceHealth {
	dirs := map[string]*SourceHealth{}
	dir := func(name string) *SourceHealth {
		h := dirs[name]
		if h == nil {
			h = &SourceHealth{Source: name, Kind: "directory"}
			for _, b := range ageBands {
				h.Ages = append(h.Ages, Band{Label: b.label})
			}
			dirs[name] = h
		}
		return h
	}
	for i := range f.Runs { // newest first
		r := &f.Runs[i]
		for _, name := range r.Sources {
			h := dir(name)
			h.Runs++
			if h.LastRun == nil {
				h.LastRun = summarize(r)
			}
		}
	}
	for i := range f.Suppliers {
		s := &f.Suppliers[i]
		seen := map[string]bool{}
		for _, l := range s.Labels {
			if l.Source == "" || seen[l.Source] {
				continue
			}
			seen[l.Source] = true
			h := dir(l.Source)
			h.Listings++
			if !l.NotRefoundSince.IsZero() {
				h.NotRefound++
			}
			age := day.Sub(l.LastSeen)
			for b := range ageBands {
				if age < ageBands[b].max {
					h.Ages[b].Count++
					break
				}
			}
		}
	}
	out := make([]SourceHealth, 0, len(dirs)+len(f.TenderSources)+len(f.AwardSources))
	for _, name := range sortedKeys(dirs) {
		out = append(out, *dirs[name])
	}
	for _, feed := range []struct {
		kind string
		m    map[string]*ImportFacts
	}{{"tenders", f.TenderSources}, {"awards", f.AwardSources}} {
		for _, name := range sortedKeys(feed.m) {
			imp := feed.m[name]
			out = append(out, SourceHealth{Source: name, Kind: feed.kind, Ages: []Band{}, Imported: imp.Count,
				LastImported: imp.LastImported, First: imp.First, Last: imp.Last, Defects: imp.Defects})
		}
	}
	return out
}

func summarize(r *data.CrawlRun) *RunSummary {
	s := &RunSummary{ID: r.ID, Sources: append([]string{}, r.Sources...), StartedAt: r.StartedAt, FinishedAt: r.FinishedAt,
		Complete: r.Complete, Pages: r.PagesFetched, NotModified: r.PagesNotModified, ErrorsByKind: map[string]int{},
		New: r.ListingsNew, Updated: r.ListingsUpdated, Unchanged: r.ListingsUnchanged, NotRefound: r.ListingsNotRefound,
		Errors: r.Errors}
	if !r.FinishedAt.IsZero() {
		s.Seconds = r.FinishedAt.Sub(r.StartedAt).Seconds()
	}
	for kind, n := range r.PagesFailed {
		s.ErrorsByKind[kind] += n
		s.Failed += n
	}
	return s
}

// ErrorKinds returns the kinds of a run's errors, most frequent first.
func (r *RunSummary) ErrorKinds() []Band {
	out := make([]Band, 0, len(r.ErrorsByKind))
	for k, n := range r.ErrorsByKind {
		out = append(out, Band{Label: k, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Label < out[j].Label
	})
	return out
}
