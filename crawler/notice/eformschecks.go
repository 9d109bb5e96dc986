package notice

import (
	"strconv"
	"strings"
)

// requireElements rejects a notice that lacks what identifies it, dates it
// or says who buys, naming every missing element at once.
func (n *eformsNotice) requireElements() error {
	var missing []string
	if n.root.str("ID") == "" {
		missing = append(missing, "cbc:ID (identifiant de l'avis)")
	}
	if n.root.str("IssueDate") == "" {
		missing = append(missing, "cbc:IssueDate (date d'envoi)")
	}
	if n.root.str("ContractingParty", "Party", "PartyIdentification", "ID") == "" {
		missing = append(missing, "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID (acheteur)")
	}
	if n.root.child("ProcurementProject") == nil {
		missing = append(missing, "cac:ProcurementProject (objet du marché)")
	}
	if len(missing) > 0 {
		return missingElements(missing)
	}
	return nil
}

// checkStructure rejects structural defects the mapping would otherwise
// read past and import half: a classification block without its code, a
// name given twice in the same language. Rules that need the rest of the
// notice (missing identifier, buyer, title) are checked where they are read.
func (n *eformsNotice) checkStructure() error {
	where := []struct {
		label string
		pp    *node
	}{{"cac:ProcurementProject", n.root.child("ProcurementProject")}}
	for i, l := range n.root.children("ProcurementProjectLot") {
		label := "lot " + l.str("ID")
		if l.str("ID") == "" {
			label = "cac:ProcurementProjectLot n°" + strconv.Itoa(i+1)
		}
		where = append(where, struct {
			label string
			pp    *node
		}{label, l.child("ProcurementProject")})
	}
	for _, w := range where {
		if w.pp == nil {
			continue
		}
		for _, block := range []string{"MainCommodityClassification", "AdditionalCommodityClassification"} {
			for _, c := range w.pp.children(block) {
				if c.str("ItemClassificationCode") == "" {
					return rejectf("%s : cac:%s sans cbc:ItemClassificationCode", w.label, block)
				}
			}
		}
		for _, field := range []string{"Name", "Description"} {
			seen := map[string]bool{}
			for _, nm := range w.pp.children(field) {
				lang := strings.ToUpper(nm.attr("languageID"))
				if seen[lang] {
					return rejectf("%s : cbc:%s donné deux fois dans la langue %q", w.label, field, lang)
				}
				seen[lang] = true
			}
		}
	}
	return nil
}
