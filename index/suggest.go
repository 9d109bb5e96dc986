package index

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"fabrique/data"
)

// Suggestion is a company proposed while a buyer types a name.
type Suggestion struct {
	ID          string `json:"id"`
	SIREN       string `json:"siren,omitempty"`
	Name        string `json:"name"`
	Commune     string `json:"commune,omitempty"`
	Departement string `json:"departement,omitempty"`
}

// maxPrefixTerms bounds how many indexed words a typed prefix expands to
// (the most frequent ones), so that "a" costs no more than "ateliers".
const maxPrefixTerms = 64

// Suggest proposes companies whose name (or trade name) has words starting
// like prefix: every word typed must match a word of the name, the last
// one as a prefix, the others whole or with a typo. limit defaults to 8 and
// is at most 20.
func (ix *Index) Suggest(ctx context.Context, prefix string, limit int) ([]Suggestion, error) {
	if limit <= 0 {
		limit = 8
	}
	limit = min(limit, 20)
	// The same analysis as the indexed names: "l'orfèvrerie" is
	// "orfevrerie".
	var words []string
	for _, t := range ix.name.Analyze([]byte(truncateUTF8(prefix, maxTextBytes))) {
		words = append(words, string(t.Term))
	}
	if len(words) == 0 {
		return nil, nil
	}
	if len(words) > maxQueryWords {
		words = words[len(words)-maxQueryWords:]
	}
	g, err := ix.acquire()
	if err != nil {
		return nil, err
	}
	defer g.mu.RUnlock()

	r, err := g.snapshotOf()
	if err != nil {
		return nil, fmt.Errorf("index: suggest: %w", err)
	}
	defer r.Close()

	var clauses []query.Query
	for i, w := range words {
		var dis []query.Query
		if i == len(words)-1 {
			terms, err := prefixTerms(r, w, maxPrefixTerms)
			if err != nil {
				return nil, fmt.Errorf("index: suggest: %w", err)
			}
			if !slices.Contains(terms, w) {
				terms = append(terms, w)
			}
			for _, t := range terms {
				boost := 1.0
				if t == w {
					boost = 2
				}
				dis = append(dis, termOn(t, fNameExact, boost))
			}
		} else {
			dis = append(dis, termOn(w, fNameExact, 2))
		}
		if len([]rune(w)) >= minFuzzyLen && !data.AllDigits(w) {
			fq := query.NewFuzzyQuery(w)
			fq.SetField(fNameExact)
			fq.SetFuzziness(fuzziness(w))
			fq.SetBoost(0.5)
			dis = append(dis, fq)
		}
		if len(dis) == 0 {
			return nil, nil
		}
		clauses = append(clauses, query.NewDisjunctionQuery(dis))
	}
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery(clauses), limit, 0, false)
	req.Fields = []string{fSrc}
	res, err := g.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: suggest: %w", err)
	}
	out := make([]Suggestion, 0, len(res.Hits))
	for _, dm := range res.Hits {
		raw, _ := dm.Fields[fSrc].(string)
		h, err := toHit(dm.ID, []byte(raw), dm.Score, Query{})
		if err != nil {
			return nil, err
		}
		out = append(out, Suggestion{ID: h.ID, SIREN: h.SIREN, Name: h.Name, Commune: h.Commune, Departement: h.Departement})
	}
	return out, nil
}

// prefixTerms returns the name words starting with p, the most frequent
// first, at most max of them.
func prefixTerms(r index.IndexReader, p string, max int) ([]string, error) {
	fd, err := r.FieldDictPrefix(fNameExact, []byte(p))
	if err != nil {
		return nil, err
	}
	defer fd.Close()
	type tc struct {
		term  string
		count uint64
	}
	var all []tc
	for {
		e, err := fd.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			break
		}
		all = append(all, tc{e.Term, e.Count})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].count != all[j].count {
			return all[i].count > all[j].count
		}
		return all[i].term < all[j].term
	})
	if len(all) > max {
		all = all[:max]
	}
	out := make([]string, len(all))
	for i, t := range all {
		out[i] = t.term
	}
	return out, nil
}
