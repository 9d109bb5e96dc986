package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// TestCompanyTenders: a member sees on the dashboard the open tenders that
// fit the company's declared codes and area, with reasons; « pas pour
// nous » sets one aside (remembered, undoable) and the admin reads the
// signal; other accounts cannot act for the company.
func TestCompanyTenders(t *testing.T) {
	co := listingCompany(31, "Menuiserie Rhodanienne")
	co.CPVDeclared = []string{"45421000"}
	co.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaDepartements, Codes: []string{"69"}}
	s, _ := listingServer(t, Config{}, co)
	putTenders(t, s,
		data.Tender{ID: "boamp:26-701", Source: "boamp", SourceID: "26-701", Title: "Menuiseries extérieures du gymnase", CPV: "45421000",
			Buyer: data.Buyer{Name: "Ville de Villeurbanne"}, Place: data.Place{Departement: "69", Commune: "Villeurbanne"}, Deadline: inDays(12)},
		data.Tender{ID: "boamp:26-702", Source: "boamp", SourceID: "26-702", Title: "Portes intérieures de l'école", CPV: "45421131",
			Place: data.Place{Departement: "69"}, Deadline: inDays(4)},
		data.Tender{ID: "boamp:26-703", Source: "boamp", SourceID: "26-703", Title: "Menuiseries de la mairie de Rennes", CPV: "45421000",
			Place: data.Place{Departement: "35"}, Deadline: inDays(9)},
		data.Tender{ID: "boamp:26-704", Source: "boamp", SourceID: "26-704", Title: "Menuiseries du collège, clos", CPV: "45421000",
			Place: data.Place{Departement: "69"}, Deadline: inDays(-2)},
		data.Tender{ID: "boamp:26-705", Source: "boamp", SourceID: "26-705", Title: "Nettoyage des locaux", CPV: "90910000",
			Place: data.Place{Departement: "69"}, Deadline: inDays(8)},
	)
	member, _ := memberOf(t, s, "atelier@example.fr", co.ID, data.MemberOwner)
	dash := companyURL(co.ID)

	r := member.get(t, dash)
	wantStatus(t, "dashboard", r, http.StatusOK)
	mustContain(t, "dashboard", r.body, "Appels d'offres pour vous", "Menuiseries extérieures du gymnase", "Portes intérieures de l&#39;école",
		"CPV 45421000 (travaux de menuiserie) déclaré par l&#39;entreprise", "zone d&#39;intervention déclarée : département 69",
		"Pas pour nous", `name="tender" value="boamp:26-701"`)
	for _, avoid := range []string{"mairie de Rennes", "collège, clos", "Nettoyage des locaux"} {
		if strings.Contains(openTendersSection(r.body), avoid) {
			t.Errorf("dashboard proposes %q", avoid)
		}
	}
	// The closed one is among the recent ones, said closed.
	mustContain(t, "dashboard", sectionOf(r.body, "avis-recents"), "Menuiseries du collège, clos", "clôturé le "+frenchDate(inDays(-2)))
	// Best fit first: the exact code before the code below it? Both are
	// covered; the nearest deadline (the school, in 4 days) comes first.
	if a, b := strings.Index(r.body, "Portes intérieures"), strings.Index(r.body, "Menuiseries extérieures"); a > b {
		t.Errorf("equal fits not by nearest deadline")
	}

	// Without the CSRF token nothing happens.
	raw := member.postRaw(t, dash+"/appels-d-offres/pas-pour-nous", url.Values{"tender": {"boamp:26-701"}})
	wantStatus(t, "post without CSRF", raw, http.StatusForbidden)

	r = member.post(t, dash+"/appels-d-offres/pas-pour-nous", url.Values{"tender": {"boamp:26-701"}, "retour": {"tableau"}})
	wantStatus(t, "pas pour nous", r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); !strings.HasPrefix(loc, dash+"#") {
		t.Errorf("back to %q, want the dashboard", loc)
	}
	r = member.get(t, dash)
	if strings.Contains(r.body, "Menuiseries extérieures du gymnase") {
		t.Error("a tender set aside still shows on the dashboard")
	}
	// … but the dashboard says it was set aside and leads to where it can
	// be put back: a « pas pour nous » clicked by mistake is not lost.
	mustContain(t, "dashboard after pas pour nous", r.body,
		`<a href="`+dash+`/appels-d-offres#ecartes">Un appel d'offres écarté (« pas pour nous ») : les revoir ou les remettre</a>`)
	list := member.get(t, dash+"/appels-d-offres")
	wantStatus(t, "list", list, http.StatusOK)
	mustContain(t, "list", list.body, "Écartés", "Menuiseries extérieures du gymnase", "Remettre", "Portes intérieures")
	if strings.Contains(list.body, "les revoir ou les remettre") {
		t.Error("the list, which shows the tenders set aside, also links to them")
	}

	// Another account, not a member, sees nothing and cannot act.
	stranger, _ := memberOf(t, s, "autre@example.fr", "", data.MemberOwner)
	wantStatus(t, "stranger's page", stranger.get(t, dash+"/appels-d-offres"), http.StatusNotFound)
	wantStatus(t, "stranger's post", stranger.post(t, dash+"/appels-d-offres/pas-pour-nous", url.Values{"tender": {"boamp:26-702"}}), http.StatusNotFound)

	// The admin reads the signal.
	createAccount(t, s, "alliance@example.fr", listingPassword, data.RoleAdmin)
	admin := signIn(t, s, "alliance@example.fr", listingPassword)
	sig := admin.get(t, "/admin/appels-d-offres/signaux")
	wantStatus(t, "signals", sig, http.StatusOK)
	mustContain(t, "signals", sig.body, "Menuiseries extérieures du gymnase", "<td>1</td>")
	wantStatus(t, "signals for a member", member.get(t, "/admin/appels-d-offres/signaux"), http.StatusForbidden)

	// Remettre: back on the dashboard, and the signal is gone.
	r = member.post(t, dash+"/appels-d-offres/remettre", url.Values{"tender": {"boamp:26-701"}, "retour": {"liste"}})
	wantStatus(t, "remettre", r, http.StatusSeeOther)
	mustContain(t, "dashboard after remettre", member.get(t, dash).body, "Menuiseries extérieures du gymnase")
	if counts, _ := s.store.TenderDismissalCounts(context.Background()); counts["boamp:26-701"] != 0 {
		t.Errorf("signal after remettre: %v", counts)
	}
}

