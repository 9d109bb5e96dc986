package index

import (
	"strings"
	"testing"

	"fabrique/data"
)

func TestDedicationState(t *testing.T) {
	ix, err := Open("", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	tests := []struct {
		name, text string
		want       []string // surfaces of the terms kept
	}{
		{"hyphenated saint", "Restauration de l'église Saint-Martin-de-Tours", []string{"restauration", "église", "tours"}},
		{"spaced saint", "vitraux église St Paul centre", []string{"vitraux", "église", "centre"}},
		{"notre-dame", "charpente de Notre-Dame", []string{"charpente"}},
		{"no dedication", "pierre de taille", []string{"pierre", "taille"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			state, prevEnd := notNamed, 0
			for _, tok := range ix.text.Analyze([]byte(tt.text)) {
				state = dedicationState(state, data.Fold(surfaceForm(tt.text[tok.Start:tok.End])), tt.text[prevEnd:tok.Start])
				prevEnd = tok.End
				if state == notNamed {
					got = append(got, surfaceForm(tt.text[tok.Start:tok.End]))
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("kept %q, want %q", got, tt.want)
			}
		})
	}
}
