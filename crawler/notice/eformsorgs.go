package notice

import "strings"

// eformsOrg is an organisation of efac:Organizations: the buyer, a
// tenderer, a review body…
type eformsOrg struct {
	id, name, companyID, country string
}

// french reports whether the organisation is registered in France, the
// only case where its company identifier can be a SIRET.
func (o eformsOrg) french() bool {
	c := strings.ToUpper(o.country)
	return c == "" || c == "FRA" || c == "FR"
}

// organizations indexes efac:Organizations by identifier. An organisation
// without identifier or name cannot be referred to: the notice is broken.
func (n *eformsNotice) organizations() (map[string]eformsOrg, error) {
	out := map[string]eformsOrg{}
	for i, on := range n.ext.all("Organizations", "Organization") {
		c := on.child("Company")
		id := c.str("PartyIdentification", "ID")
		if id == "" {
			return nil, rejectf("efac:Organization n°%d sans efac:Company/cac:PartyIdentification/cbc:ID", i+1)
		}
		o := eformsOrg{id: id, companyID: c.str("PartyLegalEntity", "CompanyID"),
			country: c.str("PostalAddress", "Country", "IdentificationCode")}
		if nm := pickLang(c.all("PartyName", "Name"), n.langs...); nm != nil {
			o.name = oneLine(nm.text)
		}
		if o.name == "" {
			return nil, rejectf("organisation %s sans nom (cac:PartyName/cbc:Name)", id)
		}
		if _, dup := out[id]; dup {
			return nil, rejectf("identifiant d'organisation %s en double dans efac:Organizations", id)
		}
		out[id] = o
	}
	return out, nil
}