// TestCompanyTendersEmptyAdvice: when no tender fits, the list advises
// only the declarations the listing lacks, each linked to its form, and
// suggests an alert when it lacks none.
func TestCompanyTendersEmptyAdvice(t *testing.T) {
	bare := listingCompany(32, "Atelier Nu")
	full := listingCompany(33, "Atelier Complet")
	full.CPVDeclared = []string{"45421000"}
	full.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaDepartements, Codes: []string{"69"}}
	full.Products = []string{"Fenêtres en chêne"}
	full.HeadcountBand = "11"
	half := listingCompany(34, "Atelier à moitié")
	half.CPVDeclared = []string{"45421000"}
	half.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaFrance}
	s, _ := listingServer(t, Config{}, bare, full, half)
	putTenders(t, s, data.Tender{ID: "boamp:26-801", Source: "boamp", SourceID: "26-801", Title: "Nettoyage des locaux", CPV: "90910000",
		Place: data.Place{Departement: "35"}, Deadline: inDays(8)})

	tests := []struct {
		name    string
		co      data.Supplier
		want    []string
		notWant []string
	}{
		{"nothing declared", bare, []string{
			`href="` + companyURL(bare.ID) + `/fiche/cpv"`, `href="` + companyURL(bare.ID) + `/fiche/zone"`,
			`href="` + companyURL(bare.ID) + `/fiche/presentation"`, `href="` + companyURL(bare.ID) + `/fiche/capacite"`,
			"Déclarez vos codes CPV", "Déclarez votre zone d&#39;intervention",
		}, []string{"rien n'y manque"}},
		{"codes and area declared", half, []string{
			`href="` + companyURL(half.ID) + `/fiche/presentation"`, `href="` + companyURL(half.ID) + `/fiche/capacite"`,
		}, []string{"Déclarez vos codes CPV", "Déclarez votre zone", "Déclarer vos codes CPV et votre zone", "rien n'y manque"}},
		{"everything declared", full, []string{
			"Votre fiche déclare déjà vos codes CPV, votre zone d'intervention, vos produits et votre effectif",
			"créez une alerte", `href="/compte/alertes?entreprise=`,
		}, []string{"Déclarez", "Citez", "Indiquez", "Déclarer vos codes CPV et votre zone", "/fiche/"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			member, _ := memberOf(t, s, fmt.Sprintf("vide%d@example.fr", i), tt.co.ID, data.MemberOwner)
			for _, page := range []string{companyURL(tt.co.ID), companyURL(tt.co.ID) + "/appels-d-offres"} {
				r := member.get(t, page)
				wantStatus(t, page, r, http.StatusOK)
				section := r.body[strings.Index(r.body, `id="appels-d-offres"`):]
				section = section[:strings.Index(section, "</section>")]
				mustContain(t, page, section, append([]string{"Aucun appel d'offres ouvert ne correspond à votre fiche"}, tt.want...)...)
				for _, w := range tt.notWant {
					if strings.Contains(section, w) {
						t.Errorf("%s says %q", page, w)
					}
				}
			}
		})
	}
}

