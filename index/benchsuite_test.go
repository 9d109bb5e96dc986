package index_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"fabrique/data"
	"fabrique/index"
)

// The benchmark suite runs the same realistic queries on the same
// synthetic corpus in bleve (this package) and in SQLite FTS5, side by
// side: BenchmarkSearch100k at 100 000 suppliers (only with -bench), and
// TestBenchSmoke at 2 000 in every test run.

// benchQueries is the fixed query set of a corpus.
type benchQueries struct {
	text   []string      // free text, as buyers type it
	places []index.Point // centres of radius searches
}

// tradeQueries are trade and product words buyers type.
var tradeQueries = []string{"menuiserie", "ébénisterie", "verrerie", "coutellerie", "fonderie", "tissage",
	"céramique", "horlogerie", "chaudronnerie", "décolletage", "broderie", "reliure", "maroquinerie",
	"sellerie", "orfèvrerie", "charpente", "couverture", "ferronnerie", "tapisserie", "vitrail",
	"marbrerie", "imprimerie", "chocolaterie", "distillerie", "savon", "porcelaine", "faïence",
	"dentelle", "lutherie", "dorure", "menuisier", "ébéniste", "ferronnier d'art", "tailleur de pierre",
	"restauration", "mobilier", "meubles", "textile", "chaussures", "vêtements", "bois", "métal",
	"acier", "verre", "cuir", "papier", "jouets", "bijoux", "montres", "couteaux", "outillage",
	"robinetterie", "emballages", "peinture", "plâtrerie", "maçonnerie", "serrurerie", "escaliers",
	"fenêtres", "portes"}

// newBenchQueries draws a set of distinct queries from the corpus itself:
// trade words, two-word product phrases of its CPV labels, two-word
// fragments of NAF labels, company names (a quarter of them with a typo)
// and places of its suppliers.
func newBenchQueries(sups []data.Supplier, nText, nPlaces int, seed uint64) benchQueries {
	rng := rand.New(rand.NewPCG(seed, 7))
	var q benchQueries
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			q.text = append(q.text, s)
		}
	}
	for _, t := range tradeQueries {
		add(t)
	}
	words := func(s string) []string {
		var out []string
		for _, w := range strings.Fields(s) {
			w = strings.Trim(w, ",.;:()'’")
			if len([]rune(w)) >= 4 && !strings.ContainsAny(w, "'’") {
				out = append(out, strings.ToLower(w))
			}
		}
		return out
	}
	pair := func(s string) string {
		ws := words(s)
		if len(ws) < 2 {
			return ""
		}
		i := rng.IntN(len(ws) - 1)
		return ws[i] + " " + ws[i+1]
	}
	for i := 0; len(q.text) < nText; i++ {
		s := sups[rng.IntN(len(sups))]
		switch i % 4 {
		case 0: // a product phrase
			if len(s.Products) > 0 {
				add(pair(s.Products[rng.IntN(len(s.Products))]))
			}
		case 1: // a fragment of a NAF label
			add(pair(s.NAFLabel))
		case 2: // a company name
			add(s.Name)
		case 3: // a company name with two letters swapped in its longest word
			ws := words(s.Name)
			if len(ws) == 0 {
				continue
			}
			slices.SortFunc(ws, func(a, b string) int { return len(b) - len(a) })
			r := []rune(ws[0])
			j := 1 + rng.IntN(len(r)-2)
			r[j], r[j+1] = r[j+1], r[j]
			add(string(r))
		}
	}
	for len(q.places) < nPlaces {
		s := sups[rng.IntN(len(sups))]
		if s.Address.HasGeo() {
			q.places = append(q.places, index.Point{Lat: s.Address.Lat, Lon: s.Address.Lon})
		}
	}
	return q
}

// latencies summarises timings.
type latencies []time.Duration

func (l latencies) percentile(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p)
	return s[i]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// suiteRow is one line of the side-by-side summary.
type suiteRow struct {
	kind               string
	bleve50, bleve95   time.Duration
	sqlite50, sqlite95 time.Duration
}

func formatSummary(n int, rows []suiteRow, rebuild, sqliteBuild time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%d suppliers — median / p95 in ms (ratio = SQLite FTS5 / bleve)\n", n)
	fmt.Fprintf(&b, "%-34s %16s %16s %14s\n", "query kind", "bleve", "SQLite FTS5", "p95 ratio")
	for _, r := range rows {
		ratio := 0.0
		if r.bleve95 > 0 {
			ratio = float64(r.sqlite95) / float64(r.bleve95)
		}
		fmt.Fprintf(&b, "%-34s %7.2f / %6.2f %7.2f / %6.2f %13.1fx\n", r.kind, ms(r.bleve50), ms(r.bleve95),
			ms(r.sqlite50), ms(r.sqlite95), ratio)
	}
	fmt.Fprintf(&b, "%-34s %16s %16s\n", "full build", rebuild.Round(time.Millisecond), sqliteBuild.Round(time.Millisecond))
	return b.String()
}

// sliceSource is a read-only Source over a slice, sorted by ID.
type sliceSource struct {
	sups []data.Supplier
	byID map[string]int
}

func newSliceSource(sups []data.Supplier) *sliceSource {
	s := &sliceSource{sups: slices.Clone(sups), byID: map[string]int{}}
	sort.Slice(s.sups, func(i, j int) bool { return s.sups[i].ID < s.sups[j].ID })
	for i, x := range s.sups {
		s.byID[x.ID] = i
	}
	return s
}

func (s *sliceSource) Suppliers(ctx context.Context, fn func(data.Supplier) error) error {
	for _, x := range s.sups {
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

func (s *sliceSource) SuppliersChecksum(ctx context.Context) (int, string, error) {
	var sum uint64
	for _, x := range s.sups {
		sum += stampHash(x)
	}
	return len(s.sups), hexSum(sum), nil
}

func (s *sliceSource) Supplier(ctx context.Context, id string) (data.Supplier, error) {
	i, ok := s.byID[id]
	if !ok {
		return data.Supplier{}, fmt.Errorf("slice: %s: %w", id, data.ErrNotFound)
	}
	return s.sups[i], nil
}
