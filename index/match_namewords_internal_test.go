package index

import (
	"bytes"
	"context"
	"testing"
	"time"

	"fabrique/crawler"
	"fabrique/data"
)

// TestNameWordsLearned checks the name words learned from the real EPV
// directory's names: the words that say what a company is, not the
// trades, however frequent in names.
func TestNameWordsLearned(t *testing.T) {
	now := time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)
	sups, _, err := crawler.SuppliersFromEPVCSV(bytes.NewReader(data.EmbeddedEPVCSV()), crawler.NormalizeOptions{FetchedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := Open("", Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if err := ix.Put(ctx, sups...); err != nil {
		t.Fatal(err)
	}
	g, err := ix.acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer g.mu.RUnlock()
	stats, err := ix.openTermStats(g)
	if err != nil {
		t.Fatal(err)
	}
	defer stats.close()
	tests := []struct {
		word string
		want bool
	}{
		{"domaine", true}, {"établissements", true}, {"atelier", true}, {"société", true}, {"maison", true},
		{"compagnie", true}, {"fils", true},
		{"vitrail", false}, {"tonnellerie", false}, {"fonderie", false}, {"menuiserie", false},
		{"distillerie", false}, {"bois", false}, {"signalétique", false},
		// « LE JACQUARD FRANÇAIS », « COMPAGNIE FRANÇAISE DE CHAUDRONNERIE »…
		{"français", true}, {"française", true},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			stems := ix.stems(tt.word)
			if len(stems) != 1 {
				t.Fatalf("%q analyses to %q", tt.word, stems)
			}
			got, err := ix.isNameWord(ctx, g, stats.r, stems[0])
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("isNameWord(%q) = %v, want %v", tt.word, got, tt.want)
			}
		})
	}
}
