package index

import (
	"context"
	"fmt"
	"math"

	index "github.com/blevesearch/bleve_index_api"
)

// Company names are full of words that say what a company is, not what
// it makes: « Domaine », « Établissements », « Société », « Maison »,
// « Atelier », « France », « Compagnie », « Fils »… A need that happens to
// hold one (« mobilier de signalétique du domaine de l'établissement
// public ») must not pull the cognac estates and every « Ets » of the
// directory. The list is learned from the directory's names, not typed:
// a stem is a name word when
//
//   - at least nameWordMinShare of the companies (and nameWordMinCount)
//     bear it in their name: rarer, it is more likely the trade itself;
//   - those companies spread over trades: no NAF division holds more than
//     nameWordMaxPurity of them (« tonnellerie », « fonderie », « vitrail »
//     gather in one or two divisions; « atelier » spreads over 24);
//   - and few of them (at most nameWordMaxEchoed) also use the word where
//     they say what they make (products, activities, NAF and CPV labels,
//     description): « bois » in a name is echoed by the NAF label of a
//     sawmill, « domaine » never is.
//
// A name word keeps its place in
// the need's terms, but earns nothing where it stands in a name: it makes a
// match only through the company's offer, nomenclature or description.
const (
	nameWordMinCount  = 3
	nameWordMinShare  = 0.002
	nameWordMaxPurity = 0.5
	nameWordMaxEchoed = 0.25
)

// nameWordFields are where a company says what it makes.
var nameWordFields = []string{fOffer, fNomenclature, fDescription}

// isNameWord tells whether stem is a name word of the generation's
// directory, reading the postings of the snapshot r. The answer is kept
// for the life of the generation: names change slowly, and a rebuild
// starts afresh.
func (ix *Index) isNameWord(ctx context.Context, g *generation, r index.IndexReader, stem string) (bool, error) {
	if v, ok := g.nameWords.Load(stem); ok {
		return v.(bool), nil
	}
	v, err := ix.learnNameWord(ctx, g, r, stem)
	if err != nil {
		return false, err
	}
	g.nameWords.Store(stem, v)
	return v, nil
}

func (ix *Index) learnNameWord(ctx context.Context, g *generation, r index.IndexReader, stem string) (bool, error) {
	n, err := r.DocCount()
	if err != nil {
		return false, fmt.Errorf("index: name words: %w", err)
	}
	named, err := postings(ctx, r, fName, stem)
	if err != nil {
		return false, err
	}
	if float64(len(named)) < max(nameWordMinCount, math.Ceil(nameWordMinShare*float64(n))) {
		return false, nil
	}
	cols, err := g.columnsFor(ctx, r)
	if err != nil {
		return false, err
	}
	if divisionPurity(cols, named) > nameWordMaxPurity {
		return false, nil
	}
	echoed := map[uint64]bool{}
	for _, f := range nameWordFields {
		docs, err := postings(ctx, r, f, stem)
		if err != nil {
			return false, err
		}
		for _, d := range docs {
			echoed[d] = true
		}
	}
	both := 0
	for _, d := range named {
		if echoed[d] {
			both++
		}
	}
	return float64(both) <= nameWordMaxEchoed*float64(len(named)), nil
}

// postings lists the documents holding term in field.
func postings(ctx context.Context, r index.IndexReader, field, term string) ([]uint64, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return nil, fmt.Errorf("index: name words: %w", err)
	}
	defer tfr.Close()
	var out []uint64
	var tfd *index.TermFieldDoc
	for {
		tfd, err = tfr.Next(tfd)
		if err != nil {
			return nil, fmt.Errorf("index: name words: %w", err)
		}
		if tfd == nil {
			return out, nil
		}
		out = append(out, tfd.ID.Value())
	}
}

// divisionPurity is the share of the documents that the most common NAF
// division among them holds (documents without a division count apart,
// each as its own).
func divisionPurity(cols *columns, docs []uint64) float64 {
	if len(docs) == 0 {
		return 0
	}
	var fc *facetColumn
	for i := range cols.facets {
		if cols.facets[i].field == fNAFDivision {
			fc = &cols.facets[i]
		}
	}
	if fc == nil {
		return 0
	}
	counts := map[uint16]int{}
	best := 0
	for _, d := range docs {
		v := fc.firstValue(uint32(d))
		if v == 0 {
			continue
		}
		counts[v]++
		best = max(best, counts[v])
	}
	return float64(best) / float64(len(docs))
}

// firstValue is the first value index of document d (0: none).
func (fc *facetColumn) firstValue(d uint32) uint16 {
	if fc.one != nil {
		if int(d) < len(fc.one) {
			return fc.one[d]
		}
		return 0
	}
	if int(d)+1 < len(fc.start) && fc.start[d] < fc.start[d+1] {
		return fc.multi[fc.start[d]]
	}
	return 0
}