// TestCompanyTendersServerClock: the tenders proposed to a company are
// those open by the server's clock (Config.Now): six days ahead, the one
// closing in four days is no longer proposed, the one in twelve still is.
func TestCompanyTendersServerClock(t *testing.T) {
	co := listingCompany(32, "Menuiserie Horlogère")
	co.CPVDeclared = []string{"45421000"}
	co.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaDepartements, Codes: []string{"69"}}
	later := time.Now().Add(6 * 24 * time.Hour)
	s, _ := listingServer(t, Config{Now: func() time.Time { return later }}, co)
	putTenders(t, s,
		data.Tender{ID: "boamp:26-711", Source: "boamp", SourceID: "26-711", Title: "Menuiseries extérieures du gymnase", CPV: "45421000",
			Place: data.Place{Departement: "69"}, Deadline: inDays(12)},
		data.Tender{ID: "boamp:26-712", Source: "boamp", SourceID: "26-712", Title: "Portes intérieures de l'école", CPV: "45421000",
			Place: data.Place{Departement: "69"}, Deadline: inDays(4)},
	)
	member, _ := memberOf(t, s, "atelier@horlogere.fr", co.ID, data.MemberOwner)
	for _, target := range []string{companyURL(co.ID), companyURL(co.ID) + "/appels-d-offres"} {
		r := member.get(t, target)
		wantStatus(t, target, r, http.StatusOK)
		mustContain(t, target, r.body, "Menuiseries extérieures du gymnase")
		if strings.Contains(openTendersSection(r.body), "Portes intérieures") {
			t.Errorf("%s proposes a tender closed by the server's clock", target)
		}
		mustContain(t, target, sectionOf(r.body, "avis-recents"), "Portes intérieures", "clôturé le "+frenchDate(inDays(4)))
	}
}

