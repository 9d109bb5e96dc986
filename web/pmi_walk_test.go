package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// Tests of what a PMI met walking its whole path on the default server
// (home page, sign-up, claim, listing, alerts, deletion), each failing on
// the code before its fix.

// TestTeamDatesAreParisDays: a membership or an invitation made late in
// the evening in Paris — after 23:00 UTC in winter, already the next day
// in France — is dated by the Paris day, as the account's sessions and
// creation date are. The team page and « Mes entreprises » said « depuis
// le 7 décembre » for a member since the 8th, 00:17 in Paris.
func TestTeamDatesAreParisDays(t *testing.T) {
	sup := listingCompany(41, "Ébénisterie Minuit")
	s, _ := listingServer(t, Config{}, sup)
	ctx := context.Background()
	owner, acc := memberOf(t, s, "patronne@ebenisterie-minuit.fr", "", "")
	lateUTC := time.Date(2026, 3, 1, 23, 30, 0, 0, time.UTC) // 2 March, 00:30 in Paris
	if err := s.store.AddMember(ctx, data.Membership{SupplierID: sup.ID, AccountID: acc.ID, Role: data.MemberOwner,
		Since: lateUTC, Via: "admin"}, "test"); err != nil {
		t.Fatal(err)
	}
	sent := time.Date(2099, 5, 10, 22, 15, 0, 0, time.UTC) // 11 May, 00:15 in Paris (summer time)
	if err := s.store.PutInvite(ctx, data.Invite{TokenHash: strings.Repeat("ab", 32), SupplierID: sup.ID,
		Email: "compagnon@ebenisterie-minuit.fr", InvitedBy: acc.ID, CreatedAt: sent, ExpiresAt: sent.AddDate(0, 0, 7)}, "test"); err != nil {
		t.Fatal(err)
	}
	team := owner.get(t, companyURL(sup.ID)+"/equipe")
	wantStatus(t, "team page", team, http.StatusOK)
	for _, want := range []string{"2 mars 2026", "envoyée le 11 mai 2099, valable jusqu'au 18 mai 2099"} {
		mustContain(t, "team page", team.body, want)
	}
	list := owner.get(t, "/compte/entreprises")
	wantStatus(t, "my companies", list, http.StatusOK)
	mustContain(t, "my companies", list.body, "2 mars 2026")
	if strings.Contains(team.body, "1er mars 2026") || strings.Contains(list.body, "1er mars 2026") {
		t.Error("a date still reads the UTC day")
	}
}

// TestHomeLeadsPMIToClaim: the home page tells a PMI how to take its
// listing in hand — find it, then the button of its page — and names that
// button as the supplier page writes it; so does the account page of an
// account that manages no company yet. The home page's PMI card had no
// link at all, and the account page sent to « Vous êtes cette entreprise ? »,
// a heading, not the button.
func TestHomeLeadsPMIToClaim(t *testing.T) {
	sup := listingCompany(42, "Tournerie Sans Maître")
	s, _ := listingServer(t, Config{}, sup)
	home := s.get(t, "/")
	wantStatus(t, "home", home, http.StatusOK)
	card := home.body[strings.Index(home.body, "PMI et ateliers"):]
	card = card[:strings.Index(card, "</article>")]
	for _, want := range []string{`<a href="/recherche">`, "« Revendiquer la fiche »", `<a href="/inscription">`} {
		mustContain(t, "the home page's PMI card", card, want)
	}
	page := s.get(t, supplierURL(sup.ID))
	mustContain(t, "an unclaimed company's page", page.body, `/revendiquer">Revendiquer la fiche</a>`)
	cl, _ := memberOf(t, s, "nouvelle@tournerie.fr", "", "")
	account := cl.get(t, accountPath)
	mustContain(t, "the account page without a company", account.body, "« Revendiquer la fiche »")
}

