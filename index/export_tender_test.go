package index

import (
	"fabrique/data"

	index "github.com/blevesearch/bleve_index_api"
)

// TenderTerms returns, by field, the terms the segment builder receives
// for a tender's document (bleve's _id included).
func TenderTerms(ti *TenderIndex, t *data.Tender) (map[string][]string, error) {
	doc, err := ti.docs.tenderDocument(t)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{"_id": {t.ID}}
	doc.VisitFields(func(f index.Field) {
		if !f.Options().IsIndexed() {
			return
		}
		f.Analyze()
		for term := range f.AnalyzedTokenFrequencies() {
			out[f.Name()] = append(out[f.Name()], term)
		}
	})
	return out, nil
}

// SetTenderSchema marks the current generation as built by the tender
// schema v, as an older binary would have.
func SetTenderSchema(ti *TenderIndex, v string) error {
	return ti.cur.Load().idx.SetInternal(keyTenderSchema, []byte(v))
}
