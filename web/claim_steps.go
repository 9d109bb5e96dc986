package web

import (
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/web/verify"
)

// claimPage is the typed page of claim_status.html: one claim, as its
// claimant follows it.
type claimPage struct {
	Layout
	C             claimView
	Notice, Error string
	// ErrorField is the field the error is about, marked aria-invalid and
	// described by the error: "code", "kbis" or "" (a step that failed).
	ErrorField     string
	MaxDocumentMiB int
	Member         bool // the claimant manages the listing now (by this claim or another)
	Managed        bool // the listing has a team (the claimant in it or not)
}

// claimNotices are the messages shown after a step succeeded, named in
// the redirect (?fait=…) so that nothing typed is reflected.
func claimNotices() map[string]string {
	return map[string]string{
		"code":      "Code accepté.",
		"envoye":    "Un nouveau code a été envoyé.",
		"verifie":   "Preuve vérifiée.",
		"document":  "Document reçu : un administrateur de l'Alliance va l'examiner.",
		"courrier":  "Votre demande de nouveau courrier est enregistrée : il partira avec les prochains envois.",
		"abandonne": "Revendication abandonnée.",
	}
}

// ownClaim returns the claim named in the path if the signed-in account
// made it. Any other claim is "not found": its existence is not revealed.
func (s *Server) ownClaim(c *fiber.Ctx) (data.Account, data.Claim, error) {
	acc, _ := s.currentAccount(c)
	id := c.Params("claim")
	cl, err := s.store.Claim(c.UserContext(), id)
	if err != nil || cl.AccountID != acc.ID {
		return acc, data.Claim{}, fmt.Errorf("web: claim %q of %s: %w", id, acc.ID, data.ErrNotFound)
	}
	return acc, cl, nil
}

// ownClaimAttempt is ownClaim for a step that counts as a claim attempt
// of the account and of the client address (throttleClaim).
func (s *Server) ownClaimAttempt(c *fiber.Ctx) (data.Account, data.Claim, error) {
	acc, cl, err := s.ownClaim(c)
	if err == nil {
		err = s.throttleClaim(c, acc)
	}
	return acc, cl, err
}

// claimStatus shows a claim to its claimant, with the next step.
func (s *Server) claimStatus(c *fiber.Ctx) error {
	_, cl, err := s.ownClaim(c)
	if err != nil {
		return err
	}
	return s.renderClaim(c, fiber.StatusOK, cl, claimNotices()[c.Query("fait")], "")
}

func (s *Server) renderClaim(c *fiber.Ctx, status int, cl data.Claim, notice, errMsg string) error {
	return s.renderClaimPage(c, status, cl, notice, errMsg, "")
}

func (s *Server) renderClaimPage(c *fiber.Ctx, status int, cl data.Claim, notice, errMsg, errField string) error {
	sup, err := s.store.Supplier(c.UserContext(), cl.SupplierID)
	if err != nil {
		return fmt.Errorf("web: claim %s: %w", cl.ID, err)
	}
	members, err := s.store.Members(c.UserContext(), cl.SupplierID)
	if err != nil {
		return fmt.Errorf("web: claim %s: members: %w", cl.ID, err)
	}
	p := &claimPage{Layout: Layout{Title: "Revendication de la fiche de " + sup.Name}, C: newClaimView(cl, sup, time.Now()),
		Notice: notice, Error: errMsg, ErrorField: errField, MaxDocumentMiB: verify.MaxDocumentBytes >> 20, Managed: len(members) > 0,
		Member: slices.ContainsFunc(members, func(m data.Membership) bool { return m.AccountID == cl.AccountID })}
	if errField != "" {
		p.Title += fieldsToCorrect(1)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, status, "claim_status", p)
}

// claimStepFailed shows the claim again with the reason a step failed.
func (s *Server) claimStepFailed(c *fiber.Ctx, claimID, msg string) error {
	return s.claimFieldFailed(c, claimID, "", msg)
}

// claimFieldFailed shows the claim again with the reason a field of a
// step (the code, the Kbis) was refused: the field is marked, and the
// title says so.
func (s *Server) claimFieldFailed(c *fiber.Ctx, claimID, field, msg string) error {
	cl, err := s.store.Claim(c.UserContext(), claimID)
	if err != nil {
		return fmt.Errorf("web: claim %s: %w", claimID, err)
	}
	return s.renderClaimPage(c, fiber.StatusUnprocessableEntity, cl, "", msg, field)
}

