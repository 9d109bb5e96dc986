package index

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/search/query"

	"fabrique/data"
)

// maxBuyerNamesHits bounds the tenders read to find the names a buyer
// publishes under.
const maxBuyerNamesHits = 200

// buyerKeys are the terms of a tender's buyer in tfBuyerKey: "siret:"
// and its SIRET when it has 14 digits (an identifier compared whole, its
// Luhn key unchecked: the DECP publish some that fail it), "nom:" and its folded name (buyerNameKey).
func buyerKeys(b data.Buyer) []string {
	var keys []string
	if s := buyerSIRET(b); s != "" {
		keys = append(keys, "siret:"+s)
	}
	if n := buyerNameKey(b.Name); n != "" {
		keys = append(keys, "nom:"+n)
	}
	return keys
}

// buyerSIRET is the buyer's SIRET, "" unless 14 digits.
func buyerSIRET(b data.Buyer) string {
	if s := data.CleanDigits(b.SIRET); len(s) == 14 {
		return s
	}
	return ""
}

// buyerNameKey is a buyer's name without case, accents or punctuation:
// « COMMUNE DE BRON » and « Commune de Bron », « Ville d'ANNECY » and
// « VILLE D ANNECY » are one name. No word is dropped: « Commune de
// Bron » is not « Bron ».
func buyerNameKey(name string) string { return strings.Join(data.Words(name), " ") }

// BuyerNames are the names, as published and faceted ("buyer"), under
// which the buyer b published the indexed tenders: those of the tenders
// whose buyer has b's SIRET, and those whose buyer has b's name (but for
// case, accents and punctuation, buyerNameKey) without a SIRET that
// differs from b's. Nothing is guessed beyond that: two buyers of one
// name and different SIRETs stay apart, and « Mairie de Bron » is not
// « Commune de Bron ».
func (ti *TenderIndex) BuyerNames(ctx context.Context, b data.Buyer) ([]string, error) {
	keys := buyerKeys(b)
	if len(keys) == 0 {
		return nil, nil
	}
	siret := ""
	if strings.HasPrefix(keys[0], "siret:") {
		siret = strings.TrimPrefix(keys[0], "siret:")
	}
	name := buyerNameKey(b.Name)
	g, err := ti.acquire()
	if err != nil {
		return nil, err
	}
	defer g.mu.RUnlock()
	terms := make([]query.Query, len(keys))
	for i, k := range keys {
		terms[i] = termOn(k, tfBuyerKey, 1)
	}
	pg, err := ti.execute(ctx, g, TenderQuery{At: ti.opts.Now()}, []query.Query{query.NewDisjunctionQuery(terms)},
		SortTenderPublished, 0, maxBuyerNamesHits, false)
	if err != nil {
		return nil, fmt.Errorf("index: tenders of buyer %q: %w", b.Name, err)
	}
	var names []string
	for _, h := range pg.hits {
		hb := h.Tender.Buyer
		hs := buyerSIRET(hb)
		same := siret != "" && hs == siret ||
			name != "" && buyerNameKey(hb.Name) == name && (hs == "" || siret == "")
		if n := strings.TrimSpace(hb.Name); same && n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names, nil
}
