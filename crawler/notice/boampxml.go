package notice

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"fabrique/data"
)

// ParseBOAMPXML reads one BOAMP notice in the Boamp_v230 XML schema (root
// <ANNONCE>, with <GESTION> and <DONNEES>): a call for tenders gives an
// open tender, an award notice (NATURE/ATTRIBUTION) an awarded tender with
// its winners (TITULAIRE) and one Award per decision.
func ParseBOAMPXML(r io.Reader, opts Options) (Result, error) {
	return parseInput(r, opts, parseBOAMPXML)
}

func parseBOAMPXML(b []byte, opts Options) (Result, error) {
	root, err := parseXML(b, opts.MaxDepth, opts.MaxElements)
	if err != nil {
		return Result{}, err
	}
	if root.name != "ANNONCE" {
		return Result{}, fmt.Errorf("notice: racine <%s> au lieu de <ANNONCE> (BOAMP v230): %w", root.name, ErrUnknownFormat)
	}
	ref := root.str("GESTION", "REFERENCE", "IDWEB")
	o, err := mapBOAMP(root.child("GESTION"), root.child("DONNEES"), opts)
	if err == nil {
		err = checkRequired(&o.tender, "GESTION/REFERENCE/IDWEB", "OBJET/TITRE_MARCHE ou INDEXATION/RESUME_OBJET", "IDENTITE/DENOMINATION")
	}
	if ref == "" {
		ref = "annonce BOAMP"
	}
	return single(ref, o, err, opts)
}

// mapBOAMP maps the GESTION and DONNEES parts of a BOAMP v230 notice. Both
// may come from XML or from the API's JSON; either may be nil. Required
// fields are checked by the caller, which may fill them from elsewhere.
func mapBOAMP(g, d *node, opts Options) (noticeOut, error) {
	var o noticeOut
	t := &o.tender
	t.Source = "boamp"
	t.SourceID = g.str("REFERENCE", "IDWEB")
	if prev := g.str("MARCHE", "ANNONCE_ANTERIEUR", "REFERENCE", "IDWEB"); prev != "" {
		t.SourceIDs = append(t.SourceIDs, "boamp:"+prev)
	}
	if t.SourceID != "" {
		t.URL = "https://www.boamp.fr/pages/avis/?q=idweb:" + t.SourceID
	}
	typeAvis := g.at("REFERENCE", "TYPE_AVIS")
	t.NoticeType = boampNoticeType(typeAvis)

	if s := g.str("INDEXATION", "DATE_PUBLICATION"); s != "" {
		if at, err := parseDate(s, opts.Location); err == nil {
			t.PublishedAt = at
		} else {
			o.notef("date de publication écartée : %v", err)
		}
	}

	obj := d.child("OBJET")
	t.Title = oneLine(obj.str("TITRE_MARCHE"))
	if t.Title == "" {
		t.Title = oneLine(g.str("INDEXATION", "RESUME_OBJET"))
	}
	full := paragraphs(obj.str("OBJET_COMPLET"))
	if t.Title == "" && full != "" {
		t.Title = clip(oneLine(full))
	}
	t.Descriptors = boampDescriptors(g)
	t.Description = withDescriptors(full, t.Descriptors)
	// REF_MARCHE is chosen by each buyer and shared across France
	// ("2016V12019350" may be anyone's): finish scopes it by the buyer,
	// who may still be filled by the API record's flat fields.
	o.buyerRef = oneLine(obj.str("REF_MARCHE"))
	t.Procedure = data.NormalizeProcedure(d.at("PROCEDURE", "TYPE_PROCEDURE").firstChildName())

	id := d.child("IDENTITE")
	t.Buyer.Name = oneLine(id.str("DENOMINATION"))
	if raw := id.str("CODE_IDENT_NATIONAL"); raw != "" {
		siret, note := siretOf(raw)
		t.Buyer.SIRET = siret
		if note != "" {
			o.notef("acheteur : %s", note)
		}
	}

	t.Nature = natureOf(boampNatureWord(obj.at("TYPE_MARCHE").firstChildName()))

	lotNodes := obj.all("LOTS", "LOT")
	mains, adds := boampCPVs(obj)
	for _, l := range lotNodes {
		lm, _ := boampCPVs(l)
		mains = append(mains, lm...)
	}
	cpv, err := chooseCPV(mains, adds)
	if err != nil {
		return o, err
	}
	t.CPV, t.CPVAdditional = cpv.main, cpv.additional
	o.notes = append(o.notes, cpv.notes...)

	t.Place = boampPlace(g, obj, lotNodes)
	t.Deadline = boampDeadline(d.child("CONDITION_DELAI"), opts, &o)
	t.EstimatedValue, t.Currency = boampValue(obj.child("CARACTERISTIQUES"), "VALEUR_TOTALE")
	if len(lotNodes) > 1 {
		t.Lots = boampLots(lotNodes, &o)
	}
	if t.EstimatedValue == 0 {
		for _, l := range lotNodes {
			v, cur := boampValue(l, "VALEUR")
			t.EstimatedValue += v
			if cur != "" {
				t.Currency = cur
			}
		}
	}
	if t.EstimatedValue == 0 {
		t.EstimatedValue, t.Currency = boampValue(obj.child("CARACTERISTIQUES"), "VALEUR_MAX")
	}

	if typeAvis != nil { // else the API record's flat fields will say
		t.State = boampState(typeAvis)
	}
	if att := d.child("ATTRIBUTION"); att != nil {
		boampAwards(&o, att, d, opts.Location)
		switch {
		case len(t.Winners) > 0:
			t.State = data.StateAwarded
		case len(att.children("DECISION")) > 0 && (t.State == data.StateAwarded || t.State == ""):
			t.State = data.StateCancelled // every lot "infructueux": nothing awarded
		}
	}
	return o, nil
}

