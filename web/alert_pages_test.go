package web

import (
	"context"
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"fabrique/data"
)

// alertWorld is a test server with a company in Lyon, its member signed
// in, and tenders published over the last days.
type alertWorld struct {
	s      *testServer
	co     data.Supplier
	member *client
	acc    data.Account
	inbox  func() []receivedMail
}

func newAlertWorld(t *testing.T) *alertWorld {
	t.Helper()
	co := listingCompany(41, "Menuiserie Lyonnaise")
	s, inbox := listingServer(t, Config{PublicURL: "https://fabrique.test"}, co)
	member, acc := memberOf(t, s, "atelier@example.fr", co.ID, data.MemberOwner)
	published := time.Now().Add(-48 * time.Hour)
	putTenders(t, s,
		data.Tender{ID: "boamp:26-801", Source: "boamp", SourceID: "26-801", Title: "Menuiseries extérieures du gymnase", CPV: "45421000",
			Buyer: data.Buyer{Name: "Ville de Villeurbanne"}, Place: data.Place{Departement: "69", Commune: "Villeurbanne"},
			PublishedAt: published, Deadline: inDays(12), EstimatedValue: 120000},
		data.Tender{ID: "boamp:26-802", Source: "boamp", SourceID: "26-802", Title: "Menuiseries de la mairie de Rennes", CPV: "45421000",
			Place: data.Place{Departement: "35"}, PublishedAt: published, Deadline: inDays(9)},
		data.Tender{ID: "boamp:26-803", Source: "boamp", SourceID: "26-803", Title: "Nettoyage des locaux", CPV: "90910000",
			Place: data.Place{Departement: "69"}, PublishedAt: published, Deadline: inDays(8)},
	)
	return &alertWorld{s: s, co: co, member: member, acc: acc, inbox: inbox}
}

// previewedRe finds the hash of the criteria last previewed in a page.
var previewedRe = regexp.MustCompile(`name="apercu" value="([^"]*)"`)

func previewedIn(t testing.TB, body string) string {
	t.Helper()
	m := previewedRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no apercu field in the page")
	}
	return html.UnescapeString(m[1])
}

func menuiserieForm() url.Values {
	return url.Values{"nom": {"Menuiserie dans le Rhône"}, "mots": {"menuiseries"}, "exclure": {"nettoyage, vitrerie"},
		"cpv": {"45421000"}, "cpv_enfants": {"45421000"}, "dep": {"69"}, "frequence": {"weekly"}, "valeur_min": {"10 000"}}
}

