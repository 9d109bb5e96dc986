package notice

import (
	"bytes"
	"errors"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// TestParseEFormsExamples pins what each of a selection of the official
// eForms examples must give; the values were read in the XML by hand.
func TestParseEFormsExamples(t *testing.T) {
	tests := []struct {
		file        string
		title       string // prefix
		cpv         string
		cpvAdd      []string
		dep         string
		nuts        string
		deadline    string
		state       data.TenderState
		lots        int
		winners     []string // names, in order
		buyer       string   // prefix
		buyerSIRET  string
		joint       []string // joint buyers' names, in order
		procedureID string
	}{
		{file: "cn_81_FRA.xml", title: "Assistance à maîtrise d’œuvre en suivi de réalisation", cpv: "71336000",
			dep: "13", nuts: "FRL04", deadline: "2020-09-14T16:00:00+01:00", state: data.StateOpen,
			buyer: "Commissariat à l'énergie atomique", procedureID: "82c626cc-83e1-4644-9cf1-6ed82b3e3dbc"},
		{file: "cn_24_minimal.xml", title: "Provision of IT Services Related to OP IT Systems", cpv: "72230000",
			dep: "76", nuts: "FRD22", deadline: "2020-02-04T10:00:00+02:00", state: data.StateOpen,
			buyer: "Publications Office of the European Union"},
		{file: "cn_24_FRA_comments.xml", title: "Service d'entretien de remise en état et de nettoyage des espaces verts",
			cpv: "77310000", dep: "76", nuts: "FRD22", deadline: "2019-06-24T16:00:00Z", state: data.StateOpen,
			lots: 2, buyer: "Rouen Habitat"},
		{file: "cn_24_maximal.xml", title: "Procurement Title", cpv: "79710000", cpvAdd: []string{"79720000"},
			nuts: "LU000", deadline: "2023-05-22T20:59:32+01:00", state: data.StateOpen, lots: 2},
		{file: "cn_24_maximal_100_lots.xml", title: "Procurement Title", cpv: "79710000", cpvAdd: []string{"79720000"},
			deadline: "2023-05-22T20:59:32+01:00", state: data.StateOpen, lots: 100},
		{file: "cn-desg_24.xml", title: "Concours restreint de maîtrise d'œuvre", cpv: "71000000", dep: "68",
			nuts: "FRF12", deadline: "2020-06-05T12:00:00+01:00", state: data.StateOpen,
			buyer: "Communauté de Communes de la Vallée de la Doller", buyerSIRET: "24680067600016"},
		{file: "cn_23.xml", title: "Concession de service public pour la gestion des équipements", cpv: "85312110",
			dep: "37", nuts: "FRB04", state: data.StateOpen, buyerSIRET: "20007158700014"},
		{file: "cn_24_multilingual.xml", title: "Fourniture de services informatiques liés aux systèmes informatiques OP",
			cpv: "72230000", cpvAdd: []string{"72260000"}, nuts: "LU000", deadline: "2020-02-03T13:00:00Z",
			state: data.StateOpen, buyer: "Office des publications de l'Union européenne"},
		{file: "can_24_FRA_comments.xml", title: "Service d'entretien de remise en état", cpv: "77310000", dep: "76",
			state: data.StateAwarded, lots: 2, winners: []string{"Espaces Verts Lemire", "ID Verde SASU"}},
		{file: "can_81_FRA.xml", title: "Assistance à maîtrise d’œuvre", cpv: "71336000", dep: "13",
			state: data.StateAwarded, winners: []string{"Assystem energy et infrastructure"}},
		{file: "can_24_no_tenders.xml", title: "foo", cpv: "72000000", state: data.StateCancelled},
		{file: "can_24_maximal.xml", title: "Procurement Title", cpv: "79710000", cpvAdd: []string{"79720000"}, nuts: "LU000", state: data.StateAwarded,
			lots: 2, winners: []string{"Gyro Soft SA", "The best App Ltd.", "Competitor"}},
		{file: "E4_minimal.xml", title: "Service d'entretien", cpv: "77310000", dep: "76", state: data.StateAwarded,
			winners: []string{"Société Espaces Verts"}},
		{file: "change-cn_24_void.xml", title: "Provision of IT Services", cpv: "72230000", dep: "76",
			deadline: "2020-02-04T10:00:00+02:00", state: data.StateCancelled},
		{file: "change-cn_24_open_dates.xml", title: "Term Contract for a Planned Programme", cpv: "71630000",
			cpvAdd: []string{"71314100", "50300000", "31600000"}, deadline: "2020-06-12T12:00:00+01:00",
			state: data.StateCorrected},
		{file: "pin-buyer_24_published.xml", title: "Avviso consultazione preliminare", cpv: "33157000",
			nuts: "ITC33", state: data.StateOpen},
		{file: "pin-only_24_lots.xml", title: "Fusion21 Materials Supply Framework — Market Engagement Opportunity",
			cpv: "44110000", state: data.StateOpen, lots: 10},
		{file: "can_25_ENG_Buyers.xml", title: "Making Tax Digital for VAT (MTDfV)", cpv: "72260000", state: data.StateAwarded,
			winners: []string{"Deloitte — Main Account LLP"}, buyer: "NI Water and its subsidiaries", joint: []string{"Clear Water"},
			procedureID: "18d27a53-0109-4f93-9231-6659d931bce0"},
		{file: "can_25_ENG_buyers_countries.xml", title: "Making Tax Digital for VAT (MTDfV)", cpv: "72260000", state: data.StateAwarded,
			winners: []string{"Deloitte — Main Account LLP"}, buyer: "France Eau", joint: []string{"Clear Water"},
			procedureID: "18d27a53-0109-4f93-9231-6659d931bce0"},
		{file: "pin-only_81_FRA.xml", title: "Demande d'informations nº DI 123/DSSFT", cpv: "35520000",
			state: data.StateOpen, buyer: "Marine/DCSSF/DSSF Toulon"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := parseFixture(t, eforms, filepath.Join("eforms", tt.file))
			if err != nil {
				t.Fatalf("ParseEForms: %v", err)
			}
			if len(res.Tenders) != 1 {
				t.Fatalf("got %d tenders, want 1", len(res.Tenders))
			}
			tn := res.Tenders[0]
			if !strings.HasPrefix(tn.Title, tt.title) {
				t.Errorf("title = %q, want prefix %q", tn.Title, tt.title)
			}
			if tn.CPV != tt.cpv {
				t.Errorf("CPV = %q, want %q", tn.CPV, tt.cpv)
			}
			if strings.Join(tn.CPVAdditional, ",") != strings.Join(tt.cpvAdd, ",") {
				t.Errorf("additional CPV = %v, want %v", tn.CPVAdditional, tt.cpvAdd)
			}
			if tn.Place.Departement != tt.dep {
				t.Errorf("département = %q, want %q", tn.Place.Departement, tt.dep)
			}
			if tt.nuts != "" && tn.Place.NUTS != tt.nuts {
				t.Errorf("NUTS = %q, want %q", tn.Place.NUTS, tt.nuts)
			}
			if want := rfc3339(t, tt.deadline); !tn.Deadline.Equal(want) {
				t.Errorf("deadline = %v, want %v", tn.Deadline, want)
			}
			if tn.State != tt.state {
				t.Errorf("state = %q, want %q", tn.State, tt.state)
			}
			if len(tn.Lots) != tt.lots {
				t.Errorf("got %d lots, want %d", len(tn.Lots), tt.lots)
			}
			var names []string
			for _, w := range tn.Winners {
				names = append(names, w.Name)
			}
			if strings.Join(names, "|") != strings.Join(tt.winners, "|") {
				t.Errorf("winners = %q, want %q", names, tt.winners)
			}
			if !strings.HasPrefix(tn.Buyer.Name, tt.buyer) || tn.Buyer.Name == "" {
				t.Errorf("buyer = %q, want prefix %q", tn.Buyer.Name, tt.buyer)
			}
			if tn.Buyer.SIRET != tt.buyerSIRET {
				t.Errorf("buyer SIRET = %q, want %q", tn.Buyer.SIRET, tt.buyerSIRET)
			}
			var joint []string
			for _, b := range tn.JointBuyers {
				joint = append(joint, b.Name)
			}
			if strings.Join(joint, "|") != strings.Join(tt.joint, "|") {
				t.Errorf("joint buyers = %q, want %q", joint, tt.joint)
			}
			if tt.procedureID != "" && tn.ProcedureID != tt.procedureID {
				t.Errorf("procedure = %q, want %q", tn.ProcedureID, tt.procedureID)
			}
			if tn.Source != "ted" || tn.ID != "ted:"+tn.SourceID || tn.SourceIDs[0] != tn.ID {
				t.Errorf("ID = %q, source %q, source id %q, SourceIDs %v: want ted:<source id> first", tn.ID, tn.Source, tn.SourceID, tn.SourceIDs)
			}
		})
	}
}

