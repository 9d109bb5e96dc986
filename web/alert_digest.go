package web

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"fabrique/data"
	"fabrique/index"
)

// Alert digests: what an account's alert profiles send at a given time,
// in three sections and without a tender twice. Building is pure reading
// (BuildDigest, PreviewAlert); sending is alert_send.go.

// Digest section kinds, in the order a digest shows them.
const (
	SectionNew        = "nouveaux"
	SectionClosing    = "cloture"
	SectionCorrection = "rectificatifs"
)

// Digest is what an account's due alert profiles send at one time.
type Digest struct {
	Account data.Account
	// At is the time the digest is built for.
	At time.Time
	// Profiles are the due profiles it serves: each one's last send
	// advances when it is sent, and each gets an unsubscribe link.
	Profiles []data.AlertProfile
	// Sections holds the non-empty sections, in the order SectionNew,
	// SectionClosing, SectionCorrection.
	Sections []DigestSection
}

// DigestSection is one section of a digest.
type DigestSection struct {
	Kind  string // SectionNew, SectionClosing or SectionCorrection
	Items []DigestItem
}

// Title is the French heading of a section.
func (d DigestSection) Title() string {
	switch d.Kind {
	case SectionNew:
		return "Nouveaux appels d'offres"
	case SectionClosing:
		return "Clôture cette semaine"
	case SectionCorrection:
		return "Rectificatifs"
	}
	return d.Kind
}

// DigestItem is a tender of a digest.
type DigestItem struct {
	Tender data.Tender
	Status data.TenderStatus
	// Profiles are the names of the profiles that selected it.
	Profiles []string
	// Changes says, for a rectificatif, what the notices since the last
	// send changed (French summaries of the revisions).
	Changes []string
}

// Empty reports whether the digest has nothing to send.
func (d Digest) Empty() bool { return len(d.Sections) == 0 }

// Len is the number of tenders of the digest.
func (d Digest) Len() int {
	n := 0
	for _, s := range d.Sections {
		n += len(s.Items)
	}
	return n
}

// Bounds of a digest.
const (
	// digestSectionLimit bounds the tenders of a section.
	digestSectionLimit = 100
	// digestQueryLimit bounds the hits of a profile's query: the tenders
	// already sent are dropped after it, so it is wider than a section.
	digestQueryLimit = 500
	// closingWindow is the « clôture cette semaine » horizon.
	closingWindow = 7 * 24 * time.Hour
	// importLag widens the publication window of « nouveaux » backwards:
	// notices reach the store a few days after their publication date,
	// and the tenders already sent are skipped anyway.
	importLag = 3 * 24 * time.Hour
	// previewWindow is what PreviewAlert looks back over.
	previewWindow = 7 * 24 * time.Hour
	// previewLimit bounds PreviewAlert's tenders.
	previewLimit = 50
	// digestHour is the hour (Paris) daily and weekly digests are due at;
	// weekly ones on Mondays.
	digestHour = 7
)

// alertSlot is the latest time at or before at when a profile of
// frequency f is due: every run for immediate, 07:00 Paris time each day
// for daily, Mondays 07:00 for weekly.
func alertSlot(f data.AlertFrequency, at time.Time) time.Time {
	if f == data.AlertImmediate {
		return at
	}
	p := at.In(paris())
	slot := time.Date(p.Year(), p.Month(), p.Day(), digestHour, 0, 0, 0, paris())
	if slot.After(p) {
		slot = slot.AddDate(0, 0, -1)
	}
	if f == data.AlertWeekly {
		back := (int(slot.Weekday()) + 6) % 7 // days since Monday
		slot = slot.AddDate(0, 0, -back)
	}
	return slot
}

// alertDue reports whether a profile, last served at last (zero: never),
// is due at at. A new profile is first due at the slot after its
// creation.
func alertDue(p data.AlertProfile, last, at time.Time) bool {
	if !p.Active {
		return false
	}
	if last.IsZero() {
		last = p.CreatedAt
	}
	if p.Frequency == data.AlertImmediate {
		return at.After(last)
	}
	return alertSlot(p.Frequency, at).After(last)
}