// TestAlertCreatePreviewsFirst: « Prévisualiser » shows what the profile
// would have sent last week; « Enregistrer » saves only criteria that were
// previewed, else shows their preview first; the list then shows it.
func TestAlertCreatePreviewsFirst(t *testing.T) {
	w := newAlertWorld(t)
	ctx := context.Background()

	r := w.member.get(t, alertsPath)
	wantStatus(t, "empty list", r, http.StatusOK)
	mustContain(t, "empty list", r.body, "Vous n'avez pas encore d'alerte", "Nouvelle alerte", `name="cpv_ajout"`,
		"autour du site de Menuiserie Lyonnaise", "uniquement les lots", `name="frequence" value="daily" checked`)

	form := menuiserieForm()
	form.Set("action", "apercu")
	r = w.member.post(t, alertsPath, form)
	wantStatus(t, "preview", r, http.StatusOK)
	mustContain(t, "preview", r.body, "Ce que cette alerte vous aurait envoyé la semaine dernière", "Menuiseries extérieures du gymnase",
		"1 appel d&#39;offres publié ces 7 derniers jours", `value="Menuiserie dans le Rhône"`, `value="nettoyage, vitrerie"`)
	for _, avoid := range []string{"mairie de Rennes", "Nettoyage des locaux"} {
		if strings.Contains(r.body, avoid) {
			t.Errorf("the preview lists %q", avoid)
		}
	}
	hash := previewedIn(t, r.body)
	if hash == "" {
		t.Fatal("the preview did not record its criteria")
	}

	// Saving other criteria than those previewed shows their preview.
	changed := menuiserieForm()
	changed.Set("dep", "35")
	changed.Del("valeur_min") // the tender of Rennes gives no value
	changed.Set("apercu", hash)
	changed.Set("action", "enregistrer")
	r = w.member.post(t, alertsPath, changed)
	wantStatus(t, "save unpreviewed", r, http.StatusOK)
	mustContain(t, "save unpreviewed", r.body, "vérifiez la liste, puis enregistrez", "Menuiseries de la mairie de Rennes")
	if ps, _ := w.s.store.AlertProfilesOf(ctx, w.acc.ID); len(ps) != 0 {
		t.Fatalf("a profile was saved before its preview: %+v", ps)
	}

	form.Set("apercu", hash)
	form.Set("action", "enregistrer")
	r = w.member.post(t, alertsPath, form)
	wantStatus(t, "save", r, http.StatusSeeOther)
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, alertsPath+"/") || !strings.HasSuffix(loc, "?fait=creee") {
		t.Fatalf("saved, sent to %q", loc)
	}
	ps, err := w.s.store.AlertProfilesOf(ctx, w.acc.ID)
	if err != nil || len(ps) != 1 {
		t.Fatalf("profiles = %+v, %v; want 1", ps, err)
	}
	p := ps[0]
	if p.Name != "Menuiserie dans le Rhône" || p.Keywords != "menuiseries" || strings.Join(p.Exclude, "|") != "nettoyage|vitrerie" ||
		len(p.CPV) != 1 || p.CPV[0] != (data.AlertCPV{Code: "45421000", WithChildren: true}) || strings.Join(p.Departements, ",") != "69" ||
		p.Frequency != data.AlertWeekly || p.ValueMin != 10000 || !p.Active {
		t.Errorf("stored profile = %+v", p)
	}

	// The same form posted again (a second click, the back button) saves
	// no second alert: it leads to the first.
	r = w.member.post(t, alertsPath, form)
	wantStatus(t, "save again", r, http.StatusSeeOther)
	if again := r.header.Get("Location"); again != alertURL(ps[0].ID)+"?fait=existante" {
		t.Errorf("saved again, sent to %q, want the first alert", again)
	} else {
		mustContain(t, "saved again", w.member.get(t, again).body, "Vous aviez déjà cette alerte")
	}
	if ps, _ := w.s.store.AlertProfilesOf(ctx, w.acc.ID); len(ps) != 1 {
		t.Fatalf("%d profiles after the same form twice, want 1", len(ps))
	}

	r = w.member.get(t, loc)
	wantStatus(t, "profile page", r, http.StatusOK)
	mustContain(t, "profile page", r.body, "Alerte enregistrée", "mots-clés : menuiseries", "sauf : nettoyage, vitrerie",
		"CPV 45421000 (Travaux de menuiserie) et codes enfants", "département 69", "valeur d&#39;au moins", "chaque semaine",
		"aucun envoi pour l&#39;instant", "Créer les adresses des flux")
	r = w.member.get(t, alertsPath)
	mustContain(t, "list", r.body, `<a href="`+alertURL(p.ID)+`">Menuiserie dans le Rhône</a>`, "chaque semaine", "active")

	// The account page and the company's tenders link to the alerts.
	mustContain(t, "account", w.member.get(t, "/compte").body, `href="/compte/alertes"`)
	mustContain(t, "company tenders", w.member.get(t, companyURL(w.co.ID)+"/appels-d-offres").body, `href="/compte/alertes?entreprise=`+w.co.ID+`#formulaire"`, "créer une alerte")
}

