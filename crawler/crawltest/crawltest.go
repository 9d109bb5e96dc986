package crawltest

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"fabrique/crawler"
	"fabrique/data"
)

// Memory is an in-memory crawler.State and crawler.Sink.
type Memory struct {
	// Now is the clock stamped on merges and labels; nil means time.Now.
	Now func() time.Time

	mu        sync.Mutex
	suppliers map[string]data.Supplier
	bySIRET   map[string]string          // SIRET → id
	bySIREN   map[string]string          // SIREN → id
	byName    map[string]map[string]bool // normalised name|postcode → ids
	pages     map[string]data.PageState  // source|url
	runs      []data.CrawlRun
	upserts   int
}

// New returns an empty memory.
func New() *Memory {
	return &Memory{suppliers: map[string]data.Supplier{}, bySIRET: map[string]string{}, bySIREN: map[string]string{},
		byName: map[string]map[string]bool{}, pages: map[string]data.PageState{}}
}

func (m *Memory) now() time.Time {
	if m.Now != nil {
		return m.Now().UTC()
	}
	return time.Now().UTC()
}

// UpsertCrawled merges each listing into the stored company it matches.
func (m *Memory) UpsertCrawled(ctx context.Context, batch []data.Supplier, actor string) (crawler.UpsertCounts, error) {
	if err := ctx.Err(); err != nil {
		return crawler.UpsertCounts{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	var c crawler.UpsertCounts
	for _, s := range batch {
		m.upserts++
		existing, rule := m.find(s)
		if existing != nil && rule != "id" {
			src := actor
			if p, ok := s.Provenance[data.FieldName]; ok {
				src = p.Source
			}
			s.Merges = append(s.Merges, data.MergeRecord{Source: src, SourceKey: s.ID, Rule: rule, At: now})
		}
		merged, changed := data.MergeCrawled(existing, s, now)
		switch {
		case existing == nil:
			c.New++
		case changed:
			merged.ID, merged.CreatedAt = existing.ID, existing.CreatedAt
			c.Updated++
		default:
			merged.ID, merged.CreatedAt, merged.UpdatedAt = existing.ID, existing.CreatedAt, existing.UpdatedAt
			c.Unchanged++
		}
		m.suppliers[merged.ID] = merged
		m.index(merged)
	}
	return c, nil
}

// find returns the stored company a listing matches, and the rule, as
// the store does: by ID; by any SIRET; by SIREN (an establishment of the
// same company); by normalised name and postcode when exactly one company
// answers and their SIRENs do not differ.
func (m *Memory) find(s data.Supplier) (*data.Supplier, string) {
	if x, ok := m.suppliers[s.ID]; ok {
		return &x, "id"
	}
	for _, siret := range s.SIRETs() {
		if id, ok := m.bySIRET[siret]; ok {
			x := m.suppliers[id]
			return &x, "siren"
		}
	}
	if data.ValidSIREN(s.SIREN) == nil {
		if id, ok := m.bySIREN[s.SIREN]; ok {
			x := m.suppliers[id]
			return &x, "siren"
		}
	}
	name := data.NormalizeName(s.Name)
	match := ""
	for _, pc := range postcodes(s) {
		for id := range m.byName[name+"|"+pc] {
			x := m.suppliers[id]
			if data.NormalizeName(x.Name) != name || !contains(postcodes(x), pc) {
				continue // stale index entry
			}
			if match != "" && match != id {
				return nil, "" // two companies answer to this name here: do not guess
			}
			match = id
		}
	}
	if match == "" {
		return nil, ""
	}
	x := m.suppliers[match]
	if a, b := sirenOf(x), sirenOf(s); a != "" && b != "" && a != b {
		return nil, "" // same name, same town, another company
	}
	return &x, "name+postcode"
}

// index records a stored company under its SIRETs, SIREN and names.
func (m *Memory) index(s data.Supplier) {
	for _, siret := range s.SIRETs() {
		m.bySIRET[siret] = s.ID
		if len(siret) == 14 {
			m.bySIREN[siret[:9]] = s.ID
		}
	}
	name := data.NormalizeName(s.Name)
	for _, pc := range postcodes(s) {
		k := name + "|" + pc
		if m.byName[k] == nil {
			m.byName[k] = map[string]bool{}
		}
		m.byName[k][s.ID] = true
	}
}

func postcodes(s data.Supplier) []string {
	var out []string
	if s.Address.Postcode != "" {
		out = append(out, s.Address.Postcode)
	}
	for _, e := range s.Establishments {
		if e.Address.Postcode != "" && !contains(out, e.Address.Postcode) {
			out = append(out, e.Address.Postcode)
		}
	}
	return out
}

func sirenOf(s data.Supplier) string {
	if s.SIREN != "" {
		return s.SIREN
	}
	if data.ValidSIREN(s.ID) == nil {
		return s.ID
	}
	return ""
}

func (m *Memory) sorted() []data.Supplier {
	out := make([]data.Supplier, 0, len(m.suppliers))
	for _, s := range m.suppliers {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Suppliers returns every stored company, sorted by ID.
func (m *Memory) Suppliers() []data.Supplier {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sorted()
}

// Supplier returns one company.
func (m *Memory) Supplier(id string) (data.Supplier, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.suppliers[id]
	return s, ok
}

// Upserts counts the listings received so far.
func (m *Memory) Upserts() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.upserts
}

// PageState returns what was recorded for url, or data.ErrNotFound.
func (m *Memory) PageState(ctx context.Context, source, url string) (data.PageState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ps, ok := m.pages[source+"|"+url]
	if !ok {
		return ps, fmt.Errorf("crawltest: page %s %s: %w", source, url, data.ErrNotFound)
	}
	return ps, nil
}

// PutPageState records a page.
func (m *Memory) PutPageState(ctx context.Context, source string, ps data.PageState) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pages[source+"|"+ps.URL] = ps
	return nil
}

// Pages returns the recorded pages of source, sorted by URL.
func (m *Memory) Pages(source string) []data.PageState {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []data.PageState
	for k, ps := range m.pages {
		if len(k) > len(source) && k[:len(source)+1] == source+"|" {
			out = append(out, ps)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URL < out[j].URL })
	return out
}

// PutCrawlRun creates or replaces a run by ID.
func (m *Memory) PutCrawlRun(ctx context.Context, run data.CrawlRun) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.runs {
		if m.runs[i].ID == run.ID {
			m.runs[i] = run
			return nil
		}
	}
	m.runs = append(m.runs, run)
	return nil
}

// LastCrawlRun returns the run that started last, or data.ErrNotFound.
func (m *Memory) LastCrawlRun(ctx context.Context) (data.CrawlRun, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.runs) == 0 {
		return data.CrawlRun{}, fmt.Errorf("crawltest: last run: %w", data.ErrNotFound)
	}
	last := m.runs[0]
	for _, r := range m.runs[1:] {
		if !r.StartedAt.Before(last.StartedAt) {
			last = r
		}
	}
	return last, nil
}

