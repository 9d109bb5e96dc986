package index_test

import (
	"slices"
	"strings"
	"testing"

	"fabrique/data"
	"fabrique/index"
)

// The real BOAMP notices without CPV codes are found by the CPV filter
// through their inferred codes, down to the digits the guess has and no
// further; a tender with declared codes is found by those only.
func TestTenderCPVFilterUsesInferredCodes(t *testing.T) {
	ti, tenders, _ := tenderIndexOf(t)
	var guessed, declared *data.Tender
	for i := range tenders {
		x := &tenders[i]
		if len(x.CPVCodes()) > 0 && len(x.InferredCPV) > 0 {
			t.Errorf("%s declares %v and still has inferred codes %v", x.ID, x.CPVCodes(), x.InferredCPV)
		}
		if guessed == nil && len(index.IndexedInferredCPV(x)) > 0 {
			guessed = x
		}
		if declared == nil && len(x.CPVCodes()) > 0 {
			declared = x
		}
	}
	if guessed == nil || declared == nil {
		t.Fatalf("real notices lack a tender with inferred codes (%v) or with declared ones (%v)", guessed, declared)
	}
	code := index.IndexedInferredCPV(guessed)[0]
	sig := strings.TrimRight(code, "0")
	if len(sig) < 2 {
		sig = code[:2]
	}
	all := func(prefix string) []string {
		return tenderHitIDs(searchTenders(t, ti, index.TenderQuery{CPV: []string{prefix}, PerPage: index.MaxPerPage}))
	}
	cases := []struct {
		name   string
		prefix string
		id     string
		want   bool
	}{
		{"inferred division", code[:2], guessed.ID, true},
		{"inferred code as specific as guessed", sig, guessed.ID, true},
		{"more specific than the guess", sig + "1", guessed.ID, false},
		{"declared code", declared.CPVCodes()[0], declared.ID, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "more specific than the guess" && len(c.prefix) > 8 {
				t.Skip("the guess has all 8 digits")
			}
			if got := slices.Contains(all(c.prefix), c.id); got != c.want {
				t.Errorf("CPV %s: %s found = %v, want %v (inferred %v)", c.prefix, c.id, got, c.want, guessed.InferredCPV)
			}
		})
	}
	res := searchTenders(t, ti, index.TenderQuery{CPV: []string{code[:2]}, PerPage: index.MaxPerPage})
	for _, h := range res.Hits {
		if h.Tender.ID == guessed.ID && len(h.Tender.InferredCPV) == 0 {
			t.Errorf("hit %s carries no inferred codes: the list could not say « CPV déduit »", h.Tender.ID)
		}
	}
}

// hasCPVPrefix says whether the CPV filter prefix selects x: a declared
// code starts with it, or an indexed inferred code does within the digits
// the guess has (a guessed group 45100000 is 451, not 4510).
func hasCPVPrefix(x *data.Tender, prefix string) bool {
	if slices.ContainsFunc(x.CPVCodes(), func(c string) bool { return strings.HasPrefix(c, prefix) }) {
		return true
	}
	return slices.ContainsFunc(index.IndexedInferredCPV(x), func(c string) bool {
		sig := max(2, len(strings.TrimRight(c, "0")))
		return len(prefix) <= sig && strings.HasPrefix(c, prefix)
	})
}
