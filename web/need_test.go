package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"fabrique/data"
)

// validNeedForm is a valid « Nouveau besoin » as a browser posts it.
func validNeedForm() url.Values {
	return url.Values{
		"title": {"Restauration des menuiseries en bois de la mairie"}, "description": {"Fenêtres et portes en chêne, ébénisterie."},
		"cpv-1": {"45421000 — Travaux de menuiserie"}, "cpv-2": {""}, "cpv-3": {""},
		"departement": {"35"}, "postcode": {""}, "value": {"150 000"},
		"lot_rows": {"2"}, "lot-1-title": {"Fenêtres en chêne"}, "lot-1-cpv": {"45421130"}, "lot-1-value": {""},
		"lot-2-title": {""}, "lot-2-cpv": {""}, "lot-2-value": {""},
		"action": {"match"},
	}
}

var shortlistPathRe = regexp.MustCompile(`^/besoins/[0-9a-f]{16}$`)

func TestNeedForm(t *testing.T) {
	s := newSearchServer(t, Config{})

	t.Run("empty form", func(t *testing.T) {
		r := s.get(t, "/besoin")
		if r.status != http.StatusOK {
			t.Fatalf("GET /besoin = %d", r.status)
		}
		mustContain(t, "form", r.body, `<form class="need-form" action="/besoin" method="post"`,
			`<label for="title">Intitulé du besoin</label>`, `<label for="cpv-1">Code CPV principal</label>`,
			`list="cpv-options" data-cpv-suggest="/api/v1/cpv?q="`, `<datalist id="cpv-options">`,
			`<option value="45000000 — Travaux de construction"></option>`, `<legend>Lot 2</legend>`,
			`name="lot_rows" value="2"`, `value="add_lot"`, "need.", `<a href="/besoin" aria-current="page">Nouveau besoin</a>`)
		if strings.Contains(r.body, "Lot 3") || strings.Contains(r.body, `role="alert"`) {
			t.Errorf("the empty form has a third lot or an error")
		}
	})

	t.Run("add a lot without JavaScript", func(t *testing.T) {
		v := validNeedForm()
		v.Set("action", "add_lot")
		v.Set("lot-2-title", "Portes <d'entrée>")
		r := s.postForm(t, "/besoin", v)
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		mustContain(t, "form with one more lot", r.body, `<legend>Lot 3</legend>`, `name="lot_rows" value="3"`,
			`id="lot-3-title" name="lot-3-title" value="" maxlength="500" autofocus`,
			`value="Portes &lt;d&#39;entrée&gt;"`, `value="Restauration des menuiseries en bois de la mairie"`,
			`value="45421000 — Travaux de menuiserie"`, `<option value="35" selected>35 – Ille-et-Vilaine</option>`)
		if strings.Contains(r.body, `role="alert"`) {
			t.Errorf("adding a lot reported errors")
		}
	})

	t.Run("invalid fields are shown next to them, values kept", func(t *testing.T) {
		v := validNeedForm()
		v.Set("cpv-1", "99999999")
		v.Set("cpv-2", "menuiserie")
		v.Set("value", "beaucoup")
		v.Set("lot-2-value", "5 000")
		r := s.postForm(t, "/besoin", v)
		if r.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", r.status)
		}
		mustContain(t, "invalid form", r.body,
			`<div class="alert" id="form-errors" role="alert">`, "4 champs à corriger",
			`<a href="#cpv-1">Code CPV principal : code CPV « 99999999 »`,
			`id="cpv-1" name="cpv-1" value="99999999"`, `aria-describedby="cpv-hint cpv-1-error" aria-invalid="true"`,
			`<p class="field-error" id="cpv-1-error">code CPV « 99999999 » : code inconnu du vocabulaire CPV 2008</p>`,
			`id="cpv-2-error">« menuiserie » n&#39;est pas un code CPV`, `list="cpv-2-choices"`, `<datalist id="cpv-2-choices">`,
			`<span class="code">45421000-4</span> Travaux de menuiserie`,
			`id="value-error">montant illisible`, `value="beaucoup"`,
			`id="lot-2-title-error">indiquez l&#39;intitulé ou le code CPV du lot 2`,
			`value="Restauration des menuiseries en bois de la mairie"`, "Nouveau besoin : 4 champs à corriger — Fabrique")
	})

	t.Run("pick a proposed CPV code without JavaScript", func(t *testing.T) {
		v := validNeedForm()
		v.Set("cpv-2", "menuiserie")
		v.Set("pick", "cpv-2=45421000")
		r := s.postForm(t, "/besoin", v)
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		mustContain(t, "form after a pick", r.body, `id="cpv-2" name="cpv-2" value="45421000 — Travaux de menuiserie" autocomplete="off" maxlength="200" autofocus`)
		if strings.Contains(r.body, `role="alert"`) {
			t.Errorf("picking a code reported errors")
		}
		// A pick that names no CPV field changes nothing.
		for _, bad := range []string{"title=45421000", "cpv-9=45421000", "cpv-2=99999999", "lot-7-cpv=45421000", "nonsense"} {
			v.Set("pick", bad)
			r := s.postForm(t, "/besoin", v)
			if r.status != http.StatusOK || !strings.Contains(r.body, `id="cpv-2" name="cpv-2" value="menuiserie"`) || strings.Contains(r.body, " autofocus") {
				t.Errorf("pick %q: status %d, or the form changed", bad, r.status)
			}
		}
		// The proposed codes are buttons of the form.
		v.Del("pick")
		r = s.postForm(t, "/besoin", v)
		mustContain(t, "invalid form", r.body, `<button type="submit" name="pick" value="cpv-2=45421000" class="link-button"><span class="code">45421000-4</span> Travaux de menuiserie</button>`)
	})

	var shortlist string
	t.Run("a valid need leads to its shortlist", func(t *testing.T) {
		r := s.postForm(t, "/besoin", validNeedForm())
		if r.status != http.StatusSeeOther {
			t.Fatalf("status %d, want 303:\n%.3000s", r.status, r.body)
		}
		shortlist = r.header.Get("Location")
		if !shortlistPathRe.MatchString(shortlist) {
			t.Fatalf("Location = %q, want /besoins/<16 hex digits>", shortlist)
		}
		r = s.get(t, shortlist)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s = %d", shortlist, r.status)
		}
		mustContain(t, "shortlist", r.body, "Votre besoin", "Restauration des menuiseries en bois de la mairie",
			"45421000-4</span> Travaux de menuiserie", "Ille-et-Vilaine (35)", "150\u202f000\u00a0€ HT",
			"Adresse de cette liste, à partager", "http://127.0.0.1:8080"+shortlist, `href="/besoin?depuis=`,
			"Ensemble du marché", "Lot 1 : Fenêtres en chêne", `<h4><a href="/fournisseurs/`, `<ul class="reasons"`,
			`<li class="reason reason-distance">Installée à `, "score ", shortlist+"/fournisseurs.csv", shortlist+"/rapport")
		if strings.Contains(r.body, "Lot 2") {
			t.Errorf("the empty lot row became a lot")
		}
	})
	if shortlist == "" {
		t.FailNow()
	}

	t.Run("the same need has the same address and is stored once", func(t *testing.T) {
		r := s.postForm(t, "/besoin", validNeedForm())
		if got := r.header.Get("Location"); got != shortlist {
			t.Errorf("second POST went to %q, want %q", got, shortlist)
		}
		n := 0
		err := s.store.Tenders(context.Background(), func(t data.Tender) error {
			if t.Source == needSource {
				n++
			}
			return nil
		})
		if err != nil || n != 1 {
			t.Errorf("%d needs stored (%v), want 1", n, err)
		}
		// A need is not a public notice: it is not listed with them.
		if r := s.get(t, "/appels-d-offres"); strings.Contains(r.body, "Restauration des menuiseries") {
			t.Errorf("the need is listed among the tenders")
		}
	})

	t.Run("exports", func(t *testing.T) {
		r := s.get(t, shortlist+"/fournisseurs.csv")
		if r.status != http.StatusOK || !strings.HasPrefix(r.body, "\ufeffClassement;Lot;") || !strings.Contains(r.body, ";1;Fenêtres en chêne;") {
			t.Errorf("CSV = %d %.300q", r.status, r.body)
		}
		checkShortlistConfidence(t, r.body)
		r = s.get(t, shortlist+"/rapport")
		mustContain(t, "report", r.body, "Rapport de sourcing", "Besoin exprimé", "Restauration des menuiseries", "Lot 1 : Fenêtres en chêne")
		id := strings.TrimPrefix(shortlist, "/besoins/")
		r = s.get(t, "/api/v1/tenders/besoin:"+id+"/matches?limit=2")
		var got apiMatchBody
		decodeJSON(t, r, &got)
		if len(got.Matches) != 2 || len(got.Lots) != 1 {
			t.Errorf("API: %d matches, %d lots; want 2 and 1", len(got.Matches), len(got.Lots))
		}
		// The tender address of a need leads to its shortlist.
		r = s.get(t, "/appels-d-offres/besoin:"+id)
		if r.status != http.StatusMovedPermanently || r.header.Get("Location") != shortlist {
			t.Errorf("GET /appels-d-offres/besoin:… = %d → %q, want 301 → %s", r.status, r.header.Get("Location"), shortlist)
		}
	})

	t.Run("modify a need", func(t *testing.T) {
		id := strings.TrimPrefix(shortlist, "/besoins/")
		r := s.get(t, "/besoin?depuis="+id)
		mustContain(t, "prefilled form", r.body, `value="Restauration des menuiseries en bois de la mairie"`,
			`value="45421000 — Travaux de menuiserie"`, `value="45421130 — Poses de portes et de fenêtres"`, `value="150000"`)
	})

	t.Run("unknown needs", func(t *testing.T) {
		for _, target := range []string{"/besoins/0123456789abcdef", "/besoins/pas-un-id", "/besoin?depuis=0123456789abcdef"} {
			if r := s.get(t, target); r.status != http.StatusNotFound {
				t.Errorf("GET %s = %d, want 404", target, r.status)
			}
		}
	})

	t.Run("a postcode outside the département is refused, both named", func(t *testing.T) {
		v := validNeedForm()
		v.Set("departement", "29")
		v.Set("postcode", "69001")
		r := s.postForm(t, "/besoin", v)
		if r.status != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", r.status)
		}
		mustContain(t, "form", r.body,
			`<p class="field-error" id="postcode-error">le code postal 69001 (Lyon, Rhône) n&#39;est pas dans le département 29 – Finistère</p>`,
			`value="69001"`, `<option value="29" selected>29 – Finistère</option>`)
		for _, ok := range []struct{ dep, postcode string }{{"69", "69001"}, {"2A", "20000"}, {"971", "97100"}, {"", "69001"}} {
			v.Set("departement", ok.dep)
			v.Set("postcode", ok.postcode)
			if r := s.postForm(t, "/besoin", v); r.status != http.StatusSeeOther {
				t.Errorf("%s with %s: status %d, want 303", ok.postcode, ok.dep, r.status)
			}
		}
	})

	t.Run("a title far too long is not sent back", func(t *testing.T) {
		v := validNeedForm()
		v.Set("title", strings.Repeat("vitrail ", 300_000))
		r := s.postForm(t, "/besoin", v)
		if r.status != http.StatusBadRequest || len(r.body) > 200<<10 {
			t.Fatalf("status %d, page of %d bytes; want 400 and a page of the usual size", r.status, len(r.body))
		}
		mustContain(t, "form", r.body, "l&#39;intitulé est limité à 500 caractères", `value="vitrail vitrail`)
	})
}

