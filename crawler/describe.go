package crawler

import (
	"net/url"
	"strings"
	"time"

	"fabrique/data"
)

// describe fills the free-text and contact fields.
func (n *normalizer) describe(s *data.Supplier, rec Record, is *issues, prov data.Provenance) {
	for _, v := range rec[FieldTradeName] {
		if t := plainText(v); t != "" && data.NormalizeName(t) != data.NormalizeName(s.Name) {
			s.TradeNames = appendUnique(s.TradeNames, truncateRunes(t, 200))
		}
	}
	if len(s.TradeNames) > 0 {
		s.SetProvenance(data.FieldTradeNames, prov)
	}
	for _, v := range rec[FieldActivities] {
		if t := sentenceCase(plainText(v)); t != "" {
			s.Activities = appendUnique(s.Activities, truncateRunes(t, 200))
		}
	}
	if len(s.Activities) > 0 {
		s.SetProvenance(data.FieldActivities, prov)
	}
	for _, v := range rec[FieldProducts] {
		if t := plainText(v); t != "" {
			s.Products = appendUnique(s.Products, truncateRunes(t, 200))
		}
	}
	if len(s.Products) > 0 {
		s.SetProvenance(data.FieldProducts, prov)
	}
	if d := plainText(strings.Join(rec[FieldDescription], "\n")); d != "" {
		s.Description = truncateRunes(d, 4000)
		s.SetProvenance(data.FieldDescription, prov)
	}
	if raw := rec.First(FieldWebsite); strings.TrimSpace(raw) != "" {
		if w, ok := normalizeWebsite(raw); ok {
			s.Website = w
			s.SetProvenance(data.FieldWebsite, prov)
		} else {
			is.note(FieldWebsite, raw, "adresse de site web inutilisable : ignorée")
		}
	}
	var c data.Contact
	if e := plainText(rec.First(FieldEmail)); strings.Contains(e, "@") && !strings.ContainsAny(e, " <>\"") {
		c.Email = strings.TrimPrefix(e, "mailto:")
	}
	if p := plainText(rec.First(FieldPhone)); p != "" {
		c.Phone = truncateRunes(strings.TrimPrefix(p, "tel:"), 40)
	}
	if c != (data.Contact{}) {
		s.Contacts = []data.Contact{c}
		s.SetProvenance(data.FieldContacts, prov)
	}
	if raw := plainText(rec.First(FieldCompanySize)); raw != "" {
		if cat := companyCategory(raw); cat != "" {
			s.Category = cat
			s.SetProvenance(data.FieldCategory, prov)
		}
		setExtra(s, "company_size", raw)
	}
	for field, values := range rec {
		key, ok := strings.CutPrefix(field, extraPrefix)
		if !ok || key == "" {
			continue
		}
		var kept []string
		for _, v := range values {
			if t := plainText(v); t != "" {
				kept = appendUnique(kept, t)
			}
		}
		if len(kept) > 0 {
			setExtra(s, key, truncateRunes(strings.Join(kept, " ; "), 1000))
		}
	}
	if len(s.Extra) > 0 {
		s.SetProvenance(data.FieldExtra, prov)
	}
}

func setExtra(s *data.Supplier, key, value string) {
	if s.Extra == nil {
		s.Extra = map[string]string{}
	}
	s.Extra[key] = value
}

// companyCategory maps a source's size wording to PME, ETI or GE. A TPE
// is a PME in the legal sense (décret 2008-1354); "ETI / Grande
// entreprise" cannot be split and gives nothing.
func companyCategory(raw string) string {
	switch strings.Join(data.Words(raw), " ") {
	case "tpe", "pme", "micro entreprise", "microentreprise", "petite entreprise", "moyenne entreprise":
		return "PME"
	case "eti", "entreprise de taille intermediaire":
		return "ETI"
	case "ge", "grande entreprise":
		return "GE"
	}
	return ""
}

// label builds the label the source proves for this record.
func (n *normalizer) label(rec Record, o NormalizeOptions, is *issues) (data.Label, bool) {
	if o.Label == "" || o.NoLabel {
		return data.Label{}, false
	}
	if origins := rec[FieldMadeIn]; len(origins) > 0 {
		france := false
		for _, o := range origins {
			france = france || isFrance(plainText(o))
		}
		if !france {
			origin := plainText(origins[0])
			is.flag(FieldMadeIn, origin, "fabrication déclarée hors de France ("+origin+") : label non retenu")
			return data.Label{}, false
		}
	}
	l := data.Label{
		Type: o.Label, Scope: o.Scope, Source: o.Source, SourceURL: o.SourceURL,
		Category:      sentenceCase(plainText(rec.First(FieldCategory))),
		Range:         truncateRunes(plainText(rec.First(FieldRange)), 300),
		CertificateID: truncateRunes(plainText(rec.First(FieldCertificateID)), 100),
	}
	if u := strings.TrimSpace(rec.First(FieldRecordURL)); u != "" {
		if p, err := url.Parse(u); err == nil && (p.Scheme == "http" || p.Scheme == "https") {
			l.SourceURL = p.String()
		}
	}
	if l.Scope == data.ScopeProductRange && l.Range == "" {
		is.note(FieldRange, "", "gamme certifiée sans nom")
	}
	if raw := rec.First(FieldGrantedAt); strings.TrimSpace(raw) != "" {
		if t, ok := parseDate(raw); ok {
			l.GrantedAt = t
		} else {
			is.note(FieldGrantedAt, raw, "date d'attribution illisible")
		}
	}
	if raw := rec.First(FieldExpiresAt); strings.TrimSpace(raw) != "" {
		if t, ok := parseDate(raw); ok {
			l.ExpiresAt = t
		} else {
			is.note(FieldExpiresAt, raw, "date de fin illisible")
		}
	}
	if !l.GrantedAt.IsZero() && !l.ExpiresAt.IsZero() && l.ExpiresAt.Before(l.GrantedAt) {
		is.flag(FieldExpiresAt, rec.First(FieldExpiresAt), "date de fin du label antérieure à sa date d'attribution")
	}
	return l, true
}

func isFrance(s string) bool {
	switch strings.Join(data.Words(s), " ") {
	case "fr", "fra", "france", "made in france", "fabrique en france", "https schema org france":
		return true
	}
	return strings.HasSuffix(strings.ToLower(s), "/fr") || strings.HasSuffix(strings.ToLower(s), "/france")
}

// parseDate reads the date formats found in French open data.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", time.RFC3339, "2006-01-02T15:04:05", "02/01/2006", "2006/01/02", "02-01-2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1900 || t.Year() > 2200 {
				return time.Time{}, false
			}
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
		}
	}
	return time.Time{}, false
}

// normalizeWebsite accepts http(s) URLs and bare domains.
func normalizeWebsite(raw string) (string, bool) {
	s := plainText(raw)
	if s == "" || strings.ContainsAny(s, " <>\"") {
		return "", false
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !strings.Contains(u.Host, ".") || u.User != nil {
		return "", false
	}
	return u.String(), true
}
