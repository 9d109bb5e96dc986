package web

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/web/verify"
)

// Claiming a listing: an account proves it represents the company by one
// of the proofs that fit it (web/verify), then becomes a member; when the
// listing already has members, one of them or an admin approves first.
// Every step writes the audit log with the client's address.

const (
	claimsPath = "/compte/revendications"
	// emailCodeValidity is how long an e-mailed code may be entered.
	emailCodeValidity = 24 * time.Hour
)

// proofOption is one proof on the claim page: whether it fits the company
// and, if not, why.
type proofOption struct {
	Method      string
	Title       string
	Explanation string
	Fits        bool
	Why         string // why it does not fit
	Domain      string // e-mail and website proofs: the sourced domain, a host name
	Site        string // website proof: the site whose well-known file counts
	Source      string // where the domain comes from
	Address     string // postal proof: where the letter goes
}

// establishmentOption is a SIRET the claimant may name.
type establishmentOption struct {
	SIRET, Address string
	HeadOffice     bool
	Selected       bool
}

// claimStartPage is the typed page of claim.html.
type claimStartPage struct {
	Layout
	ID, Name, SupplierURL, Action string
	Managed, Member, Unverified   bool
	OpenClaim                     string // URL of the account's open claim of this listing
	Options                       []proofOption
	Establishments                []establishmentOption
	Method, Local                 string // as typed, shown again after an error
	Error                         string
	mine                          []data.Claim // the account's claims, of every listing
	// ErrorField is the field the error is about, marked aria-invalid and
	// described by the error: "method", "local", "siret" or "" (none).
	ErrorField string
}

// loadSupplierForClaim reads the supplier named in the path; a SIRET
// names the establishment too.
func (s *Server) loadSupplierForClaim(c *fiber.Ctx) (data.Supplier, string, error) {
	id := c.Params("id")
	if !supplierIDRe.MatchString(id) {
		return data.Supplier{}, "", fmt.Errorf("web: claim %q: %w", id, data.ErrNotFound)
	}
	sup, err := s.findSupplier(c.UserContext(), id)
	if err != nil {
		return data.Supplier{}, "", err
	}
	siret := ""
	if len(id) == 14 {
		siret = id
	}
	if v := strings.TrimSpace(c.FormValue("siret")); v != "" {
		siret = v
	}
	return sup, siret, nil
}

// supplierClaim is « Revendiquer la fiche »: the proofs that fit this
// company, why the others do not, and the form to start a claim.
func (s *Server) supplierClaim(c *fiber.Ctx) error {
	sup, siret, err := s.loadSupplierForClaim(c)
	if err != nil {
		return err
	}
	if sup.ID != c.Params("id") && siret == "" {
		return c.Redirect(supplierURL(sup.ID)+"/revendiquer", fiber.StatusMovedPermanently)
	}
	acc, _ := s.currentAccount(c)
	p, err := s.claimStart(c.UserContext(), sup, acc, siret)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, "claim", p)
}

func (s *Server) claimStart(ctx context.Context, sup data.Supplier, acc data.Account, siret string) (*claimStartPage, error) {
	p := &claimStartPage{Layout: Layout{Title: "Revendiquer la fiche de " + sup.Name}, ID: sup.ID, Name: sup.Name,
		SupplierURL: supplierURL(sup.ID), Action: supplierURL(sup.ID) + "/revendiquer", Unverified: !acc.Verified}
	members, err := s.store.Members(ctx, sup.ID)
	if err != nil {
		return nil, fmt.Errorf("web: claim %s: members: %w", sup.ID, err)
	}
	p.Managed = len(members) > 0
	for _, m := range members {
		p.Member = p.Member || m.AccountID == acc.ID
	}
	mine, err := s.store.ClaimsByAccount(ctx, acc.ID)
	if err != nil {
		return nil, fmt.Errorf("web: claim %s: claims of %s: %w", sup.ID, acc.ID, err)
	}
	p.mine = mine
	for _, cl := range mine {
		if cl.SupplierID == sup.ID && cl.Open() {
			p.OpenClaim = claimURL(cl.ID)
		}
	}
	p.Options = proofOptions(sup, siret)
	for _, o := range p.Options { // the first proof that fits is proposed
		if o.Fits {
			p.Method = o.Method
			break
		}
	}
	for _, e := range sup.Establishments {
		if data.ValidSIRET(e.SIRET) != nil {
			continue
		}
		p.Establishments = append(p.Establishments, establishmentOption{SIRET: e.SIRET, Address: oneLineAddress(e.Address),
			HeadOffice: e.HeadOffice, Selected: e.SIRET == siret})
	}
	return p, nil
}