// TestLogoRefusalSaysTheFileSize: a logo over 512 Ko is refused with its
// real weight — the handler reads 512 Ko and one byte of it, and a file of
// 586 Ko was said to weigh « 513 Ko » — and the pixel
// bounds are written as the form's hint writes them (« 4 000 × 4 000 »).
func TestLogoRefusalSaysTheFileSize(t *testing.T) {
	sup := listingCompany(43, "Verrerie Lourde")
	s, _ := listingServer(t, Config{}, sup)
	cl, _ := memberOf(t, s, "a@verrerie-lourde.fr", sup.ID, data.MemberOwner)
	file := append(encodePNG(t, testImage(10, 10)), make([]byte, 600_000)...)
	body, ct := multipartLogo(t, cl.csrf(t), file)
	r := cl.do(t, http.MethodPost, companyURL(sup.ID)+"/logo", body, "Content-Type", ct)
	wantStatus(t, "a 587 Ko logo", r, http.StatusRequestEntityTooLarge)
	mustContain(t, "the refusal", r.body, "le fichier pèse 587 Ko, le maximum est 512 Ko")

	body, ct = multipartLogo(t, cl.csrf(t), pngBomb(t, 5000, 5000))
	r = cl.do(t, http.MethodPost, companyURL(sup.ID)+"/logo", body, "Content-Type", ct)
	wantStatus(t, "a 5000 × 5000 logo", r, http.StatusRequestEntityTooLarge)
	mustContain(t, "the refusal", r.body, "l&#39;image mesure 5\u202f000 × 5\u202f000 pixels, le maximum est 4\u202f000 × 4\u202f000")
}

// TestListingRadiusAsTyped: the zone's radius accepts the unit the PMI
// types after the number (« 150 km » was refused as « un nombre, par
// exemple 80 »), and a refused radius marks its field, which the error
// summary links to; the capacity form's example says it is one.
func TestListingRadiusAsTyped(t *testing.T) {
	sup := listingCompany(44, "Chaudronnerie Rayon")
	s, _ := listingServer(t, Config{}, sup)
	cl, _ := memberOf(t, s, "a@chaudronnerie-rayon.fr", sup.ID, data.MemberOwner)
	zone := companyURL(sup.ID) + "/fiche/zone"
	for _, tt := range []struct {
		typed string
		want  float64
	}{{"150 km", 150}, {"12,5 KM", 12.5}, {" 80km ", 80}} {
		wantStatus(t, tt.typed, cl.post(t, zone, url.Values{"zone": {"radius"}, "rayon": {tt.typed}}), http.StatusSeeOther)
		if got, _ := s.store.Supplier(context.Background(), sup.ID); got.ServiceArea.RadiusKm != tt.want {
			t.Errorf("%q saved as %v km, want %v", tt.typed, got.ServiceArea.RadiusKm, tt.want)
		}
	}
	for _, typed := range []string{"km", "beaucoup km", "Inf km"} {
		r := cl.post(t, zone, url.Values{"zone": {"radius"}, "rayon": {typed}})
		wantStatus(t, typed, r, http.StatusBadRequest)
		mustContain(t, typed, r.body, `name="rayon" value="`+template.HTMLEscapeString(typed)+`" inputmode="decimal" size="6" maxlength="10" aria-invalid="true"`)
	}
	capacity := cl.get(t, companyURL(sup.ID)+"/fiche/capacite")
	mustContain(t, "the capacity form", capacity.body, "Par exemple « 350 000 »")
}

