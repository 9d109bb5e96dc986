package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// listTenders are tenders in every state, with deadlines relative to
// today so that the list and its countdowns hold whenever the test runs.
func listTenders() []data.Tender {
	return []data.Tender{
		{ID: "boamp:26-1", Source: "boamp", SourceID: "26-1", Title: "Menuiseries de la mairie", Buyer: data.Buyer{Name: "Commune de Rennes"},
			CPV: "45421000", Place: data.Place{Departement: "35", Commune: "Rennes"}, Deadline: inDays(5), State: data.StateOpen},
		{ID: "boamp:26-2", Source: "boamp", SourceID: "26-2", Title: "Mobilier de la médiathèque", CPV: "39100000",
			Place: data.Place{Departement: "69"}, Deadline: inDays(1), State: data.StateOpen},
		{ID: "boamp:26-3", Source: "boamp", SourceID: "26-3", Title: "Charpente du préau", CPV: "45422000",
			Place: data.Place{Departement: "35"}, Deadline: inDays(-3), State: data.StateOpen},
		{ID: "boamp:26-4", Source: "boamp", SourceID: "26-4", Title: "Vitraux de la chapelle", CPV: "45421000",
			Place: data.Place{Departement: "29"}, Deadline: inDays(10), State: data.StateCancelled},
		{ID: "ted:26-5", Source: "ted", SourceID: "26-5", Title: "Horloge de l'hôtel de ville", CPV: "50000000",
			Deadline: inDays(-40), State: data.StateAwarded},
		{ID: "boamp:26-6", Source: "boamp", SourceID: "26-6", Title: "Ferronnerie des grilles", CPV: "45262670",
			Place: data.Place{Departement: "35"}, Deadline: inDays(20), State: data.StateCorrected},
		{ID: "besoin:00000000000000aa", Source: needSource, SourceID: "00000000000000aa", Title: "Besoin d'un acheteur", CPV: "45421000",
			State: data.StateOpen},
	}
}