// TestAlertFromCompanyTenders: « créer une alerte » under a company's
// tenders opens the form filled with what its listing declares — its CPV
// codes with the codes under them, its service area — instead of an empty
// one the PMI had to fill again; saved after the preview, it is a valid
// alert. Another account's company fills nothing.
func TestAlertFromCompanyTenders(t *testing.T) {
	w := newAlertWorld(t)
	ctx := context.Background()
	if _, err := w.s.store.EditListing(ctx, w.co.ID, w.acc.ID, func(cur *data.Supplier) ([]string, error) {
		cur.CPVDeclared = []string{"45421000"}
		cur.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaRadius, RadiusKm: 80}
		return []string{data.FieldCPVDeclared, data.FieldServiceArea}, nil
	}); err != nil {
		t.Fatal(err)
	}
	link := alertsPath + "?entreprise=" + w.co.ID + "#formulaire"
	mustContain(t, "company tenders", w.member.get(t, companyURL(w.co.ID)+"/appels-d-offres").body, `href="`+link+`"`)

	r := w.member.get(t, strings.TrimSuffix(link, "#formulaire"))
	wantStatus(t, "form from the company", r, http.StatusOK)
	mustContain(t, "form from the company", r.body,
		`value="Appels d&#39;offres pour Menuiserie Lyonnaise"`,
		`name="cpv" value="45421000" checked`, `name="cpv_enfants" value="45421000" checked`,
		`name="autour" value="entreprise:`+w.co.ID+`" checked`, `name="rayon" value="80"`)

	// Previewed, then saved as it is.
	form := url.Values{"nom": {"Appels d'offres pour Menuiserie Lyonnaise"}, "frequence": {"daily"}, "cpv": {"45421000"},
		"cpv_enfants": {"45421000"}, "autour": {"entreprise:" + w.co.ID}, "rayon": {"80"}, "action": {"apercu"}}
	form.Set("apercu", previewedIn(t, w.member.post(t, alertsPath, form).body))
	form.Set("action", "enregistrer")
	wantStatus(t, "save", w.member.post(t, alertsPath, form), http.StatusSeeOther)
	ps, _ := w.s.store.AlertProfilesOf(ctx, w.acc.ID)
	if len(ps) != 1 || len(ps[0].CPV) != 1 || !ps[0].CPV[0].WithChildren || ps[0].Near == nil || ps[0].RadiusKm != 80 {
		t.Fatalf("saved alerts = %+v, want the company's code with its children and 80 km around its site", ps)
	}

	stranger, _ := memberOf(t, w.s, "autre@example.fr", "", data.MemberOwner)
	r = stranger.get(t, alertsPath+"?entreprise="+w.co.ID)
	wantStatus(t, "another account", r, http.StatusOK)
	if strings.Contains(r.body, "Menuiserie Lyonnaise") || strings.Contains(r.body, `value="45421000"`) {
		t.Error("another account's form is filled with the company's listing")
	}
}

// TestAlertFieldLimits: the name and keywords fields stop typing where
// the server refuses (they let 200 and 600 characters through, refused
// past 120 and 300).
func TestAlertFieldLimits(t *testing.T) {
	w := newAlertWorld(t)
	mustContain(t, "form", w.member.get(t, alertsPath).body,
		fmt.Sprintf(`id="nom" name="nom" value="" maxlength="%d"`, data.MaxAlertName),
		fmt.Sprintf(`id="mots" name="mots" value="" maxlength="%d"`, data.MaxAlertKeywords),
		fmt.Sprintf(`id="exclure" name="exclure" value="" maxlength="%d"`, maxAlertTextRunes))
	// The limits are in characters, as maxlength counts: accented words
	// of 300 characters (600 bytes) preview like plain ones.
	for _, tt := range []struct {
		field, char string
		max         int
		msg         string
	}{
		{"nom", "é", data.MaxAlertName, "nom trop long (121 caractères, 120 au plus)"},
		{"mots", "e", data.MaxAlertKeywords, "mots-clés trop longs (301 caractères, 300 au plus)"},
		{"mots", "é", data.MaxAlertKeywords, "mots-clés trop longs (301 caractères, 300 au plus)"},
		{"mots", "œ€", data.MaxAlertKeywords, "mots-clés trop longs (302 caractères, 300 au plus)"},
		{"exclure", "é, ", maxAlertTextRunes, "mots à exclure trop longs (1002 caractères, 1000 au plus)"},
	} {
		form := menuiserieForm()
		form.Set("action", "apercu")
		n := utf8.RuneCountInString(tt.char)
		form.Set(tt.field, strings.Repeat(tt.char, tt.max/n))
		if r := w.member.post(t, alertsPath, form); r.status != http.StatusOK || !strings.Contains(r.body, "aurait envoyé la semaine dernière") {
			t.Errorf("%s of %d × %q at the limit: status %d, want the preview", tt.field, tt.max/n, tt.char, r.status)
		}
		form.Set(tt.field, strings.Repeat(tt.char, tt.max/n+1))
		r := w.member.post(t, alertsPath, form)
		wantStatus(t, tt.field+" over the limit", r, http.StatusBadRequest)
		mustContain(t, tt.field+" over the limit", r.body, `id="`+tt.field+`-error"`, tt.msg)
	}
}