// TestCompanyTendersAnnounced: a prior-information notice that fits the
// company is not offered as a call to answer but among the purchases
// announced, for twelve months; its page and the tender list say
// « pré-information », and the API gives its state.
func TestCompanyTendersAnnounced(t *testing.T) {
	co := listingCompany(32, "Menuiserie des Monts d'Or")
	co.CPVDeclared = []string{"45421000"}
	co.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaDepartements, Codes: []string{"69"}}
	s, _ := listingServer(t, Config{}, co)
	putTenders(t, s,
		data.Tender{ID: "ted:pin-1", Source: "ted", SourceID: "pin-1", NoticeType: "pin-only", Title: "Rénovation des menuiseries des écoles (pré-information)",
			CPV: "45421000", Buyer: data.Buyer{Name: "Métropole de Lyon"}, Place: data.Place{Departement: "69"}, PublishedAt: inDays(-20)},
		data.Tender{ID: "ted:pin-old", Source: "ted", SourceID: "pin-old", NoticeType: "pin-only", Title: "Menuiseries du musée, annonce ancienne",
			CPV: "45421000", Place: data.Place{Departement: "69"}, PublishedAt: inDays(-400)},
		data.Tender{ID: "ted:cn-1", Source: "ted", SourceID: "cn-1", NoticeType: "cn-standard", Title: "Menuiseries extérieures de la piscine",
			CPV: "45421000", Place: data.Place{Departement: "69"}, PublishedAt: inDays(-3), Deadline: inDays(20)},
	)
	member, _ := memberOf(t, s, "atelier@example.fr", co.ID, data.MemberOwner)
	for _, page := range []string{companyURL(co.ID), companyURL(co.ID) + "/appels-d-offres"} {
		r := member.get(t, page)
		wantStatus(t, page, r, http.StatusOK)
		calls, announced, found := strings.Cut(r.body, `id="achats-annonces"`)
		if !found {
			t.Fatalf("%s: no section of purchases announced", page)
		}
		mustContain(t, page+", calls", calls, "Menuiseries extérieures de la piscine")
		mustContain(t, page+", announced", announced, "Rénovation des menuiseries des écoles", "pré-information",
			"achat annoncé : pas encore d&#39;appel à la concurrence", "Métropole de Lyon", `name="tender" value="ted:pin-1"`)
		if strings.Contains(calls, "Rénovation des menuiseries des écoles") {
			t.Errorf("%s: a prior-information notice offered as a call to answer", page)
		}
		if strings.Contains(r.body, "annonce ancienne") {
			t.Errorf("%s: a prior-information notice of 400 days ago still announced", page)
		}
	}

	r := s.get(t, tenderPath+"/ted:pin-1")
	wantStatus(t, "tender page", r, http.StatusOK)
	mustContain(t, "tender page", r.body, `<span class="state state-announced">pré-information</span>`,
		"On ne peut pas encore y remettre d'offre")
	list := s.get(t, tenderPath)
	if strings.Contains(list.body, "Rénovation des menuiseries des écoles") {
		t.Error("the default list of open tenders shows a prior-information notice")
	}
	list = s.get(t, tenderPath+"?state=announced")
	wantStatus(t, "announced list", list, http.StatusOK)
	mustContain(t, "announced list", list.body, "Rénovation des menuiseries des écoles", "Menuiseries du musée, annonce ancienne")
	if strings.Contains(list.body, "piscine") {
		t.Error("state=announced lists an open call")
	}
	api := s.get(t, "/api/v1/tenders?state=announced")
	wantStatus(t, "API", api, http.StatusOK)
	mustContain(t, "API", api.body, `"id":"ted:pin-1"`, `"state":"announced"`)
}