// Raw markers looked up in the XML itself, independently of the parser,
// to know what each example should give.
var (
	rawCPV      = regexp.MustCompile(`<cac:MainCommodityClassification>\s*<cbc:ItemClassificationCode[^>]*>(\d{8})<`)
	rawDeadline = regexp.MustCompile(`<cac:(TenderSubmissionDeadlinePeriod|ParticipationRequestReceptionPeriod)>\s*(<!--[^>]*-->\s*)?<cbc:EndDate>`)
	rawPlace    = regexp.MustCompile(`(?s)<cac:RealizedLocation>((?:[^<]|<[^/]|</[^c]|</c[^a])*?)<cbc:CountrySubentityCode`)
	rawFrench   = regexp.MustCompile(`(?s)<cac:RealizedLocation>.{0,400}?<cbc:CountrySubentityCode listName="nuts">FR[A-Z0-9]{3}<`)
)

// TestParseEFormsAllExamples imports every valid example of the SDK: each
// gives one tender with a title; a valid main CPV, a deadline and a place
// whenever the XML has one; and a French NUTS-3 place gives a
// département. The two business registration notices (X01, X02) announce
// no procurement and say so.
func TestParseEFormsAllExamples(t *testing.T) {
	files := globFixtures(t, "eforms/*.xml")
	if len(files) != 80 {
		t.Fatalf("got %d examples, want the 80 of the SDK", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw := readFixture(t, f)
			res, err := ParseEForms(bytes.NewReader(raw), testOptions())
			if strings.HasPrefix(filepath.Base(f), "X0") {
				if !errors.Is(err, ErrNotProcurement) || len(res.Tenders) != 0 {
					t.Fatalf("business registration: err = %v, %d tenders; want ErrNotProcurement and none", err, len(res.Tenders))
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseEForms: %v", err)
			}
			if len(res.Tenders) != 1 {
				t.Fatalf("got %d tenders, want 1", len(res.Tenders))
			}
			tn := res.Tenders[0]
			if tn.Title == "" || tn.Buyer.Name == "" || tn.SourceID == "" || tn.PublishedAt.IsZero() {
				t.Errorf("title %q, buyer %q, id %q, published %v: none may be empty", tn.Title, tn.Buyer.Name, tn.SourceID, tn.PublishedAt)
			}
			if rawCPV.Match(raw) {
				if _, ok := data.LookupCPV(tn.CPV); !ok {
					t.Errorf("main CPV = %q, want a valid CPV 2008 code (the XML has %s)", tn.CPV, rawCPV.FindSubmatch(raw)[1])
				}
			}
			if rawDeadline.Match(raw) {
				deadline := tn.Deadline
				for _, l := range tn.Lots {
					if l.Deadline.After(deadline) {
						deadline = l.Deadline
					}
				}
				if deadline.IsZero() {
					t.Errorf("no deadline, but the XML has a deadline period")
				}
			}
			if rawPlace.Match(raw) && tn.Place.NUTS == "" {
				hasLots := len(tn.Lots) > 0 && tn.Lots[0].Place.NUTS != ""
				if !hasLots {
					t.Errorf("no NUTS in place %+v, but the XML gives a CountrySubentityCode", tn.Place)
				}
			}
			if rawFrench.Match(raw) && tn.Place.Departement == "" && (len(tn.Lots) == 0 || tn.Lots[0].Place.Departement == "") {
				t.Errorf("French NUTS-3 place without département: %+v", tn.Place)
			}
			if tn.State == "" || tn.Nature == "" {
				t.Errorf("state %q, nature %q: want both", tn.State, tn.Nature)
			}
		})
	}
}

