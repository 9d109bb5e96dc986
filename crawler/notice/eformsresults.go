package notice

import (
	"time"

	"fabrique/data"
)

// eformsTender is an efac:LotTender of efac:NoticeResult.
type eformsTender struct {
	party  string
	amount float64
}

// results reads efac:NoticeResult of an award notice. A lot result whose
// code is "selec-w" has winners: its tenders (efac:LotTender) lead to
// their tendering parties (efac:TenderingParty), whose tenderers are
// organisations. The tender is "awarded" when a lot has winners,
// "cancelled" when every lot closed without one (clos-nw), and stays
// "open" when the competition goes on (open-nw). Each lot with winners
// gives one data.Award. An award notice without lot results (a contract
// modification notice) reports on a contract already awarded.
func (n *eformsNotice) results(t *data.Tender) {
	nr := n.ext.child("NoticeResult")
	tenders := map[string]eformsTender{}
	for _, lt := range nr.children("LotTender") {
		amount, _ := eformsAmount(lt.at("LegalMonetaryTotal", "PayableAmount"))
		tenders[lt.str("ID")] = eformsTender{party: lt.str("TenderingParty", "ID"), amount: amount}
	}
	parties := map[string][]string{}
	for _, tp := range nr.children("TenderingParty") {
		for _, tr := range tp.children("Tenderer") {
			parties[tp.str("ID")] = append(parties[tp.str("ID")], tr.str("ID"))
		}
	}
	signed := map[string]time.Time{} // tender id → contract conclusion date
	for _, sc := range nr.children("SettledContract") {
		at, err := joinDateTime(sc.str("IssueDate"), "", n.opts.Location, false)
		if err != nil {
			at, err = joinDateTime(sc.str("AwardDate"), "", n.opts.Location, false)
		}
		if err != nil {
			continue
		}
		for _, lt := range sc.children("LotTender") {
			signed[lt.str("ID")] = at
		}
	}
	lotIndex := map[string]int{}
	for i, l := range t.Lots {
		lotIndex[l.ID] = i
	}
	procedure := n.root.str("TenderingProcess", "ProcedureCode")
	closed, results := 0, nr.children("LotResult")
	for _, lr := range results {
		code := lr.str("TenderResultCode")
		if code == "clos-nw" {
			closed++
		}
		if code != "selec-w" {
			continue
		}
		lotID := lr.str("TenderLot", "ID")
		key := lotID
		if key == "" {
			key = lr.str("ID")
		}
		a := data.Award{
			ID: "ted:" + t.SourceID + ":" + key, Source: "ted", Buyer: t.Buyer, Nature: t.Nature,
			Object: t.Title, CPV: t.CPV, Procedure: procedure, Place: t.Place,
		}
		if i, ok := lotIndex[lotID]; ok {
			l := t.Lots[i]
			a.Object = l.Title
			if l.CPV != "" {
				a.CPV = l.CPV
			}
			if l.Place != (data.Place{}) {
				a.Place = l.Place
			}
		}
		for _, st := range lr.children("ReceivedSubmissionsStatistics") {
			if st.str("StatisticsCode") == "tenders" {
				a.OffersReceived, _ = parseCount(st.str("StatisticsNumeric"))
			}
		}
		for _, ltRef := range lr.children("LotTender") {
			tid := ltRef.str("ID")
			td, ok := tenders[tid]
			if !ok {
				n.out.notef("lot %s : offre %s introuvable dans efac:NoticeResult", lotID, tid)
				continue
			}
			if at, ok := signed[tid]; ok && (a.NotifiedAt.IsZero() || at.Before(a.NotifiedAt)) {
				a.NotifiedAt = at
			}
			a.Amount += td.amount
			for i, orgID := range parties[td.party] {
				org, ok := n.orgs[orgID]
				if !ok {
					n.out.notef("lot %s : titulaire %s introuvable dans efac:Organizations", lotID, orgID)
					continue
				}
				w := data.Winner{Name: org.name, LotID: lotID}
				if i == 0 { // a group's amount is carried by its first member only
					w.Amount = td.amount
				}
				if org.french() {
					siret, note := siretOf(org.companyID)
					w.SIRET = siret
					if note != "" {
						n.out.notef("titulaire %s : %s", quoteFR(org.name), note)
					}
				}
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
		n.out.awards = append(n.out.awards, a)
	}
	switch {
	case len(t.Winners) > 0, len(results) == 0:
		t.State = data.StateAwarded
	case closed == len(results):
		t.State = data.StateCancelled
	}
	if len(t.History) == 1 {
		t.History[0].State = t.State
	}
}