// TestCompanyTendersRecentClosed: with no open tender that fits, the
// company sees, apart from the open list, the tenders closed or awarded
// in the last twelve months that fit its listing, each saying how it
// ended (« clôturé le … », « attribué à … »), without « pas pour nous »;
// not those closed more than a year ago nor those of another trade. As
// soon as enough open tenders fit, the past ones step aside.
func TestCompanyTendersRecentClosed(t *testing.T) {
	co := listingCompany(35, "Menuiserie du Passé")
	co.CPVDeclared = []string{"45421000"}
	co.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaDepartements, Codes: []string{"69"}}
	s, _ := listingServer(t, Config{}, co)
	putTenders(t, s,
		data.Tender{ID: "boamp:26-901", Source: "boamp", SourceID: "26-901", Title: "Menuiseries de la médiathèque <b>Bron</b>", CPV: "45421000",
			Buyer: data.Buyer{Name: "Ville de Bron"}, Place: data.Place{Departement: "69"}, PublishedAt: inDays(-90), Deadline: inDays(-60)},
		data.Tender{ID: "boamp:26-902", Source: "boamp", SourceID: "26-902", Title: "Portes du groupe scolaire", CPV: "45421131",
			Buyer: data.Buyer{Name: "Lyon Métropole Habitat"}, Place: data.Place{Departement: "69"}, PublishedAt: inDays(-100),
			State: data.StateAwarded, Winners: []data.Winner{{Name: "MENUISERIE LYONNAISE & FILS", SIRET: "34883030800010"}}},
		data.Tender{ID: "boamp:25-903", Source: "boamp", SourceID: "25-903", Title: "Menuiseries de la piscine, il y a deux ans", CPV: "45421000",
			Place: data.Place{Departement: "69"}, PublishedAt: inDays(-760), Deadline: inDays(-730)},
		data.Tender{ID: "boamp:26-904", Source: "boamp", SourceID: "26-904", Title: "Nettoyage des locaux", CPV: "90910000",
			Place: data.Place{Departement: "69"}, PublishedAt: inDays(-90), Deadline: inDays(-60)},
	)
	member, _ := memberOf(t, s, "passe@example.fr", co.ID, data.MemberOwner)
	past := func(body string) string { return sectionOf(body, "avis-recents") }
	for _, page := range []string{companyURL(co.ID), companyURL(co.ID) + "/appels-d-offres"} {
		r := member.get(t, page)
		wantStatus(t, page, r, http.StatusOK)
		mustContain(t, page, r.body, "Aucun appel d'offres ouvert ne correspond à votre fiche", `href="#avis-recents"`)
		section := past(r.body)
		mustContain(t, page, section, "Avis récents qui vous auraient correspondu", "on ne peut plus y répondre",
			"Menuiseries de la médiathèque &lt;b&gt;Bron&lt;/b&gt;", "clôturé le "+frenchDate(inDays(-60)), "Acheteur : Ville de Bron",
			"Portes du groupe scolaire", "attribué à MENUISERIE LYONNAISE &amp; FILS", "Acheteur : Lyon Métropole Habitat",
			"CPV 45421000 (travaux de menuiserie) déclaré par l&#39;entreprise")
		for _, avoid := range []string{"deux ans", "Nettoyage", "Pas pour nous", "<b>Bron"} {
			if strings.Contains(section, avoid) {
				t.Errorf("%s: the recent tenders show %q", page, avoid)
			}
		}
		if open := openTendersSection(r.body); strings.Contains(open, "Portes du groupe scolaire") || strings.Contains(open, "médiathèque") {
			t.Errorf("%s: a closed tender in the open list", page)
		}
	}

	// Enough open tenders: the open list is the news, the past steps aside.
	for i := range fewOpenTenders {
		id := fmt.Sprintf("26-91%d", i)
		putTenders(t, s, data.Tender{ID: "boamp:" + id, Source: "boamp", SourceID: id, Title: fmt.Sprintf("Menuiseries ouvertes %d", i),
			CPV: "45421000", Place: data.Place{Departement: "69"}, Deadline: inDays(10 + i)})
	}
	r := member.get(t, companyURL(co.ID))
	mustContain(t, "dashboard with open tenders", r.body, "Menuiseries ouvertes 0")
	if past(r.body) != "" {
		t.Error("the recent closed tenders still show beside enough open ones")
	}
}

