package index_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/index"
)

// matchCase is one pinned case of testdata/match/cases.json.
type matchCase struct {
	Name   string        `json:"name"`
	Tender data.Tender   `json:"tender"`
	Expect []matchExpect `json:"expect"`
	// TermsInclude and TermsExclude are checked on the tender's terms.
	TermsInclude []string `json:"terms_include"`
	TermsExclude []string `json:"terms_exclude"`
}

// matchExpect says that at least AtLeast of the first Top matches of a
// ranking (the tender's, or lot Lot's) fit a description: a NAF code
// starting with one of NAF, a name holding one of NameHas (folded words),
// within MaxKm, and giving every reason kind of Reasons.
type matchExpect struct {
	Lot     string   `json:"lot"`
	Top     int      `json:"top"`
	AtLeast int      `json:"at_least"`
	NAF     []string `json:"naf"`
	NameHas []string `json:"name_has"`
	MaxKm   float64  `json:"max_km"`
	Reasons []string `json:"reasons"`
}

func (e matchExpect) fits(m data.Match, s data.Supplier) bool {
	if len(e.NAF) > 0 && !slices.ContainsFunc(e.NAF, func(p string) bool { return strings.HasPrefix(s.NAF, p) }) {
		return false
	}
	if len(e.NameHas) > 0 {
		words := data.Words(m.Name)
		if !slices.ContainsFunc(e.NameHas, func(w string) bool { return slices.Contains(words, w) }) {
			return false
		}
	}
	if e.MaxKm > 0 && (m.DistanceKm == nil || *m.DistanceKm > e.MaxKm) {
		return false
	}
	for _, k := range e.Reasons {
		if !slices.ContainsFunc(m.Reasons, func(r data.Reason) bool { return string(r.Kind) == k }) {
			return false
		}
	}
	return true
}

func loadMatchCases(t *testing.T) []matchCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "match", "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []matchCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("cases.json: %v", err)
	}
	return cases
}

// TestMatchCases runs the pinned cases on the real EPV companies.
func TestMatchCases(t *testing.T) {
	f := loadMatchEPV(t)
	src := newMatchSource(f.sups, nil)
	for _, c := range loadMatchCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			res, err := f.ix.Match(context.Background(), src, c.Tender, index.MatchOptions{Limit: 20, At: matchNow})
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			for _, w := range c.TermsInclude {
				if !slices.Contains(res.Terms, w) {
					t.Errorf("terms %q, want %q among them", res.Terms, w)
				}
			}
			for _, w := range c.TermsExclude {
				if slices.Contains(res.Terms, w) {
					t.Errorf("terms %q, want no %q (a name, not a need)", res.Terms, w)
				}
			}
			for _, e := range c.Expect {
				ranking, title := res.Tender, "tender"
				if e.Lot != "" {
					i := slices.IndexFunc(res.Lots, func(l index.LotMatches) bool { return l.LotID == e.Lot })
					if i < 0 {
						t.Fatalf("no ranking for lot %q", e.Lot)
					}
					ranking, title = res.Lots[i].Matches, "lot "+e.Lot
				}
				got := 0
				for _, m := range ranking[:min(e.Top, len(ranking))] {
					if e.fits(m, f.byID[m.SupplierID]) {
						got++
					}
				}
				if got < e.AtLeast {
					t.Errorf("%s: %d of the first %d fit %+v, want at least %d; ranking:\n%s",
						title, got, e.Top, e, e.AtLeast, describeMatches(ranking[:min(e.Top+2, len(ranking))], f.byID))
				}
			}
		})
	}
}

