package data

import (
	"errors"
	"net/mail"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Listing is what a company's members declare about it: the part of a
// Supplier they edit. Every field it sets is recorded in the supplier's
// Provenance with Owner=true, so that crawls never overwrite it (see
// MergeCrawled).
type Listing struct {
	Description        string
	Products           []string
	CPV                []string // 8-digit CPV 2008 codes the company can supply
	ServiceArea        ServiceArea
	HeadcountBand      string // INSEE tranche code (HeadcountBands)
	TurnoverBand       string // code of TurnoverBands
	LargestContractEUR int64
	Certifications     []Certification
	Email              string // public contact address
	Phone              string // public French phone number, "01 23 45 67 89"
	Website            string
}

// Certification is a certification the company declares (ISO 9001,
// Qualibat…).
type Certification struct {
	Name       string    `json:"name"`
	Issuer     string    `json:"issuer,omitempty"`
	ValidUntil time.Time `json:"valid_until,omitzero"`
}

// ListingFields are the supplier fields a Listing edits, in form order.
var ListingFields = []string{FieldDescription, FieldProducts, FieldCPVDeclared, FieldServiceArea,
	FieldHeadcount, FieldTurnover, FieldLargestContract, FieldCertifications, FieldContacts, FieldWebsite}

// Limits of a listing, so that one company cannot bloat the store, the
// index or its own page.
const (
	MaxDescriptionRunes  = 4000
	MaxListingItems      = 50 // products
	MaxItemRunes         = 200
	MaxDeclaredCPV       = 30
	MaxServiceAreaCodes  = 101
	MaxServiceRadiusKm   = 1000
	MaxCertifications    = 20
	MaxLargestContractEU = 10_000_000_000
)

// TurnoverBand is a band of yearly turnover a company declares; the
// bounds follow the European SME thresholds (micro ≤ 2 M€, small ≤ 10 M€,
// medium ≤ 50 M€).
type TurnoverBand struct {
	Code     string
	Label    string
	Min, Max float64 // euros; Max 0 when open-ended
}

var turnoverBands = []TurnoverBand{
	{"A", "moins de 500 000 €", 0, 500_000},
	{"B", "de 500 000 € à 2 M€", 500_000, 2_000_000},
	{"C", "de 2 à 10 M€", 2_000_000, 10_000_000},
	{"D", "de 10 à 50 M€", 10_000_000, 50_000_000},
	{"E", "plus de 50 M€", 50_000_000, 0},
}

// TurnoverBands returns the turnover bands, smallest first.
func TurnoverBands() []TurnoverBand { return slices.Clone(turnoverBands) }

// LookupTurnoverBand returns the turnover band with that code.
func LookupTurnoverBand(code string) (TurnoverBand, bool) {
	for _, b := range turnoverBands {
		if b.Code == code {
			return b, true
		}
	}
	return TurnoverBand{}, false
}

// ListingOf returns what the supplier currently shows in the fields a
// listing edits, whoever set them.
func ListingOf(s Supplier) Listing {
	l := Listing{Description: s.Description, Products: slices.Clone(s.Products), CPV: slices.Clone(s.CPVDeclared),
		ServiceArea: s.ServiceArea, HeadcountBand: s.HeadcountBand, TurnoverBand: s.TurnoverBand,
		LargestContractEUR: s.LargestContractEUR, Certifications: slices.Clone(s.Certifications), Website: s.Website}
	l.ServiceArea.Codes = slices.Clone(s.ServiceArea.Codes)
	if c, ok := PublicContact(s); ok {
		l.Email, l.Phone = c.Email, c.Phone
	}
	return l
}

// PublicContact returns the first contact with an e-mail or a phone.
func PublicContact(s Supplier) (Contact, bool) {
	for _, c := range s.Contacts {
		if c.Email != "" || c.Phone != "" {
			return c, true
		}
	}
	return Contact{}, false
}

// Apply writes the listing's fields named in fields into s, records them
// as declared by the owner with provenance p, and returns the fields whose
// value changed, in ListingFields order. A field submitted unchanged keeps
// its provenance: a value a crawl found stays the crawl's until the
// company changes it.
func (l Listing) Apply(s *Supplier, fields []string, p Provenance) []string {
	p.Owner = true
	var changed []string
	set := func(field string, same bool, write func()) {
		if !slices.Contains(fields, field) || same {
			return
		}
		write()
		s.SetProvenance(field, p)
		changed = append(changed, field)
	}
	set(FieldDescription, s.Description == l.Description, func() { s.Description = l.Description })
	set(FieldProducts, slices.Equal(s.Products, l.Products), func() { s.Products = slices.Clone(l.Products) })
	set(FieldCPVDeclared, slices.Equal(s.CPVDeclared, l.CPV), func() { s.CPVDeclared = slices.Clone(l.CPV) })
	set(FieldServiceArea, sameArea(s.ServiceArea, l.ServiceArea), func() {
		s.ServiceArea = l.ServiceArea
		s.ServiceArea.Codes = slices.Clone(l.ServiceArea.Codes)
	})
	set(FieldHeadcount, s.HeadcountBand == l.HeadcountBand, func() { s.HeadcountBand = l.HeadcountBand })
	set(FieldTurnover, s.TurnoverBand == l.TurnoverBand, func() { s.TurnoverBand = l.TurnoverBand })
	set(FieldLargestContract, s.LargestContractEUR == l.LargestContractEUR, func() { s.LargestContractEUR = l.LargestContractEUR })
	set(FieldCertifications, slices.Equal(s.Certifications, l.Certifications), func() { s.Certifications = slices.Clone(l.Certifications) })
	cur, _ := PublicContact(*s)
	set(FieldContacts, cur.Email == l.Email && cur.Phone == l.Phone, func() {
		s.Contacts = nil
		if l.Email != "" || l.Phone != "" {
			s.Contacts = []Contact{{Email: l.Email, Phone: l.Phone}}
		}
	})
	set(FieldWebsite, s.Website == l.Website, func() { s.Website = l.Website })
	return changed
}

func sameArea(a, b ServiceArea) bool {
	return a.Kind == b.Kind && a.RadiusKm == b.RadiusKm && slices.Equal(a.Codes, b.Codes)
}

// FieldErrors lists the problems of a form, one per field, in French. It
// wraps ErrInvalid.
type FieldErrors []*ValidationError

func (e FieldErrors) Error() string {
	msgs := make([]string, len(e))
	for i, v := range e {
		msgs[i] = v.Error()
	}
	return strings.Join(msgs, "; ")
}

// Unwrap lets errors.Is(err, ErrInvalid) hold.
func (e FieldErrors) Unwrap() error { return ErrInvalid }

// Normalize cleans the listing (trims, folds spaces, removes duplicates,
// writes codes and phone numbers in their canonical form) and checks it.
// The error, when not nil, is a FieldErrors naming each faulty field with
// the Field* constant of its supplier field.
func (l *Listing) Normalize() error {
	var errs FieldErrors
	fail := func(field, value, msg string) {
		errs = append(errs, &ValidationError{Field: field, Value: value, Message: msg})
	}

	l.Description = cleanText(l.Description, true)
	if n := utf8.RuneCountInString(l.Description); n > MaxDescriptionRunes {
		fail(FieldDescription, "", "la présentation dépasse "+IntFR(MaxDescriptionRunes)+" caractères : elle en compte "+IntFR(n))
	}
	l.Products = cleanList(l.Products)
	if len(l.Products) > MaxListingItems {
		fail(FieldProducts, "", "au plus "+strconv.Itoa(MaxListingItems)+" produits ou gammes")
	}
	for _, p := range l.Products {
		if utf8.RuneCountInString(p) > MaxItemRunes {
			fail(FieldProducts, p, "chaque produit tient en "+strconv.Itoa(MaxItemRunes)+" caractères au plus")
			break
		}
	}

	var cpv []string
	for _, raw := range l.CPV {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		code, err := NormalizeCPV(raw)
		if err != nil {
			msg := err.Error()
			var ve *ValidationError
			if errors.As(err, &ve) {
				msg = ve.Message
			}
			fail(FieldCPVDeclared, raw, "code CPV « "+strings.TrimSpace(raw)+" » : "+msg)
			continue
		}
		if !slices.Contains(cpv, code) {
			cpv = append(cpv, code)
		}
	}
	l.CPV = cpv
	if len(cpv) > MaxDeclaredCPV {
		fail(FieldCPVDeclared, "", "au plus "+strconv.Itoa(MaxDeclaredCPV)+" codes CPV : gardez ceux de vos activités principales")
	}

	if err := l.ServiceArea.normalize(); err != nil {
		errs = append(errs, err)
	}
	if l.HeadcountBand != "" {
		if _, ok := LookupHeadcountBand(l.HeadcountBand); !ok {
			fail(FieldHeadcount, l.HeadcountBand, "tranche d'effectifs inconnue")
		}
	}
	if l.TurnoverBand != "" {
		if _, ok := LookupTurnoverBand(l.TurnoverBand); !ok {
			fail(FieldTurnover, l.TurnoverBand, "tranche de chiffre d'affaires inconnue")
		}
	}
	if l.LargestContractEUR < 0 || l.LargestContractEUR > MaxLargestContractEU {
		fail(FieldLargestContract, strconv.FormatInt(l.LargestContractEUR, 10), "montant hors des bornes (de 0 à 10 milliards d'euros)")
	}

	var certs []Certification
	for _, c := range l.Certifications {
		c.Name, c.Issuer = cleanText(c.Name, false), cleanText(c.Issuer, false)
		if c.Name == "" && c.Issuer == "" && c.ValidUntil.IsZero() {
			continue
		}
		switch {
		case c.Name == "":
			fail(FieldCertifications, c.Issuer, "indiquez le nom de chaque certification")
		case utf8.RuneCountInString(c.Name) > MaxItemRunes || utf8.RuneCountInString(c.Issuer) > MaxItemRunes:
			fail(FieldCertifications, c.Name, "nom ou organisme trop long ("+strconv.Itoa(MaxItemRunes)+" caractères au plus)")
		}
		if !c.ValidUntil.IsZero() {
			c.ValidUntil = time.Date(c.ValidUntil.Year(), c.ValidUntil.Month(), c.ValidUntil.Day(), 0, 0, 0, 0, time.UTC)
		}
		certs = append(certs, c)
	}
	l.Certifications = certs
	if len(certs) > MaxCertifications {
		fail(FieldCertifications, "", "au plus "+strconv.Itoa(MaxCertifications)+" certifications")
	}

	for _, f := range []struct {
		value     *string
		normalize func(string) (string, error)
	}{{&l.Email, NormalizeEmail}, {&l.Phone, NormalizeFrenchPhone}, {&l.Website, NormalizeWebsite}} {
		if *f.value = strings.TrimSpace(*f.value); *f.value == "" {
			continue
		}
		v, err := f.normalize(*f.value)
		var ve *ValidationError
		if errors.As(err, &ve) {
			errs = append(errs, ve)
			continue
		}
		*f.value = v
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// normalize checks a declared service area and sorts its codes.
func (a *ServiceArea) normalize() *ValidationError {
	fail := func(value, msg string) *ValidationError {
		return &ValidationError{Field: FieldServiceArea, Value: value, Message: msg}
	}
	var codes []string
	for _, c := range a.Codes {
		if c = strings.ToUpper(strings.TrimSpace(c)); c != "" && !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	switch a.Kind {
	case ServiceAreaUnknown, ServiceAreaFrance:
		a.RadiusKm, a.Codes = 0, nil
	case ServiceAreaRadius:
		a.Codes = nil
		// NaN compares false with everything: only a finite number in
		// bounds passes (a NaN would not even encode to JSON).
		if !(a.RadiusKm >= 1 && a.RadiusKm <= MaxServiceRadiusKm) {
			return fail(strconv.FormatFloat(a.RadiusKm, 'f', -1, 64), "rayon attendu : de 1 à "+strconv.Itoa(MaxServiceRadiusKm)+" km")
		}
	case ServiceAreaDepartements, ServiceAreaRegions:
		a.RadiusKm = 0
		if len(codes) == 0 {
			return fail("", "choisissez au moins un département ou une région")
		}
		if len(codes) > MaxServiceAreaCodes {
			return fail("", "trop de codes")
		}
		for _, c := range codes {
			if a.Kind == ServiceAreaDepartements {
				if _, ok := LookupDepartement(c); !ok {
					return fail(c, "département inconnu : « "+c+" »")
				}
			} else if _, ok := LookupRegion(c); !ok {
				return fail(c, "région inconnue : « "+c+" »")
			}
		}
		slices.Sort(codes)
		a.Codes = codes
	default:
		return fail(string(a.Kind), "zone d'intervention inconnue")
	}
	return nil
}

// cleanText trims, drops control characters (keeping line breaks when
// multiline) and folds runs of spaces.
func cleanText(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' && multiline:
			b.WriteRune(r)
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteRune(' ')
		case unicode.IsControl(r):
		default:
			b.WriteRune(r)
		}
	}
	lines := strings.Split(b.String(), "\n")
	for i, line := range lines {
		lines[i] = strings.Join(strings.Fields(line), " ")
	}
	out := strings.Join(lines, "\n")
	for strings.Contains(out, "\n\n\n") {
		out = strings.ReplaceAll(out, "\n\n\n", "\n\n")
	}
	return strings.TrimSpace(out)
}

// cleanList cleans each item, dropping empty ones and duplicates (case
// and accents ignored).
func cleanList(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range in {
		x = cleanText(x, false)
		if k := Fold(x); x != "" && !seen[k] {
			seen[k] = true
			out = append(out, x)
		}
	}
	return out
}

// NormalizeEmail checks an e-mail address: a bare address whose
// domain has a dot.
func NormalizeEmail(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", invalid(FieldContacts, s, "adresse électronique invalide (exemple : contact@entreprise.fr)")
	}
	return s, nil
}

// frenchDialCodes are the international prefixes of the French numbering
// plan: metropolitan France and the overseas départements, whose numbers
// are dialled nationally with a leading 0.
var frenchDialCodes = []string{"33", "262", "269", "590", "594", "596"}

// NormalizeFrenchPhone reads a French phone number as people write it
// ("01 23 45 67 89", "01.23.45.67.89", "+33 1 23 45 67 89",
// "0033123456789", "+262 692 12 34 56") and returns it in the national
// form, by pairs: "01 23 45 67 89".
func NormalizeFrenchPhone(raw string) (string, error) {
	var digits strings.Builder
	plus := false
	for i, r := range strings.TrimSpace(raw) {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", invalid(FieldContacts, raw, "numéro de téléphone : seuls les chiffres, espaces, points, tirets et un « + » initial sont admis")
		}
	}
	d := digits.String()
	if !plus && strings.HasPrefix(d, "00") {
		d, plus = d[2:], true
	}
	if plus {
		national := ""
		for _, cc := range frenchDialCodes {
			if rest, ok := strings.CutPrefix(d, cc); ok && len(rest) == 9 {
				national = "0" + rest
				break
			}
		}
		if national == "" && strings.HasPrefix(d, "330") && len(d) == 12 { // "+33 (0)1 23 45 67 89"
			national = d[2:]
		}
		if national == "" {
			return "", invalid(FieldContacts, raw, "numéro français attendu : +33 suivi de 9 chiffres, ou 10 chiffres commençant par 0")
		}
		d = national
	}
	if len(d) != 10 || d[0] != '0' || d[1] == '0' {
		return "", invalid(FieldContacts, raw, "numéro français attendu : 10 chiffres commençant par 0 (01 23 45 67 89)")
	}
	return d[0:2] + " " + d[2:4] + " " + d[4:6] + " " + d[6:8] + " " + d[8:10], nil
}