// boampNoticeType renders TYPE_AVIS as "FAMILLE/NATURE[/SOUS-NATURE]",
// with the STATUT when it is not INITIAL ("JOUE/APPEL_OFFRE/STANDARD").
func boampNoticeType(ta *node) string {
	var parts []string
	if f := ta.at("FAMILLE").firstChildName(); f != "" {
		parts = append(parts, f)
	}
	if n := ta.child("NATURE"); n != nil && len(n.kids) > 0 {
		parts = append(parts, n.kids[0].name)
		if sub := n.kids[0].firstChildName(); sub != "" {
			parts = append(parts, sub)
		}
	}
	if s := ta.at("STATUT").firstChildName(); s != "" && s != "INITIAL" {
		parts = append(parts, s)
	}
	return strings.Join(parts, "/")
}

// boampState reads the state from the nature and status of the notice.
func boampState(ta *node) data.TenderState {
	words := boampNoticeType(ta)
	switch {
	case strings.Contains(words, "ANNUL"):
		return data.StateCancelled
	case strings.Contains(words, "RECTIF"):
		return data.StateCorrected
	case strings.Contains(words, "ATTRIBUTION"):
		return data.StateAwarded
	}
	return data.StateOpen
}

// boampNatureWord maps TYPE_MARCHE's element to a word natureOf knows.
func boampNatureWord(s string) string {
	switch s {
	case "TRAVAUX":
		return "works"
	case "FOURNITURES":
		return "supplies"
	case "SERVICE", "SERVICES":
		return "services"
	}
	return ""
}

// boampCPVs returns the main CPV (the first PRINCIPAL) and the others
// (further PRINCIPAL blocks, SUPPLEMENTAIRE, SECONDAIRE) of an OBJET or LOT.
func boampCPVs(n *node) (mains, adds []string) {
	for i, c := range n.children("CPV") {
		for j, p := range c.children("PRINCIPAL") {
			if i == 0 && j == 0 {
				mains = append(mains, strings.TrimSpace(p.text))
			} else {
				adds = append(adds, strings.TrimSpace(p.text))
			}
		}
		for _, k := range c.kids {
			if k.name == "SUPPLEMENTAIRE" || k.name == "SECONDAIRE" {
				adds = append(adds, strings.TrimSpace(k.text))
			}
		}
	}
	return mains, adds
}

// boampPlace takes, in order of trust: the département of performance
// (INDEXATION/DEP_PRESTATION), a NUTS-3 code of the object or its lots,
// and the département of publication (where the buyer is) when the NUTS
// code given, if any, is a region that contains it. A NUTS code for the
// whole country ("FR") says the place is nationwide: no département then.
func boampPlace(g, obj *node, lots []*node) data.Place {
	nuts := obj.str("LIEU_EXEC_LIVR", "CODE_NUTS")
	for _, l := range lots {
		if nuts != "" {
			break
		}
		nuts = l.str("CODE_NUTS")
	}
	in := placeInput{NUTS: nuts, Departement: g.str("INDEXATION", "DEP_PRESTATION")}
	if in.Departement == "" {
		if _, ok := departementOfNUTS(strings.ToUpper(nuts)); !ok {
			if dep := g.str("INDEXATION", "DEP_PUBLICATION"); depWithin(dep, nuts) {
				in.Departement = dep
			}
		}
	}
	return resolvePlace(in)
}

