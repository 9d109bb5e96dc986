package notice

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"fabrique/data"
)

// ParseBOAMPAPI reads an answer of the BOAMP open-data API (Opendatasoft
// "records": {"total_count", "results": [...]}; the v1 shape
// {"records": [{"fields": {...}}]} and a bare array are accepted too).
// Each record gives a tender; a record that cannot be used (no idweb, no
// title, no buyer, no valid CPV) is a Problem and the others are kept.
//
// When a record carries "donnees" (the full notice, as a JSON string) and
// "gestion", they are read like the BOAMP v230 XML (or like eForms when
// donnees holds {"EFORMS": {...}}); the record's flat fields fill what they
// leave out, and win for the identifiers.
func ParseBOAMPAPI(r io.Reader, opts Options) (Result, error) {
	return parseInput(r, opts, parseBOAMPAPI)
}

func parseBOAMPAPI(b []byte, opts Options) (Result, error) {
	v, err := readJSON(b, opts)
	if err != nil {
		return Result{}, err
	}
	records, err := boampRecords(v)
	if err != nil {
		return Result{}, err
	}
	var res Result
	for i, item := range records {
		rec := obj(item)
		ref := boampIDWeb(rec)
		if ref == "" {
			ref = "résultat n°" + strconv.Itoa(i+1)
		}
		if rec == nil {
			res.Problems = append(res.Problems, Problem{Ref: ref, Err: rejectf("enregistrement qui n'est pas un objet JSON")})
			continue
		}
		o, err := mapBOAMPRecord(rec, opts)
		if err == nil {
			err = checkSize(&o, opts)
		}
		if err != nil {
			res.Problems = append(res.Problems, Problem{Ref: ref, Err: err})
			continue
		}
		finish(&o, opts)
		res.Tenders = append(res.Tenders, o.tender)
		res.Awards = append(res.Awards, o.awards...)
		for _, n := range o.notes {
			res.Warnings = append(res.Warnings, Problem{Ref: o.tender.ID, Err: noteError(n)})
		}
	}
	return res, nil
}

