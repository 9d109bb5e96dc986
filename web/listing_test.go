package web

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fabrique/data"
)

const listingPassword = "correct horse battery staple 42"

// listingCompany is a small company of the test store, not an EPV one.
func listingCompany(n int, name string) data.Supplier {
	siren := luhnComplete(fmt.Sprintf("8%07d", n))
	addr := data.ResolveAddress(data.Address{Postcode: "69003", Commune: "Lyon"})
	return data.Supplier{ID: siren, SIREN: siren, Name: name, Address: addr, NAF: "16.23Z",
		Description: "Texte du label.", Labels: []data.Label{{Type: data.LabelEPV, Scope: data.ScopeCompany, Source: "epv"}},
		Provenance: map[string]data.Provenance{data.FieldDescription: {Source: "epv", FetchedAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}}}
}

// memberOf creates an account, makes it a member of the company with that
// role and signs it in.
func memberOf(t testing.TB, s *testServer, email string, supplierID string, role data.MemberRole) (*client, data.Account) {
	t.Helper()
	a := createAccount(t, s, email, listingPassword, data.RoleSupplier)
	if supplierID != "" {
		if err := s.store.AddMember(context.Background(), data.Membership{SupplierID: supplierID, AccountID: a.ID, Role: role,
			Since: time.Now(), Via: "admin"}, "test"); err != nil {
			t.Fatalf("AddMember: %v", err)
		}
	}
	return signIn(t, s, email, listingPassword), a
}

