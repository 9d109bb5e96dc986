package web

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/web/password"
)

// Sign-up, confirmation, sign-in (password or e-mailed link), sign-out and
// password reset. Answers never say whether an address has an account:
// the mail does.

// Lifetimes of the one-time links.
const (
	confirmValid = 48 * time.Hour
	resetValid   = time.Hour
	signInValid  = 15 * time.Minute
)

// Paths of the account pages.
const (
	signUpPath  = "/inscription"
	confirmPath = "/inscription/confirmer"
	linkPath    = "/connexion/lien"
	signOutPath = "/deconnexion"
	forgotPath  = "/mot-de-passe-oublie"
	resetPath   = "/mot-de-passe/nouveau"
	accountPath = "/compte"
)

// authPage is the typed page of the sign-up, sign-in, reset and one-time
// link forms (auth.html) and of their notices (notice.html).
type authPage struct {
	Layout
	Form   string // "signup", "signin", "forgot", "reset", "token"
	Email  string
	Name   string
	Next   string // suite=, a local path
	Token  string // the one-time secret, in reset and token forms
	Action string // the token form's target and button
	Button string
	Intro  string
	// AskPassword adds the password field to the token form: confirming an
	// address also proves that one chose the account's password.
	AskPassword bool
	Errors      []formError
	Notice      string // notice.html: what happened, what to do
}

// fieldError adds an error on a field of the form.
func (p *authPage) fieldError(id, label, message string) {
	p.Errors = append(p.Errors, formError{ID: id, Label: label, Message: message})
}

// ErrorFor returns the message of a field, for the template.
func (p *authPage) ErrorFor(id string) string {
	for _, e := range p.Errors {
		if e.ID == id {
			return e.Message
		}
	}
	return ""
}

// durationFR says a link's validity in French.
func durationFR(d time.Duration) string {
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d jours", d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		return pluralFR(int(d/time.Hour), "heure", "heures")
	default:
		return pluralFR(int(d/time.Minute), "minute", "minutes")
	}
}

// alreadyMail is the data of the mail to an address that signed up
// again: the page to come back to after signing in (suite=, checked).
type alreadyMail struct {
	Next string
}

// linkMail is the data of the mails that carry a one-time link.
type linkMail struct {
	Link  string
	Valid string
}

// issueToken stores a one-time token for the account and returns the
// absolute link that uses it; next, a local path or "", is where the link
// leads once used (suite=, checked again by nextPath when it is read).
func (s *Server) issueToken(ctx context.Context, a data.Account, kind data.TokenKind, valid time.Duration, path, next string) (string, error) {
	secret := newSecret()
	now := time.Now().UTC()
	if err := s.store.PutToken(ctx, data.Token{ID: secretHash(secret), Kind: kind, AccountID: a.ID,
		CreatedAt: now, ExpiresAt: now.Add(valid)}); err != nil {
		return "", fmt.Errorf("web: token: %w", err)
	}
	link := s.baseURL() + path + "?jeton=" + secret
	if next = nextPath(next, ""); next != "" {
		link += "&suite=" + url.QueryEscape(next)
	}
	return link, nil
}

// mailedLink is a kind of one-time link sent by mail.
type mailedLink struct {
	kind        data.TokenKind
	valid       time.Duration
	path, mail  string // the page that uses it, the mail template
	addrAction  string // throttle action per client address
	emailAction string // throttle action per address typed
	what        string // « un lien de connexion », for the notice
}

var (
	confirmLink = mailedLink{data.TokenConfirmEmail, confirmValid, confirmPath, "confirm", "signup", "signup-email",
		"un lien d'activation"}
	signInLink = mailedLink{data.TokenSignIn, signInValid, linkPath, "signin", "signin-addr", "signin-link",
		"un lien de connexion"}
	resetLink = mailedLink{data.TokenResetPassword, resetValid, resetPath, "reset", "reset-addr", "reset",
		"un lien pour choisir un nouveau mot de passe"}
)