// boampRecords finds the list of records in the API's answer.
func boampRecords(v any) ([]any, error) {
	if list, ok := v.([]any); ok {
		return list, nil
	}
	top := obj(v)
	if top == nil {
		return nil, fmt.Errorf("%w: objet JSON {\"results\": [...]} attendu", ErrMalformed)
	}
	if res, ok := top["results"]; ok {
		return arr(res), nil
	}
	if recs, ok := top["records"]; ok { // Opendatasoft v1: records[].fields
		var out []any
		for _, r := range arr(recs) {
			if f := obj(obj(r)["fields"]); f != nil {
				out = append(out, f)
			} else if f := obj(obj(obj(r)["record"])["fields"]); f != nil {
				out = append(out, f)
			} else {
				out = append(out, r)
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: clé \"results\" absente de la réponse de l'API BOAMP", ErrMalformed)
}

// boampIDWeb returns the notice number: idweb, or id with its underscore
// ("26_26122" is "26-26122").
func boampIDWeb(rec map[string]any) string {
	if s := sval(rec, "idweb"); s != "" {
		return s
	}
	return strings.Replace(sval(rec, "id"), "_", "-", 1)
}

// mapBOAMPRecord maps one API record.
func mapBOAMPRecord(rec map[string]any, opts Options) (noticeOut, error) {
	var o noticeOut
	g := embeddedNode(rec, "gestion", "GESTION", opts, &o)
	d := embeddedNode(rec, "donnees", "DONNEES", opts, &o)
	switch {
	case d.has("EFORMS"):
		doc := d.child("EFORMS")
		if len(doc.kids) > 0 {
			doc = doc.kids[0]
		}
		eo, err := mapEForms(doc, opts)
		if err != nil {
			o.notef("donnees eForms écartées, champs de l'enregistrement seuls : %s", Explain(err))
			break
		}
		eo.notes = append(o.notes, eo.notes...)
		o = eo
		rebrandEForms(&o, boampIDWeb(rec))
	case d != nil || g != nil:
		if d != nil && !d.has("IDENTITE") && !d.has("OBJET") && !d.has("ATTRIBUTION") {
			o.notef("donnees de structure inconnue (%s), champs de l'enregistrement seuls", childNames(d))
			d = nil
		}
		bo, err := mapBOAMP(g, d, opts)
		if err != nil {
			return o, err
		}
		bo.notes = append(o.notes, bo.notes...)
		o = bo
	}
	overlayFlat(&o, rec, opts)
	if err := checkRequired(&o.tender, "idweb", "objet", "nomacheteur"); err != nil {
		return o, err
	}
	return o, nil
}

// embeddedNode parses a JSON string field holding an XML notice part,
// unwrapping a single top element of the expected name.
func embeddedNode(rec map[string]any, field, name string, opts Options, o *noticeOut) *node {
	s := sval(rec, field)
	if s == "" {
		return nil
	}
	n, err := jsonNode([]byte(s), name, opts.MaxDepth)
	if err != nil {
		o.notef("champ %s illisible, ignoré : %s", field, Explain(err))
		return nil
	}
	if len(n.kids) == 1 && n.kids[0].name == name {
		return n.kids[0]
	}
	return n
}

// rebrandEForms turns a tender read from eForms content into the BOAMP
// notice that carried it; the eForms notice stays in SourceIDs.
func rebrandEForms(o *noticeOut, idweb string) {
	t := &o.tender
	tedID := t.SourceID
	t.SourceIDs = append(t.SourceIDs, "ted:"+tedID)
	t.Source, t.SourceID, t.URL, t.History = "boamp", idweb, "", nil
	for i := range o.awards {
		a := &o.awards[i]
		a.Source = "boamp"
		a.ID = "boamp:" + idweb + strings.TrimPrefix(a.ID, "ted:"+tedID)
	}
}

// overlayFlat fills the tender from the record's flat fields: identifiers
// always, everything else only where the notice content said nothing.
func overlayFlat(o *noticeOut, rec map[string]any, opts Options) {
	t := &o.tender
	t.Source = "boamp"
	if id := boampIDWeb(rec); id != "" {
		if t.SourceID != "" && t.SourceID != id {
			o.notef("IDWEB %q de gestion différent de idweb %q : idweb retenu", t.SourceID, id)
		}
		t.SourceID = id
	}
	if u := sval(rec, "url_avis"); u != "" {
		t.URL = u
	} else if t.URL == "" && t.SourceID != "" {
		t.URL = "https://www.boamp.fr/pages/avis/?q=idweb:" + t.SourceID
	}
	if t.Title == "" {
		t.Title = oneLine(sval(rec, "objet"))
	}
	if t.Buyer.Name == "" {
		t.Buyer.Name = oneLine(sval(rec, "nomacheteur"))
	}
	if t.NoticeType == "" {
		t.NoticeType = strings.TrimSuffix(oneLine(sval(rec, "nature_categorise_libelle")), "/")
	}
	if t.State == "" {
		t.State = flatState(sval(rec, "nature_categorise_libelle"))
	}
	if t.Procedure == "" {
		t.Procedure = data.NormalizeProcedure(sval(rec, "procedure_libelle"))
	}
	if t.Nature == "" {
		for _, m := range strs(rec["type_marche"]) {
			if t.Nature = natureOf(m); t.Nature != "" {
				break
			}
		}
	}
	if t.PublishedAt.IsZero() {
		if at, err := parseDate(sval(rec, "dateparution"), opts.Location); err == nil {
			t.PublishedAt = at
		} else if sval(rec, "dateparution") != "" {
			o.notef("dateparution écartée : %v", err)
		}
	}
	if t.Deadline.IsZero() && sval(rec, "datelimitereponse") != "" {
		if at, err := joinDateTime(sval(rec, "datelimitereponse"), "", opts.Location, true); err == nil {
			t.Deadline = at
		} else {
			o.notef("datelimitereponse écartée : %v", err)
		}
	}
	if t.Place.Departement == "" {
		deps := strs(rec["code_departement_prestation"])
		if len(deps) == 0 {
			deps = strs(rec["code_departement"])
		}
		switch {
		case len(deps) == 1 && depWithin(deps[0], t.Place.NUTS):
			t.Place = resolvePlace(placeInput{Departement: deps[0]})
		case len(deps) > 1: // several: no single place, say which
			t.Description = appendLine(t.Description, "Départements : "+strings.Join(deps, ", "))
			if nuts, ok := regionOfDepartements(deps); ok {
				t.Place = data.Place{NUTS: nuts} // all in one région: that région
			}
		}
	}
	// descripteur_code and descripteur_libelle are parallel lists; they can
	// differ from the notice's own INDEXATION (BOAMP re-indexes): both are
	// kept.
	before := len(t.Descriptors)
	codes := strs(rec["descripteur_code"])
	for i, label := range strs(rec["descripteur_libelle"]) {
		d := data.Descriptor{Label: oneLine(label)}
		if i < len(codes) {
			d.Code = oneLine(codes[i])
		}
		t.Descriptors = addDescriptor(t.Descriptors, d)
	}
	if len(t.Descriptors) > before {
		t.Description = withDescriptors(withoutDescriptors(t.Description), t.Descriptors)
	}
	if len(t.Winners) == 0 {
		// The flat record repeats a company once per lot it won, without
		// the lot (5 of the 21 shipped award notices): one winner each, or
		// a share of the award would be split among copies of one company.
		var winners []data.Winner
		seen := map[string]bool{}
		for _, name := range strs(rec["titulaire"]) {
			if name = oneLine(name); name != "" && !seen[data.Fold(name)] {
				seen[data.Fold(name)] = true
				winners = append(winners, data.Winner{Name: name})
			}
		}
		if len(winners) > 0 {
			t.Winners = winners
			t.State = data.StateAwarded
			o.awards = append(o.awards, data.Award{
				ID: "boamp:" + t.SourceID, Source: "boamp", Buyer: t.Buyer, Nature: t.Nature,
				Object: t.Title, CPV: t.CPV, Procedure: oneLine(sval(rec, "procedure_libelle")),
				Place: t.Place, Winners: winners,
			})
		}
	}
}

// flatState reads the state from nature_categorise_libelle.
func flatState(s string) data.TenderState {
	s = data.Fold(s)
	switch {
	case strings.Contains(s, "annulation"):
		return data.StateCancelled
	case strings.Contains(s, "rectificatif"):
		return data.StateCorrected
	case strings.Contains(s, "resultat"), strings.Contains(s, "attribution"):
		return data.StateAwarded
	}
	return data.StateOpen
}

// strs reads a JSON field that is a list of strings, a single string or
// null, dropping empty values.
func strs(v any) []string {
	var out []string
	for _, x := range arr(v) {
		if s := strings.TrimSpace(scalar(x)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func appendLine(text, line string) string {
	if text == "" {
		return line
	}
	return text + "\n" + line
}

// childNames lists the first few child names of a node, for a message.
func childNames(n *node) string {
	var names []string
	for i, k := range n.kids {
		if i == 5 {
			names = append(names, "…")
			break
		}
		names = append(names, k.name)
	}
	return strings.Join(names, ", ")
}