// listingServer is a test server with mail (an SMTP server in the test)
// and these companies.
func listingServer(t testing.TB, cfg Config, sups ...data.Supplier) (*testServer, func() []receivedMail) {
	t.Helper()
	s, inbox := newMailServer(t, cfg)
	for _, sup := range sups {
		if err := s.store.PutSupplier(context.Background(), sup, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return s, inbox
}

// companyState sums up what a company's routes may change: the listing,
// its versions, members and invitations.
func companyState(s *testServer, id string) string {
	ctx := context.Background()
	sup, _ := s.store.Supplier(ctx, id)
	v, _ := s.store.ListingVersions(ctx, id)
	m, _ := s.store.Members(ctx, id)
	var roles []string
	for _, mb := range m {
		roles = append(roles, string(mb.Role))
	}
	inv, _ := s.store.PendingInvites(ctx, id)
	return fmt.Sprintf("%s|%s|%s|%d|%v|%d", sup.Description, sup.Logo, sup.UpdatedAt, len(v), roles, len(inv))
}

func wantStatus(t testing.TB, what string, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("%s: status %d, want %d\n%.3000s", what, r.status, want, r.body)
	}
}

// TestListingEditReachesPageAndSearch: a member's edit shows at once on the
// public page and in the search (a real bleve index), as text; undo
// restores the page and the search; a crawl after the edit keeps it.
func TestListingEditReachesPageAndSearch(t *testing.T) {
	sup := listingCompany(1, "Menuiserie Listing")
	s := newSearchServer(t, Config{}, sup)
	cl, _ := memberOf(t, s, "gerant@menuiserie-listing.fr", sup.ID, data.MemberOwner)
	base := companyURL(sup.ID)
	ctx := context.Background()

	search := func(q string) bool {
		r := s.get(t, "/recherche?q="+url.QueryEscape(q))
		wantStatus(t, "search "+q, r, http.StatusOK)
		return strings.Contains(r.body, supplierURL(sup.ID))
	}
	match := func() bool {
		r := s.postJSON(t, "/api/v1/match", `{"cpv":["38635000"],"departement":"67","limit":50}`)
		wantStatus(t, "match", r, http.StatusOK)
		return strings.Contains(r.body, `"`+sup.ID+`"`)
	}
	if search("xylophones") || search("télescopes") || match() {
		t.Fatal("the company is found before its edit")
	}

	desc := `Fabricant de xylophones <script>alert("x")</script> & de "marimbas".`
	r := cl.post(t, base+"/fiche/presentation", url.Values{"description": {desc}, "produits": {"Xylophones de concert\n<b>Marimbas</b>"}})
	wantStatus(t, "save presentation", r, http.StatusSeeOther)
	r = cl.post(t, base+"/fiche/cpv", url.Values{"cpv_ajout": {"38635000"}, "action": {"save"}})
	wantStatus(t, "save cpv", r, http.StatusSeeOther)

	page := s.get(t, supplierURL(sup.ID))
	wantStatus(t, "public page", page, http.StatusOK)
	for _, want := range []string{
		"Fabricant de xylophones &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; de &#34;marimbas&#34;.",
		"&lt;b&gt;Marimbas&lt;/b&gt;", "38635000-5", "Télescopes",
		// The mark agrees with what it follows.
		`Présentation <span class="declared-mark">déclarée par l'entreprise</span>`,
		`Produits et gammes <span class="declared-mark">déclarés par l'entreprise</span>`,
		`Codes CPV <span class="declared-mark">déclarés par l'entreprise</span>`,
	} {
		if !strings.Contains(page.body, want) {
			t.Errorf("public page lacks %q", want)
		}
	}
	if strings.Contains(page.body, "<script>alert") || strings.Contains(page.body, "<b>Marimbas") {
		t.Error("declared text reached the page as markup")
	}
	if !search("xylophones") || !search("télescopes") || !match() {
		t.Error("the declared description and CPV code are not in the search and the matcher at once")
	}

	// A crawl after the edit leaves the declared fields alone.
	crawled := sup
	crawled.Description = "Nouveau texte du label."
	if _, err := s.store.UpsertCrawled(ctx, []data.Supplier{crawled}, "crawler:epv"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.store.Supplier(ctx, sup.ID); got.Description != strings.TrimSpace(desc) {
		t.Errorf("after a crawl the description is %q", got.Description)
	}

	// Undo the CPV edit, then the presentation: the page and the search
	// are as before.
	versions := cl.get(t, base+"/versions")
	wantStatus(t, "versions", versions, http.StatusOK)
	undo := regexp.MustCompile(`action="(/compte/entreprises/\d+/versions/(\d+)/annuler)"`).FindAllStringSubmatch(versions.body, -1)
	if len(undo) != 2 || !strings.Contains(versions.body, "Texte du label.") {
		t.Fatalf("versions page: %d undo forms, want 2; previous description shown: %v", len(undo), strings.Contains(versions.body, "Texte du label."))
	}
	for _, u := range undo {
		wantStatus(t, "undo "+u[2], cl.post(t, u[1], nil), http.StatusSeeOther)
	}
	page = s.get(t, supplierURL(sup.ID))
	if strings.Contains(page.body, "xylophones") || strings.Contains(page.body, "38635000") || !strings.Contains(page.body, "Texte du label.") {
		t.Error("after undo the public page still shows the edit")
	}
	if search("xylophones") || search("télescopes") {
		t.Error("after undo the search still finds the edit")
	}
	if v, _ := s.store.ListingVersions(ctx, sup.ID); len(v) != 4 {
		t.Errorf("%d versions, want 4 (two edits, two undos)", len(v))
	}
	// « Annuler cette modification » posted twice (a second click, an old
	// tab): the second undo changes nothing, records nothing and says so.
	r = cl.post(t, undo[0][1], nil)
	wantStatus(t, "second undo", r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); !strings.HasSuffix(loc, "/versions?deja="+undo[0][2]) {
		t.Errorf("second undo redirects to %q", loc)
	} else if p := cl.get(t, loc); !strings.Contains(p.body, "La modification n° "+undo[0][2]+" est déjà annulée") {
		t.Errorf("the history does not say the version was undone already:\n%.2000s", p.body)
	}
	if v, _ := s.store.ListingVersions(ctx, sup.ID); len(v) != 4 {
		t.Errorf("%d versions after a second undo, want 4", len(v))
	}
}

// TestListingFormErrors: bad input gets a French message, keeps what was
// typed and saves nothing.
func TestListingFormErrors(t *testing.T) {
	sup := listingCompany(2, "Ébénisterie Erreurs")
	s, _ := listingServer(t, Config{}, sup)
	cl, _ := memberOf(t, s, "a@ebenisterie-erreurs.fr", sup.ID, data.MemberMember)
	base := companyURL(sup.ID)
	tests := []struct {
		name, section string
		form          url.Values
		status        int
		want          []string
	}{
		{"unknown cpv", "cpv", url.Values{"cpv_ajout": {"12345678"}, "action": {"save"}}, 400, []string{"code inconnu du vocabulaire CPV 2008"}},
		{"cpv words offer codes", "cpv", url.Values{"cpv_ajout": {"menuiserie"}, "action": {"save"}}, 200, []string{"n&#39;est pas un code CPV", "45421000"}},
		{"cpv search", "cpv", url.Values{"cpv_ajout": {"télescopes"}, "action": {"search"}}, 200, []string{"38635000-5"}},
		{"phone", "contacts", url.Values{"email": {"contact@ebenisterie.fr"}, "telephone": {"12 34"}}, 400, []string{"numéro français attendu", `value="12 34"`}},
		{"website", "contacts", url.Values{"site": {"javascript:alert(1)"}}, 400, []string{"adresse de site invalide"}},
		{"email", "contacts", url.Values{"email": {"contact-ebenisterie.fr"}}, 400, []string{"adresse électronique invalide", "Courriel de contact"}},
		{"website at an IP address", "contacts", url.Values{"site": {"http://127.0.0.1:18181/admin"}}, 400,
			[]string{"le site web est une adresse IP, pas un nom de domaine", `value="http://127.0.0.1:18181/admin"`}},
		{"radius", "zone", url.Values{"zone": {"radius"}, "rayon": {"beaucoup"}}, 400, []string{"rayon en kilomètres", `value="beaucoup"`, "1 point à corriger", `href="#rayon"`}},
		{"radius NaN", "zone", url.Values{"zone": {"radius"}, "rayon": {"NaN"}}, 400, []string{"rayon en kilomètres", `value="NaN"`}},
		{"radius Inf", "zone", url.Values{"zone": {"radius"}, "rayon": {"Inf"}}, 400, []string{"rayon en kilomètres", `value="Inf"`}},
		{"radius negative", "zone", url.Values{"zone": {"radius"}, "rayon": {"-5"}}, 400, []string{"rayon attendu : de 1 à 1000 km", `value="-5"`}},
		{"radius zero", "zone", url.Values{"zone": {"radius"}, "rayon": {"0"}}, 400, []string{"rayon attendu : de 1 à 1000 km", `value="0"`}},
		{"radius huge", "zone", url.Values{"zone": {"radius"}, "rayon": {"1e9"}}, 400, []string{"rayon attendu : de 1 à 1000 km", `value="1e9"`, `href="#rayon"`}},
		{"presentation as typed", "presentation", url.Values{"description": {"  Deux   espaces " + strings.Repeat("é", 4001)}}, 400, []string{"la présentation dépasse", ">  Deux   espaces "}},
		{"no département", "zone", url.Values{"zone": {"departements"}}, 400, []string{"au moins un département", `href="#zone-deps"`}},
		{"no région", "zone", url.Values{"zone": {"regions"}}, 400, []string{"au moins un département ou une région", `href="#zone-regs"`}},
		{"amount", "capacite", url.Values{"plus_gros_contrat": {"douze"}}, 400, []string{"montant illisible"}},
		{"certification date", "certifications", url.Values{"cert_rows": {"1"}, "cert-1-nom": {"ISO 9001"}, "cert-1-validite": {"demain"}}, 400, []string{"date de validité illisible"}},
		{"unknown section", "secrets", url.Values{}, 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cl.post(t, base+"/fiche/"+tt.section, tt.form)
			wantStatus(t, tt.section, r, tt.status)
			for _, w := range tt.want {
				if !strings.Contains(r.body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if strings.Contains(strings.ToLower(r.body), "e-mail") { // « courriel », as everywhere else
				t.Errorf("the page says « e-mail »")
			}
			if v, _ := s.store.ListingVersions(context.Background(), sup.ID); len(v) != 0 {
				t.Errorf("a refused form was saved: %d versions", len(v))
			}
		})
	}
}

// TestListingCPVErrorKeepsInput: after a refused code, the CPV form shows
// what was sent — a stored code unticked stays unticked, the refused code
// stays in « Ajouter un code » — and saves nothing.
func TestListingCPVErrorKeepsInput(t *testing.T) {
	sup := listingCompany(3, "Menuiserie Saisie")
	sup.CPVDeclared = []string{"44221000", "45421000"}
	s, _ := listingServer(t, Config{}, sup)
	cl, _ := memberOf(t, s, "a@menuiserie-saisie.fr", sup.ID, data.MemberOwner)
	r := cl.post(t, companyURL(sup.ID)+"/fiche/cpv", url.Values{"cpv": {"45421000"}, "cpv_ajout": {"12345678"}, "action": {"save"}})
	wantStatus(t, "refused code", r, http.StatusBadRequest)
	for _, w := range []string{"code inconnu du vocabulaire CPV 2008", `value="44221000">`, `value="45421000" checked>`, `id="cpv_ajout" name="cpv_ajout" value="12345678"`} {
		if !strings.Contains(r.body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	if strings.Contains(r.body, `value="44221000" checked`) {
		t.Error("the code unticked is ticked again")
	}
	if v, _ := s.store.ListingVersions(context.Background(), sup.ID); len(v) != 0 {
		t.Errorf("a refused form was saved: %d versions", len(v))
	}
}

// multipartLogo is a multipart body with the CSRF token and a file.
func multipartLogo(t testing.TB, csrf string, file []byte) (*bytes.Buffer, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if csrf != "" {
		_ = w.WriteField(csrfField, csrf)
	}
	fw, err := w.CreateFormFile("logo", "logo.png")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(file)
	_ = w.Close()
	return &b, w.FormDataContentType()
}

func TestListingLogoUpload(t *testing.T) {
	sup := listingCompany(3, "Verrerie Logo")
	s, _ := listingServer(t, Config{}, sup)
	ctx := context.Background()
	cl, _ := memberOf(t, s, "a@verrerie-logo.fr", sup.ID, data.MemberOwner)
	target := companyURL(sup.ID) + "/logo"
	upload := func(file []byte) response {
		body, ct := multipartLogo(t, cl.csrf(t), file)
		return cl.do(t, http.MethodPost, target, body, "Content-Type", ct)
	}
	tests := []struct {
		name   string
		file   []byte
		status int
		msg    string
	}{
		{"not an image", []byte("<html><script>alert(1)</script></html>"), 400, "n&#39;est pas une image"},
		{"too large", append(encodePNG(t, testImage(10, 10)), make([]byte, maxLogoUpload)...), 413, "le maximum est 512 Ko"},
		{"decompression bomb", pngBomb(t, 60000, 60000), 413, "60\u202f000 × 60\u202f000 pixels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := upload(tt.file)
			wantStatus(t, tt.name, r, tt.status)
			if !strings.Contains(r.body, tt.msg) {
				t.Errorf("page lacks %q", tt.msg)
			}
			if got, _ := s.store.Supplier(ctx, sup.ID); got.Logo != "" {
				t.Errorf("a refused upload became the logo")
			}
		})
	}

	sent := encodePNG(t, testImage(900, 300))
	wantStatus(t, "valid logo", upload(sent), http.StatusSeeOther)
	got, _ := s.store.Supplier(ctx, sup.ID)
	page := s.get(t, supplierURL(sup.ID))
	if got.Logo == "" || !strings.Contains(page.body, `src="`+logoURL(got.Logo)+`"`) {
		t.Fatalf("logo %q not shown on the public page", got.Logo)
	}
	img := s.get(t, logoURL(got.Logo))
	wantStatus(t, "logo", img, http.StatusOK)
	if ct := img.header.Get("Content-Type"); ct != "image/png" || img.body == string(sent) {
		t.Errorf("logo served as %q, re-encoded: %v", ct, img.body != string(sent))
	}
	wantStatus(t, "unknown logo", s.get(t, "/logos/"+strings.Repeat("0", 32)+".png"), http.StatusNotFound)
	wantStatus(t, "logo path", s.get(t, "/logos/..%2f..%2fetc.png"), http.StatusNotFound)
}

// companyRoute is one route of a company's pages, with what it posts.
type companyRoute struct {
	method, path string // path after /compte/entreprises/{id}
	form         url.Values
}

// companyRoutes lists every route of a company's pages; {seq} and
// {member} are replaced by a version and a member of the company.
func companyRoutes() []companyRoute {
	var rs []companyRoute
	rs = append(rs, companyRoute{"GET", "", nil})
	for _, sec := range listingSections {
		rs = append(rs, companyRoute{"GET", "/fiche/" + sec.Name, nil})
		if sec.Name != "logo" {
			rs = append(rs, companyRoute{"POST", "/fiche/" + sec.Name, url.Values{"description": {"pirate"}, "cpv_ajout": {"45421000"},
				"zone": {"france"}, "effectif": {"53"}, "email": {"pirate@pirate.fr"}, "cert_rows": {"1"}, "cert-1-nom": {"pirate"}}})
		}
	}
	return append(rs,
		companyRoute{"POST", "/logo", url.Values{"action": {"supprimer"}}},
		companyRoute{"GET", "/versions", nil},
		companyRoute{"POST", "/versions/{seq}/annuler", nil},
		companyRoute{"GET", "/equipe", nil},
		companyRoute{"POST", "/equipe/inviter", url.Values{"email": {"pirate@pirate.fr"}}},
		companyRoute{"POST", "/equipe/annuler-invitation", url.Values{"invitation": {"0123456789abcdef"}}},
		companyRoute{"POST", "/equipe/{member}/retirer", nil},
		companyRoute{"POST", "/equipe/{member}/responsable", nil},
		companyRoute{"GET", "/quitter", nil},
		companyRoute{"POST", "/quitter", url.Values{leaveConfirmed: {"oui"}}},
	)
}

// TestListingForeignCompany: a member of company A can neither read nor
// change company B through any route; an admin can read B.
func TestListingForeignCompany(t *testing.T) {
	a, b := listingCompany(4, "Atelier A"), listingCompany(5, "Atelier B")
	s, _ := listingServer(t, Config{}, a, b)
	ctx := context.Background()
	clA, _ := memberOf(t, s, "a@atelier-a.fr", a.ID, data.MemberOwner)
	clB, accB := memberOf(t, s, "b@atelier-b.fr", b.ID, data.MemberOwner)
	wantStatus(t, "B's own edit", clB.post(t, companyURL(b.ID)+"/fiche/presentation", url.Values{"description": {"Texte de B."}}), http.StatusSeeOther)
	vs, _ := s.store.ListingVersions(ctx, b.ID)
	if len(vs) != 1 {
		t.Fatalf("B has %d versions, want 1", len(vs))
	}
	snapshot := func() string { return companyState(s, b.ID) }
	before := snapshot()
	for _, rt := range companyRoutes() {
		path := strings.NewReplacer("{seq}", fmt.Sprint(vs[0].Seq), "{member}", accB.ID).Replace(companyURL(b.ID) + rt.path)
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			var r response
			if rt.method == "GET" {
				r = clA.get(t, path)
			} else {
				r = clA.post(t, path, rt.form)
			}
			wantStatus(t, path, r, http.StatusNotFound)
			if strings.Contains(r.body, "Texte de B.") || strings.Contains(r.body, "b@atelier-b.fr") {
				t.Error("the refusal shows B's data")
			}
			if got := snapshot(); got != before {
				t.Errorf("B changed: %s → %s", before, got)
			}
		})
	}
	// The logo upload, multipart.
	body, ct := multipartLogo(t, clA.csrf(t), encodePNG(t, testImage(20, 20)))
	wantStatus(t, "foreign logo", clA.do(t, http.MethodPost, companyURL(b.ID)+"/logo", body, "Content-Type", ct), http.StatusNotFound)
	if got := snapshot(); got != before {
		t.Errorf("B changed by a logo upload: %s → %s", before, got)
	}
	// A's list shows A only.
	list := clA.get(t, "/compte/entreprises")
	if !strings.Contains(list.body, "Atelier A") || strings.Contains(list.body, "Atelier B") {
		t.Error("A's list of companies is wrong")
	}
	// Anonymous visitors are sent to sign in; an admin reads B.
	anon := newClient(s)
	if r := anon.get(t, companyURL(b.ID)); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/connexion") {
		t.Errorf("anonymous: %d %q, want a redirection to /connexion", r.status, r.header.Get("Location"))
	}
	createAccount(t, s, "admin@alliance.fr", listingPassword, data.RoleAdmin)
	adm := signIn(t, s, "admin@alliance.fr", listingPassword)
	wantStatus(t, "admin reads B", adm.get(t, companyURL(b.ID)), http.StatusOK)
	wantStatus(t, "admin removes B's owner", adm.post(t, companyURL(b.ID)+"/equipe/"+accB.ID+"/retirer", nil), http.StatusSeeOther)
	if ok, _ := s.store.IsMember(ctx, accB.ID, b.ID); ok {
		t.Error("an admin could not remove B's owner")
	}
}

// TestListingCSRF: every state-changing route of a company refuses a
// request without the CSRF token, and changes nothing.
func TestListingCSRF(t *testing.T) {
	sup := listingCompany(6, "Atelier Jeton")
	s, _ := listingServer(t, Config{}, sup)
	ctx := context.Background()
	cl, acc := memberOf(t, s, "a@atelier-jeton.fr", sup.ID, data.MemberOwner)
	_, other := memberOf(t, s, "b@atelier-jeton.fr", sup.ID, data.MemberMember)
	wantStatus(t, "edit", cl.post(t, companyURL(sup.ID)+"/fiche/presentation", url.Values{"description": {"Avant."}}), http.StatusSeeOther)
	vs, _ := s.store.ListingVersions(ctx, sup.ID)
	state := func() string { return companyState(s, sup.ID) }
	before := state()
	routes := append(companyRoutes(), companyRoute{"POST", "/equipe/{me}/retirer", nil})
	for _, rt := range routes {
		if rt.method != "POST" {
			continue
		}
		path := strings.NewReplacer("{seq}", fmt.Sprint(vs[0].Seq), "{member}", other.ID, "{me}", acc.ID).Replace(companyURL(sup.ID) + rt.path)
		t.Run(rt.path, func(t *testing.T) {
			wantStatus(t, path, cl.postRaw(t, path, rt.form), http.StatusForbidden)
			if got := state(); got != before {
				t.Errorf("changed without a CSRF token: %s → %s", before, got)
			}
		})
	}
	body, ct := multipartLogo(t, "", encodePNG(t, testImage(20, 20)))
	wantStatus(t, "logo without token", cl.do(t, http.MethodPost, companyURL(sup.ID)+"/logo", body, "Content-Type", ct), http.StatusForbidden)
	wantStatus(t, "invitation without token", cl.postRaw(t, "/compte/invitations/"+strings.Repeat("a", 43), nil), http.StatusForbidden)
	if got := state(); got != before {
		t.Errorf("changed without a CSRF token: %s → %s", before, got)
	}
}

// TestListingInvite: an owner invites by e-mail (a real SMTP exchange);
// the invitee signs in with that address and joins; the link serves once
// and only that address; owners remove members, members leave.
func TestListingInvite(t *testing.T) {
	sup := listingCompany(7, "Forge Équipe")
	s, inbox := listingServer(t, Config{PublicURL: "https://fabrique.example"}, sup)
	ctx := context.Background()
	owner, _ := memberOf(t, s, "patron@forge-equipe.fr", sup.ID, data.MemberOwner)
	team := companyURL(sup.ID) + "/equipe"

	wantStatus(t, "bad address", owner.post(t, team+"/inviter", url.Values{"email": {"pas une adresse"}}), http.StatusBadRequest)
	wantStatus(t, "invite", owner.post(t, team+"/inviter", url.Values{"email": {"Compagnon@Forge-Equipe.fr"}}), http.StatusSeeOther)
	m := waitMail(t, inbox, 1)
	if !strings.Contains(m.Subject, "Forge Équipe") || !strings.Contains(m.HTML, "Rejoindre l'équipe") {
		t.Errorf("mail: subject %q", m.Subject)
	}
	link := linkIn(t, m, "/compte/invitations/")
	if !strings.HasPrefix(link, "https://fabrique.example/compte/invitations/") {
		t.Fatalf("link %q does not use the public URL", link)
	}
	path := strings.TrimPrefix(link, "https://fabrique.example")

	// Opened before signing in, the link leads to the sign-in page, which
	// says why the visitor is there, and so does the sign-up page it
	// links to.
	anon := newClient(s)
	r := anon.get(t, path)
	wantStatus(t, "invitation signed out", r, http.StatusSeeOther)
	signIn := anon.get(t, r.header.Get("Location"))
	mustContain(t, "sign-in from an invitation", signIn.body, "Vous avez été invité à rejoindre l&#39;équipe")
	signUp := anon.get(t, "/inscription?suite="+url.QueryEscape(path))
	mustContain(t, "sign-up from an invitation", signUp.body, "Créez votre compte avec l&#39;adresse qui a reçu l&#39;invitation")
	if plain := anon.get(t, "/connexion"); strings.Contains(plain.body, "invité") {
		t.Error("the sign-in page speaks of an invitation without one")
	}

	// Someone else, signed in with another address, cannot use it.
	stranger, _ := memberOf(t, s, "autre@ailleurs.fr", "", "")
	wantStatus(t, "stranger", stranger.post(t, path, nil), http.StatusForbidden)

	// The invitee signs up (here: an account with that address), opens
	// the link and joins.
	invitee, acc := memberOf(t, s, "compagnon@forge-equipe.fr", "", "")
	r = invitee.get(t, path)
	wantStatus(t, "invitation page", r, http.StatusOK)
	if !strings.Contains(r.body, "Forge Équipe") {
		t.Error("the invitation page does not name the company")
	}
	r = invitee.post(t, path, nil)
	wantStatus(t, "accept", r, http.StatusSeeOther)
	if ok, _ := s.store.IsMember(ctx, acc.ID, sup.ID); !ok {
		t.Fatal("the invitee is not a member after accepting")
	}
	wantStatus(t, "dashboard", invitee.get(t, companyURL(sup.ID)), http.StatusOK)
	// A second click on « Rejoindre l'équipe » (or the link opened again)
	// leads to the team, which says so, not to « a déjà servi ».
	for _, again := range []response{invitee.post(t, path, nil), invitee.get(t, path)} {
		wantStatus(t, "second use by the member", again, http.StatusSeeOther)
		if loc := again.header.Get("Location"); loc != team+"?fait=deja-membre" {
			t.Fatalf("second use: Location %q, want the team page", loc)
		}
	}
	mustContain(t, "team after a second use", invitee.get(t, team+"?fait=deja-membre").body, "Vous faites déjà partie de l&#39;équipe")

	// A member cannot remove the owner; the owner removes the member.
	ownerAcc, _ := s.store.AccountByEmail(ctx, "patron@forge-equipe.fr")
	wantStatus(t, "member removes owner", invitee.post(t, team+"/"+ownerAcc.ID+"/retirer", nil), http.StatusForbidden)
	wantStatus(t, "member invites", invitee.post(t, team+"/inviter", url.Values{"email": {"x@forge-equipe.fr"}}), http.StatusForbidden)
	wantStatus(t, "owner removes member", owner.post(t, team+"/"+acc.ID+"/retirer", nil), http.StatusSeeOther)
	if ok, _ := s.store.IsMember(ctx, acc.ID, sup.ID); ok {
		t.Error("the removed member is still a member")
	}
	wantStatus(t, "removed member", invitee.get(t, companyURL(sup.ID)), http.StatusNotFound)
	wantStatus(t, "used invitation of a removed member", invitee.post(t, path, nil), http.StatusGone)

	// An invitation still pending when the owner, now alone, leaves after
	// confirming.
	wantStatus(t, "invite before leaving", owner.post(t, team+"/inviter", url.Values{"email": {"apprenti@forge-equipe.fr"}}), http.StatusSeeOther)
	pendingPath := strings.TrimPrefix(linkIn(t, waitMail(t, inbox, 2), "/compte/invitations/"), "https://fabrique.example")
	r = owner.post(t, companyURL(sup.ID)+"/quitter", nil)
	wantStatus(t, "leave without confirming", r, http.StatusOK)
	mustContain(t, "leave question with an invitation pending", r.body, "apprenti@forge-equipe.fr) sera annulée")
	if ok, _ := s.store.IsMember(ctx, ownerAcc.ID, sup.ID); !ok || !strings.Contains(r.body, `name="`+leaveConfirmed+`" value="oui"`) {
		t.Fatal("leaving without confirming did not ask first")
	}
	r = owner.post(t, companyURL(sup.ID)+"/quitter", url.Values{leaveConfirmed: {"oui"}})
	wantStatus(t, "leave", r, http.StatusSeeOther)
	if list := owner.get(t, r.header.Get("Location")); !strings.Contains(list.body, "Vous avez quitté l'équipe de Forge Équipe") {
		t.Error("no confirmation after leaving")
	}
	if ms, _ := s.store.Members(ctx, sup.ID); len(ms) != 0 {
		t.Errorf("members after the owner left: %v", ms)
	}
	// Nobody manages the listing: the pending invitation no longer lets
	// anyone join, and its page says how to manage the listing now.
	apprentice, appAcc := memberOf(t, s, "apprenti@forge-equipe.fr", "", "")
	for _, r := range []response{apprentice.get(t, pendingPath), apprentice.post(t, pendingPath, nil)} {
		wantStatus(t, "invitation of a team nobody is left in", r, http.StatusGone)
		mustContain(t, "invitation of a team nobody is left in", r.body, "plus personne ne gère")
		mustContain(t, "invitation of a team nobody is left in", r.body, `href="/fournisseurs/`+sup.ID+`/revendiquer"`)
	}
	if ok, _ := s.store.IsMember(ctx, appAcc.ID, sup.ID); ok {
		t.Error("an invitation joined a team nobody is left in")
	}
}

// TestListingLeaveAlone: the only member of a team is told that nobody
// will manage the listing after them and that coming back means claiming
// it again, not an invitation that nobody is left to send.
func TestListingLeaveAlone(t *testing.T) {
	sup := listingCompany(10, "Forge Seule")
	s, _ := listingServer(t, Config{}, sup)
	owner, _ := memberOf(t, s, "patron@forge-seule.fr", sup.ID, data.MemberOwner)
	r := owner.get(t, companyURL(sup.ID)+"/quitter")
	wantStatus(t, "leave", r, http.StatusOK)
	question := textOf(parseHTML(t, r).Find("main"))
	if strings.Contains(question, "invitation d'un responsable") || !strings.Contains(question, "revendiquer") {
		t.Errorf("the only member is told to come back by an invitation:\n%s", question)
	}
	other, _ := memberOf(t, s, "compagnon@forge-seule.fr", sup.ID, data.MemberMember)
	question = textOf(parseHTML(t, other.get(t, companyURL(sup.ID)+"/quitter")).Find("main"))
	if !strings.Contains(question, "invitation d'un responsable") {
		t.Errorf("a member of a team is not told that a « responsable » may invite them back:\n%s", question)
	}
}

// TestListingLastOwner: the only « responsable » of a team with members
// can neither leave nor be removed (by an admin) until they name another
// one with « Nommer responsable »; leaving asks first, without JavaScript.
func TestListingLastOwner(t *testing.T) {
	sup := listingCompany(9, "Forge Relève")
	s, _ := listingServer(t, Config{}, sup)
	ctx := context.Background()
	owner, ownerAcc := memberOf(t, s, "patron@forge-releve.fr", sup.ID, data.MemberOwner)
	member, memberAcc := memberOf(t, s, "compagnon@forge-releve.fr", sup.ID, data.MemberMember)
	createAccount(t, s, "admin@alliance.fr", listingPassword, data.RoleAdmin)
	adm := signIn(t, s, "admin@alliance.fr", listingPassword)
	base := companyURL(sup.ID)
	promote := base + "/equipe/" + memberAcc.ID + "/responsable"
	isOwner := func(id string) bool {
		m, err := s.membershipOf(ctx, sup.ID, id)
		return err == nil && m != nil && m.Role == data.MemberOwner
	}

	// The team page: the owner sees « Nommer responsable » beside the
	// member, and « Quitter l'entreprise » is a link to a question.
	team := owner.get(t, base+"/equipe")
	wantStatus(t, "team", team, http.StatusOK)
	if !strings.Contains(team.body, `action="`+promote+`"`) || !strings.Contains(team.body, `href="`+base+`/quitter"`) {
		t.Errorf("the owner's team page lacks the promotion form or the leave link:\n%s", team.body)
	}
	if strings.Contains(member.get(t, base+"/equipe").body, "/responsable") {
		t.Error("a member is offered « Nommer responsable »")
	}

	// The last owner cannot leave: the question page says why, and a
	// confirmed POST is refused (409) with the same words.
	r := owner.get(t, base+"/quitter")
	wantStatus(t, "leave question of the last owner", r, http.StatusOK)
	if !strings.Contains(r.body, "seul responsable") || strings.Contains(r.body, `name="`+leaveConfirmed+`"`) {
		t.Errorf("the last owner is offered to leave:\n%s", r.body)
	}
	r = owner.post(t, base+"/quitter", url.Values{leaveConfirmed: {"oui"}})
	wantStatus(t, "last owner leaves", r, http.StatusConflict)
	if !strings.Contains(r.body, "nommez d&#39;abord un autre responsable") {
		t.Errorf("no explanation:\n%s", r.body)
	}
	r = adm.post(t, base+"/equipe/"+ownerAcc.ID+"/retirer", nil)
	wantStatus(t, "admin removes the last owner", r, http.StatusConflict)
	if !isOwner(ownerAcc.ID) {
		t.Fatal("the last owner is gone")
	}

	// A member cannot promote themself; the owner names them.
	wantStatus(t, "member promotes themself", member.post(t, promote, nil), http.StatusForbidden)
	wantStatus(t, "owner promotes", owner.post(t, promote, nil), http.StatusSeeOther)
	if !isOwner(memberAcc.ID) {
		t.Fatal("the member was not named owner")
	}
	wantStatus(t, "new owner invites", member.post(t, base+"/equipe/inviter", url.Values{"email": {"apprenti@forge-releve.fr"}}), http.StatusSeeOther)

	// Now the first owner may leave, after the question.
	r = owner.get(t, base+"/quitter")
	wantStatus(t, "leave question", r, http.StatusOK)
	if !strings.Contains(r.body, `name="`+leaveConfirmed+`" value="oui"`) {
		t.Errorf("no confirmation button:\n%s", r.body)
	}
	wantStatus(t, "leave unconfirmed", owner.post(t, base+"/quitter", nil), http.StatusOK)
	if !isOwner(ownerAcc.ID) {
		t.Fatal("left without confirming")
	}
	wantStatus(t, "leave", owner.post(t, base+"/quitter", url.Values{leaveConfirmed: {"oui"}}), http.StatusSeeOther)
	if ok, _ := s.store.IsMember(ctx, ownerAcc.ID, sup.ID); ok {
		t.Error("still a member after leaving")
	}
}

// TestListingInviteRevoked: a manager cancels an invitation sent to a
// wrong address, and its link no longer lets anyone join.
func TestListingInviteRevoked(t *testing.T) {
	sup := listingCompany(8, "Forge Annulée")
	s, inbox := listingServer(t, Config{PublicURL: "https://fabrique.example"}, sup)
	ctx := context.Background()
	owner, _ := memberOf(t, s, "patron@forge-annulee.fr", sup.ID, data.MemberOwner)
	team := companyURL(sup.ID) + "/equipe"
	wantStatus(t, "invite", owner.post(t, team+"/inviter", url.Values{"email": {"erreur@forge-annulee.fr"}}), http.StatusSeeOther)
	path := strings.TrimPrefix(linkIn(t, waitMail(t, inbox, 1), "/compte/invitations/"), "https://fabrique.example")

	form := parseHTML(t, owner.get(t, team)).Find(`form[action="` + team + `/annuler-invitation"]`)
	invitation, _ := form.Find(`input[name="invitation"]`).Attr("value")
	if form.Length() != 1 || invitation == "" || !strings.Contains(textOf(form.Parent()), "erreur@forge-annulee.fr") {
		t.Fatalf("the pending invitation has no « Annuler » form beside its address")
	}
	r := owner.post(t, team+"/annuler-invitation", url.Values{"invitation": {invitation}})
	wantStatus(t, "revoke", r, http.StatusSeeOther)
	page := owner.get(t, r.header.Get("Location"))
	mustContain(t, "team after the revocation", page.body, "Invitation annulée")
	if strings.Contains(page.body, "erreur@forge-annulee.fr") {
		t.Error("the revoked invitation is still listed as pending")
	}
	wantStatus(t, "revoke again", owner.post(t, team+"/annuler-invitation", url.Values{"invitation": {invitation}}), http.StatusConflict)

	invitee, acc := memberOf(t, s, "erreur@forge-annulee.fr", "", "")
	for _, r := range []response{invitee.get(t, path), invitee.post(t, path, nil)} {
		wantStatus(t, "revoked link", r, http.StatusGone)
		mustContain(t, "revoked link", r.body, "a été annulée")
	}
	if ok, _ := s.store.IsMember(ctx, acc.ID, sup.ID); ok {
		t.Fatal("the revoked invitation made its addressee a member")
	}
}

// TestListingInviteAgain: inviting an address that has a pending
// invitation sends a new link that replaces the old one (a lost mail, a
// link about to expire): the team lists one invitation, the first link
// says it was replaced, the second one joins.
func TestListingInviteAgain(t *testing.T) {
	sup := listingCompany(11, "Forge Relance")
	s, inbox := listingServer(t, Config{PublicURL: "https://fabrique.example"}, sup)
	ctx := context.Background()
	owner, _ := memberOf(t, s, "patron@forge-relance.fr", sup.ID, data.MemberOwner)
	team := companyURL(sup.ID) + "/equipe"
	var paths []string
	for i, email := range []string{"compagnon@forge-relance.fr", "Compagnon@Forge-Relance.fr"} {
		r := owner.post(t, team+"/inviter", url.Values{"email": {email}})
		wantStatus(t, "invite "+email, r, http.StatusSeeOther)
		paths = append(paths, strings.TrimPrefix(linkIn(t, waitMail(t, inbox, i+1), "/compte/invitations/"), "https://fabrique.example"))
		if i == 1 {
			mustContain(t, "team after inviting again", owner.get(t, r.header.Get("Location")).body, "remplace la précédente")
		}
	}
	if p, _ := s.store.PendingInvites(ctx, sup.ID); len(p) != 1 {
		t.Fatalf("%d pending invitations after inviting the same address twice, want 1", len(p))
	}
	invitee, acc := memberOf(t, s, "compagnon@forge-relance.fr", "", "")
	r := invitee.get(t, paths[0])
	wantStatus(t, "replaced link", r, http.StatusGone)
	mustContain(t, "replaced link", r.body, "remplacée par une invitation plus récente")
	wantStatus(t, "new link", invitee.post(t, paths[1], nil), http.StatusSeeOther)
	if ok, _ := s.store.IsMember(ctx, acc.ID, sup.ID); !ok {
		t.Error("the new link did not make the invitee a member")
	}
	// Once a member, the old link (opened or posted) says so rather than
	// « remplacée ».
	for _, r := range []response{invitee.get(t, paths[0]), invitee.post(t, paths[0], nil)} {
		if loc := r.header.Get("Location"); r.status != http.StatusSeeOther || loc != team+"?fait=deja-membre" {
			t.Errorf("the replaced link opened by a member: %d to %q, want 303 to %s?fait=deja-membre", r.status, loc, team)
		}
	}
	// Anyone else still reads why the old link does not work.
	other, _ := memberOf(t, s, "autre@forge-relance.fr", "", "")
	wantStatus(t, "replaced link, not a member", other.get(t, paths[0]), http.StatusGone)
}

// TestListingInviteExpiresByServerClock: an invitation expires by the
// server's clock (Config.Now), which dates it too: a week and a day after
// it was sent, its link says it expired and joins nobody.
func TestListingInviteExpiresByServerClock(t *testing.T) {
	sup := listingCompany(12, "Forge Horloge")
	var ahead atomic.Int64 // how far the server's clock runs ahead of the machine's
	s, inbox := listingServer(t, Config{PublicURL: "https://fabrique.example",
		Now: func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }}, sup)
	owner, _ := memberOf(t, s, "patron@forge-horloge.fr", sup.ID, data.MemberOwner)
	wantStatus(t, "invite", owner.post(t, companyURL(sup.ID)+"/equipe/inviter", url.Values{"email": {"compagnon@forge-horloge.fr"}}), http.StatusSeeOther)
	path := strings.TrimPrefix(linkIn(t, waitMail(t, inbox, 1), "/compte/invitations/"), "https://fabrique.example")
	invitee, acc := memberOf(t, s, "compagnon@forge-horloge.fr", "", "")
	wantStatus(t, "invitation page", invitee.get(t, path), http.StatusOK)

	ahead.Store(int64(inviteLifetime + 24*time.Hour))
	for _, r := range []response{invitee.get(t, path), invitee.post(t, path, nil)} {
		wantStatus(t, "invitation past its expiry by the server's clock", r, http.StatusGone)
		mustContain(t, "invitation past its expiry by the server's clock", r.body, "Cette invitation a expiré")
	}
	if ok, _ := s.store.IsMember(context.Background(), acc.ID, sup.ID); ok {
		t.Error("an invitation expired by the server's clock made its addressee a member")
	}
}

