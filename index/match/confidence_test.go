package match

import (
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func TestConfidenceOf(t *testing.T) {
	tests := []struct {
		name      string
		relevance float64
		want      string
	}{
		{"declared code of the group", fitCPVGroup, data.ConfidenceHigh},
		{"primary NAF fit alone", fitNAFPrimary, data.ConfidenceHigh},
		{"primary NAF fit halved by words that miss", fitNAFPrimary * inferredFitWhenDescribed, data.ConfidenceMedium},
		{"secondary NAF fit", fitNAFSecondary, data.ConfidenceMedium},
		{"a word of the description", 0.15, data.ConfidenceLow},
		{"nothing", 0, data.ConfidenceLow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ConfidenceOf(tt.relevance); got != tt.want {
				t.Errorf("ConfidenceOf(%.2f) = %q, want %q", tt.relevance, got, tt.want)
			}
		})
	}
}

func TestGrade(t *testing.T) {
	ms := []data.Match{
		{Score: 50, Confidence: data.ConfidenceHigh},
		{Score: 42, Confidence: data.ConfidenceHigh},   // 84 % of the best: stays
		{Score: 38, Confidence: data.ConfidenceHigh},   // 76 %: moyenne
		{Score: 28, Confidence: data.ConfidenceHigh},   // 56 %: faible
		{Score: 35, Confidence: data.ConfidenceMedium}, // 70 %: stays
		{Score: 45, Confidence: data.ConfidenceLow},    // its relevance caps it
	}
	Grade(ms)
	want := []string{data.ConfidenceHigh, data.ConfidenceHigh, data.ConfidenceMedium, data.ConfidenceLow,
		data.ConfidenceMedium, data.ConfidenceLow}
	for i, m := range ms {
		if m.Confidence != want[i] {
			t.Errorf("#%d (score %.0f) = %q, want %q", i+1, m.Score, m.Confidence, want[i])
		}
	}
	if n := data.GoodMatches(ms); n != 4 {
		t.Errorf("GoodMatches = %d, want 4", n)
	}
	Grade(nil) // no ranking, no panic
}

// A univers gathers hundreds of trades: it never vouches that a company
// does the work, alone or beside a weaker fit.
func TestConfidenceLeavesTheUniversOut(t *testing.T) {
	// A stained-glass workshop does no joinery; a stone cutter lays some
	// masonry (a secondary fit); a plasterer plasters.
	glass, stone, plasterer := data.Supplier{NAF: "23.19Z"}, data.Supplier{NAF: "23.70Z"}, data.Supplier{NAF: "43.31Z"}
	univers := []string{"Architecture et patrimoine bâti"}
	joinery := []string{"45421000"}
	tests := []struct {
		name string
		sm   Scored
		want string
	}{
		{"univers alone", Scored{class: classify(joinery, nil, &glass, univers, nil)}, data.ConfidenceLow},
		{"univers and some words: the words' level", Scored{class: classify(joinery, nil, &glass, univers, nil), Text: 0.4, textOfAsked: 0.4}, data.ConfidenceMedium},
		{"secondary NAF fit and univers: the secondary fit's level", Scored{class: classify([]string{"45262500"}, nil, &stone, univers, nil)}, data.ConfidenceMedium},
		{"the trade's own code", Scored{class: classify([]string{"45410000"}, nil, &plasterer, univers, nil)}, data.ConfidenceHigh},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.sm.class.value == 0 {
				t.Fatal("no classification fit: the case tests nothing")
			}
			if got := tt.sm.confidence(); got != tt.want {
				t.Errorf("confidence = %q (relevance with the univers %.2f), want %q", got, tt.sm.relevance(), tt.want)
			}
		})
	}
}

