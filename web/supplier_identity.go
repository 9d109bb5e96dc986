package web

import (
	"html/template"
	"strings"
	"time"

	"fabrique/data"
)

// registerView is what the official register says of a company, as the
// supplier page shows it, or what the page lacks without it.
type registerView struct {
	Checked    bool   // the register was read for this company
	LegalName  string // only when it differs from the displayed name
	LegalForm  string
	Created    string
	CreatedISO string
	HeadOffice string
	Category   string
	// Ceased is the banner of a ceased company, "" otherwise.
	Ceased string
	// Lacks says what the page cannot tell without the register, or why
	// the register gave nothing.
	Lacks string
	// Source and Date say where and when the register was read.
	Source, SourceURL, Date, DateISO string
}

// newRegisterView prepares the register part of a supplier page.
func newRegisterView(s data.Supplier) registerView {
	r := s.Register
	if r == nil {
		return registerView{Lacks: "Identité non encore vérifiée au répertoire officiel des entreprises (Sirene) : " +
			frenchList(unknownWithoutRegister(s)) + " ne sont pas connues, et l'on ne sait pas si l'entreprise est toujours en activité."}
	}
	v := registerView{Checked: true, Source: sourceInSentence(data.SourceRegister)}
	if p, ok := s.Provenance[data.FieldRegister]; ok {
		v.Date, v.DateISO = frenchDate(p.FetchedAt), isoDate(p.FetchedAt)
		if u, ok := webURL(p.SourceURL); ok {
			v.SourceURL = u
		}
	}
	switch {
	case !r.Found:
		v.Lacks = "Le répertoire Sirene ne publie pas ce SIREN : l'identité officielle de l'entreprise n'a pas pu être vérifiée."
		return v
	case r.Partial:
		v.Lacks = "L'entreprise a demandé que ses données ne soient pas diffusées : le répertoire Sirene ne publie ni son nom ni ses adresses."
	}
	if r.LegalName != "" && r.LegalName != s.Name {
		v.LegalName = r.LegalName
	}
	if name := data.LegalFormName(r.LegalForm); name != "" {
		v.LegalForm = name
	} else if r.LegalForm != "" {
		v.LegalForm = "catégorie juridique " + r.LegalForm
	}
	v.Created, v.CreatedISO = frenchDate(r.CreatedOn), isoDate(r.CreatedOn)
	v.HeadOffice = oneLineAddress(r.HeadOffice)
	if r.Ceased {
		v.Ceased = "Entreprise cessée"
		if !r.CeasedOn.IsZero() {
			v.Ceased += " le " + frenchDate(r.CeasedOn)
		}
		v.Ceased += " selon le répertoire Sirene : elle n'est plus proposée dans les recherches ni dans les fournisseurs suggérés pour un marché."
	}
	return v
}

// unknownWithoutRegister names what a supplier page cannot tell while the
// register has not been read: the register's own facts, and the headcount
// band and category only when neither the company nor a source gave them
// (a band the company declared is on the page, marked as declared).
func unknownWithoutRegister(s data.Supplier) []string {
	unknown := []string{"adresse du siège", "forme juridique", "date de création"}
	if s.HeadcountBand == "" {
		unknown = append(unknown, "tranche d'effectifs")
	}
	if s.Category == "" {
		unknown = append(unknown, "catégorie d'entreprise")
	}
	return unknown
}

// frenchList joins items the French way: « a, b et c ».
func frenchList(items []string) string { return frenchJoin(items, " et ") }

// frenchOr joins alternatives the French way: « a, b ou c ».
func frenchOr(items []string) string { return frenchJoin(items, " ou ") }

func frenchJoin(items []string, last string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + last + items[len(items)-1]
}

// contactView is the « contacter » block: each way to reach the company
// with where it was found and when.
type contactView struct {
	Items []contactItem
	// Missing says which usual ways are unknown, "" when none is.
	Missing string
}