// TestCompanyTendersRecentClosedBounded: the dashboard lists a few recent
// closed tenders and links to the page, which lists more and links to
// all of them.
func TestCompanyTendersRecentClosedBounded(t *testing.T) {
	co := listingCompany(36, "Menuiserie Prolifique")
	co.CPVDeclared = []string{"45421000"}
	co.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaDepartements, Codes: []string{"69"}}
	s, _ := listingServer(t, Config{}, co)
	for i := range pageRecent + 2 {
		id := fmt.Sprintf("26-95%02d", i)
		putTenders(t, s, data.Tender{ID: "boamp:" + id, Source: "boamp", SourceID: id, Title: fmt.Sprintf("Menuiseries closes n° %02d", i),
			CPV: "45421000", Place: data.Place{Departement: "69"}, PublishedAt: inDays(-40 - i), Deadline: inDays(-10 - i)})
	}
	member, _ := memberOf(t, s, "prolifique@example.fr", co.ID, data.MemberOwner)
	count := func(body string) int { return strings.Count(body, "Menuiseries closes n°") }
	dash := member.get(t, companyURL(co.ID))
	if n := count(dash.body); n != dashboardRecent {
		t.Errorf("dashboard lists %d recent tenders, want %d", n, dashboardRecent)
	}
	mustContain(t, "dashboard", dash.body, `<a href="`+companyURL(co.ID)+`/appels-d-offres#avis-recents">Voir tous les avis récents`)
	page := member.get(t, companyURL(co.ID)+"/appels-d-offres")
	if n := count(page.body); n != pageRecent {
		t.Errorf("page lists %d recent tenders, want %d", n, pageRecent)
	}
	mustContain(t, "page", page.body, `href="`+companyURL(co.ID)+`/appels-d-offres?recents=tous#avis-recents"`)
	all := member.get(t, companyURL(co.ID)+"/appels-d-offres?recents=tous")
	if n := count(all.body); n != pageRecent+2 {
		t.Errorf("?recents=tous lists %d recent tenders, want %d", n, pageRecent+2)
	}
	// Latest closed first among equal fits.
	if a, b := strings.Index(all.body, "n° 00"), strings.Index(all.body, "n° 01"); a < 0 || a > b {
		t.Error("equal fits not latest closed first")
	}
}

// sectionOf is the part of a page from the heading with that id to the
// end of its section; "" when the page has no such heading.
func sectionOf(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	return body[i : i+strings.Index(body[i:], "</section>")]
}

// openTendersSection is « Appels d'offres pour vous »: the open tenders.
func openTendersSection(body string) string { return sectionOf(body, "appels-d-offres") }

// TestCompanyTendersWonContracts: a company that declared no CPV code but
// won public contracts is offered the tenders of their codes, and the
// section says its choice started from them (MALBREL CONSERVATION: NAF
// furniture, historic buildings won).
func TestCompanyTendersWonContracts(t *testing.T) {
	co := listingCompany(47, "Conservation du Patrimoine")
	co.NAF, co.NAFLabel = "31.09B", "Fabrication d’autres meubles et industries connexes de l’ameublement"
	s, _ := listingServer(t, Config{}, co)
	won := data.Award{ID: "decp:castres-1", UID: "2181006590001820242403", Source: "decp", Buyer: data.Buyer{Name: "COMMUNE DE CASTRES", SIRET: "21810065900018"},
		CPV: "45212350", Place: data.Place{Departement: "81"}, NotifiedAt: time.Date(2024, 10, 21, 0, 0, 0, 0, time.UTC), Amount: 197197,
		Winners: []data.Winner{{Name: co.Name, SIRET: co.SIREN + "00011"}}}
	again := won
	again.ID, again.Source = "decp-pes:castres-1", "decp-pes" // the same contract on another platform
	if err := s.store.PutAwards(context.Background(), []data.Award{won, again}); err != nil {
		t.Fatal(err)
	}
	putTenders(t, s, data.Tender{ID: "boamp:26-961", Source: "boamp", SourceID: "26-961", Title: "Restauration de la chapelle Saint-Roch",
		CPV: "45212350", Place: data.Place{Departement: "69"}, Deadline: inDays(20)})
	member, _ := memberOf(t, s, "patrimoine@example.fr", co.ID, data.MemberOwner)
	r := member.get(t, companyURL(co.ID))
	wantStatus(t, "dashboard", r, http.StatusOK)
	open := openTendersSection(r.body)
	mustContain(t, "dashboard", open, "Restauration de la chapelle Saint-Roch",
		"Choisis d'après votre fiche : 1 code CPV d&#39;un marché public remporté : 45212350",
		"comme un marché public remporté par l&#39;entreprise (CPV 45212350)")
}
