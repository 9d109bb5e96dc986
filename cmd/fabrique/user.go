package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"fabrique/data"
	"fabrique/data/store"
	fmail "fabrique/web/mail"
	"fabrique/web/password"
)

// accountOptions are the options of accounts and mail.
func accountOptions() []option {
	return []option{
		{
			flag: optBehindProxy, env: "FABRIQUE_BEHIND_PROXY", boolean: true,
			help:  "le serveur est derrière un proxy inverse de confiance : X-Forwarded-Proto: https rend les cookies Secure, X-Forwarded-For donne l'adresse du client",
			field: func(c *config) *string { return &c.behindProxy },
			def:   constant(""),
		},
		{
			flag: optTrustedProxies, env: "FABRIQUE_TRUSTED_PROXIES", arg: "ADRESSES",
			help:    "avec --behind-proxy, les adresses du proxy (IP ou réseau, séparées par des virgules : 127.0.0.1,10.0.0.0/8) : seuls leurs en-têtes X-Forwarded-* sont crus ; sans elles, ceux de toute connexion, et le port ne doit être joignable que par le proxy",
			field:   func(c *config) *string { return &c.trustedProxies },
			def:     constant(""),
			display: "toute connexion",
		},
		{
			flag: optSMTPHost, env: "FABRIQUE_SMTP_HOST", arg: "HÔTE",
			help:    "serveur SMTP des courriels ; vide : les courriels restent dans la boîte d'envoi, lisible par les administrateurs à /admin/courriels",
			field:   func(c *config) *string { return &c.smtpHost },
			def:     constant(""),
			display: "aucun (boîte d'envoi)",
		},
		{
			flag: optSMTPPort, env: "FABRIQUE_SMTP_PORT", arg: "PORT",
			help:    "port du serveur SMTP",
			field:   func(c *config) *string { return &c.smtpPort },
			def:     constant(""),
			display: "587 (starttls), 465 (tls), 25 (none)",
		},
		{
			flag: optSMTPUser, env: "FABRIQUE_SMTP_USER", arg: "NOM",
			help:    "identifiant SMTP ; vide : pas d'authentification",
			field:   func(c *config) *string { return &c.smtpUser },
			def:     constant(""),
			display: "aucun",
		},
		{
			flag: optSMTPPassword, env: "FABRIQUE_SMTP_PASSWORD", arg: "MOT-DE-PASSE",
			help:  "mot de passe SMTP ; préférez la variable d'environnement, qu'aucune liste de processus ne montre",
			field: func(c *config) *string { return &c.smtpPassword },
			def:   constant(""),
		},
		{
			flag: optSMTPTLS, env: "FABRIQUE_SMTP_TLS", arg: "MODE",
			help:  "chiffrement SMTP : starttls (exigé), tls (dès la connexion) ou none (relais local seulement)",
			field: func(c *config) *string { return &c.smtpTLS },
			def:   constant(fmail.TLSStartTLS),
		},
		{
			flag: optMailFrom, env: "FABRIQUE_MAIL_FROM", arg: "ADRESSE",
			help:    "expéditeur des courriels, « Fabrique <ne-pas-repondre@exemple.fr> »",
			field:   func(c *config) *string { return &c.mailFrom },
			def:     constant(""),
			display: "Fabrique <ne-pas-repondre@HÔTE de --public-url>",
		},
		{
			flag: optAdmin, boolean: true,
			help:  "user add : le compte est administrateur de l'Alliance",
			field: func(c *config) *string { return &c.admin },
			def:   constant(""),
		},
		{
			flag: optPassword, arg: "MOT-DE-PASSE",
			help:    "user add : le mot de passe du compte ; sans lui, il est demandé sur le terminal (ou lu sur une ligne de l'entrée standard)",
			field:   func(c *config) *string { return &c.password },
			def:     constant(""),
			display: "demandé",
		},
		{
			flag: optReason, arg: "TEXTE",
			help:  "user delete : le motif de la suppression (la demande reçue, sa date, sa référence), gardé au journal sans l'adresse du compte",
			field: func(c *config) *string { return &c.reason },
			def:   constant(""),
		},
	}
}

