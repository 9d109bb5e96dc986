package data

import (
	"slices"
	"strings"
	"time"
)

// FoldNotice folds a parsed notice into the tender it belongs to
// (existing is nil for a procedure seen for the first time) and returns
// the tender to store. Folding is idempotent: a notice already folded
// (same ID among SourceIDs) changes nothing.
//
//   - a correction updates the fields it carries, marks the tender
//     corrected and keeps a revision in History;
//   - a cancellation closes the tender;
//   - an award notice records winners and marks the tender awarded;
//   - the same procedure published in another source fills what the
//     first notice lacked, without changing its state;
//   - a buyer of the notice the tender does not name yet (a joint
//     buyer, or another of them named first) joins its JointBuyers.
//
// The store finds existing by notice.ID, by the notices it follows, or by
// "proc:"+ProcedureID when the notice shares a buyer with the tender
// (ShareBuyer) and their objects agree (ObjectsDiffer).
func FoldNotice(existing *Tender, notice Tender, now time.Time) (t Tender, changed bool) {
	rev := TenderRevision{SourceID: notice.ID, NoticeType: notice.NoticeType, State: notice.State, At: noticeTime(notice, now)}
	if existing == nil {
		t = notice
		t.SourceIDs = union([]string{notice.ID}, t.SourceIDs)
		rev.Summary = "première publication"
		t.History = []TenderRevision{rev}
		t.ImportedAt, t.UpdatedAt = now, now
		t.FoldByProcedure = false
		if t.State == "" {
			t.State = StateOpen
		}
		return t, true
	}
	t = *existing
	if slices.Contains(t.SourceIDs, notice.ID) {
		return t, false
	}
	t.SourceIDs = union(t.SourceIDs, append([]string{notice.ID}, notice.SourceIDs...))
	t.History = slices.Clone(t.History)
	t.TextDefects = union(t.TextDefects, notice.TextDefects)
	descriptors := len(t.Descriptors)
	t.Descriptors = unionDescriptors(t.Descriptors, notice.Descriptors)
	t.Lots = slices.Clone(t.Lots)

	var what []string
	set := func(name string, cond bool, apply func()) {
		if cond {
			apply()
			what = append(what, name)
		}
	}
	// A correction overrides; another source's copy only fills gaps.
	override := notice.State == StateCorrected
	pick := func(have, got string) bool { return got != "" && got != have && (override || have == "") }
	set("intitulé", pick(t.Title, notice.Title), func() { t.Title = notice.Title })
	set("description", pick(t.Description, notice.Description), func() { t.Description = notice.Description })
	set("CPV", pick(t.CPV, notice.CPV), func() { t.CPV = notice.CPV })
	set("CPV additionnels", len(notice.CPVAdditional) > 0 && !slices.Equal(t.CPVAdditional, notice.CPVAdditional) && (override || len(t.CPVAdditional) == 0),
		func() { t.CPVAdditional = notice.CPVAdditional })
	set("lieu d'exécution", notice.Place != (Place{}) && notice.Place != t.Place && (override || t.Place == (Place{})),
		func() { t.Place = notice.Place })
	set("valeur estimée", notice.EstimatedValue > 0 && notice.EstimatedValue != t.EstimatedValue && (override || t.EstimatedValue == 0),
		func() { t.EstimatedValue = notice.EstimatedValue })
	set("date limite", !notice.Deadline.IsZero() && !notice.Deadline.Equal(t.Deadline) && (override || t.Deadline.IsZero()),
		func() { t.Deadline = notice.Deadline })
	set("acheteur", pick(t.Buyer.Name, notice.Buyer.Name), func() { t.Buyer = notice.Buyer })
	joint := jointBuyers(t.Buyer, t.JointBuyers, notice.Buyers())
	set("acheteurs conjoints", len(joint) > len(t.JointBuyers), func() { t.JointBuyers = joint })
	set("URL", pick(t.URL, notice.URL), func() { t.URL = notice.URL })
	if len(t.Descriptors) > descriptors {
		what = append(what, "descripteurs BOAMP")
	}
	if t.ProcedureID == "" {
		t.ProcedureID = notice.ProcedureID
	}
	if t.Nature == "" {
		t.Nature = notice.Nature
	}
	if t.Procedure == "" {
		t.Procedure = notice.Procedure
	}
	for _, nl := range notice.Lots {
		i := slices.IndexFunc(t.Lots, func(l Lot) bool { return l.ID == nl.ID })
		switch {
		case i < 0:
			t.Lots = append(t.Lots, nl)
			what = append(what, "lot "+nl.ID)
		case len(nl.Winners) > 0:
			t.Lots[i].Winners = nl.Winners
			what = append(what, "attributaires du lot "+nl.ID)
		case override:
			t.Lots[i] = nl
			what = append(what, "lot "+nl.ID)
		}
	}
	if len(notice.Winners) > 0 {
		t.Winners = notice.Winners
		what = append(what, "attributaires")
	}
	switch notice.State {
	case StateCancelled:
		t.State = StateCancelled
		what = append(what, "annulation")
	case StateAwarded:
		t.State = StateAwarded
	case StateCorrected:
		if t.State == StateOpen {
			t.State = StateCorrected
		}
	}
	if len(what) == 0 {
		rev.Summary = NothingNew
	} else {
		rev.Summary = strings.Join(what, ", ")
	}
	t.History = append(t.History, rev)
	t.UpdatedAt = now
	return t, true
}

// NothingNew is the summary of a revision whose notice, folded into the
// tender of its procedure, changed none of its fields.
const NothingNew = "même procédure, rien de nouveau"

func noticeTime(n Tender, now time.Time) time.Time {
	if !n.PublishedAt.IsZero() {
		return n.PublishedAt
	}
	return now
}

// jointBuyers appends to joint the buyers of bs that are neither lead nor
// already among them (SameBuyer). A buyer without name nor SIRET says
// nothing and is left out.
func jointBuyers(lead Buyer, joint, bs []Buyer) []Buyer {
	out := slices.Clone(joint)
	for _, b := range bs {
		if b == (Buyer{}) || SameBuyer(lead, b) || slices.ContainsFunc(out, func(o Buyer) bool { return SameBuyer(o, b) }) {
			continue
		}
		out = append(out, b)
	}
	return out
}

// unionDescriptors appends the descriptors of b that a lacks (by label).
func unionDescriptors(a, b []Descriptor) []Descriptor {
	out := slices.Clone(a)
	for _, d := range b {
		if !slices.ContainsFunc(out, func(o Descriptor) bool { return o.Label == d.Label }) {
			out = append(out, d)
		}
	}
	return out
}
