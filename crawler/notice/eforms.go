package notice

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"fabrique/data"
)

// ParseEForms reads one TED eForms UBL notice: ContractNotice,
// PriorInformationNotice or ContractAwardNotice, including change notices
// (efac:Changes: the tender is "corrected", or "cancelled" when the change
// cancels it). A notice that breaks a rule the importer relies on (no
// notice identifier, no title, no buyer, an organisation without
// identifier, a lot without one, a CPV block without code…) is rejected
// whole: the Result holds no tender and the error names the element.
func ParseEForms(r io.Reader, opts Options) (Result, error) {
	return parseInput(r, opts, parseEForms)
}

func parseEForms(b []byte, opts Options) (Result, error) {
	root, err := parseXML(b, opts.MaxDepth, opts.MaxElements)
	if err != nil {
		return Result{}, err
	}
	ref := root.str("ID")
	if ref == "" {
		ref = "avis eForms <" + root.name + ">"
	}
	o, err := mapEForms(root, opts)
	return single(ref, o, err, opts)
}

// eformsRoots are the UBL document elements that announce procurement.
var eformsRoots = map[string]bool{"ContractNotice": true, "PriorInformationNotice": true, "ContractAwardNotice": true}

// eformsNotice holds what the mapping needs while it walks a notice.
type eformsNotice struct {
	root, ext *node
	orgs      map[string]eformsOrg
	langs     []string // language preference for texts
	opts      Options
	out       *noticeOut
}

// mapEForms maps a parsed eForms notice. Its Source is "ted"; the BOAMP
// API reader renames it when the notice came through BOAMP.
func mapEForms(root *node, opts Options) (noticeOut, error) {
	var o noticeOut
	switch {
	case root.name == "BusinessRegistrationInformationNotice":
		return o, fmt.Errorf("avis %s (%s) : %w", root.str("NoticeTypeCode"), root.name, ErrNotProcurement)
	case !eformsRoots[root.name]:
		return o, fmt.Errorf("racine <%s> : ni ContractNotice, ni PriorInformationNotice, ni ContractAwardNotice: %w", root.name, ErrUnknownFormat)
	}
	n := &eformsNotice{
		root:  root,
		ext:   eformsExt(root),
		langs: []string{"FRA", root.str("NoticeLanguageCode")},
		opts:  opts,
		out:   &o,
	}
	if err := n.requireElements(); err != nil {
		return o, err
	}
	if err := n.checkStructure(); err != nil {
		return o, err
	}
	orgs, err := n.organizations()
	if err != nil {
		return o, err
	}
	n.orgs = orgs
	t := &o.tender
	t.Source = "ted"
	if err := n.identity(t); err != nil {
		return o, err
	}
	if err := n.project(t); err != nil {
		return o, err
	}
	if err := checkRequired(t, "cbc:ID", "cac:ProcurementProject/cbc:Name", "cac:ContractingParty → efac:Organization"); err != nil {
		return o, err
	}
	if err := n.changes(t); err != nil {
		return o, err
	}
	if root.name == "ContractAwardNotice" {
		n.results(t)
	}
	return o, nil
}

// eformsExt returns the eForms extension of a UBL element.
func eformsExt(n *node) *node {
	return n.at("UBLExtensions", "UBLExtension", "ExtensionContent", "EformsExtension")
}

// identity reads the notice's identifiers, dates and buyer.
func (n *eformsNotice) identity(t *data.Tender) error {
	r := n.root
	noticeID := r.str("ID")
	pubID := n.ext.str("Publication", "NoticePublicationID")
	t.SourceID = noticeID
	if pubID != "" {
		t.SourceID = pubID
		t.URL = "https://ted.europa.eu/fr/notice/-/detail/" + pubID
		if noticeID != "" {
			t.SourceIDs = append(t.SourceIDs, "ted:"+noticeID)
		}
	}
	t.ProcedureID = r.str("ContractFolderID")
	t.NoticeType = r.str("NoticeTypeCode")

	issue := r.str("IssueDate")
	if issue == "" {
		return rejectf("élément cbc:IssueDate (date d'envoi de l'avis) absent")
	}
	at, err := joinDateTime(issue, r.str("IssueTime"), n.opts.Location, false)
	if err != nil {
		return rejectf("cbc:IssueDate : %v", err)
	}
	t.PublishedAt = at
	if s := n.ext.str("Publication", "PublicationDate"); s != "" {
		if at, err := joinDateTime(s, "", n.opts.Location, false); err == nil {
			t.PublishedAt = at
		}
	}

	// The first cac:ContractingParty is the lead buyer; the others, in a
	// joint procurement, are kept beside it: a notice of the procedure
	// may name another of them first.
	for i, cp := range r.children("ContractingParty") {
		ref := cp.str("Party", "PartyIdentification", "ID")
		if ref == "" {
			if i == 0 {
				return rejectf("acheteur absent : cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID")
			}
			n.out.notef("acheteur conjoint n°%d sans identifiant : ignoré", i+1)
			continue
		}
		org, ok := n.orgs[ref]
		if !ok {
			if i == 0 {
				return rejectf("l'acheteur %s (cac:ContractingParty) n'est pas décrit dans efac:Organizations", ref)
			}
			n.out.notef("l'acheteur conjoint %s n'est pas décrit dans efac:Organizations : ignoré", ref)
			continue
		}
		label := "acheteur"
		if i > 0 {
			label = "acheteur conjoint " + org.name
		}
		b := n.buyer(org, label)
		if i == 0 {
			t.Buyer = b
		} else if b != t.Buyer && !slices.Contains(t.JointBuyers, b) {
			t.JointBuyers = append(t.JointBuyers, b)
		}
	}
	if t.Buyer.Name == "" {
		return rejectf("acheteur absent : cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID")
	}
	return nil
}

