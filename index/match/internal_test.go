package match

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func TestCapacity(t *testing.T) {
	tests := []struct {
		name      string
		band      string
		value     float64
		want      float64
		wantKnown bool
	}{
		{"unknown band is neutral", "", 500_000, capacityNeutral, false},
		{"unknown value is neutral", "11", 0, capacityNeutral, false},
		// 10–19 employees ≈ 13.8 × 150 k€ ≈ 2.1 M€ ≥ 2 × 450 k€
		{"comfortable", "11", 450_000, 1, true},
		// 1–2 employees ≈ 1.4 × 150 k€ ≈ 212 k€; bar 2 × 212 k€ = 424 k€: half → 1 − 1/3
		{"one halving short", "01", 212_132, 1 - 1.0/3, true},
		{"far too small hits the floor", "01", 50_000_000, capacityFloor, true},
		{"non-employer counts its owner", "NN", 10_000, 1, true},
		{"open-ended band", "53", 100_000_000, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, r, known := Capacity(tt.band, tt.value)
			if known != tt.wantKnown || math.Abs(got-tt.want) > 0.01 {
				t.Errorf("Capacity(%q, %g) = %.3f, known %v; want %.3f, %v", tt.band, tt.value, got, known, tt.want, tt.wantKnown)
			}
			if known && !strings.Contains(r.String(), "pour un marché estimé à") {
				t.Errorf("reason %q does not say the value", r.String())
			}
		})
	}
}

