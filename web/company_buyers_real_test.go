package web

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"fabrique/crawler/notice"
	"fabrique/data"
	"fabrique/index"
)

// importEmbeddedNotices stores the notices and awards shipped in the
// binary (data.EmbeddedNoticeFiles), as the first `fabrique serve` does.
func importEmbeddedNotices(t testing.TB, s *testServer) (tenders, awards int) {
	t.Helper()
	ctx := context.Background()
	for _, f := range data.EmbeddedNoticeFiles() {
		format, err := notice.Detect(f.Name, f.Data[:min(len(f.Data), 4096)])
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		opts := notice.Options{Previous: func(id string) (data.Tender, bool) {
			tender, err := s.store.TenderBySourceID(ctx, id)
			return tender, err == nil
		}}
		res, _ := notice.Parse(format, bytes.NewReader(f.Data), opts)
		for _, tender := range res.Tenders {
			if _, _, err := s.store.FoldNotice(ctx, tender, "test:seed"); err == nil {
				tenders++
			}
		}
		if len(res.Awards) > 0 {
			if err := s.store.PutAwards(ctx, res.Awards); err != nil {
				t.Fatal(err)
			}
			awards += len(res.Awards)
		}
	}
	return tenders, awards
}

// newRealDefaultServer is the default `fabrique serve`: the EPV companies,
// the embedded notices and awards, today's clock.
func newRealDefaultServer(t testing.TB) *testServer {
	t.Helper()
	s := newSearchServer(t, Config{Now: time.Now})
	tenders, awards := importEmbeddedNotices(t, s)
	if tenders < 80 || awards < 17000 {
		t.Fatalf("imported %d notices and %d awards, want the 90 BOAMP notices and about 17 300 awards", tenders, awards)
	}
	return s
}

