package data_test

import (
	"testing"
	"time"

	"fabrique/data"
)

func TestNoticeKindOf(t *testing.T) {
	cases := map[string]data.NoticeKind{
		// eForms subtypes, by form type.
		"pin-only": data.KindPriorInformation, "pin-buyer": data.KindPriorInformation,
		"pin-rtl": data.KindPriorInformation, "pin-tran": data.KindPriorInformation, "pmc": data.KindPriorInformation,
		"cn-standard": data.KindCall, "pin-cfc-standard": data.KindCall, "pin-cfc-social": data.KindCall,
		"qu-sy": data.KindCall, "subco": data.KindCall, "cn-desg": data.KindCall,
		"veat": data.KindResult, "can-standard": data.KindResult, "can-modif": data.KindResult, "compl": data.KindResult,
		"change:cn-standard": data.KindOther, "change:pin-only": data.KindOther,
		// BOAMP XML types and flat labels.
		"FNS/APPEL_OFFRE/STANDARD":               data.KindCall,
		"JOUE/APPEL_OFFRE/STANDARD/RECTIFICATIF": data.KindOther,
		"FNS/ATTRIBUTION":                        data.KindResult,
		"JOUE/PRE_INFORMATION":                   data.KindPriorInformation,
		"Avis de marché":                         data.KindCall,
		"Avis de marché/Concession":              data.KindCall,
		"Résultat de marché/Concours":            data.KindResult,
		"Avis de pré-information":                data.KindPriorInformation,
		"Avis d'intention de conclure":           data.KindResult,
		"Avis rectificatif":                      data.KindOther,
		"RESULTAT DE MARCHE":                     data.KindResult,
		"Avis de consultation":                   data.KindOther, // not a result for the « sultat » of « consultation »
		// OCDS release tags.
		"planning": data.KindPriorInformation, "planning,planningUpdate": data.KindPriorInformation,
		"planning,tender": data.KindCall, "award,contract": data.KindResult, "tenderUpdate": data.KindCall,
		"": data.KindOther, "inconnu": data.KindOther,
	}
	for nt, want := range cases {
		if got := data.NoticeKindOf(nt); got != want {
			t.Errorf("NoticeKindOf(%q) = %q, want %q", nt, got, want)
		}
	}
}

// TestTenderStatusFollowsItsNoticesKinds: a prior-information notice is
// announced, not open, until a call of the same procedure folds in; a
// direct-award notice without a winner is awarded; a lone change notice
// keeps the deadline's verdict.
func TestTenderStatusFollowsItsNoticesKinds(t *testing.T) {
	pub := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	now := pub.AddDate(0, 0, 10)
	pin := data.Tender{ID: "ted:1", Source: "ted", SourceID: "1", ProcedureID: "p", NoticeType: "pin-only",
		Title: "Mobilier", Buyer: data.Buyer{Name: "Ville"}, State: data.StateOpen, PublishedAt: pub}
	folded, _ := data.FoldNotice(nil, pin, now)
	if got := folded.StatusAt(now); got != data.StatusAnnounced {
		t.Fatalf("a prior-information notice alone: %q, want %q", got, data.StatusAnnounced)
	}
	if got := folded.StatusAt(pub.AddDate(1, 0, 0)); got != data.StatusAnnounced {
		t.Errorf("a year later, still no call: %q, want %q (not « clôturé »: nothing was open)", got, data.StatusAnnounced)
	}
	if data.StatusAnnounced.Label() != "pré-information" {
		t.Errorf("label %q", data.StatusAnnounced.Label())
	}
	call := pin
	call.ID, call.SourceID, call.NoticeType = "ted:2", "2", "cn-standard"
	call.Deadline = now.AddDate(0, 0, 20)
	withCall, _ := data.FoldNotice(&folded, call, now)
	if got := withCall.StatusAt(now); got != data.StatusOpen {
		t.Errorf("after the call folded in: %q, want open (history %+v)", got, withCall.History)
	}

	veat := pin
	veat.NoticeType = "veat"
	if got := veat.StatusAt(now); got != data.StatusAwarded {
		t.Errorf("a direct-award notice without winner: %q, want awarded", got)
	}
	change := pin
	change.NoticeType, change.Deadline = "change:cn-standard", now.AddDate(0, 0, 5)
	if got := change.StatusAt(now); got != data.StatusOpen {
		t.Errorf("a lone change notice with a deadline ahead: %q, want open", got)
	}
	manual := data.Tender{ID: "manual:1", Source: "manual", Title: "Besoin", Deadline: now.AddDate(0, 0, 1)}
	if got := manual.StatusAt(now); got != data.StatusOpen {
		t.Errorf("a tender without a notice type: %q, want open", got)
	}
}

func TestAnnouncedAtLastsTwelveMonths(t *testing.T) {
	pub := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	pin := data.Tender{NoticeType: "pin-only", State: data.StateOpen, PublishedAt: pub}
	for _, c := range []struct {
		at   time.Time
		want bool
	}{
		{pub.AddDate(0, 1, 0), true},
		{pub.AddDate(0, 12, -1), true},
		{pub.AddDate(0, 12, 0), false},
	} {
		if got := pin.AnnouncedAt(c.at); got != c.want {
			t.Errorf("AnnouncedAt(%s) = %t, want %t", c.at.Format(time.DateOnly), got, c.want)
		}
	}
	call := pin
	call.NoticeType = "cn-standard"
	if call.AnnouncedAt(pub.AddDate(0, 1, 0)) {
		t.Error("a call is not an announcement")
	}
}