// validateMail checks the mail options (and --behind-proxy, whose
// environment variable may say 1, yes, oui…).
func (c *config) validateMail() error {
	if err := (boolValue{&c.behindProxy}).Set(c.behindProxy); err != nil {
		return usageErrorf("FABRIQUE_BEHIND_PROXY « %s » : true ou false attendu", c.behindProxy)
	}
	switch c.smtpTLS {
	case "", fmail.TLSStartTLS, fmail.TLSImplicit, fmail.TLSNone:
	default:
		return usageErrorf("--smtp-tls « %s » : starttls, tls ou none", c.smtpTLS)
	}
	if c.smtpPort != "" {
		if n, err := strconv.Atoi(c.smtpPort); err != nil || n < 1 || n > 65535 {
			return usageErrorf("--smtp-port « %s » : numéro de port attendu (1 à 65535)", c.smtpPort)
		}
	}
	if c.mailFrom != "" {
		if _, err := mail.ParseAddress(c.mailFrom); err != nil || strings.ContainsAny(c.mailFrom, "\r\n") {
			return usageErrorf("--mail-from « %s » : adresse électronique attendue, « Fabrique <ne-pas-repondre@exemple.fr> »", c.mailFrom)
		}
	}
	return nil
}

// checkMailLinks refuses to mail over SMTP without a public URL. serve
// then derives its address from the listen address: right for the
// outbox, read at /admin/courriels on that very server, but a loopback or
// wildcard address in a mail that leaves the machine is a dead link (and
// the default sender would be ne-pas-repondre@localhost). alerts send
// asks for it even for the outbox: it listens nowhere (see runAlerts).
func checkMailLinks(p *program) error {
	if p.cfg.smtpHost == "" || p.cfg.publicURL != "" {
		return nil
	}
	msg := "--smtp-host sans adresse publique du site : les liens des courriels (confirmation, mot de passe, revendications, alertes) " +
		"mèneraient à l'adresse d'écoute, que leurs destinataires ne joignent pas ; indiquez-la avec --public-url https://fabrique.exemple.fr " +
		"ou la variable FABRIQUE_PUBLIC_URL"
	if _, port, err := net.SplitHostPort(p.cfg.addr); err == nil && port != "0" {
		msg += " (pour un essai sur cette seule machine, l'adresse d'écoute elle-même : --public-url http://" + p.cfg.addr + ")"
	}
	return usageErrorf("%s", msg)
}

// mailSender builds the SMTP sender of serve, or nil for the store's
// outbox, and says where mail goes, for the log.
func mailSender(p *program) (fmail.Sender, string, error) {
	if p.cfg.smtpHost == "" {
		return nil, "outbox (no --smtp-host): admins read it at /admin/courriels", nil
	}
	from := p.cfg.mailFrom
	if from == "" {
		host := "localhost"
		if u, err := url.Parse(p.cfg.publicURL); err == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
		from = "Fabrique <ne-pas-repondre@" + host + ">"
	}
	port, _ := strconv.Atoi(p.cfg.smtpPort) // checked by validateMail; "" is 0, the default
	snd, err := fmail.NewSMTP(fmail.SMTPConfig{Host: p.cfg.smtpHost, Port: port, User: p.cfg.smtpUser,
		Password: p.cfg.smtpPassword, TLS: p.cfg.smtpTLS, From: from})
	if err != nil {
		return nil, "", &userError{msg: fmt.Sprintf("configuration SMTP : %v", err), err: err}
	}
	return snd, snd.String(), nil
}

func userCommand() command {
	return command{
		name:    "user",
		summary: "gère les comptes : user add [--admin] ADRESSE, user list, user disable ADRESSE, user delete ADRESSE",
		args:    "add|list|disable|enable|delete [ADRESSE]",
		nargs:   oneOrMore,
		help: "user add [--admin] ADRESSE [--password MOT-DE-PASSE]\n" +
			"    crée un compte confirmé (administrateur de l'Alliance avec --admin). Sans\n" +
			"    --password, le mot de passe est demandé sur le terminal, ou lu sur une ligne\n" +
			"    de l'entrée standard. Un mot de passe faible est refusé. Sur un compte\n" +
			"    existant, --admin le rend administrateur (et --password change son mot de passe).\n" +
			"user list\n" +
			"    liste les comptes.\n" +
			"user disable ADRESSE / user enable ADRESSE\n" +
			"    désactive un compte (il ne peut plus se connecter, ses sessions sont\n" +
			"    fermées) ou le réactive.\n" +
			"user delete ADRESSE [--motif TEXTE]\n" +
			"    supprime un compte à la demande de son titulaire (RGPD), comme « Supprimer\n" +
			"    mon compte » sur /compte : le compte, ses sessions, ses alertes, ses\n" +
			"    revendications en cours et sa place dans les équipes ; le journal garde son\n" +
			"    identifiant, sans son adresse. Refusé tant qu'il est le seul responsable\n" +
			"    d'une équipe qui a d'autres membres. Aucun courriel n'est envoyé. --motif\n" +
			"    garde au journal la demande reçue (son moyen, sa date), sans l'adresse.\n" +
			"La base ne doit pas être ouverte par « fabrique serve » : utilisez alors la\n" +
			"page /admin/comptes.",
		options: append([]string{optData, optAdmin, optPassword, optReason}, logOptions...),
		run:     runUser,
	}
}

