package web

import (
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"fabrique/data"
	"fabrique/index"
)

// tenderPath is the list of tenders; each tender's page hangs under it.
const tenderPath = "/appels-d-offres"

// tenderURL is the page of a tender; a buyer's need has its own address.
func tenderURL(t *data.Tender) string {
	if t.Source == needSource {
		return needURL(t.SourceID)
	}
	return tenderPath + "/" + url.PathEscape(t.ID)
}

// tenderRowView is a tender as the list shows it.
type tenderRowView struct {
	ID, URL     string
	Title       string
	Buyer       string
	Place       string
	CPV         codeView
	Deadline    string // « 24 juin 2019 à 18 h 00 »
	DeadlineISO string
	Countdown   string // "" when the badge says it already (« clôturé »)
	Soon        bool
	Badge       stateBadge
	Lots        int
	Value       string
	// InferredCPV is the best CPV code deduced for a notice that declares
	// none (CPV is then empty).
	InferredCPV *inferredCPVView
}

func newTenderRowView(t *data.Tender, now time.Time) tenderRowView {
	r := tenderRowView{ID: t.ID, URL: tenderURL(t), Title: t.Title, Buyer: t.Buyer.Name, Place: tenderPlace(t.Place),
		Deadline: frenchDateTime(t.Deadline), Soon: closesSoon(t, now), Badge: tenderBadge(t, now), Lots: len(t.Lots)}
	r.Countdown = countdownBesideBadge(t, r.Badge, now)
	if r.Title == "" {
		r.Title = "(avis sans intitulé)"
	}
	if !t.Deadline.IsZero() {
		r.DeadlineISO = t.Deadline.Format(time.RFC3339)
	}
	if t.CPV != "" {
		r.CPV = codeView{Code: t.CPV, Label: cpvLabel(t.CPV)}
	} else if vs := inferredCPVViews(t.InferredCPV, t.Source == needSource); len(vs) > 0 {
		r.InferredCPV = &vs[0]
	}
	if t.EstimatedValue > 0 {
		r.Value = formatEuros(t.EstimatedValue)
	}
	return r
}

// countdownBesideBadge is the countdown, unless the badge already says
// the same word.
func countdownBesideBadge(t *data.Tender, b stateBadge, now time.Time) string {
	if c := countdown(t, now); c != b.Text {
		return c
	}
	return ""
}

// tenderPlace writes a place of performance: « Rouen (76) », « Seine-
// Maritime (76) », or, when only the NUTS code is known, the département
// or région it names with the code (« Grand Est (NUTS FRF) »), or the
// code alone (a foreign one, "FR").
func tenderPlace(p data.Place) string {
	if s := placeOf(p.Commune, p.Departement); s != "" {
		if p.Postcode != "" && p.Commune != "" {
			return p.Postcode + " " + s
		}
		return s
	}
	nuts := strings.ToUpper(strings.TrimSpace(p.NUTS))
	if nuts == "" {
		return ""
	}
	if dep, ok := data.DepartementOfNUTS3(nuts); ok {
		return placeOf("", dep)
	}
	if code, ok := data.RegionOfNUTS(nuts); ok {
		if r, ok := data.LookupRegion(code); ok {
			return r.Name + " (NUTS " + nuts + ")"
		}
	}
	return "NUTS " + nuts
}

// tenderView is a tender as its page (or a need's shortlist) shows it.
type tenderView struct {
	ID, Title     string
	Description   string
	Source        string
	SourceID      string
	NoticeType    string
	ProcedureID   string
	Buyer         string
	BuyerSIRET    string
	JointBuyers   []string // the other buyers of a joint procurement
	Nature        string
	CPV           []codeView // main first
	InferredCPV   []inferredCPVView
	Place         string
	Value         string
	Published     string
	PublishedISO  string
	Deadline      string
	DeadlineISO   string
	Countdown     string
	HeadCountdown string // beside the badge: "" when the badge says it
	Soon          bool
	Badge         stateBadge
	// Announced: only prior information was published (data.StatusAnnounced).
	Announced     bool
	NoticeURL     string // http(s) only
	NoticeURLText string
	Winners       []winnerView
	Lots          []lotView
	// Lot columns worth a column in the table of lots.
	LotsHavePlace, LotsHaveValue, LotsHaveWinners bool
	History                                       []revisionView
	// TextDefects are the texts decoded with the wrong charset at the
	// source, repaired or not, in French (data.RepairText).
	TextDefects []string
}

type winnerView struct {
	Name, SIRET, Amount, Lot string
}

type lotView struct {
	ID, Anchor  string
	Title       string
	Description string
	CPV         []codeView
	Place       string
	Value       string
	Deadline    string
	Winners     []winnerView
}

