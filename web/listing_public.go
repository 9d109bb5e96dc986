package web

import (
	"time"

	"fabrique/data"
)

// ownView is what the company declared about itself, as its public page
// shows it apart from what EPV, OFG or the register say.
type ownView struct {
	// Declared tells, per data.Field* name, whether the company declared
	// the value shown.
	Declared        map[string]bool
	Logo            string // URL, "" without a logo
	Turnover        string
	LargestContract string
	Certifications  []certView
	// Phone and Email are the public contact the company declared.
	Phone, Email string
}

type certView struct {
	Name, Issuer        string
	ValidUntil, ValidTo string // French date, ISO date
	Expired             bool
}

// Capacity reports whether the company declared anything of its capacity
// beyond its headcount.
func (v ownView) Capacity() bool { return v.Turnover != "" || v.LargestContract != "" }

func newOwnView(s data.Supplier, now time.Time) ownView {
	v := ownView{Declared: map[string]bool{}, Logo: logoURL(s.Logo)}
	for f, p := range s.Provenance {
		if p.Owner {
			v.Declared[f] = true
		}
	}
	if b, ok := data.LookupTurnoverBand(s.TurnoverBand); ok {
		v.Turnover = b.Label
	}
	if s.LargestContractEUR > 0 {
		v.LargestContract = formatEuros(float64(s.LargestContractEUR))
	}
	for _, c := range s.Certifications {
		cv := certView{Name: c.Name, Issuer: c.Issuer}
		if !c.ValidUntil.IsZero() {
			cv.ValidUntil, cv.ValidTo = frenchDate(c.ValidUntil), isoDate(c.ValidUntil)
			cv.Expired = c.ValidUntil.Before(now.Truncate(24 * time.Hour))
		}
		v.Certifications = append(v.Certifications, cv)
	}
	if v.Declared[data.FieldContacts] {
		if c, ok := data.PublicContact(s); ok {
			v.Phone, v.Email = c.Phone, c.Email
		}
	}
	return v
}