// userActor signs the command's changes in the audit log.
const userActor = "cli:user"

func runUser(ctx context.Context, p *program, args []string) error {
	verb, rest := args[0], args[1:]
	want := map[string]int{"add": 1, "list": 0, "disable": 1, "enable": 1, "delete": 1}
	n, ok := want[verb]
	if !ok {
		return usageErrorf("user : sous-commande « %s » inconnue (add, list, disable, enable ou delete)", verb)
	}
	if len(rest) != n {
		return usageErrorf("user %s : %s, %s", verb, data.CountFR(n, "argument attendu", "arguments attendus"), data.CountFR(len(rest), "reçu", "reçus"))
	}
	mode := existingStore // list, disable, enable, delete: nothing to do without accounts
	if verb == "add" {
		mode = newStore // the first admin of a new data directory
	}
	st, err := openStore(p.cfg.dataDir, p.log, mode)
	if err != nil {
		return err
	}
	defer st.Close()
	switch verb {
	case "add":
		return userAdd(ctx, p, st, rest[0])
	case "list":
		return userList(ctx, p, st)
	case "delete":
		return userDelete(ctx, p, st, rest[0])
	default:
		return userSetDisabled(ctx, p, st, rest[0], verb == "disable")
	}
}

func userAdd(ctx context.Context, p *program, st *store.Store, email string) error {
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email {
		return usageErrorf("user add : « %s » n'est pas une adresse électronique", email)
	}
	existing, err := st.AccountByEmail(ctx, email)
	found := err == nil
	if err != nil && !errors.Is(err, data.ErrNotFound) {
		return storeError(p.cfg.dataDir, err)
	}
	if found && !on(p.cfg.admin) {
		return &userError{msg: fmt.Sprintf("un compte existe déjà pour %s (--admin pour le rendre administrateur)", email)}
	}
	pw := p.cfg.password
	if pw == "" && !found {
		if pw, err = askPassword(os.Stdin, p.stderr); err != nil {
			return err
		}
	}
	a := existing
	if !found {
		a = data.Account{ID: newAccountID(), Email: email, Role: data.RoleBuyer}
	}
	if pw != "" {
		if why := password.Weakness(pw, email); why != "" {
			return &userError{msg: "mot de passe refusé : " + why}
		}
		if a.PasswordHash, err = password.Hash(pw); err != nil {
			return err
		}
		a.PasswordChangedAt = time.Now().UTC()
	}
	if on(p.cfg.admin) {
		a.Role = data.RoleAdmin
	}
	a.Verified = true
	if err := st.PutAccount(ctx, a, userActor); err != nil {
		return storeError(p.cfg.dataDir, err)
	}
	if pw != "" && found {
		if _, err := st.DeleteSessionsOf(ctx, a.ID, ""); err != nil {
			return storeError(p.cfg.dataDir, err)
		}
	}
	verb := "créé"
	if found {
		verb = "mis à jour"
	}
	label, err := roleLabel(ctx, st, a)
	if err != nil {
		return storeError(p.cfg.dataDir, err)
	}
	fmt.Fprintf(p.stdout, "Compte %s %s (%s).\n", email, verb, label)
	return nil
}

// newAccountID is "a" + 16 random hex digits, like the accounts created
// on the site.
func newAccountID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return "a" + hex.EncodeToString(b)
}

// roleLabel names the account's role in French as the site's account
// pages do (data.Role.Label): « acheteur », « entreprise »…
func roleLabel(ctx context.Context, st *store.Store, a data.Account) (string, error) {
	teams, err := st.MembershipsOf(ctx, a.ID)
	if err != nil {
		return "", err
	}
	return a.Role.Label(len(teams)), nil
}

