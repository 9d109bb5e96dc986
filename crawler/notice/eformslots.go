package notice

import (
	"strings"

	"fabrique/data"
)

// eformsLot is a lot with what the mapping needs beside data.Lot.
type eformsLot struct {
	data.Lot
	nature   data.Nature
	currency string
}

// lots reads every cac:ProcurementProjectLot that is a lot (or a part of a
// prior information notice); groups of lots (LotsGroup, GLO-…) are not
// lots. It also returns the lots' main CPV codes, candidates for the
// tender's main CPV when the procedure gives none.
func (n *eformsNotice) lots() ([]eformsLot, []string, error) {
	var out []eformsLot
	var mains []string
	for i, ln := range n.root.children("ProcurementProjectLot") {
		idNode := ln.child("ID")
		id := strings.TrimSpace(idNode.str())
		if id == "" {
			return nil, nil, rejectf("cac:ProcurementProjectLot n°%d sans cbc:ID", i+1)
		}
		if strings.EqualFold(idNode.attr("schemeName"), "LotsGroup") || strings.HasPrefix(id, "GLO-") {
			continue
		}
		pp := ln.child("ProcurementProject")
		l := eformsLot{Lot: data.Lot{ID: id}}
		if nm := pickLang(pp.children("Name"), n.langs...); nm != nil {
			l.Title = oneLine(nm.text)
		}
		if d := pickLang(pp.children("Description"), n.langs...); d != nil {
			l.Description = paragraphs(d.text)
		}
		if l.Title == "" {
			l.Title = "Lot " + id
		}
		l.nature = natureOf(pp.str("ProcurementTypeCode"))
		l.Place = n.place(pp)
		l.EstimatedValue, l.currency = eformsAmount(pp.at("RequestedTenderTotal", "EstimatedOverallContractAmount"))
		lm := cpvCodes(pp, "MainCommodityClassification")
		mains = append(mains, lm...)
		if c, err := chooseCPV(lm, cpvCodes(pp, "AdditionalCommodityClassification")); err != nil {
			n.out.notef("lot %s : %v", id, err)
		} else {
			l.CPV, l.CPVAdditional = c.main, c.additional
			for _, note := range c.notes {
				n.out.notef("lot %s : %s", id, note)
			}
		}
		tp := ln.child("TenderingProcess")
		for _, period := range []string{"TenderSubmissionDeadlinePeriod", "ParticipationRequestReceptionPeriod"} {
			p := tp.child(period)
			if p == nil || p.str("EndDate") == "" {
				continue
			}
			at, err := joinDateTime(p.str("EndDate"), p.str("EndTime"), n.opts.Location, true)
			if err != nil {
				n.out.notef("lot %s : date limite (%s) écartée : %v", id, period, err)
				continue
			}
			l.Deadline = at
			break
		}
		out = append(out, l)
	}
	return out, mains, nil
}
