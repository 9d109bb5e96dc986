package observatory

import (
	"context"
	"math/rand/v2"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"fabrique/data"
	"fabrique/index/synth"
)

// benchFacts are the facts of the scale, made in memory: the
// 100 000 synthetic suppliers of the index's benchmarks, 100 000 open
// tenders (of a million in the store: only open ones are kept) and a
// million awards, a third of them won by listed companies.
var benchFacts = sync.OnceValue(func() *Facts {
	sups := synth.Suppliers(100000, 1)
	f := &Facts{BuiltAt: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), TenderSources: map[string]*ImportFacts{},
		AwardSources: map[string]*ImportFacts{}, sources: []string{"decp"}}
	for i := range sups {
		f.addSupplier(SupplierFactOf(&sups[i]))
	}
	f.labelTypes = labelTypesOf(f.Suppliers)
	rng := rand.New(rand.NewPCG(1, 2))
	deps := data.Departements()
	for i := range 100000 {
		d := deps[rng.IntN(101)]
		deadline := f.BuiltAt.AddDate(0, 0, 1+rng.IntN(60))
		f.Tenders = append(f.Tenders, TenderFact{ID: "boamp:" + itoa(i), Title: "Avis", State: data.StateOpen,
			Deadline: deadline, OpenUntil: deadline, PublishedAt: f.BuiltAt.AddDate(0, 0, -rng.IntN(60)),
			Departement: d.Code, Region: d.Region, CPVDivision: twoDigits(3 + rng.IntN(95)), Capable: rng.IntN(6) - 1})
	}
	for range 1000000 {
		a := AwardFact{Amount: float64(rng.IntN(500000)), day: dayNumber(f.BuiltAt) - int32(rng.IntN(3*365)),
			dep: uint8(1 + rng.IntN(101)), cpvDiv: uint8(3 + rng.IntN(95)), buyer: BuyerType(rng.IntN(int(buyerTypeCount)))}
		switch rng.IntN(6) {
		case 0:
			a.flags, a.labels, a.LabelledAmount = awardListed|awardLabelled, 1, a.Amount
		case 1:
			a.flags = awardListed
		case 2:
			a.flags = awardUnidentified
		}
		f.Awards = append(f.Awards, a)
	}
	return f
})

func itoa(i int) string { return strconv.Itoa(i) }

// cpuPerOp reports the CPU time the process spent per operation: wall time
// grows when other processes compete for the cores, CPU time does not.
func cpuPerOp(b *testing.B, fn func()) {
	var before, after unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &before)
	n := 0
	for b.Loop() {
		fn()
		n++
	}
	_ = unix.Getrusage(unix.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(n), "cpu-ms/op")
}

// BenchmarkAggregate measures what one page or API request computes from
// the facts at the scale: go test ./data/observatory -run '^$'
// -bench Aggregate -benchtime 20x
func BenchmarkAggregate(b *testing.B) {
	f := benchFacts()
	day := f.BuiltAt
	b.Run("coverage", func(b *testing.B) {
		cpuPerOp(b, func() { f.Coverage(Filter{}, day) })
	})
	b.Run("coverage/region", func(b *testing.B) {
		cpuPerOp(b, func() { f.Coverage(Filter{Region: "84"}, day) })
	})
	b.Run("tenders", func(b *testing.B) {
		cpuPerOp(b, func() { f.TenderCoverage(Filter{}, day) })
	})
	b.Run("tenders/published", func(b *testing.B) {
		cpuPerOp(b, func() { f.TenderCoverageOf(ScopePublished, Filter{}, day) })
	})
	b.Run("awards", func(b *testing.B) {
		cpuPerOp(b, func() { f.AwardShare(Filter{}) })
	})
	b.Run("awards/period+label", func(b *testing.B) {
		cpuPerOp(b, func() { f.AwardShare(Filter{Label: data.LabelEPV, From: day.AddDate(-1, 0, 0)}) })
	})
	b.Run("sources", func(b *testing.B) {
		cpuPerOp(b, func() { f.SourceHealth(day) })
	})
	b.Run("snapshot", func(b *testing.B) {
		cpuPerOp(b, func() { f.Snapshot(day) })
	})
}

// BenchmarkBuild measures one walk of a store of 20 000 synthetic
// suppliers and 100 000 awards into facts (no tender matching), to size
// the background rebuild: go test ./data/observatory -run '^$' -bench
// Build -benchtime 3x
func BenchmarkBuild(b *testing.B) {
	ctx := context.Background()
	st := openStore(b)
	sups := synth.Suppliers(20000, 1)
	for i := 0; i < len(sups); i += 5000 {
		if _, err := st.UpsertCrawled(ctx, sups[i:i+5000], "bench"); err != nil {
			b.Fatal(err)
		}
	}
	awards := make([]data.Award, 0, 10000)
	for i := range 100000 {
		awards = append(awards, data.Award{ID: "decp:" + strconv.Itoa(i), Source: "decp", Buyer: data.Buyer{Name: "Mairie de Lyon"},
			CPV: "45000000", Place: data.Place{Departement: "69"}, NotifiedAt: time.Date(2024, 1, 1+i%700, 0, 0, 0, 0, time.UTC),
			Amount: 1000, Winners: []data.Winner{{Name: "X", SIRET: sups[i%len(sups)].SIREN}}})
		if len(awards) == cap(awards) {
			if err := st.PutAwards(ctx, awards); err != nil {
				b.Fatal(err)
			}
			awards = awards[:0]
		}
	}
	cpuPerOp(b, func() {
		if _, err := Build(ctx, st, BuildOptions{Now: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)}); err != nil {
			b.Fatal(err)
		}
	})
}
