package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// sectorAwards are awards of the test store: buyers of joinery in the
// Rhône, one contract published by two platforms, and contracts of other
// trades or places.
func sectorAwardsFixture() []data.Award {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	win := []data.Winner{{Name: "MENUISERIE X", SIRET: "34883030800010"}}
	bron := data.Buyer{Name: "COMMUNE DE BRON", SIRET: "21690029800019"}
	return []data.Award{
		{ID: "decp:1", Source: "decp-2019-aife", Buyer: bron, CPV: "45421100", Place: data.Place{Departement: "69"},
			NotifiedAt: day(2019, 3, 4), Amount: 120000, Winners: win},
		// The same contract on another platform: counted once.
		{ID: "decp:1b", Source: "decp-2019-pes", Buyer: bron, CPV: "45421100", Place: data.Place{Departement: "69"},
			NotifiedAt: day(2019, 3, 4), Amount: 120000, Winners: win},
		{ID: "decp:2", Source: "decp-2019-aife", Buyer: bron, CPV: "45421131", Place: data.Place{Postcode: "69500"},
			NotifiedAt: day(2024, 9, 12), Amount: 30000, Winners: win},
		{ID: "decp:3", Source: "decp-2019-aife", Buyer: data.Buyer{Name: "Lyon Métropole <Habitat>", SIRET: "27690008600019"},
			CPV: "45421000", Place: data.Place{Departement: "69"}, NotifiedAt: day(2018, 6, 1), Winners: win},
		{ID: "decp:4", Source: "decp-2019-aife", Buyer: data.Buyer{Name: "RENNES METROPOLE", SIRET: "24350013900189"},
			CPV: "45421000", Place: data.Place{Departement: "35"}, NotifiedAt: day(2019, 1, 1), Amount: 5000, Winners: win},
		{ID: "decp:5", Source: "decp-2019-aife", Buyer: data.Buyer{Name: "VILLE DE VILLEURBANNE", SIRET: "21690266600013"},
			CPV: "90910000", Place: data.Place{Departement: "69"}, NotifiedAt: day(2019, 1, 1), Amount: 5000, Winners: win},
		{ID: "decp:6", Source: "decp-2019-aife", Buyer: data.Buyer{Name: "DEPARTEMENT DE L'AIN", SIRET: "22010001800016"},
			CPV: "44221000", Place: data.Place{Departement: "01"}, NotifiedAt: day(2024, 11, 2), Amount: 80000, Winners: win},
	}
}

