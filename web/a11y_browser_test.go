package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"fabrique/data"
)

// axeScript is axe-core (Deque, MPL-2.0), vendored as test data
// (web/js/README.md). The test evaluates it in each page through the
// DevTools protocol: the site never serves it.
const axeScript = "testdata/vendor/axe.min.js"

// axeTags are the rules the audit runs: WCAG 2.0 and 2.1, levels A and
// AA, the level the RGAA (the French public services' standard) requires.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeViolation is one rule a page breaks, with the nodes that break it.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []axeNode
}

type axeNode struct {
	Target, HTML, Summary string
}

// auditedPage is a page the audit opens, as the visitor who sees it.
type auditedPage struct {
	name  string // says what it is, in failures
	path  string
	phone bool // audited at a phone's width too: pages with tables or wide content
}

// a11yWorld is a server holding what every kind of user sees, filled in:
// the real EPV companies and a rich supplier; tenders in every state and a
// real eForms notice with lots; a buyer's need with its shortlist; awards
// and history for the observatory; a PMI member with her company, an
// alert, claims going both ways, an invitation to her team; a colleague
// alone in charge of a team, whose account cannot be deleted yet; a letter to
// print, a reported listing and a mail in the outbox for the Alliance's
// desk; the links of mails (unsubscribe, invitation). The pages to audit
// are listed by who sees them.
type a11yWorld struct {
	s                     *testServer
	anonymous, pmi, admin []auditedPage
	invite                string // the path of Bruno's invitation to Claire's team
	company               string // the path of Claire's company's pages
	claimed               string // the id of the listing Claire claims
	alert                 string // the id of Claire's first alert
	unsubscribe           string // the path of the unsubscribe link of her second
}

// a11yPassword is every account's password in the audit.
const a11yPassword = "un long mot de passe pour l'audit"

const (
	a11yPMI   = "claire.morel@tolerie-comtoise.example"
	a11yAdmin = "alliance@exemple.fr"
	a11yBruno = "bruno.petit@atelier.test"
	// a11yDora is the only « responsable » of a team Bruno is in: her
	// account cannot be deleted before she names another.
	a11yDora = "dora.roux@chaudronnerie-jura.example"
	// a11yThrottled is an address whose reset links were asked for as
	// often as allowed.
	a11yThrottled = "oubli.repete@exemple.fr"
)