func TestTypedKm(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want float64
		ok   bool
	}{{"80", 80, true}, {"12,5", 12.5, true}, {"150 km", 150, true}, {"150Km", 150, true}, {"", 0, false},
		{"km", 0, false}, {"NaN", 0, false}, {"-Inf km", 0, false}, {"quinze", 0, false}} {
		got, err := typedKm(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("typedKm(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// TestLogoBodyOverServerLimit: a logo file over the server's body limit (a
// phone photo of several megabytes) is refused before any handler; the
// error page says the logo's limit and leads back to the logo form, where
// it said « Contenu trop volumineux » and nothing else.
func TestLogoBodyOverServerLimit(t *testing.T) {
	sup := listingCompany(45, "Photo Trop Lourde")
	s, _ := listingServer(t, Config{}, sup)
	addr := strings.TrimPrefix(s.serveLoopback(t), "http://")
	r := rawExchange(t, addr, fmt.Sprintf("POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n\r\n",
		companyURL(sup.ID)+"/logo", defaultBodyLimit+1<<20))
	wantStatus(t, "a 6 MiB logo", r, http.StatusRequestEntityTooLarge)
	text := normSpace(r.body)
	for _, want := range []string{"Fichier trop volumineux", "dépasse 512 Ko, la taille maximale d&#39;un logo",
		`href="` + companyURL(sup.ID) + `/fiche/logo"`} {
		mustContain(t, "the refusal", text, want)
	}
	for _, path := range []string{"/compte/entreprises/logo", "/compte/entreprises/1/fiche/logo", "/compte/entreprises/1/logo/x"} {
		if _, _, ok := logoUploadRefusal(path); ok {
			t.Errorf("%s is taken for a logo upload", path)
		}
	}
}

// TestCertificationDateErrorOnItsRow: an unreadable date of the second
// certification is reported on that row's date field — the summary linked
// to the first certification's name — and a date typed the French way
// (where the browser offers a text field) is read.
func TestCertificationDateErrorOnItsRow(t *testing.T) {
	sup := listingCompany(46, "Menuiserie Certifiée")
	s, _ := listingServer(t, Config{}, sup)
	cl, _ := memberOf(t, s, "a@menuiserie-certifiee.fr", sup.ID, data.MemberOwner)
	target := companyURL(sup.ID) + "/fiche/certifications"
	form := func(until string) url.Values {
		return url.Values{"cert_rows": {"2"}, "cert-1-nom": {"PEFC"}, "cert-1-validite": {"2028-06-30"},
			"cert-2-nom": {"ISO 9001"}, "cert-2-organisme": {"AFNOR"}, "cert-2-validite": {until}}
	}
	r := cl.post(t, target, form("31/13/2027"))
	wantStatus(t, "an unreadable date", r, http.StatusBadRequest)
	for _, want := range []string{`<a href="#cert-2-validite">Certification 2 : date de validité illisible : « 31/13/2027 »`,
		`id="cert-2-validite" name="cert-2-validite" value="31/13/2027" aria-invalid="true"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the refusal lacks %q; its date fields:\n%s", want, strings.Join(dateInputRe.FindAllString(r.body, -1), "\n"))
		}
	}
	wantStatus(t, "a French date", cl.post(t, target, form("30/06/2029")), http.StatusSeeOther)
	got, _ := s.store.Supplier(context.Background(), sup.ID)
	if len(got.Certifications) != 2 || !got.Certifications[1].ValidUntil.Equal(time.Date(2029, 6, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("certifications saved: %+v", got.Certifications)
	}
}

var dateInputRe = regexp.MustCompile(`<input type="date"[^>]*>`)

// TestDescriptionTooLongSaysItAsTheForm: the error summary of an over-long
// presentation names the field by its label and writes the numbers as the
// hint does; it said « Description : la présentation dépasse 4000
// caractères (4100) » under a field labelled « Présentation de
// l'entreprise », whose hint says « 4 000 caractères au plus ».
func TestDescriptionTooLongSaysItAsTheForm(t *testing.T) {
	sup := listingCompany(47, "Atelier Bavard")
	s, _ := listingServer(t, Config{}, sup)
	cl, _ := memberOf(t, s, "a@atelier-bavard.fr", sup.ID, data.MemberOwner)
	r := cl.post(t, companyURL(sup.ID)+"/fiche/presentation", url.Values{"description": {strings.Repeat("x", data.MaxDescriptionRunes+100)}})
	wantStatus(t, "a long presentation", r, http.StatusBadRequest)
	mustContain(t, "the summary", r.body, "Présentation de l&#39;entreprise : la présentation dépasse 4\u202f000 caractères : elle en compte 4\u202f100")
}

// TestDeskShowsRivalClaims: two people each send a Kbis for the same
// listing; the Alliance's desk said nothing of it on either card, and
// once the first was accepted, nothing on the second's that the listing
// now has a manager — accepting it made a second member unawares. Each
// card now names the other claim, then the team.
func TestDeskShowsRivalClaims(t *testing.T) {
	_, admin, _, first, second := rivalKbisClaims(t)
	card := func(id string) string {
		t.Helper()
		desk := parseHTML(t, admin.get(t, "/admin"))
		return normSpace(desk.Find("#revendication-" + id).Text()) // a term and its definition run together
	}
	if got := card(first); !strings.Contains(got, "Autres revendications en coursbob@example.net (document en cours d'examen)") {
		t.Errorf("Alice's card does not name Bob's claim:\n%s", got)
	}
	if got := card(second); !strings.Contains(got, "Autres revendications en coursalice@example.org (document en cours d'examen)") {
		t.Errorf("Bob's card does not name Alice's claim:\n%s", got)
	}
	if r := admin.post(t, adminClaimsPath+"/"+first+"/accepter", nil); r.status != http.StatusSeeOther {
		t.Fatalf("accept: status %d\n%s", r.status, r.body)
	}
	got := card(second)
	if !strings.Contains(got, "Fiche déjà gérée paralice@example.org") || strings.Contains(got, "Autres revendications") {
		t.Errorf("after accepting Alice, Bob's card says:\n%s", got)
	}
}

// TestTeamToldOfAllianceAcceptance: when the Alliance accepts a claim of a
// listing that already has a team, the team is told who joined and how to
// remove them; it learnt nothing (a member approving a claim knows it, the
// Alliance's acceptance went unseen). The listing's first manager tells no
// one.
func TestTeamToldOfAllianceAcceptance(t *testing.T) {
	w, admin, sup, first, second := rivalKbisClaims(t)
	for _, id := range []string{first, second} {
		if r := admin.post(t, adminClaimsPath+"/"+id+"/accepter", nil); r.status != http.StatusSeeOther {
			t.Fatalf("accept: status %d\n%s", r.status, r.body)
		}
	}
	w.mailTo(t, 1, "alice@example.org") // « Vous gérez désormais… »
	w.mailTo(t, 2, "bob@example.net")
	m := w.mailTo(t, 3, "alice@example.org")
	if m.Subject != "bob@example.net gère désormais aussi la fiche "+sup.Name {
		t.Errorf("the team's mail: %q", m.Subject)
	}
	if link := linkIn(t, m, companyURL(sup.ID)+"/equipe"); !strings.HasSuffix(link, companyURL(sup.ID)+"/equipe") {
		t.Errorf("the team's mail links to %s", link)
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(w.inbox()); n != 3 {
		t.Errorf("%d mails, want 3 (no mail of the first acceptance to anyone but Alice)", n)
	}
}

// TestVersionsNameADeletedAuthor: the history of a listing edited by an
// account deleted since says so; it showed the bare account id
// (« aace11b2869b7dade ») in the « Par » column, which the team cannot read.
func TestVersionsNameADeletedAuthor(t *testing.T) {
	sup := listingCompany(48, "Sellerie Mémoire")
	s, _ := listingServer(t, Config{}, sup)
	ctx := context.Background()
	gone, goneAcc := memberOf(t, s, "partie@sellerie-memoire.fr", sup.ID, data.MemberOwner)
	stays, _ := memberOf(t, s, "reste@sellerie-memoire.fr", sup.ID, data.MemberOwner)
	wantStatus(t, "edit", gone.post(t, companyURL(sup.ID)+"/fiche/presentation", url.Values{"description": {"Selles et harnais cousus main."}}), http.StatusSeeOther)
	if _, err := s.store.DeleteAccount(ctx, goneAcc.ID, goneAcc.ID, ""); err != nil {
		t.Fatal(err)
	}
	r := stays.get(t, companyURL(sup.ID)+"/versions")
	wantStatus(t, "versions", r, http.StatusOK)
	mustContain(t, "the history", r.body, "<td>compte supprimé (n° "+goneAcc.ID+")</td>")
}

// rivalKbisClaims: Alice then Bob claim the same listing, each with a
// Kbis under the Alliance's review.
func rivalKbisClaims(t *testing.T) (w *claimWorld, admin *client, sup data.Supplier, first, second string) {
	t.Helper()
	w, alice, _, admin, sup, first := newKbisClaim(t)
	bob, _ := w.person(t, "bob@example.net", data.RoleSupplier)
	second = w.begin(t, bob, sup, url.Values{"method": {"document"}})
	for _, up := range []struct {
		cl *client
		id string
	}{{alice, first}, {bob, second}} {
		if r := upload(t, up.cl, claimURL(up.id)+"/document", "kbis.pdf", []byte(samplePDF)); r.status != http.StatusSeeOther {
			t.Fatalf("upload: status %d\n%s", r.status, r.body)
		}
	}
	return w, admin, sup, first, second
}

// TestAdminSeesNoSetAsideButton: an admin looking at a company's
// dashboard (not a member) is not offered « Pas pour nous », which only
// its members may use: the button led to an error page.
func TestAdminSeesNoSetAsideButton(t *testing.T) {
	co := listingCompany(49, "Menuiserie Regardée")
	co.CPVDeclared = []string{"45421000"}
	co.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaDepartements, Codes: []string{"69"}}
	s, _ := listingServer(t, Config{}, co)
	putTenders(t, s, data.Tender{ID: "boamp:26-791", Source: "boamp", SourceID: "26-791", Title: "Menuiseries de la crèche", CPV: "45421000",
		Place: data.Place{Departement: "69"}, Deadline: inDays(10)})
	member, _ := memberOf(t, s, "atelier@menuiserie-regardee.fr", co.ID, data.MemberOwner)
	createAccount(t, s, "admin@alliance.fr", listingPassword, data.RoleAdmin)
	admin := signIn(t, s, "admin@alliance.fr", listingPassword)
	for _, path := range []string{companyURL(co.ID), companyURL(co.ID) + "/appels-d-offres"} {
		mustContain(t, "the member's "+path, member.get(t, path).body, "Menuiseries de la crèche", "pas-pour-nous")
		r := admin.get(t, path)
		wantStatus(t, "the admin's "+path, r, http.StatusOK)
		mustContain(t, "the admin's "+path, r.body, "Menuiseries de la crèche")
		if strings.Contains(r.body, "pas-pour-nous") {
			t.Errorf("the admin is offered « Pas pour nous » on %s", path)
		}
	}
}

// TestUnknownInvitationLinkSaysSo: an invitation link cut by the mail
// reader, or unknown, says what to do on the invitation's page; it was a
// bare « Page introuvable ».
func TestUnknownInvitationLinkSaysSo(t *testing.T) {
	s, _ := listingServer(t, Config{})
	cl, _ := memberOf(t, s, "invitee@example.fr", "", "")
	for _, token := range []string{strings.Repeat("A", 43), "CFZ9MV5tqwcp5hUPjvt"} {
		for _, r := range []response{cl.get(t, invitationPathPrefix+token), cl.post(t, invitationPathPrefix+token, nil)} {
			wantStatus(t, token, r, http.StatusNotFound)
			mustContain(t, token, r.body, "Ce lien d&#39;invitation n&#39;est pas reconnu", "<h1>Invitation</h1>")
		}
	}
}
