package web

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

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
// lot's trade; one click on it shows the ranking of that trade alone.
//
// The trades are counted among the first tradeFacetDepth suppliers of
// the whole tender's ranking, and only for a tender without lots: each lot
// of a tender has its own ranking, and most lots name their trade. Every
// trade of the ranking is offered, the trade of the best-ranked supplier
// first: the trades a lot may be of (bells, furniture of a church) are
// often only weakly linked to the building named, and the weak tail's
// trades (cutlers for church works) come last, folded away.

// tradeFacetDepth is how deep the ranking is read for its trades.
const tradeFacetDepth = index.MaxMatchLimit

// The trades offered, in the order of their best-ranked supplier:
// shownTradeFacets at once, the others, up to maxTradeFacets, behind
// « autres corps d'état ».
const (
	shownTradeFacets = 8
	maxTradeFacets   = 100
)

// tradeParam is the query parameter of the chosen trade: a NAF code.
const tradeParam = "metier"

var nafCodeRe = regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}[A-Z]$`)

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
	Found       int // suppliers of the trade among the tradeFacetDepth ranked
	RemoveURL   string
}

// tradeOf reads the trade chosen for a tender's ranking (?metier=), and
// refuses one for a tender with lots, whose lots have their own rankings.
func tradeOf(c *fiber.Ctx, t *data.Tender) (data.NAFCode, error) {
	trade, err := parseTrade(c.Query(tradeParam))
	if err == nil && trade.Code != "" && len(t.Lots) > 0 {
		err = badParam(tradeParam, trade.Code, "le choix d'un corps d'état vaut pour un besoin sans lots : chaque lot a déjà son propre classement")
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

// onlyTrade keeps the matches of one trade, in their order.
func onlyTrade(ms []data.Match, code string) []data.Match {
	var out []data.Match
	for _, m := range ms {
		if m.NAF == code {
			out = append(out, m)
		}
	}
	return out
}

// parseTrade reads the chosen trade: "" for none, else a NAF code of the
// sub-class level that the nomenclature knows.
func parseTrade(raw string) (data.NAFCode, error) {
	if raw == "" {
		return data.NAFCode{}, nil
	}
	if len(raw) > 16 || !nafCodeRe.MatchString(raw) {
		return data.NAFCode{}, badParam(tradeParam, raw, "corps d'état « "+raw+" » illisible : un code NAF comme 43.99C")
	}
	n, ok := data.LookupNAF(raw)
	if !ok {
		return data.NAFCode{}, badParam(tradeParam, raw, "code NAF « "+raw+" » inconnu de la nomenclature")
	}
	return n, nil
}

// shortlistTrades is what facetTrades found in a ranking.
type shortlistTrades struct {
	trades, more []tradeFacet
	depth        int
	chosen       *tradeFilter
}

// facetTrades counts the trades of a ranking read tradeFacetDepth deep
// (ms), in the order of their best-ranked supplier, and returns them with
// the matches a page shows: the first pageMatchLimit of the chosen
// trade's, else of all. anchor is the ranking's, base the page's address.
func facetTrades(ms []data.Match, chosen data.NAFCode, base, anchor string) (shortlistTrades, []data.Match) {
	var out shortlistTrades
	counts := map[string]int{}
	var order []string // trades by their best-ranked supplier
	for _, m := range ms {
		if m.NAF == "" {
			continue
		}
		if counts[m.NAF] == 0 {
			order = append(order, m.NAF)
		}
		counts[m.NAF]++
	}
	if len(order) >= 2 || chosen.Code != "" {
		for _, code := range order[:min(len(order), maxTradeFacets)] {
			label := code
			if c, ok := data.LookupNAF(code); ok {
				label = c.Label
			}
			out.trades = append(out.trades, tradeFacet{Code: code, Label: label, Count: counts[code], Current: code == chosen.Code,
				URL: base + "?" + tradeParam + "=" + url.QueryEscape(code) + "#" + anchor})
		}
		if len(out.trades) > shownTradeFacets {
			out.trades, out.more = out.trades[:shownTradeFacets], out.trades[shownTradeFacets:]
		}
		out.depth = len(ms)
	}
	if chosen.Code != "" {
		ms = onlyTrade(ms, chosen.Code)
		out.chosen = &tradeFilter{Code: chosen.Code, Label: chosen.Label, Found: len(ms), RemoveURL: base + "#" + anchor}
	}
	return out, ms[:min(len(ms), pageMatchLimit)]
}

// show puts the trades on the ranking's view.
func (t shortlistTrades) show(r *rankingView) {
	r.Trades, r.MoreTrades, r.TradeDepth, r.Trade = t.trades, t.more, t.depth, t.chosen
}

// FoundText is « 3 entreprises de ce code parmi les 200 premières
// classées », for the chip.
func (f tradeFilter) FoundText(depth int) string {
	if f.Found == 0 {
		return "aucune entreprise de ce code parmi les " + strconv.Itoa(depth) + " premières classées"
	}
	return pluralFR(f.Found, "entreprise", "entreprises") + " de ce code parmi les " + strconv.Itoa(depth) + " premières classées"
}

// TradeInMore reports whether the chosen trade is among the trades behind
// « autres corps d'état », which then open.
func (r rankingView) TradeInMore() bool {
	return slices.ContainsFunc(r.MoreTrades, func(f tradeFacet) bool { return f.Current })
}
