package index_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"fabrique/data"
	"fabrique/index"
)

func TestTendersForDeclaredCPV(t *testing.T) {
	ti, tenders, at := tenderIndexOf(t)
	var target data.Tender
	for _, x := range tenders {
		if x.StatusAt(at) == data.StatusOpen && x.CPV != "" && data.ResolvePlace(x.Place).Departement != "" {
			target = x
			break
		}
	}
	if target.ID == "" {
		t.Fatal("no open tender with a CPV code and a place")
	}
	dep := data.ResolvePlace(target.Place).Departement
	sup := epvSuppliers(t)[0]
	sup.CPVDeclared = []string{target.CPV}
	sup.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaDepartements, Codes: []string{dep}}

	res, err := ti.TendersFor(context.Background(), sup, index.TendersForOptions{At: at, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(res.Fits, func(f index.TenderFit) bool { return f.Tender.ID == target.ID })
	if i < 0 {
		t.Fatalf("%s (CPV %s, %s) not proposed to a company declaring both: %+v", target.ID, target.CPV, dep, res)
	}
	got := res.Fits[i]
	var text []string
	for _, r := range got.Reasons {
		text = append(text, reasonText(r))
	}
	joined := strings.Join(text, " ; ")
	for _, want := range []string{"CPV " + target.CPV, "déclaré par l'entreprise", "zone d'intervention déclarée : département " + dep} {
		if !strings.Contains(joined, want) {
			t.Errorf("reasons %q lack %q", joined, want)
		}
	}
	for k, f := range res.Fits {
		if f.Tender.StatusAt(at) != data.StatusOpen {
			t.Errorf("%s proposed but %s", f.Tender.ID, f.Tender.StatusAt(at))
		}
		if p := data.ResolvePlace(f.Tender.Place); p.Departement != "" && p.Departement != dep && !slices.ContainsFunc(f.Tender.Lots, func(l data.Lot) bool {
			return data.ResolvePlace(l.Place).Departement == dep
		}) {
			t.Errorf("%s in %s proposed outside the declared département %s", f.Tender.ID, p.Departement, dep)
		}
		if len(f.Reasons) == 0 || f.Score <= 0 || f.Score > 1 {
			t.Errorf("%s: score %v, reasons %v", f.Tender.ID, f.Score, f.Reasons)
		}
		if k > 0 && res.Fits[k-1].Score+0.05 < f.Score {
			t.Errorf("%s (%.3f) after %s (%.3f): not by fit", f.Tender.ID, f.Score, res.Fits[k-1].Tender.ID, res.Fits[k-1].Score)
		}
	}
	if len(res.Basis) == 0 || !strings.Contains(strings.Join(res.Basis, " "), target.CPV) {
		t.Errorf("basis %v does not name the declared code", res.Basis)
	}

	// « Pas pour nous »: set aside, it is gone and counted.
	again, err := ti.TendersFor(context.Background(), sup, index.TendersForOptions{At: at, Limit: 100, Exclude: []string{target.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(again.Fits, func(f index.TenderFit) bool { return f.Tender.ID == target.ID }) || again.Hidden != 1 {
		t.Errorf("excluded %s still proposed (hidden %d)", target.ID, again.Hidden)
	}

	// Another département only: the tender is outside the declared area.
	other := "2A"
	if dep == other {
		other = "2B"
	}
	sup.ServiceArea.Codes = []string{other}
	far, err := ti.TendersFor(context.Background(), sup, index.TendersForOptions{At: at, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(far.Fits, func(f index.TenderFit) bool { return f.Tender.ID == target.ID }) {
		t.Errorf("%s in %s proposed to a company working only in %s", target.ID, dep, other)
	}
}

// TestTendersForEPVCompanies runs the matcher for every real EPV company
// on the real notices: whatever is proposed is open, explained, ordered.
func TestTendersForEPVCompanies(t *testing.T) {
	ti, _, at := tenderIndexOf(t)
	withFits := 0
	for _, s := range epvSuppliers(t) {
		res, err := ti.TendersFor(context.Background(), s, index.TendersForOptions{At: at})
		if err != nil {
			t.Fatalf("%s: %v", s.ID, err)
		}
		if len(res.Fits) > 0 {
			withFits++
		}
		if len(res.Missing) == 0 {
			t.Errorf("%s declares no CPV code, yet nothing is said to be missing", s.ID)
		}
		for k, f := range res.Fits {
			if f.Tender.StatusAt(at) != data.StatusOpen || len(f.Reasons) == 0 {
				t.Errorf("%s: %s proposed, status %s, reasons %v", s.ID, f.Tender.ID, f.Tender.StatusAt(at), f.Reasons)
			}
			for _, r := range f.Reasons {
				if reasonText(r) == "" {
					t.Errorf("%s: empty reason %+v", s.ID, r)
				}
			}
			if k > 0 && res.Fits[k-1].Score+0.05 < f.Score {
				t.Errorf("%s: not ordered by fit", s.ID)
			}
		}
	}
	if withFits == 0 {
		t.Error("no EPV company gets any tender: the matcher finds nothing from NAF codes and trades")
	}
	t.Logf("%d EPV companies get at least one open tender", withFits)
}

// TestTendersForLots: a company whose code is only a lot's sees the lot.
func TestTendersForLots(t *testing.T) {
	ti, tenders, at := tenderIndexOf(t)
	for _, x := range tenders {
		if x.StatusAt(at) != data.StatusOpen || len(x.Lots) < 2 || data.ResolvePlace(x.Place).Abroad() {
			continue
		}
		for _, l := range x.Lots {
			// A lot performed abroad (a TED notice of Luxembourg) is no
			// work for a company serving France.
			if l.CPV == "" || l.CPV == x.CPV || slices.Contains(x.CPVAdditional, l.CPV) || data.ResolvePlace(l.Place).Abroad() {
				continue
			}
			sup := data.Supplier{ID: "x1", Name: "Atelier d'essai", CPVDeclared: []string{l.CPV},
				ServiceArea: data.ServiceArea{Kind: data.ServiceAreaFrance}}
			res, err := ti.TendersFor(context.Background(), sup, index.TendersForOptions{At: at, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(res.Fits, func(f index.TenderFit) bool { return f.Tender.ID == x.ID })
			if i < 0 {
				t.Fatalf("lot %s of %s (CPV %s) not proposed", l.ID, x.ID, l.CPV)
			}
			if !slices.ContainsFunc(res.Fits[i].Lots, func(lf index.LotFit) bool { return lf.ID == l.ID && len(lf.Reasons) > 0 }) {
				t.Errorf("lot %s not named among the fitting lots: %+v", l.ID, res.Fits[i].Lots)
			}
			return
		}
	}
	t.Skip("no open tender with a lot of its own CPV code in the corpus at this time")
}

// reasonText is what a page shows of a reason.
func reasonText(r data.Reason) string {
	if r.Text != "" {
		return r.Text
	}
	return r.String()
}

// TestTendersForAbroad: a notice placed abroad (a foreign NUTS code, as
// TED gives it) is outside any declared service area, « France entière »
// included, even with the company's own CPV code.
func TestTendersForAbroad(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	ti := tendersOf(t, at,
		data.Tender{ID: "boamp:26-1", Source: "boamp", SourceID: "26-1", Title: "Grilles de la mairie", CPV: "45421000",
			Place: data.Place{Departement: "36"}, Deadline: at.AddDate(0, 0, 20), State: data.StateOpen},
		data.Tender{ID: "ted:1-2026", Source: "ted", SourceID: "1-2026", Title: "Grilles de l'hôtel de ville", CPV: "45421000",
			Place: data.Place{NUTS: "EL301"}, Deadline: at.AddDate(0, 0, 20), State: data.StateOpen},
	)
	for _, area := range []data.ServiceArea{
		{Kind: data.ServiceAreaRegions, Codes: []string{"24", "84"}},
		{Kind: data.ServiceAreaFrance},
	} {
		sup := data.Supplier{ID: "x1", Name: "Serrurerie d'essai", CPVDeclared: []string{"45421000"}, ServiceArea: area,
			Address: data.Address{Departement: "36"}}
		res, err := ti.TendersFor(ctx, sup, index.TendersForOptions{At: at, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		ids := fitIDs(res.Fits)
		if !slices.Contains(ids, "boamp:26-1") || slices.Contains(ids, "ted:1-2026") {
			t.Errorf("area %+v: proposed %v, want the tender of Indre and not the one in Greece", area, ids)
		}
	}
}

// TestTendersForAnnounced: a company that declares the code and the place
// of a prior-information notice hears of it among the purchases announced
// (not among the open tenders) while the announcement lasts, then no more.
func TestTendersForAnnounced(t *testing.T) {
	ti, tenders, _ := tenderIndexOf(t)
	var pin data.Tender
	for _, x := range tenders {
		if x.Outcome() == data.StatusAnnounced && x.CPV != "" && !x.Place.Abroad() && !x.PublishedAt.IsZero() {
			pin = x
			break
		}
	}
	if pin.ID == "" {
		t.Fatal("no prior-information notice in France with a CPV code and a date in the corpus")
	}
	sup := epvSuppliers(t)[0]
	sup.CPVDeclared = []string{pin.CPV}
	sup.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaFrance}
	has := func(res index.TendersForResult) bool {
		return slices.ContainsFunc(res.Fits, func(f index.TenderFit) bool { return f.Tender.ID == pin.ID })
	}
	ask := func(at time.Time, announced bool) index.TendersForResult {
		t.Helper()
		res, err := ti.TendersFor(context.Background(), sup, index.TendersForOptions{At: at, Limit: 100, Announced: announced})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	month := pin.PublishedAt.AddDate(0, 1, 0)
	if res := ask(month, false); has(res) {
		t.Errorf("%s (%s) proposed among the open tenders", pin.ID, pin.NoticeType)
	}
	res := ask(month, true)
	if !has(res) {
		t.Fatalf("%s (%s, CPV %s) not among the purchases announced: %+v", pin.ID, pin.NoticeType, pin.CPV, res)
	}
	for _, f := range res.Fits {
		if !f.Tender.AnnouncedAt(month) {
			t.Errorf("%s proposed as announced but %s", f.Tender.ID, f.Tender.StatusAt(month))
		}
	}
	if later := ask(pin.PublishedAt.AddDate(0, data.PriorInformationMonths, 1), true); has(later) {
		t.Errorf("%s still announced more than %d months after its publication", pin.ID, data.PriorInformationMonths)
	}
}

// TestTendersForNAFLabelElision: a NAF label writes its elisions with a
// typographic apostrophe (31.09B « Fabrication d’autres meubles et
// industries connexes de l’ameublement », MALBREL CONSERVATION's): the
// profile must search « meubles », not « d’autres » (a generic word
// behind its article, found in any notice) nor « l’ameublement » (an EPV
// univers), as the PMI's dashboard said it did.
func TestTendersForNAFLabelElision(t *testing.T) {
	ti, _, at := tenderIndexOf(t)
	sup := epvSuppliers(t)[0]
	sup.CPVDeclared, sup.Products, sup.Activities, sup.TradeNames = nil, nil, nil, nil
	sup.NAF, sup.NAFLabel = "31.09B", "Fabrication d’autres meubles et industries connexes de l’ameublement"
	res, err := ti.TendersFor(context.Background(), sup, index.TendersForOptions{At: at})
	if err != nil {
		t.Fatal(err)
	}
	var trade string
	for _, b := range res.Basis {
		if strings.HasPrefix(b, "métier : ") {
			trade = b
		}
	}
	if trade != "métier : meubles" {
		t.Errorf("basis %q, want « métier : meubles »", res.Basis)
	}
}

// TestTendersForClosed: a company that declares the code and the place
// of a real notice hears of it among the open tenders before its
// deadline, then among the tenders closed in the last twelve months
// (never among the open ones), then no more; an awarded notice is among
// them for twelve months after its publication. The same matcher
// decides: a maker of another trade is offered none of them.
func TestTendersForClosed(t *testing.T) {
	ti, tenders, _ := tenderIndexOf(t)
	var closed, awarded data.Tender
	far := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, x := range tenders {
		if x.CPV == "" || x.Place.Abroad() || data.ResolvePlace(x.Place).Departement == "" || x.PublishedAt.IsZero() {
			continue
		}
		switch x.Outcome() {
		case "":
			if closed.ID == "" && !x.Deadline.IsZero() && x.Deadline.Before(far) {
				closed = x
			}
		case data.StatusAwarded:
			if awarded.ID == "" {
				awarded = x
			}
		}
	}
	if closed.ID == "" || awarded.ID == "" {
		t.Fatalf("the corpus lacks a call (%q) or an award (%q) with a code, a place and dates", closed.ID, awarded.ID)
	}
	ask := func(sup data.Supplier, at time.Time, closedOpt bool) index.TendersForResult {
		t.Helper()
		res, err := ti.TendersFor(context.Background(), sup, index.TendersForOptions{At: at, Limit: 100, Closed: closedOpt})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	has := func(res index.TendersForResult, id string) bool {
		return slices.ContainsFunc(res.Fits, func(f index.TenderFit) bool { return f.Tender.ID == id })
	}
	for _, c := range []struct {
		target           data.Tender
		from             time.Time // when it counts as closed
		open, in, expire time.Time
	}{
		{closed, closed.Deadline, closed.Deadline.AddDate(0, 0, -1), closed.Deadline.AddDate(0, 1, 0), closed.Deadline.AddDate(0, index.RecentClosedMonths, 1)},
		{awarded, awarded.PublishedAt, time.Time{}, awarded.PublishedAt.AddDate(0, 1, 0), awarded.PublishedAt.AddDate(0, index.RecentClosedMonths, 1)},
	} {
		x := c.target
		sup := epvSuppliers(t)[0]
		sup.CPVDeclared = []string{x.CPV}
		dep := data.ResolvePlace(x.Place).Departement
		sup.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaDepartements, Codes: []string{dep}}
		if !c.open.IsZero() {
			if !has(ask(sup, c.open, false), x.ID) {
				t.Errorf("%s not open the day before its deadline", x.ID)
			}
			if has(ask(sup, c.open, true), x.ID) {
				t.Errorf("%s among the closed tenders the day before its deadline", x.ID)
			}
		}
		if has(ask(sup, c.in, false), x.ID) {
			t.Errorf("%s (%s) among the open tenders a month after %s", x.ID, x.StatusAt(c.in), c.from)
		}
		res := ask(sup, c.in, true)
		if !has(res, x.ID) {
			var ids []string
			for _, f := range res.Fits {
				ids = append(ids, f.Tender.ID)
			}
			t.Fatalf("%s (%s, CPV %s, %s) not among the recent closed tenders a month after %s: %v", x.ID, x.StatusAt(c.in), x.CPV, dep, c.from, ids)
		}
		for _, f := range res.Fits {
			if st := f.Tender.StatusAt(c.in); st != data.StatusClosed && st != data.StatusAwarded {
				t.Errorf("%s proposed as recently closed but %s", f.Tender.ID, st)
			}
		}
		if has(ask(sup, c.expire, true), x.ID) {
			t.Errorf("%s still proposed %d months after %s", x.ID, index.RecentClosedMonths, c.from)
		}
	}
	other := epvSuppliers(t)[0]
	other.CPVDeclared = []string{"33600000"} // medicines
	other.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaDepartements, Codes: []string{data.ResolvePlace(closed.Place).Departement}}
	other.Products, other.Activities, other.TradeNames, other.NAF, other.NAFLabel = nil, nil, nil, "", ""
	for _, f := range ask(other, closed.Deadline.AddDate(0, 1, 0), true).Fits {
		if !strings.HasPrefix(f.Tender.CPV, "33") && !slices.ContainsFunc(f.Tender.CPVAdditional, func(c string) bool { return strings.HasPrefix(c, "33") }) && len(f.Lots) == 0 {
			t.Errorf("a maker of medicines is offered %s (CPV %s %v)", f.Tender.ID, f.Tender.CPV, f.Tender.CPVAdditional)
		}
	}
}

// TestTendersForWonContracts: a company's track record widens its
// profile. MALBREL CONSERVATION's NAF code is furniture while it wins
// works on historic buildings: the code of a contract it won finds the
// notices of that code, which its declared codes and trade did not, with
// a reason and a basis that say so; without the track record they stay
// unproposed.
func TestTendersForWonContracts(t *testing.T) {
	ti, tenders, at := tenderIndexOf(t)
	var sup data.Supplier
	for _, s := range epvSuppliers(t) {
		if strings.HasPrefix(s.Name, "MALBREL") {
			sup = s
		}
	}
	if sup.ID == "" {
		t.Fatal("MALBREL CONSERVATION is not among the EPV companies")
	}
	sup.CPVDeclared = nil
	sup.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaFrance}
	ask := func(won []string) index.TendersForResult {
		t.Helper()
		res, err := ti.TendersFor(context.Background(), sup, index.TendersForOptions{At: at, Limit: 100, Won: won})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	has := func(res index.TendersForResult, id string) (index.TenderFit, bool) {
		i := slices.IndexFunc(res.Fits, func(f index.TenderFit) bool { return f.Tender.ID == id })
		if i < 0 {
			return index.TenderFit{}, false
		}
		return res.Fits[i], true
	}
	without := ask(nil)
	var target data.Tender
	for _, x := range tenders {
		if _, found := has(without, x.ID); !found && x.StatusAt(at) == data.StatusOpen && x.CPV != "" && !x.Place.Abroad() {
			target = x
			break
		}
	}
	if target.ID == "" {
		t.Fatal("no open tender with a CPV code that MALBREL is not already offered")
	}
	with := ask([]string{target.CPV, target.CPV, "not a code"})
	fit, found := has(with, target.ID)
	if !found {
		t.Fatalf("%s (CPV %s) not proposed to a company that won a contract of that code", target.ID, target.CPV)
	}
	var reasons []string
	for _, r := range fit.Reasons {
		reasons = append(reasons, reasonText(r))
	}
	if want := "comme un marché public remporté par l'entreprise (CPV " + target.CPV + ")"; !strings.Contains(strings.Join(reasons, " ; "), want) {
		t.Errorf("reasons %q lack %q", reasons, want)
	}
	if want := "1 code CPV d'un marché public remporté : " + target.CPV; !slices.Contains(with.Basis, want) {
		t.Errorf("basis %q lacks %q", with.Basis, want)
	}
	if !slices.ContainsFunc(with.Missing, func(m string) bool { return strings.Contains(m, "marchés publics remportés") }) {
		t.Errorf("missing %q does not say the search starts from the contracts won", with.Missing)
	}
	// A declared code that covers the won one: the won one adds nothing.
	sup.CPVDeclared = []string{target.CPV}
	if res := ask([]string{target.CPV}); slices.ContainsFunc(res.Basis, func(b string) bool { return strings.Contains(b, "remporté") }) {
		t.Errorf("basis %q counts a won code the declared one covers", res.Basis)
	}
}

// TestTendersForInferredCodes: most real BOAMP notices declare no CPV
// code, only descriptors from which data.InferCPV deduces some; the
// candidates were gathered on those codes but the fit ignored them, so a
// company declaring the very code was never offered the notice. A
// deduced code now counts for its confidence, against declared (and won)
// codes, with « CPV déduit » in the reason; never against the divisions
// a NAF code supplies.
func TestTendersForInferredCodes(t *testing.T) {
	ti, tenders, _ := tenderIndexOf(t)
	var target data.Tender
	for _, x := range tenders {
		if len(x.CPVCodes()) == 0 && len(x.ClassifyingInferredCPV()) > 0 && !x.Place.Abroad() && x.Outcome() == "" && !x.OpenUntil().IsZero() {
			target = x
			break
		}
	}
	if target.ID == "" {
		t.Fatal("no call without CPV code but with a deduced one in the corpus")
	}
	code := target.ClassifyingInferredCPV()[0]
	at := target.OpenUntil().AddDate(0, 1, 0)
	sup := epvSuppliers(t)[0]
	sup.Products, sup.Activities, sup.TradeNames, sup.NAFLabel = nil, nil, nil, ""
	sup.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaFrance}
	ask := func(s data.Supplier) (index.TenderFit, bool) {
		t.Helper()
		res, err := ti.TendersFor(context.Background(), s, index.TendersForOptions{At: at, Limit: 100, Closed: true})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(res.Fits, func(f index.TenderFit) bool { return f.Tender.ID == target.ID })
		if i < 0 {
			return index.TenderFit{}, false
		}
		return res.Fits[i], true
	}
	declared := sup
	declared.CPVDeclared = []string{code}
	fit, ok := ask(declared)
	if !ok {
		t.Fatalf("%s (no CPV code, deduced %s) not offered to a company declaring %s", target.ID, code, code)
	}
	if got := reasonText(fit.Reasons[0]); !strings.Contains(got, "CPV déduit "+code) {
		t.Errorf("first reason %q does not say the code was deduced", got)
	}
	if want := 0.45 * target.InferredCPV[0].Confidence; fit.Reasons[0].Weight > want+1e-9 {
		t.Errorf("a deduced code weighs %.3f, more than its confidence allows (%.3f)", fit.Reasons[0].Weight, want)
	}
	// The NAF code whose divisions supply the deduced code's, alone: no.
	for _, naf := range data.CPVNAFFitsFor(code) {
		byNAF := sup
		byNAF.NAF = naf.NAFDivision + ".00Z"
		if _, ok := ask(byNAF); ok {
			t.Errorf("%s offered to a company of NAF %s through its guessed code %s alone", target.ID, byNAF.NAF, code)
		}
		break
	}
}

// TestTendersForUndeclaredReach: a company that declared no service area
// is proposed the notices within its reach only (three distance decay
// scales of the contract's nature): works near it, supplies across
// mainland France, never works at the other end of France, an overseas
// collectivity or a place abroad — ENTREPRISE NEVEU (Gironde) was shown
// Saint-Barthélemy and Mayotte. The search says so in its basis.
func TestTendersForUndeclaredReach(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	open := func(id, title, cpv string, n data.Nature, place data.Place) data.Tender {
		return data.Tender{ID: "boamp:" + id, Source: "boamp", SourceID: id, Title: title, CPV: cpv, Nature: n,
			Place: place, Deadline: at.AddDate(0, 0, 20), State: data.StateOpen}
	}
	ti := tendersOf(t, at,
		open("1", "Menuiseries de l'école", "45421000", data.NatureWorks, data.Place{Departement: "33"}),
		open("2", "Menuiseries du gymnase", "45421000", data.NatureWorks, data.Place{Departement: "59"}),
		open("3", "Fourniture de fenêtres en bois", "44221000", data.NatureSupplies, data.Place{Departement: "59"}),
		open("4", "Fourniture de fenêtres en bois", "44221000", data.NatureSupplies, data.Place{Departement: "976"}),
		open("5", "Menuiseries de la collectivité", "45421000", data.NatureWorks, data.Place{Departement: "977"}),
		open("6", "Fourniture de fenêtres en bois", "44221000", data.NatureSupplies, data.Place{NUTS: "EL301"}),
	)
	sup := data.Supplier{ID: "x1", Name: "Menuiserie d'essai", CPVDeclared: []string{"45421000", "44221000"},
		Address: data.Address{Departement: "33", Postcode: "33000"}}
	res, err := ti.TendersFor(ctx, sup, index.TendersForOptions{At: at, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	ids := fitIDs(res.Fits)
	slices.Sort(ids)
	if want := []string{"boamp:1", "boamp:3"}; !slices.Equal(ids, want) {
		t.Errorf("proposed %v, want %v: works in Gironde, supplies in the Nord, nothing overseas, abroad or works 700 km away", ids, want)
	}
	if basis := strings.Join(res.Basis, " ; "); !strings.Contains(basis, "non déclarée : avis à moins de 300\u00a0km environ de votre site pour des travaux") ||
		!strings.Contains(basis, "1\u00a0200\u00a0km pour des fournitures") {
		t.Errorf("basis %q does not say the reach", basis)
	}
}

// TestTendersForNAFLabelFillers: the words of a NAF label that name no
// trade (« générale », « œuvre », « n.c.a. ») are not searched: a mason
// known by its NAF code (43.99C, « Travaux de maçonnerie générale et gros
// œuvre de bâtiment ») is proposed masonry, not the « maîtrise d'œuvre »
// of a building, and its search basis does not show them.
func TestTendersForNAFLabelFillers(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	open := func(id, title string) data.Tender {
		return data.Tender{ID: "boamp:" + id, Source: "boamp", SourceID: id, Title: title,
			Place: data.Place{Departement: "33"}, Deadline: at.AddDate(0, 0, 20), State: data.StateOpen}
	}
	ti := tendersOf(t, at,
		open("1", "Travaux de maçonnerie du bâtiment de la mairie"),
		open("2", "Maîtrise d'œuvre pour la rénovation du bâtiment de l'école"),
	)
	for _, sup := range []data.Supplier{
		{ID: "x1", Name: "Maçonnerie d'essai", NAF: "43.99C", NAFLabel: "Travaux de maçonnerie générale et gros œuvre de bâtiment",
			Address: data.Address{Departement: "33", Postcode: "33000"}},
		{ID: "x2", Name: "Atelier d'essai", NAF: "32.99Z", NAFLabel: "Autres activités manufacturières n.c.a.",
			Address: data.Address{Departement: "33", Postcode: "33000"}},
	} {
		res, err := ti.TendersFor(ctx, sup, index.TendersForOptions{At: at, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if ids := fitIDs(res.Fits); slices.Contains(ids, "boamp:2") || sup.ID == "x1" && !slices.Contains(ids, "boamp:1") {
			t.Errorf("%s: proposed %v, want the masonry and not the maîtrise d'œuvre", sup.NAFLabel, ids)
		}
		basis := strings.Join(res.Basis, " ; ")
		for _, filler := range []string{"générale", "œuvre", "n.c.a"} {
			if strings.Contains(basis, filler) {
				t.Errorf("%s: the basis %q shows %q", sup.NAFLabel, basis, filler)
			}
		}
	}
}