// claimDone redirects to the claim's page with a notice.
func claimDone(c *fiber.Ctx, id, notice string) error {
	return c.Redirect(claimURL(id)+"?fait="+notice, fiber.StatusSeeOther)
}

// stepRefused is a claim step refused for a reason shown to the claimant.
type stepRefused struct{ msg string }

func (e *stepRefused) Error() string { return "web: claim step refused: " + e.msg }

// updateOwnClaim runs a step on the claimant's claim; a stepRefused from
// fn is shown on the claim's page.
func (s *Server) updateOwnClaim(c *fiber.Ctx, cl data.Claim, fn func(*data.Claim) (store.ClaimChange, error)) (data.Claim, bool, error) {
	out, err := s.store.UpdateClaim(c.UserContext(), cl.ID, fn)
	var refused *stepRefused
	if errors.As(err, &refused) {
		return out, false, s.claimStepFailed(c, cl.ID, refused.msg)
	}
	if err != nil {
		return out, false, fmt.Errorf("web: claim %s: %w", cl.ID, err)
	}
	return out, true, nil
}

// claimEnterCode checks the e-mailed or posted code. Wrong codes count
// against the claim (data.MaxCodeAttempts) and, through the throttle,
// against the account and the client address.
func (s *Server) claimEnterCode(c *fiber.Ctx) error {
	acc, cl, err := s.ownClaim(c)
	if err != nil {
		return err
	}
	addrKey := "addr:" + s.clientAddr(c)
	for _, k := range []string{"account:" + acc.ID, addrKey} {
		if err := s.throttledNow("claim-code", k); err != nil {
			return err
		}
	}
	typed := c.FormValue("code")
	members, err := s.store.Members(c.UserContext(), cl.SupplierID)
	if err != nil {
		return fmt.Errorf("web: claim %s: members: %w", cl.ID, err)
	}
	wrong := false
	out, ok, err := s.updateOwnClaim(c, cl, func(cl *data.Claim) (store.ClaimChange, error) {
		now := time.Now()
		if cl.Method != data.ClaimByEmailDomain && cl.Method != data.ClaimByPost || cl.Status != data.ClaimPending {
			return store.ClaimChange{}, &stepRefused{"Cette revendication n'attend pas de code."}
		}
		switch {
		case cl.TokenHash == "":
			return store.ClaimChange{}, &stepRefused{"Aucun code n'a encore été envoyé pour cette revendication."}
		case !now.Before(cl.CodeExpires):
			return store.ClaimChange{}, &stepRefused{"Ce code a expiré : demandez-en un nouveau."}
		case cl.Attempts >= data.MaxCodeAttempts:
			return store.ClaimChange{}, &stepRefused{"Trop de codes erronés : demandez un nouveau code."}
		}
		if !verify.CodeMatches(cl.TokenHash, cl.ID, typed) {
			wrong = true
			cl.Attempts++
			return s.claimAudit(c, acc.ID, "claim.code_wrong", fmt.Sprintf("code erroné (%d/%d)", cl.Attempts, data.MaxCodeAttempts)), nil
		}
		proof := "code reçu à " + cl.Email
		if cl.Method == data.ClaimByPost {
			proof = "code reçu par courrier à " + oneLineAddress(cl.LetterAddress)
		}
		return s.claimAudit(c, acc.ID, proveClaim(cl, proof, len(members), now), proof), nil
	})
	if !ok {
		return err
	}
	if wrong {
		s.failedAttempt("claim-code", "account:"+acc.ID)
		s.failedAttempt("claim-code", addrKey)
		left := data.MaxCodeAttempts - out.Attempts
		msg := "Code erroné : encore " + pluralFR(left, "essai", "essais") + "."
		if left <= 0 {
			msg = "Code erroné. Trop de codes erronés : demandez un nouveau code."
		}
		return s.claimFieldFailed(c, cl.ID, "code", msg)
	}
	if err := s.afterProof(c, out); err != nil {
		return err
	}
	return claimDone(c, cl.ID, "code")
}

// proveClaim records on cl that its proof succeeded: it is accepted, or
// waits for a member's approval when the listing has members. It returns
// the audit action.
func proveClaim(cl *data.Claim, proof string, members int, now time.Time) string {
	cl.ProvenAt, cl.Proof, cl.TokenHash, cl.Attempts = now, proof, "", 0
	if members > 0 {
		cl.Status, cl.NeedsApproval = data.ClaimApproval, true
		return "claim.proven"
	}
	cl.Status, cl.DecidedAt, cl.DecidedBy = data.ClaimVerified, now, "system"
	return "claim.verified"
}