// mailLink issues a token and mails its link to the account; the link
// carries next, the page to go on to (see issueToken).
func (s *Server) mailLink(ctx context.Context, a data.Account, l mailedLink, next string) error {
	link, err := s.issueToken(ctx, a, l.kind, l.valid, l.path, next)
	if err != nil {
		return err
	}
	return s.sendMail(ctx, a.Email, l.mail, linkMail{Link: link, Valid: durationFR(l.valid)})
}

// readEmail checks an address typed in a form: a bare address, no name.
func readEmail(raw string) (string, string) {
	v := strings.TrimSpace(raw)
	if v == "" {
		return "", "indiquez votre adresse électronique"
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || len(v) > 254 || !strings.Contains(v[strings.LastIndexByte(v, '@'):], ".") {
		return v, "adresse électronique invalide (exemple : prenom.nom@entreprise.fr)"
	}
	return v, ""
}

// readName checks a person's name: optional, short, one line of
// printable characters (a line break is refused, not folded).
func readName(raw string) (string, string) {
	if strings.ContainsFunc(raw, unicode.IsControl) {
		return strings.Join(strings.Fields(raw), " "), "une seule ligne, sans caractères de contrôle"
	}
	v := strings.Join(strings.Fields(raw), " ")
	if utf8.RuneCountInString(v) > 100 {
		return v, "100 caractères au plus"
	}
	return v, ""
}

// audit records an account event with the client's address.
func (s *Server) audit(c *fiber.Ctx, actor, action, entity, detail string) error {
	return s.store.AppendAudit(c.UserContext(), data.AuditEntry{Actor: actor, Action: action, Entity: entity,
		Detail: detail, Addr: s.clientAddr(c)})
}

func (s *Server) renderAuth(c *fiber.Ctx, status int, p *authPage) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	if len(p.Errors) > 0 {
		// A screen reader reads the title first: a form sent back says so
		// there, as every form of the site does.
		p.Title += fieldsToCorrect(len(p.Errors))
	}
	if p.Notice != "" {
		return s.render(c, status, "notice", p)
	}
	return s.render(c, status, "auth", p)
}

func noticePage(title, notice string) *authPage {
	return &authPage{Layout: Layout{Title: title}, Notice: notice}
}

// --- sign-up ---

// signUpForm is the sign-up form; next is the page to go on to once the
// address is confirmed (an invitation, a claim…), a local path or "".
func signUpForm(next string) *authPage {
	p := &authPage{Layout: Layout{Title: "Créer un compte"}, Form: "signup", Next: next, Button: "Créer mon compte"}
	if invitedBy(next) {
		p.Intro = "Créez votre compte avec l'adresse qui a reçu l'invitation : vous rejoindrez ensuite l'équipe qui gère la fiche de l'entreprise."
	}
	return p
}

// invitedBy reports whether the page to come back to after signing in is
// an invitation to a team: the sign-in and sign-up pages then say why the
// visitor is there, since the link of the mail led them to a form that
// says nothing of it.
func invitedBy(next string) bool { return strings.HasPrefix(next, invitationPathPrefix) }

func (s *Server) signUp(c *fiber.Ctx) error {
	return s.renderAuth(c, fiber.StatusOK, signUpForm(nextPath(c.Query("suite"), "")))
}