// epvNamed is the EPV company whose name starts with prefix.
func epvNamed(t testing.TB, s *testServer, prefix string) data.Supplier {
	t.Helper()
	for _, sup := range epvSuppliers(t) {
		if strings.HasPrefix(sup.Name, prefix) {
			got, err := s.store.Supplier(context.Background(), sup.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
	}
	t.Fatalf("no EPV company named %s…", prefix)
	return data.Supplier{}
}

// TestCompanyTendersRealDefault: on the default server's data (every
// embedded notice past its deadline), a claimed EPV company that the real
// notices fit learns of them among the recent closed tenders,
// and every company with a NAF code sees the buyers of its sector in its
// région. It also times the company's tenders page (median of 7).
func TestCompanyTendersRealDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the 17 300 embedded awards")
	}
	s := newRealDefaultServer(t)
	ctx := context.Background()

	// The EPV companies the real notices fit, now closed: how many learn
	// of some, and the first of them claimed.
	now := time.Now()
	sups := epvSuppliers(t)
	var sup data.Supplier
	var target index.TenderFit
	fitted, fittedWithoutWon := 0, 0
	for _, x := range sups {
		won, err := s.wonCPVCodes(ctx, x)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.tenderIndex.TendersFor(ctx, x, index.TendersForOptions{At: now, Limit: 3, Closed: true, Won: won})
		if err != nil {
			t.Fatal(err)
		}
		if x.ServiceArea.Kind == data.ServiceAreaUnknown {
			// No declared area: nothing beyond the reach of its site
			// (index.UndeclaredReachKm), no overseas notice for a company
			// of mainland France (ENTREPRISE NEVEU of Gironde was shown
			// Saint-Barthélemy and Mayotte).
			for _, f := range res.Fits {
				dep := data.ResolvePlace(f.Tender.Place).Departement
				if f.DistanceKm != nil && *f.DistanceKm > index.UndeclaredReachKm(data.NatureSupplies)*1.6 ||
					(strings.HasPrefix(dep, "97") || strings.HasPrefix(dep, "98")) && dep != x.Address.Departement {
					t.Errorf("%s (%s), no declared area: proposed %s in %s (%v km)", x.Name, x.Address.Departement, f.Tender.ID, dep, f.DistanceKm)
				}
			}
		}
		if len(res.Fits) > 0 {
			fitted++
			if sup.ID == "" {
				sup, target = x, res.Fits[0]
			}
		}
		if res, err := s.tenderIndex.TendersFor(ctx, x, index.TendersForOptions{At: now, Limit: 3, Closed: true}); err == nil && len(res.Fits) > 0 {
			fittedWithoutWon++
		}
	}
	t.Logf("%d of %d EPV companies see recent closed notices that fit them (%d without their contracts won)", fitted, len(sups), fittedWithoutWon)
	if sup.ID == "" {
		t.Skip("no embedded notice closed in the last twelve months fits an EPV company any more")
	}
	member, _ := memberOf(t, s, "pmi@example.fr", sup.ID, data.MemberOwner)
	page := companyURL(sup.ID) + "/appels-d-offres"
	var took []time.Duration
	var r response
	for range 7 {
		start := time.Now()
		r = member.get(t, page)
		took = append(took, time.Since(start))
		wantStatus(t, page, r, http.StatusOK)
	}
	slices.Sort(took)
	t.Logf("GET %s on the real data: median %v (min %v, max %v)", page, took[3], took[0], took[6])
	mustContain(t, "real page", r.body, "Aucun appel d'offres ouvert ne correspond à votre fiche")
	past := sectionOf(r.body, "avis-recents")
	mustContain(t, "real page", past, "Avis récents qui vous auraient correspondu")
	if !strings.Contains(past, "clôturé") && !strings.Contains(past, "attribué") {
		t.Error("the recent tenders say neither « clôturé » nor « attribué »")
	}
	if !strings.Contains(past, escapeHTML(target.Tender.Title)) {
		t.Errorf("the recent tenders of %s lack %s « %s »", sup.Name, target.Tender.ID, target.Tender.Title)
	}
	buyers := sectionOf(r.body, "acheteurs-secteur")
	mustContain(t, "real page", buyers, "Acheteurs publics de votre secteur", `<th scope="row">`)
	t.Logf("%s: %d buyers listed, %d linked to their notices", sup.Name, strings.Count(buyers, `<th scope="row">`), strings.Count(buyers, "voir ses avis"))

	// Companies known by their NAF code only: how many see buyers.
	with := 0
	table := s.sectorAwardsTable(ctx)
	if table == nil {
		t.Fatal("no buyers' table")
	}
	var counts []int
	for _, sup := range sups {
		won, err := s.wonCPVCodes(ctx, sup)
		if err != nil {
			t.Fatal(err)
		}
		q, ok := companySectorQuery(sup, won)
		if !ok {
			continue
		}
		rows, _, _, _ := table.buyersOf(q)
		if len(rows) > 0 {
			with++
		}
		counts = append(counts, len(rows))
	}
	sort.Ints(counts)
	t.Logf("buyers' table: %d awards read into %d contracts in %v; %d of %d EPV companies see buyers of their sector (median %d buyers)",
		table.awards, len(table.contracts), table.took, with, len(sups), counts[len(counts)/2])
	if with < len(sups)/2 {
		t.Errorf("only %d of %d EPV companies see buyers of their sector", with, len(sups))
	}
}

func escapeHTML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// BenchmarkCompanyBuyers: the buyers of a company's sector from the
// table of the 17 300 real awards (per request), and the table's build
// (once, then after award writes).
func BenchmarkCompanyBuyers(b *testing.B) {
	s := newRealDefaultServer(b)
	ctx := context.Background()
	sup := epvNamed(b, s, "MALBREL")
	won, err := s.wonCPVCodes(ctx, sup)
	if err != nil {
		b.Fatal(err)
	}
	q, ok := companySectorQuery(sup, won)
	if !ok {
		b.Fatal("MALBREL: no sector")
	}
	b.Run("filter", func(b *testing.B) {
		table := s.sectorAwardsTable(ctx)
		b.ReportAllocs()
		for b.Loop() {
			table.buyersOf(q)
		}
	})
	b.Run("section", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.companyBuyersData(ctx, sup, won, pageBuyers, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("build", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := buildSectorAwards(ctx, s.store); err != nil {
				b.Fatal(err)
			}
		}
	})
}