// TestParseEFormsInvalidExamples checks that each deliberately invalid
// example of the SDK is rejected with an error naming the element at
// fault, and that nothing of it is half-imported. The change notice that
// alters fields a change may not alter is caught against the notice it
// changes, given through Options.Previous.
func TestParseEFormsInvalidExamples(t *testing.T) {
	original, err := parseFixture(t, eforms, "eforms/cn_24_FRA_comments.xml")
	if err != nil {
		t.Fatal(err)
	}
	previous := func(id string) (data.Tender, bool) {
		for _, tn := range original.Tenders {
			if tn.ID == id {
				return tn, true
			}
		}
		return data.Tender{}, false
	}
	tests := []struct {
		file string
		want string // in the error message
	}{
		{"INVALID_can_24_empty.xml", "cbc:ID (identifiant de l'avis)"},
		{"INVALID_can_24_stage-1.xml", "cbc:ID (identifiant de l'avis)"},
		{"INVALID_can_24_stage-2.xml", "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID (acheteur)"},
		{"INVALID_change-cn_24_FRA_comments.xml", "cbc:ContractFolderID"},
		{"INVALID_cn_24_empty.xml", "cbc:IssueDate"},
		{"INVALID_cn_24_multiple.xml", "lot LOT-0001 : cac:MainCommodityClassification sans cbc:ItemClassificationCode"},
		{"INVALID_cn_24_stage-1.xml", "cbc:ID (identifiant de l'avis)"},
		{"INVALID_cn_24_stage-2.xml", "cbc:ID (identifiant de l'avis)"},
		{"INVALID_pin-buyer_24_stage-1.xml", "cbc:ID (identifiant de l'avis)"},
		{"INVALID_pin-only_24_empty.xml", "cac:ProcurementProject (objet du marché)"},
		{"INVALID_pin-only_24_minimal.xml", "(acheteur)"},
		{"INVALID_pin-only_24_stage-1.xml", "cbc:ID (identifiant de l'avis)"},
	}
	if n := len(globFixtures(t, "eforms-invalid/*.xml")); n != len(tests) {
		t.Fatalf("%d invalid examples in testdata, %d in the table: every one must be listed", n, len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			opts := testOptions()
			opts.Previous = previous
			res, err := ParseEForms(bytes.NewReader(readFixture(t, filepath.Join("eforms-invalid", tt.file))), opts)
			if err == nil {
				t.Fatalf("accepted; want rejected with %q", tt.want)
			}
			if !errors.Is(err, ErrRejected) || !errors.Is(err, data.ErrInvalid) {
				t.Errorf("err = %v; want it to wrap ErrRejected and data.ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q; want it to name %q", err, tt.want)
			}
			if len(res.Tenders) != 0 || len(res.Awards) != 0 {
				t.Errorf("got %d tenders and %d awards from a rejected notice; want none", len(res.Tenders), len(res.Awards))
			}
			if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Error(), tt.want) {
				t.Errorf("problems = %v; want one naming %q", res.Problems, tt.want)
			}
		})
	}
}