// IPHost reports whether the host of a URL is an IP address rather than
// a domain name: a company's website has a name (the claims' proofs rest
// on it), and an address such as 127.0.0.1 may point inside a network.
// Besides what net/netip reads, a last label in digits (« 127.1 ») or in
// hexadecimal (« 0x7f.1 ») counts, as browsers read those as addresses.
func IPHost(host string) bool {
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	last := strings.ToLower(host[strings.LastIndexByte(host, '.')+1:])
	if last == "" {
		return false
	}
	if hex, ok := strings.CutPrefix(last, "0x"); ok {
		return strings.Trim(hex, "0123456789abcdef") == ""
	}
	return strings.Trim(last, "0123456789") == ""
}

// NormalizeWebsite checks a website address and returns it with its
// scheme ("www.exemple.fr" → "https://www.exemple.fr").
func NormalizeWebsite(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err == nil && IPHost(u.Hostname()) {
		return "", invalid(FieldWebsite, raw, "le site web est une adresse IP, pas un nom de domaine (exemple : https://www.entreprise.fr)")
	}
	bad := err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || u.Hostname() == "" ||
		!strings.Contains(u.Hostname(), ".") || strings.ContainsAny(u.Hostname(), " <>\"'") || len(s) > 300
	if bad {
		return "", invalid(FieldWebsite, raw, "adresse de site invalide (exemple : https://www.entreprise.fr)")
	}

	u.Host = strings.ToLower(u.Host)
	if u.Path == "/" {
		u.Path = ""
	}
	return u.String(), nil
}