// A word of the object that no supplier holds (« crémation ») stays part
// of what is asked: the garages holding « entretien réparation » hold half
// of the object, not all of it. The confidence says so; the score, taken
// among the words a supplier can hold, does not change.
func TestUnheldWordsLowerTheConfidenceNotTheScore(t *testing.T) {
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	const title = "Entretien réparation des équipements de crémation"
	needs, err := NeedsOf(data.Tender{Title: title, Nature: data.NatureServices}, day, day)
	if err != nil {
		t.Fatal(err)
	}
	n := &needs[0]
	stem := func(w string) []string { return []string{strings.ToLower(w)} }
	term := func(word string, pos int) Term {
		i := strings.Index(title, word)
		return Term{Stem: strings.ToLower(word), Surface: strings.ToLower(word), Weight: 4, Object: true,
			Pos: pos, Start: i, End: i + len(word)}
	}
	garage := NewCandidate(data.Supplier{ID: "1", Name: "Garage du Centre", Description: "Entretien réparation de véhicules"})
	score := func(unheld ...Term) Scored {
		q := NewTermSet([]Term{term("Entretien", 1), term("réparation", 2)}, 1, stem, map[string][]string{})
		q.Unheld(unheld)
		sm, ok := Score(n, q, garage)
		if !ok {
			t.Fatal("the garage holds words of the object and must be scored")
		}
		return sm
	}
	crémation := term("crémation", 6)
	crémation.Weight = 16 // the rarest word weighs most
	all, half := score(), score(crémation)
	if all.confidence() == data.ConfidenceLow {
		t.Fatalf("holding every word the suppliers know: confidence %q, the case tests nothing", all.confidence())
	}
	if half.confidence() != data.ConfidenceLow {
		t.Errorf("holding half of the object: confidence %q, want %q", half.confidence(), data.ConfidenceLow)
	}
	if half.Total != all.Total {
		t.Errorf("score %.2f with the unheld word, %.2f without: the ranking must not change", half.Total, all.Total)
	}
}

// A word of the company's name counts only when its trade is known to do
// the work by what it declared or won, or by the curated table: a link
// learned from two road-works awards of plasterers does not make « Espaces »
// of STAFF ESPACES VOLUMES a word of « VRD - Espaces extérieurs » (a real
// BOAMP notice, 26-26421, which it led « moyenne », 625 km away).
func TestNameWordNeedsMoreThanALearnedLink(t *testing.T) {
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	const title = "Relance du LOT 13 VRD - Espaces extérieurs"
	needs, err := NeedsOf(data.Tender{Title: title, CPV: "45233000"}, day, day)
	if err != nil {
		t.Fatal(err)
	}
	n := &needs[0]
	n.Links = data.LearnCPVNAFLinks([]data.WonAward{
		{AwardID: "a1", CPV: "45233000", SIREN: "111111111", NAF: "43.31Z"},
		{AwardID: "a2", CPV: "45233140", SIREN: "222222222", NAF: "43.31Z"},
	})
	stem := func(w string) []string { return []string{strings.ToLower(w)} }
	i := strings.Index(title, "Espaces")
	q := NewTermSet([]Term{{Stem: "espaces", Surface: "espaces", Weight: 4, Object: true, Pos: 4, Start: i, End: i + len("Espaces")}},
		1, stem, map[string][]string{})
	plasterer := NewCandidate(data.Supplier{ID: "1", Name: "STAFF ESPACES VOLUMES", NAF: "43.31Z"})
	sm, ok := Score(n, q, plasterer)
	if !ok {
		t.Fatal("the learned link alone must keep the plasterer scored")
	}
	if sm.Text != 0 {
		t.Errorf("text fit %.2f from a word of the name, want 0: a learned link does not back the name", sm.Text)
	}
	landscaper := NewCandidate(data.Supplier{ID: "2", Name: "ESPACES PAYSAGES", NAF: "42.11Z"})
	if sm, ok := Score(n, q, landscaper); !ok || sm.Text == 0 {
		t.Errorf("a road builder (curated fit) named « Espaces »: text fit %.2f, want the word counted", sm.Text)
	}
}
