package web

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/store"
)

// maxReasonRunes bounds the reason of a decision.
const maxReasonRunes = 1000

// grantMembership makes the claimant of an accepted claim a member of the
// company: its owner when the listing had no member, else a member. The
// supplier remembers who claimed it first (data.Supplier.ClaimedBy).
func (s *Server) grantMembership(c *fiber.Ctx, cl data.Claim, actor string) error {
	ctx := c.UserContext()
	members, err := s.store.Members(ctx, cl.SupplierID)
	if err != nil {
		return fmt.Errorf("web: claim %s: members: %w", cl.ID, err)
	}
	role := data.MemberOwner
	for _, m := range members {
		if m.AccountID == cl.AccountID {
			role = "" // already a member (invited meanwhile): keep the role it has
			break
		}
		role = data.MemberMember
	}
	if role != "" {
		m := data.Membership{SupplierID: cl.SupplierID, AccountID: cl.AccountID, Role: role, Via: "claim:" + cl.ID}
		if err := s.store.AddMember(ctx, m, actor); err != nil {
			return fmt.Errorf("web: claim %s: add member: %w", cl.ID, err)
		}
	}
	sup, err := s.store.Supplier(ctx, cl.SupplierID)
	if err != nil {
		return fmt.Errorf("web: claim %s: %w", cl.ID, err)
	}
	if sup.ClaimedBy == "" {
		sup.ClaimedBy = cl.AccountID
		if err := s.store.PutSupplier(ctx, sup, actor); err != nil {
			return fmt.Errorf("web: claim %s: mark the listing claimed: %w", cl.ID, err)
		}
	}
	return nil
}

// claimMail is the data of the claim mails.
type claimMail struct {
	Supplier, Claimant, Method, Proof, Reason, Link string
	Accepted                                        bool
	Days                                            int
}

// mailMembers writes mail name about claim cl to every current member of
// its company but its claimant; link is the page the mail leads to, the
// member's claims when "".
func (s *Server) mailMembers(ctx context.Context, cl data.Claim, name, link string, now time.Time) error {
	members, err := s.store.Members(ctx, cl.SupplierID)
	if err != nil {
		return fmt.Errorf("web: claim %s: members: %w", cl.ID, err)
	}
	sup, claimant, err := s.claimParties(ctx, cl)
	if err != nil {
		return err
	}
	d := claimMail{Supplier: sup.Name, Claimant: claimant.Email, Method: cl.Method.Label(), Proof: cl.Proof,
		Link: s.baseURL() + claimsPath, Days: int(now.Sub(cl.ProvenAt) / (24 * time.Hour))}
	if link != "" {
		d.Link = s.baseURL() + link
	}
	for _, m := range members {
		if m.AccountID == cl.AccountID {
			continue
		}
		a, err := s.store.Account(ctx, m.AccountID)
		if err != nil {
			return fmt.Errorf("web: claim %s: member %s: %w", cl.ID, m.AccountID, err)
		}
		if a.Disabled {
			continue
		}
		if err := s.sendMail(ctx, a.Email, name, d); err != nil {
			return err
		}
	}
	return nil
}

// claimParties returns the supplier a claim is about and its claimant.
func (s *Server) claimParties(ctx context.Context, cl data.Claim) (data.Supplier, data.Account, error) {
	sup, err := s.store.Supplier(ctx, cl.SupplierID)
	if err != nil {
		return sup, data.Account{}, fmt.Errorf("web: claim %s: %w", cl.ID, err)
	}
	claimant, err := s.store.Account(ctx, cl.AccountID)
	if err != nil {
		return sup, claimant, fmt.Errorf("web: claim %s: claimant: %w", cl.ID, err)
	}
	return sup, claimant, nil
}

// decision is an accept or refuse of a claim by a member or an admin.
type decision struct {
	accept bool
	reason string
	admin  bool // the Alliance decides; else a member of the company
}

// notAwaitingDecision says why a claim cannot be decided any more, in the
// words of the person who clicked: most often another approver, or the
// Alliance, decided first.
func notAwaitingDecision(cl *data.Claim) string {
	if !cl.Open() {
		when := ""
		if !cl.DecidedAt.IsZero() {
			when = " le " + parisDate(cl.DecidedAt)
		}
		return "Cette demande a déjà été " + cl.Status.Label() + when + " : il n'y a plus rien à décider."
	}
	return "Cette demande n'attend pas encore de décision : elle en est à l'étape « " + cl.Status.Label() + " »."
}