func (s *Server) signUpSubmit(c *fiber.Ctx) error {
	if err := s.throttle(c, "signup", s.clientAddr(c)); err != nil {
		return err
	}
	p := signUpForm(nextPath(c.FormValue("suite"), ""))
	var msg string
	if p.Email, msg = readEmail(c.FormValue("email")); msg != "" {
		p.fieldError("email", "Adresse électronique", msg)
	}
	if p.Name, msg = readName(c.FormValue("name")); msg != "" {
		p.fieldError("name", "Nom", msg)
	}
	pw := c.FormValue("password")
	if msg = password.Weakness(pw, p.Email); msg != "" {
		p.fieldError("password", "Mot de passe", msg)
	} else if c.FormValue("password2") != pw {
		p.fieldError("password2", "Confirmation du mot de passe", "les deux mots de passe diffèrent")
	}
	if len(p.Errors) > 0 {
		return s.renderAuth(c, fiber.StatusBadRequest, p)
	}
	if err := s.throttle(c, "signup-email", strings.ToLower(p.Email)); err != nil {
		return err
	}
	ctx := c.UserContext()
	done := noticePage("Vérifiez votre messagerie", "Un message vient d'être envoyé à "+p.Email+
		". Ouvrez le lien qu'il contient pour activer votre compte (il est valable "+durationFR(confirmValid)+
		"). Pensez à regarder dans les indésirables.")
	existing, err := s.store.AccountByEmail(ctx, p.Email)
	switch {
	case err == nil && !existing.Verified && !existing.Disabled:
		// Not confirmed yet: nobody has proven this address, so the last
		// sign-up's password wins, and confirming asks for it (confirmSubmit).
		if existing.PasswordHash, err = s.hashPassword(ctx, pw); err != nil {
			return err
		}
		existing.PasswordChangedAt, existing.Name = time.Now().UTC(), p.Name
		if err := s.store.PutAccount(ctx, existing, "web:inscription"); err != nil {
			return err
		}
		if err := s.mailLink(ctx, existing, confirmLink, p.Next); err != nil {
			return err
		}
		return s.renderAuth(c, fiber.StatusOK, done)
	case err == nil:
		if !existing.Disabled {
			// The links lead back to the page the sign-up came from, as
			// the sign-in and reset forms do (suite=, a checked local path).
			if err := s.sendMail(ctx, existing.Email, "already", alreadyMail{Next: p.Next}); err != nil {
				return err
			}
		}
		return s.renderAuth(c, fiber.StatusOK, done)
	case !errors.Is(err, data.ErrNotFound):
		return err
	}
	hash, err := s.hashPassword(ctx, pw)
	if err != nil {
		return err
	}
	a := data.Account{ID: newID("a"), Email: p.Email, Name: p.Name, Role: data.RoleBuyer, PasswordHash: hash,
		PasswordChangedAt: time.Now().UTC()}
	if err := s.store.PutAccount(ctx, a, "web:inscription"); err != nil {
		if errors.Is(err, data.ErrConflict) { // signed up a moment ago
			return s.renderAuth(c, fiber.StatusOK, done)
		}
		return err
	}
	if err := s.mailLink(ctx, a, confirmLink, p.Next); err != nil {
		return err
	}
	return s.renderAuth(c, fiber.StatusOK, done)
}

// --- one-time links: confirmation and sign-in ---

// badLink is the page of an unknown, used or expired link.
func badLink() *authPage {
	return noticePage("Lien invalide ou expiré", "Ce lien n'est plus valable : il a déjà servi ou a expiré. "+
		"Vous pouvez vous connecter, ou demander un nouveau lien depuis la page de connexion.")
}

// tokenPage shows the form of a one-time link (page builds it around the
// secret): a GET never spends the token, so that a mail scanner opening
// the link does not use it up.
func (s *Server) tokenPage(kind data.TokenKind, page func(secret string) *authPage) fiber.Handler {
	return func(c *fiber.Ctx) error {
		secret := c.Query("jeton")
		if _, err := s.store.Token(c.UserContext(), secretHash(secret), kind, time.Now().UTC()); err != nil {
			if errors.Is(err, data.ErrNotFound) {
				return s.renderAuth(c, fiber.StatusNotFound, badLink())
			}
			return err
		}
		c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
		p := page(secret)
		p.Next = nextPath(c.Query("suite"), "")
		return s.renderAuth(c, fiber.StatusOK, p)
	}
}

// tokenForm is the page of a link that only needs a button.
func tokenForm(title, intro, action, button string) func(string) *authPage {
	return func(secret string) *authPage {
		return &authPage{Layout: Layout{Title: title}, Form: "token", Token: secret, Intro: intro, Action: action, Button: button}
	}
}

// pendingAccount returns the account of the token posted with a form,
// without spending it; ok is false when the token is unknown, used or
// expired (the page saying so is sent).
func (s *Server) pendingAccount(c *fiber.Ctx, kind data.TokenKind) (data.Account, bool, error) {
	return s.tokenAccount(c, kind, s.store.Token)
}

