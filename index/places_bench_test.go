package index_test

import (
	"context"
	"fmt"
	"testing"

	"fabrique/index"
	"fabrique/index/synth"
)

// BenchmarkSearchPlace100k measures, on 100 000 synthetic suppliers, the
// searches a place in the text makes: the words within 50 km of a commune
// and within a région, ranked by relevance with ties by distance, beside
// the same words without a place. Run it with:
//
//	go test ./index -run '^$' -bench SearchPlace100k -benchtime 480x
func BenchmarkSearchPlace100k(b *testing.B) {
	sups := synth.Suppliers(100_000, 42)
	ix, err := index.Open(b.TempDir()+"/index", index.Options{FacetCacheSize: -1, ResultCacheSize: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	if err := ix.Rebuild(context.Background(), newSliceSource(sups), nil); err != nil {
		b.Fatal(err)
	}
	ix.WaitCompaction()
	q := synth.NewQueries(sups, 240, 240, 1)
	places := []string{"Lyon", "Rennes", "Bretagne", "Paris", "Ille-et-Vilaine", "Bordeaux", "Occitanie", "Lille"}
	queries := map[string]func(i int) index.Query{
		"text": func(i int) index.Query { return index.Query{Text: synth.TradeQueries[i%len(synth.TradeQueries)]} },
		"text + place in the text": func(i int) index.Query {
			text := synth.TradeQueries[i%len(synth.TradeQueries)] + " " + places[i%len(places)]
			p, ok := index.FindTextPlace(text)
			if !ok {
				b.Fatalf("no place in %q", text)
			}
			return p.Apply(index.Query{}, 50)
		},
		"text near a place, by relevance": func(i int) index.Query {
			pt := q.Places[i%len(q.Places)]
			return index.Query{Text: q.Text[i%len(q.Text)], Near: &index.Point{Lat: pt.Lat, Lon: pt.Lon}}
		},
	}
	ctx := context.Background()
	for _, name := range []string{"text", "text + place in the text", "text near a place, by relevance"} {
		mk := queries[name]
		for i := range 240 {
			if _, err := ix.Search(ctx, mk(i)); err != nil {
				b.Fatal(err)
			}
		}
		wall, cpu := measure(b, name, func(i int) error {
			_, err := ix.Search(ctx, mk(i))
			return err
		})
		fmt.Printf("%-34s wall p50 %6.2f ms p95 %6.2f ms; thread CPU p50 %6.2f ms p95 %6.2f ms\n", name,
			ms(wall.percentile(0.5)), ms(wall.percentile(0.95)), ms(cpu.percentile(0.5)), ms(cpu.percentile(0.95)))
	}
	fmt.Printf("load average: %s\n", loadAverage())
}