// TestParseEFormsChangeWithoutPrevious: without the changed notice at
// hand, a change is taken at its word and linked to the notice it changes.
func TestParseEFormsChangeWithoutPrevious(t *testing.T) {
	res, err := parseFixture(t, eforms, "eforms-invalid/INVALID_change-cn_24_FRA_comments.xml")
	if err != nil {
		t.Fatalf("ParseEForms: %v", err)
	}
	tn := res.Tenders[0]
	if tn.State != data.StateCorrected || tn.NoticeType != "change:cn-standard" {
		t.Errorf("state %q, notice type %q; want corrected, change:cn-standard", tn.State, tn.NoticeType)
	}
	if want := "ted:da4d46e9-490b-41ff-a2ae-8166d356a619"; !contains(tn.SourceIDs, want) {
		t.Errorf("SourceIDs = %v; want the changed notice %s", tn.SourceIDs, want)
	}
}

func TestParseEFormsChangeHistory(t *testing.T) {
	res, err := parseFixture(t, eforms, "eforms/change-cn_24_open_dates.xml")
	if err != nil {
		t.Fatal(err)
	}
	tn := res.Tenders[0]
	if len(tn.History) != 1 {
		t.Fatalf("history = %v; want one revision", tn.History)
	}
	h := tn.History[0]
	for _, want := range []string{"c4c415ee-ac08-4465-8fa6-57568cf69462-01", "informations nouvelles ou modifiées", "Time limit for receipt of tenders"} {
		if !strings.Contains(h.Summary, want) {
			t.Errorf("summary %q; want it to contain %q", h.Summary, want)
		}
	}
	if h.State != data.StateCorrected || h.SourceID != tn.ID {
		t.Errorf("revision %+v; want corrected, source %s", h, tn.ID)
	}
}