// TestNeedInferredCPVWords checks how a need without CPV code tells where
// its deduced code comes from: the buyer typed a need, not a notice, and
// a need has no BOAMP descriptors. The page read « source : texte de
// l'avis » and « Fabrique les a déduits de ses descripteurs » for one code.
func TestNeedInferredCPVWords(t *testing.T) {
	s := newSearchServer(t, Config{})
	v := validNeedForm()
	v.Set("title", "Chaises pour la salle du conseil")
	v.Set("description", "")
	v.Set("cpv-1", "")
	v.Set("lot-1-title", "")
	v.Set("lot-1-cpv", "")
	page := postNeed(t, s, v)
	_, body := getPage(t, s, page, http.StatusOK)
	mustContain(t, "need page", body, "<dt>CPV déduit</dt>", "source : texte du besoin, mots « chaises »",
		"Le besoin ne déclare aucun code CPV : Fabrique l'a déduit de ses mots.")
	// The printable report, joined to the file, says the code its reasons
	// rest on (« univers EPV … ↔ CPV déduit 39112100 »): it left it out.
	_, report := getPage(t, s, page+"/rapport", http.StatusOK)
	mustContain(t, "need report", report, "<dt>CPV déduit</dt>", "source : texte du besoin, mots « chaises »")
	for _, avoid := range []string{"texte de l&#39;avis", "texte de l'avis", "descripteurs", "les a déduits"} {
		if strings.Contains(body, avoid) {
			t.Errorf("the need page says %q", avoid)
		}
	}
}
