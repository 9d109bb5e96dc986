package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// registeredSupplier is richSupplier as the register source leaves it:
// legal form, creation date, head office, a closed site, contacts.
func registeredSupplier(ceased bool) data.Supplier {
	s := richSupplier()
	seen := time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)
	ho := data.ResolveAddress(data.Address{Street: "3 place Bellecour", Postcode: "69002", Commune: "Lyon"})
	s.Register = &data.RegisterIdentity{Found: true, LegalName: "COUTELLERIE DES PENTES SAS", LegalForm: "5710",
		CreatedOn: time.Date(1921, 4, 1, 0, 0, 0, 0, time.UTC), HeadOffice: ho, CheckedAt: seen, Ceased: ceased}
	if ceased {
		s.Register.CeasedOn = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	}
	s.Establishments[1].Closed, s.Establishments[1].ClosedOn = true, time.Date(2019, 12, 31, 0, 0, 0, 0, time.UTC)
	s.Category = "PME"
	s.Contacts = []data.Contact{{Email: "contact@coutellerie-des-pentes.example", Phone: "+33 4 00 00 00 00"}}
	s.SetProvenance(data.FieldRegister, data.Provenance{Source: data.SourceRegister, FetchedAt: seen,
		SourceURL: "https://recherche-entreprises.api.gouv.fr/search?q=" + s.SIREN})
	s.SetProvenance(data.FieldAddress, data.Provenance{Source: data.SourceRegister, FetchedAt: seen})
	s.SetProvenance(data.FieldWebsite, data.Provenance{Source: "ofg", FetchedAt: seen})
	s.SetProvenance(data.FieldContacts, data.Provenance{Source: "jsonld", FetchedAt: seen})
	return s
}

// declaredHeadcountSupplier is richSupplier whose owner declared its
// headcount band, the register never read.
func declaredHeadcountSupplier() data.Supplier {
	s := richSupplier()
	s.HeadcountBand = "11"
	s.SetProvenance(data.FieldHeadcount, data.Provenance{Source: "owner", Owner: true,
		FetchedAt: time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)})
	return s
}

// unknownHeadcountSupplier is richSupplier without headcount or category.
func unknownHeadcountSupplier() data.Supplier {
	s := richSupplier()
	s.HeadcountBand, s.Category = "", ""
	return s
}

func TestSupplierIdentityAndContacts(t *testing.T) {
	tests := []struct {
		name    string
		sup     data.Supplier
		want    []string
		notWant []string
	}{
		{"registered", registeredSupplier(false), []string{
			"Forme juridique Société par actions simplifiée (SAS)", "Date de création 1er avril 1921",
			"Siège social 3 place Bellecour, 69002 Lyon", "au répertoire Sirene : COUTELLERIE DES PENTES SAS",
			"établissement fermé le 31 décembre 2019", "Catégorie petite ou moyenne entreprise (PME)",
			"Contacter", "Site web www.coutellerie-des-pentes.example source : annuaire Origine France Garantie, vu le 2 avril 2026",
			"Courriel contact@coutellerie-des-pentes.example source : site web de l'entreprise (données structurées)",
			"Téléphone +33 4 00 00 00 00", "Adresse 12 rue des Forges, 69003 Lyon source : répertoire officiel des entreprises",
		}, []string{"Entreprise cessée", "Identité non encore vérifiée"}},
		{"ceased", registeredSupplier(true), []string{
			"Entreprise cessée le 30 juin 2025 selon le répertoire Sirene",
		}, nil},
		{"never checked", richSupplier(), []string{
			"Identité non encore vérifiée au répertoire officiel des entreprises (Sirene)",
			"Aucune source consultée ne publie : courriel, téléphone.",
		}, []string{"Forme juridique", "Entreprise cessée"}},
		{"never checked, headcount declared", declaredHeadcountSupplier(), []string{
			"Tranche d'effectifs 10 à 19 salariés déclarée par l'entreprise",
			"adresse du siège, forme juridique, date de création et catégorie d'entreprise ne sont pas connues",
		}, []string{"tranche d'effectifs et catégorie", "tranche d'effectifs et catégorie d'entreprise ne sont pas connues"}},
		{"never checked, nothing known", unknownHeadcountSupplier(), []string{
			"adresse du siège, forme juridique, date de création, tranche d'effectifs et catégorie d'entreprise ne sont pas connues",
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSearchServer(t, Config{}, tt.sup)
			r := s.get(t, supplierURL(tt.sup.ID))
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			doc := parseHTML(t, r)
			text := textOf(doc.Find("main"))
			for _, w := range tt.want {
				if !strings.Contains(text, normSpace(w)) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(text, normSpace(w)) {
					t.Errorf("page says %q", w)
				}
			}
			if tt.name == "registered" {
				if href, _ := doc.Find(`.contact-list a[href^="tel:"]`).Attr("href"); href != "tel:+33400000000" {
					t.Errorf("tel link = %q", href)
				}
				if href, _ := doc.Find(`.contact-list a[href^="mailto:"]`).Attr("href"); href != "mailto:contact@coutellerie-des-pentes.example" {
					t.Errorf("mailto link = %q", href)
				}
			}
		})
	}
}

func TestContactLinksAreSafe(t *testing.T) {
	s := data.Supplier{Contacts: []data.Contact{
		{Email: "x@y.example?cc=victim@z.example", Phone: "javascript:alert(1)"},
		{Email: "javascript:alert(1)@x", Phone: "05 55 12 34 56"},
	}}
	v := newContactView(s)
	for _, it := range v.Items {
		h := string(it.Href)
		switch {
		case it.Kind == "Courriel":
			t.Errorf("unsafe e-mail kept: %q -> %q", it.Text, h)
		case it.Kind == "Téléphone" && h != "" && h != "tel:0555123456":
			t.Errorf("phone %q -> %q", it.Text, h)
		}
	}
	tests := map[string]string{"+33 (0)4 00 00 00 00": "tel:+330400000000", "12": "", "tel:+33 1 23 45 67 89": "tel:33123456789"}
	for in, want := range tests {
		if got := telHref(in); got != want {
			t.Errorf("telHref(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAPISupplierTellsStatesAndCeased(t *testing.T) {
	sup := registeredSupplier(true)
	s := newSearchServer(t, Config{}, sup)
	var out struct {
		Ceased      bool            `json:"ceased"`
		LabelStates []apiLabelState `json:"label_states"`
		Register    struct {
			LegalForm string `json:"legal_form"`
			Ceased    bool   `json:"ceased"`
		} `json:"register"`
	}
	decodeJSON(t, s.get(t, "/api/v1/suppliers/"+sup.ID), &out)
	if !out.Ceased || !out.Register.Ceased || out.Register.LegalForm != "5710" {
		t.Errorf("detail = %+v, want the ceased company and its legal form", out)
	}
	states := map[string]string{}
	for _, st := range out.LabelStates {
		states[st.Type] = st.State
	}
	// On the test day (15 April 2026) the EPV label, not re-found since
	// 1 March and ending 1 May, is « not re-found »; the OFG one is valid.
	if states["EPV"] != "not_refound" || states["OFG"] != "valid" {
		t.Errorf("label states = %v", states)
	}
	// A ceased company is not suggested: the search leaves it out.
	var page struct {
		Results []struct{ ID string }
	}
	decodeJSON(t, s.get(t, "/api/v1/suppliers?q=coutellerie+des+pentes"), &page)
	for _, r := range page.Results {
		if r.ID == sup.ID {
			t.Errorf("the ceased company is suggested by the search API")
		}
	}
}
