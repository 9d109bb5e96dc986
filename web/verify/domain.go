package verify

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/publicsuffix"

	"fabrique/data"
)

// refused is a proof that cannot be used, with the reason in French for
// the claimant. It wraps data.ErrInvalid.
func refused(field, msg string) error {
	return &data.ValidationError{Field: field, Message: msg}
}

// freeMailDomains are consumer mail providers: anyone can open an address
// there, so they prove nothing about a company.
var freeMailDomains = []string{
	"gmail.com", "googlemail.com", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net",
	"outlook.com", "outlook.fr", "hotmail.com", "hotmail.fr", "hotmail.co.uk", "live.com", "live.fr",
	"msn.com", "yahoo.com", "yahoo.fr", "ymail.com", "icloud.com", "me.com", "mac.com",
	"sfr.fr", "neuf.fr", "bbox.fr", "aol.com", "aol.fr", "gmx.fr", "gmx.com", "gmx.de", "gmx.net",
	"protonmail.com", "proton.me", "pm.me", "mail.com", "yandex.com", "yandex.ru", "zoho.com",
	"tutanota.com", "numericable.fr", "club-internet.fr", "aliceadsl.fr", "cegetel.net",
	"noos.fr", "voila.fr", "netcourrier.com", "mailo.com", "tiscali.fr", "libertysurf.fr",
	"caramail.com", "lycos.fr", "9online.fr", "dbmail.com", "mail.ru", "qq.com", "web.de",
}

// platformDomains host the sites or pages of many companies: a company
// does not own its address there. Besides them, any private suffix of the
// Public Suffix List is a platform (sharedPlatform); this list holds those
// the List lacks, French ones first among them.
var platformDomains = []string{
	// Site builders and blogs where any user gets a subdomain.
	"wixsite.com", "wix.com", "e-monsite.com", "jimdo.com", "jimdofree.com", "jimdosite.com",
	"wordpress.com", "wpcomstaging.com", "blogspot.com", "blogspot.fr", "over-blog.com", "canalblog.com",
	"eklablog.com", "hautetfort.com", "skyrock.com", "wifeo.com", "sitew.com", "webnode.fr", "webnode.com",
	"webnode.page", "site123.me", "godaddysites.com", "business.site", "myshopify.com", "shopify.com",
	"squarespace.com", "weebly.com", "weeblysite.com", "mystrikingly.com", "tilda.ws", "odoo.com",
	"hs-sites.com", "tumblr.com", "typepad.com", "myportfolio.com", "github.io", "netlify.app",
	"vercel.app", "pagesperso-orange.fr", "monsite-orange.fr", "site-solocal.com", "solocal.com",
	// Directories and social networks: a page there, never the company's domain.
	"facebook.com", "fb.com", "linkedin.com", "instagram.com", "google.com", "google.fr", "pagesjaunes.fr",
	"societe.com", "youtube.com", "x.com", "twitter.com", "tiktok.com", "linktr.ee",
}

// sharedPlatform reports whether domain is a hosting platform's: one of
// platformDomains, or under a private suffix of the Public Suffix List
// (blogspot.com, pages.dev, webflow.io… — suffixes whose owners give
// their users subdomains), in the copy golang.org/x/net carries. A domain
// under an unlisted top-level domain has a one-label suffix: not private.
func sharedPlatform(domain string) bool {
	if under(domain, platformDomains) {
		return true
	}
	suffix, icann := publicsuffix.PublicSuffix(domain)
	return !icann && strings.Contains(suffix, ".")
}

