package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/search/query"

	"fabrique/data"
)

// AlertWindow bounds the tenders an alert profile selects.
type AlertWindow struct {
	// PublishedFrom (inclusive) and PublishedTo (exclusive) bound the
	// publication date; zero leaves a side open.
	PublishedFrom, PublishedTo time.Time
	// DeadlineFrom (inclusive) and DeadlineTo (exclusive) bound the
	// deadline (« clôture cette semaine »); zero leaves a side open.
	DeadlineFrom, DeadlineTo time.Time
	// Statuses keeps tenders of these statuses at At; empty keeps all.
	Statuses []data.TenderStatus
	// At is the time statuses are computed at (default: the index's clock).
	At time.Time
	// Limit bounds the hits (default 100, at most 1000).
	Limit int
	// Load, when set, returns a whole tender: a phrase of the keywords is
	// then also looked for in the description, which hits do not carry.
	Load func(ctx context.Context, id string) (data.Tender, error)
}

// Limits of AlertMatches.
const (
	defaultAlertLimit = 100
	maxAlertLimit     = 1000
)

// AlertMatches returns the tenders an alert profile selects in a window:
// every keyword (French analysis, like the tenders page; a "phrase" must
// appear as such), none of the excluded words, a CPV code (alone or with
// its children), a département or région or the radius around the
// profile's place, the value range, the procedures and « uniquement les
// lots », as in TenderQuery. The latest published come first, or the
// nearest deadline first when the window bounds the deadline.
func (ti *TenderIndex) AlertMatches(ctx context.Context, p data.AlertProfile, w AlertWindow) ([]TenderHit, error) {
	words, phrases := splitKeywords(p.Keywords)
	q := TenderQuery{
		Text:          strings.Join(words, " "),
		Statuses:      w.Statuses,
		Procedures:    p.Procedures,
		Departements:  p.Departements,
		Regions:       p.Regions,
		LotsOnly:      p.LotsOnly,
		DeadlineFrom:  w.DeadlineFrom,
		DeadlineTo:    w.DeadlineTo,
		PublishedFrom: w.PublishedFrom,
		PublishedTo:   w.PublishedTo,
		ValueMin:      p.ValueMin,
		ValueMax:      p.ValueMax,
		At:            w.At,
		Sort:          SortTenderPublished,
	}
	if !w.DeadlineFrom.IsZero() || !w.DeadlineTo.IsZero() {
		q.Sort = SortTenderDeadline
	}
	for _, c := range p.CPV {
		q.CPV = append(q.CPV, c.Prefix())
	}
	if p.Near != nil && p.RadiusKm > 0 {
		q.Near, q.RadiusKm = &Point{Lat: p.Near.Lat, Lon: p.Near.Lon}, p.RadiusKm
	}
	if err := q.normalize(ti.opts.Now()); err != nil {
		return nil, err
	}
	limit := w.Limit
	if limit <= 0 {
		limit = defaultAlertLimit
	}
	limit = min(limit, maxAlertLimit)

	g, err := ti.acquire()
	if err != nil {
		return nil, err
	}
	defer g.mu.RUnlock()
	clauses := ti.baseQuery(q)
	if ex := ti.excludeClause(p.Exclude); ex != nil {
		clauses = append(clauses, ex)
	}
	clauses = withStatuses(clauses, q.Statuses, q.At)
	var out []TenderHit
	for from := 0; len(out) < limit; from += MaxPerPage {
		page, err := ti.execute(ctx, g, q, clauses, q.Sort, from, MaxPerPage, false)
		if err != nil {
			return nil, err
		}
		for _, h := range page.hits {
			ok, err := ti.hasPhrases(ctx, &h.Tender, phrases, w.Load)
			if err != nil {
				return nil, err
			}
			if ok && len(out) < limit {
				out = append(out, h)
			}
		}
		if len(page.hits) < MaxPerPage {
			break
		}
	}
	return out, nil
}

// splitKeywords separates the words of keywords from its "phrases"; the
// words of a phrase are among the words too.
func splitKeywords(keywords string) (words, phrases []string) {
	parts := strings.Split(keywords, `"`)
	for i, part := range parts {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		words = append(words, part)
		if i%2 == 1 && len(strings.Fields(part)) > 1 {
			phrases = append(phrases, part)
		}
	}
	return words, phrases
}

// excludeClause matches the tenders that have none of the words (a
// several-word entry: all its words) in their texts.
func (ti *TenderIndex) excludeClause(exclude []string) query.Query {
	var not []query.Query
	for _, e := range exclude {
		var all []query.Query
		for _, stem := range ti.analyzedWords(e) {
			var dis []query.Query
			for _, f := range tenderTextFields {
				dis = append(dis, termOn(stem, f.name, 1))
			}
			all = append(all, query.NewDisjunctionQuery(dis))
		}
		switch len(all) {
		case 0:
		case 1:
			not = append(not, all[0])
		default:
			not = append(not, query.NewConjunctionQuery(all))
		}
	}
	if len(not) == 0 {
		return nil
	}
	return query.NewBooleanQuery(nil, nil, not)
}

// analyzedWords analyses text as the tender texts are, keeping order and repeats (phrases need them).
// MaxKeywordWords is how many distinct words of a text a tender search
// requires; the words past it were ignored, so a form refuses them
// (KeywordWords).
const MaxKeywordWords = maxQueryWords

// KeywordWords counts the distinct words an alert's keywords make for the
// search, after French analysis (stop words out, singular and plural one
// word), as AlertMatches reads them: more than MaxKeywordWords and the
// last ones would be ignored.
func (ti *TenderIndex) KeywordWords(keywords string) int {
	words, _ := splitKeywords(keywords)
	seen := map[string]bool{}
	for _, s := range ti.analyzedWords(strings.Join(words, " ")) {
		seen[s] = true
	}
	return len(seen)
}

func (ti *TenderIndex) analyzedWords(text string) []string {
	var out []string
	for _, tok := range ti.text.Analyze([]byte(text)) {
		if s := string(tok.Term); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// hasPhrases reports whether each phrase appears, as consecutive analysed
// words, in a text of the tender: title, lots, buyer, and description
// when load gives the whole tender.
func (ti *TenderIndex) hasPhrases(ctx context.Context, t *data.Tender, phrases []string, load func(context.Context, string) (data.Tender, error)) (bool, error) {
	if len(phrases) == 0 {
		return true, nil
	}
	texts := []string{t.Title, t.Buyer.Name}
	for _, l := range t.Lots {
		texts = append(texts, l.Title)
	}
	loaded := false
	for _, ph := range phrases {
		want := ti.analyzedWords(ph)
		found := slices.ContainsFunc(texts, func(s string) bool { return containsRun(ti.analyzedWords(s), want) })
		if !found && load != nil && !loaded {
			full, err := load(ctx, t.ID)
			if err != nil {
				return false, fmt.Errorf("index: alert phrase: %w", err)
			}
			loaded = true
			texts = append(texts, full.Description)
			for _, l := range full.Lots {
				texts = append(texts, l.Description)
			}
			found = slices.ContainsFunc(texts, func(s string) bool { return containsRun(ti.analyzedWords(s), want) })
		}
		if !found {
			return false, nil
		}
	}
	return true, nil
}

// containsRun reports whether want appears as a run of consecutive
// elements of have.
func containsRun(have, want []string) bool {
	if len(want) == 0 {
		return true
	}
	for i := 0; i+len(want) <= len(have); i++ {
		if slices.Equal(have[i:i+len(want)], want) {
			return true
		}
	}
	return false
}