// tokenAccount looks the posted token up with find (store.Token, or
// store.UseToken to spend it) and returns its account.
func (s *Server) tokenAccount(c *fiber.Ctx, kind data.TokenKind,
	find func(context.Context, string, data.TokenKind, time.Time) (data.Token, error)) (data.Account, bool, error) {
	ctx := c.UserContext()
	t, err := find(ctx, secretHash(c.FormValue("jeton")), kind, time.Now().UTC())
	if errors.Is(err, data.ErrNotFound) {
		return data.Account{}, false, s.renderAuth(c, fiber.StatusNotFound, badLink())
	}
	if err != nil {
		return data.Account{}, false, err
	}
	a, err := s.store.Account(ctx, t.AccountID)
	return a, err == nil, err
}

// useToken spends the token posted with a form and returns its enabled
// account, marked verified (the link proved the address).
func (s *Server) useToken(c *fiber.Ctx, kind data.TokenKind) (data.Account, bool, error) {
	a, ok, err := s.tokenAccount(c, kind, s.store.UseToken)
	if !ok {
		return data.Account{}, false, err
	}
	ctx := c.UserContext()
	if a.Disabled {
		return data.Account{}, false, s.renderAuth(c, fiber.StatusForbidden, disabledNotice())
	}
	if !a.Verified {
		a.Verified = true
		if kind != data.TokenConfirmEmail {
			// Whoever signed up with this address chose the password, and it
			// may not be its owner (account pre-hijacking): the owner, who
			// proves the address only now, sets a password of their own.
			a.PasswordHash, a.PasswordChangedAt = "", time.Now().UTC()
		}
		if err := s.store.PutAccount(ctx, a, a.ID); err != nil {
			return data.Account{}, false, err
		}
	}
	return a, true, nil
}

func disabledNotice() *authPage {
	return noticePage("Compte désactivé", "Ce compte a été désactivé par l'Alliance. Écrivez-lui si vous pensez qu'il s'agit d'une erreur.")
}

// confirmPage asks for the password chosen at sign-up: the address is
// confirmed by whoever holds both the mail and the password, never by a
// mailbox owner for a password someone else chose.
func confirmPage(secret string) *authPage {
	return &authPage{Layout: Layout{Title: "Confirmer votre adresse"}, Form: "token", Token: secret, AskPassword: true,
		Intro:  "Pour activer votre compte, saisissez le mot de passe choisi à l'inscription.",
		Action: confirmPath, Button: "Confirmer mon adresse"}
}

func (s *Server) confirmSubmit(c *fiber.Ctx) error {
	pending, ok, err := s.pendingAccount(c, data.TokenConfirmEmail)
	if !ok {
		return err
	}
	ctx := c.UserContext()
	key, addr := strings.ToLower(pending.Email), s.clientAddr(c)
	if err := s.throttledNow("login", key); err != nil {
		return err
	}
	if err := s.throttledNow("login-addr", addr); err != nil {
		return err
	}
	match, err := s.checkPassword(ctx, c.FormValue("password"), pending.PasswordHash)
	if err != nil {
		return fmt.Errorf("web: account %s: %w", pending.ID, err)
	}
	if !match {
		s.failedAttempt("login", key)
		s.failedAttempt("login-addr", addr)
		p := confirmPage(c.FormValue("jeton"))
		p.Next = nextPath(c.FormValue("suite"), "")
		p.fieldError("password", "Mot de passe", "mot de passe incorrect ; si vous ne le connaissez pas, choisissez-en un nouveau avec « Mot de passe oublié ? »")
		return s.renderAuth(c, fiber.StatusUnauthorized, p)
	}
	a, ok, err := s.useToken(c, data.TokenConfirmEmail)
	if !ok {
		return err
	}
	if err := s.startSession(c, a); err != nil {
		return err
	}
	if err := s.audit(c, a.ID, "account.confirm", "account:"+a.ID, "adresse confirmée"); err != nil {
		return err
	}
	return c.Redirect(nextPath(c.FormValue("suite"), accountPath+"?fait=bienvenue"), fiber.StatusSeeOther)
}

