package observatory

import (
	"bytes"
	"context"
	"testing"
	"time"

	"fabrique/data"
)

// The tests of this file come from an audit that recomputed every figure
// of the observatory from the raw data with an independent script
// (scripts/obs-recompute) and compared it with the page, the CSV and the
// API.

// TestCoverageRegionsUnderADepartement: under a département, the régions'
// table listed every région, 17 of them with 0 companies (Bretagne has
// dozens), and the département's own région with the département's
// companies over the whole région's population: with departement=69,
// « Auvergne-Rhône-Alpes : 61 référencées, 0,6 pour 100 000 hab. », a
// density of neither the Rhône (2,5) nor the région (1,8). A région's
// figures are not computed under a département: the table is empty.
func TestCoverageRegionsUnderADepartement(t *testing.T) {
	f := coverageFixture(t)
	c := f.Coverage(Filter{Departement: "69"}, day("2026-06-01"))
	check(t, "companies of the Rhône", c.Suppliers, 2)
	if len(c.Regions) != 0 {
		t.Errorf("under département 69, %d régions listed (%+v), want none", len(c.Regions), c.Regions[0])
	}
	if len(c.Departements) != 1 || c.Departements[0].Code != "69" {
		t.Errorf("départements %+v, want 69 alone", c.Departements)
	}
	c = f.Coverage(Filter{Region: "84", Departement: "69"}, day("2026-06-01"))
	if len(c.Regions) != 0 {
		t.Errorf("under région 84 and département 69, %d régions listed, want none", len(c.Regions))
	}
	c = f.Coverage(Filter{Region: "84"}, day("2026-06-01"))
	if len(c.Regions) != 1 || c.Regions[0].Code != "84" || c.Regions[0].Listed != 2 {
		t.Errorf("under région 84, régions %+v; want 84 with its 2 companies", c.Regions)
	}
}

// TestCPVDivisionOutsideTheNomenclature: the DECP carry codes of older
// CPV versions (74…, CPV 2003) and codes of no version (12…): 92 awards
// of the repository's DECP. The award table listed them as « 12 – » and
// « 74 – », without a name.
func TestCPVDivisionOutsideTheNomenclature(t *testing.T) {
	check(t, "name of 45", CPVDivisionName("45"), "Travaux de construction")
	for _, div := range []string{"12", "74"} {
		if got := CPVDivisionName(div); got != "hors de la nomenclature CPV 2008" {
			t.Errorf("CPVDivisionName(%q) = %q, want « hors de la nomenclature CPV 2008 »", div, got)
		}
	}
	st := openStore(t)
	if err := st.PutAwards(context.Background(), []data.Award{
		{ID: "decp:old", Source: "decp", CPV: "74232000", Place: data.Place{Departement: "35"}, Amount: 10,
			NotifiedAt: day("2018-05-02"), Winners: []data.Winner{{Name: "Bureau d'études"}}},
	}); err != nil {
		t.Fatal(err)
	}
	as := build(t, st, BuildOptions{Now: day("2026-06-01")}).AwardShare(Filter{})
	if len(as.ByCPVDivision) != 1 || as.ByCPVDivision[0].Code != "74" || as.ByCPVDivision[0].Name == "" {
		t.Errorf("awards by CPV division %+v, want 74 with a name", as.ByCPVDivision)
	}
}