func describeMatches(ms []data.Match, byID map[string]data.Supplier) string {
	var b strings.Builder
	for i, m := range ms {
		fmt.Fprintf(&b, "  %2d %5.1f %-40s %s", i+1, m.Score, m.Name, byID[m.SupplierID].NAF)
		for _, r := range m.Reasons {
			fmt.Fprintf(&b, " | %s (%.1f)", r.Text, r.Weight)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TestMatchReasonsFrench checks what a buyer reads: each reason's French
// text, reasons by weight, and a score that is the sum of its reasons
// (and of the neutral components, which say nothing).
func TestMatchReasonsFrench(t *testing.T) {
	f := loadMatchEPV(t)
	src := newMatchSource(f.sups, nil)
	tender := data.Tender{Title: "Restauration des vitraux de l'église", CPV: "45212361",
		Place: data.Place{Departement: "26"}, Nature: data.NatureWorks}
	res, err := f.ix.Match(context.Background(), src, tender, index.MatchOptions{Limit: 10, At: matchNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Tender) != 10 {
		t.Fatalf("%d matches, want 10", len(res.Tender))
	}
	patterns := map[data.ReasonKind]*regexp.Regexp{
		data.ReasonTerms:      regexp.MustCompile(`^termes : \p{Ll}[\p{Ll} '-]*(, \p{Ll}[\p{Ll} '-]*)*$`),
		data.ReasonCPVFromNAF: regexp.MustCompile(`^CPV 45212361 \(travaux de construction d'églises\) ↔ NAF \d\d\.\d\d[A-Z]$`),
		data.ReasonDistance:   regexp.MustCompile(`^à \d+ km$`),
		data.ReasonLabel:      regexp.MustCompile(`^label EPV valide jusqu'au \d\d/\d\d/20\d\d$`),
		index.ReasonUnivers:   regexp.MustCompile(`^univers EPV « [^»]+ » ↔ CPV 45212361 \(travaux de construction d'églises\)$`),
	}
	seen := map[data.ReasonKind]bool{}
	for _, m := range res.Tender {
		sum := 0.0
		for i, r := range m.Reasons {
			if r.Text != r.String() {
				t.Errorf("%s: Text %q, String() %q", m.Name, r.Text, r.String())
			}
			if p, ok := patterns[r.Kind]; ok && !p.MatchString(r.Text) {
				t.Errorf("%s: %s reason %q does not read as %s", m.Name, r.Kind, r.Text, p)
			}
			if i > 0 && r.Weight > m.Reasons[i-1].Weight {
				t.Errorf("%s: reasons not by weight: %v", m.Name, m.Reasons)
			}
			seen[r.Kind] = true
			sum += r.Weight
		}
		// Headcounts are unknown in the EPV list: capacity is neutral
		// (half of its 5 points) and has no reason.
		if math.Abs(sum+2.5-m.Score) > 0.35 {
			t.Errorf("%s: score %.1f, reasons add up to %.1f (+2.5 neutral capacity)", m.Name, m.Score, sum)
		}
		if m.DistanceKm == nil || m.SIREN == "" || m.SIRET == "" || !strings.HasPrefix(m.SIRET, m.SIREN) {
			t.Errorf("%s: distance %v, SIREN %q, SIRET %q: want all set and consistent", m.Name, m.DistanceKm, m.SIREN, m.SIRET)
		}
	}
	for _, k := range []data.ReasonKind{data.ReasonTerms, data.ReasonCPVFromNAF, data.ReasonDistance, data.ReasonLabel} {
		if !seen[k] {
			t.Errorf("no %s reason among the first 10", k)
		}
	}
	if got := res.Tender[0].Reasons[0].Text; !strings.Contains(got, "vitraux") && !strings.HasPrefix(got, "à ") {
		t.Errorf("first reason of the first match %q: want the trade or the distance", got)
	}
}

// miniSuppliers are hand-made suppliers whose every score component is
// known, for the tests of single components.
func miniSuppliers() []data.Supplier {
	at := func(postcode string) data.Address {
		return data.ResolveAddress(data.Address{Postcode: postcode})
	}
	label := data.Label{Type: data.LabelEPV, Scope: data.ScopeCompany, Category: "Architecture et patrimoine bâti",
		GrantedAt: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), ExpiresAt: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	mk := func(siren, name, naf, postcode string) data.Supplier {
		siret := siren + "00011"
		for k := 0; k < 10 && data.ValidSIRET(siret) != nil; k++ {
			siret = fmt.Sprintf("%s%05d", siren, 12+k)
		}
		a := at(postcode)
		return data.Supplier{ID: siren, SIREN: siren, Name: name, NAF: naf, Address: a,
			Establishments: []data.Establishment{{SIRET: siret, HeadOffice: true, Address: a, Valid: true}},
			Labels:         []data.Label{label}, Activities: []string{"Architecture et patrimoine bâti"}}
	}
	near := mk("732829320", "Atelier du vitrail de Die", "23.19Z", "26150")
	near.HeadcountBand = "01"
	far := mk("552100554", "Vitraux de Bretagne", "23.19Z", "29000")
	far.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaFrance}
	mason := mk("542065479", "Maçonnerie Dupont", "43.99C", "26000")
	baker := mk("443061841", "Boulangerie de la gare", "10.71C", "26000")
	baker.Activities, baker.Labels = []string{"Gastronomie"}, nil
	return []data.Supplier{near, far, mason, baker}
}

func openMini(t testing.TB) (*index.Index, []data.Supplier) {
	t.Helper()
	sups := miniSuppliers()
	for _, s := range sups {
		if err := data.ValidSIREN(s.SIREN); err != nil {
			t.Fatalf("fixture SIREN %s: %v", s.SIREN, err)
		}
	}
	ix, err := index.Open("", index.Options{Now: func() time.Time { return matchNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Put(context.Background(), sups...); err != nil {
		t.Fatal(err)
	}
	return ix, sups
}

func reasonOf(m data.Match, k data.ReasonKind) (data.Reason, bool) {
	for _, r := range m.Reasons {
		if r.Kind == k {
			return r, true
		}
	}
	return data.Reason{}, false
}

func matchByName(ms []data.Match, name string) (data.Match, bool) {
	for _, m := range ms {
		if m.Name == name {
			return m, true
		}
	}
	return data.Match{}, false
}

func TestMatchComponents(t *testing.T) {
	ix, sups := openMini(t)
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	awards := []data.Award{
		{ID: "decp:1", CPV: "45212350", NotifiedAt: day("2024-05-01"), Winners: []data.Winner{{SIRET: sups[0].Establishments[0].SIRET}}},
		{ID: "decp:2", CPV: "45453100", NotifiedAt: day("2025-02-01"), Winners: []data.Winner{{SIRET: sups[0].Establishments[0].SIRET}}},
		{ID: "decp:3", CPV: "45212350", NotifiedAt: day("2026-09-01"), Winners: []data.Winner{{SIRET: sups[0].Establishments[0].SIRET}}},
		{ID: "decp:4", CPV: "39100000", NotifiedAt: day("2024-05-01"), Winners: []data.Winner{{SIRET: sups[0].Establishments[0].SIRET}}},
	}
	src := newMatchSource(sups, awards)
	track, err := index.TrackRecordOf(context.Background(), src, awards)
	if err != nil {
		t.Fatal(err)
	}
	ix.SetTrackRecord(track)
	tender := data.Tender{Title: "Restauration des vitraux de la cathédrale", CPV: "45212361",
		Place: data.Place{Postcode: "26000"}, EstimatedValue: 2_000_000}
	res, err := ix.Match(context.Background(), src, tender, index.MatchOptions{At: day("2026-04-15")})
	if err != nil {
		t.Fatal(err)
	}
	near, ok1 := matchByName(res.Tender, "Atelier du vitrail de Die")
	far, ok2 := matchByName(res.Tender, "Vitraux de Bretagne")
	mason, ok3 := matchByName(res.Tender, "Maçonnerie Dupont")
	if !ok1 || !ok2 || !ok3 {
		t.Fatalf("want the two glass workshops and the mason, got %s", describeMatches(res.Tender, nil))
	}
	if _, ok := matchByName(res.Tender, "Boulangerie de la gare"); ok {
		t.Errorf("the bakery has neither text nor sector fit: it must be dropped, however near")
	}
	t.Run("track record counts past awards of the division only", func(t *testing.T) {
		r, ok := reasonOf(near, data.ReasonTrackRecord)
		if !ok || r.AwardCount != 2 || r.LastAward != "2025-02" ||
			r.Text != "a déjà remporté 2 marchés de ce type (dernier : février 2025)" {
			t.Errorf("track record %+v, want 2 awards (the 2026-09 one is after the date, the 39 one another division)", r)
		}
	})
	t.Run("capacity compares headcount and value", func(t *testing.T) {
		r, ok := reasonOf(near, data.ReasonCapacity)
		want := "effectif : 1 ou 2 salariés pour un marché estimé à 2\u00a0000\u00a0000\u00a0€"
		if !ok || r.Text != want || r.Weight > 1 {
			t.Errorf("capacity reason %q (%.1f), want %q with a low weight", r.Text, r.Weight, want)
		}
	})
	t.Run("declared service area covers the place", func(t *testing.T) {
		r, ok := reasonOf(far, data.ReasonServiceArea)
		if !ok || r.Text != "zone d'intervention déclarée : France entière" {
			t.Errorf("service area reason %q, want France entière", r.Text)
		}
		if d, ok := reasonOf(far, data.ReasonDistance); !ok || d.Weight != 0 || d.DistanceKm < 600 {
			t.Errorf("distance of the far workshop %+v: want it told, with no weight of its own", d)
		}
	})
	t.Run("the trade's words beat a sector fit", func(t *testing.T) {
		if near.Score <= mason.Score {
			t.Errorf("glass workshop %.1f, mason next door %.1f: want the workshop first", near.Score, mason.Score)
		}
		if _, ok := reasonOf(mason, data.ReasonTerms); ok {
			t.Errorf("mason has a terms reason: %v", mason.Reasons)
		}
	})
}

func TestMatchLots(t *testing.T) {
	ix, sups := openMini(t)
	src := newMatchSource(sups, nil)
	tender := data.Tender{Title: "Restauration de la cathédrale", CPV: "45212361", Place: data.Place{Postcode: "26000"},
		Lots: []data.Lot{{ID: "A", Title: "Vitraux"}, {Title: "Maçonnerie", CPV: "45262500", Place: data.Place{Postcode: "29000"}}}}
	res, err := ix.Match(context.Background(), src, tender, index.MatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Lots) != 2 || res.Lots[0].LotID != "A" || res.Lots[1].LotID != "2" || res.Lots[1].Title != "Maçonnerie" {
		t.Fatalf("lots %+v, want A and 2 (numbered when the lot has no id)", res.Lots)
	}
	// The Breton workshop declares it works in all of France: its area
	// covers Valence as well as being near would.
	if m := res.Lots[0].Matches; len(m) < 2 || !strings.Contains(strings.ToLower(m[0].Name+m[1].Name), "vitrail") ||
		!strings.Contains(strings.ToLower(m[0].Name+m[1].Name), "vitraux") {
		t.Errorf("lot Vitraux (inheriting CPV and place): first two %v, want the two glass workshops", m)
	}
	lot2 := res.Lots[1].Matches
	if len(lot2) == 0 || lot2[0].Name != "Maçonnerie Dupont" {
		t.Errorf("lot Maçonnerie: got %v, want the mason first", lot2)
	}
	if r, ok := reasonOf(lot2[0], data.ReasonDistance); !ok || r.DistanceKm < 700 {
		t.Errorf("lot Maçonnerie is performed in Quimper: distance reason %+v, want the mason ~800 km away", r)
	}
	if !slices.Contains(res.Lots[0].Terms, "vitraux") {
		t.Errorf("lot terms %q, want vitraux", res.Lots[0].Terms)
	}
}

func TestMatchInvalid(t *testing.T) {
	ix, sups := openMini(t)
	src := newMatchSource(sups, nil)
	tests := []struct {
		name   string
		tender data.Tender
		src    index.MatchSource
	}{
		{"no title and no CPV", data.Tender{Description: "   ", Place: data.Place{Departement: "26"}}, src},
		{"unknown CPV", data.Tender{Title: "Vitraux", CPV: "99999999"}, src},
		{"wrong check digit", data.Tender{Title: "Vitraux", CPV: "45212361-0"}, src},
		{"bad lot CPV", data.Tender{Title: "Vitraux", Lots: []data.Lot{{Title: "x", CPV: "4521"}}}, src},
		{"no source", data.Tender{Title: "Vitraux"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ix.Match(context.Background(), tt.src, tt.tender, index.MatchOptions{})
			if !errors.Is(err, data.ErrInvalid) {
				t.Errorf("Match error %v, want one wrapping data.ErrInvalid", err)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "index: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
	t.Run("CPV only is enough", func(t *testing.T) {
		res, err := ix.Match(context.Background(), src, data.Tender{CPV: "45212361", Place: data.Place{Postcode: "26000"}}, index.MatchOptions{})
		if err != nil || len(res.Tender) == 0 {
			t.Errorf("Match = %d matches, %v; want matches from the CPV alone", len(res.Tender), err)
		}
	})
}

func TestMatchLimit(t *testing.T) {
	f := loadMatchEPV(t)
	src := newMatchSource(f.sups, nil)
	tender := data.Tender{Title: "Restauration de monuments historiques", CPV: "45212314", Place: data.Place{Departement: "75"}}
	for _, tt := range []struct{ limit, want int }{{0, index.DefaultMatchLimit}, {5, 5}, {1000, index.MaxMatchLimit}} {
		res, err := f.ix.Match(context.Background(), src, tender, index.MatchOptions{Limit: tt.limit})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Tender) != tt.want {
			t.Errorf("Limit %d: %d matches, want %d", tt.limit, len(res.Tender), tt.want)
		}
		for i := 1; i < len(res.Tender); i++ {
			if res.Tender[i].Score > res.Tender[i-1].Score {
				t.Fatalf("Limit %d: not sorted by score at %d", tt.limit, i)
			}
		}
	}
}

func TestMatchCancelled(t *testing.T) {
	ix, sups := openMini(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ix.Match(ctx, newMatchSource(sups, nil), data.Tender{Title: "Vitraux"}, index.MatchOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Match on a cancelled context: %v, want context.Canceled", err)
	}
}

// TestMatchConcurrent runs matches side by side, as a server does (run it
// with -race).
func TestMatchConcurrent(t *testing.T) {
	f := loadMatchEPV(t)
	src := newMatchSource(f.sups, nil)
	cases := loadMatchCases(t)
	errs := make(chan error, 4*len(cases))
	for range 4 {
		for _, c := range cases {
			go func() {
				_, err := f.ix.Match(context.Background(), src, c.Tender, index.MatchOptions{Limit: 5})
				errs <- err
			}()
		}
	}
	for range 4 * len(cases) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
