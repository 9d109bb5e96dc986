package web

import (
	"strings"
	"testing"

	"fabrique/data"
)

// TestTenderShowsTextDefects: the tender page shows the texts that were
// decoded with the wrong charset at the source, and says nothing when
// there were none.
func TestTenderShowsTextDefects(t *testing.T) {
	tests := []struct {
		name    string
		defects []string
		want    bool
	}{
		{"flagged", []string{"intitulé : " + data.TextReplacement.French()}, true},
		{"clean", nil, false},
	}
	s := newTestServer(t, Config{})
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := []string{"boamp:26-20", "boamp:26-21"}[i]
			tender := data.Tender{ID: id, Source: "boamp", SourceID: strings.TrimPrefix(id, "boamp:"), Title: "Fourniture de mat\uFFFDriels",
				CPV: "39000000", Deadline: inDays(10), State: data.StateOpen, TextDefects: tc.defects}
			putTenders(t, s, tender)
			r := s.get(t, "/appels-d-offres/"+id)
			if got := strings.Contains(r.body, "caractères mal décodés à sa source"); got != tc.want {
				t.Fatalf("notice shown = %v, want %v:\n%s", got, tc.want, r.body)
			}
			if tc.want {
				mustContain(t, "tender page", r.body, "intitulé : caractères perdus au décodage")
			}
		})
	}
}