// under reports whether domain is one of list or a subdomain of one.
func under(domain string, list []string) bool {
	for _, d := range list {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// FreeMail reports whether domain belongs to a consumer mail provider.
func FreeMail(domain string) bool { return under(normalizeDomain(domain), freeMailDomains) }

func normalizeDomain(d string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
}

// hostnameRe is an ASCII host name with at least two labels.
var hostnameRe = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)

// Domain is a company's web domain as published by a source.
type Domain struct {
	// Name is the host name without "www.": the domain of e-mail
	// addresses and of the DNS record.
	Name string
	// Site is the website's origin ("https://www.exemple.fr", with a port
	// when the source gave one): the well-known file is read there.
	Site string
	// Source is where the website comes from: a crawl source ("ofg",
	// "jsonld", "epv"…) or "owner" for an earlier verified member.
	Source string
}

// SourcedDomain returns the web domain of the company's website as the
// store received it from a source, or why there is none that may prove
// anything: no website, a website whose origin is unknown, an address
// that is not a public domain name, a free-mail or hosting-platform
// domain. The claimant never provides it.
func SourcedDomain(sup data.Supplier) (Domain, error) {
	raw := strings.TrimSpace(sup.Website)
	if raw == "" {
		return Domain{}, refused("website", "aucune source ne donne le site web de l'entreprise")
	}
	prov, ok := sup.Provenance[data.FieldWebsite]
	if !ok || (prov.Source == "" && !prov.Owner) {
		return Domain{}, refused("website", "l'origine du site web de la fiche n'est pas connue")
	}
	source := prov.Source
	if prov.Owner {
		source = "owner"
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return Domain{}, refused("website", "l'adresse du site web de la fiche est inutilisable")
	}
	host := normalizeDomain(u.Hostname())
	if data.IPHost(host) {
		return Domain{}, refused("website", "le site web de la fiche est une adresse IP, pas un nom de domaine")
	}
	if !hostnameRe.MatchString(host) {
		return Domain{}, refused("website", "le nom de domaine du site web n'est pas pris en charge (caractères accentués ou invalides)")
	}
	name := strings.TrimPrefix(host, "www.")
	switch {
	case under(name, freeMailDomains):
		return Domain{}, refused("website", "le site web est hébergé chez un fournisseur de messagerie grand public ("+name+") : ce domaine n'appartient pas à l'entreprise")
	case sharedPlatform(name):
		return Domain{}, refused("website", "le site web est hébergé sur une plateforme partagée ("+name+") : ce domaine n'appartient pas à l'entreprise")
	case !strings.Contains(name, "."):
		return Domain{}, refused("website", "le nom de domaine du site web est incomplet")
	}
	site := "https://" + host
	if p := u.Port(); p != "" {
		site += ":" + p
	}
	return Domain{Name: name, Site: site, Source: source}, nil
}

// localPartRe is the part of an address before "@" that a claimant may
// choose: plain letters, digits and . _ + -, as in contact, direction,
// jean.dupont.
var localPartRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9._+-]{0,62}[a-z0-9])?$`)

// MailAddress builds the address at d where the code goes, from the part
// before "@" the claimant chose. Only the local part is theirs: the whole
// address is taken when it is on the sourced domain (people type it), any
// other domain refused, so the domain is always the sourced one.
func MailAddress(local string, d Domain) (string, error) {
	local = strings.ToLower(strings.TrimSpace(local))
	if before, after, ok := strings.Cut(local, "@"); ok {
		// The whole address typed, as people do: fine on the company's
		// domain, which is all the field lets them choose anyway.
		if d.Name == "" || after != d.Name {
			return "", refused("local", "indiquez seulement la partie avant « @ » : le domaine est celui du site de l'entreprise")
		}
		local = before
	}
	if !localPartRe.MatchString(local) || strings.Contains(local, "..") {
		return "", refused("local", "la partie avant « @ » ne peut contenir que des lettres sans accent, des chiffres et . _ + -")
	}
	if d.Name == "" || FreeMail(d.Name) {
		return "", refused("local", "ce domaine ne permet pas de recevoir un code")
	}
	return local + "@" + d.Name, nil
}

// PostalAddress returns the registered address of the establishment a
// postal code goes to: the one of siret when given (it must be one of the
// company's), else the head office. The address must be complete enough
// for a letter.
func PostalAddress(sup data.Supplier, siret string) (data.Address, error) {
	var est data.Establishment
	found := false
	if siret != "" {
		for _, e := range sup.Establishments {
			if e.SIRET == siret {
				est, found = e, true
				break
			}
		}
		if !found {
			return data.Address{}, refused("siret", "ce SIRET n'est pas un établissement connu de l'entreprise")
		}
	} else {
		est, found = sup.HeadOffice()
	}
	addr := sup.Address
	if found && est.Address.Postcode != "" {
		addr = est.Address
	}
	if strings.TrimSpace(addr.Street) == "" || addr.Postcode == "" || addr.Commune == "" {
		return data.Address{}, refused("address", "l'adresse de l'établissement dans le registre est incomplète : un courrier ne peut pas y être envoyé")
	}
	if addr.Country != "" && addr.Country != "FR" {
		return data.Address{}, refused("address", "l'établissement n'est pas en France : le courrier n'est pas proposé")
	}
	return addr, nil
}