func (s *Server) linkSubmit(c *fiber.Ctx) error {
	a, ok, err := s.useToken(c, data.TokenSignIn)
	if !ok {
		return err
	}
	if err := s.startSession(c, a); err != nil {
		return err
	}
	if err := s.audit(c, a.ID, "account.signin", "account:"+a.ID, "par lien envoyé par courriel"); err != nil {
		return err
	}
	return c.Redirect(nextPath(c.FormValue("suite"), accountPath), fiber.StatusSeeOther)
}

// --- sign-in and sign-out ---

func signInForm(next string) *authPage {
	p := &authPage{Layout: Layout{Title: "Se connecter"}, Form: "signin", Next: next, Button: "Se connecter"}
	if invitedBy(next) {
		p.Intro = "Vous avez été invité à rejoindre l'équipe qui gère la fiche d'une entreprise : connectez-vous avec l'adresse qui a reçu l'invitation, ou créez votre compte."
	}
	return p
}

func (s *Server) signIn(c *fiber.Ctx) error {
	next := nextPath(c.Query("suite"), "")
	if _, ok := s.currentAccount(c); ok {
		return c.Redirect(nextPath(next, accountPath), fiber.StatusSeeOther)
	}
	return s.renderAuth(c, fiber.StatusOK, signInForm(next))
}

func (s *Server) signInSubmit(c *fiber.Ctx) error {
	p := signInForm(nextPath(c.FormValue("suite"), ""))
	email, msg := readEmail(c.FormValue("email"))
	p.Email = email
	if msg != "" {
		p.fieldError("email", "Adresse électronique", msg)
		return s.renderAuth(c, fiber.StatusBadRequest, p)
	}
	if c.FormValue("action") == "lien" {
		return s.sendLinkTo(c, email, signInLink, p.Next)
	}
	key, addr := strings.ToLower(email), s.clientAddr(c)
	if err := s.throttledNow("login", key); err != nil {
		return err
	}
	if err := s.throttledNow("login-addr", addr); err != nil {
		return err
	}
	ctx := c.UserContext()
	pw := c.FormValue("password")
	a, err := s.store.AccountByEmail(ctx, email)
	if err != nil && !errors.Is(err, data.ErrNotFound) {
		return err
	}
	found := err == nil
	if !found {
		a = data.Account{} // an unknown address is checked as slowly as a known one
	}
	match, err := s.checkPassword(ctx, pw, a.PasswordHash)
	if err != nil {
		return fmt.Errorf("web: account %s: %w", a.ID, err)
	}
	if !match {
		s.failedAttempt("login", key)
		s.failedAttempt("login-addr", addr)
		p.fieldError("password", "Mot de passe", "adresse ou mot de passe incorrect")
		return s.renderAuth(c, fiber.StatusUnauthorized, p)
	}
	if a.Disabled {
		return s.renderAuth(c, fiber.StatusForbidden, disabledNotice())
	}
	if !a.Verified {
		if err := s.throttle(c, "signup-email", key); err != nil {
			return err
		}
		if err := s.mailLink(ctx, a, confirmLink, p.Next); err != nil {
			return err
		}
		return s.renderAuth(c, fiber.StatusForbidden, noticePage("Adresse à confirmer",
			"Votre adresse n'est pas encore confirmée : nous venons de vous renvoyer le lien d'activation à "+a.Email+"."))
	}
	if err := s.startSession(c, a); err != nil {
		return err
	}
	if err := s.audit(c, a.ID, "account.signin", "account:"+a.ID, "par mot de passe"); err != nil {
		return err
	}
	return c.Redirect(nextPath(p.Next, accountPath), fiber.StatusSeeOther)
}

