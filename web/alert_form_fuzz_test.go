package web

import (
	"net/url"
	"strings"
	"testing"

	"fabrique/data"
)

// alertFormValues writes a form as the alert page renders it, the way a
// browser sends it back unchanged.
func alertFormValues(f *alertForm) url.Values {
	v := url.Values{alertFieldName: {f.Name}, alertFieldKeywords: {f.Keywords}, alertFieldExclude: {f.Exclude},
		alertFieldNearKind: {f.NearKind}, alertFieldCommune: {f.Commune}, alertFieldRadius: {f.Radius},
		alertFieldValueMin: {f.ValueMin}, alertFieldValueMax: {f.ValueMax}, alertFieldFrequency: {f.Frequency},
		alertFieldDeps: f.Deps, alertFieldRegs: f.Regs, alertFieldProcedure: f.Procedures}
	for _, c := range f.checkedCPV() {
		v.Add(alertFieldCPV, c.Code8)
		if f.Children[c.Code8] {
			v.Add(alertFieldChildren, c.Code8)
		}
	}
	if f.LotsOnly {
		v.Set(alertFieldLots, "1")
	}
	return v
}

// submitAlert reads, checks and normalises a form as alertSubmit does; it
// returns the profile, or nil and the form with its errors.
func submitAlert(v url.Values) (*data.AlertProfile, *alertForm) {
	f := alertFormFrom(v)
	f.check(nil)
	p := f.profile(data.AlertProfile{AccountID: "a1"})
	if f.valid() {
		if err := p.Normalize(); err != nil {
			f.failFromProfile(err)
		}
	}
	if !f.valid() {
		return nil, f
	}
	return &p, f
}

// FuzzAlertForm posts the alert form with any values. A refused form names
// fields of the form, each with a French message; an accepted one gives a
// profile within its limits, and the edit page of that profile, sent back
// unchanged, gives the same profile: editing an alert without touching it
// changes nothing.
func FuzzAlertForm(f *testing.F) {
	f.Add("Menuiserie", "menuiserie \"bois massif\"", "PVC, alu", "45421000\n45000000", "45421000", "35\n2a", "53", "commune", "Rennes", "50", "10 000", "1 000 000", "ouvert", "daily")
	f.Add("x", "", "", "", "", "", "", "commune", "35000", "0,5", "", "", "", "weekly")
	f.Add("x", "", "", "", "", "", "Bretagne", "commune", "Rouen (76)", "500", "", "", "", "immediate")
	f.Add(" ", "\"", "\"a\"", "4542100", "", "976\n99", "", "entreprise:1", "", "NaN", "-1", "1e400", "x", "")
	f.Fuzz(func(t *testing.T, name, keywords, exclude, cpv, children, deps, regs, nearKind, commune, radius, vmin, vmax, procs, freq string) {
		split := func(s string) []string {
			if s == "" {
				return nil
			}
			return strings.Split(s, "\n")
		}
		v := url.Values{alertFieldName: {name}, alertFieldKeywords: {keywords}, alertFieldExclude: {exclude},
			alertFieldCPV: split(cpv), alertFieldChildren: split(children), alertFieldDeps: split(deps), alertFieldRegs: split(regs),
			alertFieldNearKind: {nearKind}, alertFieldCommune: {commune}, alertFieldRadius: {radius},
			alertFieldValueMin: {vmin}, alertFieldValueMax: {vmax}, alertFieldProcedure: split(procs), alertFieldFrequency: {freq}}
		p, form := submitAlert(v)
		if p == nil {
			for _, id := range form.order {
				if alertFieldLabel(id) == id || form.errors[id] == "" {
					t.Fatalf("error on field %q: no French label or no message (%q)", id, form.errors[id])
				}
			}
			return
		}
		if p.Near != nil && (p.RadiusKm <= 0 || p.RadiusKm > data.MaxAlertRadiusKm) || len(p.CPV) > data.MaxAlertList {
			t.Fatalf("accepted a profile past its limits: %+v", p)
		}
		again, form2 := submitAlert(alertFormValues(alertFormOf(*p, nil)))
		if again == nil {
			t.Fatalf("the edit page of %+v, sent back unchanged, is refused: %v", p, form2.errors)
		}
		if !again.SameAs(*p) {
			t.Fatalf("the edit page, sent back unchanged, changes the alert:\n%+v\n%+v", p, again)
		}
	})
}
