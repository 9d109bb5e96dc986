package notice

import (
	"strconv"
	"strings"
	"time"

	"fabrique/data"
)

// boampAwards reads ATTRIBUTION/DECISION: one Award per decision that names
// winners (TITULAIRE), each winner with the amount of the RENSEIGNEMENT
// that goes with it. Decisions marked INFRUCTUEUX award nothing.
func boampAwards(o *noticeOut, att, d *node, loc *time.Location) {
	t := &o.tender
	decisions := att.children("DECISION")
	lotByID := map[string]int{}
	for i, l := range t.Lots {
		lotByID[l.ID] = i
	}
	procedure := boampProcedure(d.at("PROCEDURE", "TYPE_PROCEDURE").firstChildName())
	offers := 0
	for i, dec := range decisions {
		if dec.has("INFRUCTUEUX") {
			continue
		}
		lotID := oneLine(dec.str("NUM_LOT"))
		pairs := pairTitulaires(dec)
		var winners []data.Winner
		var notified time.Time
		var amount float64
		offers = 0
		for _, p := range pairs {
			w := data.Winner{Name: oneLine(p.titulaire.str("DENOMINATION")), LotID: lotID}
			if w.Name == "" {
				o.notef("décision %d : titulaire sans DENOMINATION écarté", i+1)
				continue
			}
			for _, name := range []string{"CODE_IDENT_NATIONAL", "SIRET"} {
				if raw := p.titulaire.str(name); raw != "" {
					siret, note := siretOf(raw)
					w.SIRET = siret
					if note != "" {
						o.notef("titulaire %s : %s", quoteFR(w.Name), note)
					}
					break
				}
			}
			if p.info != nil {
				if v, ok := parseAmount(p.info.str("MONTANT")); ok {
					w.Amount = v
					amount += v
				}
				if notified.IsZero() {
					if at, err := parseDate(p.info.str("DATE_ATTRIBUTION"), loc); err == nil {
						notified = at
					}
				}
				if n, ok := parseCount(p.info.str("NB_OFFRE_RECU")); ok && n > offers {
					offers = n
				}
			}
			winners = append(winners, w)
		}
		if len(winners) == 0 {
			continue
		}
		t.Winners = append(t.Winners, winners...)
		if li, ok := lotByID[lotID]; ok {
			t.Lots[li].Winners = append(t.Lots[li].Winners, winners...)
		}
		a := data.Award{
			ID:             "boamp:" + t.SourceID,
			Source:         "boamp",
			Buyer:          t.Buyer,
			Nature:         t.Nature,
			Object:         oneLine(dec.str("INTITULE")),
			CPV:            t.CPV,
			Procedure:      procedure,
			Place:          t.Place,
			NotifiedAt:     notified,
			Amount:         amount,
			OffersReceived: offers,
			Winners:        winners,
		}
		switch {
		case lotID != "":
			a.ID += ":" + lotID
		case len(decisions) > 1:
			a.ID += ":" + strconv.Itoa(i+1)
		}
		if li, ok := lotByID[lotID]; ok && t.Lots[li].CPV != "" {
			a.CPV = t.Lots[li].CPV
		}
		if a.Object == "" {
			a.Object = clip(oneLine(dec.str("DESCRIPTION")))
		}
		if a.Object == "" {
			a.Object = t.Title
		}
		if a.NotifiedAt.IsZero() {
			if at, err := parseDate(att.str("DATE_DECISION"), loc); err == nil {
				a.NotifiedAt = at
			}
		}
		if a.Amount == 0 && len(decisions) == 1 {
			a.Amount, _ = boampValue(att, "VALEUR_TOTALE")
		}
		o.awards = append(o.awards, a)
	}
}

// titulaire is a winner and the RENSEIGNEMENT (date, amount, offers) that
// goes with it.
type titulaire struct{ titulaire, info *node }

// pairTitulaires pairs the i-th TITULAIRE with the i-th RENSEIGNEMENT. In
// XML each RENSEIGNEMENT follows its TITULAIRE; in the API's JSON the two
// lists come apart; counting gives the same pairs in both cases.
func pairTitulaires(dec *node) []titulaire {
	var out []titulaire
	var infos []*node
	for _, k := range dec.kids {
		switch k.name {
		case "TITULAIRE":
			out = append(out, titulaire{titulaire: k})
		case "RENSEIGNEMENT":
			infos = append(infos, k)
		}
	}
	for i := range out {
		if i < len(infos) {
			out[i].info = infos[i]
		}
	}
	return out
}

// boampProcedure names a TYPE_PROCEDURE element the way the DECP do.
func boampProcedure(s string) string {
	switch s {
	case "":
		return ""
	case "OUVERT":
		return "Appel d'offres ouvert"
	case "RESTREINT":
		return "Appel d'offres restreint"
	case "PROCEDURE_ADAPTE":
		return "Procédure adaptée"
	case "DIALOGUE_COMPETITIF":
		return "Dialogue compétitif"
	case "NEGOCIE", "NEGOCIEE", "PROCEDURE_NEGOCIEE":
		return "Procédure négociée"
	case "CONCOURS":
		return "Concours"
	}
	return strings.ReplaceAll(strings.ToLower(s), "_", " ")
}
