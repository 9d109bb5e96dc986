package index

import (
	"context"
	"fmt"
	"testing"

	"fabrique/data"
)

// suppliersByID is a MatchSource of suppliers only.
type suppliersByID map[string]data.Supplier

func (s suppliersByID) Supplier(_ context.Context, id string) (data.Supplier, error) {
	if v, ok := s[id]; ok {
		return v, nil
	}
	return data.Supplier{}, fmt.Errorf("test: %s: %w", id, data.ErrNotFound)
}

func (s suppliersByID) AwardsBySIREN(context.Context, string) ([]data.Award, error) { return nil, nil }

// TestLinkFoldsLeaveOneWinnerOut checks that the links used for an award
// are learned from the other winners' awards only, co-won awards
// included.
func TestLinkFoldsLeaveOneWinnerOut(t *testing.T) {
	sup := func(siren, naf string) data.Supplier { return data.Supplier{ID: siren, SIREN: siren, NAF: naf} }
	src := suppliersByID{
		"111111111": sup("111111111", "31.09B"),
		"222222222": sup("222222222", "31.09B"),
		"333333333": sup("333333333", "74.10Z"),
		"444444444": sup("444444444", "23.19Z"),
	}
	award := func(id, cpv string, sirens ...string) data.Award {
		a := data.Award{ID: id, CPV: cpv}
		for _, s := range sirens {
			a.Winners = append(a.Winners, data.Winner{SIRET: s + "00011"})
		}
		return a
	}
	awards := []data.Award{
		award("a1", "45212350", "111111111"),
		award("a2", "45212361", "111111111"),
		award("a3", "45212314", "222222222"),
		award("a4", "45212352", "333333333"),
		award("a5", "45212361", "333333333", "444444444"), // co-won
		award("a6", "45212361", "999999999"),              // winner outside the directory
	}
	cv, err := newLinkFolds(context.Background(), src, awards)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		without     []string
		naf         string
		wantWinners int // 0: no link
	}{
		{"a trade another winner shares keeps its link", []string{"111111111"}, "31.09B", 1},
		{"the other winner of that trade likewise", []string{"222222222"}, "31.09B", 1},
		{"a trade no other winner has gets none", []string{"333333333"}, "74.10Z", 0},
		{"a co-won award goes with its held-out winner", []string{"333333333"}, "23.19Z", 0},
		{"a co-winner held out takes the award along", []string{"444444444"}, "74.10Z", 1},
		{"nothing held out of another trade", []string{"111111111"}, "23.19Z", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, ok := cv.without(tc.without).Link("45000000", tc.naf)
			if got := map[bool]int{true: l.Winners}[ok]; got != tc.wantWinners {
				t.Errorf("without %v: link to %s has %d winners (found %v), want %d", tc.without, tc.naf, l.Winners, ok, tc.wantWinners)
			}
		})
	}
	if r := cv.record(); r.Evidence != 6 || r.Folds != 4 {
		t.Errorf("record = %+v, want 6 pairs of evidence and the 4 folds asked", r)
	}
}
