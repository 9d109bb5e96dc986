package data

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// MergeCrawled folds a listing freshly extracted by a crawl into the
// stored record of the same company (nil when the company is new).
//
// Rules, in order of precedence:
//   - a field declared by the verified owner (Provenance.Owner) is never
//     overwritten;
//   - a crawled field that is empty never erases a stored value (sources
//     go quiet more often than companies lose their website);
//   - labels are matched by Label.Key: a label found again gets LastSeen =
//     now and loses any "not re-found" mark, keeping FirstSeen;
//   - establishments are merged by SIRET, extra fields by name.
//
// changed is false when nothing but "seen" timestamps moved, so that a
// re-crawl of unchanged sources reports 0 updated listings; the merged
// record must still be saved for its LastSeen dates.
func MergeCrawled(existing *Supplier, crawled Supplier, now time.Time) (merged Supplier, changed bool) {
	if existing == nil {
		s := crawled
		s.CreatedAt, s.UpdatedAt = now, now
		for i := range s.Labels {
			if s.Labels[i].FirstSeen.IsZero() {
				s.Labels[i].FirstSeen = now
			}
			s.Labels[i].LastSeen = now
		}
		return s, true
	}
	m := cloneSupplier(*existing)
	take := func(field string, has bool, set func()) {
		if !has || m.OwnerDeclared(field) || registerHolds(m, crawled, field) {
			return
		}
		set()
		if p, ok := crawled.Provenance[field]; ok {
			m.SetProvenance(field, p)
		}
	}
	take(FieldName, crawled.Name != "", func() { m.Name = crawled.Name })
	take(FieldTradeNames, len(crawled.TradeNames) > 0, func() { m.TradeNames = union(m.TradeNames, crawled.TradeNames) })
	take(FieldAddress, crawled.Address.Postcode != "" || crawled.Address.Departement != "" || crawled.Address.HasGeo(),
		func() { m.Address = crawled.Address })
	take(FieldNAF, crawled.NAF != "" || crawled.NAFLegacy != "", func() {
		m.NAF, m.NAFLabel, m.NAFLegacy = crawled.NAF, crawled.NAFLabel, crawled.NAFLegacy
	})
	take(FieldHeadcount, crawled.HeadcountBand != "", func() { m.HeadcountBand = crawled.HeadcountBand })
	take(FieldCategory, crawled.Category != "", func() { m.Category = crawled.Category })
	take(FieldWebsite, crawled.Website != "", func() { m.Website = crawled.Website })
	take(FieldContacts, len(crawled.Contacts) > 0, func() { m.Contacts = crawled.Contacts })
	take(FieldDescription, crawled.Description != "", func() { m.Description = crawled.Description })
	take(FieldActivities, len(crawled.Activities) > 0, func() { m.Activities = union(m.Activities, crawled.Activities) })
	take(FieldProducts, len(crawled.Products) > 0, func() { m.Products = union(m.Products, crawled.Products) })
	take(FieldCPVDeclared, len(crawled.CPVDeclared) > 0, func() { m.CPVDeclared = union(m.CPVDeclared, crawled.CPVDeclared) })
	take(FieldServiceArea, crawled.ServiceArea.Kind != ServiceAreaUnknown, func() { m.ServiceArea = crawled.ServiceArea })
	if len(crawled.CPVInferred) > 0 {
		m.CPVInferred = union(m.CPVInferred, crawled.CPVInferred)
	}
	if m.SIREN == "" && crawled.SIREN != "" {
		m.SIREN = crawled.SIREN
	}
	take(FieldExtra, len(crawled.Extra) > 0, func() {
		if m.Extra == nil {
			m.Extra = map[string]string{}
		}
		for k, v := range crawled.Extra {
			m.Extra[k] = v
		}
	})
	if !m.OwnerDeclared(FieldEstablishment) {
		fromRegister := crawled.Provenance[FieldEstablishment].Source == SourceRegister
		m.Establishments = mergeEstablishments(m.Establishments, crawled.Establishments, fromRegister)
	}
	if crawled.Register != nil {
		m.Register = crawled.Register
		if p, ok := crawled.Provenance[FieldRegister]; ok {
			m.SetProvenance(FieldRegister, p)
		}
		if former := existing.Name; m.Name != former && NormalizeName(m.Name) != NormalizeName(former) &&
			!strings.Contains(former, "*/") && crawled.Register.Found && !crawled.Register.Partial {
			m.TradeNames = union(m.TradeNames, []string{former})
		}
		placeFromRegister(&m, crawled)
	}
	m.Labels = mergeLabels(m.Labels, crawled.Labels, now)
	m.Defects = union(m.Defects, crawled.Defects)
	for _, r := range crawled.Merges {
		if !slices.ContainsFunc(m.Merges, func(x MergeRecord) bool { return x.Source == r.Source && x.SourceKey == r.SourceKey }) {
			m.Merges = append(m.Merges, r)
		}
	}

	if significant(m) == significant(*existing) {
		return m, false
	}
	m.UpdatedAt = now
	return m, true
}