// dueProfiles returns the account's active profiles due at at, with their
// last sends.
func (s *Server) dueProfiles(ctx context.Context, accountID string, at time.Time) ([]data.AlertProfile, map[string]time.Time, error) {
	all, err := s.store.AlertProfilesOf(ctx, accountID)
	if err != nil {
		return nil, nil, err
	}
	var due []data.AlertProfile
	lasts := map[string]time.Time{}
	for _, p := range all {
		last, err := s.store.AlertLastSent(ctx, p.ID)
		if err != nil {
			return nil, nil, err
		}
		if alertDue(p, last, at) {
			due = append(due, p)
			lasts[p.ID] = last
		}
	}
	return due, lasts, nil
}

// BuildDigest builds, without sending it, the digest an account's due
// profiles send at at:
//   - « rectificatifs »: tenders already sent to the account that a
//     correction or a cancellation changed since;
//   - « clôture cette semaine »: open tenders the profiles select whose
//     deadline falls in the next 7 days, shown once each;
//   - « nouveaux »: open tenders the profiles select, published since the
//     profile's last send, never sent to the account.
//
// A tender appears once, in the first of these sections that takes it,
// with the names of every profile that selected it.
func (s *Server) BuildDigest(ctx context.Context, accountID string, at time.Time) (Digest, error) {
	acc, err := s.store.Account(ctx, accountID)
	if err != nil {
		return Digest{}, err
	}
	d := Digest{Account: acc, At: at}
	due, lasts, err := s.dueProfiles(ctx, accountID, at)
	if err != nil || len(due) == 0 {
		return d, err
	}
	d.Profiles = due
	sent, err := s.store.AlertSentTo(ctx, accountID)
	if err != nil {
		return d, err
	}
	b := digestBuilder{where: map[string]*DigestItem{}}
	if err := s.addCorrections(ctx, &b, at, due, lasts, sent); err != nil {
		return d, err
	}
	for _, p := range due {
		closing, err := s.tenderIndex.AlertMatches(ctx, p, index.AlertWindow{
			DeadlineFrom: at, DeadlineTo: at.Add(closingWindow),
			Statuses: []data.TenderStatus{data.StatusOpen}, At: at, Limit: digestQueryLimit, Load: s.loadTender})
		if err != nil {
			return d, err
		}
		for _, h := range closing {
			if prev, ok := sent[h.Tender.ID]; ok && !prev.Reminded.IsZero() {
				continue
			}
			b.add(SectionClosing, h, p.Name)
		}
		from := lasts[p.ID]
		if from.IsZero() {
			from = p.CreatedAt
		}
		fresh, err := s.tenderIndex.AlertMatches(ctx, p, index.AlertWindow{
			PublishedFrom: from.Add(-importLag), PublishedTo: at.Add(time.Nanosecond),
			Statuses: []data.TenderStatus{data.StatusOpen}, At: at, Limit: digestQueryLimit, Load: s.loadTender})
		if err != nil {
			return d, err
		}
		for _, h := range fresh {
			if _, ok := sent[h.Tender.ID]; ok {
				continue
			}
			b.add(SectionNew, h, p.Name)
		}
	}
	d.Sections = b.build()
	return d, nil
}

// loadTender gives AlertMatches the whole tender, to find a phrase in its
// description.
func (s *Server) loadTender(ctx context.Context, id string) (data.Tender, error) {
	return s.store.Tender(ctx, id)
}