// TestListingInviteChangedBeforeTheClick: an invitation revoked or
// replaced between the check of « Rejoindre l'équipe » and its use (the
// store refuses it then) says why, as its page does, not « a déjà servi
// ou a expiré ».
func TestListingInviteChangedBeforeTheClick(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *testServer, inv data.Invite, owner string) error
		want   string
	}{
		{"revoked", func(s *testServer, inv data.Invite, owner string) error {
			return s.store.RevokeInvite(context.Background(), inv.SupplierID, inv.TokenHash, owner)
		}, "a été annulée par un responsable"},
		{"replaced", func(s *testServer, inv data.Invite, owner string) error {
			again := inv
			again.TokenHash, again.CreatedAt, again.ExpiresAt = secretHash(newSecret()), time.Now(), time.Now().Add(inviteLifetime)
			return s.store.PutInvite(context.Background(), again, owner)
		}, "remplacée par une invitation plus récente"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sup := listingCompany(13+i, "Forge Changée")
			// The change happens when the POST reads the server's clock,
			// after it read the invitation and before the store uses it.
			var between atomic.Pointer[func()]
			s, inbox := listingServer(t, Config{PublicURL: "https://fabrique.example", Now: func() time.Time {
				if f := between.Swap(nil); f != nil {
					(*f)()
				}
				return time.Now()
			}}, sup)
			owner, ownerAcc := memberOf(t, s, "patron@forge-changee.fr", sup.ID, data.MemberOwner)
			wantStatus(t, "invite", owner.post(t, companyURL(sup.ID)+"/equipe/inviter", url.Values{"email": {"compagnon@forge-changee.fr"}}), http.StatusSeeOther)
			path := strings.TrimPrefix(linkIn(t, waitMail(t, inbox, 1), "/compte/invitations/"), "https://fabrique.example")
			invitee, acc := memberOf(t, s, "compagnon@forge-changee.fr", "", "")
			wantStatus(t, "invitation page", invitee.get(t, path), http.StatusOK)

			inv, err := s.store.Invite(context.Background(), secretHash(strings.TrimPrefix(path, "/compte/invitations/")))
			if err != nil {
				t.Fatal(err)
			}
			change := func() {
				if err := tt.change(s, inv, ownerAcc.ID); err != nil {
					t.Errorf("change the invitation: %v", err)
				}
			}
			between.Store(&change)
			r := invitee.post(t, path, nil)
			if between.Load() != nil {
				t.Fatal("the POST did not read the server's clock between its check and the use of the invitation")
			}
			wantStatus(t, "accept", r, http.StatusGone)
			mustContain(t, "accept", r.body, tt.want)
			if strings.Contains(r.body, "a déjà servi") {
				t.Errorf("the page says the invitation was used")
			}
			if ok, _ := s.store.IsMember(context.Background(), acc.ID, sup.ID); ok {
				t.Error("the changed invitation made its addressee a member")
			}
		})
	}
}