type contactItem struct {
	Kind string // "Site web", "Courriel", "Téléphone", "Adresse"
	Text string
	// Href is the link: an http(s) URL checked by webURL, a mailto: of an
	// address without spaces or quotes, or a tel: of digits only. It is
	// typed as safe because html/template would refuse tel: otherwise.
	Href    template.URL
	Source  string
	Seen    string
	SeenISO string
}

// newContactView gathers the ways to reach s: website, e-mails and phones
// from the sources that publish them, and the postal address.
func newContactView(s data.Supplier) contactView {
	var v contactView
	from := func(field string) (string, string, string) {
		p, ok := s.Provenance[field]
		if !ok {
			return "", "", ""
		}
		return sourceInSentence(p.Source), frenchDate(p.FetchedAt), isoDate(p.FetchedAt)
	}
	add := func(kind, text, href, field string) {
		src, seen, iso := from(field)
		v.Items = append(v.Items, contactItem{Kind: kind, Text: text, Href: template.URL(href), Source: src, Seen: seen, SeenISO: iso})
	}
	hasSite, hasMail, hasPhone := false, false, false
	if u, ok := webURL(s.Website); ok {
		hasSite = true
		add("Site web", strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://"), "/"), u, data.FieldWebsite)
	}
	for _, c := range s.Contacts {
		who := strings.TrimSpace(c.Name + " " + parenthesised(c.Role))
		if e := strings.TrimSpace(c.Email); e != "" && strings.Contains(e, "@") && !strings.ContainsAny(e, " <>\"'?&#%:/\\") {
			hasMail = true
			add("Courriel", joinNonEmpty(" — ", e, who), "mailto:"+e, data.FieldContacts)
		}
		if p := strings.TrimSpace(c.Phone); p != "" {
			hasPhone = true
			add("Téléphone", joinNonEmpty(" — ", p, who), telHref(p), data.FieldContacts)
		}
	}
	if line := oneLineAddress(s.Address); line != "" && (s.Address.Street != "" || s.Address.Postcode != "") {
		add("Adresse", line, "", data.FieldAddress)
	}
	var missing []string
	for _, m := range []struct {
		has  bool
		name string
	}{{hasSite, "site web"}, {hasMail, "courriel"}, {hasPhone, "téléphone"}, {s.Address.Street != "", "adresse postale complète"}} {
		if !m.has {
			missing = append(missing, m.name)
		}
	}
	if len(missing) > 0 {
		v.Missing = "Aucune source consultée ne publie : " + strings.Join(missing, ", ") + "."
	}
	return v
}

func parenthesised(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return ""
	}
	return "(" + s + ")"
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// telHref is the tel: link of a phone number written by a source: digits
// and a leading +, nothing else; "" when too few digits remain.
func telHref(p string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(p) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		}
	}
	if n := strings.TrimPrefix(b.String(), "+"); len(n) < 6 || len(n) > 15 {
		return ""
	}
	return "tel:" + b.String()
}

// labelBadge is the short text of a label badge, saying its state when it
// is not plainly valid: « EPV », « EPV expiré le 13 juillet 2026 ».
func labelBadge(l data.Label, now time.Time) string {
	code := string(l.Type)
	switch l.StateOn(now) {
	case data.LabelExpired:
		return code + " expiré le " + frenchDate(l.ExpiresAt)
	case data.LabelExpiring:
		return code + " jusqu'au " + frenchDate(l.ExpiresAt)
	case data.LabelNotRefound:
		return code + " non retrouvé"
	case data.LabelNotYet:
		return code + " à compter du " + frenchDate(l.GrantedAt)
	}
	return code
}

// labelStateClass is the CSS class of a label state.
func labelStateClass(s data.LabelState) string {
	switch s {
	case data.LabelExpired:
		return "expired"
	case data.LabelExpiring:
		return "expiring"
	case data.LabelNotRefound:
		return "missing"
	case data.LabelNotYet:
		return "future"
	}
	return "valid"
}