func TestTendersPage(t *testing.T) {
	s := newTestServer(t, Config{})
	putTenders(t, s, listTenders()...)
	tests := []struct {
		name        string
		target      string
		status      int
		want, avoid []string
	}{
		{
			name: "open tenders by nearest deadline", target: "/appels-d-offres", status: http.StatusOK,
			want: []string{"<title>Appels d&#39;offres — Fabrique</title>", "3 appels d&#39;offres", "Mobilier de la médiathèque", "clôture demain à 12 h 00", "Menuiseries de la mairie",
				"clôture dans 5 jours", "Acheteur : Commune de Rennes", `<span class="state state-corrected">rectifié</span>`,
				"CPV 45421000</span> Travaux de menuiserie", "Rennes (35)", `href="/appels-d-offres/boamp:26-1"`,
				`class="countdown soon"`},
			avoid: []string{"Charpente du préau", "Vitraux de la chapelle", "Horloge", "Besoin d&#39;un acheteur"},
		},
		{
			name: "closed tenders", target: "/appels-d-offres?state=closed", status: http.StatusOK,
			want:  []string{"Charpente du préau", ">clôturé<", "Vitraux de la chapelle", ">annulé<", "Horloge de l&#39;hôtel de ville", ">attribué<"},
			avoid: []string{"Menuiseries de la mairie", "Besoin d&#39;un acheteur"},
		},
		{
			name: "by CPV prefix", target: "/appels-d-offres?cpv=4542&state=all", status: http.StatusOK,
			want:  []string{"Menuiseries de la mairie", "Charpente du préau", "Vitraux de la chapelle"},
			avoid: []string{"Mobilier", "Ferronnerie", "Horloge"},
		},
		{
			name: "by département", target: "/appels-d-offres?departement=35", status: http.StatusOK,
			want:  []string{"Menuiseries de la mairie", "Ferronnerie des grilles", `<option value="35" selected>35 – Ille-et-Vilaine</option>`},
			avoid: []string{"Mobilier", "Charpente du préau"},
		},
		{
			name: "by deadline range", target: "/appels-d-offres?deadline_from=" + inDays(2).Format("2006-01-02") + "&deadline_to=" + inDays(5).Format("2006-01-02"),
			status: http.StatusOK,
			want:   []string{"Menuiseries de la mairie"},
			avoid:  []string{"Mobilier", "Ferronnerie"},
		},
		{
			name: "invalid CPV named", target: "/appels-d-offres?cpv=99999999", status: http.StatusBadRequest,
			want: []string{"<title>Appels d&#39;offres : critère à corriger — Fabrique</title>", "Critère à corriger", "99999999", `aria-invalid="true"`},
		},
		{
			name: "words, with facets to refine", target: "/appels-d-offres?q=menuiserie&state=all", status: http.StatusOK,
			want: []string{"<title>Appels d&#39;offres « menuiserie » : ", "Menuiseries de la mairie", `value="menuiserie"`, "Affiner", `name="source" value="boamp"`,
				`name="cpv" value="45"`, "45 – Travaux de construction"},
			avoid: []string{"Mobilier", "Ferronnerie"},
		},
		{
			name: "a facet checked", target: "/appels-d-offres?source=ted&state=all", status: http.StatusOK,
			want:  []string{"Horloge de l&#39;hôtel de ville", `value="ted" checked`},
			avoid: []string{"Menuiseries de la mairie"},
		},
		{
			name: "around a place", target: "/appels-d-offres?near=Rennes&radius_km=50", status: http.StatusOK,
			want:  []string{"Menuiseries de la mairie", "Ferronnerie des grilles", `<option value="distance">distance</option>`},
			avoid: []string{"Mobilier"},
		},
		{
			name: "unknown procedure named", target: "/appels-d-offres?procedure=secrete", status: http.StatusBadRequest,
			want: []string{"Critère à corriger", "secrete"},
		},
		{
			name: "nothing found", target: "/appels-d-offres?cpv=03", status: http.StatusOK,
			want: []string{"Aucun appel d'offres ne correspond", "Revenir aux appels d'offres ouverts"},
		},
		{
			name: "a page past the last", target: "/appels-d-offres?page=99", status: http.StatusOK,
			want:  []string{"3 appels d&#39;offres", "Cette page est au-delà de la dernière", `href="/appels-d-offres">Aller à la page 1</a>`},
			avoid: []string{"Aucun appel d&#39;offres ouvert pour le moment"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.get(t, tt.target)
			if r.status != tt.status {
				t.Fatalf("GET %s = %d, want %d:\n%.2000s", tt.target, r.status, tt.status, r.body)
			}
			mustContain(t, tt.target, r.body, tt.want...)
			for _, a := range tt.avoid {
				if strings.Contains(r.body, a) {
					t.Errorf("%s shows %q", tt.target, a)
				}
			}
		})
	}
	t.Run("soonest first", func(t *testing.T) {
		r := s.get(t, "/appels-d-offres")
		a, b, c := strings.Index(r.body, "Mobilier"), strings.Index(r.body, "Menuiseries de la mairie"), strings.Index(r.body, "Ferronnerie")
		if a < 0 || !(a < b && b < c) {
			t.Errorf("order in the page: Mobilier at %d, Menuiseries at %d, Ferronnerie at %d; want by deadline", a, b, c)
		}
	})
	t.Run("navigation", func(t *testing.T) {
		r := s.get(t, "/appels-d-offres")
		mustContain(t, "page", r.body, `<a href="/appels-d-offres" aria-current="page">Appels d&#39;offres</a>`)
	})
}

func TestTendersPagination(t *testing.T) {
	s := newTestServer(t, Config{})
	var many []data.Tender
	for i := range 45 {
		many = append(many, data.Tender{ID: fmt.Sprintf("boamp:p-%02d", i), Source: "boamp", SourceID: fmt.Sprintf("p-%02d", i),
			Title: fmt.Sprintf("Avis numéro %02d", i), CPV: "45421000", Deadline: inDays(2 + i), State: data.StateOpen})
	}
	putTenders(t, s, many...)
	r := s.get(t, "/appels-d-offres?cpv=45")
	mustContain(t, "page 1", r.body, "45 appels d&#39;offres", "Avis 1 à 20", "Avis numéro 00", "Avis numéro 19",
		`href="/appels-d-offres?cpv=45&amp;page=2" rel="next"`, `aria-label="Page 3"`)
	if strings.Contains(r.body, "Avis numéro 20") {
		t.Errorf("page 1 shows the 21st tender")
	}
	r = s.get(t, "/appels-d-offres?cpv=45&page=3")
	mustContain(t, "page 3", r.body, "Avis 41 à 45", "Avis numéro 44", `rel="prev"`, "(page 3)")
	if strings.Contains(r.body, `rel="next"`) {
		t.Errorf("the last page links to a next one")
	}
}