// TestCompanyBuyers: a company's tenders section lists the public buyers
// that awarded contracts of its declared codes' class in its declared
// area, one row per buyer with its contracts counted once, their total
// and the latest date, escaped, most contracts first, and links to the
// buyer's tenders when Fabrique holds some; a company known by its NAF
// code only is read through the CPV divisions that code supplies, in its
// région. An award written later reaches the section.
func TestCompanyBuyers(t *testing.T) {
	declared := listingCompany(41, "Menuiserie Déclarée")
	declared.CPVDeclared = []string{"45421000"}
	declared.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaDepartements, Codes: []string{"69"}}
	byNAF := listingCompany(42, "Menuiserie par son code NAF") // 16.23Z, Lyon: région 84
	s, _ := listingServer(t, Config{}, declared, byNAF)
	ctx := context.Background()
	if err := s.store.PutAwards(ctx, sectorAwardsFixture()); err != nil {
		t.Fatal(err)
	}
	putTenders(t, s, data.Tender{ID: "boamp:26-990", Source: "boamp", SourceID: "26-990", Title: "Menuiseries de l'hôtel de ville",
		CPV: "45421000", Buyer: data.Buyer{Name: "COMMUNE DE BRON"}, Place: data.Place{Departement: "69"}, PublishedAt: inDays(-400), Deadline: inDays(-370)})
	member, _ := memberOf(t, s, "acheteurs@example.fr", declared.ID, data.MemberOwner)

	for _, page := range []string{companyURL(declared.ID), companyURL(declared.ID) + "/appels-d-offres"} {
		r := member.get(t, page)
		wantStatus(t, page, r, http.StatusOK)
		section := sectionOf(r.body, "acheteurs-secteur")
		mustContain(t, page, section, "Acheteurs publics de votre secteur", "codes CPV 4542… (la classe de votre code déclaré)", "dans votre zone d&#39;intervention : Rhône (69)",
			"notifiés de 2018 à 2024", "2 acheteurs, 3 marchés",
			"COMMUNE DE BRON", "SIRET 21690029800019", formatEuros(150000), `<time datetime="2024-09-12">12 septembre 2024</time>`,
			`href="/appels-d-offres?state=all&amp;buyer=COMMUNE&#43;DE&#43;BRON"`,
			"Lyon Métropole &lt;Habitat&gt;", "non publié", "aucun avis sur Fabrique")
		for _, avoid := range []string{"RENNES", "VILLEURBANNE", "AIN", "<Habitat>"} {
			if strings.Contains(section, avoid) {
				t.Errorf("%s: the buyers show %q", page, avoid)
			}
		}
		if a, b := strings.Index(section, "COMMUNE DE BRON"), strings.Index(section, "Lyon Métropole"); a > b {
			t.Errorf("%s: the buyer of 2 contracts after the buyer of one", page)
		}
	}

	naf, _ := memberOf(t, s, "naf@example.fr", byNAF.ID, data.MemberOwner)
	r := naf.get(t, companyURL(byNAF.ID))
	section := sectionOf(r.body, "acheteurs-secteur")
	// What a joinery maker supplies, read through the groups of the
	// CPV↔NAF table: builders' joinery (4422, the Ain's) and joinery
	// works (45421, Bron's), not the cleaning of Villeurbanne.
	mustContain(t, "by NAF", section, "codes CPV 442… (produits structurels)", "NAF 16.23Z", "Auvergne-Rhône-Alpes, la région de votre site",
		"DEPARTEMENT DE L&#39;AIN", formatEuros(80000), "COMMUNE DE BRON")
	for _, avoid := range []string{"VILLEURBANNE", "RENNES"} {
		if strings.Contains(section, avoid) {
			t.Errorf("by NAF: the buyers show %q", avoid)
		}
	}

	// A new award reaches the section.
	if err := s.store.PutAwards(ctx, []data.Award{{ID: "decp:7", Source: "decp-2019-aife",
		Buyer: data.Buyer{Name: "COMMUNE DE VAULX-EN-VELIN", SIRET: "21690256700013"}, CPV: "45421000",
		Place: data.Place{Departement: "69"}, NotifiedAt: time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC), Amount: 1000,
		Winners: []data.Winner{{Name: "Y", SIRET: "34883030800010"}}}}); err != nil {
		t.Fatal(err)
	}
	r = member.get(t, companyURL(declared.ID))
	mustContain(t, "after a new award", sectionOf(r.body, "acheteurs-secteur"), "COMMUNE DE VAULX-EN-VELIN", "3 acheteurs, 4 marchés")
}

// TestCompanyBuyersNothingDeclared: a listing with neither CPV code nor
// NAF code has no buyers' section; one whose sector has no contract near
// it says so in one sentence (it read « publié en Auvergne-Rhône-Alpes,
// la région de votre site parmi ceux que Fabrique connaît »).
func TestCompanyBuyersNothingDeclared(t *testing.T) {
	bare := listingCompany(43, "Atelier sans code")
	bare.NAF = ""
	far := listingCompany(44, "Atelier lointain")
	far.CPVDeclared = []string{"33600000"}
	s, _ := listingServer(t, Config{}, bare, far)
	if err := s.store.PutAwards(context.Background(), sectorAwardsFixture()); err != nil {
		t.Fatal(err)
	}
	m, _ := memberOf(t, s, "bare@example.fr", bare.ID, data.MemberOwner)
	if r := m.get(t, companyURL(bare.ID)); strings.Contains(r.body, "acheteurs-secteur") {
		t.Error("a listing without any code has a buyers' section")
	}
	m, _ = memberOf(t, s, "far@example.fr", far.ID, data.MemberOwner)
	r := m.get(t, companyURL(far.ID))
	mustContain(t, "no contract", sectionOf(r.body, "acheteurs-secteur"), "Fabrique ne connaît aucun marché de votre secteur publié en Auvergne-Rhône-Alpes, la région de votre site.")
}

// TestCompanyBuyersFromContractsWon: a company that declared no CPV code
// but won contracts is read through their codes' class, which says more
// than its NAF code's divisions (MALBREL CONSERVATION: NAF furniture,
// historic buildings won).
func TestCompanyBuyersFromContractsWon(t *testing.T) {
	co := listingCompany(48, "Menuiserie des Marchés") // NAF 16.23Z: division 44
	s, _ := listingServer(t, Config{}, co)
	awards := sectorAwardsFixture()
	awards = append(awards, data.Award{ID: "decp:won", Source: "decp-2019-aife", Buyer: data.Buyer{Name: "VILLE DE GIVORS", SIRET: "21690091800011"},
		CPV: "45421000", Place: data.Place{Departement: "69"}, NotifiedAt: time.Date(2019, 5, 2, 0, 0, 0, 0, time.UTC), Amount: 9000,
		Winners: []data.Winner{{Name: co.Name, SIRET: co.SIREN + "00011"}}})
	if err := s.store.PutAwards(context.Background(), awards); err != nil {
		t.Fatal(err)
	}
	m, _ := memberOf(t, s, "marches@example.fr", co.ID, data.MemberOwner)
	section := sectionOf(m.get(t, companyURL(co.ID)).body, "acheteurs-secteur")
	mustContain(t, "from contracts won", section, "codes CPV 4542… (la classe de votre marché public remporté)",
		"COMMUNE DE BRON", "VILLE DE GIVORS", "3 acheteurs, 4 marchés")
	if strings.Contains(section, "AIN") || strings.Contains(section, "que votre activité") {
		t.Errorf("the buyers are read through the NAF code rather than the contracts won: %.400s", section)
	}
}