// Runs returns every run in the order they were first saved.
func (m *Memory) Runs() []data.CrawlRun {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]data.CrawlRun(nil), m.runs...)
}

// MarkNotRefound marks the labels of source last seen before runStart.
func (m *Memory) MarkNotRefound(ctx context.Context, source string, runStart time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	n := 0
	for id, s := range m.suppliers {
		touched := false
		for i, l := range s.Labels {
			if l.Source == source && l.LastSeen.Before(runStart) && l.NotRefoundSince.IsZero() {
				if !touched {
					s.Labels = append([]data.Label(nil), s.Labels...)
					touched = true
				}
				s.Labels[i].NotRefoundSince = now
				n++
			}
		}
		if touched {
			m.suppliers[id] = s
		}
	}
	return n, nil
}

// MarkSeen moves LastSeen to at for the labels of source held by ids.
func (m *Memory) MarkSeen(ctx context.Context, source string, ids []string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		s, ok := m.suppliers[id]
		if !ok {
			continue
		}
		s.Labels = append([]data.Label(nil), s.Labels...)
		for i, l := range s.Labels {
			if l.Source == source {
				s.Labels[i].LastSeen = at
				s.Labels[i].NotRefoundSince = time.Time{}
			}
		}
		m.suppliers[id] = s
	}
	return nil
}

var (
	_ crawler.State = (*Memory)(nil)
	_ crawler.Sink  = (*Memory)(nil)
)

// SIRENs returns the valid SIRENs of the stored companies, sorted: the
// memory is a crawler.Companies, for the register source.
func (m *Memory) SIRENs(ctx context.Context) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, s := range m.suppliers {
		if data.ValidSIREN(s.SIREN) == nil {
			out = append(out, s.SIREN)
		}
	}
	sort.Strings(out)
	return out, nil
}