func newA11yWorld(t *testing.T) *a11yWorld {
	t.Helper()
	ctx := context.Background()
	rich, managed := richSupplier(), pmiCompany()
	// The website's source is known: a claim may prove itself by a mail to
	// its domain, and its form asks for the address.
	rich.SetProvenance(data.FieldWebsite, data.Provenance{Source: "epv", FetchedAt: testClock})
	managed.CPVDeclared = []string{"45421000"}
	managed.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaFrance}
	siren := luhnComplete("80000017")
	addr := data.ResolveAddress(data.Address{Street: "17 rue des Forges", Postcode: "25000", Commune: "Besançon"})
	byPost := data.Supplier{ID: siren, SIREN: siren, Name: "Forges de Besançon", Address: addr, NAF: "25.50A",
		Establishments: []data.Establishment{{SIRET: luhnComplete(siren + "0001"), HeadOffice: true, Address: addr, Valid: true}}}
	s := newSearchServer(t, Config{RateLimit: RateLimit{PerSecond: -1}, FormRateLimit: RateLimit{PerSecond: -1}}, rich, managed, byPost)
	must := func(what string, r response, want int) {
		t.Helper()
		if r.status != want {
			t.Fatalf("%s: status %d, want %d\n%.2000s", what, r.status, want, r.body)
		}
	}

	// Buyers: tenders, lots, a need and its shortlist.
	tenders := listTenders()
	tenders[0].PublishedAt = testClock.Add(-48 * time.Hour) // Claire's alert's preview (last week) lists it
	putTenders(t, s, tenders...)
	lots := loadNotice(t, "cn_24_FRA_comments.xml")
	lots.Deadline = inDays(15)
	// A prior-information notice that fits the managed company: its page,
	// its badge in the lists and the company's « achats annoncés ».
	pin := data.Tender{ID: "ted:pin-a11y", Source: "ted", SourceID: "pin-a11y", NoticeType: "pin-only",
		Title: "Menuiseries de la médiathèque (pré-information)", CPV: "45421000", Buyer: data.Buyer{Name: "Ville de Lyon"},
		Place: data.Place{Departement: "69"}, PublishedAt: testClock.AddDate(0, 0, -10)}
	putTenders(t, s, lots, pin)
	r := s.postForm(t, needFormPath, validNeedForm())
	must("need", r, http.StatusSeeOther)
	need := r.header.Get("Location")

	// The observatory: awards and three days of history.
	putObservatoryAwards(t, s)
	for i, day := range []string{"2026-04-13", "2026-04-14", "2026-04-15"} {
		snap := data.StatsSnapshot{Day: day, Suppliers: 1291, Holding: 1010 + i, OpenTenders: 2 + i, TendersNone: 1,
			Awards: 4, AwardsLabelled: 1 + i%2, Labels: map[data.LabelType]data.LabelStateCounts{data.LabelEPV: {Valid: 900 + i}}}
		if err := s.store.PutStatsSnapshot(ctx, snap); err != nil {
			t.Fatal(err)
		}
	}

	// A PMI member: her company, edited once; an alert; a tender set
	// aside; her claim of another listing, its Kbis awaiting the Alliance;
	// another person's claim of her company, awaiting her approval.
	createAccount(t, s, a11yAdmin, a11yPassword, data.RoleAdmin)
	claire := createAccount(t, s, a11yPMI, a11yPassword, data.RoleSupplier)
	if err := s.store.AddMember(ctx, data.Membership{SupplierID: managed.ID, AccountID: claire.ID, Role: data.MemberOwner,
		Since: testClock, Via: "admin"}, "test"); err != nil {
		t.Fatal(err)
	}
	alert, err := s.store.PutAlertProfile(ctx, data.AlertProfile{AccountID: claire.ID, Name: "Menuiserie en Bretagne",
		Keywords: "menuiserie", Departements: []string{"35", "29"}, CPV: []data.AlertCPV{{Code: "45421000", WithChildren: true}},
		Frequency: data.AlertDaily, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	member := signIn(t, s, a11yPMI, a11yPassword)
	dash := companyURL(managed.ID)
	must("presentation", member.post(t, dash+"/fiche/presentation", url.Values{"description": {"Tôlerie fine et armoires électriques sur mesure, de la pièce unique à la série."},
		"produits": {"Armoires électriques\nCapots et carters"}}), http.StatusSeeOther)
	must("pas pour nous", member.post(t, dash+"/appels-d-offres/pas-pour-nous", url.Values{"tender": {"boamp:26-2"}}), http.StatusSeeOther)
	claim := beginClaim(t, member, rich, url.Values{"method": {"document"}})
	must("Kbis", upload(t, member, claimURL(claim)+"/document", "kbis.pdf", []byte(samplePDF)), http.StatusSeeOther)
	bruno := createAccount(t, s, a11yBruno, a11yPassword, data.RoleSupplier)
	if err := s.store.PutClaim(ctx, data.Claim{ID: newID("c"), SupplierID: managed.ID, AccountID: bruno.ID,
		Method: data.ClaimByEmailDomain, Status: data.ClaimApproval, CreatedAt: testClock}, "test"); err != nil {
		t.Fatal(err)
	}

	// Dora manages a company with Bruno: the deletion of her account
	// waits until she names another « responsable ».
	jura := data.Supplier{ID: luhnComplete("80000033"), SIREN: luhnComplete("80000033"), Name: "Chaudronnerie du Jura",
		Address: data.ResolveAddress(data.Address{Street: "2 rue du Pasquier", Postcode: "39000", Commune: "Lons-le-Saunier"})}
	if err := s.store.PutSupplier(ctx, jura, "test"); err != nil {
		t.Fatal(err)
	}
	dora := createAccount(t, s, a11yDora, a11yPassword, data.RoleSupplier)
	for _, m := range []data.Membership{{SupplierID: jura.ID, AccountID: dora.ID, Role: data.MemberOwner},
		{SupplierID: jura.ID, AccountID: bruno.ID, Role: data.MemberMember}} {
		if err := s.store.AddMember(ctx, m, "test"); err != nil {
			t.Fatal(err)
		}
	}

	// The Alliance's desk: a claim by post, a reported listing, a mail.
	other := signIn(t, s, a11yBruno, a11yPassword)
	beginClaim(t, other, byPost, url.Values{"method": {"post"}, "siret": {byPost.Establishments[0].SIRET}})
	must("report", other.post(t, supplierURL(rich.ID)+"/signaler", url.Values{"reason": {"L'adresse de l'atelier a changé en 2025."}}), http.StatusOK)
	must("forgotten password", newClient(s).post(t, forgotPath, url.Values{"email": {a11yPMI}}), http.StatusOK)
	reset := outboxLink(t, s, a11yPMI, resetPath)
	newcomer := "dora.lefebvre@atelier.test"
	must("sign-up", newClient(s).post(t, signUpPath, url.Values{"name": {"Dora Lefebvre"}, "email": {newcomer},
		"password": {a11yPassword}, "password2": {a11yPassword}}), http.StatusOK)
	confirm := outboxLink(t, s, newcomer, confirmPath)

	// Claire invites Bruno to her team: his invitation page, and the page
	// of someone else who opens his link (the admin, who is not in the
	// team: a member would be sent to the team's page).
	must("invitation", member.post(t, dash+"/equipe/inviter", url.Values{"email": {a11yBruno}}), http.StatusSeeOther)
	invite := outboxLink(t, s, a11yBruno, "/compte/invitations/")
	must("the invitation, opened by another account", signIn(t, s, a11yAdmin, a11yPassword).get(t, invite), http.StatusForbidden)
	// The link of a digest mail that stops an alert, and one of a deleted
	// alert; the alert is not Claire's first, whose pages the PMI's pass
	// audits while the visitor's stops this one.
	second, err := s.store.PutAlertProfile(ctx, data.AlertProfile{AccountID: claire.ID, Name: "Serrurerie dans le Doubs",
		Keywords: "serrurerie", Departements: []string{"25"}, Frequency: data.AlertWeekly, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	unsubscribe, err := s.store.NewAlertToken(ctx, second.ID, data.AlertTokenUnsubscribe)
	if err != nil {
		t.Fatal(err)
	}
	// Reset links asked for one address as often as allowed: the next ask
	// (the limit-th within the window) gets « Trop de tentatives » (429).
	for range throttleRules()["reset"].limit - 1 {
		must("forgotten password, again", newClient(s).post(t, forgotPath, url.Values{"email": {a11yThrottled}}), http.StatusOK)
	}

	w := &a11yWorld{s: s, invite: invite, company: dash, claimed: rich.ID, alert: alert.ID, unsubscribe: unsubscribePath + "/" + unsubscribe}
	w.anonymous = []auditedPage{
		{"accueil", "/", true},
		{"recherche avec résultats et filtres", "/recherche?q=menuiserie", true},
		{"recherche filtrée autour d'une commune", "/recherche?q=ébénisterie&near=Rennes+(35)&radius_km=100&label=EPV", false},
		{"recherche sans résultat", "/recherche?q=zzzyyyxxx&near=Lyon&radius_km=10&label=OFG", false},
		{"recherche en erreur", "/recherche?q=atelier&near=zzzzzz", false},
		{"rapport de sourcing", "/recherche/rapport?q=ébénisterie&departement=44&departement=35", true},
		{"fiche fournisseur", supplierURL(rich.ID), false},
		{"fiche fournisseur EPV avec marchés", supplierURL(epvCompanies(t, s, true, 1)[0].ID), true},
		{"signaler une fiche", supplierURL(rich.ID) + "/signaler", false},
		{"nouveau besoin", needFormPath, false},
		{"liste de fournisseurs d'un besoin", need, true},
		{"rapport d'un besoin", need + "/rapport", false},
		{"appels d'offres", "/appels-d-offres", false},
		{"appels d'offres filtrés, avec leurs facettes", "/appels-d-offres?q=menuiserie&state=all", false},
		{"appels d'offres en erreur", "/appels-d-offres?cpv=99999999", false},
		{"appel d'offres à lots", tenderURL(&lots), true},
		{"avis de pré-information", tenderURL(&pin), false},
		{"appel d'offres et ses fournisseurs", tenderURL(&listTenders()[0]), true},
		{"rapport d'un appel d'offres", tenderURL(&lots) + "/rapport", false},
		{"observatoire", "/observatoire", false}, // at a phone's width as an admin, who sees more
		{"API", "/api", true},
		{"inscription", signUpPath, false},
		{"connexion", signInPath, false},
		{"mot de passe oublié", forgotPath, false},
		{"confirmer son adresse (lien du courriel)", confirm, false},
		{"nouveau mot de passe (lien du courriel)", reset, false},
		{"page introuvable", "/nulle-part", false},
		{"compte supprimé", deletedPath, false},
		{"se désinscrire d'une alerte (lien du courriel)", w.unsubscribe, false},
		{"alerte supprimée (lien du courriel)", unsubscribePath + "/" + strings.Repeat("x", 43), false},
	}
	w.pmi = []auditedPage{
		{"compte", accountPath, false},
		{"revendiquer une fiche", supplierURL(rich.ID) + "/revendiquer", false},
		{"revendications", claimsPath, true},
		{"une revendication", claimURL(claim), false},
		{"entreprises du compte", "/compte/entreprises", false},
		{"tableau de bord de l'entreprise", dash, false},
		{"appels d'offres pour l'entreprise", dash + "/appels-d-offres", false},
		{"historique de la fiche", dash + "/versions", true},
		{"équipe", dash + "/equipe", false},
		{"quitter l'entreprise", dash + "/quitter", false},
		{"alertes", alertsPath, false},
		{"une alerte", alertURL(alert.ID), false},
		{"supprimer une alerte", alertURL(alert.ID) + "/supprimer", false},
	}
	for _, sec := range listingSections {
		w.pmi = append(w.pmi, auditedPage{"fiche : " + sec.Title, dash + "/fiche/" + sec.Name, false})
	}
	w.admin = []auditedPage{
		{"administration", "/admin", true},
		{"courriers", "/admin/courriers", false},
		{"journal", journalPath, true},
		{"comptes", "/admin/comptes", false},
		{"courriels", "/admin/courriels", false},
		{"supprimer un compte", adminDeletePath(bruno.ID), false},
		{"supprimer un compte : nommer un responsable d'abord", adminDeletePath(dora.ID), false},
		{"appels d'offres écartés", "/admin/appels-d-offres/signaux", false},
		{"observatoire (administrateurs)", "/observatoire", true},
		{"invitation envoyée à une autre adresse", invite, false}, // the admin is not in the team Claire invites to
	}
	return w
}

// outboxLink returns the path and query of the link to path (or under it,
// when path ends with a slash) in the mail to an address in the store's
// outbox (the handler that sends it writes it there before it answers).
func outboxLink(t *testing.T, s *testServer, to, path string) string {
	t.Helper()
	mails, err := s.store.Outbox(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mails {
		for _, l := range linkRe.FindAllString(m.Text, -1) {
			if u, err := url.Parse(l); err == nil && m.To == to && (u.Path == path || strings.HasSuffix(path, "/") && strings.HasPrefix(u.Path, path)) {
				return u.RequestURI()
			}
		}
	}
	t.Fatalf("no mail to %s with a link to %s in the outbox (%d mails)", to, path, len(mails))
	return ""
}

// auditor runs axe-core, and the checks axe cannot make, in the pages a
// browser opens.
type auditor struct {
	*buyer
	source     string
	violations map[string]int    // rule → nodes, over every page
	audits     int               // pages and states audited
	titles     map[string]string // title → the first page's path that had it
}

// open loads a page and waits until it is whole.
func (a *auditor) open(p auditedPage) {
	a.t.Helper()
	a.navigatingBy("open "+p.name, chromedp.Navigate(a.base+p.path))
}

// audit runs axe-core's WCAG 2.1 A and AA rules in the page shown and
// reports each violation: rule, impact, and each node's selector and HTML.
func (a *auditor) audit(name string) {
	a.t.Helper()
	if !eval[bool](a.buyer, "axe present", `typeof window.axe === "object"`) {
		eval[bool](a.buyer, "inject axe-core", a.source+"\n;true")
	}
	a.audits++
	tags, _ := json.Marshal(axeTags)
	vs := eval[[]axeViolation](a.buyer, "axe.run on "+name, `axe.run(document, {runOnly: {type: "tag", values: `+string(tags)+`},
		resultTypes: ["violations"]}).then(r => r.violations.map(v => ({ID: v.id, Impact: v.impact || "", Help: v.help,
		Nodes: v.nodes.map(n => ({Target: n.target.flat(Infinity).join(" "), HTML: n.html, Summary: n.failureSummary || ""}))})))`,
		chromedp.EvalAwaitPromise)
	for _, v := range vs {
		a.violations[v.ID] += len(v.Nodes)
		var b strings.Builder
		fmt.Fprintf(&b, "%s (%s): axe %s, %s: %s", name, a.location().RequestURI(), v.ID, v.Impact, v.Help)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n\t%s\n\t\t%.300s\n\t\t%s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n\t\t"))
		}
		a.t.Error(b.String())
	}
	if len(vs) > 0 {
		a.screenshot("axe-" + strings.Join(strings.Fields(name), "-"))
	}
}

// pageFacts is what the checks by hand read of a page.
type pageFacts struct {
	Title, H1, Current string // Current: the navigation's entry for the page
	Nav                bool   // a navigation block that a skip link lets one pass
	// First is the element the first Tab focuses; Href its href; Target
	// the id of the element the href names, if any; TargetIsMain whether
	// that element is, holds or is inside <main>; OnScreen and
	// FocusVisible whether the focused element shows, and its focus.
	First, Href, Target                  string
	TargetIsMain, OnScreen, FocusVisible bool
}

// checkByHand checks what axe cannot: a unique, meaningful <title>; a
// skip link first in the tab order, shown when focused, that moves the
// focus to the main content; a visible focus on every control.
func (a *auditor) checkByHand(p auditedPage) {
	a.t.Helper()
	// A fresh start of the tab order: the focus on the document.
	eval[bool](a.buyer, "blur", `document.activeElement && document.activeElement.blur(), window.scrollTo(0, 0), true`)
	a.do("press Tab on "+p.name, chromedp.KeyEvent(kb.Tab))
	f := eval[pageFacts](a.buyer, "facts of "+p.name, `(() => {
		const e = document.activeElement, href = e && e.getAttribute('href') || '';
		const target = href.startsWith('#') ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
		const main = document.querySelector('main');
		const r = e ? e.getBoundingClientRect() : {width: 0, height: 0, top: -1, left: -1};
		return {Title: document.title, H1: (document.querySelector('h1') || {}).textContent || '',
			Current: (document.querySelector('nav [aria-current=page]') || {}).textContent || '',
			Nav: !!document.querySelector('nav, [role=navigation]'),
			First: e ? e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' « ' + e.textContent.trim() + ' »' : '',
			Href: href, Target: target ? target.id : '',
			TargetIsMain: !!target && !!main && (target === main || target.contains(main) || main.contains(target)),
			OnScreen: r.width > 1 && r.height > 1 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth,
			FocusVisible: !!e && e.matches(':focus-visible')};
	})()`)

	// The title: the page's own words before the site's name, and no other
	// page's.
	own, ok := strings.CutSuffix(f.Title, " — Fabrique")
	switch {
	case !ok || strings.TrimSpace(own) == "":
		a.t.Errorf("%s: <title> %q, want « what the page is — Fabrique »", p.name, f.Title)
	case !titleNamesPage(own, f.H1, f.Current):
		a.t.Errorf("%s: <title> %q shares no word with the page's heading %q nor its menu entry %q", p.name, f.Title, f.H1, f.Current)
	}
	if first, seen := a.titles[f.Title]; seen && first != p.path {
		a.t.Errorf("%s: <title> %q is also the title of %s", p.name, f.Title, first)
	} else {
		a.titles[f.Title] = p.path
	}

	// The skip link.
	if f.Nav {
		if f.Target == "" || !f.TargetIsMain {
			a.t.Errorf("%s: the first Tab focuses %s (href %q), want a link to the main content", p.name, f.First, f.Href)
		} else {
			if !f.OnScreen || !f.FocusVisible {
				a.t.Errorf("%s: the skip link, focused, is on screen %v, with its focus shown %v; want both", p.name, f.OnScreen, f.FocusVisible)
			}
			a.do("follow the skip link on "+p.name, chromedp.KeyEvent(kb.Enter))
			if got := poll[string](a.buyer, "focus after the skip link on "+p.name, `document.activeElement && document.activeElement !== document.body ?
				document.activeElement.id || document.activeElement.tagName : ''`); got != f.Target {
				a.t.Errorf("%s: after the skip link the focus is on %s, want #%s", p.name, got, f.Target)
			}
		}
	}

	// The focus of every control, as the keyboard shows it: once a Tab
	// has shown it, focus() from a script shows it too (:focus-visible).
	bad := eval[[]string](a.buyer, "focus indicators of "+p.name, focusCheckJS)
	for _, b := range bad {
		a.t.Errorf("%s: no visible focus on %s", p.name, b)
	}
}

// focusCheckJS focuses every control of the page in turn and returns
// those whose focus shows nothing: no outline of 2 px or more, no shadow,
// no change of border or background. A control hidden for a styled one
// (a radio inside its label) counts by its label.
const focusCheckJS = `(() => {
	const sel = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), ' +
		'textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
	const look = e => { const s = getComputedStyle(e);
		return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && !/^(transparent|rgba\(.*,\s*0\))$/.test(s.outlineColor)
			? s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor : '',
			shadow: s.boxShadow, border: s.borderColor + ' ' + s.borderWidth, bg: s.backgroundColor}; };
	const shown = (before, after) => after.outline !== '' || (after.shadow !== 'none' && after.shadow !== before.shadow) ||
		after.border !== before.border || after.bg !== before.bg;
	const bad = [];
	for (const e of document.querySelectorAll(sel)) {
		const r = e.getBoundingClientRect();
		if (e.tabIndex < 0 || r.width === 0 && r.height === 0 || getComputedStyle(e).visibility === 'hidden' ||
			e.closest('[inert], [aria-hidden=true]')) continue; // out of the tab order
		const tiny = r.width < 4 || r.height < 4;
		const seen = tiny && e.labels && e.labels.length ? e.labels[0] : e;
		const before = look(seen);
		e.focus({preventScroll: true});
		if (document.activeElement !== e) continue; // not focusable after all
		const after = look(seen);
		if (!e.matches(':focus-visible') || !shown(before, after)) {
			bad.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).trim().split(/\s+/).join('.') : '') +
				' « ' + (e.textContent || e.value || e.name || '').trim().slice(0, 60) + ' »');
		}
	}
	document.activeElement && document.activeElement.blur();
	return bad;
})()`

// auditFormErrors audits a form sent back with mistakes: axe, then what
// axe cannot check (titleSaysErrors, fieldsSayErrors).
func (a *auditor) auditFormErrors(name string) {
	a.t.Helper()
	a.audit(name)
	a.titleSaysErrors(name)
	a.fieldsSayErrors(name)
}

// titleSaysErrors checks that the title of a form sent back with mistakes
// says so: a screen reader reads the title first.
func (a *auditor) titleSaysErrors(name string) {
	a.t.Helper()
	if title := eval[string](a.buyer, "title of "+name, `document.title`); !strings.Contains(title, "à corriger") {
		a.t.Errorf("%s: <title> %q does not say that fields need correcting", name, title)
	}
}

// fieldsSayErrors checks what axe cannot of a form sent back with
// mistakes (WCAG 3.3.1): some field is marked aria-invalid; each field
// the error summary links to is, and each one so marked is described by a
// text of the page (aria-describedby or aria-errormessage naming elements
// that are there and say something). A screen reader that reaches the
// field then says that it is wrong, and why.
func (a *auditor) fieldsSayErrors(name string) {
	a.t.Helper()
	bad := eval[[]string](a.buyer, "fields in error of "+name, `(() => {
		const bad = [], fields = 'input, select, textarea';
		const said = ids => (ids || '').split(/\s+/).filter(Boolean).map(id => document.getElementById(id));
		const invalid = [...document.querySelectorAll(fields)].filter(e => e.getAttribute('aria-invalid') === 'true');
		if (!invalid.length) bad.push('no field is marked aria-invalid');
		for (const l of document.querySelectorAll('[role=alert] a[href^="#"]')) {
			const e = document.getElementById(decodeURIComponent(l.getAttribute('href').slice(1)));
			if (e && e.matches(fields) && e.getAttribute('aria-invalid') !== 'true')
				bad.push('#' + e.id + ', named by « ' + l.textContent.trim() + ' », is not marked aria-invalid');
		}
		for (const e of invalid) {
			const ds = said(e.getAttribute('aria-describedby')).concat(said(e.getAttribute('aria-errormessage')));
			if (!ds.length || ds.some(d => !d || !d.textContent.trim()))
				bad.push('#' + e.id + ' is aria-invalid, but described by no text of the page (' +
					(e.getAttribute('aria-describedby') || e.getAttribute('aria-errormessage') || 'nothing') + ')');
		}
		return bad;
	})()`)
	for _, b := range bad {
		a.t.Errorf("%s: %s", name, b)
	}
}

// titleNamesPage tells whether a title shares a word with the page's main
// heading or with its entry of the navigation: « API » for « L'API de
// Fabrique », « Recherche : 3 fournisseurs » for « Rechercher des
// fournisseurs », not « Fabrique » alone. Words match by their start (a
// plural, a verb beside its noun); short and common words do not count.
func titleNamesPage(title string, names ...string) bool {
	common := []string{"fabrique", "des", "les", "une", "pour", "par", "sur", "dans", "aux", "avec", "vos", "nos", "votre", "ses", "mes", "mon"}
	words := func(s string) []string {
		ws := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		return slices.DeleteFunc(ws, func(w string) bool { return len([]rune(w)) < 3 || slices.Contains(common, w) })
	}
	var named []string
	for _, n := range names {
		named = append(named, words(n)...)
	}
	if len(named) == 0 {
		return true
	}
	for _, w := range words(title) {
		for _, n := range named {
			if strings.HasPrefix(w, n) || strings.HasPrefix(n, w) {
				return true
			}
		}
	}
	return false
}

// signIn signs in through the form of /connexion.
func (a *auditor) signIn(email, password string) {
	a.t.Helper()
	a.navigatingBy("open the sign-in page", chromedp.Navigate(a.base+signInPath))
	a.do("type the credentials", chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), password))
	a.navigatingBy("sign in", chromedp.SendKeys(chromedp.CSS("#password"), kb.Enter))
	if u := a.location(); u.Path == signInPath {
		a.t.Fatalf("signing in as %s stayed on %s", email, u)
	}
}

func (a *auditor) signOut() {
	a.t.Helper()
	a.navigatingBy("sign out", chromedp.Click(chromedp.CSS(".account-nav form button"), chromedp.NodeVisible))
}

// pass audits pages at the window's width, then at a phone's, where the
// layout changes (filters behind a disclosure, tables that scroll).
func (a *auditor) pass(pages []auditedPage) {
	a.t.Helper()
	for _, p := range pages {
		a.open(p)
		a.audit(p.name)
		a.checkByHand(p)
	}
	a.do("phone width", chromedp.EmulateViewport(390, 844))
	for _, p := range pages {
		if p.phone {
			a.open(p)
			a.audit(p.name + " (téléphone)")
		}
	}
	a.do("laptop width", chromedp.EmulateViewport(1280, 900))
}

// newAuditor opens a browser on base, its page focused, at a laptop's
// width; its screenshots are numbered from n.
func newAuditor(t *testing.T, base, source string, n int) (*auditor, func() []string) {
	t.Helper()
	b, consoleProblems := openBrowser(t, base)
	b.n = n
	// A headless page has the focus only once a key was pressed in it: the
	// focus events the scripts listen to (search.js) would not come before.
	b.do("laptop width, a focused page", chromedp.EmulateViewport(1280, 900), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	}))
	return &auditor{buyer: b, source: source, violations: map[string]int{}, titles: map[string]string{}}, consoleProblems
}