// TestAlertFormInvalid: each invalid input gets a French message next to
// its field, with what was typed kept, and nothing is saved.
func TestAlertFormInvalid(t *testing.T) {
	w := newAlertWorld(t)
	for _, tt := range []struct {
		name   string
		change url.Values
		field  string
		msg    string
		kept   string
	}{
		{"no name", url.Values{"nom": {"  "}}, "nom", "donnez un nom", `value="menuiseries"`},
		{"no criterion", url.Values{"mots": {""}, "cpv": nil, "cpv_enfants": nil, "dep": nil}, "mots", "indiquez au moins", `value="Menuiserie dans le Rhône"`},
		{"radius not a number", url.Values{"autour": {"commune"}, "commune": {"Lyon"}, "rayon": {"loin"}}, "rayon", "le rayon est un nombre", `value="loin"`},
		{"radius too large", url.Values{"autour": {"commune"}, "commune": {"Lyon"}, "rayon": {"900"}}, "rayon", "rayon trop grand", `value="900"`},
		{"unknown commune", url.Values{"autour": {"commune"}, "commune": {"Xyzzyville"}, "rayon": {"30"}}, "commune", "", `value="Xyzzyville"`},
		{"another's company", url.Values{"autour": {"entreprise:999999999"}, "rayon": {"30"}}, "autour", "pas l&#39;une des vôtres", `value="30"`},
		{"value range upside down", url.Values{"valeur_min": {"50 000"}, "valeur_max": {"1 000"}}, "valeur_max", "inférieure à la valeur minimale", `value="1 000"`},
		{"value not a number", url.Values{"valeur_min": {"beaucoup"}}, "valeur_min", "", `value="beaucoup"`},
		{"unknown département", url.Values{"dep": {"69", "999"}}, "dep", "département inconnu", `value="menuiseries"`},
		{"unknown procedure", url.Values{"procedure": {"tirage-au-sort"}}, "procedure", "type de procédure inconnu", `value="menuiseries"`},
		{"unknown frequency", url.Values{"frequence": {"hourly"}}, "frequence", "fréquence inconnue", `value="menuiseries"`},
		{"unclosed quote", url.Values{"mots": {`"bois massif`}}, "mots", "guillemet non fermé", `value="&#34;bois massif"`},
		{"unknown CPV code", url.Values{"cpv_ajout": {"12345678"}}, "cpv_ajout", "code CPV inconnu", `value="menuiseries"`},
		{"unknown CPV code ticked", url.Values{"cpv": {"45421000", "12345678"}}, "cpv_ajout", "12345678", `value="menuiseries"`},
		{"CPV words when saving", url.Values{"cpv_ajout": {"menuiserie"}}, "cpv_ajout", "n&#39;est pas un code CPV", "Travaux de menuiserie"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			form := menuiserieForm()
			for k, v := range tt.change {
				if v == nil {
					form.Del(k)
				} else {
					form[k] = v
				}
			}
			form.Set("action", "enregistrer")
			r := w.member.post(t, alertsPath, form)
			wantStatus(t, tt.name, r, http.StatusBadRequest)
			mustContain(t, tt.name, r.body, `id="form-errors"`, `href="#`+tt.field+`"`, `id="`+tt.field+`-error"`, tt.msg, tt.kept)
			if strings.Contains(r.body, "aurait envoyé la semaine dernière") {
				t.Errorf("an invalid form shows a preview")
			}
		})
	}
	if ps, _ := w.s.store.AlertProfilesOf(context.Background(), w.acc.ID); len(ps) != 0 {
		t.Errorf("invalid forms saved %d profiles", len(ps))
	}
}