// TestListingInviteRefusalsAreSentences: the invitation form's refusals
// stand alone in its error box, so they read as sentences.
func TestListingInviteRefusalsAreSentences(t *testing.T) {
	sup := listingCompany(9, "Forge Phrase")
	s, _ := listingServer(t, Config{}, sup)
	owner, _ := memberOf(t, s, "patron@forge-phrase.fr", sup.ID, data.MemberOwner)
	team := companyURL(sup.ID) + "/equipe"
	for _, email := range []string{"pas une adresse", "patron@forge-phrase.fr"} {
		r := owner.post(t, team+"/inviter", url.Values{"email": {email}})
		wantStatus(t, email, r, http.StatusBadRequest)
		if msg := textOf(parseHTML(t, r).Find(".alert")); !isSentence(msg) {
			t.Errorf("inviting %q: refusal %q is not a sentence", email, msg)
		}
	}
}

// TestListingInviteThrottled: an owner cannot mail invitations without
// end.
func TestListingInviteThrottled(t *testing.T) {
	sup := listingCompany(8, "Forge Limite")
	s, _ := listingServer(t, Config{}, sup)
	owner, _ := memberOf(t, s, "patron@forge-limite.fr", sup.ID, data.MemberOwner)
	var last response
	for i := range throttleRules()["invite"].limit {
		last = owner.post(t, companyURL(sup.ID)+"/equipe/inviter", url.Values{"email": {fmt.Sprintf("p%d@forge-limite.fr", i)}})
	}
	wantStatus(t, "last invitation", last, http.StatusTooManyRequests)
	if last.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	if inv, _ := s.store.PendingInvites(context.Background(), sup.ID); len(inv) != throttleRules()["invite"].limit-1 {
		t.Errorf("%d invitations recorded, want %d", len(inv), throttleRules()["invite"].limit-1)
	}
}