// depWithin reports whether a département lies in the region a NUTS-1 or
// NUTS-2 code names (or whether there is no NUTS code at all).
func depWithin(dep, nuts string) bool {
	nuts = strings.ToUpper(strings.TrimSpace(nuts))
	if nuts == "" {
		return true
	}
	if len(nuts) <= 2 {
		return false // the whole country
	}
	n3, ok := data.NUTS3OfDepartement(normalizeDepartement(dep))
	return ok && strings.HasPrefix(n3, nuts)
}

// boampDeadline reads the time limit for offers, or for applications.
func boampDeadline(cd *node, opts Options, o *noticeOut) (deadline time.Time) {
	for _, name := range []string{"RECEPT_OFFRES", "RECEPT_CANDIDATURES"} {
		if s := cd.str(name); s != "" {
			at, err := joinDateTime(s, "", opts.Location, true)
			if err != nil {
				o.notef("date limite %s écartée : %v", name, err)
				continue
			}
			return at
		}
	}
	return deadline
}

// boampValue reads an amount element and its DEVISE attribute.
func boampValue(n *node, name string) (float64, string) {
	v := n.child(name)
	if v == nil {
		return 0, ""
	}
	f, ok := parseAmount(v.text)
	if !ok {
		return 0, ""
	}
	cur := v.attr("DEVISE")
	if cur == "" {
		cur = "EUR"
	}
	return f, cur
}

// boampLots maps LOTS/LOT. Lots with an invalid CPV are kept without it.
func boampLots(lots []*node, o *noticeOut) []data.Lot {
	out := make([]data.Lot, 0, len(lots))
	for i, l := range lots {
		lot := data.Lot{ID: oneLine(l.str("NUM"))}
		if lot.ID == "" {
			lot.ID = strconv.Itoa(i + 1)
		}
		lot.Description = paragraphs(l.str("DESCRIPTION"))
		lot.Title = oneLine(l.str("INTITULE"))
		if lot.Title == "" {
			lot.Title = clip(oneLine(lot.Description))
		}
		if lot.Title == "" {
			lot.Title = "Lot " + lot.ID
		}
		mains, adds := boampCPVs(l)
		if c, err := chooseCPV(mains, adds); err != nil {
			o.notef("lot %s : %v", lot.ID, err)
		} else {
			lot.CPV, lot.CPVAdditional = c.main, c.additional
			for _, n := range c.notes {
				o.notef("lot %s : %s", lot.ID, n)
			}
		}
		if nuts := l.str("CODE_NUTS"); nuts != "" {
			lot.Place = resolvePlace(placeInput{NUTS: nuts})
		}
		lot.EstimatedValue, _ = boampValue(l, "VALEUR")
		out = append(out, lot)
	}
	return out
}

// boampDescriptors lists the BOAMP descriptors (INDEXATION), once each.
func boampDescriptors(g *node) []data.Descriptor {
	var out []data.Descriptor
	for _, d := range g.all("INDEXATION", "DESCRIPTEURS", "DESCRIPTEUR") {
		out = addDescriptor(out, data.Descriptor{Code: oneLine(d.str("CODE")), Label: oneLine(d.str("LIBELLE"))})
	}
	return out
}

// addDescriptor appends a descriptor that has a label and is not listed
// yet.
func addDescriptor(list []data.Descriptor, d data.Descriptor) []data.Descriptor {
	if d.Label == "" || slices.ContainsFunc(list, func(o data.Descriptor) bool { return o.Label == d.Label }) {
		return list
	}
	return append(list, d)
}

// withoutDescriptors removes the line withDescriptors appended.
func withoutDescriptors(desc string) string {
	i := strings.Index(desc, "Descripteurs BOAMP : ")
	if i < 0 {
		return desc
	}
	rest := ""
	if j := strings.IndexByte(desc[i:], '\n'); j >= 0 {
		rest = desc[i+j+1:]
	}
	return strings.TrimRight(desc[:i], "\n") + joinNonEmpty("\n", rest)
}

// joinNonEmpty prefixes s with sep when s is not empty.
func joinNonEmpty(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

// withDescriptors appends BOAMP's descriptors to a description: they are
// the buyer's own keywords and help matching (data.Tender has no keyword
// field of its own).
func withDescriptors(desc string, descriptors []data.Descriptor) string {
	if len(descriptors) == 0 {
		return desc
	}
	labels := make([]string, len(descriptors))
	for i, d := range descriptors {
		labels[i] = d.Label
	}
	line := "Descripteurs BOAMP : " + strings.Join(labels, ", ")
	if desc == "" {
		return line
	}
	return desc + "\n" + line
}
