package web

import (
	"net/url"
	"strings"
	"time"

	"fabrique/data"
	"fabrique/web/verify"
)

// claimView is a claim as the claimant, a member or an admin reads it.
type claimView struct {
	ID, URL                    string
	SupplierID, SupplierName   string
	SupplierURL                string
	ManageURL                  string // the company's own listing, for its members
	Method, MethodLabel        string
	Status, StatusLabel        string
	Open                       bool
	Created, CreatedISO        string
	Age                        string // « il y a 3 jours »
	Claimant                   string // the claimant's e-mail address (members, admins)
	ClaimantURL                string // the admin page of the account
	SIRET                      string
	Domain, DomainSource       string
	Site                       string
	Email                      string
	Token, WellKnownURL        string
	DNSRecord                  string
	Letter                     []string // address lines of the postal letter
	LetterSent, CodeExpires    string
	CodeExpired                bool
	CodeUsable                 bool
	Document                   *documentView
	Proven, Proof              string
	NeedsApproval              bool
	Decided, Reason, DecidedBy string
}

// documentView describes an uploaded Kbis extract.
type documentView struct {
	Name, Type, Size, Uploaded string
	URL                        string // admins only
}

func newClaimView(c data.Claim, sup data.Supplier, now time.Time) claimView {
	v := claimView{ID: c.ID, URL: claimURL(c.ID), SupplierID: c.SupplierID, SupplierName: sup.Name,
		SupplierURL: supplierURL(c.SupplierID), ManageURL: companyURL(c.SupplierID), Method: string(c.Method), MethodLabel: c.Method.Label(),
		Status: string(c.Status), StatusLabel: c.Status.Label(), Open: c.Open(),
		Created: frenchDateTime(c.CreatedAt), CreatedISO: isoDate(c.CreatedAt), Age: ageText(now.Sub(c.CreatedAt)),
		SIRET: c.SIRET, Domain: c.Domain, Site: c.Site, Email: c.Email,
		Proven: frenchDateTime(c.ProvenAt), Proof: c.Proof, NeedsApproval: c.NeedsApproval,
		Decided: frenchDateTime(c.DecidedAt), Reason: c.Reason}
	if v.SupplierName == "" {
		v.SupplierName = c.SupplierID
	}
	if c.DomainSource != "" {
		v.DomainSource = sourceName(c.DomainSource)
	}
	if c.Token != "" {
		v.Token = c.Token
		v.WellKnownURL = c.Site + verify.WellKnownPath
		v.DNSRecord = verify.RecordPrefix + c.Token
	}
	if c.Method == data.ClaimByPost {
		a := c.LetterAddress
		v.Letter = nonEmpty(sup.Name, a.Street, strings.TrimSpace(a.Postcode+" "+a.Commune))
		v.LetterSent = parisDate(c.LetterAt)
	}
	if !c.CodeExpires.IsZero() {
		v.CodeExpires = frenchDateTime(c.CodeExpires)
		v.CodeExpired = !now.Before(c.CodeExpires)
	}
	v.CodeUsable = c.CodeUsable(now)
	if d := c.Document; d != nil {
		v.Document = &documentView{Name: d.Name, Type: documentTypeName(d.Type), Size: byteSize(d.Size),
			Uploaded: frenchDateTime(d.UploadedAt)}
	}
	return v
}

func claimURL(id string) string { return claimsPath + "/" + url.PathEscape(id) }

func nonEmpty(parts ...string) []string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func documentTypeName(t string) string {
	switch t {
	case verify.TypePDF:
		return "PDF"
	case verify.TypePNG:
		return "image PNG"
	case verify.TypeJPEG:
		return "image JPEG"
	}
	return t
}

// byteSize is a size for people: « 312 ko », « 1,4 Mo ».
func byteSize(n int) string {
	switch {
	case n < 1000:
		return pluralFR(n, "octet", "octets")
	case n < 1000*1000:
		return formatNumber((n+500)/1000) + " ko"
	}
	tenths := (n + 50*1000) / (100 * 1000)
	return formatNumber(tenths/10) + "," + string(rune('0'+tenths%10)) + " Mo"
}

// ageText says how long ago, roughly: « aujourd'hui », « il y a 3 jours ».
func ageText(d time.Duration) string {
	days := int(d / (24 * time.Hour))
	switch {
	case days <= 0:
		return "aujourd'hui"
	case days == 1:
		return "hier"
	}
	return "il y a " + formatNumber(days) + " jours"
}
