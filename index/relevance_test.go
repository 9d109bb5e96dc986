package index_test

import (
	"encoding/json"
	"os"
	"slices"
	"sort"
	"testing"

	"fabrique/data"
	"fabrique/index"
)

// relevanceCase is one pinned expectation of testdata/relevance.json, run
// on the real EPV companies.
type relevanceCase struct {
	Name  string `json:"name"`
	Query struct {
		Text           string  `json:"text"`
		Near           string  `json:"near"`
		RadiusKm       float64 `json:"radius_km"`
		SortByDistance bool    `json:"sort_by_distance"`
		PerPage        int     `json:"per_page"`
		// PlaceInText applies the place FindTextPlace reads at the end
		// of the text, communes with a radius of 50 km, as the search
		// page does.
		PlaceInText bool `json:"place_in_text"`
	} `json:"query"`
	// SameAs are texts that must give exactly the same hits, in order.
	SameAs []string `json:"same_as"`
	// SameAsSet are texts that must give the same hits, in any order.
	SameAsSet []string `json:"same_as_set"`
	// Want must all be among the first Top hits.
	Top  int      `json:"top"`
	Want []string `json:"want"`
	// Absent must not be among the first AbsentTop hits.
	AbsentTop int      `json:"absent_top"`
	Absent    []string `json:"absent"`
	MinTotal  uint64   `json:"min_total"`
	MaxTotal  uint64   `json:"max_total"`
	// WithinRadius checks every hit's great-circle distance.
	WithinRadius     bool `json:"within_radius"`
	SortedByDistance bool `json:"sorted_by_distance"`
	// TiesByDistance checks that hits of equal score come nearest first.
	TiesByDistance bool `json:"ties_by_distance"`
}

func TestRelevance(t *testing.T) {
	raw, err := os.ReadFile("testdata/relevance.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []relevanceCase
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatalf("testdata/relevance.json: %v", err)
	}
	ix, _ := epvIndex(t)
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			q := index.Query{Text: tc.Query.Text, RadiusKm: tc.Query.RadiusKm,
				SortByDistance: tc.Query.SortByDistance, PerPage: tc.Query.PerPage}
			var center index.Point
			if tc.Query.Near != "" {
				p, _, err := index.ResolveNear(tc.Query.Near)
				if err != nil {
					t.Fatalf("ResolveNear(%q): %v", tc.Query.Near, err)
				}
				center, q.Near = p, &p
			}
			if tc.Query.PlaceInText {
				p, ok := index.FindTextPlace(tc.Query.Text)
				if !ok {
					t.Fatalf("FindTextPlace(%q): no place", tc.Query.Text)
				}
				q = p.Apply(q, 50)
				center = p.Point
			}
			res := search(t, ix, q)
			got := hitIDs(res)
			if tc.MinTotal > 0 && res.Total < tc.MinTotal {
				t.Errorf("total = %d, want at least %d", res.Total, tc.MinTotal)
			}
			if tc.MaxTotal > 0 && res.Total > tc.MaxTotal {
				t.Errorf("total = %d, want at most %d (hits %v)", res.Total, tc.MaxTotal, got)
			}
			if tc.Want != nil && len(res.Hits) == 0 {
				t.Fatalf("no hit, want %v", tc.Want)
			}
			top := got[:min(tc.Top, len(got))]
			for _, id := range tc.Want {
				if !slices.Contains(top, id) {
					t.Errorf("%s not in the first %d hits %v", id, tc.Top, describe(res, tc.Top))
				}
			}
			absentTop := got[:min(tc.AbsentTop, len(got))]
			for _, id := range tc.Absent {
				if slices.Contains(absentTop, id) {
					t.Errorf("%s is in the first %d hits %v, want it further", id, tc.AbsentTop, describe(res, tc.AbsentTop))
				}
			}
			for _, other := range tc.SameAs {
				q2 := q
				q2.Text = other
				if got2 := hitIDs(search(t, ix, q2)); !slices.Equal(got, got2) {
					t.Errorf("%q gives %v, %q gives %v: want the same", q.Text, got, other, got2)
				}
			}
			for _, other := range tc.SameAsSet {
				q2 := q
				q2.Text = other
				got2 := hitIDs(search(t, ix, q2))
				a, b := slices.Clone(got), slices.Clone(got2)
				sort.Strings(a)
				sort.Strings(b)
				if !slices.Equal(a, b) {
					t.Errorf("%q gives %v, %q gives %v: want the same set", q.Text, got, other, got2)
				}
			}
			if tc.TiesByDistance {
				checkTies(t, res)
			}
			if tc.WithinRadius || tc.SortedByDistance {
				checkDistances(t, res, center, q.RadiusKm, tc.WithinRadius, tc.SortedByDistance)
			}
		})
	}
}

// checkDistances verifies, with the reference great-circle formula, that
// every hit lies within radiusKm of center and, if asked, that hits come
// nearest first.
func checkDistances(t *testing.T, res index.Results, center index.Point, radiusKm float64, within, sorted bool) {
	t.Helper()
	prev := -1.0
	for i, h := range res.Hits {
		if !h.HasGeo || h.DistanceKm == nil {
			t.Errorf("hit %d %s (%s) has no coordinates or distance", i, h.ID, h.Name)
			continue
		}
		d := data.DistanceKm(center.Lat, center.Lon, h.Lat, h.Lon)
		if diff := d - *h.DistanceKm; diff > 1e-6 || diff < -1e-6 {
			t.Errorf("hit %s: DistanceKm = %.3f, great-circle distance is %.3f", h.ID, *h.DistanceKm, d)
		}
		if within && d > radiusKm {
			t.Errorf("hit %s (%s, %s) is %.3f km away, beyond the %.0f km radius", h.ID, h.Name, h.Commune, d, radiusKm)
		}
		if sorted && d < prev {
			t.Errorf("hit %d %s at %.3f km comes after one at %.3f km", i, h.ID, d, prev)
		}
		prev = d
	}
}

func describe(res index.Results, n int) []string {
	var out []string
	for i, h := range res.Hits {
		if i == n {
			break
		}
		out = append(out, h.ID+" "+h.Name)
	}
	return out
}

// checkTies verifies that hits of equal score come nearest first.
func checkTies(t *testing.T, res index.Results) {
	t.Helper()
	for i := 1; i < len(res.Hits); i++ {
		a, b := res.Hits[i-1], res.Hits[i]
		if a.DistanceKm == nil || b.DistanceKm == nil {
			t.Fatalf("hits %s and %s: no distance", a.ID, b.ID)
		}
		if a.Score == b.Score && *a.DistanceKm > *b.DistanceKm {
			t.Errorf("hit %d %s (%.0f km) comes after %s (%.0f km) with the same score %g",
				i, b.Name, *b.DistanceKm, a.Name, *a.DistanceKm, a.Score)
		}
		if a.Score < b.Score {
			t.Errorf("hit %d %s (score %g) comes after %s (score %g)", i, b.Name, b.Score, a.Name, a.Score)
		}
	}
}