// TestCompanyBuyersLinkedBySIRETAndName: a buyer of the awards links to
// the tenders its SIRET published, whatever their name, and to those of
// its name written otherwise (« COMMUNE DE BRON » in the DECP, « Commune
// de Bron » in BOAMP) that give no other SIRET; never to another name
// (« Mairie de Bron ») nor to its name under another SIRET.
func TestCompanyBuyersLinkedBySIRETAndName(t *testing.T) {
	declared := listingCompany(41, "Menuiserie Déclarée")
	declared.CPVDeclared = []string{"45421000"}
	declared.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaDepartements, Codes: []string{"69"}}
	s, _ := listingServer(t, Config{}, declared)
	if err := s.store.PutAwards(context.Background(), sectorAwardsFixture()); err != nil {
		t.Fatal(err)
	}
	tender := func(id, buyer, siret string) data.Tender {
		return data.Tender{ID: "boamp:" + id, Source: "boamp", SourceID: id, Title: "Menuiseries " + id, CPV: "45421000",
			Buyer: data.Buyer{Name: buyer, SIRET: siret}, Place: data.Place{Departement: "69"}, PublishedAt: inDays(-400), Deadline: inDays(-370)}
	}
	putTenders(t, s,
		tender("26-1", "Commune de Bron", ""),
		tender("26-2", "Mairie de Bron", ""),
		tender("26-3", "LMH", "27690008600019"),
		tender("26-4", "Lyon Métropole Habitat", "21690266600013"),
	)
	member, _ := memberOf(t, s, "acheteurs@example.fr", declared.ID, data.MemberOwner)
	page := companyURL(declared.ID) + "/appels-d-offres"
	r := member.get(t, page)
	wantStatus(t, page, r, http.StatusOK)
	section := sectionOf(r.body, "acheteurs-secteur")
	mustContain(t, page, section, `href="/appels-d-offres?state=all&amp;buyer=Commune&#43;de&#43;Bron"`,
		`href="/appels-d-offres?state=all&amp;buyer=LMH"`)
	for _, avoid := range []string{"Mairie", "Lyon&#43;M", "aucun avis sur Fabrique"} {
		if strings.Contains(section, avoid) {
			t.Errorf("the buyers' links hold %q", avoid)
		}
	}
}

// awardList is a source of awards for buildSectorAwards.
type awardList []data.Award

func (l awardList) Awards(_ context.Context, fn func(data.Award) error) error {
	for _, a := range l {
		if err := fn(a); err != nil {
			return err
		}
	}
	return nil
}

// TestSectorAwardsCleanName: a buyer whose name lost its accents to a
// wrong encoding in one file (« march\ufffds », 85 of the 2 238 buyers of
// the default server) is named as another publication of its SIRET
// writes it, whichever comes first.
func TestSectorAwardsCleanName(t *testing.T) {
	broken := data.Buyer{Name: "Mairie de Niort (Service march\ufffds publics)", SIRET: "21790191700013"}
	clean := data.Buyer{Name: "Mairie de Niort (Service marchés publics)", SIRET: "21790191700013"}
	award := func(id string, b data.Buyer) data.Award {
		return data.Award{ID: id, Source: "decp", Buyer: b, CPV: "45421000", Place: data.Place{Departement: "79"},
			NotifiedAt: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC), Amount: 1000}
	}
	for name, awards := range map[string]awardList{
		"broken first": {award("decp:1", broken), award("decp:2", clean), award("decp:3", broken)},
		"clean first":  {award("decp:1", clean), award("decp:2", broken)},
	} {
		table, err := buildSectorAwards(context.Background(), awards)
		if err != nil {
			t.Fatal(err)
		}
		if len(table.buyers) != 1 || table.buyers[0].name != clean.Name {
			t.Errorf("%s: buyers %+v, want one named %q", name, table.buyers, clean.Name)
		}
	}
}
