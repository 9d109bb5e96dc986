package web

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/observatory"
)

// The tests of this file come from an audit that recomputed every figure
// of the observatory from the raw data with an independent script
// (scripts/obs-recompute) and compared it with the page, the CSV and the
// API.

// TestObservatoryDaysAreParisDays: the page is read in France. At 23:30
// UTC on 6 December it is already 7 December in Paris; the page said
// « Chiffres au 6 décembre 2026, calculés … le 7 décembre 2026 à 0 h 30 »,
// and a deadline of 10 January at 23:30 UTC (11 January, 0 h 30 in Paris,
// as the tender's page says) was listed as « 10 janvier 2027 ».
func TestObservatoryDaysAreParisDays(t *testing.T) {
	late := time.Date(2026, 12, 6, 23, 30, 0, 0, time.UTC)
	s := newTestServer(t, Config{Now: func() time.Time { return late }})
	r := s.get(t, "/observatoire")
	mustContain(t, "the page at 0 h 30 in Paris", r.body, "Chiffres au 7 décembre 2026,")

	p := &observatoryPage{}
	fillTenders(p, &observatory.TenderCoverage{Unmatched: []observatory.UnmatchedTender{
		{ID: "ted:late", Title: "Fourniture de mobilier", Deadline: time.Date(2027, 1, 10, 23, 30, 0, 0, time.UTC)},
	}})
	if got := p.Main.Unmatched[0].Deadline; got != "11 janvier 2027" {
		t.Errorf("deadline 2027-01-10T23:30Z shown as %q, want « 11 janvier 2027 » (Paris)", got)
	}
}

// TestObservatoryAwardCPVCaptionSaysTheRest: the awards' table « Par
// division CPV » showed the first 25 divisions of 51 and said nothing of
// the 26 others; its caption now says how many more the API gives, as the
// sectors' captions do.
func TestObservatoryAwardCPVCaptionSaysTheRest(t *testing.T) {
	as := &observatory.AwardShare{}
	for i := range observatoryListCap + 3 {
		code := fmt.Sprintf("%02d", 10+i)
		as.ByCPVDivision = append(as.ByCPVDivision, observatory.AwardRow{Code: code, Name: "division " + code,
			All: observatory.Tally{Count: 100 - i}})
	}
	p := &observatoryPage{}
	fillAwards(p, as)
	var cpv *awardTable
	for i := range p.AwardTables {
		if strings.HasPrefix(p.AwardTables[i].Caption, "Par division CPV") {
			cpv = &p.AwardTables[i]
		}
	}
	if cpv == nil {
		t.Fatal("no award table by CPV division")
	}
	if len(cpv.Rows) != observatoryListCap {
		t.Errorf("%d rows, want %d", len(cpv.Rows), observatoryListCap)
	}
	want := "Par division CPV (les 25 premières ; 3 autres dans l'API)"
	if cpv.Caption != want {
		t.Errorf("caption %q, want %q", cpv.Caption, want)
	}
}

