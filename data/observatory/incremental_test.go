package observatory

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/data/store"
)

// follow collects the ids the store's write paths report, as a server
// does for Apply.
func follow(st *store.Store) func() Changes {
	var mu sync.Mutex
	var ch Changes
	st.OnChange(func(ids []string) { mu.Lock(); ch.Suppliers = append(ch.Suppliers, ids...); mu.Unlock() })
	st.OnTenderChange(func(ids []string) { mu.Lock(); ch.Tenders = append(ch.Tenders, ids...); mu.Unlock() })
	st.OnAwardChange(func(ids []string) { mu.Lock(); ch.Awards = append(ch.Awards, ids...); mu.Unlock() })
	return func() Changes {
		mu.Lock()
		defer mu.Unlock()
		out := ch
		ch = Changes{}
		return out
	}
}

// storeMatcher counts, as "capable", the suppliers of the store within
// CapableRadiusKm of the tender (all of them for a tender without a
// place): a matcher whose answers depend on the store's suppliers, like
// the index's.
func storeMatcher(st *store.Store, calls *int) CapableFunc {
	return func(ctx context.Context, t data.Tender) ([]string, error) {
		*calls++
		place := data.ResolvePlace(t.Place)
		var ids []string
		err := st.Suppliers(ctx, func(s data.Supplier) error {
			if place.Lat == 0 && place.Lon == 0 ||
				s.Address.HasGeo() && data.DistanceKm(place.Lat, place.Lon, s.Address.Lat, s.Address.Lon) <= CapableRadiusKm {
				ids = append(ids, s.ID)
			}
			return nil
		})
		return ids, err
	}
}

// figures are every aggregation the pages and the API show, as JSON.
func figures(t *testing.T, f *Facts, on time.Time) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, v := range map[string]any{
		"coverage":           f.Coverage(Filter{}, on),
		"coverage/region=84": f.Coverage(Filter{Region: "84"}, on),
		"coverage/label=EPV": f.Coverage(Filter{Label: data.LabelEPV}, on),
		"tenders":            f.TenderCoverage(Filter{}, on),
		"tenders/dep=69":     f.TenderCoverage(Filter{Departement: "69"}, on),
		"tenders/label=OFG":  f.TenderCoverage(Filter{Label: data.LabelOFG}, on),
		"tenders/published":  f.TenderCoverageOf(ScopePublished, Filter{}, on),
		"tenders/published/label=OFG/2026-05": f.TenderCoverageOf(ScopePublished,
			Filter{Label: data.LabelOFG, From: day("2026-05-01"), To: day("2026-06-01")}, on),
		"awards":           f.AwardShare(Filter{}),
		"awards/label=EPV": f.AwardShare(Filter{Label: data.LabelEPV}),
		"awards/2026":      f.AwardShare(Filter{From: day("2026-01-01"), To: day("2027-01-01")}),
		"sources":          f.SourceHealth(on),
		"snapshot":         f.Snapshot(on),
		"tenders in store": f.TendersTotal,
	} {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = string(b)
	}
	return out
}