// TestParseEFormsAwards checks the Award entries of award notices: one per
// lot with winners, with amounts, dates and offers.
func TestParseEFormsAwards(t *testing.T) {
	res, err := parseFixture(t, eforms, "eforms/can_24_FRA_comments.xml")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Awards) != 2 {
		t.Fatalf("got %d awards, want 2 (one per lot)", len(res.Awards))
	}
	a := res.Awards[0]
	if a.ID != "ted:df45f4d1-2208-47cb-bc7a-9c7edcf8d2b8:LOT-0001" || a.Object != "Agence centre" {
		t.Errorf("award %s %q; want LOT-0001 \"Agence centre\"", a.ID, a.Object)
	}
	if a.Amount != 95414 || a.OffersReceived != 3 || a.CPV != "77310000" {
		t.Errorf("amount %v, offers %d, CPV %s; want 95414, 3, 77310000", a.Amount, a.OffersReceived, a.CPV)
	}
	if want := rfc3339(t, "2019-09-03T00:00:00+02:00"); !a.NotifiedAt.Equal(want) {
		t.Errorf("notified %v, want %v", a.NotifiedAt, want)
	}
	if len(a.Winners) != 1 || a.Winners[0].Name != "Espaces Verts Lemire" || a.Winners[0].LotID != "LOT-0001" {
		t.Errorf("winners %+v", a.Winners)
	}
	tn := res.Tenders[0]
	if len(tn.Lots) != 2 || len(tn.Lots[1].Winners) != 1 || tn.Lots[1].Winners[0].Name != "ID Verde SASU" {
		t.Errorf("lot winners %+v; want ID Verde SASU on the second lot", tn.Lots)
	}
}

