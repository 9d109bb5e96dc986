package index_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"fabrique/data"
	"fabrique/index"
)

// alertIDs runs AlertMatches and returns the sorted ids.
func alertIDs(t *testing.T, ti *index.TenderIndex, p data.AlertProfile, w index.AlertWindow) []string {
	t.Helper()
	if w.Limit == 0 {
		w.Limit = 1000
	}
	hits, err := ti.AlertMatches(context.Background(), p, w)
	if err != nil {
		t.Fatalf("AlertMatches(%+v): %v", p, err)
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Tender.ID
	}
	slices.Sort(ids)
	return ids
}

// textOf is a tender's searchable text, lower-cased.
func textOf(x *data.Tender) string {
	parts := []string{x.Title, x.Description, x.Buyer.Name}
	for _, l := range x.Lots {
		parts = append(parts, l.Title, l.Description)
	}
	return strings.ToLower(strings.Join(parts, " "))
}

// TestAlertMatchesAgreesWithTheStore runs each criterion of a profile on
// the real notices, through the index and over the stored tenders.
func TestAlertMatchesAgreesWithTheStore(t *testing.T) {
	ti, tenders, at := tenderIndexOf(t)
	var withPlace, withCPV *data.Tender
	var published []time.Time
	for i := range tenders {
		x := &tenders[i]
		if p := data.ResolvePlace(x.Place); withPlace == nil && p.Lat != 0 {
			withPlace = x
		}
		if withCPV == nil && x.CPV != "" && !strings.HasSuffix(x.CPV, "000000") {
			withCPV = x
		}
		if !x.PublishedAt.IsZero() {
			published = append(published, x.PublishedAt)
		}
	}
	if withPlace == nil || withCPV == nil || len(published) < 10 {
		t.Fatal("corpus without placed, coded or dated tenders")
	}
	slices.SortFunc(published, time.Time.Compare)
	from := published[len(published)/2]
	// The open case reads the corpus an hour before the deadline of a call
	// with lots (at the median deadline, only announced ones had lots).
	openLotsAt := at
	for i := range tenders {
		x := &tenders[i]
		if len(x.Lots) > 0 && x.Outcome() == "" && !x.Deadline.IsZero() &&
			(x.Procedure == data.ProcedureAdapted || x.Procedure == data.ProcedureOpen) {
			openLotsAt = x.Deadline.Add(-time.Hour)
			break
		}
	}
	division := withCPV.CPV[:2]
	dep := data.ResolvePlace(withPlace.Place).Departement
	region := ""
	if d, ok := data.LookupDepartement(dep); ok {
		region = d.Region
	}
	inArea := func(x *data.Tender, keep func(data.Place) bool) bool {
		return keep(data.ResolvePlace(x.Place)) || slices.ContainsFunc(x.Lots, func(l data.Lot) bool { return keep(data.ResolvePlace(l.Place)) })
	}
	// A tender without declared codes is found by its inferred ones, as on
	// the tenders page (index.IndexedInferredCPV).
	hasCode := func(x *data.Tender, keep func(string) bool) bool {
		return slices.ContainsFunc(x.CPVCodes(), keep) || slices.ContainsFunc(index.IndexedInferredCPV(x), keep)
	}
	base := data.AlertProfile{AccountID: "a", Name: "test"}
	with := func(edit func(p *data.AlertProfile)) data.AlertProfile {
		p := base
		edit(&p)
		return p
	}
	tests := []struct {
		name string
		p    data.AlertProfile
		w    index.AlertWindow
		want func(*data.Tender) bool
	}{
		{"CPV " + withCPV.CPV + " alone", with(func(p *data.AlertProfile) { p.CPV = []data.AlertCPV{{Code: withCPV.CPV}} }), index.AlertWindow{},
			func(x *data.Tender) bool { return slices.Contains(x.CPVCodes(), withCPV.CPV) }},
		{"CPV division " + division + " with children", with(func(p *data.AlertProfile) {
			p.CPV = []data.AlertCPV{{Code: division + "000000", WithChildren: true}}
		}), index.AlertWindow{},
			func(x *data.Tender) bool {
				return hasCode(x, func(c string) bool { return strings.HasPrefix(c, division) })
			}},
		{"CPV division " + division + " alone", with(func(p *data.AlertProfile) { p.CPV = []data.AlertCPV{{Code: division + "000000"}} }), index.AlertWindow{},
			func(x *data.Tender) bool { return slices.Contains(x.CPVCodes(), division+"000000") }},
		{"département " + dep, with(func(p *data.AlertProfile) { p.Departements = []string{dep} }), index.AlertWindow{},
			func(x *data.Tender) bool { return inArea(x, func(p data.Place) bool { return p.Departement == dep }) }},
		{"région " + region, with(func(p *data.AlertProfile) { p.Regions = []string{region} }), index.AlertWindow{},
			func(x *data.Tender) bool {
				return inArea(x, func(p data.Place) bool {
					if p.Departement == "" { // a place known by its région alone (BOAMP « 75, 92, 93… »)
						r, ok := data.RegionOfNUTS(p.NUTS)
						return ok && r == region
					}
					d, _ := data.LookupDepartement(p.Departement)
					return d.Region == region
				})
			}},
		{"value from 50 000 to 500 000 €", with(func(p *data.AlertProfile) { p.Departements, p.ValueMin, p.ValueMax = nil, 50000, 500000 }), index.AlertWindow{},
			func(x *data.Tender) bool { return x.EstimatedValue >= 50000 && x.EstimatedValue <= 500000 }},
		{"MAPA with lots, open", with(func(p *data.AlertProfile) {
			p.Procedures, p.LotsOnly = []string{data.ProcedureAdapted, data.ProcedureOpen}, true
		}),
			index.AlertWindow{Statuses: []data.TenderStatus{data.StatusOpen}, At: openLotsAt},
			func(x *data.Tender) bool {
				return (x.Procedure == data.ProcedureAdapted || x.Procedure == data.ProcedureOpen) && len(x.Lots) > 0 && x.StatusAt(openLotsAt) == data.StatusOpen
			}},
		{"published since the median", base, index.AlertWindow{PublishedFrom: from},
			func(x *data.Tender) bool { return !x.PublishedAt.Before(from) }},
		{"deadline in the 30 days after", base, index.AlertWindow{DeadlineFrom: at, DeadlineTo: at.AddDate(0, 0, 30)},
			func(x *data.Tender) bool { return !x.Deadline.Before(at) && x.Deadline.Before(at.AddDate(0, 0, 30)) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var want []string
			for i := range tenders {
				if tc.want(&tenders[i]) {
					want = append(want, tenders[i].ID)
				}
			}
			slices.Sort(want)
			got := alertIDs(t, ti, tc.p, tc.w)
			if !slices.Equal(got, want) {
				t.Errorf("got %d %v;\nwant %d %v", len(got), got, len(want), want)
			}
			if len(want) == 0 {
				t.Error("the case selects nothing in the corpus: it tests nothing")
			}
		})
	}

	t.Run("radius", func(t *testing.T) {
		c := data.ResolvePlace(withPlace.Place)
		p := with(func(p *data.AlertProfile) { p.Near, p.RadiusKm = &data.Place{Lat: c.Lat, Lon: c.Lon}, 25 })
		got := alertIDs(t, ti, p, index.AlertWindow{})
		if !slices.Contains(got, withPlace.ID) {
			t.Errorf("%s, at the centre, not selected", withPlace.ID)
		}
		for i := range tenders {
			x := data.ResolvePlace(tenders[i].Place)
			if x.Lat == 0 && x.Lon == 0 {
				continue
			}
			d := data.DistanceKm(c.Lat, c.Lon, x.Lat, x.Lon)
			if in := slices.Contains(got, tenders[i].ID); (d < 24.5 && !in) || (d > 25.5 && in) {
				t.Errorf("%s at %.1f km: selected %v", tenders[i].ID, d, in)
			}
		}
	})
}