// sendLinkTo mails a one-time link when the address has an enabled
// account, leading on to next; the answer is the same either way.
func (s *Server) sendLinkTo(c *fiber.Ctx, email string, l mailedLink, next string) error {
	if err := s.throttle(c, l.addrAction, s.clientAddr(c)); err != nil {
		return err
	}
	if err := s.throttle(c, l.emailAction, strings.ToLower(email)); err != nil {
		return err
	}
	ctx := c.UserContext()
	a, err := s.store.AccountByEmail(ctx, email)
	switch {
	case err == nil && !a.Disabled:
		if err := s.mailLink(ctx, a, l, next); err != nil {
			return err
		}
	case err != nil && !errors.Is(err, data.ErrNotFound):
		return err
	}
	return s.renderAuth(c, fiber.StatusOK, noticePage("Vérifiez votre messagerie",
		"Si un compte existe pour "+email+", "+l.what+" vient d'y être envoyé. Il est valable "+
			durationFR(l.valid)+" et ne sert qu'une fois."))
}

func (s *Server) signOut(c *fiber.Ctx) error {
	a, signedIn := s.currentAccount(c)
	if err := s.endSession(c); err != nil {
		return err
	}
	if signedIn {
		if err := s.audit(c, a.ID, "account.signout", "account:"+a.ID, ""); err != nil {
			return err
		}
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}

// --- password reset ---

// forgotForm asks for the address to mail a reset link to; next, a local
// path or "", is the page the sign-in was for: the link leads there once
// the new password is set.
func forgotForm(next string) *authPage {
	return &authPage{Layout: Layout{Title: "Mot de passe oublié"}, Form: "forgot", Next: next, Button: "Recevoir un lien"}
}

func (s *Server) forgot(c *fiber.Ctx) error {
	return s.renderAuth(c, fiber.StatusOK, forgotForm(nextPath(c.Query("suite"), "")))
}

func (s *Server) forgotSubmit(c *fiber.Ctx) error {
	p := forgotForm(nextPath(c.FormValue("suite"), ""))
	email, msg := readEmail(c.FormValue("email"))
	p.Email = email
	if msg != "" {
		p.fieldError("email", "Adresse électronique", msg)
		return s.renderAuth(c, fiber.StatusBadRequest, p)
	}
	return s.sendLinkTo(c, email, resetLink, p.Next)
}

func resetForm(secret string) *authPage {
	return &authPage{Layout: Layout{Title: "Nouveau mot de passe"}, Form: "reset", Token: secret, Button: "Enregistrer le mot de passe"}
}

func (s *Server) resetSubmit(c *fiber.Ctx) error {
	a, ok, err := s.pendingAccount(c, data.TokenResetPassword)
	if !ok {
		return err
	}
	p := resetForm(c.FormValue("jeton"))
	p.Next = nextPath(c.FormValue("suite"), "")
	pw := c.FormValue("password")
	if msg := password.Weakness(pw, a.Email); msg != "" {
		p.fieldError("password", "Nouveau mot de passe", msg)
	} else if c.FormValue("password2") != pw {
		p.fieldError("password2", "Confirmation du mot de passe", "les deux mots de passe diffèrent")
	}
	if len(p.Errors) > 0 {
		return s.renderAuth(c, fiber.StatusBadRequest, p)
	}
	a, ok, err = s.useToken(c, data.TokenResetPassword)
	if !ok {
		return err
	}
	if err := s.setPassword(c, a, pw, "mot de passe réinitialisé par lien"); err != nil {
		return err
	}
	return c.Redirect(nextPath(p.Next, accountPath+"?fait=motdepasse"), fiber.StatusSeeOther)
}

// setPassword changes an account's password, ends all its sessions and
// unused reset links, and signs this browser in with a new session.
func (s *Server) setPassword(c *fiber.Ctx, a data.Account, pw, why string) error {
	ctx := c.UserContext()
	hash, err := s.hashPassword(ctx, pw)
	if err != nil {
		return err
	}
	a.PasswordHash, a.PasswordChangedAt = hash, time.Now().UTC()
	if err := s.store.PutAccount(ctx, a, a.ID); err != nil {
		return err
	}
	if _, err := s.store.DeleteSessionsOf(ctx, a.ID, ""); err != nil {
		return err
	}
	if err := s.store.DeleteTokensOf(ctx, a.ID, data.TokenResetPassword); err != nil {
		return err
	}
	c.Locals(localsAccount, nil)
	if err := s.startSession(c, a); err != nil {
		return err
	}
	return s.audit(c, a.ID, "account.password", "account:"+a.ID, why)
}
