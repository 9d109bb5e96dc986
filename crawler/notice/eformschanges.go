package notice

import (
	"regexp"
	"strings"

	"fabrique/data"
)

// changeReasons names the eForms change-corrig-justification codes.
var changeReasons = map[string]string{
	"cancel":        "annulation de la procédure",
	"cancel-intent": "annulation de l'intention",
	"cor-buy":       "correction par l'acheteur",
	"cor-esen":      "correction par l'eSender",
	"cor-pub":       "correction par l'Office des publications",
	"info-release":  "informations désormais publiables",
	"technical":     "correction technique",
	"update-add":    "informations nouvelles ou modifiées",
}

// versionSuffix is the "-01" a notice reference appends to a notice UUID.
var versionSuffix = regexp.MustCompile(`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})-\d{2}$`)

// changes reads efac:Changes: the notice corrects (or cancels) an earlier
// one. The tender becomes "corrected" ("cancelled" for the reason code
// cancel), NoticeType is prefixed with "change:", SourceIDs gets the
// changed notice and History says what changed, in French. With
// Options.Previous, a change that alters the procedure identifier of the
// notice it changes is rejected: eForms forbids it. A change that does not
// name the notice it changes (eForms SDK 1.3 allows it) is kept with
// FoldByProcedure: the store folds it into its procedure's tender only.
func (n *eformsNotice) changes(t *data.Tender) error {
	ch := n.ext.child("Changes")
	if ch == nil {
		t.State = data.StateOpen
		return nil
	}
	changed := ch.str("ChangedNoticeIdentifier")
	var changedID string
	switch {
	case changed == "" && t.ProcedureID == "":
		return rejectf("avis de modification sans efac:Changes/efbc:ChangedNoticeIdentifier ni cbc:ContractFolderID : impossible de savoir ce qu'il modifie")
	case changed == "":
		// eForms SDK 1.3 notices may omit the changed notice: the change
		// then folds into the tender of its procedure, and only there.
		t.FoldByProcedure = true
		n.out.notef("avis de modification sans efbc:ChangedNoticeIdentifier : rattaché par sa procédure %s", t.ProcedureID)
	default:
		changedID = "ted:" + stripVersion(changed)
	}
	if n.opts.Previous != nil && changedID != "" {
		if prev, ok := n.opts.Previous(changedID); ok && prev.ProcedureID != "" && prev.ProcedureID != t.ProcedureID {
			return rejectf("l'avis de modification donne la procédure %q (cbc:ContractFolderID) alors que l'avis modifié %s appartient à la procédure %q : l'identifiant de procédure ne peut pas changer",
				t.ProcedureID, changed, prev.ProcedureID)
		}
	}
	reason := ch.str("ChangeReason", "ReasonCode")
	t.State = data.StateCorrected
	if reason == "cancel" || reason == "cancel-intent" {
		t.State = data.StateCancelled
	}
	t.NoticeType = "change:" + t.NoticeType
	summary := "Modification de l'avis " + changed
	if changedID != "" {
		t.SourceIDs = append(t.SourceIDs, changedID)
	} else {
		summary = "Modification d'un avis de la procédure " + t.ProcedureID
	}
	if label, ok := changeReasons[reason]; ok {
		summary += " — motif : " + label
	} else if reason != "" {
		summary += " — motif : " + reason
	}
	if d := pickLang(ch.at("ChangeReason").children("ReasonDescription"), n.langs...); d != nil {
		summary += " (" + oneLine(d.text) + ")"
	}
	var what []string
	for _, c := range ch.children("Change") {
		if d := pickLang(c.children("ChangeDescription"), n.langs...); d != nil {
			what = append(what, oneLine(d.text))
		}
	}
	if len(what) > 0 {
		summary += " ; changements : " + strings.Join(what, " ; ")
	}
	t.History = []data.TenderRevision{{
		SourceID: t.Source + ":" + t.SourceID, NoticeType: t.NoticeType, State: t.State,
		At: t.PublishedAt, Summary: summary,
	}}
	return nil
}

// stripVersion turns a notice reference "<uuid>-01" into the notice
// identifier "<uuid>"; other references are kept as they are.
func stripVersion(ref string) string {
	if m := versionSuffix.FindStringSubmatch(strings.TrimSpace(ref)); m != nil {
		return m[1]
	}
	return strings.TrimSpace(ref)
}