// addCorrections fills « rectificatifs »: the tenders sent to the account
// that a correction or cancellation notice changed after they were sent.
func (s *Server) addCorrections(ctx context.Context, b *digestBuilder, at time.Time, due []data.AlertProfile, lasts map[string]time.Time, sent map[string]data.AlertSent) error {
	if len(sent) == 0 {
		return nil
	}
	var since time.Time
	for i, p := range due {
		l := lasts[p.ID]
		if l.IsZero() {
			l = p.CreatedAt
		}
		if i == 0 || l.Before(since) {
			since = l
		}
	}
	// A tender sent by an earlier digest may have changed just before that
	// digest's time; its Version tells, so look a little further back.
	ids, err := s.store.TendersUpdatedSince(ctx, since.Add(-importLag))
	if err != nil {
		return err
	}
	for _, id := range ids {
		prev, ok := sent[id]
		if !ok {
			continue
		}
		t, err := s.store.Tender(ctx, id)
		if err != nil {
			if errors.Is(err, data.ErrNotFound) {
				continue
			}
			return err
		}
		changes := correctionsSince(&t, prev)
		if len(changes) == 0 {
			continue
		}
		it := b.add(SectionCorrection, index.TenderHit{Tender: t, Status: t.StatusAt(at)}, "")
		it.Changes = changes
	}
	return nil
}

// correctionsSince lists the French summaries of the correction and
// cancellation notices folded into t after it was sent as prev.
func correctionsSince(t *data.Tender, prev data.AlertSent) []string {
	if !t.UpdatedAt.After(prev.Version) || len(t.History) <= prev.Revisions {
		return nil
	}
	var out []string
	for _, r := range t.History[prev.Revisions:] {
		if r.State == data.StateCorrected || r.State == data.StateCancelled {
			summary := r.Summary
			if r.State == data.StateCancelled {
				summary = "procédure annulée"
			}
			out = append(out, fmt.Sprintf("avis du %s : %s", frenchDate(r.At.In(paris())), summary))
		}
	}
	return out
}

// digestBuilder puts each tender in one section.
type digestBuilder struct {
	items map[string][]*DigestItem // by section kind
	where map[string]*DigestItem   // by tender id
}

// add puts a hit in section kind unless it is already in a section, and
// names the profile that selected it (none: "").
func (b *digestBuilder) add(kind string, h index.TenderHit, profile string) *DigestItem {
	it, ok := b.where[h.Tender.ID]
	if !ok {
		if b.items == nil {
			b.items = map[string][]*DigestItem{}
		}
		it = &DigestItem{Tender: h.Tender, Status: h.Status}
		if len(b.items[kind]) < digestSectionLimit {
			b.items[kind] = append(b.items[kind], it)
		}
		b.where[h.Tender.ID] = it
	}
	if profile != "" && !slices.Contains(it.Profiles, profile) {
		it.Profiles = append(it.Profiles, profile)
	}
	return it
}

// build returns the non-empty sections in their order.
func (b *digestBuilder) build() []DigestSection {
	var out []DigestSection
	for _, kind := range []string{SectionNew, SectionClosing, SectionCorrection} {
		if len(b.items[kind]) == 0 {
			continue
		}
		sec := DigestSection{Kind: kind}
		for _, it := range b.items[kind] {
			sec.Items = append(sec.Items, *it)
		}
		out = append(out, sec)
	}
	return out
}

// PreviewAlert returns what a profile (saved or not) would have sent over
// the 7 days before at: the tenders it selects that were published then,
// latest first, at most 50. An invalid profile fails with the French
// error of data.AlertProfile.Normalize.
func (s *Server) PreviewAlert(ctx context.Context, p data.AlertProfile, at time.Time) ([]DigestItem, error) {
	if p.AccountID == "" {
		p.AccountID = "preview"
	}
	if err := p.Normalize(); err != nil {
		return nil, err
	}
	hits, err := s.tenderIndex.AlertMatches(ctx, p, index.AlertWindow{
		PublishedFrom: at.Add(-previewWindow), PublishedTo: at.Add(time.Nanosecond),
		At: at, Limit: previewLimit, Load: s.loadTender})
	if err != nil {
		return nil, err
	}
	out := make([]DigestItem, len(hits))
	for i, h := range hits {
		out[i] = DigestItem{Tender: h.Tender, Status: h.Status, Profiles: []string{p.Name}}
	}
	return out, nil
}
