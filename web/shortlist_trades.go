package web

import (
	"net/url"
	"slices"

	"fabrique/data"
	"fabrique/index"
)

// The trades (corps d'état) of a shortlist. A need that names a kind of
// building but not the trade of its lot (« Travaux de construction
// d'églises », the CPV label of most works notices published without an
// object) is answered by the builders nearest to it, while its lot may be
// the stained glass, the bells or the furniture: on the real awards of
// `fabrique eval awards`, the winners the matcher ranks beyond the 50th are
// crafts of heritage, 3rd to 13th of their own trade. The buyer knows the
// lot's trade; one click on it ranks that trade alone (index.MatchOptions.
// Trade, over every company of the trade, not only those of the ranking).
//
// The trades are those of the companies the matcher scored for the whole
// tender (index.MatchResult.Trades), offered for a tender without lots
// only: each lot of a tender has its own ranking, and most lots name their
// trade. They come in the order of their best company: the trades a lot
// may be of (bells, furniture of a church) are often only weakly linked
// to the building named, and the weak tail's trades (cutlers for church
// works) come last, folded away.

// The trades offered: shownTradeFacets at once, the others, up to
// maxTradeFacets, behind « autres corps d'état ».
const (
	shownTradeFacets = 8
	maxTradeFacets   = 100
)

// tradeParam is the query parameter of the chosen trade: a NAF code.
const tradeParam = "metier"

// tradeFacet is one trade offered above a ranking.
type tradeFacet struct {
	Code, Label string
	Count       int
	URL         string
	Current     bool // the chosen trade
}

// tradeFilter is the chosen trade, shown as a removable chip.
type tradeFilter struct {
	Code, Label string
	RemoveURL   string
}

// tradeOf reads the trade chosen for a tender's ranking, raw from the
// query parameter param (?metier= on the pages, ?naf= in the API), and
// refuses one for a tender with lots, whose lots have their own rankings.
func tradeOf(param, raw string, t *data.Tender) (data.NAFCode, error) {
	trade, err := parseTrade(param, raw)
	if err == nil && trade.Code != "" && len(t.Lots) > 0 {
		err = badParam(param, trade.Code, "le choix d'un corps d'état vaut pour un besoin sans lots : chaque lot a déjà son propre classement")
	}
	return trade, err
}

// withTrade is a page's address (CSV, report) for the chosen trade.
func withTrade(target string, trade data.NAFCode) string {
	if trade.Code == "" {
		return target
	}
	return target + "?" + tradeParam + "=" + url.QueryEscape(trade.Code)
}

// parseTrade reads the trade chosen in the parameter param: "" for none,
// else a NAF sub-class the nomenclature knows (data.LookupTrade).
func parseTrade(param, raw string) (data.NAFCode, error) {
	if raw == "" {
		return data.NAFCode{}, nil
	}
	if len(raw) > len("43.99C") {
		return data.NAFCode{}, badParam(param, "", "corps d'état illisible : un code NAF comme 43.99C")
	}
	n, ok := data.LookupTrade(raw)
	if !ok {
		return data.NAFCode{}, badParam(param, raw, "code NAF « "+raw+" » inconnu de la nomenclature : une sous-classe comme 43.99C")
	}
	return n, nil
}

// nafLabel is the label of a NAF code, the code itself when unknown.
func nafLabel(code string) string {
	if c, ok := data.LookupNAF(code); ok {
		return c.Label
	}
	return code
}

// showTrades puts the trades of a tender's ranking (res.Trades) and the
// chosen one on its view. base is the page's address.
func showTrades(r *rankingView, trades []index.TradeCount, chosen data.NAFCode, base string) {
	if len(trades) < 2 && chosen.Code == "" {
		return // one trade: nothing to choose
	}
	for _, t := range trades {
		r.TradeTotal += t.Count
	}
	for _, t := range trades[:min(len(trades), maxTradeFacets)] {
		r.Trades = append(r.Trades, tradeFacet{Code: t.NAF, Label: nafLabel(t.NAF), Count: t.Count, Current: t.NAF == chosen.Code,
			URL: base + "?" + tradeParam + "=" + url.QueryEscape(t.NAF) + "#" + r.Anchor})
	}
	if len(r.Trades) > shownTradeFacets {
		r.Trades, r.MoreTrades = r.Trades[:shownTradeFacets], r.Trades[shownTradeFacets:]
	}
	if chosen.Code != "" {
		r.Trade = &tradeFilter{Code: chosen.Code, Label: chosen.Label, RemoveURL: base + "#" + r.Anchor}
	}
}

// TradeInMore reports whether the chosen trade is among the trades behind
// « autres corps d'état », which then open.
func (r rankingView) TradeInMore() bool {
	return slices.ContainsFunc(r.MoreTrades, func(f tradeFacet) bool { return f.Current })
}