// decideClaim accepts or refuses claim id for actor, then makes the
// claimant a member (accepted) and tells the claimant. A member decides
// only claims awaiting approval; an admin also those under review, and may
// refuse any open claim.
func (s *Server) decideClaim(c *fiber.Ctx, actor data.Account, id string, d decision) (data.Claim, error) {
	out, err := s.store.UpdateClaim(c.UserContext(), id, func(cl *data.Claim) (store.ClaimChange, error) {
		allowed := []data.ClaimStatus{data.ClaimApproval}
		if d.admin {
			allowed = append(allowed, data.ClaimReview)
			if !d.accept {
				allowed = append(allowed, data.ClaimPending)
			}
		}
		if !slices.Contains(allowed, cl.Status) {
			return store.ClaimChange{}, &stepRefused{notAwaitingDecision(cl)}
		}
		now := time.Now()
		cl.DecidedAt, cl.DecidedBy, cl.Reason, cl.TokenHash = now, actor.ID, d.reason, ""
		who := "un membre de l'entreprise"
		if d.admin {
			who = "l'Alliance"
		}
		if d.accept {
			cl.Status = data.ClaimVerified
			if cl.ProvenAt.IsZero() { // a document accepted on review
				cl.ProvenAt, cl.Proof = now, "extrait Kbis examiné par l'Alliance"
			}
			return s.claimAudit(c, actor.ID, "claim.accept", "acceptée par "+who+withReason(d.reason)), nil
		}
		cl.Status = data.ClaimRejected
		return s.claimAudit(c, actor.ID, "claim.refuse", "refusée par "+who+withReason(d.reason)), nil
	})
	if err != nil {
		return out, err
	}
	if d.accept {
		if err := s.grantMembership(c, out, actor.ID); err != nil {
			return out, err
		}
	}
	// The decision is recorded: a mail that cannot leave is logged, not
	// shown to the one who decided as a failure.
	if err := s.mailDecision(c.UserContext(), out, d); err != nil {
		s.cfg.Logger.ErrorContext(c.UserContext(), "claim decision mail failed", "claim", out.ID, "err", err)
	}
	// A listing already managed gets a member its team did not approve
	// when the Alliance accepts: the team is told, and shown the way to
	// remove someone who is not of the company. (A member who approves
	// knows it; the listing's first manager has no one to tell.)
	if d.accept && d.admin {
		if err := s.mailMembers(c.UserContext(), out, "claim_joined", companyURL(out.SupplierID)+"/equipe", time.Now()); err != nil {
			s.cfg.Logger.ErrorContext(c.UserContext(), "claim joined mail failed", "claim", out.ID, "err", err)
		}
	}
	return out, nil
}

func withReason(r string) string {
	if r == "" {
		return ""
	}
	return " : " + r
}

// mailDecision tells the claimant the claim was accepted or refused, and
// why.
func (s *Server) mailDecision(ctx context.Context, cl data.Claim, d decision) error {
	sup, claimant, err := s.claimParties(ctx, cl)
	if err != nil {
		return err
	}
	return s.sendMail(ctx, claimant.Email, "claim_decided", claimMail{Supplier: sup.Name, Accepted: d.accept,
		Reason: d.reason, Method: cl.Method.Label(), Link: s.baseURL() + claimURL(cl.ID)})
}

