package notice

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"fabrique/data"
)

// TestParseBOAMPXMLExamples imports every real BOAMP v230 notice; the
// expected values were read in the XML by hand.
func TestParseBOAMPXMLExamples(t *testing.T) {
	tests := []struct {
		file       string
		id         string
		title      string // prefix
		cpv        string
		dep        string
		deadline   string
		published  string
		state      data.TenderState
		nature     data.Nature
		lots       int
		winners    int
		awards     int
		buyerSIRET string
		previous   string // the call for tenders an award answers
		procedure  string // REF_MARCHE scoped by the buyer (data.BuyerProcedureID)
	}{
		{file: "test-pub.xml", id: "16-186394", title: "2016 DFA 167 - Prestations de remorquage", cpv: "50118110",
			dep: "75", deadline: "2017-02-07T12:00:00+01:00", published: "2017-01-01T00:00:00+01:00",
			state: data.StateOpen, nature: data.NatureServices, lots: 2, procedure: "acheteur:ville paris/2016V12019350"},
		{file: "test-pub-3.xml", id: "16-186063", title: "Concours de maîtrise d'oeuvre pour la construction de 63 logements",
			cpv: "45211000", dep: "77", deadline: "2017-02-10T15:00:00+01:00", state: data.StateOpen, nature: data.NatureWorks},
		{file: "test-pub-5.xml", id: "16-186359", title: "Conception, organisation et réalisation de manifestations",
			cpv: "79952000", dep: "", deadline: "2017-02-17T12:00:00+01:00", state: data.StateOpen,
			nature: data.NatureServices, lots: 2, procedure: "acheteur:mtsfp/AOOEVENEMENTS2016"},
		{file: "test-pub-8.xml", id: "17-40964", title: "DELEGATION DU SERVICE PUBLIC D'EAU POTABLE", cpv: "65100000",
			dep: "33", deadline: "2017-04-26T12:00:00+01:00", state: data.StateOpen, lots: 2,
			procedure: "acheteur:commune carcans/2017MAPAS00003"},
		{file: "test-attribution-3.xml", id: "16-178891", title: "Plan de déplacement Campus de l'Université Paris Sud",
			dep: "91", state: data.StateAwarded, nature: data.NatureServices, winners: 1, awards: 1, previous: "16-139506"},
		{file: "test-attribution-5.xml", id: "17-1028", title: "Aménagement d'un parking de 116 places",
			dep: "33", state: data.StateAwarded, winners: 1, awards: 1, previous: "16-36319"},
		{file: "test-attribution-7.xml", id: "17-29167", title: "Mise à disposition de personnel intérimaire",
			cpv: "79620000", dep: "92", state: data.StateAwarded, nature: data.NatureServices, winners: 3, awards: 1},
		{file: "test-attribution-9.xml", id: "17-5219", title: "Travaux et fourniture du câblage", cpv: "45314320",
			dep: "05", state: data.StateAwarded, winners: 2, awards: 1},
		{file: "test-attribution-10.xml", id: "16-185754", title: "mise en oeuvre d'une aire de glisse",
			cpv: "45212100", dep: "76", state: data.StateAwarded, nature: data.NatureWorks, winners: 3, awards: 1},
		{file: "test-attribution-12.xml", id: "17-2599", title: "Fourniture de denrées alimentaires", cpv: "15890000",
			dep: "83", state: data.StateAwarded, nature: data.NatureSupplies, lots: 21, winners: 18, awards: 18,
			buyerSIRET: "26830066200015", procedure: "siret:26830066200015/16ff-Mp-0383-G"},
	}
	if n := len(globFixtures(t, "boamp/xml/*.xml")); n != len(tests) {
		t.Fatalf("%d BOAMP XML files, %d in the table: list every one", n, len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := parseFixture(t, boampXML, filepath.Join("boamp/xml", tt.file))
			if err != nil {
				t.Fatalf("ParseBOAMPXML: %v", err)
			}
			tn := res.Tenders[0]
			if tn.ID != "boamp:"+tt.id || tn.URL != "https://www.boamp.fr/pages/avis/?q=idweb:"+tt.id {
				t.Errorf("ID %q, URL %q; want boamp:%s and its BOAMP page", tn.ID, tn.URL, tt.id)
			}
			if !strings.HasPrefix(tn.Title, tt.title) {
				t.Errorf("title = %q, want prefix %q", tn.Title, tt.title)
			}
			if tn.CPV != tt.cpv {
				t.Errorf("CPV = %q, want %q", tn.CPV, tt.cpv)
			}
			if tn.Place.Departement != tt.dep {
				t.Errorf("département = %q, want %q (place %+v)", tn.Place.Departement, tt.dep, tn.Place)
			}
			if want := rfc3339(t, tt.deadline); !tn.Deadline.Equal(want) {
				t.Errorf("deadline = %v, want %v", tn.Deadline, want)
			}
			if want := rfc3339(t, tt.published); tt.published != "" && !tn.PublishedAt.Equal(want) {
				t.Errorf("published = %v, want %v", tn.PublishedAt, want)
			}
			if tn.State != tt.state {
				t.Errorf("state = %q, want %q", tn.State, tt.state)
			}
			if tt.nature != "" && tn.Nature != tt.nature {
				t.Errorf("nature = %q, want %q", tn.Nature, tt.nature)
			}
			if len(tn.Lots) != tt.lots || len(tn.Winners) != tt.winners || len(res.Awards) != tt.awards {
				t.Errorf("lots %d, winners %d, awards %d; want %d, %d, %d", len(tn.Lots), len(tn.Winners), len(res.Awards), tt.lots, tt.winners, tt.awards)
			}
			if tn.Buyer.Name == "" || tn.Buyer.SIRET != tt.buyerSIRET {
				t.Errorf("buyer %+v; want a name and SIRET %q", tn.Buyer, tt.buyerSIRET)
			}
			if tt.previous != "" && !contains(tn.SourceIDs, "boamp:"+tt.previous) {
				t.Errorf("SourceIDs = %v; want the earlier notice boamp:%s", tn.SourceIDs, tt.previous)
			}
			if tn.ProcedureID != tt.procedure {
				t.Errorf("procedure = %q, want %q", tn.ProcedureID, tt.procedure)
			}
		})
	}
}