// TestAlertFormCPVSearch: « Chercher » lists the codes the words describe,
// unticked, and saves nothing; a code typed is ticked.
func TestAlertFormCPVSearch(t *testing.T) {
	w := newAlertWorld(t)
	form := menuiserieForm()
	form.Set("cpv_ajout", "menuiserie")
	form.Set("action", "chercher")
	r := w.member.post(t, alertsPath, form)
	wantStatus(t, "search", r, http.StatusOK)
	mustContain(t, "search", r.body, "Les codes correspondant à « menuiserie » sont ajoutés", `name="cpv" value="45421000" checked`,
		`name="cpv_enfants" value="45421000" checked`, "avec les codes enfants")
	if !regexp.MustCompile(`name="cpv" value="454211\d\d">`).MatchString(r.body) {
		t.Errorf("no unticked code offered for « menuiserie »")
	}
	form.Set("cpv_ajout", "44221000")
	r = w.member.post(t, alertsPath, form)
	wantStatus(t, "add a code", r, http.StatusOK)
	mustContain(t, "add a code", r.body, `name="cpv" value="44221000" checked`, `name="cpv" value="45421000" checked`)

	// A trade word no CPV label says: the codes of what its NAF activity
	// makes, each saying why.
	form.Set("cpv_ajout", "tournage")
	r = w.member.post(t, alertsPath, form)
	wantStatus(t, "trade word", r, http.StatusOK)
	mustContain(t, "trade word", r.body, `name="cpv" value="44531000">`,
		`Attaches filetées <span class="note">(via l&#39;activité NAF 25.62A Décolletage)</span>`,
		`Engrenages, éléments d&#39;engrenage et d&#39;entraînement <span class="note">(via l&#39;activité NAF 25.62B Mécanique industrielle)</span>`)
}

// TestAlertGuards: anonymous visitors go to the sign-in page, posts need
// the CSRF token, and another account's profile does not exist for them.
func TestAlertGuards(t *testing.T) {
	w := newAlertWorld(t)
	ctx := context.Background()
	p, err := w.s.store.PutAlertProfile(ctx, data.AlertProfile{AccountID: w.acc.ID, Name: "Menuiserie", Keywords: "menuiseries"})
	if err != nil {
		t.Fatal(err)
	}
	anon := newClient(w.s)
	r := anon.get(t, alertsPath)
	wantStatus(t, "anonymous", r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); !strings.HasPrefix(loc, signInPath) {
		t.Errorf("anonymous sent to %q", loc)
	}
	wantStatus(t, "post without CSRF", w.member.postRaw(t, alertsPath, menuiserieForm()), http.StatusForbidden)
	wantStatus(t, "pause without CSRF", w.member.postRaw(t, alertURL(p.ID)+"/suspendre", nil), http.StatusForbidden)

	other, _ := memberOf(t, w.s, "autre@example.fr", "", data.MemberOwner)
	for _, tt := range []struct{ method, path string }{
		{http.MethodGet, alertURL(p.ID)},
		{http.MethodPost, alertURL(p.ID)},
		{http.MethodGet, alertURL(p.ID) + "/supprimer"},
		{http.MethodPost, alertURL(p.ID) + "/supprimer"},
		{http.MethodPost, alertURL(p.ID) + "/suspendre"},
		{http.MethodPost, alertURL(p.ID) + "/reprendre"},
		{http.MethodPost, alertURL(p.ID) + "/flux"},
		{http.MethodPost, alertURL(p.ID) + "/flux/revoquer"},
		{http.MethodGet, alertURL("inconnue")},
	} {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			var r response
			if tt.method == http.MethodGet {
				r = other.get(t, tt.path)
			} else {
				r = other.post(t, tt.path, menuiserieForm())
			}
			wantStatus(t, "other account", r, http.StatusNotFound)
		})
	}
	if got, _ := w.s.store.AlertProfile(ctx, p.ID); !got.Active || got.Name != "Menuiserie" {
		t.Errorf("another account changed the profile: %+v", got)
	}
	if strings.Contains(other.get(t, alertsPath).body, alertURL(p.ID)) {
		t.Errorf("another account's list shows the profile")
	}
}