// TestFormatShareOfLittle: a labelled part of 694 876 € in 3 037 180 983 €
// is 0,02 %; the page wrote « 0,0 % », which reads as nothing at all.
func TestFormatShareOfLittle(t *testing.T) {
	for _, tt := range []struct {
		in   float64
		want string
	}{
		{0, "0,0\u00a0%"}, {694876.0 / 3037180983, "<\u00a00,1\u00a0%"}, {0.0004, "<\u00a00,1\u00a0%"},
		{0.0005, "0,1\u00a0%"}, {0.5, "50,0\u00a0%"}, {0.9996, ">\u00a099,9\u00a0%"}, {1, "100,0\u00a0%"},
	} {
		if got := formatShare(tt.in); got != tt.want {
			t.Errorf("formatShare(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestObservatoryPageRegionsUnderADepartement: under a département the
// page showed the 18 régions, 17 at 0 companies and the département's
// own région at « 0,6 pour 100 000 hab. » (the Rhône's companies over the
// whole région's population); it now says why there is no such table.
func TestObservatoryPageRegionsUnderADepartement(t *testing.T) {
	s := newTestServer(t, Config{Now: func() time.Time { return obsDay }})
	r := s.get(t, "/observatoire?departement=69")
	if strings.Contains(r.body, `id="obs-regions"`) {
		t.Error("the page under département 69 has a table by région")
	}
	mustContain(t, "the page under département 69", r.body, `id="obs-regions-note"`, `data-dep="69"`)
	r = s.get(t, "/observatoire?region=84")
	mustContain(t, "the page under région 84", r.body, `id="obs-regions"`, "Auvergne-Rhône-Alpes</th>")
	if strings.Contains(r.body, `id="obs-regions-note"`) {
		t.Error("the page under région 84 says there is no table by région")
	}
}

// TestObservatoryUnmatchedSaysInferredCPV: a tender without a declared
// CPV code is now classified by the code Fabrique infers from its words;
// the list says so, and the matrix says how a tender's division is read.
func TestObservatoryUnmatchedSaysInferredCPV(t *testing.T) {
	p := &observatoryPage{}
	fillTenders(p, &observatory.TenderCoverage{Unmatched: []observatory.UnmatchedTender{
		{ID: "boamp:cat", Title: "Voie et caténaire", CPVDivision: "45", CPVInferred: true},
		{ID: "boamp:mob", Title: "Mobilier", CPVDivision: "39"},
	}})
	if got := p.Main.Unmatched[0].CPV; got != "45 – Travaux de construction (déduit de l'avis)" {
		t.Errorf("inferred division shown as %q", got)
	}
	if got := p.Main.Unmatched[1].CPV; strings.Contains(got, "déduit") {
		t.Errorf("declared division shown as %q", got)
	}
}

// TestStatsSnapshotDayIsParisDay: a snapshot taken at 23:30 UTC on 6
// December, 0 h 30 on 7 December in Paris, was recorded as 6 December: a
// cron run at midnight in Paris replaced the day before's figures. And
// the history's period is a range of calendar days, not of instants.
func TestStatsSnapshotDayIsParisDay(t *testing.T) {
	late := time.Date(2026, 12, 6, 23, 30, 0, 0, time.UTC)
	s := newTestServer(t, Config{Now: func() time.Time { return late }})
	snap, err := s.TakeDailyStatsSnapshot(context.Background())
	if err != nil || snap == nil {
		t.Fatalf("snapshot: %v, %v", snap, err)
	}
	if snap.Day != "2026-12-07" {
		t.Errorf("snapshot taken at 0 h 30 in Paris on 7 December recorded on %s", snap.Day)
	}
	for _, tt := range []struct{ period, from, to string }{
		{"2026", "2026-01-01", "2026-12-31"}, {"2026-12", "2026-12-01", "2026-12-31"},
		{"2026-12-07", "2026-12-07", "2026-12-07"}, {"2026-06..", "2026-06-01", ""}, {"..2026-03", "", "2026-03-31"},
	} {
		from, to, err := observatory.ParsePeriod(tt.period)
		if err != nil {
			t.Fatal(err)
		}
		gotFrom, gotTo := snapshotRange(observatory.Filter{From: from, To: to})
		if gotFrom != tt.from || gotTo != tt.to {
			t.Errorf("snapshotRange(%s) = %q..%q, want %q..%q", tt.period, gotFrom, gotTo, tt.from, tt.to)
		}
	}
}

// TestObservatoryUnmatchedOfARegion: a tender known by its région alone
// (TED's FRK2) is listed with its région; the note on the tenders without
// a département says their capable suppliers are counted at any distance.
func TestObservatoryUnmatchedOfARegion(t *testing.T) {
	p := &observatoryPage{}
	fillTenders(p, &observatory.TenderCoverage{Unmatched: []observatory.UnmatchedTender{
		{ID: "ted:aura", Title: "Mobilier scolaire", Region: "84"},
	}})
	if got := p.Main.Unmatched[0].Place; got != "Auvergne-Rhône-Alpes (région)" {
		t.Errorf("place of a tender of région 84 = %q", got)
	}
}

// TestObservatorySharesSayTheirBase: the shares said « 0,2 % en nombre,
// 0,1 % en montant » without the counts they are of, the totals gave the
// share of the unidentified awards by count only (1,7 %) while they held
// half of the amount, and « avec au moins 3 fournisseurs » had no base
// when some open tenders were not evaluated.
func TestObservatorySharesSayTheirBase(t *testing.T) {
	p := &observatoryPage{}
	fillAwards(p, &observatory.AwardShare{
		All: observatory.Tally{Count: 200, Amount: 1000}, Labelled: observatory.Tally{Count: 3, Amount: 10},
		Unidentified: observatory.Tally{Count: 4, Amount: 500}, ShareCount: 0.015, ShareAmount: 0.01,
	})
	check := func(what, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %q, want %q", what, got, want)
		}
	}
	check("amount of all awards", p.AwardAmount, formatEuros(1000))
	check("labelled amount", p.AwardLabelledAmount, formatEuros(10))
	if p.AwardIdentified != 196 {
		t.Errorf("identified awards %d, want 196", p.AwardIdentified)
	}
	check("unidentified share of the amount", p.AwardTotals[3].AmountShare, "50,0\u00a0%")
	check("unidentified share of the count", p.AwardTotals[3].Share, "2,0\u00a0%")

	fillTenders(p, &observatory.TenderCoverage{Open: 10, Evaluated: 8, NotEvaluated: 2, AtLeast3: 2, AtLeast1: 4, None: 4})
	check("share without a capable supplier", p.Main.TendersNoneShare, "50,0\u00a0%")
	check("share with 3 or more", p.Main.TendersAtLeast3Share, "25,0\u00a0%")
}

// TestObservatoryWaitsForTheMatcher: serve learns the CPV ↔ NAF links from
// the awards in the background at start, and the observatory's first
// build ran meanwhile, counting capable suppliers with the curated table
// alone; the counts were kept for six hours and the day's snapshot took
// them. On the repository's notices « TED 7f10ad90 » (CPV 45520000) had 0
// capable supplier on the page and more than 50 scored 40,9 in its own
// ranking; `fabrique stats snapshot`, which waits for the links, recorded
// 19 tenders without a capable supplier where serve's snapshot had 20.
func TestObservatoryWaitsForTheMatcher(t *testing.T) {
	ready := make(chan struct{})
	var asked atomic.Int32
	s := newSearchServerDeps(t, Config{Now: func() time.Time { return obsDay }}, Deps{
		MatcherReady: func(ctx context.Context) error {
			asked.Add(1)
			select {
			case <-ready:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}})
	putTenders(t, s, data.Tender{ID: "boamp:obs-1", Source: "boamp", SourceID: "obs-1", Title: "Fourniture d'orfèvrerie et d'argenterie de table",
		CPV: "39220000", Place: data.Place{Departement: "75"}, PublishedAt: obsDay.AddDate(0, 0, -3), Deadline: obsDay.AddDate(0, 1, 0)})
	early, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	if snap, err := s.TakeStatsSnapshot(early, true); err == nil {
		t.Fatalf("a snapshot was taken before the matcher was ready: %+v", snap)
	}
	close(ready)
	snap, err := s.TakeStatsSnapshot(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	if snap.EvaluatedTenders != 1 || asked.Load() == 0 {
		t.Errorf("snapshot with %d evaluated tenders, matcher readiness asked %d times; want 1 and at least once",
			snap.EvaluatedTenders, asked.Load())
	}
}

// TestStatsTendersCSVRegionAlone: the CSV row of a tender without a
// capable supplier named its département; for one known by its région
// alone (BOAMP's « 62, 59 ») the name column was empty.
func TestStatsTendersCSVRegionAlone(t *testing.T) {
	s := newObservatoryServer(t)
	putTenders(t, s, data.Tender{ID: "boamp:obs-hdf", Source: "boamp", SourceID: "obs-hdf", Title: "Assurance des véhicules",
		CPV: "66514110", Place: data.Place{NUTS: "FRE"}, PublishedAt: obsDay.AddDate(0, 0, -1), Deadline: obsDay.AddDate(0, 0, 30)})
	csv := s.get(t, "/api/v1/stats/tenders?format=csv")
	mustContain(t, "the tenders CSV", csv.body, "sans_fournisseur;boamp:obs-hdf;Assurance des véhicules;32;Hauts-de-France (région);1;1;")
}