// TestApplyEqualsFullBuild imports suppliers, tenders and awards into a
// store whose facts were built, applies the ids the write paths reported,
// and checks every figure against a full Build of the same store.
func TestApplyEqualsFullBuild(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	st, changes, opts, f0, now, later := fx.st, fx.changes, fx.opts, fx.facts, fx.now, fx.later
	calls := fx.calls
	before := figures(t, f0, now)

	importFixture(t, st)
	ch := changes()
	if len(ch.Suppliers) != 4 || len(ch.Tenders) != 3 || len(ch.Awards) != 2 {
		t.Fatalf("reported changes = %+v, want 4 suppliers, 3 tenders, 2 awards", ch)
	}

	opts.Now = later
	*calls = 0
	f1, err := f0.Apply(ctx, st, ch, opts)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	// Matched again: the corrected and new tenders, open or closed
	// (boamp:2, ocds:6, ocds:7), those near a changed supplier (boamp:1 by
	// Villeurbanne, boamp:2 by Paris, boamp:4 by Lille: closed meanwhile,
	// its count is kept and moved) and the one without a place (ted:5);
	// not boamp:3, closed and far from every change.
	if *calls != 6 {
		t.Errorf("Apply ran the matcher %d times, want 6 (boamp:1, boamp:2, boamp:4, ocds:6, ocds:7, ted:5)", *calls)
	}
	*calls = 0
	full := build(t, st, opts)
	got, want := figures(t, f1, later), figures(t, full, later)
	changed := 0
	for name := range want {
		if got[name] != want[name] {
			t.Errorf("%s after Apply:\n%s\nfull Build:\n%s", name, got[name], want[name])
		}
		if before[name] != want[name] {
			changed++
		}
	}
	if changed < len(want)-1 {
		t.Errorf("the import changed %d of %d figures; the fixture should move almost all of them", changed, len(want))
	}
	if _, err := f0.Apply(ctx, st, Changes{}, opts); !errors.Is(err, ErrRebuild) {
		t.Errorf("a second Apply of the same facts: %v, want ErrRebuild", err)
	}
	// Nothing changed: nothing is read again, nothing matched.
	*calls = 0
	f2, err := f1.Apply(ctx, st, Changes{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if *calls != 0 {
		t.Errorf("an empty Apply ran the matcher %d times", *calls)
	}
	if g := figures(t, f2, later); g["tenders"] != want["tenders"] || g["awards"] != want["awards"] {
		t.Errorf("an empty Apply moved the figures:\n%s\n%s", g["tenders"], want["tenders"])
	}
}

// TestApplyLeavesNeedsOut writes a buyer's need and a tender in Germany
// after a build: Apply, as Build, counts the need nowhere and the tender
// abroad apart, and matches neither.
func TestApplyLeavesNeedsOut(t *testing.T) {
	ctx := context.Background()
	fx := newFixture(t)
	need := fixtureTender("besoin:8", data.SourceNeed, "69123", fixtureDeadline("2026-06-28"))
	abroad := fixtureTender("ted:9", "ted", "", fixtureDeadline("2026-06-28"))
	abroad.Place = data.Place{NUTS: "DE123"}
	if err := fx.st.PutTenders(ctx, []data.Tender{need, abroad}, "test"); err != nil {
		t.Fatal(err)
	}
	*fx.calls = 0
	f1, err := fx.facts.Apply(ctx, fx.st, fx.changes(), fx.opts)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	check(t, "matcher runs", *fx.calls, 0)
	sameFigures(t, "after Apply", figures(t, f1, fx.now), figures(t, build(t, fx.st, fx.opts), fx.now))
	before, after := fx.facts.TenderCoverage(Filter{}, fx.now), f1.TenderCoverage(Filter{}, fx.now)
	check(t, "open", after.Open, before.Open)
	check(t, "abroad", after.Abroad, 1)
	check(t, "notices in the store", f1.TendersTotal, fx.facts.TendersTotal+1)
	if _, ok := f1.TenderSources[data.SourceNeed]; ok {
		t.Error("the needs are counted as a source of tenders")
	}
}

// fixture is a store holding seedFixture, followed, and its facts built
// on now with a matcher that counts the store's suppliers (its counts stay
// valid three days unless something moves them).
type fixture struct {
	st         *store.Store
	changes    func() Changes // the ids reported since the build
	calls      *int           // of the matcher
	opts       BuildOptions
	facts      *Facts
	now, later time.Time // the build's day, and a day after
}

func newFixture(t *testing.T) *fixture {
	fx := &fixture{st: openStore(t), now: day("2026-06-01").Add(10 * time.Hour), calls: new(int)}
	fx.later = fx.now.Add(24 * time.Hour)
	fx.changes = follow(fx.st)
	seedFixture(t, fx.st)
	fx.opts = BuildOptions{Now: fx.now, Capable: storeMatcher(fx.st, fx.calls), MaxMatched: 100, MatchTTL: 72 * time.Hour}
	fx.facts = build(t, fx.st, fx.opts)
	fx.changes() // the writes before the build are in it
	return fx
}

// sameFigures reports every figure of got that differs from want.
func sameFigures(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for name := range want {
		if got[name] != want[name] {
			t.Errorf("%s %s:\n%s\nwant:\n%s", name, what, got[name], want[name])
		}
	}
}

// fixtureTender is an open tender of the fixtures at a commune (INSEE
// code, "" for none).
func fixtureTender(id, source, insee string, dl time.Time) data.Tender {
	tt := data.Tender{ID: id, Source: source, SourceID: id, Title: "Avis " + id, CPV: "45000000", State: data.StateOpen,
		PublishedAt: day("2026-05-10"), Deadline: dl}
	if insee != "" {
		if c, ok := data.LookupCommune(insee); ok {
			tt.Place = data.Place{Commune: c.Name, Departement: c.Departement, Lat: c.Lat, Lon: c.Lon}
		}
	}
	return tt
}

func fixtureDeadline(s string) time.Time { return day(s).Add(12 * time.Hour) }

func fixtureWinner(n int) []data.Winner { return []data.Winner{{Name: "X", SIRET: siren(n)}} }

// seedFixture writes suppliers of two labels in four régions, open,
// closed and unplaced tenders of two sources, and awards (one without an
// identified winner) — the store before an import.
func seedFixture(t testing.TB, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	putSuppliers(t, st,
		supplier(1, "69123", "16.23Z", label(data.LabelEPV, "2020-01-01", "2027-01-01")), // Lyon
		supplier(2, "75056", "31.09B", label(data.LabelEPV, "2019-01-01", "2025-01-01")), // Paris, expired
		supplier(3, "13055", "25.62B", label(data.LabelOFG, "2021-01-01", "")),           // Marseille
		supplier(4, "59350", "10.71C", label(data.LabelEPV, "2022-01-01", "2026-07-01")), // Lille, expiring
	)
	if err := st.PutTenders(ctx, []data.Tender{
		fixtureTender("boamp:1", "boamp", "69123", fixtureDeadline("2026-06-20")),
		fixtureTender("boamp:2", "boamp", "75056", fixtureDeadline("2026-06-25")),
		fixtureTender("boamp:3", "boamp", "13055", fixtureDeadline("2026-05-20")),       // closed
		fixtureTender("boamp:4", "boamp", "59350", day("2026-06-01").Add(18*time.Hour)), // closes before later
		fixtureTender("ted:5", "ted", "", fixtureDeadline("2026-07-01")),                // no place
	}, "test"); err != nil {
		t.Fatal(err)
	}
	if err := st.PutAwards(ctx, []data.Award{
		{ID: "decp:1", Source: "decp", NotifiedAt: day("2026-03-01"), Place: data.Place{Departement: "75"}, Buyer: data.Buyer{Name: "Mairie de Paris"}, CPV: "45000000", Amount: 1000, Winners: fixtureWinner(2)},
		{ID: "decp:2", Source: "decp", NotifiedAt: day("2025-03-01"), Place: data.Place{Departement: "69"}, Buyer: data.Buyer{Name: "CHU de Lyon"}, CPV: "39000000", Amount: 2000, Winners: fixtureWinner(1)},
		{ID: "decp:3", Source: "decp", NotifiedAt: day("2026-04-01"), Place: data.Place{Departement: "13"}, Buyer: data.Buyer{Name: "Région Sud"}, CPV: "45000000", Amount: 500,
			Winners: []data.Winner{{Name: "Inconnu"}}, Defects: []string{"titulaire sans SIRET"}},
	}); err != nil {
		t.Fatal(err)
	}
}

// importFixture writes an import on top of seedFixture: a renewed label
// (its award becomes labelled), a new supplier near an open tender, a
// deleted one, new and corrected tenders of a new source, new and
// corrected awards.
func importFixture(t testing.TB, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	renewed := supplier(2, "75056", "31.09B", label(data.LabelEPV, "2019-01-01", "2028-01-01"))
	putSuppliers(t, st, renewed, supplier(5, "69266", "16.23Z", label(data.LabelEPV, "2024-01-01", "2029-01-01")),
		supplier(6, "42218", "25.62B")) // Villeurbanne and Saint-Étienne: boamp:1 reaches 3
	if err := st.DeleteSupplier(ctx, siren(4), "test"); err != nil {
		t.Fatal(err)
	}
	corrected := fixtureTender("boamp:2", "boamp", "75056", fixtureDeadline("2026-06-26"))
	corrected.Title = "Avis rectifié"
	if err := st.PutTenders(ctx, []data.Tender{corrected,
		fixtureTender("ocds:6", "ocds", "33063", fixtureDeadline("2026-06-30")),
		fixtureTender("ocds:7", "ocds", "33063", fixtureDeadline("2026-04-30")),
	}, "test"); err != nil {
		t.Fatal(err)
	}
	if err := st.PutAwards(ctx, []data.Award{
		{ID: "decp:3", Source: "decp", NotifiedAt: day("2026-04-01"), Place: data.Place{Departement: "13"}, Buyer: data.Buyer{Name: "Région Sud"}, CPV: "45000000", Amount: 700, Winners: fixtureWinner(3)},
		{ID: "decp:4", Source: "decp", NotifiedAt: day("2026-05-01"), Place: data.Place{Departement: "69"}, Buyer: data.Buyer{Name: "Métropole de Lyon"}, CPV: "16000000", Amount: 300, Winners: fixtureWinner(5)},
	}); err != nil {
		t.Fatal(err)
	}
}