// proofOptions lists the four proofs for sup, each saying whether it fits.
func proofOptions(sup data.Supplier, siret string) []proofOption {
	email := proofOption{Method: string(data.ClaimByEmailDomain), Title: "Un code envoyé à une adresse de l'entreprise",
		Explanation: "Fabrique envoie un code à usage unique à l'adresse de votre choix sur le domaine du site web de l'entreprise, tel qu'une source l'a publié."}
	site := proofOption{Method: string(data.ClaimByWebsiteFile), Title: "Un jeton publié sur le site ou dans le DNS",
		Explanation: "Vous publiez un jeton à l'adresse " + verify.WellKnownPath + " du site de l'entreprise ou dans un enregistrement TXT de son domaine ; Fabrique vérifie sa présence."}
	if d, err := verify.SourcedDomain(sup); err != nil {
		email.Why, site.Why = refusalText(err), refusalText(err)
	} else {
		email.Fits, email.Domain, email.Source = true, d.Name, sourceInSentence(d.Source)
		site.Fits, site.Domain, site.Site, site.Source = true, d.Name, d.Site, sourceInSentence(d.Source)
	}
	post := proofOption{Method: string(data.ClaimByPost), Title: "Un code envoyé par courrier",
		Explanation: "L'Alliance envoie par la poste un code à l'adresse de l'établissement inscrite au registre ; il est valable 30 jours."}
	if a, err := verify.PostalAddress(sup, siret); err != nil {
		post.Why = refusalText(err)
	} else {
		post.Fits, post.Address = true, oneLineAddress(a)
	}
	doc := proofOption{Method: string(data.ClaimByDocument), Fits: true, Title: "Un extrait Kbis de moins de trois mois",
		Explanation: "Vous déposez l'extrait (PDF, PNG ou JPEG, 4 Mo au plus) ; un administrateur de l'Alliance l'examine."}
	return []proofOption{email, site, post, doc}
}

// refusalText is the French reason of a verify or validation error.
func refusalText(err error) string {
	var ve *data.ValidationError
	if errors.As(err, &ve) && ve.Message != "" {
		return ve.Message
	}
	return "cette preuve n'est pas possible pour cette entreprise"
}

// refusalSentence is refusalText standing on its own, as in the error box
// of the claim form: « Indiquez seulement la partie avant « @ »… ». The
// verify reasons are written to follow « Impossible : » or « … : ».
func refusalSentence(err error) string {
	msg := refusalText(err)
	r, n := utf8.DecodeRuneInString(msg)
	return string(unicode.ToUpper(r)) + msg[n:] + "."
}

// claimBegin starts a claim with the proof chosen (POST
// /fournisseurs/{id}/revendiquer).
func (s *Server) claimBegin(c *fiber.Ctx) error {
	ctx := c.UserContext()
	acc, _ := s.currentAccount(c)
	sup, siret, err := s.loadSupplierForClaim(c)
	if err != nil {
		return err
	}
	if err := s.throttleClaim(c, acc); err != nil {
		return err
	}
	p, err := s.claimStart(ctx, sup, acc, siret)
	if err != nil {
		return err
	}
	p.Method, p.Local = c.FormValue("method"), strings.TrimSpace(c.FormValue("local"))
	fail := func(field, msg string) error {
		p.Error, p.ErrorField = msg, field
		if field != "" {
			p.Title += fieldsToCorrect(1)
		}
		return s.render(c, fiber.StatusUnprocessableEntity, "claim", p)
	}
	switch {
	case !acc.Verified:
		return fail("", "Confirmez d'abord votre adresse électronique (lien reçu par courriel) : une revendication demande un compte confirmé.")
	case p.Member:
		return fail("", "Vous gérez déjà cette fiche.")
	case siret != "" && !hasEstablishment(sup, siret):
		return fail("siret", "Ce SIRET n'est pas un établissement connu de l'entreprise.")
	}
	method, err := data.ParseClaimMethod(p.Method)
	if err != nil {
		return fail("method", "Choisissez une des preuves proposées.")
	}
	now := time.Now()
	cl := data.Claim{ID: newID("c"), SupplierID: sup.ID, AccountID: acc.ID, Method: method, Status: data.ClaimPending}
	cl.SIRET = siret
	var code string
	switch method {
	case data.ClaimByEmailDomain, data.ClaimByWebsiteFile:
		d, err := verify.SourcedDomain(sup)
		if err != nil {
			return fail("method", refusalSentence(err))
		}
		cl.Domain, cl.DomainSource, cl.Site = d.Name, d.Source, d.Site
		if method == data.ClaimByWebsiteFile {
			cl.Token = verify.NewToken()
			break
		}
		if cl.Email, err = verify.MailAddress(p.Local, d); err != nil {
			return fail("local", refusalSentence(err))
		}
		code = verify.NewCode()
		cl.TokenHash, cl.CodeExpires = verify.HashCode(cl.ID, code), now.Add(emailCodeValidity)
	case data.ClaimByPost:
		a, err := verify.PostalAddress(sup, siret)
		if err != nil {
			return fail("method", refusalSentence(err))
		}
		cl.LetterAddress = a
	}
	// The same claim sent again (a double click, the back button) goes on
	// with the open one: a new claim would void the code just mailed, the
	// token perhaps already published, or queue a second letter.
	if open, ok := sameOpenClaim(p.mine, cl); ok {
		return c.Redirect(claimURL(open.ID), fiber.StatusSeeOther)
	}
	if err := s.withdrawOpenClaims(c, acc, sup.ID); err != nil {
		return err
	}
	detail := "fiche " + sup.ID + ", preuve : " + method.Label() + claimEvidence(&cl)
	if err := s.store.RecordClaim(ctx, cl, s.claimAudit(c, acc.ID, "claim.create", detail).Audit); err != nil {
		return fmt.Errorf("web: claim %s: %w", sup.ID, err)
	}
	if code != "" {
		if err := s.mailClaimCode(ctx, cl, sup, code); err != nil {
			return err
		}
	}
	return c.Redirect(claimURL(cl.ID), fiber.StatusSeeOther)
}