type revisionView struct {
	Date, DateISO string
	State         string
	NoticeType    string
	SourceID      string
	Summary       string
}

func newTenderView(t *data.Tender, now time.Time) tenderView {
	v := tenderView{ID: t.ID, Title: t.Title, Description: t.Description, Source: tenderSourceName(t.Source),
		SourceID: t.SourceID, NoticeType: t.NoticeType, ProcedureID: t.ProcedureID, Buyer: t.Buyer.Name,
		BuyerSIRET: t.Buyer.SIRET, JointBuyers: buyerNames(t.JointBuyers), Nature: natureText(t.Nature), CPV: cpvViews(cpvList(t.CPV, t.CPVAdditional)),
		Place: tenderPlace(t.Place), Published: frenchDate(t.PublishedAt.In(paris())), Deadline: frenchDateTime(t.Deadline),
		Countdown: countdown(t, now), Soon: closesSoon(t, now), Badge: tenderBadge(t, now),
		Winners: winnerViews(t.Winners)}
	v.HeadCountdown = countdownBesideBadge(t, v.Badge, now)
	v.Announced = t.StatusAt(now) == data.StatusAnnounced
	if v.Title == "" {
		v.Title = "(avis sans intitulé)"
	}
	if !t.PublishedAt.IsZero() {
		v.PublishedISO = isoDate(t.PublishedAt)
	}
	if !t.Deadline.IsZero() {
		v.DeadlineISO = t.Deadline.Format(time.RFC3339)
	}
	if t.EstimatedValue > 0 {
		v.Value = formatEuros(t.EstimatedValue) + " HT"
	}
	if u, ok := webURL(t.URL); ok {
		v.NoticeURL, v.NoticeURLText = u, hostOf(u)
	}
	for _, l := range t.Lots {
		lv := lotView{ID: l.ID, Anchor: lotAnchor(l.ID), Title: l.Title, Description: l.Description,
			CPV: cpvViews(cpvList(l.CPV, l.CPVAdditional)), Winners: winnerViews(l.Winners)}
		if l.Place != t.Place {
			lv.Place = tenderPlace(l.Place)
		}
		if l.EstimatedValue > 0 {
			lv.Value = formatEuros(l.EstimatedValue) + " HT"
		}
		if !l.Deadline.Equal(t.Deadline) {
			lv.Deadline = frenchDateTime(l.Deadline)
		}
		v.LotsHavePlace = v.LotsHavePlace || lv.Place != ""
		v.LotsHaveValue = v.LotsHaveValue || lv.Value != ""
		v.LotsHaveWinners = v.LotsHaveWinners || len(lv.Winners) > 0
		v.Lots = append(v.Lots, lv)
	}
	v.TextDefects = t.TextDefects
	v.InferredCPV = inferredCPVViews(t.InferredCPV, t.Source == needSource)
	for _, r := range t.History {
		v.History = append(v.History, revisionView{Date: frenchDate(r.At.In(paris())), DateISO: isoDate(r.At),
			State: r.State.Label(), NoticeType: r.NoticeType, SourceID: r.SourceID, Summary: r.Summary})
	}
	return v
}

func cpvList(main string, additional []string) []string {
	var out []string
	if main != "" {
		out = append(out, main)
	}
	for _, c := range additional {
		out = appendNew(out, c)
	}
	return out
}