// TestTenderCPVDivisionInferred: the BOAMP notices declare no CPV code;
// Fabrique infers one from their words (data.InferCPV), which the tenders'
// CPV filter and facets count from confidence 0.5. The observatory did
// not: the railway works of Île-de-France Mobilités (« Voie et Caténaire »,
// CPV 45234160 inferred at 0.75) sat in « CPV inconnu » of the gap matrix
// while the tenders page counted them in division 45.
func TestTenderCPVDivisionInferred(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	tenders := []data.Tender{
		{ID: "boamp:cat", Title: "Marché Ferroviaire (Voie et Caténaire)", Place: data.Place{Departement: "75"},
			InferredCPV: []data.InferredCPV{{Code: "45234160", Confidence: 0.75}, {Code: "34940000", Confidence: 0.55}}},
		{ID: "boamp:weak", Title: "Prestations diverses", Place: data.Place{Departement: "75"},
			InferredCPV: []data.InferredCPV{{Code: "79000000", Confidence: 0.3}}},
		{ID: "boamp:declared", Title: "Mobilier", CPV: "39130000", Place: data.Place{Departement: "75"},
			InferredCPV: []data.InferredCPV{{Code: "45000000", Confidence: 0.9}}},
	}
	for _, tt := range tenders {
		tt.Source, tt.SourceID, tt.State, tt.PublishedAt = "boamp", tt.ID, data.StateOpen, day("2026-05-15")
		if err := st.PutTender(ctx, tt, "test"); err != nil {
			t.Fatal(err)
		}
	}
	none := func(context.Context, data.Tender) ([]string, error) { return []string{}, nil }
	tc := build(t, st, BuildOptions{Now: day("2026-06-01"), Capable: none}).TenderCoverage(Filter{}, day("2026-06-01"))
	got := map[string]string{}
	for _, u := range tc.Unmatched {
		got[u.ID] = u.CPVDivision
		if want := u.ID == "boamp:cat"; u.CPVInferred != want {
			t.Errorf("%s: CPVInferred %v, want %v", u.ID, u.CPVInferred, want)
		}
	}
	check(t, "division of the railway works (inferred at 0.75)", got["boamp:cat"], "45")
	check(t, "division of a guess at 0.3", got["boamp:weak"], "")
	check(t, "division declared, beside a guess", got["boamp:declared"], "39")
	rows := map[string]int{}
	for _, g := range tc.Gaps {
		rows[g.CPVDivision] = g.None
	}
	if rows["45"] != 1 || rows[""] != 1 || rows["39"] != 1 {
		t.Errorf("gap rows %v, want one tender in 45, one in 39 and one of unknown CPV", rows)
	}
}

