package web

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/web/verify"
)

// The Alliance's review desk (/admin): claims with their evidence, to
// accept or refuse; postal letters to print (/admin/courriers); reported
// listings.

// adminClaimView is a claim on the desk.
type adminClaimView struct {
	claimView
	ClaimantJournal string // the journal filtered on the claimant
	Journal         string // the journal of the claim
	CanAccept       bool
	CSRF            string // the page's token, for the forms of the card
	// Reason is the refusal's reason as typed, and ReasonError tells that
	// it was refused: the field is marked, described by the page's error.
	Reason      string
	ReasonError bool
	// ManagedBy are the members of the listing's team, Rivals the other
	// open claims of the listing (« adresse (état) »): accepting a claim
	// of a listing already managed, or claimed by someone else too, makes
	// its author a member beside them; the admin reads it on the card.
	ManagedBy, Rivals []string
}

// adminDeskPage is the typed page of admin.html.
type adminDeskPage struct {
	Layout
	ToDecide      []adminClaimView // documents to review, approvals members have not given
	AwaitingProof []adminClaimView
	LettersQueued int
	Reports       []reportView
	Notice, Error string
}

func adminDeskNotices() map[string]string {
	return map[string]string{
		"accepte": "Revendication acceptée : son auteur gère désormais la fiche et en est informé.",
		"refuse":  "Revendication refusée : son auteur en est informé, avec le motif.",
		"clos":    "Signalement clos.",
	}
}

// adminDesk is the review desk.
func (s *Server) adminDesk(c *fiber.Ctx) error {
	return s.renderDesk(c, fiber.StatusOK, adminDeskNotices()[c.Query("fait")], "", "")
}