// checkConsole fails on what the browser's console reported, but the
// status of the pages that answer an error on purpose (400, 401, 403,
// 404, 422, 429).
func checkConsole(t *testing.T, problems []string) {
	t.Helper()
	for _, p := range problems {
		if !slices.ContainsFunc([]string{"400", "401", "403", "404", "422", "429"}, func(status string) bool {
			return strings.Contains(p, "status of "+status)
		}) {
			t.Errorf("browser console: %s", p)
		}
	}
}

// TestBrowserAccessibility opens the main pages of every kind of user —
// buyers, PMIs, the Alliance's admins — filled with realistic data, at a
// laptop's width and, those with tables or wide content, a phone's, and
// runs axe-core's WCAG 2.1 A and AA rules in each, in the states scripts
// and forms add (suggestions open, an alert's preview, forms sent back
// with errors, a 429, an unsubscription done), and in every HTML mail.
// Any violation fails the test with its rule, impact, and each node's
// selector and HTML. It checks by hand what axe cannot: each page's
// title, the skip link, a visible focus on every control, fields in error
// marked and described, a mail's title.
//
// Two browsers run side by side, one per core: the visitor's pages in
// one, the PMI's and the Alliance's in the other.
func TestBrowserAccessibility(t *testing.T) {
	requireChromium(t)
	raw, err := os.ReadFile(axeScript)
	if err != nil {
		t.Fatalf("axe-core: %v (vendored by web/js/vendor.sh)", err)
	}
	source := string(raw)
	start := time.Now()
	w := newA11yWorld(t)
	base := w.s.serveLoopback(t)

	var visitor, member *auditor
	t.Run("audits", func(t *testing.T) {
		t.Run("visiteur", func(t *testing.T) {
			t.Parallel()
			a, consoleProblems := newAuditor(t, base, source, 200)
			visitor = a
			a.pass(w.anonymous)

			// What scripts add: the suggestion list of the search field, open.
			a.open(auditedPage{name: "recherche", path: "/recherche?q=atelier"})
			a.typeInto("q", "ébénisterie")
			a.suggestions("q", "EBENISTERIE")
			a.audit("recherche, suggestions ouvertes")

			// Forms sent with mistakes: the errors and the fields they name.
			a.open(auditedPage{name: "inscription", path: signUpPath})
			a.do("type a sign-up with mistakes", chromedp.SendKeys(chromedp.CSS("#email"), "claire@"),
				chromedp.SendKeys(chromedp.CSS("#password"), "court"), chromedp.SendKeys(chromedp.CSS("#password2"), "autre"))
			a.navigatingBy("send it", chromedp.SendKeys(chromedp.CSS("#password2"), kb.Enter))
			a.audit("inscription en erreur")
			a.titleSaysErrors("inscription en erreur")
			a.open(auditedPage{name: "nouveau besoin", path: needFormPath})
			a.navigatingBy("send an empty need", chromedp.SendKeys(chromedp.CSS("#title"), kb.Enter))
			a.audit("nouveau besoin en erreur")
			a.titleSaysErrors("nouveau besoin en erreur")
			a.open(auditedPage{name: "connexion", path: signInPath})
			a.do("type a wrong password", chromedp.SendKeys(chromedp.CSS("#email"), a11yPMI),
				chromedp.SendKeys(chromedp.CSS("#password"), "pas le bon mot de passe"))
			a.navigatingBy("sign in", chromedp.SendKeys(chromedp.CSS("#password"), kb.Enter))
			a.auditFormErrors("connexion en erreur")
			a.open(auditedPage{name: "mot de passe oublié", path: forgotPath})
			a.do("type an address asked for too often", chromedp.SendKeys(chromedp.CSS("#email"), a11yThrottled))
			a.navigatingBy("ask again", chromedp.SendKeys(chromedp.CSS("#email"), kb.Enter))
			if got := eval[string](a.buyer, "status", `document.querySelector('.error .status').textContent`); got != "Erreur 429" {
				t.Errorf("reset link asked for too often: %q, want « Erreur 429 »", got)
			}
			a.audit("trop de demandes (429)")

			// A report with nothing to say but spaces (the browser's
			// « required » takes them).
			a.open(auditedPage{name: "signaler une fiche", path: supplierURL(w.claimed) + "/signaler"})
			a.do("type spaces", chromedp.SendKeys(chromedp.CSS("#reason"), "   "))
			a.navigatingBy("send the report", chromedp.Click(chromedp.CSS("main form button[type=submit]"), chromedp.NodeVisible))
			a.auditFormErrors("signaler une fiche, en erreur")

			// The one-click unsubscribe, done.
			a.open(auditedPage{name: "se désinscrire d'une alerte", path: w.unsubscribe})
			a.navigatingBy("unsubscribe", chromedp.Click(chromedp.CSS("main form button[type=submit]"), chromedp.NodeVisible))
			a.audit("désinscription enregistrée")

			// The mails, each a document of its own, at the narrowest width
			// WCAG asks to reflow to (1.4.10: 320 CSS pixels), a phone's
			// mail client: nothing may make one scroll sideways.
			a.do("320 px", chromedp.EmulateViewport(320, 700))
			for _, m := range a11yMails(t, w) {
				a.do("open the mail "+m.name, chromedp.Navigate(m.url))
				a.audit("courriel " + m.name)
				if title := eval[string](a.buyer, "title of "+m.name, `document.title`); title != m.subject {
					t.Errorf("courriel %s: <title> %q, want its subject %q", m.name, title, m.subject)
				}
				if wide := eval[string](a.buyer, "width of "+m.name, mailOverflowJS); wide != "" {
					t.Errorf("courriel %s: wider than 320 px, it scrolls sideways:\n\t%s", m.name, wide)
				}
			}
			a.do("laptop width", chromedp.EmulateViewport(1280, 900))
			checkConsole(t, consoleProblems())
		})
		t.Run("PMI et Alliance", func(t *testing.T) {
			t.Parallel()
			a, consoleProblems := newAuditor(t, base, source, 300)
			member = a
			a.signIn(a11yPMI, a11yPassword)
			a.pass(w.pmi)

			// What the alert form adds: its preview, its errors.
			a.open(auditedPage{name: "une alerte", path: alertURL(w.alert)})
			a.navigatingBy("preview", chromedp.Click(chromedp.CSS(`.form-actions button[value=apercu]`), chromedp.NodeVisible))
			if n := eval[int](a.buyer, "tenders previewed", `document.querySelectorAll('#apercu li').length`); n == 0 {
				t.Error("the alert's preview lists no tender: the audit sees only its empty state")
			}
			a.audit("aperçu d'une alerte")
			eval[bool](a.buyer, "clear the minimum value", `document.querySelector('#valeur_min').value = '', true`)
			a.do("type a wrong value", chromedp.SendKeys(chromedp.CSS("#valeur_min"), "beaucoup"))
			a.navigatingBy("save", chromedp.Click(chromedp.CSS(`.form-actions button[value=enregistrer]`), chromedp.NodeVisible))
			a.auditFormErrors("une alerte en erreur")

			// A claim by a mail to an address that is none.
			a.open(auditedPage{name: "revendiquer une fiche", path: supplierURL(w.claimed) + "/revendiquer"})
			a.do("choose a code by mail, type no address", chromedp.Click(chromedp.CSS("#method-email_domain"), chromedp.NodeVisible),
				chromedp.SendKeys(chromedp.CSS("#local"), "claire morel"))
			a.navigatingBy("begin the claim", chromedp.Click(chromedp.CSS(".claim-form .form-actions button"), chromedp.NodeVisible))
			a.auditFormErrors("revendiquer une fiche, en erreur")

			// A listing's contact that is no address.
			a.open(auditedPage{name: "fiche : contacts", path: w.company + "/fiche/contacts"})
			eval[bool](a.buyer, "clear the address", `document.querySelector('#email').value = '', true`)
			a.do("type a wrong address", chromedp.SendKeys(chromedp.CSS("#email"), "contact chez nous"))
			a.navigatingBy("save", chromedp.Click(chromedp.CSS(".listing-form .form-actions button"), chromedp.NodeVisible))
			a.auditFormErrors("fiche : contacts, en erreur")

			// A colleague's claim refused without a reason.
			a.open(auditedPage{name: "revendications", path: claimsPath})
			a.navigatingBy("refuse without a reason", chromedp.Click(chromedp.CSS(`main form[action$="/refuser"] button`), chromedp.NodeVisible))
			a.auditFormErrors("revendications, refus sans motif")

			// A new password asked with a wrong current one.
			a.open(auditedPage{name: "compte", path: accountPath})
			a.do("type a wrong current password", chromedp.SendKeys(chromedp.CSS("#current"), "pas le mot de passe actuel"),
				chromedp.SendKeys(chromedp.CSS("#password"), "un nouveau mot de passe pour l'audit"),
				chromedp.SendKeys(chromedp.CSS("#password2"), "un nouveau mot de passe pour l'audit"))
			a.navigatingBy("change the password", chromedp.SendKeys(chromedp.CSS("#password2"), kb.Enter))
			a.auditFormErrors("compte, mot de passe en erreur")

			// The deletion of the account asked with a wrong password and
			// without the box ticked.
			a.open(auditedPage{name: "compte", path: accountPath})
			a.do("type a wrong password to delete", chromedp.SendKeys(chromedp.CSS("#delete-current"), "pas le mot de passe actuel"))
			a.navigatingBy("delete the account", chromedp.Click(chromedp.CSS(`form[action="/compte/supprimer"] button`), chromedp.NodeVisible))
			a.auditFormErrors("compte, suppression en erreur")

			// An invitation to an address the browser takes but the site
			// does not (no dot in its domain).
			a.open(auditedPage{name: "équipe", path: w.company + "/equipe"})
			a.do("type an address without a domain", chromedp.SendKeys(chromedp.CSS("#invite-email"), "pierre@atelier"))
			a.navigatingBy("invite", chromedp.SendKeys(chromedp.CSS("#invite-email"), kb.Enter))
			a.auditFormErrors("équipe, invitation en erreur")
			a.signOut()

			// Bruno opens Claire's invitation.
			a.signIn(a11yBruno, a11yPassword)
			invitation := auditedPage{"invitation à rejoindre une équipe", w.invite, false}
			a.open(invitation)
			if got := eval[string](a.buyer, "invitation's button", `(document.querySelector('main form button') || {}).textContent || ''`); got != "Rejoindre l'équipe" {
				t.Errorf("Bruno's invitation shows the button %q, want « Rejoindre l'équipe »", got)
			}
			a.audit(invitation.name)
			a.checkByHand(invitation)
			a.signOut()

			// Dora, the only « responsable » of a team, cannot delete her
			// account yet.
			a.signIn(a11yDora, a11yPassword)
			a.open(auditedPage{name: "compte", path: accountPath})
			if eval[bool](a.buyer, "deletion form", `!!document.querySelector('form[action="/compte/supprimer"]')`) {
				t.Error("Dora, the only owner of a team with a member, is offered the deletion form")
			}
			a.audit("compte, suppression impossible (seule responsable d'une équipe)")
			a.signOut()
			a.signIn(a11yAdmin, a11yPassword)
			a.pass(w.admin)
			// A claim refused without a reason.
			a.open(auditedPage{name: "administration", path: "/admin"})
			a.navigatingBy("refuse without a reason", chromedp.Click(chromedp.CSS(`main form[action$="/refuser"] button`), chromedp.NodeVisible))
			a.auditFormErrors("administration, refus sans motif")
			// The letters, printed: a page of their own.
			a.open(auditedPage{name: "courriers", path: "/admin/courriers"})
			a.navigatingBy("print the letters", chromedp.Click(chromedp.CSS("main form button[type=submit]"), chromedp.NodeVisible))
			a.audit("courriers imprimés")
			checkConsole(t, consoleProblems())
		})
	})
	if visitor == nil || member == nil {
		return // a browser did not start; its subtest said why
	}

	// No title of one browser's pages is another page's in the other.
	for title, path := range member.titles {
		if other, seen := visitor.titles[title]; seen && other != path {
			t.Errorf("<title> %q is the title of %s and of %s", title, other, path)
		}
	}
	rules := map[string]int{}
	for _, a := range []*auditor{visitor, member} {
		for id, n := range a.violations {
			rules[id] += n
		}
	}
	t.Logf("%d pages and states audited in %v; axe violations by rule (nodes): %v", visitor.audits+member.audits,
		time.Since(start).Round(time.Millisecond), rules)
}