// readDecision reads the decision form: the reason is required to refuse.
func readDecision(c *fiber.Ctx, accept, admin bool) (decision, string) {
	reason := strings.TrimSpace(strings.ReplaceAll(c.FormValue("reason"), "\r\n", "\n"))
	d := decision{accept: accept, reason: reason, admin: admin}
	switch {
	case !accept && reason == "":
		return d, "Indiquez le motif du refus : il est transmis à l'auteur de la demande."
	case len([]rune(reason)) > maxReasonRunes:
		return d, "Le motif est trop long (1 000 caractères au plus)."
	case strings.ContainsFunc(reason, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' }):
		return d, "Le motif contient des caractères non autorisés."
	}
	return d, ""
}

// claimsListPage is the typed page of claims.html: the account's claims
// and those awaiting its approval as a member.
type claimsListPage struct {
	Layout
	Mine     []claimView
	ToDecide []claimView
	Notice   string
	Error    string
	// ReasonOf is the claim whose refusal's reason the error is about,
	// Reason what was typed: its field is marked and keeps it.
	ReasonOf, Reason string
}

// myClaims lists the account's claims and the claims of its companies
// that await its approval.
func (s *Server) myClaims(c *fiber.Ctx) error {
	return s.renderMyClaims(c, fiber.StatusOK, memberNotices()[c.Query("fait")], "", "")
}

func memberNotices() map[string]string {
	return map[string]string{
		"approuve": "Demande approuvée : la personne gère désormais la fiche avec vous.",
		"refuse":   "Demande refusée : son auteur en est informé.",
	}
}

// renderMyClaims renders the claims with a notice or an error; reasonOf,
// when not "", is the claim whose refusal's reason the error is about.
func (s *Server) renderMyClaims(c *fiber.Ctx, status int, notice, errMsg, reasonOf string) error {
	ctx := c.UserContext()
	acc, _ := s.currentAccount(c)
	now := time.Now()
	p := &claimsListPage{Layout: Layout{Title: "Revendications"}, Notice: notice, Error: errMsg}
	if reasonOf != "" {
		p.ReasonOf, p.Reason = reasonOf, c.FormValue("reason")
		p.Title += fieldsToCorrect(1)
	}
	mine, err := s.store.ClaimsByAccount(ctx, acc.ID)
	if err != nil {
		return fmt.Errorf("web: claims of %s: %w", acc.ID, err)
	}
	suppliers := map[string]data.Supplier{}
	supplier := func(id string) data.Supplier {
		if sup, ok := suppliers[id]; ok {
			return sup
		}
		sup, err := s.store.Supplier(ctx, id)
		if err != nil {
			sup = data.Supplier{ID: id}
		}
		suppliers[id] = sup
		return sup
	}
	slices.SortFunc(mine, func(a, b data.Claim) int { return b.CreatedAt.Compare(a.CreatedAt) })
	for _, cl := range mine {
		p.Mine = append(p.Mine, newClaimView(cl, supplier(cl.SupplierID), now))
	}
	waiting, err := s.claimsAwaiting(ctx, acc.ID)
	if err != nil {
		return err
	}
	for _, cl := range waiting {
		v := newClaimView(cl, supplier(cl.SupplierID), now)
		if a, err := s.store.Account(ctx, cl.AccountID); err == nil {
			v.Claimant = a.Email
		}
		p.ToDecide = append(p.ToDecide, v)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, status, "claims", p)
}

// claimsAwaiting returns the claims of the account's companies that wait
// for a member's approval, made by others.
func (s *Server) claimsAwaiting(ctx context.Context, accountID string) ([]data.Claim, error) {
	ms, err := s.store.MembershipsOf(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("web: memberships of %s: %w", accountID, err)
	}
	var out []data.Claim
	for _, m := range ms {
		cls, err := s.store.ClaimsBySupplier(ctx, m.SupplierID)
		if err != nil {
			return nil, fmt.Errorf("web: claims of %s: %w", m.SupplierID, err)
		}
		for _, cl := range cls {
			if cl.Status == data.ClaimApproval && cl.AccountID != accountID {
				out = append(out, cl)
			}
		}
	}
	slices.SortFunc(out, func(a, b data.Claim) int { return a.ProvenAt.Compare(b.ProvenAt) })
	return out, nil
}

// memberDecide is a member's approval (accept) or refusal of a claim of
// their company. A claim of another company is "not found".
func (s *Server) memberDecide(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		acc, _ := s.currentAccount(c)
		id := c.Params("claim")
		cl, err := s.store.Claim(ctx, id)
		if err != nil {
			return fmt.Errorf("web: claim %q: %w", id, data.ErrNotFound)
		}
		member, err := s.store.IsMember(ctx, acc.ID, cl.SupplierID)
		if err != nil {
			return fmt.Errorf("web: claim %s: membership: %w", id, err)
		}
		if !member || cl.AccountID == acc.ID {
			return fmt.Errorf("web: claim %s: %s is not a member deciding: %w", id, acc.ID, data.ErrNotFound)
		}
		d, msg := readDecision(c, accept, false)
		if msg != "" {
			return s.renderMyClaims(c, fiber.StatusUnprocessableEntity, "", msg, c.Params("claim"))
		}
		if _, err := s.decideClaim(c, acc, id, d); err != nil {
			var refused *stepRefused
			if errors.As(err, &refused) {
				return s.renderMyClaims(c, fiber.StatusConflict, "", refused.msg, "")
			}
			return fmt.Errorf("web: claim %s: %w", id, err)
		}
		notice := "refuse"
		if accept {
			notice = "approuve"
		}
		return c.Redirect(claimsPath+"?fait="+notice, fiber.StatusSeeOther)
	}
}
