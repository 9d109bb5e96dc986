package index_test

import (
	"context"
	"errors"
	"testing"
	"unicode/utf8"

	"fabrique/data"
	"fabrique/index"
)

// FuzzMatch feeds the matcher's text parser (analysis, dedications,
// phrases, prefixes) and the place and CPV readers with arbitrary input:
// it must answer or refuse with data.ErrInvalid, never panic, and keep
// its scores within bounds.
func FuzzMatch(f *testing.F) {
	ix, sups := openMini(f)
	src := newMatchSource(sups, nil)
	for _, s := range []struct{ title, desc, cpv, postcode, lot string }{
		{"Restauration des vitraux de l'église Saint-Martin", "Dépose et remise en plomb", "45212361", "26000", "Vitraux"},
		{"", "", "", "", ""},
		{"ŒUVRE d’art — Notre-Dame-de-l'Assomption", "l' d' qu'", "45212361-4", "2A004", ""},
		{"Saint-", "-saint saint saint", "4521236", "999999", "Saint"},
		{"\xff\xfe vitraux", "pierre de taille, pierre-de-taille", "39100000", "69003", "\x00"},
	} {
		f.Add(s.title, s.desc, s.cpv, s.postcode, s.lot)
	}
	f.Fuzz(func(t *testing.T, title, desc, cpv, postcode, lot string) {
		tender := data.Tender{Title: title, Description: desc, CPV: cpv, Place: data.Place{Postcode: postcode}}
		if lot != "" {
			tender.Lots = []data.Lot{{Title: lot}}
		}
		res, err := ix.Match(context.Background(), src, tender, index.MatchOptions{Limit: 3})
		if err != nil {
			if !errors.Is(err, data.ErrInvalid) {
				t.Fatalf("Match error %v, want nil or data.ErrInvalid", err)
			}
			return
		}
		for _, ms := range append([][]data.Match{res.Tender}, lotMatches(res)...) {
			if len(ms) > 3 {
				t.Fatalf("%d matches, limit 3", len(ms))
			}
			for _, m := range ms {
				if m.Score < 0 || m.Score > 100.05 {
					t.Fatalf("score %g out of [0,100]", m.Score)
				}
				for _, r := range m.Reasons {
					if r.Text == "" || !utf8.ValidString(r.Text) {
						t.Fatalf("reason %+v without valid text", r)
					}
				}
			}
		}
		for _, w := range res.Terms {
			if !utf8.ValidString(w) || w == "" {
				t.Fatalf("term %q", w)
			}
		}
	})
}

func lotMatches(res index.MatchResult) [][]data.Match {
	var out [][]data.Match
	for _, l := range res.Lots {
		out = append(out, l.Matches)
	}
	return out
}