// TestAlertMatchesWords checks keywords, exclusions and phrases on a real
// notice's title.
func TestAlertMatchesWords(t *testing.T) {
	ti, tenders, _ := tenderIndexOf(t)
	long := func(w string) bool {
		return len([]rune(w)) >= 6 && !strings.ContainsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
	}
	// A tender whose title has two long words side by side, and a third.
	var x *data.Tender
	var a, b, c string
	for i := range tenders {
		words := strings.Fields(strings.ToLower(tenders[i].Title))
		for j := 0; j+1 < len(words) && x == nil; j++ {
			if !long(words[j]) || !long(words[j+1]) {
				continue
			}
			for k, w := range words {
				if k != j && k != j+1 && long(w) && w != words[j] && w != words[j+1] {
					x, a, b, c = &tenders[i], words[j], words[j+1], w
					break
				}
			}
		}
		if x != nil {
			break
		}
	}
	if x == nil {
		t.Fatal("no title with three long words")
	}
	profile := func(keywords string, exclude ...string) data.AlertProfile {
		return data.AlertProfile{AccountID: "a", Name: "t", Keywords: keywords, Exclude: exclude}
	}
	byWord := alertIDs(t, ti, profile(a), index.AlertWindow{})
	res, search := allTenderHits(t, ti, index.TenderQuery{Text: a})
	slices.Sort(search)
	if !slices.Contains(byWord, x.ID) || !slices.Equal(byWord, search) || int(res.Total) != len(search) {
		t.Fatalf("keyword %q: %v; the tenders page finds %v (and %s must be among them)", a, byWord, search, x.ID)
	}
	excluded := alertIDs(t, ti, profile(a, c), index.AlertWindow{})
	if slices.Contains(excluded, x.ID) {
		t.Errorf("excluding %q kept %s (%q)", c, x.ID, x.Title)
	}
	for _, id := range byWord {
		i := slices.IndexFunc(tenders, func(y data.Tender) bool { return y.ID == id })
		kept := slices.Contains(excluded, id)
		has := strings.Contains(textOf(&tenders[i]), c[:5])
		if kept && has && strings.Contains(textOf(&tenders[i]), " "+c) {
			t.Errorf("excluding %q kept %s, whose text has it", c, id)
		}
		if !kept && !has {
			t.Errorf("excluding %q dropped %s, whose text lacks it", c, id)
		}
	}
	if len(excluded) >= len(byWord) {
		t.Errorf("the exclusion dropped nothing")
	}

	phrase := alertIDs(t, ti, profile(`"`+a+" "+b+`"`), index.AlertWindow{})
	if !slices.Contains(phrase, x.ID) {
		t.Errorf("phrase %q does not select %s (%q)", a+" "+b, x.ID, x.Title)
	}
	reversed := alertIDs(t, ti, profile(`"`+b+" "+a+`"`), index.AlertWindow{})
	both := alertIDs(t, ti, profile(b+" "+a), index.AlertWindow{})
	if !slices.Contains(both, x.ID) || slices.Contains(reversed, x.ID) && !strings.Contains(textOf(x), b+" "+a) {
		t.Errorf("phrase %q: %v; words alone: %v", b+" "+a, reversed, both)
	}
	for _, id := range phrase {
		if !slices.Contains(both, id) {
			t.Errorf("phrase selects %s, which lacks its words", id)
		}
	}
}

// FuzzAlertKeywords: whatever keywords an alert profile accepts
// (data.AlertProfile.Normalize counts characters), AlertMatches takes them
// — its text limit was once counted in bytes, and 300 accented characters
// were refused at the preview with a bare error.
func FuzzAlertKeywords(f *testing.F) {
	ti := openTenders(f, "", time.Now())
	f.Add("menuiserie \"bois massif\"")
	f.Add(strings.Repeat("é", data.MaxAlertKeywords))
	f.Add(strings.Repeat("décolletage ", data.MaxAlertKeywords/len([]rune("décolletage "))))
	f.Add(strings.Repeat("𝔸", data.MaxAlertKeywords))
	f.Fuzz(func(t *testing.T, keywords string) {
		p := data.AlertProfile{AccountID: "a", Name: "t", Keywords: keywords}
		if p.Normalize() != nil {
			return
		}
		if _, err := ti.AlertMatches(context.Background(), p, index.AlertWindow{}); err != nil {
			t.Fatalf("keywords of %d characters, %d bytes: %v", len([]rune(p.Keywords)), len(p.Keywords), err)
		}
	})
}