// askPassword reads the password: twice without echo on a terminal, else
// one line of in (a pipe, a script).
func askPassword(in *os.File, prompt io.Writer) (string, error) {
	fd := int(in.Fd())
	if !term.IsTerminal(fd) {
		return readPasswordLine(in)
	}
	fmt.Fprint(prompt, "Mot de passe (12 caractères au moins) : ")
	first, err := term.ReadPassword(fd)
	fmt.Fprintln(prompt)
	if err != nil {
		return "", fmt.Errorf("lecture du mot de passe : %w", err)
	}
	fmt.Fprint(prompt, "Confirmez le mot de passe : ")
	second, err := term.ReadPassword(fd)
	fmt.Fprintln(prompt)
	if err != nil {
		return "", fmt.Errorf("lecture du mot de passe : %w", err)
	}
	if string(first) != string(second) {
		return "", &userError{msg: "les deux mots de passe diffèrent"}
	}
	return string(first), nil
}

// readPasswordLine reads the first line of r, without its line ending.
func readPasswordLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, password.MaxLength+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("lecture du mot de passe : %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", &userError{msg: "aucun mot de passe donné (--password, le terminal ou une ligne de l'entrée standard)"}
	}
	return line, nil
}

func userList(ctx context.Context, p *program, st *store.Store) error {
	accounts, err := st.Accounts(ctx)
	if err != nil {
		return storeError(p.cfg.dataDir, err)
	}
	if len(accounts) == 0 {
		fmt.Fprintln(p.stdout, "Aucun compte. Créez le premier administrateur : fabrique user add --admin ADRESSE")
		return nil
	}
	w := tabwriter.NewWriter(p.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ADRESSE\tRÔLE\tÉTAT\tCRÉÉ LE")
	for _, a := range accounts {
		state := "actif"
		switch {
		case a.Disabled:
			state = "désactivé"
		case !a.Verified:
			state = "adresse non confirmée"
		}
		label, err := roleLabel(ctx, st, a)
		if err != nil {
			return storeError(p.cfg.dataDir, err)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", a.Email, label, state, a.CreatedAt.Format("2006-01-02"))
	}
	return w.Flush()
}

// userDelete erases an account as its holder would from /compte
// (store.DeleteAccount), for a request the Alliance received otherwise.
func userDelete(ctx context.Context, p *program, st *store.Store, email string) error {
	a, err := st.AccountByEmail(ctx, email)
	if errors.Is(err, data.ErrNotFound) {
		return &userError{msg: fmt.Sprintf("aucun compte pour %s", email), err: err}
	}
	if err != nil {
		return storeError(p.cfg.dataDir, err)
	}
	erased, err := st.DeleteAccount(ctx, a.ID, userActor, p.cfg.reason)
	if errors.Is(err, data.ErrInvalid) {
		return &userError{msg: fmt.Sprintf("motif refusé : %v", err), err: err}
	}
	if errors.Is(err, store.ErrLastOwner) {
		return &userError{msg: fmt.Sprintf("%s est le seul responsable d'une équipe qui a d'autres membres : "+
			"un autre responsable doit être nommé d'abord (page Équipe de l'entreprise)", email), err: err}
	}
	if err != nil {
		return storeError(p.cfg.dataDir, err)
	}
	fmt.Fprintf(p.stdout, "Compte %s supprimé (%s, %s, %s, %s).\n", email,
		data.CountFR(erased.Sessions, "session fermée", "sessions fermées"), data.CountFR(erased.Alerts, "alerte", "alertes"),
		data.CountFR(erased.Claims, "revendication retirée", "revendications retirées"),
		data.CountFR(len(erased.Teams), "équipe quittée", "équipes quittées"))
	return nil
}

func userSetDisabled(ctx context.Context, p *program, st *store.Store, email string, disabled bool) error {
	a, err := st.AccountByEmail(ctx, email)
	if errors.Is(err, data.ErrNotFound) {
		return &userError{msg: fmt.Sprintf("aucun compte pour %s", email), err: err}
	}
	if err != nil {
		return storeError(p.cfg.dataDir, err)
	}
	a.Disabled = disabled
	if err := st.PutAccount(ctx, a, userActor); err != nil {
		return storeError(p.cfg.dataDir, err)
	}
	word := "réactivé"
	if disabled {
		n, err := st.DeleteSessionsOf(ctx, a.ID, "")
		if err != nil {
			return storeError(p.cfg.dataDir, err)
		}
		word = "désactivé (" + data.CountFR(n, "session fermée", "sessions fermées") + ")"
	}
	fmt.Fprintf(p.stdout, "Compte %s %s.\n", email, word)
	return nil
}