func TestFormatEuros(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{{450000, "450\u00a0000\u00a0€"}, {999, "999\u00a0€"}, {1234567.6, "1\u00a0234\u00a0568\u00a0€"}} {
		if got := formatEuros(tt.v); got != tt.want {
			t.Errorf("formatEuros(%g) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestCPVCloseness(t *testing.T) {
	tests := []struct {
		name, a, b string
		want       float64
	}{
		{"same code", "45212350", "45212350", fitCPVExact},
		{"same category", "45212350", "45212300", fitCPVCategory},
		{"same class", "45212350", "45210000", fitCPVClass},
		{"same group", "45212350", "45200000", fitCPVGroup},
		{"same division", "45212350", "45000000", fitCPVDivision},
		{"other division", "45212350", "39100000", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cpvCloseness(tt.a, tt.b); got != tt.want {
				t.Errorf("cpvCloseness(%s, %s) = %g, want %g", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		name      string
		cpvs      []string
		sup       data.Supplier
		univers   []string
		want      float64
		wantKinds []data.ReasonKind
	}{
		{"declared code wins", []string{"45212350"}, data.Supplier{CPVDeclared: []string{"45212350-4"}, NAF: "43.99C"},
			nil, fitCPVExact, []data.ReasonKind{data.ReasonCPV}},
		{"primary NAF fit", []string{"45212350"}, data.Supplier{NAF: "43.99C"}, nil, fitNAFPrimary,
			[]data.ReasonKind{data.ReasonCPVFromNAF}},
		{"secondary NAF fit", []string{"45212350"}, data.Supplier{NAF: "23.19Z"}, nil, fitNAFSecondary,
			[]data.ReasonKind{data.ReasonCPVFromNAF}},
		{"NAF and univers combine", []string{"45212350"}, data.Supplier{NAF: "43.99C"},
			[]string{"Architecture et patrimoine bâti"}, 1 - (1-fitNAFPrimary)*(1-FitUniversPrimary),
			[]data.ReasonKind{data.ReasonCPVFromNAF, ReasonUnivers}},
		{"univers alone", []string{"39100000"}, data.Supplier{NAF: "90.03A"}, []string{"Ameublement et décoration"},
			FitUniversPrimary, []data.ReasonKind{ReasonUnivers}},
		{"additional code is discounted", []string{"39100000", "45212350"}, data.Supplier{NAF: "43.99C"}, nil,
			additionalCPV * fitNAFPrimary, []data.ReasonKind{data.ReasonCPVFromNAF}},
		{"no fit", []string{"45212350"}, data.Supplier{NAF: "10.71C"}, []string{"Gastronomie"}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fit := classify(tt.cpvs, nil, &tt.sup, tt.univers, nil)
			got, reasons := fit.value, fit.reasons(&tt.sup)
			if math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("classify = %g, want %g", got, tt.want)
			}
			var kinds []data.ReasonKind
			sum := 0.0
			for _, r := range reasons {
				kinds = append(kinds, r.Kind)
				sum += r.Weight
			}
			if len(kinds) != len(tt.wantKinds) || (len(kinds) > 0 && strings.Join(kindStrings(kinds), ",") != strings.Join(kindStrings(tt.wantKinds), ",")) {
				t.Errorf("reasons %v, want %v", kinds, tt.wantKinds)
			}
			if math.Abs(sum-got) > 1e-9 {
				t.Errorf("reason weights add up to %g, want the value %g", sum, got)
			}
		})
	}
}

func kindStrings(k []data.ReasonKind) []string {
	out := make([]string, len(k))
	for i, x := range k {
		out[i] = string(x)
	}
	return out
}

func TestGeography(t *testing.T) {
	lyon := ResolvePlace(data.Place{Postcode: "69001"})
	at := func(lat, lon float64) *Candidate {
		return &Candidate{lat: lat, lon: lon, HasPoint: true}
	}
	works := &Need{Place: lyon, HasPoint: true, nature: data.NatureWorks}
	supplies := &Need{Place: lyon, HasPoint: true, nature: data.NatureSupplies}
	paris := at(48.8566, 2.3522) // ≈ 392 km from Lyon

	tests := []struct {
		name      string
		n         *Need
		c         *Candidate
		want      float64
		wantFirst data.ReasonKind
	}{
		{"next door", works, at(lyon.Lat, lyon.Lon), 1, data.ReasonDistance},
		{"works decay", works, paris, math.Exp(-392 / decayWorksKm), data.ReasonDistance},
		{"supplies decay gentler", supplies, paris, math.Exp(-392 / decaySuppliesKm), data.ReasonDistance},
		{"no place is neutral", &Need{}, paris, GeoNoPlace, ""},
		{"supplier without a place", works, &Candidate{}, GeoUnknownSupplier, ""},
		{"France entière covers", works, withArea(paris, data.ServiceArea{Kind: data.ServiceAreaFrance}), 1,
			data.ReasonServiceArea},
		{"département list covers", works, withArea(paris, data.ServiceArea{Kind: data.ServiceAreaDepartements,
			Codes: []string{"75", "69"}}), 1, data.ReasonServiceArea},
		{"région covers", works, withArea(paris, data.ServiceArea{Kind: data.ServiceAreaRegions, Codes: []string{"84"}}), 1,
			data.ReasonServiceArea},
		{"radius too short halves the decay", works, withArea(paris, data.ServiceArea{Kind: data.ServiceAreaRadius,
			RadiusKm: 100}), areaMissFactor * math.Exp(-392/decayWorksKm), data.ReasonDistance},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := geography(tt.n, tt.c, false)
			if math.Abs(g.value-tt.want) > 0.02 {
				t.Errorf("geography = %.3f, want %.3f", g.value, tt.want)
			}
			var first data.ReasonKind
			if rs := g.reasons(); len(rs) > 0 {
				first = rs[0].Kind
			}
			if first != tt.wantFirst {
				t.Errorf("first reason %q, want %q", first, tt.wantFirst)
			}
		})
	}
}

func withArea(c *Candidate, a data.ServiceArea) *Candidate {
	cc := *c
	cc.sup.ServiceArea = a
	return &cc
}

func TestValidLabels(t *testing.T) {
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	labels := []data.Label{
		{Type: data.LabelEPV, GrantedAt: day("2021-03-01"), ExpiresAt: day("2026-03-01")},
		{Type: data.LabelEPV, GrantedAt: day("2025-03-01"), ExpiresAt: day("2030-03-01")},
		{Type: data.LabelOFG, GrantedAt: day("2020-01-01"), ExpiresAt: day("2024-01-01")},
	}
	got := ValidLabels(labels, day("2026-04-15"))
	if len(got) != 1 || got[0].Label != data.LabelEPV {
		t.Fatalf("ValidLabels = %+v, want the EPV label only (OFG expired)", got)
	}
	if want := "label EPV valide jusqu'au 01/03/2030"; got[0].String() != want {
		t.Errorf("reason %q, want %q", got[0].String(), want)
	}
	if got := ValidLabels(labels, day("2019-01-01")); len(got) != 0 {
		t.Errorf("before any grant: %+v, want none", got)
	}
}

func TestPhrases(t *testing.T) {
	text := "Restauration de la façade en pierre de taille, vitraux et pierre-de-Bourgogne"
	parts := []TextPart{{text, 1}}
	mk := func(word string) Term {
		i := strings.Index(text, word)
		return Term{Surface: strings.ToLower(word), Part: 0, Start: i, End: i + len(word), Pos: strings.Count(text[:i], " ") + 1}
	}
	terms := []Term{mk("Restauration"), mk("façade"), mk("pierre"), mk("taille"), mk("vitraux")}
	q := &TermSet{terms: terms}
	tests := []struct {
		name string
		bits uint64
		want []string
	}{
		{"adjacent with a preposition", 1<<2 | 1<<3, []string{"pierre de taille"}},
		{"apart", 1<<0 | 1<<4, []string{"restauration", "vitraux"}},
		{"not across a comma", 1<<3 | 1<<4, []string{"taille", "vitraux"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := q.phrases(tt.bits, parts); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("phrases = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFoldPrefix(t *testing.T) {
	for _, tt := range []struct{ in, two, three string }{
		{"Église", "eg", "egl"}, {"ŒUVRE", "oeu", "oeuv"}, {"a", "a", "a"}, {"vitraux", "vi", "vit"},
	} {
		var buf [16]byte
		n2, n3 := foldPrefix(tt.in, &buf)
		if string(buf[:n2]) != tt.two || string(buf[:n3]) != tt.three {
			t.Errorf("foldPrefix(%q) = %q, %q; want %q, %q", tt.in, buf[:n2], buf[:n3], tt.two, tt.three)
		}
	}
}

// TestInferredCPVWeighsLess checks that a tender without CPV code gets the
// codes data.InferCPV deduces, which weigh less than the same code
// declared, and say so in their reasons.
func TestInferredCPVWeighsLess(t *testing.T) {
	now := time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC)
	tender := data.Tender{Title: "Fourniture de mobilier de bureau en bois massif", Place: data.Place{Departement: "69"}}
	needs, err := NeedsOf(tender, now, now)
	if err != nil {
		t.Fatal(err)
	}
	n := needs[0]
	furniture := slices.IndexFunc(n.cpvs, func(c string) bool { return data.CPVDivision(c) == "39" })
	if furniture < 0 || len(n.inferred) != len(n.cpvs) {
		t.Fatalf("inferred codes %v (weights %v), want furniture (division 39) among them, each weighed", n.cpvs, n.inferred)
	}
	n.cpvs, n.inferred = n.cpvs[furniture:furniture+1], n.inferred[furniture:furniture+1]
	for _, w := range n.inferred {
		if w <= 0 || w > inferredCPVWeight {
			t.Errorf("inferred weight %.2f, want in (0, %.2f]", w, inferredCPVWeight)
		}
	}
	declared := tender
	declared.CPV = n.cpvs[0]
	dn, err := NeedsOf(declared, now, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(dn[0].inferred) != 0 {
		t.Fatalf("declared code marked inferred: %v", dn[0].inferred)
	}
	joiner := data.Supplier{NAF: "31.09B"}
	got, want := classify(n.cpvs, n.inferred, &joiner, nil, nil), classify(dn[0].cpvs, nil, &joiner, nil, nil)
	if got.value <= 0 || got.value >= want.value {
		t.Errorf("inferred fit %.2f, declared %.2f: want 0 < inferred < declared", got.value, want.value)
	}
	rs := got.reasons(&joiner)
	if len(rs) == 0 || !rs[0].TenderCPVInferred || !strings.Contains(rs[0].String(), "CPV déduit") {
		t.Errorf("reasons %+v, want a « CPV déduit » reason", rs)
	}
}

// TestLearnedLinkDoesNotVouchForName: a link learned from a few awards
// makes a trade fit, but does not back the words of a company's name
// (« Espaces » of a plasterer with two road-works awards for « VRD -
// Espaces extérieurs »); a curated fit, a declared code or a won one does.
func TestLearnedLinkDoesNotVouchForName(t *testing.T) {
	links := data.LearnCPVNAFLinks([]data.WonAward{
		{AwardID: "a1", CPV: "45233000", SIREN: "111111111", NAF: "43.31Z"},
		{AwardID: "a2", CPV: "45233140", SIREN: "222222222", NAF: "43.31Z"},
	})
	for _, tc := range []struct {
		name         string
		sup          data.Supplier
		trade, vouch bool
	}{
		{"plasterer by a learned link", data.Supplier{NAF: "43.31Z"}, true, false},
		{"road builder by the curated table", data.Supplier{NAF: "42.11Z"}, true, true},
		{"declared code", data.Supplier{NAF: "43.31Z", CPVDeclared: []string{"45233140"}}, true, true},
		{"no fit", data.Supplier{NAF: "10.71C"}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fit := classify([]string{"45233000"}, nil, &tc.sup, nil, links)
			if fit.tradeFits() != tc.trade || fit.vouchesForName() != tc.vouch {
				t.Errorf("tradeFits %v, vouchesForName %v; want %v, %v", fit.tradeFits(), fit.vouchesForName(), tc.trade, tc.vouch)
			}
		})
	}
}