// sameOpenClaim returns the open claim among mine that asks for the same
// listing with the same proof: same method, establishment, address or
// domain. Starting a claim with another proof still replaces it.
func sameOpenClaim(mine []data.Claim, cl data.Claim) (data.Claim, bool) {
	for _, old := range mine {
		if old.Open() && old.SupplierID == cl.SupplierID && old.Method == cl.Method && old.SIRET == cl.SIRET &&
			strings.EqualFold(old.Email, cl.Email) && old.Domain == cl.Domain && old.LetterAddress == cl.LetterAddress {
			return old, true
		}
	}
	return data.Claim{}, false
}

func hasEstablishment(sup data.Supplier, siret string) bool {
	for _, e := range sup.Establishments {
		if e.SIRET == siret {
			return true
		}
	}
	return false
}

// claimEvidence describes the evidence of a claim for the audit log.
func claimEvidence(cl *data.Claim) string {
	switch cl.Method {
	case data.ClaimByEmailDomain:
		return ", code envoyé à " + cl.Email + " (domaine " + cl.Domain + ", source " + cl.DomainSource + ")"
	case data.ClaimByWebsiteFile:
		return ", jeton pour " + cl.Site + " (source " + cl.DomainSource + ")"
	case data.ClaimByPost:
		return ", courrier à " + oneLineAddress(cl.LetterAddress)
	}
	return ""
}

// throttleClaim counts a claim attempt of the account and of the client
// address.
func (s *Server) throttleClaim(c *fiber.Ctx, acc data.Account) error {
	if err := s.throttle(c, "claim", "account:"+acc.ID); err != nil {
		return err
	}
	return s.throttle(c, "claim", "addr:"+s.clientAddr(c))
}

// claimAudit is the audit entry of a claim step made by actor from this
// request's client address.
func (s *Server) claimAudit(c *fiber.Ctx, actor, action, detail string) store.ClaimChange {
	return store.ClaimChange{Audit: data.AuditEntry{Actor: actor, Action: action, Detail: detail, Addr: s.clientAddr(c)}}
}

// withdrawOpenClaims ends the account's open claims of a supplier: a new
// claim replaces them.
func (s *Server) withdrawOpenClaims(c *fiber.Ctx, acc data.Account, supplierID string) error {
	mine, err := s.store.ClaimsByAccount(c.UserContext(), acc.ID)
	if err != nil {
		return fmt.Errorf("web: claims of %s: %w", acc.ID, err)
	}
	for _, old := range mine {
		if old.SupplierID != supplierID || !old.Open() {
			continue
		}
		_, err := s.store.UpdateClaim(c.UserContext(), old.ID, func(cl *data.Claim) (store.ClaimChange, error) {
			if !cl.Open() {
				return store.ClaimChange{}, errNoChange
			}
			cl.Status, cl.TokenHash = data.ClaimWithdrawn, ""
			return s.claimAudit(c, acc.ID, "claim.withdraw", "remplacée par une nouvelle revendication"), nil
		})
		if err != nil && !errors.Is(err, errNoChange) {
			return fmt.Errorf("web: withdraw claim %s: %w", old.ID, err)
		}
	}
	return nil
}

// errNoChange aborts an UpdateClaim that has nothing to do.
var errNoChange = errors.New("web: claim unchanged")

// claimCodeMail is the data of the claim_code mail.
type claimCodeMail struct {
	Supplier, Code, Valid, Link string
	// Requester is the e-mail address of the account that asked, so that
	// a recipient who did not can tell who did.
	Requester string
}

func (s *Server) mailClaimCode(ctx context.Context, cl data.Claim, sup data.Supplier, code string) error {
	acc, err := s.store.Account(ctx, cl.AccountID)
	if err != nil {
		return fmt.Errorf("web: claim %s: account: %w", cl.ID, err)
	}
	return s.sendMail(ctx, cl.Email, "claim_code", claimCodeMail{Supplier: sup.Name, Code: code,
		Valid: "24 heures", Link: s.baseURL() + claimURL(cl.ID), Requester: acc.Email})
}