func TestTenderPage(t *testing.T) {
	s := newTestServer(t, Config{})
	notice := loadNotice(t, "cn_24_FRA_comments.xml")
	putTenders(t, s, notice)
	r := s.get(t, "/appels-d-offres/"+notice.ID)
	if r.status != http.StatusOK {
		t.Fatalf("GET tender = %d:\n%.2000s", r.status, r.body)
	}
	mustContain(t, "tender page", r.body,
		"<h1 id=\"tender-title\">Service d&#39;entretien de remise en état et de nettoyage des espaces verts</h1>",
		"Rouen Habitat",
		"77310000-6</span> Réalisation et entretien d&#39;espaces verts",
		"Seine-Maritime (76)",
		"24 juin 2019 à 18 h 00", // 16:00 UTC, in Paris summer time
		">clôturé<",
		"Agence centre", "Agence Hauts de Rouen",
		"TED (Journal officiel de l&#39;Union européenne)",
		"Le classement des fournisseurs n&#39;est pas disponible", // this server has no index
	)

	t.Run("unknown tender", func(t *testing.T) {
		r := s.get(t, "/appels-d-offres/ted:inconnu")
		if r.status != http.StatusNotFound {
			t.Fatalf("GET unknown tender = %d, want 404", r.status)
		}
		mustContain(t, "404 page", r.body, "Page introuvable")
	})
	t.Run("escaped id", func(t *testing.T) {
		r := s.get(t, "/appels-d-offres/ted%3Ada4d46e9-490b-41ff-a2ae-8166d356a619")
		if r.status != http.StatusOK {
			t.Errorf("GET with an escaped colon = %d, want 200", r.status)
		}
	})
}

// TestTenderPageJointBuyers: the page names every buyer of a joint
// procurement, the API gives them in joint_buyers.
func TestTenderPageJointBuyers(t *testing.T) {
	s := newTestServer(t, Config{})
	notice, _ := data.FoldNotice(nil, data.Tender{ID: "ted:2202aef9-375e-4d01-87e7-e634658d883a", Source: "ted",
		SourceID: "2202aef9-375e-4d01-87e7-e634658d883a", Title: "Making Tax Digital for VAT (MTDfV)", CPV: "72260000",
		State: data.StateAwarded, Buyer: data.Buyer{Name: "NI Water and its subsidiaries"},
		JointBuyers: []data.Buyer{{Name: "Clear Water"}}}, testClock) // can_25_ENG_Buyers.xml of the eForms SDK
	putTenders(t, s, notice)
	r := s.get(t, "/appels-d-offres/"+notice.ID)
	mustContain(t, "tender page", r.body, "<dt>Acheteur</dt><dd>NI Water and its subsidiaries", "<dt>Acheteurs conjoints</dt><dd>Clear Water</dd>")
	r = s.get(t, "/api/v1/tenders/"+notice.ID)
	mustContain(t, "API", r.body, `"joint_buyers":[{"name":"Clear Water"}]`)
}

func TestTenderHistory(t *testing.T) {
	s := newTestServer(t, Config{})
	first := data.Tender{ID: "boamp:26-10", Source: "boamp", SourceID: "26-10", Title: "Restauration du lavoir", CPV: "45212350",
		Deadline: inDays(10), State: data.StateOpen, PublishedAt: inDays(-5)}
	tender, _ := data.FoldNotice(nil, first, inDays(-5))
	correction := data.Tender{ID: "boamp:26-11", Source: "boamp", SourceID: "26-11", Title: "Restauration du lavoir communal",
		Deadline: inDays(15), State: data.StateCorrected, PublishedAt: inDays(-1)}
	tender, _ = data.FoldNotice(&tender, correction, inDays(-1))
	putTenders(t, s, tender)
	r := s.get(t, "/appels-d-offres/boamp:26-10")
	mustContain(t, "corrected tender", r.body, "Restauration du lavoir communal", ">rectifié<", "Historique de l'avis",
		"première publication", "rectificatif", "intitulé, date limite", "clôture dans 15 jours")
}