// afterProof makes the claimant a member of an accepted claim's company,
// or tells the current members a claim awaits their approval.
func (s *Server) afterProof(c *fiber.Ctx, cl data.Claim) error {
	if cl.Status == data.ClaimVerified {
		return s.grantMembership(c, cl, cl.AccountID)
	}
	if cl.Status == data.ClaimApproval {
		// The proof is recorded: a mail that cannot leave is logged, and
		// the reminders (RemindPendingClaims) will tell the members.
		if err := s.mailMembers(c.UserContext(), cl, "claim_approval", "", time.Now()); err != nil {
			s.cfg.Logger.ErrorContext(c.UserContext(), "claim approval mail failed", "claim", cl.ID, "err", err)
		}
	}
	return nil
}

// claimResend e-mails a new code (e-mail proof), voiding the previous one.
func (s *Server) claimResend(c *fiber.Ctx) error {
	acc, cl, err := s.ownClaimAttempt(c)
	if err != nil {
		return err
	}
	var code string
	out, ok, err := s.updateOwnClaim(c, cl, func(cl *data.Claim) (store.ClaimChange, error) {
		if cl.Method != data.ClaimByEmailDomain || cl.Status != data.ClaimPending {
			return store.ClaimChange{}, &stepRefused{"Cette revendication n'attend pas de code par courriel."}
		}
		code = verify.NewCode()
		cl.TokenHash, cl.CodeExpires, cl.Attempts = verify.HashCode(cl.ID, code), time.Now().Add(emailCodeValidity), 0
		return s.claimAudit(c, acc.ID, "claim.code_sent", "nouveau code envoyé à "+cl.Email), nil
	})
	if !ok {
		return err
	}
	sup, err := s.store.Supplier(c.UserContext(), out.SupplierID)
	if err != nil {
		return fmt.Errorf("web: claim %s: %w", out.ID, err)
	}
	if err := s.mailClaimCode(c.UserContext(), out, sup, code); err != nil {
		return err
	}
	return claimDone(c, cl.ID, "envoye")
}

// claimCheck looks for the claim's token on the website (via=site) or in
// the DNS (via=dns).
func (s *Server) claimCheck(c *fiber.Ctx) error {
	acc, cl, err := s.ownClaimAttempt(c)
	if err != nil {
		return err
	}
	if cl.Method != data.ClaimByWebsiteFile || cl.Status != data.ClaimPending {
		return s.claimStepFailed(c, cl.ID, "Cette revendication n'attend pas de vérification du site.")
	}
	d := verify.Domain{Name: cl.Domain, Site: cl.Site, Source: cl.DomainSource}
	checker := verify.NewChecker(s.cfg.Verify)
	var proof string
	switch c.FormValue("via") {
	case "dns":
		err, proof = checker.CheckDNS(c.UserContext(), d, cl.Token), "enregistrement TXT du domaine "+cl.Domain
	default:
		err, proof = checker.CheckWebsite(c.UserContext(), d, cl.Token), "jeton publié à "+cl.Site+verify.WellKnownPath
	}
	if err != nil {
		if aerr := s.audit(c, acc.ID, "claim.check_failed", "claim:"+cl.ID, refusalText(err)); aerr != nil {
			return aerr
		}
		return s.claimStepFailed(c, cl.ID, "La vérification a échoué : "+refusalText(err)+".")
	}
	members, err := s.store.Members(c.UserContext(), cl.SupplierID)
	if err != nil {
		return fmt.Errorf("web: claim %s: members: %w", cl.ID, err)
	}
	out, ok, err := s.updateOwnClaim(c, cl, func(cl *data.Claim) (store.ClaimChange, error) {
		if cl.Status != data.ClaimPending {
			return store.ClaimChange{}, &stepRefused{"Cette revendication n'attend plus de vérification."}
		}
		return s.claimAudit(c, acc.ID, proveClaim(cl, proof, len(members), time.Now()), proof), nil
	})
	if !ok {
		return err
	}
	if err := s.afterProof(c, out); err != nil {
		return err
	}
	return claimDone(c, cl.ID, "verifie")
}