// TestParseBOAMPXMLAwards checks winners, amounts, lots and the lots left
// without winner (INFRUCTUEUX) of a 21-lot award notice.
func TestParseBOAMPXMLAwards(t *testing.T) {
	res, err := parseFixture(t, boampXML, "boamp/xml/test-attribution-12.xml")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]data.Award{}
	for _, a := range res.Awards {
		byID[a.ID] = a
	}
	for _, lot := range []string{"9", "13", "19"} { // INFRUCTUEUX
		if _, ok := byID["boamp:17-2599:"+lot]; ok {
			t.Errorf("lot %s was unsuccessful (INFRUCTUEUX) but has an award", lot)
		}
	}
	a, ok := byID["boamp:17-2599:4"]
	if !ok {
		t.Fatalf("no award for lot 4 among %d", len(res.Awards))
	}
	if a.Object != "viande fraîche volaille et lapin" || a.CPV != "15110000" || a.Amount != 45000 || a.OffersReceived != 5 {
		t.Errorf("lot 4: %q CPV %s amount %v offers %d", a.Object, a.CPV, a.Amount, a.OffersReceived)
	}
	if want := rfc3339(t, "2016-10-20T00:00:00+02:00"); !a.NotifiedAt.Equal(want) {
		t.Errorf("notified %v, want %v", a.NotifiedAt, want)
	}
	if len(a.Winners) != 1 || a.Winners[0].Name != "Société de Distribution Avicole Sda" || a.Winners[0].LotID != "4" {
		t.Errorf("winners %+v", a.Winners)
	}
	if a.Buyer.SIRET != "26830066200015" || a.Source != "boamp" {
		t.Errorf("buyer %+v, source %q", a.Buyer, a.Source)
	}
	lot := res.Tenders[0].Lots[3]
	if lot.ID != "4" || len(lot.Winners) != 1 || lot.CPV != "15110000" || lot.Place.Departement != "83" {
		t.Errorf("lot 4 of the tender: %+v", lot)
	}
}