// A notice is text from the web: whatever markup it holds is shown as
// text, in the list, the page and the API.
func TestTenderPagesEscapeNotices(t *testing.T) {
	s := newTestServer(t, Config{})
	evil := loadNotice(t, "cn_24_FRA_script.xml")
	if !strings.Contains(evil.Title, "<script>") || !strings.Contains(evil.Description, "<img src=x") {
		t.Fatalf("fixture lost its markup: %q / %q", evil.Title, evil.Description)
	}
	putTenders(t, s, evil)
	for _, target := range []string{"/appels-d-offres?state=all", "/appels-d-offres/" + evil.ID} {
		r := s.get(t, target)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s = %d", target, r.status)
		}
		for _, raw := range []string{"<script>alert", "<img src=x"} {
			if strings.Contains(r.body, raw) {
				t.Errorf("%s writes the notice's %q unescaped", target, raw)
			}
		}
		mustContain(t, target, r.body, "Espaces verts &lt;script&gt;alert(1)&lt;/script&gt;")
	}
	r := s.get(t, "/appels-d-offres/"+evil.ID)
	mustContain(t, "tender page", r.body, "&lt;img src=x onerror=alert(1)&gt;")
	if got := r.header.Get("Content-Security-Policy"); !strings.Contains(got, "default-src 'self'") {
		t.Errorf("Content-Security-Policy = %q", got)
	}
}

func BenchmarkTendersPage(b *testing.B) {
	s := newTestServer(b, Config{})
	var many []data.Tender
	for i := range 2000 {
		many = append(many, data.Tender{ID: fmt.Sprintf("boamp:b-%04d", i), Source: "boamp", SourceID: fmt.Sprintf("b-%04d", i),
			Title: "Travaux de menuiserie " + fmt.Sprint(i), CPV: "45421000", Place: data.Place{Departement: "35"},
			Deadline: inDays(1 + i%60), State: data.StateOpen})
	}
	putTenders(b, s, many...)
	for b.Loop() {
		if r := s.get(b, "/appels-d-offres?cpv=4542&departement=35"); r.status != http.StatusOK {
			b.Fatalf("status %d", r.status)
		}
	}
}

func TestEmptyTenderListSpeaksToBuyers(t *testing.T) {
	s := newSearchServer(t, Config{})
	r := s.get(t, "/appels-d-offres")
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}
	text := textOf(parseHTML(t, r).Find("main"))
	for _, want := range []string{"Aucun appel d'offres ouvert pour le moment.", "Décrivez votre besoin", "cherchez un fournisseur"} {
		if !strings.Contains(text, want) {
			t.Errorf("empty tender list lacks %q", want)
		}
	}
	if strings.Contains(text, "fabrique import") {
		t.Error("the empty tender list speaks to operators (fabrique import)")
	}
}

// TestTenderPagesServerClock: the tenders list and a tender's page decide
// open or closed by the server's clock (Config.Now), as the API and the
// index do, not by the machine's: ten days ahead, a deadline in five days
// is past.
func TestTenderPagesServerClock(t *testing.T) {
	later := time.Now().Add(10 * 24 * time.Hour)
	s := newTestServer(t, Config{Now: func() time.Time { return later }})
	putTenders(t, s, listTenders()[0]) // boamp:26-1, deadline in 5 days
	page := s.get(t, "/appels-d-offres/boamp:26-1")
	wantStatus(t, "tender page", page, http.StatusOK)
	mustContain(t, "tender page ten days ahead", page.body, ">clôturé<")
	if strings.Contains(page.body, "clôture dans") {
		t.Error("the tender page counts down to a deadline past by the server's clock")
	}
	if r := s.get(t, "/appels-d-offres"); strings.Contains(r.body, "Menuiseries de la mairie") {
		t.Error("the open tenders list shows a tender closed by the server's clock")
	}
	mustContain(t, "closed tenders", s.get(t, "/appels-d-offres?state=closed").body, "Menuiseries de la mairie")
}

