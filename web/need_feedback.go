package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// Buyers' feedback on a need's shortlist: « pertinent » / « pas pertinent »
// per supplier, one vote per signed-in account or, for an anonymous buyer,
// per browser session (the CSRF cookie's secret, hashed), changeable and
// withdrawable. The buttons are forms posting to needFeedbackPath (no
// JavaScript needed: 303 back to the supplier's row of the shortlist, with
// the trade chosen); feedback.js posts them without reloading the page and
// reads the JSON answer. A vote is taken only on a supplier the page
// proposes, which is checked by ranking the need again as the page does.
// Admins export every vote at adminFeedbackPath; `fabrique eval feedback`
// measures the matcher against them.

// adminFeedbackPath is the admins' CSV export of the votes.
const adminFeedbackPath = "/admin/retours.csv"

// needFeedbackPath is where a vote on a need's supplier is posted.
func needFeedbackPath(sourceID string) string { return needURL(sourceID) + "/retours" }

// voteWithdraw is the form value that withdraws a vote.
const voteWithdraw = "retirer"

// rankingField is the form field naming the ranking (rankingView.Anchor)
// whose row the vote was given in.
const rankingField = "ranking"

// needFeedback is what the shortlist's buttons need: where to post, the
// token, and the votes of this voter and of everyone.
type needFeedback struct {
	Action, CSRF string
	mine         map[string]data.Vote
	counts       map[string][2]int // supplier → relevant, irrelevant
	scripted     bool
}

// feedbackButtons are the buttons of one supplier (partials/feedback.html).
type feedbackButtons struct {
	Action, CSRF, SupplierID, Name string
	Ranking                        string // the ranking's anchor
	Mine                           data.Vote
	Relevant, Irrelevant           int
	// Script is set on the first buttons of the page, which load
	// feedback.js.
	Script bool
}

// For returns the buttons of one supplier of the shortlist's ranking
// whose anchor is ranking.
func (f *needFeedback) For(supplierID, name, ranking string) feedbackButtons {
	b := feedbackButtons{Action: f.Action, CSRF: f.CSRF, SupplierID: supplierID, Name: name, Ranking: ranking,
		Mine: f.mine[supplierID], Relevant: f.counts[supplierID][0], Irrelevant: f.counts[supplierID][1]}
	if !f.scripted {
		b.Script, f.scripted = true, true
	}
	return b
}

// Relevant and Irrelevant are the votes the template compares with.
func (feedbackButtons) VoteRelevant() data.Vote   { return data.VoteRelevant }
func (feedbackButtons) VoteIrrelevant() data.Vote { return data.VoteIrrelevant }

// feedbackVoter identifies who votes: the signed-in account, else the
// browser session. ok is false for a browser without a session yet.
func (s *Server) feedbackVoter(c *fiber.Ctx) (string, bool) {
	if a, ok := s.currentAccount(c); ok {
		return "account:" + a.ID, true
	}
	secret := c.Cookies(csrfCookie)
	if v, ok := c.Locals(localsCSRF).(string); ok {
		secret = v
	}
	if len(secret) < 32 {
		return "", false
	}
	sum := sha256.Sum256([]byte("fabrique feedback voter v1\x00" + secret))
	return "session:" + hex.EncodeToString(sum[:12]), true
}

// newNeedFeedback loads the votes on need t for its shortlist page, ranked
// for trade (a NAF code, "" for all).
func (s *Server) newNeedFeedback(c *fiber.Ctx, t *data.Tender, trade data.NAFCode) (*needFeedback, error) {
	f := &needFeedback{Action: withTrade(needFeedbackPath(t.SourceID), trade), CSRF: s.csrfToken(c),
		mine: map[string]data.Vote{}, counts: map[string][2]int{}}
	voter, _ := s.feedbackVoter(c)
	votes, err := s.store.NeedFeedback(c.UserContext(), t.ID)
	if err != nil {
		return nil, fmt.Errorf("web: feedback of %s: %w", t.ID, err)
	}
	for _, v := range votes {
		n := f.counts[v.SupplierID]
		if v.Vote == data.VoteRelevant {
			n[0]++
		} else {
			n[1]++
		}
		f.counts[v.SupplierID] = n
		if v.Voter == voter {
			f.mine[v.SupplierID] = v.Vote
		}
	}
	return f, nil
}