// TestParseBOAMPXMLCoWinners: several TITULAIRE in one decision, each with
// its own RENSEIGNEMENT.
func TestParseBOAMPXMLCoWinners(t *testing.T) {
	res, err := parseFixture(t, boampXML, "boamp/xml/test-attribution-10.xml")
	if err != nil {
		t.Fatal(err)
	}
	a := res.Awards[0]
	if len(a.Winners) != 3 || a.Winners[0].Amount != 348852 || a.Winners[1].Amount != 0 {
		t.Errorf("winners %+v; want the lead with 348852 € and two co-contractors", a.Winners)
	}
	if a.OffersReceived != 3 || a.Amount != 348852 {
		t.Errorf("offers %d amount %v", a.OffersReceived, a.Amount)
	}
}

func TestParseBOAMPXMLRejects(t *testing.T) {
	tests := []struct {
		name, xml, want string
	}{
		{"no idweb", `<ANNONCE><GESTION/><DONNEES><IDENTITE><DENOMINATION>Ville</DENOMINATION></IDENTITE><OBJET><TITRE_MARCHE>T</TITRE_MARCHE></OBJET></DONNEES></ANNONCE>`, "GESTION/REFERENCE/IDWEB"},
		{"no title", `<ANNONCE><GESTION><REFERENCE><IDWEB>1</IDWEB></REFERENCE></GESTION><DONNEES><IDENTITE><DENOMINATION>Ville</DENOMINATION></IDENTITE></DONNEES></ANNONCE>`, "OBJET/TITRE_MARCHE"},
		{"no buyer", `<ANNONCE><GESTION><REFERENCE><IDWEB>1</IDWEB></REFERENCE></GESTION><DONNEES><OBJET><TITRE_MARCHE>T</TITRE_MARCHE></OBJET></DONNEES></ANNONCE>`, "IDENTITE/DENOMINATION"},
		{"bad CPV", `<ANNONCE><GESTION><REFERENCE><IDWEB>1</IDWEB></REFERENCE></GESTION><DONNEES><IDENTITE><DENOMINATION>V</DENOMINATION></IDENTITE><OBJET><TITRE_MARCHE>T</TITRE_MARCHE><CPV><PRINCIPAL>4521</PRINCIPAL></CPV></OBJET></DONNEES></ANNONCE>`, `"4521"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ParseBOAMPXML(strings.NewReader(tt.xml), testOptions())
			if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v; want rejected naming %q", err, tt.want)
			}
			if len(res.Tenders) != 0 {
				t.Errorf("got a tender from a rejected notice")
			}
		})
	}
	_, err := ParseBOAMPXML(strings.NewReader(`<ContractNotice/>`), testOptions())
	if !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("eForms root given to the BOAMP reader: err = %v, want ErrUnknownFormat", err)
	}
}

// TestParseBOAMPXMLInvalidCPVReplaced: an invalid main CPV is noted and
// the lot's valid one is chosen.
func TestParseBOAMPXMLInvalidCPVReplaced(t *testing.T) {
	x := `<ANNONCE><GESTION><REFERENCE><IDWEB>1</IDWEB></REFERENCE></GESTION><DONNEES><IDENTITE><DENOMINATION>V</DENOMINATION>
	<CODE_IDENT_NATIONAL>26830066200016</CODE_IDENT_NATIONAL></IDENTITE><OBJET><TITRE_MARCHE>T</TITRE_MARCHE>
	<CPV><PRINCIPAL>45000009</PRINCIPAL></CPV><LOTS><LOT><CPV><PRINCIPAL>45212350-4</PRINCIPAL></CPV></LOT></LOTS></OBJET></DONNEES></ANNONCE>`
	res, err := ParseBOAMPXML(strings.NewReader(x), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if tn := res.Tenders[0]; tn.CPV != "45212350" || tn.Buyer.SIRET != "" {
		t.Errorf("CPV %q, buyer SIRET %q; want the lot's 45212350 and the bad SIRET dropped", tn.CPV, tn.Buyer.SIRET)
	}
	var notes []string
	for _, w := range res.Warnings {
		notes = append(notes, w.Error())
	}
	joined := strings.Join(notes, "\n")
	for _, want := range []string{`"45000009"`, "CPV principal retenu : 45212350", "26830066200016"} {
		if !strings.Contains(joined, want) {
			t.Errorf("warnings %q; want one naming %s", joined, want)
		}
	}
}

// TestParseBOAMPAPISample imports the 90 real records of the API sample.
func TestParseBOAMPAPISample(t *testing.T) {
	res, err := parseFixture(t, boampAPI, "boamp/boamp_avis_2026-03-15_sample.api-shape.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tenders) != 90 || len(res.Problems) != 0 {
		t.Fatalf("got %d tenders and problems %v; want all 90 records", len(res.Tenders), res.Problems)
	}
	states := map[data.TenderState]int{}
	for _, tn := range res.Tenders {
		states[tn.State]++
		if tn.Title == "" || tn.Buyer.Name == "" || tn.PublishedAt.IsZero() || tn.Nature == "" {
			t.Errorf("%s: title %q buyer %q published %v nature %q", tn.ID, tn.Title, tn.Buyer.Name, tn.PublishedAt, tn.Nature)
		}
	}
	// 67 calls + 1 concession call; 20 results + 2 contest results.
	if states[data.StateOpen] != 68 || states[data.StateAwarded] != 22 {
		t.Errorf("states %v; want 68 open, 22 awarded", states)
	}
	if len(res.Awards) != 21 {
		t.Errorf("got %d awards; want 21 (the records naming a titulaire)", len(res.Awards))
	}
	// A company the flat record repeats once per lot it won is one winner
	// (26-26222 names ELECTRICITE INDUSTRIELLE JP FAUCHE three times).
	for _, a := range res.Awards {
		names := map[string]int{}
		for _, w := range a.Winners {
			if names[data.Fold(w.Name)]++; names[data.Fold(w.Name)] == 2 {
				t.Errorf("%s: winner %q twice", a.ID, w.Name)
			}
		}
	}
	byID := map[string]data.Tender{}
	for _, tn := range res.Tenders {
		byID[tn.ID] = tn
	}
	tests := []struct {
		id, title, dep, deadline string
		nature                   data.Nature
		state                    data.TenderState
		winner                   string
	}{
		{"boamp:26-26124", "Mobilier médical, équipements de soin", "77", "2026-03-31T10:00:00Z", data.NatureSupplies, data.StateOpen, ""},
		{"boamp:26-26168", "Travaux courants de voirie - Lot 22", "74", "2026-04-16T10:00:00Z", data.NatureWorks, data.StateOpen, ""},
		{"boamp:26-26122", "La fourniture et la livraison d'un banc de charge", "974", "", data.NatureSupplies, data.StateAwarded, "Société de vente en matériel et outillage industriel (SVMOI)"},
		{"boamp:26-26079", "Formations professionnelles d’agent de prévention", "", "2026-04-13T11:00:00Z", data.NatureServices, data.StateOpen, ""},
	}
	for _, tt := range tests {
		tn, ok := byID[tt.id]
		if !ok {
			t.Errorf("%s missing", tt.id)
			continue
		}
		if !strings.HasPrefix(tn.Title, tt.title) || tn.Place.Departement != tt.dep || tn.Nature != tt.nature || tn.State != tt.state {
			t.Errorf("%s: %q dep %q nature %q state %q; want %q, %q, %q, %q", tt.id, tn.Title, tn.Place.Departement, tn.Nature, tn.State, tt.title, tt.dep, tt.nature, tt.state)
		}
		if want := rfc3339(t, tt.deadline); !tn.Deadline.Equal(want) {
			t.Errorf("%s: deadline %v, want %v", tt.id, tn.Deadline, want)
		}
		if tt.winner != "" && (len(tn.Winners) != 1 || tn.Winners[0].Name != tt.winner) {
			t.Errorf("%s: winners %+v, want %q", tt.id, tn.Winners, tt.winner)
		}
	}
	if d := byID["boamp:26-26079"].Description; !strings.Contains(d, "Départements : 67, 33, 61") {
		t.Errorf("several départements should be listed in the description, got %q", d)
	}
}

// TestParseBOAMPAPIDonnees reads records whose donnees and gestion carry
// the full notice (real BOAMP v230 and eForms content, see
// testdata/gen/boamp_api_donnees.py).
func TestParseBOAMPAPIDonnees(t *testing.T) {
	res, err := parseFixture(t, boampAPI, "boamp/boamp_api_donnees.json")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]data.Tender{}
	for _, tn := range res.Tenders {
		byID[tn.ID] = tn
	}
	if len(res.Tenders) != 4 || len(res.Problems) != 2 {
		t.Fatalf("got %d tenders and %d problems (%v); want 4 and 2", len(res.Tenders), len(res.Problems), res.Problems)
	}

	call := byID["boamp:16-186394"]
	if call.CPV != "50118110" || len(call.Lots) != 2 || call.ProcedureID != "acheteur:ville paris/2016V12019350" || call.NoticeType != "JOUE/APPEL_OFFRE/STANDARD" {
		t.Errorf("call from donnees: CPV %q lots %d procedure %q type %q", call.CPV, len(call.Lots), call.ProcedureID, call.NoticeType)
	}
	if want := rfc3339(t, "2017-02-07T12:00:00+01:00"); !call.Deadline.Equal(want) || call.Place.Departement != "75" {
		t.Errorf("deadline %v dep %q; want %v, 75", call.Deadline, call.Place.Departement, want)
	}
	if !strings.Contains(call.Description, "Descripteurs BOAMP : Prestations de services") {
		t.Errorf("descriptors missing from description %q", call.Description)
	}

	award := byID["boamp:17-29167"]
	if award.State != data.StateAwarded || len(award.Winners) != 3 || !contains(award.SourceIDs, "boamp:16-166926") {
		t.Errorf("award: state %q winners %+v SourceIDs %v", award.State, award.Winners, award.SourceIDs)
	}
	var a data.Award
	for _, x := range res.Awards {
		if x.ID == "boamp:17-29167" {
			a = x
		}
	}
	if a.OffersReceived != 4 || a.NotifiedAt.IsZero() || a.CPV != "79620000" || len(a.Winners) != 3 {
		t.Errorf("award from donnees: %+v", a)
	}

	ef := byID["boamp:20-58231"]
	if ef.CPV != "71336000" || ef.Place.Departement != "13" || !contains(ef.SourceIDs, "ted:866bf88e-f381-45c8-a085-43a6148d0ab7") {
		t.Errorf("eForms in donnees: CPV %q dep %q SourceIDs %v", ef.CPV, ef.Place.Departement, ef.SourceIDs)
	}
	if !data.UniqueProcedureID(ef.ProcedureID) {
		t.Errorf("eForms in donnees: procedure %q; want its eForms UUID as it is (unique, not scoped)", ef.ProcedureID)
	}
	if ef.URL != "https://www.boamp.fr/pages/avis/?q=idweb:20-58231" || ef.Source != "boamp" {
		t.Errorf("eForms in donnees keeps the BOAMP identity: URL %q source %q", ef.URL, ef.Source)
	}

	cut := byID["boamp:26-26124"]
	if cut.Title == "" || cut.Place.Departement != "77" {
		t.Errorf("record with broken donnees: %+v", cut)
	}
	warned := false
	for _, w := range res.Warnings {
		if w.Ref == "boamp:26-26124" && strings.Contains(w.Error(), "donnees illisible") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("warnings %v; want one on the broken donnees of 26-26124", res.Warnings)
	}

	wantProblems := map[string]string{"26-99999": "titre (objet) ; nom de l'acheteur (nomacheteur)", "26-99998": `"77319999"`}
	for _, p := range res.Problems {
		if w, ok := wantProblems[p.Ref]; !ok || !strings.Contains(p.Error(), w) {
			t.Errorf("problem %v; want %q for %s", p, w, p.Ref)
		}
	}
}

func TestParseBOAMPAPIShapes(t *testing.T) {
	tests := []struct {
		name, json string
		tenders    int
		wantErr    error
	}{
		{"v1 records", `{"records":[{"fields":{"idweb":"1-1","objet":"T","nomacheteur":"B"}}]}`, 1, nil},
		{"bare array", `[{"idweb":"1-1","objet":"T","nomacheteur":"B"}]`, 1, nil},
		{"id only", `{"results":[{"id":"26_1","objet":"T","nomacheteur":"B"}]}`, 1, nil},
		{"no results key", `{"total":1}`, 0, ErrMalformed},
		{"not JSON", `{"results":[`, 0, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ParseBOAMPAPI(strings.NewReader(tt.json), testOptions())
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if len(res.Tenders) != tt.tenders {
				t.Errorf("got %d tenders, want %d", len(res.Tenders), tt.tenders)
			}
		})
	}
	res, _ := ParseBOAMPAPI(strings.NewReader(`{"results":[{"id":"26_1","objet":"T","nomacheteur":"B"}]}`), testOptions())
	if res.Tenders[0].ID != "boamp:26-1" {
		t.Errorf("ID from id: %q, want boamp:26-1", res.Tenders[0].ID)
	}
}

// TestBOAMPProcedureScopedByBuyer: REF_MARCHE is the buyer's own free
// reference, so two buyers may choose the same one; the procedure id made
// of it names the buyer, by SIRET when the notice gives a valid one, else
// by its normalised name, also when only the API record's flat fields name
// the buyer.
func TestBOAMPProcedureScopedByBuyer(t *testing.T) {
	src := string(readFixture(t, "boamp/xml/test-pub.xml"))
	const paris = "<DENOMINATION>Ville de Paris</DENOMINATION>"
	xmlTests := []struct {
		name, from, to, want string
	}{
		{"the original", paris, paris, "acheteur:ville paris/2016V12019350"},
		{"another buyer, same reference", paris, "<DENOMINATION>Ville de Rennes</DENOMINATION>", "acheteur:ville rennes/2016V12019350"},
		{"the same buyer spelt otherwise", paris, "<DENOMINATION>VILLE DE PARIS</DENOMINATION>", "acheteur:ville paris/2016V12019350"},
		{"a SIRET", paris, paris + "<CODE_IDENT_NATIONAL>217 500 016 00019</CODE_IDENT_NATIONAL>", "siret:21750001600019/2016V12019350"},
		{"an invalid SIRET", paris, paris + "<CODE_IDENT_NATIONAL>21750001600018</CODE_IDENT_NATIONAL>", "acheteur:ville paris/2016V12019350"},
		{"no reference", "<REF_MARCHE>2016V12019350</REF_MARCHE>", "", ""},
	}
	for _, tc := range xmlTests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ParseBOAMPXML(strings.NewReader(strings.Replace(src, tc.from, tc.to, 1)), testOptions())
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Tenders[0].ProcedureID; got != tc.want {
				t.Errorf("procedure = %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("API record, buyer from the flat fields", func(t *testing.T) {
		rec := `{"results": [{"idweb": "26-99001", "objet": "Mobilier scolaire", "nomacheteur": "Ville de Rennes",
			"donnees": "{\"OBJET\": {\"REF_MARCHE\": \"2016V12019350\", \"CPV\": {\"PRINCIPAL\": \"39160000\"}}}"}]}`
		res, err := ParseBOAMPAPI(strings.NewReader(rec), testOptions())
		if err != nil || len(res.Tenders) != 1 {
			t.Fatalf("err %v, problems %v", err, res.Problems)
		}
		if got, want := res.Tenders[0].ProcedureID, "acheteur:ville rennes/2016V12019350"; got != want {
			t.Errorf("procedure = %q, want %q", got, want)
		}
	})
}

// TestBOAMPSeveralDepartementsOfOneRegion: a BOAMP notice performed in
// several départements had no place at all, and the observatory counted
// it in « Lieu inconnu ». When they all lie in one région (7 of the 11 such
// notices of the API sample: « 62, 59 », the nine départements of Grand
// Est's insurance contract 26-26279), its place is that région.
func TestBOAMPSeveralDepartementsOfOneRegion(t *testing.T) {
	res, err := parseFixture(t, boampAPI, "boamp/boamp_avis_2026-03-15_sample.api-shape.json")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]data.Tender{}
	for _, tn := range res.Tenders {
		byID[tn.ID] = tn
	}
	for _, tt := range []struct{ id, region string }{
		{"boamp:26-26465", "32"}, {"boamp:26-26447", "32"}, {"boamp:26-26279", "44"}, {"boamp:26-26239", "44"},
		{"boamp:26-26787", "44"}, {"boamp:26-26185", "11"}, {"boamp:26-26460", "93"},
		{"boamp:26-26241", ""}, {"boamp:26-26079", ""}, {"boamp:26-26706", ""}, {"boamp:26-26365", ""},
	} {
		tn := byID[tt.id]
		region, _ := data.RegionOfNUTS(tn.Place.NUTS)
		if region != tt.region || tn.Place.Departement != "" {
			t.Errorf("%s: place %+v (région %q), want région %q and no département", tt.id, tn.Place, region, tt.region)
		}
		if !strings.Contains(tn.Description, "Départements : ") {
			t.Errorf("%s: the description does not list the départements", tt.id)
		}
	}
}