// TestTenderPageNoMatchAtAll: when no company of the directory matches
// (a composting site's operation at Mayotte, among the shipped notices),
// the page says so once, without the warning about « les entreprises
// ci-dessous » that a list of weak matches gets.
func TestTenderPageNoMatchAtAll(t *testing.T) {
	s := newSearchServer(t, Config{}, richSupplier())
	tender := data.Tender{ID: "boamp:26-26815", Source: "boamp", SourceID: "26-26815", State: data.StateOpen, Deadline: inDays(5),
		Title: "L'objet de la présente consultation concerne la gestion et l'exploitation de l'ISDND et de la plateforme de compostage des déchets végétaux de Dzoumogné.",
		Buyer: data.Buyer{Name: "SIDEVAM (976)"}, Place: data.Place{Departement: "976"}}
	putTenders(t, s, tender)
	r := s.get(t, tenderURL(&tender))
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200:\n%s", r.status, r.body)
	}
	mustContain(t, "tender page without match", r.body, "Aucune entreprise de l'annuaire ne correspond à ce besoin.")
	if strings.Contains(r.body, "ci-dessous") {
		t.Errorf("the page speaks of companies « ci-dessous » but lists none:\n%s", r.body)
	}
}

// TestTendersEmptyPointsToClosed checks the list a buyer meets when no
// notice is open (the real notices shipped in the binary are all past):
// it said « Aucun appel d'offres ouvert pour le moment » and nothing of
// the closed notices, each with its shortlist, one filter away.
func TestTendersEmptyPointsToClosed(t *testing.T) {
	s := newTestServer(t, Config{})
	var closed []data.Tender
	for _, tt := range listTenders() {
		if tt.ID == "boamp:26-3" || tt.ID == "boamp:26-4" || tt.ID == "ted:26-5" {
			closed = append(closed, tt)
		}
	}
	putTenders(t, s, closed...)
	r := s.get(t, "/appels-d-offres")
	if r.status != http.StatusOK {
		t.Fatalf("GET /appels-d-offres = %d", r.status)
	}
	mustContain(t, "empty list", r.body, "Aucun appel d'offres ouvert pour le moment.",
		`<a href="/appels-d-offres?state=closed">Voir les 3 avis clos</a> (attribués, annulés ou clôturés)`)
	list := s.get(t, "/appels-d-offres?state=closed")
	mustContain(t, "closed list", list.body, "3 appels d&#39;offres")

	// With a criterion, the page says that nothing matches, as before.
	r = s.get(t, "/appels-d-offres?cpv=45")
	if strings.Contains(r.body, "avis clos</a>") {
		t.Errorf("a search with criteria points to the closed notices")
	}
}

// TestTendersNearSortsByDistance checks a place typed in « Près de »
// without radius nor order: the list kept its deadline order, the place
// had no effect and nothing said so (« Près de : Annecy » listed Mayotte
// first). It now lists the nearest first and the order's select says so.
func TestTendersNearSortsByDistance(t *testing.T) {
	s := newTestServer(t, Config{})
	putTenders(t, s,
		data.Tender{ID: "boamp:26-81", Source: "boamp", SourceID: "26-81", Title: "Mobilier de Mayotte", CPV: "39100000",
			Place: data.Place{Departement: "976"}, Deadline: inDays(2), State: data.StateOpen},
		data.Tender{ID: "boamp:26-82", Source: "boamp", SourceID: "26-82", Title: "Mobilier d'Annecy", CPV: "39100000",
			Place: data.Place{Departement: "74", Commune: "Annecy", Postcode: "74000"}, Deadline: inDays(9), State: data.StateOpen})
	r := s.get(t, "/appels-d-offres?near=Annecy")
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	annecy, mayotte := strings.Index(r.body, "Mobilier d&#39;Annecy"), strings.Index(r.body, "Mobilier de Mayotte")
	if annecy < 0 || mayotte >= 0 && mayotte < annecy {
		t.Errorf("near Annecy, Annecy's notice at %d and Mayotte's at %d: want Annecy's first", annecy, mayotte)
	}
	mustContain(t, "order", r.body, `<option value="distance" selected>distance</option>`)
	// An order chosen stays.
	r = s.get(t, "/appels-d-offres?near=Annecy&sort=deadline")
	mustContain(t, "deadline order", r.body, `<option value="deadline" selected>`)
}