// claimUpload receives the Kbis extract (multipart field "kbis"), checks
// its type from its bytes and keeps it for review.
func (s *Server) claimUpload(c *fiber.Ctx) error {
	acc, cl, err := s.ownClaimAttempt(c)
	if err != nil {
		return err
	}
	if cl.Method != data.ClaimByDocument || (cl.Status != data.ClaimPending && cl.Status != data.ClaimReview) {
		return s.claimStepFailed(c, cl.ID, "Cette revendication n'attend pas de document.")
	}
	fh, err := c.FormFile("kbis")
	if err != nil {
		return s.claimFieldFailed(c, cl.ID, "kbis", "Choisissez le fichier de l'extrait Kbis.")
	}
	if fh.Size > verify.MaxDocumentBytes {
		return s.renderClaim(c, fiber.StatusRequestEntityTooLarge, cl, "", kbisTooLarge()) // claim_upload_limit.go
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("web: claim %s: open upload: %w", cl.ID, err)
	}
	content, err := io.ReadAll(io.LimitReader(f, verify.MaxDocumentBytes+1))
	_ = f.Close()
	if err != nil {
		return fmt.Errorf("web: claim %s: read upload: %w", cl.ID, err)
	}
	mimeType, ext, err := verify.SniffDocument(content)
	if err != nil {
		return s.claimFieldFailed(c, cl.ID, "kbis", "Document refusé : "+refusalText(err)+".")
	}
	_, ok, err := s.updateOwnClaim(c, cl, func(cl *data.Claim) (store.ClaimChange, error) {
		if cl.Status != data.ClaimPending && cl.Status != data.ClaimReview {
			return store.ClaimChange{}, &stepRefused{"Cette revendication n'attend plus de document."}
		}
		cl.Status = data.ClaimReview
		cl.Document = &data.ClaimDocument{ID: verify.NewToken(), Type: mimeType, Name: displayFileName(fh.Filename, ext),
			Size: len(content), UploadedAt: time.Now()}
		ch := s.claimAudit(c, acc.ID, "claim.document", "extrait Kbis déposé ("+documentTypeName(mimeType)+", "+byteSize(len(content))+")")
		ch.Document = content
		return ch, nil
	})
	if !ok {
		return err
	}
	return claimDone(c, cl.ID, "document")
}

// displayFileName keeps an uploaded file's name for display only: its
// base name, printable characters, bounded, with the extension of the
// sniffed type.
func displayFileName(name, ext string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) && r != '"' {
			return r
		}
		return -1
	}, name)
	name = strings.TrimSuffix(name, path.Ext(name))
	if r := []rune(name); len(r) > 80 {
		name = string(r[:80])
	}
	if name == "" || name == "." {
		name = "kbis"
	}
	return name + ext
}

// claimNewLetter puts a postal claim whose code expired or was worn out
// back in the queue of letters to print.
func (s *Server) claimNewLetter(c *fiber.Ctx) error {
	acc, cl, err := s.ownClaimAttempt(c)
	if err != nil {
		return err
	}
	_, ok, err := s.updateOwnClaim(c, cl, func(cl *data.Claim) (store.ClaimChange, error) {
		if cl.Method != data.ClaimByPost || cl.Status != data.ClaimPending {
			return store.ClaimChange{}, &stepRefused{"Cette revendication n'attend pas de courrier."}
		}
		if cl.LetterAt.IsZero() {
			return store.ClaimChange{}, &stepRefused{"Le courrier n'est pas encore parti : inutile d'en demander un autre."}
		}
		if cl.CodeUsable(time.Now()) {
			return store.ClaimChange{}, &stepRefused{"Le code du courrier envoyé est encore valable : saisissez-le."}
		}
		cl.LetterAt, cl.TokenHash, cl.CodeExpires, cl.Attempts = time.Time{}, "", time.Time{}, 0
		return s.claimAudit(c, acc.ID, "claim.letter_requested", "nouveau courrier demandé"), nil
	})
	if !ok {
		return err
	}
	return claimDone(c, cl.ID, "courrier")
}

// claimWithdraw ends the claimant's own open claim.
func (s *Server) claimWithdraw(c *fiber.Ctx) error {
	acc, cl, err := s.ownClaim(c)
	if err != nil {
		return err
	}
	_, ok, err := s.updateOwnClaim(c, cl, func(cl *data.Claim) (store.ClaimChange, error) {
		if !cl.Open() {
			return store.ClaimChange{}, &stepRefused{"Cette revendication est déjà close."}
		}
		cl.Status, cl.TokenHash = data.ClaimWithdrawn, ""
		return s.claimAudit(c, acc.ID, "claim.withdraw", "abandonnée par son auteur"), nil
	})
	if !ok {
		return err
	}
	return claimDone(c, cl.ID, "abandonne")
}