// TestAlertEditPauseDelete: the profile's page shows its criteria in the
// form; saving the same criteria needs no new preview, changed ones do;
// the mails are suspended and resumed; deleting asks first.
func TestAlertEditPauseDelete(t *testing.T) {
	w := newAlertWorld(t)
	ctx := context.Background()
	p, err := w.s.store.PutAlertProfile(ctx, data.AlertProfile{AccountID: w.acc.ID, Name: "Menuiserie", Keywords: "menuiseries",
		CPV: []data.AlertCPV{{Code: "45421000"}}, Near: &data.Place{Postcode: "69003"}, RadiusKm: 40, Frequency: data.AlertDaily})
	if err != nil {
		t.Fatal(err)
	}
	page := w.member.get(t, alertURL(p.ID))
	wantStatus(t, "page", page, http.StatusOK)
	mustContain(t, "page", page.body, `value="Menuiserie"`, `name="cpv" value="45421000" checked`, `value="40"`,
		`name="autour" value="entreprise:`+w.co.ID+`" checked`, "à moins de 40 km de")

	same := url.Values{"nom": {"Menuiserie lyonnaise"}, "mots": {"menuiseries"}, "cpv": {"45421000"}, "autour": {"entreprise:" + w.co.ID},
		"rayon": {"40"}, "frequence": {"daily"}, "apercu": {previewedIn(t, page.body)}, "action": {"enregistrer"}}
	r := w.member.post(t, alertURL(p.ID), same)
	wantStatus(t, "rename", r, http.StatusSeeOther)
	if got, _ := w.s.store.AlertProfile(ctx, p.ID); got.Name != "Menuiserie lyonnaise" || got.CreatedAt != p.CreatedAt {
		t.Errorf("after rename: %+v", got)
	}

	changed := same
	changed.Set("rayon", "80")
	r = w.member.post(t, alertURL(p.ID), changed)
	wantStatus(t, "changed criteria", r, http.StatusOK)
	mustContain(t, "changed criteria", r.body, "aurait envoyé la semaine dernière", "Menuiseries extérieures du gymnase")
	changed.Set("apercu", previewedIn(t, r.body))
	wantStatus(t, "save changed", w.member.post(t, alertURL(p.ID), changed), http.StatusSeeOther)
	if got, _ := w.s.store.AlertProfile(ctx, p.ID); got.RadiusKm != 80 {
		t.Errorf("radius = %v, want 80", got.RadiusKm)
	}

	wantStatus(t, "pause", w.member.post(t, alertURL(p.ID)+"/suspendre", nil), http.StatusSeeOther)
	if got, _ := w.s.store.AlertProfile(ctx, p.ID); got.Active {
		t.Error("still active after « Suspendre »")
	}
	mustContain(t, "paused", w.member.get(t, alertURL(p.ID)).body, "Reprendre les courriels", "suspendus")
	wantStatus(t, "resume", w.member.post(t, alertURL(p.ID)+"/reprendre", nil), http.StatusSeeOther)
	if got, _ := w.s.store.AlertProfile(ctx, p.ID); !got.Active {
		t.Error("inactive after « Reprendre »")
	}

	confirm := w.member.get(t, alertURL(p.ID)+"/supprimer")
	wantStatus(t, "confirm", confirm, http.StatusOK)
	mustContain(t, "confirm", confirm.body, "Supprimer l&#39;alerte « Menuiserie lyonnaise » ?", "Supprimer définitivement", `name="_csrf"`)
	if _, err := w.s.store.AlertProfile(ctx, p.ID); err != nil {
		t.Fatalf("the confirmation page deleted the profile: %v", err)
	}
	r = w.member.post(t, alertURL(p.ID)+"/supprimer", nil)
	wantStatus(t, "delete", r, http.StatusSeeOther)
	wantStatus(t, "deleted", w.member.get(t, alertURL(p.ID)), http.StatusNotFound)
	mustContain(t, "list after delete", w.member.get(t, r.header.Get("Location")).body, "Alerte supprimée")
}