// TestAwardsAndTendersOfARegion: a place known only by its région (a
// NUTS-1 or NUTS-2 code: « Code région » of the DECP, TED's FRK2) counts in
// that région, under its filter, and under no département's.
func TestAwardsAndTendersOfARegion(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	if err := st.PutAwards(ctx, []data.Award{
		{ID: "decp:corse", Source: "decp", CPV: "45000000", Place: data.Place{NUTS: "FRM0"}, Amount: 100,
			NotifiedAt: day("2019-03-01"), Winners: []data.Winner{{Name: "Entreprise corse"}}},
		{ID: "decp:ajaccio", Source: "decp", CPV: "45000000", Place: data.Place{Departement: "2A"}, Amount: 10,
			NotifiedAt: day("2019-03-01"), Winners: []data.Winner{{Name: "Entreprise d'Ajaccio"}}},
		{ID: "decp:france", Source: "decp", CPV: "45000000", Amount: 1,
			NotifiedAt: day("2019-03-01"), Winners: []data.Winner{{Name: "Entreprise nationale"}}},
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutTender(ctx, data.Tender{ID: "ted:aura", Source: "ted", SourceID: "aura", State: data.StateOpen,
		Title: "Mobilier scolaire", CPV: "39160000", Place: data.Place{NUTS: "FRK2"}, PublishedAt: day("2026-05-15")}, "test"); err != nil {
		t.Fatal(err)
	}
	none := func(context.Context, data.Tender) ([]string, error) { return []string{}, nil }
	f := build(t, st, BuildOptions{Now: day("2026-06-01"), Capable: none})

	regions := map[string]int{}
	for _, r := range f.AwardShare(Filter{}).ByRegion {
		regions[r.Code] = r.All.Count
	}
	check(t, "awards in Corse", regions["94"], 2)
	check(t, "awards of unknown place", regions[""], 1)
	check(t, "awards under région 94", f.AwardShare(Filter{Region: "94"}).All.Count, 2)
	check(t, "awards under département 2A", f.AwardShare(Filter{Departement: "2A"}).All.Count, 1)
	check(t, "awards under région 84", f.AwardShare(Filter{Region: "84"}).All.Count, 0)

	tc := f.TenderCoverage(Filter{Region: "84"}, day("2026-06-01"))
	check(t, "open tenders under région 84", tc.Open, 1)
	if len(tc.Regions) != 1 || tc.Regions[0].Code != "84" {
		t.Errorf("gap columns %+v, want Auvergne-Rhône-Alpes", tc.Regions)
	}
	check(t, "open tenders under département 69", f.TenderCoverage(Filter{Departement: "69"}, day("2026-06-01")).Open, 0)

	// Saved at a clean stop and read back at the next start: the award
	// known by its région alone must not make the file unusable (it did:
	// « award 1: département 146 of 109 », found with the real DECP awards).
	var buf bytes.Buffer
	if err := WriteFacts(&buf, f, testStamp); err != nil {
		t.Fatal(err)
	}
	read, err := ReadFacts(bytes.NewReader(buf.Bytes()), testStamp)
	if err != nil {
		t.Fatalf("ReadFacts of facts with an award known by its région: %v", err)
	}
	check(t, "awards under région 94, read back", read.AwardShare(Filter{Region: "94"}).All.Count, 2)
}

// TestAwardLabelOnTheNotificationDay: a label's dates are calendar days
// (00:00 UTC) and the DECP date a contract in Paris time (00:00+01:00, the
// day before in UTC). A contract notified on the day its winner's label
// was granted counted as won by an unlabelled company, and one notified on
// the day a label ended as won by a labelled one: the instants were
// compared, not the days.
func TestAwardLabelOnTheNotificationDay(t *testing.T) {
	st := openStore(t)
	granted := supplier(1, "69123", "25.71Z", label(data.LabelEPV, "2019-01-28", "2024-01-28"))
	putSuppliers(t, st, granted)
	paris := time.FixedZone("CET", 3600)
	win := []data.Winner{{Name: granted.Name, SIRET: granted.SIREN}}
	if err := st.PutAwards(context.Background(), []data.Award{
		{ID: "decp:granted-day", Source: "decp", CPV: "45000000", Place: data.Place{Departement: "69"}, Amount: 10,
			NotifiedAt: time.Date(2019, 1, 28, 0, 0, 0, 0, paris), Winners: win},
		{ID: "decp:end-day", Source: "decp", CPV: "45000000", Place: data.Place{Departement: "69"}, Amount: 10,
			NotifiedAt: time.Date(2024, 1, 28, 0, 0, 0, 0, paris), Winners: win},
	}); err != nil {
		t.Fatal(err)
	}
	f := build(t, st, BuildOptions{Now: day("2026-06-01")})
	year := func(y string) Filter {
		from, to, err := ParsePeriod(y)
		if err != nil {
			t.Fatal(err)
		}
		return Filter{From: from, To: to}
	}
	check(t, "labelled, notified on the day the label was granted", f.AwardShare(year("2019")).Labelled.Count, 1)
	check(t, "labelled, notified on the day the label ended", f.AwardShare(year("2024")).Labelled.Count, 0)
}

// TestCoverageLabelStatesOnTheParisDay: at 23:30 UTC on 7 December, 0 h 30
// on 8 December in Paris, the page says « État du label au 8 décembre »;
// a label that ends on 8 December counted as valid until 1 h in Paris.
func TestCoverageLabelStatesOnTheParisDay(t *testing.T) {
	st := openStore(t)
	putSuppliers(t, st, supplier(1, "69123", "25.71Z", label(data.LabelEPV, "2021-12-08", "2026-12-08")),
		supplier(2, "69123", "25.71Z", label(data.LabelEPV, "2026-12-08", "2031-12-08")))
	late := time.Date(2026, 12, 7, 23, 30, 0, 0, time.UTC)
	c := build(t, st, BuildOptions{Now: late}).Coverage(Filter{}, late)
	states := map[data.LabelState]int{}
	for _, s := range c.Labels[0].States {
		states[s.State] = s.Count
	}
	check(t, "labels ended on 8 December, on 8 December", states[data.LabelExpired], 1)
	check(t, "labels granted on 8 December, on 8 December", states[data.LabelValid], 1)
	check(t, "holding", c.Holding, 1)
}

// TestAnnouncedTendersAreNotOpen: a prior-information notice announces a
// purchase nobody can answer yet; the tender coverage, which reads the
// open calls, leaves it out, while the call beside it counts.
func TestAnnouncedTendersAreNotOpen(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	for _, tt := range []data.Tender{
		{ID: "ted:pin", NoticeType: "pin-only", Title: "Mobilier des écoles (pré-information)", CPV: "39160000"},
		{ID: "ted:cn", NoticeType: "cn-standard", Title: "Mobilier des crèches", CPV: "39160000"},
	} {
		tt.Source, tt.SourceID, tt.State, tt.PublishedAt = "ted", tt.ID, data.StateOpen, day("2026-05-15")
		tt.Place = data.Place{Departement: "69"}
		if err := st.PutTender(ctx, tt, "test"); err != nil {
			t.Fatal(err)
		}
	}
	none := func(context.Context, data.Tender) ([]string, error) { return []string{}, nil }
	tc := build(t, st, BuildOptions{Now: day("2026-06-01"), Capable: none}).TenderCoverage(Filter{}, day("2026-06-01"))
	var ids []string
	for _, u := range tc.Unmatched {
		ids = append(ids, u.ID)
	}
	if len(ids) != 1 || ids[0] != "ted:cn" {
		t.Errorf("open tenders without supply %v, want only the call ted:cn", ids)
	}
}