// TestInviteeSignsUp: an invitee without an account follows the
// invitation link to the sign-in page, creates an account from there,
// confirms the address from the mail, and lands on the invitation — suite
// is carried through sign-up and confirmation, and still only a local path.
func TestInviteeSignsUp(t *testing.T) {
	sup := listingCompany(10, "Forge Nouvelle")
	s, inbox := listingServer(t, Config{PublicURL: "https://fabrique.test"}, sup)
	owner, _ := memberOf(t, s, "patron@forge-nouvelle.fr", sup.ID, data.MemberOwner)
	wantStatus(t, "invite", owner.post(t, companyURL(sup.ID)+"/equipe/inviter", url.Values{"email": {"nouveau@forge-nouvelle.fr"}}), http.StatusSeeOther)
	invitation := strings.TrimPrefix(linkIn(t, waitMail(t, inbox, 1), "/compte/invitations/"), "https://fabrique.test")

	cl := newClient(s)
	r := cl.get(t, invitation)
	wantStatus(t, "invitation, signed out", r, http.StatusSeeOther)
	signInPage := cl.get(t, r.header.Get("Location"))
	suite := strings.ReplaceAll(url.QueryEscape(invitation), "%2F", "%2f") // as html/template escapes it
	mustContain(t, "sign-in page", signInPage.body, `href="/inscription?suite=`+suite+`"`)
	signUpPage := cl.get(t, signUpPath+"?suite="+suite)
	mustContain(t, "sign-up page", signUpPage.body, `name="suite" value="`+invitation+`"`, `href="/connexion?suite=`+suite+`"`)

	r = cl.post(t, signUpPath, url.Values{"email": {"nouveau@forge-nouvelle.fr"}, "password": {testPassword}, "password2": {testPassword},
		"suite": {invitation}})
	wantStatus(t, "sign-up", r, http.StatusOK)
	link, _ := url.Parse(linkIn(t, waitMail(t, inbox, 2), confirmPath+"?jeton="))
	if link.Query().Get("suite") != invitation {
		t.Fatalf("the confirmation link %q does not lead on to the invitation", link)
	}
	r = cl.get(t, link.RequestURI())
	mustContain(t, "confirmation page", r.body, `name="suite" value="`+invitation+`"`)
	r = cl.post(t, confirmPath, url.Values{"jeton": {link.Query().Get("jeton")}, "password": {testPassword}, "suite": {invitation}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != invitation {
		t.Fatalf("confirm: %d to %q, want the invitation %q", r.status, r.header.Get("Location"), invitation)
	}
	wantStatus(t, "accept", cl.post(t, invitation, nil), http.StatusSeeOther)
	acc, _ := s.store.AccountByEmail(context.Background(), "nouveau@forge-nouvelle.fr")
	if ok, _ := s.store.IsMember(context.Background(), acc.ID, sup.ID); !ok {
		t.Error("the invitee is not a member")
	}

	// Another site is never carried.
	for _, bad := range []string{"//evil.example/x", "https://evil.example/"} {
		if body := newClient(s).get(t, signUpPath+"?suite="+url.QueryEscape(bad)).body; strings.Contains(body, "evil.example") {
			t.Errorf("sign-up page carries suite=%q", bad)
		}
	}
	other := newClient(s)
	wantStatus(t, "sign-up to elsewhere", other.post(t, signUpPath, url.Values{"email": {"autre@forge-nouvelle.fr"},
		"password": {testPassword}, "password2": {testPassword}, "suite": {"//evil.example/x"}}), http.StatusOK)
	if l := linkIn(t, waitMail(t, inbox, 3), confirmPath+"?jeton="); strings.Contains(l, "suite=") {
		t.Errorf("the confirmation link %q carries a foreign suite", l)
	}
	r = other.post(t, confirmPath, url.Values{"jeton": {mustQuery(t, linkIn(t, waitMail(t, inbox, 3), confirmPath), "jeton")},
		"password": {testPassword}, "suite": {"//evil.example/x"}})
	if r.header.Get("Location") != accountPath+"?fait=bienvenue" {
		t.Errorf("confirm with a foreign suite goes to %q", r.header.Get("Location"))
	}
}

func mustQuery(t testing.TB, link, key string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get(key)
}

// TestAccountRoleOfCompanyMember: an account signs up as a buyer; once it
// is in a company's team, /compte names its role « entreprise », not
// « acheteur », and so does the admins' list of accounts.
func TestAccountRoleOfCompanyMember(t *testing.T) {
	sup := listingCompany(11, "Forge Rôle")
	s, _ := listingServer(t, Config{}, sup)
	ctx := context.Background()
	owner := createAccount(t, s, "patron@forge-role.fr", listingPassword, data.RoleBuyer)
	buyer := createAccount(t, s, "achats@mairie-role.fr", listingPassword, data.RoleBuyer)
	createAccount(t, s, "admin@alliance.fr", listingPassword, data.RoleAdmin)
	if err := s.store.AddMember(ctx, data.Membership{SupplierID: sup.ID, AccountID: owner.ID, Role: data.MemberOwner, Via: "admin"}, "test"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ email, want, avoid string }{
		{owner.Email, "<dt>Rôle</dt><dd>entreprise</dd>", "<dd>acheteur</dd>"},
		{buyer.Email, "<dt>Rôle</dt><dd>acheteur</dd>", "<dd>entreprise</dd>"},
	} {
		body := signIn(t, s, tt.email, listingPassword).get(t, accountPath).body
		if !strings.Contains(body, tt.want) || strings.Contains(body, tt.avoid) {
			t.Errorf("%s: /compte lacks %q (or shows %q)", tt.email, tt.want, tt.avoid)
		}
	}
	list := signIn(t, s, "admin@alliance.fr", listingPassword).get(t, "/admin/comptes").body
	if i := strings.Index(list, owner.Email); i < 0 || !strings.Contains(list[i:min(len(list), i+300)], "entreprise") {
		t.Errorf("the admins' list does not name %s « entreprise »", owner.Email)
	}
}

// TestSupplierPageForMember: a member reading the public page of the
// company is sent to its dashboard, not asked to claim the listing it
// already manages (« Demandez à gérer la fiche » misled invited members);
// other visitors still see the claim link.
func TestSupplierPageForMember(t *testing.T) {
	sup := listingCompany(12, "Forge Membre")
	sup.ClaimedBy = "someone"
	s, _ := listingServer(t, Config{}, sup)
	member, _ := memberOf(t, s, "patron@forge-membre.fr", sup.ID, data.MemberMember)
	stranger, _ := memberOf(t, s, "autre@ailleurs.fr", "", data.MemberOwner)

	r := member.get(t, supplierURL(sup.ID))
	wantStatus(t, "member", r, http.StatusOK)
	mustContain(t, "member's view", r.body, "Vous gérez cette fiche", `href="`+companyURL(sup.ID)+`"`)
	if strings.Contains(r.body, "Demandez à gérer la fiche") {
		t.Error("a member is asked to claim the listing it manages")
	}
	for name, cl := range map[string]*client{"stranger": stranger, "anonymous": newClient(s)} {
		r := cl.get(t, supplierURL(sup.ID))
		mustContain(t, name, r.body, "Demandez à gérer la fiche", `href="`+supplierURL(sup.ID)+`/revendiquer"`)
		if strings.Contains(r.body, "Vous gérez cette fiche") {
			t.Errorf("%s: told it manages the listing", name)
		}
	}
}

// TestListingDescriptionLimit: the presentation field, its hint and the
// server agree on the length of a description.
func TestListingDescriptionLimit(t *testing.T) {
	sup := listingCompany(12, "Forge Longueur")
	s, _ := listingServer(t, Config{}, sup)
	cl, _ := memberOf(t, s, "a@forge-longueur.fr", sup.ID, data.MemberOwner)
	form := cl.get(t, sectionURL(sup.ID, "presentation"))
	wantStatus(t, "form", form, http.StatusOK)
	mustContain(t, "form", form.body, fmt.Sprintf(`name="description" rows="10" maxlength="%d"`, data.MaxDescriptionRunes),
		formatNumber(data.MaxDescriptionRunes)+" caractères au plus")
	at := strings.Repeat("é", data.MaxDescriptionRunes)
	wantStatus(t, "at the limit", cl.post(t, sectionURL(sup.ID, "presentation"), url.Values{"description": {at}}), http.StatusSeeOther)
	wantStatus(t, "over the limit", cl.post(t, sectionURL(sup.ID, "presentation"), url.Values{"description": {at + "é"}}), http.StatusBadRequest)
}