// mergeEstablishments merges by SIRET. What the register says of an
// establishment (its registered address, closed or not, its sign) is
// kept when a label directory lists it again.
func mergeEstablishments(have, got []Establishment, fromRegister bool) []Establishment {
	out := slices.Clone(have)
	for _, g := range got {
		i := slices.IndexFunc(out, func(e Establishment) bool { return e.SIRET == g.SIRET })
		if i < 0 {
			out = append(out, g)
			continue
		}
		g.HeadOffice = g.HeadOffice || out[i].HeadOffice
		g.Production = g.Production || out[i].Production
		if !fromRegister {
			if out[i].Address.Street != "" && g.Address.Street == "" {
				g.Address = out[i].Address
			}
			g.Closed, g.ClosedOn, g.Hidden = out[i].Closed, out[i].ClosedOn, out[i].Hidden
			if g.TradeName == "" {
				g.TradeName = out[i].TradeName
			}
		}
		out[i] = g
	}
	return out
}

func mergeLabels(have, got []Label, now time.Time) []Label {
	out := slices.Clone(have)
	for _, g := range got {
		i := slices.IndexFunc(out, func(l Label) bool { return l.Key() == g.Key() })
		if i < 0 {
			if g.FirstSeen.IsZero() {
				g.FirstSeen = now
			}
			g.LastSeen = now
			g.NotRefoundSince = time.Time{}
			out = append(out, g)
			continue
		}
		if g.GrantedAt.Before(out[i].GrantedAt) {
			// Two listings of one company (a renewal, a second site) may
			// arrive in any order: the most recent grant is the label's.
			g = out[i]
		}
		g.FirstSeen = out[i].FirstSeen
		g.LastSeen = now
		g.NotRefoundSince = time.Time{}
		out[i] = g
	}
	return out
}

// significant renders what a change report should notice: everything but
// the timestamps that move on every crawl.
func significant(s Supplier) string {
	s = cloneSupplier(s)
	s.UpdatedAt, s.CreatedAt = time.Time{}, time.Time{}
	for i := range s.Labels {
		s.Labels[i].LastSeen = time.Time{}
	}
	for k, p := range s.Provenance {
		p.FetchedAt = time.Time{}
		s.Provenance[k] = p
	}
	s.Merges = nil
	if s.Register != nil {
		r := *s.Register
		r.CheckedAt = time.Time{}
		s.Register = &r
	}
	b, _ := json.Marshal(s) // a Supplier always marshals: plain data, no cycles
	return string(b)
}

// cloneSupplier deep-copies the slices and maps a merge may modify.
func cloneSupplier(s Supplier) Supplier {
	s.Establishments = slices.Clone(s.Establishments)
	s.TradeNames = slices.Clone(s.TradeNames)
	s.Contacts = slices.Clone(s.Contacts)
	s.Activities = slices.Clone(s.Activities)
	s.Products = slices.Clone(s.Products)
	s.CPVDeclared = slices.Clone(s.CPVDeclared)
	s.CPVInferred = slices.Clone(s.CPVInferred)
	s.ServiceArea.Codes = slices.Clone(s.ServiceArea.Codes)
	s.Labels = slices.Clone(s.Labels)
	s.Certifications = slices.Clone(s.Certifications)
	s.Defects = slices.Clone(s.Defects)
	s.Merges = slices.Clone(s.Merges)
	if s.Extra != nil {
		e := make(map[string]string, len(s.Extra))
		for k, v := range s.Extra {
			e[k] = v
		}
		s.Extra = e
	}
	if s.Provenance != nil {
		p := make(map[string]Provenance, len(s.Provenance))
		for k, v := range s.Provenance {
			p[k] = v
		}
		s.Provenance = p
	}
	return s
}

// union appends to a the items of b it lacks, keeping order.
func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// registerHolds reports whether field holds a value read from the official
// register that a listing from another source must not replace: the
// register is the authority on a company's identity.
func registerHolds(m Supplier, crawled Supplier, field string) bool {
	p, ok := m.Provenance[field]
	if !ok || p.Source != SourceRegister {
		return false
	}
	cp, ok := crawled.Provenance[field]
	return !ok || cp.Source != SourceRegister
}

// placeFromRegister gives the company the registered address of the
// establishment it is listed for (the first known one the register still
// lists open), else of its head office, unless the owner declared an
// address. Coordinates already known are kept when the register has none.
func placeFromRegister(m *Supplier, crawled Supplier) {
	if m.OwnerDeclared(FieldAddress) || crawled.Register == nil || !crawled.Register.Found || crawled.Register.Partial {
		return
	}
	var addr Address
	for _, e := range m.Establishments {
		if e.Address.Street != "" && !e.Hidden && !e.Closed {
			addr = e.Address
			break
		}
	}
	if addr.Street == "" {
		addr = crawled.Register.HeadOffice
	}
	if addr.Street == "" && addr.Postcode == "" {
		return
	}
	if geoRank(m.Address.Precision) > geoRank(addr.Precision) && m.Address.Departement == addr.Departement {
		addr.Lat, addr.Lon, addr.Precision = m.Address.Lat, m.Address.Lon, m.Address.Precision
	}
	m.Address = addr
	if p, ok := crawled.Provenance[FieldRegister]; ok {
		m.SetProvenance(FieldAddress, p)
	}
}

// geoRank orders the precisions of a placement, the most precise highest.
func geoRank(p GeoPrecision) int {
	switch p {
	case GeoExact:
		return 3
	case GeoCommune:
		return 2
	case GeoDepartement:
		return 1
	}
	return 0
}
