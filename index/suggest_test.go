package index_test

import (
	"context"
	"slices"
	"testing"

	"fabrique/index"
)

func TestSuggest(t *testing.T) {
	ix, _ := epvIndex(t)
	tests := []struct {
		prefix string
		want   string // an id among the suggestions
	}{
		{"pequ", "732820196"},             // PEQUIGNET, by prefix
		{"PÉQUIGNET", "732820196"},        // case and accents
		{"pequignat", "732820196"},        // a typo in a whole word
		{"cristallerie fer", "309856748"}, // Cristallerie Ferstler-Fischer
		{"ebenisterie pierre jou", "325793768"},
		{"l'orfèvrerie", "879143048"},
	}
	for _, tc := range tests {
		got, err := ix.Suggest(context.Background(), tc.prefix, 8)
		if err != nil {
			t.Fatalf("Suggest(%q): %v", tc.prefix, err)
		}
		var ids []string
		for _, s := range got {
			ids = append(ids, s.ID)
			if s.Name == "" {
				t.Errorf("Suggest(%q): suggestion %s without a name", tc.prefix, s.ID)
			}
		}
		if !slices.Contains(ids, tc.want) {
			t.Errorf("Suggest(%q) = %v, want %s among them", tc.prefix, ids, tc.want)
		}
		if len(got) > 8 {
			t.Errorf("Suggest(%q) gave %d suggestions, limit 8", tc.prefix, len(got))
		}
	}
	if got, err := ix.Suggest(context.Background(), "  ", 8); err != nil || len(got) != 0 {
		t.Errorf("Suggest of blanks = %v, %v; want nothing", got, err)
	}
	got, err := ix.Suggest(context.Background(), "a", 100)
	if err != nil || len(got) == 0 || len(got) > 20 {
		t.Errorf("Suggest(\"a\", 100) = %d suggestions, %v; want between 1 and 20", len(got), err)
	}
}

func FuzzSearchText(f *testing.F) {
	ix, err := index.Open("", index.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { ix.Close() })
	if err := ix.Put(context.Background(), epvSuppliers(f)[:200]...); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"ébénisterie", "l'ébéniste", "\"", "a*b?c", "((", "+-:^~", "héé\x00", "0000000000000", "ferronnerie d'art", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		res, err := ix.Search(context.Background(), index.Query{Text: s, Facets: true, Highlight: true})
		if err != nil {
			t.Fatalf("Search(%q): %v", s, err)
		}
		if uint64(len(res.Hits)) > res.Total {
			t.Fatalf("Search(%q): %d hits for a total of %d", s, len(res.Hits), res.Total)
		}
		if _, err := ix.Suggest(context.Background(), s, 5); err != nil {
			t.Fatalf("Suggest(%q): %v", s, err)
		}
	})
}
