package data_test

import (
	"slices"
	"testing"

	"fabrique/data"
)

// TestNAFTradeProducts: every row names a NAF sous-classe, trade words its
// label does not already say, known CPV codes, a justification, and only
// codes that the curated table of divisions links to the activity.
func TestNAFTradeProducts(t *testing.T) {
	rows := data.NAFTradesProducts()
	if len(rows) == 0 {
		t.Fatal("no row")
	}
	for _, r := range rows {
		n, ok := data.LookupTrade(r.NAF)
		if !ok {
			t.Errorf("%s: not a NAF sous-classe", r.NAF)
			continue
		}
		if len(r.Words) == 0 || r.Justification == "" {
			t.Errorf("%s: words %v, justification %q", r.NAF, r.Words, r.Justification)
		}
		for _, w := range r.Words {
			if slices.Contains(data.Words(n.Label), w) {
				t.Errorf("%s: %q is a word of its label « %s »", r.NAF, w, n.Label)
			}
		}
		for _, code := range r.CPV {
			if _, ok := data.LookupCPV(code); !ok || len(code) != 8 {
				t.Errorf("%s: unknown CPV code %q", r.NAF, code)
				continue
			}
			if _, ok := data.FitOf(code, n.Code); !ok {
				t.Errorf("%s %s: CPV %s lies in no division the table of divisions links to it", r.NAF, n.Label, code)
			}
		}
	}
}