// TestParseEForms100Lots: the 100-lot example keeps every lot with its own
// identifier, title, CPV and deadline.
func TestParseEForms100Lots(t *testing.T) {
	res, err := parseFixture(t, eforms, "eforms/cn_24_maximal_100_lots.xml")
	if err != nil {
		t.Fatal(err)
	}
	lots := res.Tenders[0].Lots
	if len(lots) != 100 {
		t.Fatalf("got %d lots, want 100", len(lots))
	}
	seen := map[string]bool{}
	for _, l := range lots {
		if seen[l.ID] {
			t.Errorf("lot %s twice", l.ID)
		}
		seen[l.ID] = true
		if l.Title == "" || l.CPV == "" || l.Deadline.IsZero() {
			t.Errorf("lot %s: title %q, CPV %q, deadline %v; want all", l.ID, l.Title, l.CPV, l.Deadline)
		}
	}
	if lots[0].ID != "LOT-0001" || lots[99].ID != "LOT-0100" {
		t.Errorf("first and last lots %s, %s; want LOT-0001, LOT-0100", lots[0].ID, lots[99].ID)
	}
}

// TestParseEFormsPublicationNumber: a published notice is known by its
// publication number, its notice identifier kept alongside.
func TestParseEFormsPublicationNumber(t *testing.T) {
	res, err := parseFixture(t, eforms, "eforms/pin-buyer_24_published.xml")
	if err != nil {
		t.Fatal(err)
	}
	tn := res.Tenders[0]
	if tn.ID != "ted:12345678-2025" || !contains(tn.SourceIDs, "ted:e5dc3c2b-3df5-45e0-af7f-399ca201d7e0") {
		t.Errorf("ID %s, SourceIDs %v; want the publication number and the notice id", tn.ID, tn.SourceIDs)
	}
	if want := rfc3339(t, "2025-05-22T00:00:00+01:00"); !tn.PublishedAt.Equal(want) {
		t.Errorf("published %v, want %v (publication date)", tn.PublishedAt, want)
	}
	if tn.URL != "https://ted.europa.eu/fr/notice/-/detail/12345678-2025" {
		t.Errorf("URL %q", tn.URL)
	}
}

// noticeFormTypeRe reads the eForms form type (the code list's listName:
// planning, competition, result…) of an example notice.
var noticeFormTypeRe = regexp.MustCompile(`<cbc:NoticeTypeCode listName="([^"]+)"`)

// TestParseEFormsStatusByFormType: on every official example, what the
// notice's form type promises a supplier is what its status says. A
// prior-information or market-consultation notice is « pré-information »
// (not « ouvert »: nothing can be answered yet); a direct-award, result,
// modification or completion notice is decided; only a competition notice
// opens or closes with its deadline.
func TestParseEFormsStatusByFormType(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	seen := map[string]int{}
	for _, f := range globFixtures(t, "eforms/*.xml") {
		raw := readFixture(t, f)
		m := noticeFormTypeRe.FindSubmatch(raw)
		if m == nil {
			t.Fatalf("%s: no form type", f)
		}
		form := string(m[1])
		res, err := ParseEForms(bytes.NewReader(raw), testOptions())
		if err != nil || len(res.Tenders) != 1 {
			continue // registration notices; their rejection is tested apart
		}
		tender := res.Tenders[0]
		tender.PublishedAt = now.AddDate(0, 0, -1) // young: the deadline presumption must not decide
		var want []data.TenderStatus
		switch form {
		case "planning", "consultation":
			want = []data.TenderStatus{data.StatusAnnounced}
		case "competition": // or cancelled by a change notice
			want = []data.TenderStatus{data.StatusOpen, data.StatusClosed, data.StatusCancelled}
		case "dir-awa-pre", "result", "cont-modif", "completion":
			want = []data.TenderStatus{data.StatusAwarded, data.StatusCancelled}
		default:
			t.Errorf("%s: form type %q not in the test", f, form)
			continue
		}
		seen[form]++
		if got := tender.StatusAt(now); !slices.Contains(want, got) {
			t.Errorf("%s (%s, %s): status %q, want one of %q", f, form, tender.NoticeType, got, want)
		}
	}
	for _, form := range []string{"planning", "consultation", "competition", "dir-awa-pre", "result", "cont-modif", "completion"} {
		if seen[form] == 0 {
			t.Errorf("no example of form type %q checked", form)
		}
	}
}