// winnerViews lists the winners, each entry once: the BOAMP's flat
// records repeat a company's name for every lot it won without saying
// which (« ELECTRICITE INDUSTRIELLE JP FAUCHE » three times), and such
// copies tell a reader nothing more. Entries that differ by lot, SIRET
// or amount all stay.
func winnerViews(ws []data.Winner) []winnerView {
	var out []winnerView
	for _, w := range ws {
		v := winnerView{Name: w.Name, SIRET: w.SIRET, Lot: w.LotID}
		if w.Amount > 0 {
			v.Amount = formatEuros(w.Amount) + " HT"
		}
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// wholeAnchor is the element id of the ranking of the whole tender.
const wholeAnchor = "ensemble"

// rankingAnchors are the element ids of the rankings of res, in the page's
// order, each with its matches.
func rankingAnchors(res index.MatchResult) iter.Seq2[string, []data.Match] {
	return func(yield func(string, []data.Match) bool) {
		if !yield(wholeAnchor, res.Tender) {
			return
		}
		for _, l := range res.Lots {
			if !yield(lotAnchor(l.LotID), l.Matches) {
				return
			}
		}
	}
}

// matchRowID is the element id of a supplier's row in a ranking, which a
// vote without JavaScript comes back to.
func matchRowID(anchor, supplierID string) string {
	return anchor + "-" + idSafe(supplierID)
}

// lotAnchor is the element id of a lot's ranking: lot ids come from
// notices ("LOT-0001"), so only letters, digits and dashes are kept.
func lotAnchor(id string) string { return "lot-" + idSafe(id) }

// idSafe keeps of s what an element id and a URL fragment take as is:
// ASCII letters, digits and dashes.
func idSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// rankingView is one ranking of suppliers: for the whole tender or for
// one lot.
type rankingView struct {
	Anchor  string
	Heading string // « Ensemble du marché », « Lot 1 : Agence centre »
	Terms   []string
	// Unheld are the object's words that no supplier holds
	// (index.MatchResult.Unheld).
	Unheld  []string
	Matches []matchView
	// Good are the matches of high or medium confidence, Weak the others
	// (tender_shortlist.go); Warning is set when none fits well.
	Good, Weak []matchView
	Warning    string
	// Trades and MoreTrades are the trades of the companies the matcher
	// scored for the ranking (TradeTotal of them), Trade the one chosen
	// (shortlist_trades.go); empty when not offered.
	Trades, MoreTrades []tradeFacet
	TradeTotal         int
	Trade              *tradeFilter
	// Cut is set when the ranking filled the page's limit: more companies
	// were ranked, which the CSV lists (markCut).
	Cut bool
}

// markCut sets Cut on the rankings that hold limit matches, the page's
// cap: the page says then that it shows the first ones only and that the
// CSV gives up to csvMatchLimit.
func markCut(rs []rankingView, limit int) {
	for i := range rs {
		rs[i].Cut = len(rs[i].Matches) >= limit
	}
}

// CSVLimit is the length of a ranking in the CSV, for the pages to say.
func (rankingView) CSVLimit() int { return csvMatchLimit }

// matchView is one supplier of a ranking, with its reasons in French.
type matchView struct {
	N        int
	ID, URL  string
	Name     string
	SIREN    string
	SIRET    string
	Score    string // « 72 / 100 »
	Distance string // « à 12 km », « sur place », as in the reasons (data.DistanceFR)
	Place    string // « Roanne, Loire (42) » (reason_words.go)
	Reasons  []reasonView
	// Confidence is forte, moyenne or faible (see confidenceNote).
	Confidence string
}

type reasonView struct {
	Kind   string
	Text   string // a sentence in words (reason_words.go)
	Codes  string // the codes it rests on, « CPV 45454100 ↔ NAF 23.19Z »
	Points string // « +12 »
}

func newRankings(res index.MatchResult) []rankingView {
	out := []rankingView{{Anchor: wholeAnchor, Heading: "Ensemble du marché", Terms: res.Terms, Unheld: res.Unheld, Matches: matchViews(res.Tender),
		Warning: res.Warning}}
	for _, l := range res.Lots {
		heading := "Lot " + l.LotID
		if l.Title != "" {
			heading += " : " + l.Title
		}
		out = append(out, rankingView{Anchor: lotAnchor(l.LotID), Heading: heading, Terms: l.Terms, Unheld: l.Unheld, Matches: matchViews(l.Matches),
			Warning: l.Warning})
	}
	for i := range out {
		out[i].splitByConfidence()
	}
	return out
}

// matchViews are the matches as a ranking lists them, in confidenceOrder
// and numbered in that order.
func matchViews(ms []data.Match) []matchView {
	out := make([]matchView, 0, len(ms))
	for i, m := range confidenceOrder(ms) {
		v := matchView{N: i + 1, ID: m.SupplierID, URL: supplierURL(m.SupplierID), Name: m.Name, SIREN: m.SIREN,
			SIRET: m.SIRET, Score: strconv.Itoa(int(m.Score+0.5)) + " / 100", Confidence: m.Confidence}
		if m.DistanceKm != nil {
			v.Distance = data.DistanceFR(*m.DistanceKm)
		}
		for _, r := range m.Reasons {
			rv := reasonView{Kind: string(r.Kind)}
			rv.Text, rv.Codes = reasonWords(r)
			if p := int(r.Weight + 0.5); p > 0 {
				rv.Points = "+" + strconv.Itoa(p)
			}
			v.Reasons = append(v.Reasons, rv)
		}
		out = append(out, v)
	}
	return out
}

// reasonText is the French sentence of a reason, as the API gives it.
func reasonText(r data.Reason) string {
	if r.Text != "" {
		return r.Text
	}
	return r.String()
}

// buyerNames lists the buyers' names, with their SIRET when known.
func buyerNames(bs []data.Buyer) []string {
	var out []string
	for _, b := range bs {
		name := b.Name
		if b.SIRET != "" {
			name += " (SIRET " + b.SIRET + ")"
		}
		out = append(out, name)
	}
	return out
}