// buyer reads a buyer from its organisation: its SIRET only when the
// organisation is French. label names it in the notes.
func (n *eformsNotice) buyer(org eformsOrg, label string) data.Buyer {
	b := data.Buyer{Name: org.name}
	if org.french() {
		siret, note := siretOf(org.companyID)
		b.SIRET = siret
		if note != "" {
			n.out.notef("%s : %s", label, note)
		}
	}
	return b
}

// project reads the procedure (cac:ProcurementProject) and its lots.
func (n *eformsNotice) project(t *data.Tender) error {
	pp := n.root.child("ProcurementProject")
	if nm := pickLang(pp.children("Name"), n.langs...); nm != nil {
		t.Title = oneLine(nm.text)
	}
	if d := pickLang(pp.children("Description"), n.langs...); d != nil {
		t.Description = paragraphs(d.text)
	}
	t.Nature = natureOf(pp.str("ProcurementTypeCode"))
	t.Procedure = data.NormalizeProcedure(n.root.str("TenderingProcess", "ProcedureCode"))
	t.Place = n.place(pp)
	t.EstimatedValue, t.Currency = eformsAmount(pp.at("RequestedTenderTotal", "EstimatedOverallContractAmount"))

	lots, lotMains, err := n.lots()
	if err != nil {
		return err
	}
	mains := append(cpvCodes(pp, "MainCommodityClassification"), lotMains...)
	cpv, err := chooseCPV(mains, cpvCodes(pp, "AdditionalCommodityClassification"))
	if err != nil {
		return err
	}
	t.CPV, t.CPVAdditional = cpv.main, cpv.additional
	n.out.notes = append(n.out.notes, cpv.notes...)

	var lotNature data.Nature
	if len(lots) > 0 {
		lotNature = lots[0].nature
	}
	if t.Nature == "" {
		t.Nature = lotNature
	}
	plain := make([]data.Lot, len(lots))
	for i, l := range lots {
		plain[i] = l.Lot
	}
	t.Deadline = latestDeadline(plain)
	switch len(lots) {
	case 0:
	case 1: // a single lot is the procedure itself: fold it in
		l := lots[0]
		if t.Title == "" {
			t.Title = l.Title
		}
		if t.Description == "" {
			t.Description = l.Description
		}
		if t.Place == (data.Place{}) {
			t.Place = l.Place
		}
		if t.EstimatedValue == 0 {
			t.EstimatedValue, t.Currency = l.EstimatedValue, l.currency
		}
	default:
		t.Lots = plain
		if t.Title == "" {
			t.Title = lots[0].Title
		}
		if t.Place == (data.Place{}) {
			t.Place = lots[0].Place
		}
		if t.EstimatedValue == 0 {
			t.EstimatedValue, t.Currency = sumLots(lots)
		}
	}
	return nil
}

// sumLots adds the lots' estimated values when they share one currency.
func sumLots(lots []eformsLot) (float64, string) {
	var sum float64
	cur := ""
	for _, l := range lots {
		if l.EstimatedValue == 0 {
			continue
		}
		if cur != "" && l.currency != cur {
			return 0, ""
		}
		cur = l.currency
		sum += l.EstimatedValue
	}
	return sum, cur
}

// place picks the place of performance of a ProcurementProject: the first
// cac:RealizedLocation in France, else the first one that says anything.
func (n *eformsNotice) place(pp *node) data.Place {
	var first *node
	for _, loc := range pp.children("RealizedLocation") {
		a := loc.child("Address")
		if a == nil {
			continue
		}
		in := addressInput(a)
		if in.NUTS == "" && in.Country == "" && in.Postcode == "" {
			continue
		}
		if frenchPlace(in.Country, strings.ToUpper(in.NUTS)) {
			return resolvePlace(in)
		}
		if first == nil {
			first = a
		}
	}
	if first != nil {
		return resolvePlace(addressInput(first))
	}
	return data.Place{}
}

// addressInput reads a UBL address.
func addressInput(a *node) placeInput {
	return placeInput{
		Country:  a.str("Country", "IdentificationCode"),
		NUTS:     a.str("CountrySubentityCode"),
		Postcode: a.str("PostalZone"),
		City:     a.str("CityName"),
	}
}

// eformsAmount reads an amount element and its currencyID.
func eformsAmount(n *node) (float64, string) {
	if n == nil {
		return 0, ""
	}
	v, ok := parseAmount(n.text)
	if !ok {
		return 0, ""
	}
	return v, strings.ToUpper(n.attr("currencyID"))
}

// cpvCodes returns the CPV codes of the classification blocks named block.
func cpvCodes(pp *node, block string) []string {
	var out []string
	for _, c := range pp.children(block) {
		for _, code := range c.children("ItemClassificationCode") {
			if l := code.attr("listName"); l == "" || strings.EqualFold(l, "cpv") {
				out = append(out, strings.TrimSpace(code.text))
			}
		}
	}
	return out
}