// feedbackAnswer is the JSON answer to a vote posted by feedback.js.
type feedbackAnswer struct {
	Supplier   string `json:"supplier"`
	Vote       string `json:"vote"` // "" when withdrawn
	Relevant   int    `json:"relevant"`
	Irrelevant int    `json:"irrelevant"`
	Message    string `json:"message"`
}

// needFeedbackSubmit records a vote: form fields supplier, vote
// (pertinent, pas_pertinent or retirer) and ranking, and the query's trade
// (?metier=) as the page had it. Only a supplier the page proposes can be
// judged; any vote can be withdrawn. A form post is sent back to the
// supplier's row of the shortlist (303); a request that accepts JSON gets
// feedbackAnswer.
func (s *Server) needFeedbackSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	t, err := s.findNeed(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	trade, err := tradeOf(tradeParam, c.Query(tradeParam), &t)
	if err != nil {
		return err
	}
	voter, ok := s.feedbackVoter(c)
	if !ok {
		return fmt.Errorf("web: feedback: %w", &data.ValidationError{Field: "session",
			Message: "votre navigateur n'a pas de session : rechargez la page puis recommencez"})
	}
	supplier := strings.TrimSpace(c.FormValue("supplier"))
	vote := strings.TrimSpace(c.FormValue("vote"))
	ranking := idSafe(c.FormValue(rankingField))
	if vote == voteWithdraw {
		err = s.store.DeleteNeedFeedback(ctx, t.ID, supplier, voter)
	} else {
		f := data.NeedFeedback{NeedID: t.ID, SupplierID: supplier, Voter: voter, Vote: data.Vote(vote), At: time.Now().UTC()}
		if err = f.Validate(); err == nil {
			_, err = s.store.Supplier(ctx, supplier)
		}
		if err == nil {
			ranking, err = s.proposedIn(ctx, &t, trade.Code, supplier, ranking)
		}
		if err == nil {
			err = s.store.PutNeedFeedback(ctx, f)
		}
	}
	if errors.Is(err, data.ErrNotFound) {
		err = fmt.Errorf("web: feedback: %w", &data.ValidationError{Field: "supplier", Value: supplier,
			Message: "ce fournisseur est inconnu de l'annuaire"})
	}
	if err != nil {
		return err
	}
	if !strings.Contains(c.Get(fiber.HeaderAccept), fiber.MIMEApplicationJSON) {
		back := withTrade(needURL(t.SourceID), trade)
		if ranking != "" {
			back += "#" + matchRowID(ranking, supplier)
		}
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	ans, err := s.feedbackAnswerOf(ctx, t.ID, supplier)
	if err != nil {
		return err
	}
	if vote != voteWithdraw {
		ans.Vote = vote
		ans.Message = "Merci : avis « " + data.Vote(vote).Label() + " » enregistré."
	} else {
		ans.Message = "Avis retiré."
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(ans)
}

// proposedIn returns the anchor of the ranking of need t's page where
// supplier is proposed, preferring the ranking named want (the row voted
// in: a supplier may be proposed for the whole need and for a lot). The
// page's rankings are computed again as the page does (pageMatchLimit,
// pageMaxLots, the trade chosen), under the matcher's gate: a vote costs a
// ranking, and the buttons are far fewer than the page's views. A supplier
// proposed nowhere is refused (ErrInvalid).
func (s *Server) proposedIn(ctx context.Context, t *data.Tender, trade, supplier, want string) (string, error) {
	if s.index == nil {
		return "", apiStatus(fiber.StatusServiceUnavailable, "supplier", supplier,
			"le classement des fournisseurs n'est pas disponible pour le moment : votre avis n'a pas été enregistré")
	}
	if !s.matchGate.acquire(ctx) {
		return "", apiStatus(fiber.StatusServiceUnavailable, "supplier", supplier,
			"trop de demandes en ce moment : votre avis n'a pas été enregistré, réessayez dans quelques secondes")
	}
	res, _, err := s.rank(ctx, t, pageMatchLimit, pageMaxLots, trade)
	s.matchGate.release()
	if err != nil {
		return "", fmt.Errorf("web: rank %s: %w", t.ID, err)
	}
	found := ""
	for anchor, ms := range rankingAnchors(res) {
		if !slices.ContainsFunc(ms, func(m data.Match) bool { return m.SupplierID == supplier }) {
			continue
		}
		if anchor == want {
			return anchor, nil
		}
		if found == "" {
			found = anchor
		}
	}
	if found == "" {
		return "", fmt.Errorf("web: feedback: %w", &data.ValidationError{Field: "supplier", Value: supplier,
			Message: "ce fournisseur n'est pas proposé pour ce besoin"})
	}
	return found, nil
}

// feedbackAnswerOf counts the votes on one supplier of a need.
func (s *Server) feedbackAnswerOf(ctx context.Context, needID, supplier string) (feedbackAnswer, error) {
	ans := feedbackAnswer{Supplier: supplier}
	votes, err := s.store.NeedFeedback(ctx, needID)
	if err != nil {
		return ans, err
	}
	for _, v := range votes {
		switch {
		case v.SupplierID != supplier:
		case v.Vote == data.VoteRelevant:
			ans.Relevant++
		default:
			ans.Irrelevant++
		}
	}
	return ans, nil
}

// adminFeedbackCSV exports every vote, need by need, for the Alliance.
func (s *Server) adminFeedbackCSV(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var votes []data.NeedFeedback
	if err := s.store.EachNeedFeedback(ctx, "", func(f data.NeedFeedback) error {
		votes = append(votes, f)
		return nil
	}); err != nil {
		return err
	}
	titles, names := map[string]string{}, map[string]string{}
	base := s.baseURL()
	rows := make([][]string, 0, len(votes))
	for _, v := range votes {
		if _, ok := titles[v.NeedID]; !ok {
			t, err := s.store.Tender(ctx, v.NeedID)
			if err != nil && !errors.Is(err, data.ErrNotFound) {
				return err
			}
			titles[v.NeedID] = t.Title
		}
		if _, ok := names[v.SupplierID]; !ok {
			sup, err := s.store.Supplier(ctx, v.SupplierID)
			if err != nil && !errors.Is(err, data.ErrNotFound) {
				return err
			}
			names[v.SupplierID] = sup.Name
		}
		voter, _, _ := strings.Cut(v.Voter, ":")
		if voter == "session" {
			voter = "anonyme"
		} else {
			voter = "compte"
		}
		sourceID := strings.TrimPrefix(v.NeedID, needSource+":")
		rows = append(rows, []string{sourceID, csvText(titles[v.NeedID]), base + needURL(sourceID), v.SupplierID,
			csvText(names[v.SupplierID]), v.Vote.Label(), voter, v.At.UTC().Format(time.RFC3339)})
	}
	return sendCSV(c, s.csvFileName("retours"),
		[]string{"Besoin", "Intitulé", "Liste", "Fournisseur", "Raison sociale", "Avis", "Votant", "Date"}, rows)
}

// feedbackItem is one match of a shortlist with its row's element id and
// its vote buttons, which only a need's page has (Buttons nil elsewhere).
type feedbackItem struct {
	matchView
	RowID   string
	Buttons *feedbackButtons
}

// Item pairs a match of the ranking whose anchor is ranking with its
// buttons; f may be nil (a tender's page).
func (f *needFeedback) Item(m matchView, ranking string) feedbackItem {
	it := feedbackItem{matchView: m, RowID: matchRowID(ranking, m.ID)}
	if f != nil {
		b := f.For(m.ID, m.Name, ranking)
		it.Buttons = &b
	}
	return it
}
