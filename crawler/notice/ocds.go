package notice

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"fabrique/data"
)

// ParseOCDS reads Open Contracting data: a release package
// {"releases": [...]}, a record package {"records": [{"compiledRelease"}]}
// or a single release. The releases of one contracting process (same
// ocid) are merged in date order, the way OCDS compiles them, and give one
// tender "ocds:<ocid>" (every release id in SourceIDs); each active award
// gives one data.Award. CPV codes come from the items' classification
// (the first item's is the main one) and additionalClassifications.
func ParseOCDS(r io.Reader, opts Options) (Result, error) {
	return parseInput(r, opts, parseOCDS)
}

func parseOCDS(b []byte, opts Options) (Result, error) {
	v, err := readJSON(b, opts)
	if err != nil {
		return Result{}, err
	}
	releases, err := ocdsReleases(v)
	if err != nil {
		return Result{}, err
	}
	var order []string
	byOCID := map[string][]map[string]any{}
	var res Result
	for i, rel := range releases {
		ocid := sval(rel, "ocid")
		if ocid == "" {
			res.Problems = append(res.Problems, Problem{Ref: fmt.Sprintf("release n°%d", i+1), Err: rejectf("champ ocid absent")})
			continue
		}
		if _, ok := byOCID[ocid]; !ok {
			order = append(order, ocid)
		}
		byOCID[ocid] = append(byOCID[ocid], rel)
	}
	for _, ocid := range order {
		o, err := mapOCDS(ocid, byOCID[ocid], opts)
		if err == nil {
			err = checkSize(&o, opts)
		}
		if err != nil {
			res.Problems = append(res.Problems, Problem{Ref: ocid, Err: err})
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

// ocdsReleases finds the releases of a package, a record package (its
// compiled releases, else its releases) or a lone release.
func ocdsReleases(v any) ([]map[string]any, error) {
	top := obj(v)
	if top == nil {
		return nil, fmt.Errorf("%w: objet JSON OCDS attendu", ErrMalformed)
	}
	var out []map[string]any
	switch {
	case top["releases"] != nil:
		for _, r := range arr(top["releases"]) {
			if m := obj(r); m != nil {
				out = append(out, m)
			}
		}
	case top["records"] != nil:
		for _, rec := range arr(top["records"]) {
			rm := obj(rec)
			if c := obj(rm["compiledRelease"]); c != nil {
				out = append(out, c)
				continue
			}
			for _, r := range arr(rm["releases"]) {
				if m := obj(r); m != nil && m["ocid"] != nil {
					out = append(out, m)
				}
			}
		}
	case top["ocid"] != nil:
		out = append(out, top)
	default:
		return nil, fmt.Errorf("%w: ni \"releases\", ni \"records\", ni \"ocid\" : ce n'est pas de l'OCDS", ErrMalformed)
	}
	return out, nil
}

// mapOCDS compiles the releases of one process and maps the result.
func mapOCDS(ocid string, releases []map[string]any, opts Options) (noticeOut, error) {
	var o noticeOut
	t := &o.tender
	t.Source, t.SourceID, t.ProcedureID = "ocds", ocid, ocid
	sort.SliceStable(releases, func(i, j int) bool { return sval(releases[i], "date") < sval(releases[j], "date") })
	compiled := map[string]any{}
	var tags []string
	for _, rel := range releases {
		mergeOCDS(compiled, rel)
		if id := sval(rel, "id"); id != "" {
			t.SourceIDs = append(t.SourceIDs, "ocds:"+id)
		}
		tags = append(tags, strs(rel["tag"])...)
		at, _ := parseDate(sval(rel, "date"), opts.Location)
		t.History = append(t.History, data.TenderRevision{SourceID: "ocds:" + sval(rel, "id"),
			NoticeType: strings.Join(strs(rel["tag"]), ","), At: at})
	}
	t.NoticeType = strings.Join(strs(releases[len(releases)-1]["tag"]), ",")
	parties := map[string]map[string]any{}
	for _, p := range arr(compiled["parties"]) {
		if m := obj(p); m != nil {
			parties[sval(m, "id")] = m
		}
	}
	tender := obj(compiled["tender"])
	t.Title = oneLine(sval(tender, "title"))
	t.Description = paragraphs(sval(tender, "description"))
	buyer := obj(compiled["buyer"])
	if buyer == nil {
		buyer = obj(tender["procuringEntity"])
	}
	bp := parties[sval(buyer, "id")]
	t.Buyer.Name = oneLine(sval(buyer, "name"))
	if t.Buyer.Name == "" {
		t.Buyer.Name = oneLine(sval(bp, "name"))
	}
	t.Buyer.SIRET = ocdsSIRET(bp, &o, "acheteur")
	t.Nature = natureOf(sval(tender, "mainProcurementCategory"))
	t.Procedure = data.NormalizeProcedure(oneLine(sval(tender, "procurementMethodDetails")))

	items := arr(tender["items"])
	mains, adds := ocdsCPVs(items, "")
	cpv, err := chooseCPV(mains, adds)
	if err != nil {
		return o, err
	}
	t.CPV, t.CPVAdditional = cpv.main, cpv.additional
	o.notes = append(o.notes, cpv.notes...)
	t.Place = ocdsPlace(items, "", tender, bp)
	t.EstimatedValue, t.Currency = ocdsValue(tender["value"])
	if s := sval(obj(tender["tenderPeriod"]), "endDate"); s != "" {
		if at, err := parseDate(s, opts.Location); err == nil {
			t.Deadline = at
		} else {
			o.notef("tender.tenderPeriod.endDate écartée : %v", err)
		}
	}
	if s := sval(tender, "datePublished"); s != "" {
		t.PublishedAt, _ = parseDate(s, opts.Location)
	}
	if t.PublishedAt.IsZero() && len(t.History) > 0 {
		t.PublishedAt = t.History[0].At
	}
	for _, d := range arr(tender["documents"]) {
		if dm := obj(d); sval(dm, "documentType") == "tenderNotice" && sval(dm, "url") != "" {
			t.URL = sval(dm, "url")
			break
		}
	}
	if lots := arr(tender["lots"]); len(lots) > 1 {
		t.Lots = ocdsLots(lots, items, tender, bp, opts, &o)
	}
	ocdsAwards(&o, ocid, compiled, tender, parties, opts)
	t.State = ocdsState(sval(tender, "status"), tags, len(t.Winners) > 0)
	if len(t.History) > 0 {
		t.History[len(t.History)-1].State = t.State
	}
	if t.Title == "" && len(o.awards) > 0 {
		t.Title = o.awards[0].Object
	}
	if err := checkRequired(t, "ocid", "tender.title", "buyer.name"); err != nil {
		return o, err
	}
	return o, nil
}

// ocdsState maps tender.status and the release tags to a state.
func ocdsState(status string, tags []string, won bool) data.TenderState {
	switch {
	case won:
		return data.StateAwarded
	case status == "cancelled", status == "unsuccessful", status == "withdrawn", contains(tags, "tenderCancellation"):
		return data.StateCancelled
	case status == "complete":
		return data.StateAwarded
	case contains(tags, "tenderAmendment"), contains(tags, "tenderUpdate"):
		return data.StateCorrected
	}
	return data.StateOpen
}

// mergeOCDS merges a release into the compiled one: objects merge field by
// field, arrays of objects with an "id" merge item by item, anything else
// is replaced (the OCDS merge rules, without the versioned history).
func mergeOCDS(dst, src map[string]any) {
	for k, sv := range src {
		switch s := sv.(type) {
		case map[string]any:
			d := obj(dst[k])
			if d == nil {
				d = map[string]any{}
			}
			mergeOCDS(d, s)
			dst[k] = d
		case []any:
			dst[k] = mergeByID(arr(dst[k]), s)
		default:
			dst[k] = sv
		}
	}
}

func mergeByID(dst, src []any) []any {
	index := map[string]int{}
	for i, d := range dst {
		if id := sval(obj(d), "id"); id != "" {
			index[id] = i
		}
	}
	for _, s := range src {
		sm := obj(s)
		id := sval(sm, "id")
		if sm == nil || id == "" {
			return src // not an identified list: replaced whole
		}
		if i, ok := index[id]; ok {
			merged := obj(dst[i])
			if merged == nil {
				merged = map[string]any{}
			}
			mergeOCDS(merged, sm)
			dst[i] = merged
			continue
		}
		index[id] = len(dst)
		dst = append(dst, sm)
	}
	return dst
}

// ocdsCPVs returns the CPV codes of the items (of one lot when lot is not
// ""): the first item's classification is the main one, the rest and
// every additionalClassification are additional.
func ocdsCPVs(items []any, lot string) (mains, adds []string) {
	first := true
	for _, it := range items {
		im := obj(it)
		if lot != "" && sval(im, "relatedLot") != lot {
			continue
		}
		if c := obj(im["classification"]); isCPV(c) {
			if first {
				mains = append(mains, sval(c, "id"))
				first = false
			} else {
				adds = append(adds, sval(c, "id"))
			}
		}
		for _, ac := range arr(im["additionalClassifications"]) {
			if c := obj(ac); isCPV(c) {
				adds = append(adds, sval(c, "id"))
			}
		}
	}
	return mains, adds
}

func isCPV(c map[string]any) bool {
	return c != nil && strings.EqualFold(sval(c, "scheme"), "CPV") && sval(c, "id") != ""
}

// ocdsPlace takes the first delivery address of the items (of one lot),
// then the tender's, then the buyer's address.
func ocdsPlace(items []any, lot string, tender, buyer map[string]any) data.Place {
	var addrs []map[string]any
	for _, it := range items {
		im := obj(it)
		if lot != "" && sval(im, "relatedLot") != lot {
			continue
		}
		if a := obj(im["deliveryAddress"]); a != nil {
			addrs = append(addrs, a)
		}
	}
	for _, a := range arr(tender["deliveryAddresses"]) {
		if m := obj(a); m != nil {
			addrs = append(addrs, m)
		}
	}
	if lot == "" {
		if a := obj(buyer["address"]); a != nil {
			addrs = append(addrs, a)
		}
	}
	for _, a := range addrs {
		in := placeInput{Postcode: sval(a, "postalCode"), City: sval(a, "locality"), Country: sval(a, "countryName")}
		if c := sval(a, "country"); c != "" {
			in.Country = c
		}
		if in.Postcode == "" && in.City == "" {
			continue
		}
		return resolvePlace(in)
	}
	return data.Place{}
}

// ocdsValue reads a Value {amount, currency}.
func ocdsValue(v any) (float64, string) {
	m := obj(v)
	amount, ok := parseAmount(sval(m, "amount"))
	if !ok {
		return 0, ""
	}
	return amount, strings.ToUpper(sval(m, "currency"))
}

// ocdsSIRET finds a SIRET among a party's identifiers (any scheme: French
// publishers use FR-RCS, FR-SIRET or their own labels for it).
func ocdsSIRET(party map[string]any, o *noticeOut, who string) string {
	ids := []any{party["identifier"]}
	ids = append(ids, arr(party["additionalIdentifiers"])...)
	for _, id := range ids {
		raw := sval(obj(id), "id")
		siret, note := siretOf(raw)
		if siret != "" {
			return siret
		}
		if note != "" {
			o.notef("%s %s : %s", who, quoteFR(sval(party, "name")), note)
		}
	}
	return ""
}

// ocdsLots maps tender.lots, with the CPV and place of their items.
func ocdsLots(lots, items []any, tender, buyer map[string]any, opts Options, o *noticeOut) []data.Lot {
	var out []data.Lot
	for i, l := range lots {
		lm := obj(l)
		lot := data.Lot{ID: sval(lm, "id"), Title: oneLine(sval(lm, "title")), Description: paragraphs(sval(lm, "description"))}
		if lot.ID == "" {
			lot.ID = fmt.Sprint(i + 1)
		}
		if lot.Title == "" {
			lot.Title = "Lot " + lot.ID
		}
		mains, adds := ocdsCPVs(items, lot.ID)
		if c, err := chooseCPV(mains, adds); err != nil {
			o.notef("lot %s : %v", lot.ID, err)
		} else {
			lot.CPV, lot.CPVAdditional = c.main, c.additional
		}
		lot.Place = ocdsPlace(items, lot.ID, nil, buyer)
		lot.EstimatedValue, _ = ocdsValue(lm["value"])
		if s := sval(obj(lm["tenderPeriod"]), "endDate"); s != "" {
			lot.Deadline, _ = parseDate(s, opts.Location)
		}
		out = append(out, lot)
	}
	if d := latestDeadline(out); d.After(o.tender.Deadline) {
		o.tender.Deadline = d
	}
	return out
}

// ocdsAwards maps the active awards: their suppliers are the winners.
// Pending awards are not final and are left out.
func ocdsAwards(o *noticeOut, ocid string, compiled, tender map[string]any, parties map[string]map[string]any, opts Options) {
	t := &o.tender
	offers, _ := parseCount(sval(tender, "numberOfTenderers"))
	procedure := oneLine(sval(tender, "procurementMethodDetails"))
	if procedure == "" {
		procedure = sval(tender, "procurementMethod")
	}
	lotIndex := map[string]int{}
	for i, l := range t.Lots {
		lotIndex[l.ID] = i
	}
	for _, aw := range arr(compiled["awards"]) {
		am := obj(aw)
		if status := sval(am, "status"); status != "active" && status != "" {
			continue
		}
		lotID := ""
		if rl := strs(am["relatedLots"]); len(rl) > 0 {
			lotID = rl[0]
		}
		a := data.Award{
			ID: "ocds:" + ocid + ":" + sval(am, "id"), Source: "ocds", Buyer: t.Buyer, Nature: t.Nature,
			Object: oneLine(sval(am, "title")), CPV: t.CPV, Procedure: procedure, Place: t.Place,
			OffersReceived: offers,
		}
		if i, ok := lotIndex[lotID]; ok {
			if t.Lots[i].CPV != "" {
				a.CPV = t.Lots[i].CPV
			}
			if a.Object == "" {
				a.Object = t.Lots[i].Title
			}
		}
		if m, _ := ocdsCPVs(arr(am["items"]), ""); len(m) > 0 {
			if c, err := chooseCPV(m, nil); err == nil {
				a.CPV = c.main
			}
		}
		if a.Object == "" {
			a.Object = t.Title
		}
		a.Amount, _ = ocdsValue(am["value"])
		if s := sval(am, "date"); s != "" {
			a.NotifiedAt, _ = parseDate(s, opts.Location)
		}
		for i, s := range arr(am["suppliers"]) {
			sm := obj(s)
			p := parties[sval(sm, "id")]
			w := data.Winner{Name: oneLine(sval(sm, "name")), LotID: lotID}
			if w.Name == "" {
				w.Name = oneLine(sval(p, "name"))
			}
			w.SIRET = ocdsSIRET(p, o, "titulaire")
			if i == 0 {
				w.Amount = a.Amount
			}
			if w.Name != "" || w.SIRET != "" {
				a.Winners = append(a.Winners, w)
			}
		}
		if len(a.Winners) == 0 {
			continue
		}
		t.Winners = append(t.Winners, a.Winners...)
		if i, ok := lotIndex[lotID]; ok {
			t.Lots[i].Winners = append(t.Lots[i].Winners, a.Winners...)
		}
		o.awards = append(o.awards, a)
	}
}