// mailOverflowJS returns "" when the page is no wider than the window;
// otherwise its width and the innermost elements whose content or box
// goes past the window's edge (a long link that does not wrap).
const mailOverflowJS = `(() => {
	if (document.documentElement.scrollWidth <= innerWidth) return '';
	const wide = [...document.body.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > innerWidth + 1);
	return document.documentElement.scrollWidth + ' px: ' + wide.filter(e => !wide.some(o => o !== e && e.contains(o)))
		.map(e => e.outerHTML.slice(0, 160)).join('\n\t');
})()`

// a11yMail is a mail of the audit: its template, and where a browser
// opens its HTML.
type a11yMail struct {
	name, url, subject string
}

// a11yMails renders every HTML mail (templates/mail) with the data its
// sender gives it, for the people of the audit's world, and serves each
// on a loopback server of its own: a mail client shows the HTML part as a
// document, in a frame or a browser. A template without data here fails
// the test, so that a new mail is audited too.
//
// Each mail's <title> is its subject (checked by hand: axe only wants
// one). axe's WCAG rules all apply to a mail: lang, title, contrast, link
// text, alternative texts, headings, list and table structure. Its rules
// about landmarks and regions are best practices, not WCAG, and run in no
// page of the audit (axeTags). « bypass » (2.4.1) finds the digest's
// headings; the short mails have none, which axe leaves « to review »
// (reviewOnFail), not a violation: rightly, a mail repeats no block of
// another page that one would need to skip.
func a11yMails(t *testing.T, w *a11yWorld) []a11yMail {
	t.Helper()
	s, site := w.s, w.s.baseURL()
	tenders := listTenders()
	item := func(i int, st data.TenderStatus, changes ...string) DigestItem {
		return DigestItem{Tender: tenders[i], Status: st, Profiles: []string{"Menuiserie en Bretagne"}, Changes: changes}
	}
	digest := s.digestMailView(Digest{At: testClock,
		Profiles: []data.AlertProfile{{ID: w.alert, Name: "Menuiserie en Bretagne", Frequency: data.AlertDaily},
			{ID: "second", Name: "Serrurerie dans le Doubs", Frequency: data.AlertWeekly}},
		Sections: []DigestSection{
			{Kind: SectionNew, Items: []DigestItem{item(0, data.StatusOpen), item(2, data.StatusOpen)}},
			{Kind: SectionClosing, Items: []DigestItem{item(1, data.StatusOpen)}},
			{Kind: SectionCorrection, Items: []DigestItem{item(3, data.StatusCancelled, "date limite repoussée au 30 avril 2026")}},
		}}, map[string]string{w.alert: site + w.unsubscribe, "second": site + unsubscribePath + "/" + strings.Repeat("y", 43)})
	claim := claimMail{Supplier: "Tôlerie Comtoise", Claimant: a11yBruno, Method: data.ClaimByEmailDomain.Label(),
		Proof: "code reçu à bruno.petit@tolerie-comtoise.example", Link: site + claimsPath, Days: 12}
	refused := claim
	refused.Reason = "Le Kbis déposé est celui d'une autre entreprise."
	link := func(path string) linkMail {
		return linkMail{Link: site + path + "?jeton=" + strings.Repeat("k", 43), Valid: "24 heures"}
	}
	mails := map[string]struct {
		to   string
		data any
	}{
		"alert_digest": {a11yPMI, digest},
		"account_deleted": {a11yPMI, accountDeletedMail{At: "7 décembre 2026 à 18 h 05", Alone: "Tôlerie Comtoise",
			Teams: "Chaudronnerie du Jura et Forges de Besançon", Alerts: 2, Claims: 1}},
		"already":        {a11yPMI, alreadyMail{Next: alertsPath}},
		"claim_approval": {a11yPMI, claim},
		"claim_code":     {"contact@tolerie-comtoise.example", claimCodeMail{Supplier: "Tôlerie Comtoise", Code: "482 913", Valid: "24 heures", Link: site + claimURL("c1"), Requester: a11yBruno}},
		"claim_decided":  {a11yBruno, refused},
		"claim_joined":   {a11yPMI, claim},
		"claim_reminder": {a11yPMI, claim},
		"confirm":        {a11yPMI, link(confirmPath)},
		"listing_invite": {a11yBruno, inviteMail{Company: "Tôlerie Comtoise", Inviter: "Claire Morel", Link: site + w.invite, Expires: "22 avril 2026"}},
		"reset":          {a11yPMI, link(resetPath)},
		"signin":         {a11yPMI, link(linkPath)},
	}
	html, subjects := map[string]string{}, map[string]string{}
	for name := range s.mails.html {
		m, ok := mails[name]
		if !ok {
			t.Errorf("the mail %s has no data in the audit (a11yMails)", name)
			continue
		}
		msg, err := s.renderMail(m.to, name, m.data)
		if err != nil {
			t.Fatal(err)
		}
		html["/"+name], subjects["/"+name] = msg.HTML, msg.Subject
	}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, ok := html[r.URL.Path]
		if !ok {
			http.NotFound(rw, r)
			return
		}
		rw.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(rw, body)
	}))
	t.Cleanup(srv.Close)
	var out []a11yMail
	for _, path := range slices.Sorted(maps.Keys(html)) {
		out = append(out, a11yMail{strings.TrimPrefix(path, "/"), srv.URL + path, subjects[path]})
	}
	return out
}