// TestAlertEditIntoTwinRefused: an edit that would make an alert
// identical to another of the account (same name and criteria) is refused
// next to the name, in French, with the form as the user wrote it; the
// alert stays as it was. Creating that twin leads to the first alert, as
// before.
func TestAlertEditIntoTwinRefused(t *testing.T) {
	w := newAlertWorld(t)
	ctx := context.Background()
	// save previews the form's criteria, then saves them: the Location.
	save := func(what, target string, form url.Values) string {
		t.Helper()
		form = maps.Clone(form)
		form.Set("action", "enregistrer")
		r := w.member.post(t, target, form)
		wantStatus(t, what+": preview", r, http.StatusOK)
		form.Set("apercu", previewedIn(t, r.body))
		r = w.member.post(t, target, form)
		wantStatus(t, what, r, http.StatusSeeOther)
		return r.header.Get("Location")
	}
	save("first alert", alertsPath, menuiserieForm())
	other := menuiserieForm()
	other.Set("nom", "Menuiserie en Bretagne")
	other.Set("dep", "35")
	other.Del("valeur_min")
	save("second alert", alertsPath, other)
	ps, err := w.s.store.AlertProfilesOf(ctx, w.acc.ID)
	if err != nil || len(ps) != 2 {
		t.Fatalf("profiles = %d, %v; want 2", len(ps), err)
	}
	second := ps[1]

	// The second edited into the first: previewed, then saved.
	twin := menuiserieForm()
	twin.Set("action", "enregistrer")
	r := w.member.post(t, alertURL(second.ID), twin)
	wantStatus(t, "twin: preview", r, http.StatusOK)
	twin.Set("apercu", previewedIn(t, r.body))
	r = w.member.post(t, alertURL(second.ID), twin)
	wantStatus(t, "twin: save", r, http.StatusBadRequest)
	mustContain(t, "twin refused", r.body, "1 champ à corriger", "vous avez déjà une autre alerte « Menuiserie dans le Rhône » avec ces critères", "n&#39;ont pas été enregistrées", `aria-invalid="true"`,
		`value="Menuiserie dans le Rhône"`, `value="nettoyage, vitrerie"`, `name="dep" value="69" checked`, `action="`+alertURL(second.ID)+`"`)
	if got, _ := w.s.store.AlertProfile(ctx, second.ID); !got.SameAs(second) {
		t.Errorf("the refused edit was stored: %+v", got)
	}

	// Another name makes another alert: saved.
	twin.Set("nom", "Menuiserie dans le Rhône (bis)")
	twin.Set("action", "enregistrer")
	if r := w.member.post(t, alertURL(second.ID), twin); r.status != http.StatusSeeOther ||
		r.header.Get("Location") != alertURL(second.ID)+"?fait=modifiee" {
		t.Errorf("renamed twin: %d to %q, want saved", r.status, r.header.Get("Location"))
	}
}

// TestAlertNearCommune: a radius around a commune is stored with the
// commune's name, said so in the summary, and shown back in the form so
// that saving it unchanged needs no new preview.
func TestAlertNearCommune(t *testing.T) {
	w := newAlertWorld(t)
	ctx := context.Background()
	form := url.Values{"nom": {"Autour de Villeurbanne"}, "autour": {"commune"}, "commune": {"villeurbanne"}, "rayon": {"12,5"},
		"frequence": {"daily"}, "action": {"apercu"}}
	r := w.member.post(t, alertsPath, form)
	wantStatus(t, "preview", r, http.StatusOK)
	mustContain(t, "preview", r.body, "Menuiseries extérieures du gymnase")
	form.Set("apercu", previewedIn(t, r.body))
	form.Set("action", "enregistrer")
	r = w.member.post(t, alertsPath, form)
	wantStatus(t, "save", r, http.StatusSeeOther)
	ps, _ := w.s.store.AlertProfilesOf(ctx, w.acc.ID)
	if len(ps) != 1 || ps[0].Near == nil || ps[0].Near.Commune != "Villeurbanne" || ps[0].Near.Departement != "69" || ps[0].RadiusKm != 12.5 {
		t.Fatalf("stored %+v", ps)
	}
	page := w.member.get(t, alertURL(ps[0].ID))
	mustContain(t, "page", page.body, "à moins de 12,5 km de Villeurbanne (69)", `name="commune" value="Villeurbanne (69)"`,
		`name="autour" value="commune" checked`)
	again := url.Values{"nom": {"Villeurbanne et alentours"}, "autour": {"commune"}, "commune": {"Villeurbanne (69)"}, "rayon": {"12.5"},
		"frequence": {"daily"}, "apercu": {previewedIn(t, page.body)}, "action": {"enregistrer"}}
	wantStatus(t, "save unchanged criteria", w.member.post(t, alertURL(ps[0].ID), again), http.StatusSeeOther)
}

