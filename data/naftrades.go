package data

import (
	"sort"
	"strings"
)

// NAFTradeProducts says what a NAF activity makes in CPV codes, for the
// activities whose trade words the CPV labels never say: « décolletage »,
// « tournage », « visserie » name no CPV label, yet a buyer of screws or
// turned parts buys from these trades. A row of
// refdata/naf_trade_products.csv, curated by the project with the
// justification of each row; every code lies in a CPV division that the
// curated table of divisions links to the activity (FitOf).
type NAFTradeProducts struct {
	NAF string // a sous-classe, "25.62A"
	// Words are the folded words that name the activity besides the words
	// of its label (« tournage », « visserie »).
	Words []string
	// CPV are the 8-digit codes of what it makes, most telling first.
	CPV           []string
	Justification string
}

var nafTradeProducts = lazy[[]NAFTradeProducts]{load: func() []NAFTradeProducts {
	var out []NAFTradeProducts
	for _, r := range readCSV("refdata/naf_trade_products.csv") {
		p := NAFTradeProducts{NAF: r["naf"], CPV: strings.Split(r["cpv"], "|"), Justification: r["justification"]}
		for _, w := range strings.Split(r["words"], "|") {
			p.Words = append(p.Words, Words(w)...)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].NAF < out[j].NAF })
	return out
}}

// NAFTradesProducts returns every row of the table, by NAF code.
func NAFTradesProducts() []NAFTradeProducts { return nafTradeProducts.get() }
