package web

import (
	"context"
	"strconv"
	"strings"

	"fabrique/data"
)

// A shortlist speaks to buyers: each reason is a sentence in words, and
// the codes it rests on (CPV, NAF) go to a detail line and a tooltip. The
// API keeps data.Reason.String, whose text programs may already parse.

// reasonWords returns the sentence a buyer reads and the codes behind it
// ("" when the reason rests on none).
func reasonWords(r data.Reason) (sentence, codes string) {
	cpvLabel := strings.ToLower(strings.TrimSpace(r.TenderCPVFR))
	if cpvLabel == "" {
		if c, err := data.NormalizeCPV(r.TenderCPV); err == nil {
			if e, ok := data.LookupCPV(c); ok {
				cpvLabel = strings.ToLower(e.LabelFR)
			}
		}
	}
	switch r.Kind {
	case data.ReasonTerms:
		return "Sa fiche emploie les mots du marché : " + strings.Join(r.Terms, ", "), ""
	case data.ReasonCPV:
		s := "Déclare faire ce que le marché achète"
		if cpvLabel != "" {
			s += " (" + cpvLabel + ")"
		}
		return s, "CPV " + r.TenderCPV + " déclaré par l'entreprise"
	case data.ReasonCPVFromNAF:
		activity := ""
		if n, ok := data.LookupNAF(r.NAF); ok {
			activity = strings.ToLower(n.Label)
		}
		s := "Son activité"
		if activity != "" {
			s += " (" + activity + ")"
		}
		if r.TradeChosen {
			return s + " est le corps d'état choisi pour ce besoin", "NAF " + r.NAF + " choisi par l'acheteur"
		}
		s += " relève du domaine du marché"
		if cpvLabel != "" {
			s += " (" + cpvLabel + ")"
		}
		switch {
		case r.LearnedAwards == 1:
			s += " : une entreprise de même activité a remporté un marché de ce domaine"
		case r.LearnedAwards > 1:
			s += " : des entreprises de même activité ont remporté " + strconv.Itoa(r.LearnedAwards) + " marchés de ce domaine"
		}
		return s, "CPV " + r.TenderCPV + " ↔ NAF " + r.NAF + r.LearnedNote()
	case data.ReasonDistance:
		if d := data.DistanceFR(r.DistanceKm); d != data.OnSite {
			return "Installée " + d + " du lieu d'exécution", ""
		}
		return "Installée " + data.OnSite, ""
	case data.ReasonServiceArea:
		return "Intervient sur le lieu du marché (zone déclarée : " + r.Detail + ")", ""
	case data.ReasonLabel:
		s := "Label " + data.LabelName(r.Label) + " valide"
		if !r.ValidUntil.IsZero() {
			s += " jusqu'au " + frenchDate(r.ValidUntil)
		}
		return s, ""
	case data.ReasonCapacity:
		return "Effectif : " + r.Detail, ""
	case data.ReasonTrackRecord:
		s := data.TrackRecordText(r.AwardCount, r.BuyerAwards, r.LastAward)
		return strings.ToUpper(s[:1]) + s[1:], ""
	}
	return reasonText(r), ""
}

// placeMatches gives each match of the rankings its commune and
// département, read from the store.
func (s *Server) placeMatches(ctx context.Context, rankings []rankingView) error {
	for ri := range rankings {
		ms := rankings[ri].Matches
		ids := make([]string, len(ms))
		for i, m := range ms {
			ids[i] = m.ID
		}
		sups, err := s.suppliersOf(ctx, ids)
		if err != nil {
			return err
		}
		for i := range ms {
			ms[i].Place = supplierPlace(sups[i].Address)
		}
	}
	return nil
}

// supplierPlace is « Roanne, Loire (42) », or the département alone.
func supplierPlace(a data.Address) string {
	dep := a.Departement
	if d, ok := data.LookupDepartement(a.Departement); ok {
		dep = d.Name + " (" + d.Code + ")"
	}
	return joinNonEmpty(", ", a.Commune, dep)
}
