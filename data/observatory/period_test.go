package observatory

import (
	"context"
	"testing"
	"time"

	"fabrique/data"
)

// TestPeriodReadsTheNoticesDates: BOAMP and DECP write their dates in
// Paris time, so a notice of 15 March is 14 March at 23:00 in UTC. The
// period « 2026-03-15 » must count it, and « 2026-03-14 » must not; an
// award notified on 1 October belongs to October, not to September.
func TestPeriodReadsTheNoticesDates(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	summer := time.FixedZone("CEST", 7200)
	st := openStore(t)
	ctx := context.Background()
	tender := data.Tender{ID: "boamp:1", Source: "boamp", SourceID: "boamp:1", Title: "Travaux de voirie", CPV: "45233140",
		Place: data.Place{Departement: "69"}, State: data.StateOpen,
		PublishedAt: time.Date(2026, 3, 15, 0, 0, 0, 0, paris), Deadline: day("2026-06-20")}
	if err := st.PutTender(ctx, tender, "test"); err != nil {
		t.Fatal(err)
	}
	if err := st.PutAwards(ctx, []data.Award{{ID: "decp:1", Source: "decp", NotifiedAt: time.Date(2016, 10, 1, 0, 0, 0, 0, summer),
		Place: data.Place{Departement: "69"}, CPV: "45000000", Amount: 100, Winners: []data.Winner{{Name: "X"}}}}); err != nil {
		t.Fatal(err)
	}
	f := build(t, st, BuildOptions{Now: day("2026-04-01"), Capable: func(context.Context, data.Tender) ([]string, error) { return nil, nil }})
	period := func(s string) Filter {
		from, to, err := ParsePeriod(s)
		if err != nil {
			t.Fatal(err)
		}
		return Filter{From: from, To: to}
	}
	for _, tt := range []struct {
		period string
		open   int
	}{{"2026-03-15", 1}, {"2026-03-14", 0}, {"2026-03", 1}, {"2026-02", 0}} {
		check(t, "open tenders published in "+tt.period, f.TenderCoverage(period(tt.period), day("2026-04-01")).Open, tt.open)
	}
	for _, tt := range []struct {
		period string
		awards int
	}{{"2016-10-01", 1}, {"2016-09-30", 0}, {"2016-10", 1}, {"2016-09", 0}} {
		check(t, "awards notified in "+tt.period, f.AwardShare(period(tt.period)).All.Count, tt.awards)
	}
	as := f.AwardShare(Filter{})
	check(t, "first notification", as.From, day("2016-10-01"))
	check(t, "last notification", as.To, day("2016-10-01"))
}