// renderDesk renders the desk with a notice or an error; reasonOf, when
// not "", is the claim whose refusal's reason the error is about: its
// field is marked and keeps what was typed.
func (s *Server) renderDesk(c *fiber.Ctx, status int, notice, errMsg, reasonOf string) error {
	ctx := c.UserContext()
	now := time.Now()
	p := &adminDeskPage{Layout: Layout{Title: "Bureau de l'Alliance"}, Notice: notice, Error: errMsg}
	if reasonOf != "" {
		p.Title += fieldsToCorrect(1)
	}
	accounts := map[string]string{}
	email := func(id string) string {
		if e, ok := accounts[id]; ok {
			return e
		}
		a, err := s.store.Account(ctx, id)
		if err != nil {
			a.Email = id
		}
		accounts[id] = a.Email
		return a.Email
	}
	var open []data.Claim
	err := s.store.Claims(ctx, func(cl data.Claim) error {
		if cl.Open() {
			open = append(open, cl)
		}
		if cl.Method == data.ClaimByPost && cl.Status == data.ClaimPending && cl.LetterAt.IsZero() {
			p.LettersQueued++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("web: admin desk: %w", err)
	}
	slices.SortStableFunc(open, func(a, b data.Claim) int { return a.CreatedAt.Compare(b.CreatedAt) })
	token := s.csrfToken(c)
	team := map[string][]string{} // supplier → its members' addresses
	for _, cl := range open {
		sup, err := s.store.Supplier(ctx, cl.SupplierID)
		if err != nil {
			sup = data.Supplier{ID: cl.SupplierID}
		}
		v := adminClaimView{claimView: newClaimView(cl, sup, now), CanAccept: cl.Status != data.ClaimPending, CSRF: token,
			ClaimantJournal: journalPath + "?acteur=" + url.QueryEscape(cl.AccountID),
			Journal:         journalPath + "?objet=" + url.QueryEscape("claim:"+cl.ID)}
		v.Claimant = email(cl.AccountID)
		members, known := team[cl.SupplierID]
		if !known {
			ms, err := s.store.Members(ctx, cl.SupplierID)
			if err != nil {
				return fmt.Errorf("web: admin desk: members of %s: %w", cl.SupplierID, err)
			}
			for _, m := range ms {
				members = append(members, email(m.AccountID))
			}
			team[cl.SupplierID] = members
		}
		v.ManagedBy = members
		for _, other := range open {
			if other.SupplierID == cl.SupplierID && other.ID != cl.ID && other.AccountID != cl.AccountID {
				v.Rivals = append(v.Rivals, email(other.AccountID)+" ("+other.Status.Label()+")")
			}
		}
		if cl.ID == reasonOf {
			v.Reason, v.ReasonError = c.FormValue("reason"), true
		}
		if v.Document != nil {
			v.Document.URL = adminClaimsPath + "/" + url.PathEscape(cl.ID) + "/documents/" + url.PathEscape(cl.Document.ID)
		}
		if v.CanAccept {
			p.ToDecide = append(p.ToDecide, v)
		} else {
			p.AwaitingProof = append(p.AwaitingProof, v)
		}
	}
	reports, err := s.store.Reports(ctx)
	if err != nil {
		return fmt.Errorf("web: admin desk: reports: %w", err)
	}
	for _, r := range reports {
		p.Reports = append(p.Reports, s.newReportView(ctx, r, email))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, status, "admin", p)
}

const adminClaimsPath = "/admin/revendications"

// adminDecide accepts or refuses a claim for the Alliance.
func (s *Server) adminDecide(accept bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		acc, _ := s.currentAccount(c)
		d, msg := readDecision(c, accept, true)
		if msg != "" {
			return s.renderDesk(c, fiber.StatusUnprocessableEntity, "", msg, c.Params("claim"))
		}
		if _, err := s.decideClaim(c, acc, c.Params("claim"), d); err != nil {
			var refused *stepRefused
			if errors.As(err, &refused) {
				return s.renderDesk(c, fiber.StatusConflict, "", refused.msg, "")
			}
			return fmt.Errorf("web: admin decision: %w", err)
		}
		done := "refuse"
		if accept {
			done = "accepte"
		}
		return c.Redirect("/admin?fait="+done, fiber.StatusSeeOther)
	}
}

// adminClaimDocument sends a claim's Kbis extract to an admin: by its
// random id only, as a download of its sniffed type (PDF, PNG or JPEG),
// never rendered by the site's origin.
func (s *Server) adminClaimDocument(c *fiber.Ctx) error {
	doc, content, err := s.store.ClaimDocument(c.UserContext(), c.Params("claim"))
	if err != nil {
		return fmt.Errorf("web: claim document: %w", err)
	}
	if doc.ID != c.Params("doc") {
		return fmt.Errorf("web: claim document %q: %w", c.Params("doc"), data.ErrNotFound)
	}
	ext := ""
	switch doc.Type {
	case verify.TypePDF:
		ext = ".pdf"
	case verify.TypePNG:
		ext = ".png"
	case verify.TypeJPEG:
		ext = ".jpg"
	default:
		return fmt.Errorf("web: claim document of type %q: %w", doc.Type, data.ErrNotFound)
	}
	c.Set(fiber.HeaderContentType, doc.Type)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="kbis-`+c.Params("claim")+ext+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	return c.Send(content)
}

// letterView is one postal letter.
type letterView struct {
	ClaimID, Supplier   string
	Address             []string
	Code, Link, Expires string
	Date                string
	// Requester is the e-mail address of the account that asked, as in
	// the code mail (claimCodeMail): the company can tell who did.
	Requester string
}

// adminLettersPage is the typed page of admin_letters.html.
type adminLettersPage struct {
	Layout
	Queued  []claimView // waiting to be printed
	Sent    []claimView // printed, code still awaited
	Letters []letterView
	Printed bool // the page is the printable letters
}

// adminLetters lists the letters to print and those already sent.
func (s *Server) adminLetters(c *fiber.Ctx) error {
	ctx := c.UserContext()
	now := time.Now()
	p := &adminLettersPage{Layout: Layout{Title: "Courriers à imprimer"}}
	err := s.store.Claims(ctx, func(cl data.Claim) error {
		if cl.Method != data.ClaimByPost || cl.Status != data.ClaimPending {
			return nil
		}
		sup, err := s.store.Supplier(ctx, cl.SupplierID)
		if err != nil {
			sup = data.Supplier{ID: cl.SupplierID}
		}
		if cl.LetterAt.IsZero() {
			p.Queued = append(p.Queued, newClaimView(cl, sup, now))
		} else {
			p.Sent = append(p.Sent, newClaimView(cl, sup, now))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("web: letters: %w", err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, "admin_letters", p)
}

// adminPrintLetters generates the code of every letter waiting to be
// printed and answers them as one printable page, a letter per claim. The
// codes exist only in this answer: the store keeps their hashes, valid
// data.PostalCodeValidity from now.
func (s *Server) adminPrintLetters(c *fiber.Ctx) error {
	ctx := c.UserContext()
	acc, _ := s.currentAccount(c)
	var queued []string
	err := s.store.Claims(ctx, func(cl data.Claim) error {
		if cl.Method == data.ClaimByPost && cl.Status == data.ClaimPending && cl.LetterAt.IsZero() {
			queued = append(queued, cl.ID)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("web: letters: %w", err)
	}
	p := &adminLettersPage{Layout: Layout{Title: "Courriers"}, Printed: true}
	for _, id := range queued {
		code := verify.NewCode()
		now := time.Now()
		cl, err := s.store.UpdateClaim(ctx, id, func(cl *data.Claim) (store.ClaimChange, error) {
			if cl.Method != data.ClaimByPost || cl.Status != data.ClaimPending || !cl.LetterAt.IsZero() {
				return store.ClaimChange{}, errNoChange // printed meanwhile
			}
			cl.LetterAt, cl.CodeExpires, cl.Attempts = now, now.Add(data.PostalCodeValidity), 0
			cl.TokenHash = verify.HashCode(cl.ID, code)
			return s.claimAudit(c, acc.ID, "claim.letter_printed", "courrier imprimé pour "+oneLineAddress(cl.LetterAddress)), nil
		})
		if errors.Is(err, errNoChange) {
			continue
		}
		if err != nil {
			return fmt.Errorf("web: letter of claim %s: %w", id, err)
		}
		sup, err := s.store.Supplier(ctx, cl.SupplierID)
		if err != nil {
			return fmt.Errorf("web: letter of claim %s: %w", id, err)
		}
		requester, err := s.store.Account(ctx, cl.AccountID)
		if errors.Is(err, data.ErrNotFound) {
			continue // deleted meanwhile, which withdrew the claim: no letter
		}
		if err != nil {
			return fmt.Errorf("web: letter of claim %s: account: %w", id, err)
		}
		v := newClaimView(cl, sup, now)
		p.Letters = append(p.Letters, letterView{ClaimID: cl.ID, Supplier: sup.Name, Address: v.Letter, Code: code,
			Link: s.baseURL() + claimURL(cl.ID), Expires: frenchDate(cl.CodeExpires.In(paris())), Date: frenchDate(now.In(paris())),
			Requester: requester.Email})
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, "admin_letters", p)
}