// TestAlertCommuneSuggestion: a misspelt commune is refused beside its
// field with the communes spelt like it (« Vouliez-vous dire … ? »), each
// a button that previews the form with it; a place spelt like no commune
// keeps the plain message.
func TestAlertCommuneSuggestion(t *testing.T) {
	w := newAlertWorld(t)
	form := url.Values{"nom": {"Autour de Villeurbanne"}, "autour": {"commune"}, "commune": {"Villeurbane"}, "rayon": {"10"},
		"frequence": {"daily"}, "action": {"apercu"}}
	r := w.member.post(t, alertsPath, form)
	wantStatus(t, "misspelt", r, http.StatusBadRequest)
	mustContain(t, "misspelt", r.body, `id="commune-error"`, `href="#commune"`,
		"commune inconnue : « Villeurbane ». Vouliez-vous dire « Villeurbanne (69) » ?",
		`name="commune" value="Villeurbane"`, `<button type="submit" name="commune_choisie" value="Villeurbanne (69)" class="link-button">Villeurbanne (69)</button>`)

	// The button sends the form as it is, with the commune chosen: the
	// preview, the field corrected.
	form.Set("commune_choisie", "Villeurbanne (69)")
	form.Del("action")
	r = w.member.post(t, alertsPath, form)
	wantStatus(t, "chosen", r, http.StatusOK)
	mustContain(t, "chosen", r.body, "Menuiseries extérieures du gymnase", `name="commune" value="Villeurbanne (69)"`)
	if strings.Contains(r.body, "commune_choisie") {
		t.Error("the corrected form still offers communes")
	}

	for _, tt := range []struct{ typed, msg, choice string }{
		{"Lyonn (69)", "Vouliez-vous dire « Lyon (69) » ?", `value="Lyon (69)"`},
		{"Lyonn", "Vouliez-vous dire « Lyon (69) », « Lyons-la-Forêt (27) » ou « Lonny (08) » ?", `value="Lonny (08)"`},
		{"Xyzzyville", "lieu inconnu : indiquez une commune", ""},
	} {
		form := url.Values{"nom": {"Autour"}, "autour": {"commune"}, "commune": {tt.typed}, "rayon": {"10"}, "frequence": {"daily"}, "action": {"apercu"}}
		r := w.member.post(t, alertsPath, form)
		wantStatus(t, tt.typed, r, http.StatusBadRequest)
		mustContain(t, tt.typed, r.body, tt.msg, tt.choice)
		if tt.choice == "" && strings.Contains(r.body, "commune_choisie") {
			t.Errorf("%s: communes offered for a place spelt like none", tt.typed)
		}
	}
}

// TestAlertTooManyKeywords: the search requires the first twelve words of
// the keywords and ignored the others without a word, while the form says
// every word must be in the notice; past twelve, the form says so. A
// plural and its singular, or a stop word, do not count.
func TestAlertTooManyKeywords(t *testing.T) {
	w := newAlertWorld(t)
	twelve := "menuiserie bois chêne porte portes fenêtre de la escalier parquet placard lambris volet charpente toiture"
	form := menuiserieForm()
	form.Set("action", "apercu")
	form.Set("mots", twelve)
	if r := w.member.post(t, alertsPath, form); r.status != http.StatusOK || !strings.Contains(r.body, "aurait envoyé la semaine dernière") {
		t.Errorf("twelve words (plural, stop words aside): status %d, want the preview", r.status)
	}
	form.Set("mots", twelve+" bardage")
	r := w.member.post(t, alertsPath, form)
	wantStatus(t, "thirteen words", r, http.StatusBadRequest)
	mustContain(t, "thirteen words", r.body, `id="mots-error"`, "trop de mots-clés (13 mots comptés, 12 au plus)")
}
