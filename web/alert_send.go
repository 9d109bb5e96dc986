package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fabrique/data"
	"fabrique/web/mail"
)

// Sending the digests: SendDueDigests, run by the scheduler of serve and
// by `fabrique alerts send`.
//
// Exactly once. A digest goes through three transactions of the store:
//
//  1. BeginDigest records it pending, with its Message-ID, the exact mail
//     and the tenders (and their versions) it carries;
//  2. StartDigestAttempt marks it in flight, just before SMTP;
//  3. CompleteDigest marks it sent and, in the same transaction, records
//     its tenders as sent to the account and its time as the last send of
//     its profiles, so that they are no longer due.
//
// A run first finishes the digests left pending by an earlier one. A
// process killed before step 3 leaves the digest pending: the next run
// sends that same mail (same Message-ID), once; a digest found in flight
// twice is given up (data.DigestFailed) rather than risk a loop. A kill
// before step 1 leaves nothing: the profiles are still due and the next
// run builds the digest again. So each due digest is sent exactly once
// across process kills, except for one case no client can close: SMTP is
// at-least-once at its boundary — a kill after the server accepted the
// DATA but before step 3 committed makes the next run send the mail a
// second time, with the same Message-ID, which receivers may use to drop
// the copy.

// DigestRun says what a run of SendDueDigests did (or, dry, would do).
type DigestRun struct {
	At     time.Time
	DryRun bool
	// Digests are the digests built by this run (dry: that would be sent).
	Digests []Digest
	// Sent, Failed and Resumed count mails: sent now, failed now (SMTP
	// error or given up), and sent now for a digest left pending by an
	// earlier run. Empty counts the accounts whose due profiles had
	// nothing to send.
	Sent, Failed, Resumed, Empty int
}

// SendDueDigests sends the digest of every account that has due alert
// profiles at at, and finishes the digests an earlier run left pending.
// With dryRun it builds the digests and changes nothing. An error about
// one account is logged and counted; the others are still served.
func (s *Server) SendDueDigests(ctx context.Context, at time.Time, dryRun bool) (DigestRun, error) {
	run := DigestRun{At: at, DryRun: dryRun}
	waiting := map[string]bool{}
	if !dryRun {
		pending, err := s.store.PendingDigests(ctx)
		if err != nil {
			return run, err
		}
		// An account with a digest left pending gets no new one in this
		// run: the pending one is sent (or given up) first.
		for _, rec := range pending {
			waiting[rec.AccountID] = true
			if s.deliverDigest(ctx, rec.ID, &run) {
				run.Resumed++
			}
		}
	}
	profiles, err := s.store.ActiveAlertProfiles(ctx)
	if err != nil {
		return run, err
	}
	var accounts []string
	for _, p := range profiles {
		if len(accounts) == 0 || accounts[len(accounts)-1] != p.AccountID {
			accounts = append(accounts, p.AccountID)
		}
	}
	for _, acc := range accounts {
		if err := ctx.Err(); err != nil {
			return run, err
		}
		if waiting[acc] {
			continue
		}
		if err := s.sendDigestOf(ctx, acc, at, &run); err != nil {
			if ctx.Err() != nil {
				return run, ctx.Err()
			}
			run.Failed++
			s.metrics.DigestSent(err)
			s.cfg.Logger.Error("alert digest", "account", acc, "err", err)
		}
	}
	return run, nil
}

// sendDigestOf builds and sends (unless dry) the digest of one account.
func (s *Server) sendDigestOf(ctx context.Context, accountID string, at time.Time, run *DigestRun) error {
	d, err := s.BuildDigest(ctx, accountID, at)
	if err != nil || len(d.Profiles) == 0 {
		return err
	}
	ids := make([]string, len(d.Profiles))
	for i, p := range d.Profiles {
		ids[i] = p.ID
	}
	if d.Empty() || d.Account.Disabled || !d.Account.Verified {
		// Nothing to send, or nobody to send it to: the profiles were
		// served at this time all the same.
		run.Empty++
		if run.DryRun {
			return nil
		}
		return s.store.MarkAlertsServed(ctx, ids, at)
	}
	run.Digests = append(run.Digests, d)
	if run.DryRun {
		return nil
	}
	rec, err := s.digestRecord(ctx, d)
	if err != nil {
		return err
	}
	if err := s.store.BeginDigest(ctx, rec); err != nil {
		return err
	}
	s.deliverDigest(ctx, rec.ID, run)
	return nil
}

// deliverDigest hands a pending digest to SMTP (StartDigestAttempt
// decides whether it may) and records the outcome; it reports whether the
// mail was sent.
func (s *Server) deliverDigest(ctx context.Context, id string, run *DigestRun) bool {
	rec, send, err := s.store.StartDigestAttempt(ctx, id)
	if err != nil {
		run.Failed++
		s.cfg.Logger.Error("alert digest", "digest", id, "err", err)
		return false
	}
	if !send {
		if rec.State == data.DigestFailed {
			run.Failed++
			s.metrics.DigestSent(fmt.Errorf("given up: %s", rec.Error))
			s.cfg.Logger.Warn("alert digest given up", "digest", id, "account", rec.AccountID, "attempts", rec.Attempts, "err", rec.Error)
		}
		return false
	}
	sendErr := s.mail.Send(ctx, mail.Message{To: rec.To, Subject: rec.Subject, Text: rec.Text, HTML: rec.HTML,
		Headers: rec.Headers, MessageID: rec.MessageID})
	// The outcome is recorded even when ctx ended meanwhile (shutdown):
	// an unrecorded success would be sent again.
	wctx := context.WithoutCancel(ctx)
	s.metrics.DigestSent(sendErr)
	if sendErr != nil {
		run.Failed++
		s.cfg.Logger.Warn("alert digest", "digest", id, "account", rec.AccountID, "attempt", rec.Attempts, "err", sendErr)
		if err := s.store.FailDigestAttempt(wctx, id, sendErr); err != nil {
			s.cfg.Logger.Error("alert digest", "digest", id, "err", err)
		}
		return false
	}
	if err := s.store.CompleteDigest(wctx, id); err != nil {
		s.cfg.Logger.Error("alert digest sent but not recorded", "digest", id, "err", err)
		return false
	}
	run.Sent++
	return true
}

// digestRecord renders a digest into the record BeginDigest keeps: the
// mail with one unsubscribe link per profile (a new token each) and one
// for them all in its List-Unsubscribe header (the digest's token), its
// Message-ID, and the tenders it carries with their versions.
func (s *Server) digestRecord(ctx context.Context, d Digest) (data.DigestRecord, error) {
	var raw [8]byte
	_, _ = rand.Read(raw[:])
	id := d.At.UTC().Format("20060102T150405") + "-" + hex.EncodeToString(raw[:])
	host := "fabrique.localhost"
	if u, err := url.Parse(s.baseURL()); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	rec := data.DigestRecord{ID: id, AccountID: d.Account.ID, MessageID: "alerte-" + id + "@" + host,
		At: d.At, To: d.Account.Email}
	unsubscribe := map[string]string{}
	for _, p := range d.Profiles {
		token, err := s.store.NewAlertToken(ctx, p.ID, data.AlertTokenUnsubscribe)
		if err != nil {
			return rec, err
		}
		unsubscribe[p.ID] = s.baseURL() + unsubscribePath + "/" + token
		rec.Profiles = append(rec.Profiles, p.ID)
	}
	// RFC 2369 and 8058: the header's one-click link stops every profile
	// of the mail (each also has its own link in the body).
	digestToken, err := s.store.NewDigestToken(ctx, id, rec.Profiles)
	if err != nil {
		return rec, err
	}
	for _, sec := range d.Sections {
		for _, it := range sec.Items {
			sent := data.AlertSent{TenderID: it.Tender.ID, Version: it.Tender.UpdatedAt, Revisions: len(it.Tender.History),
				At: d.At, Digest: id}
			if sec.Kind == SectionClosing {
				sent.Reminded = d.At
			}
			rec.Items = append(rec.Items, sent)
		}
	}
	msg, err := s.renderMail(d.Account.Email, "alert_digest", s.digestMailView(d, unsubscribe))
	if err != nil {
		return rec, err
	}
	rec.Subject, rec.Text, rec.HTML = msg.Subject, msg.Text, msg.HTML
	rec.Headers = msg.Headers
	rec.Headers["List-Unsubscribe"] = "<" + s.baseURL() + unsubscribePath + "/" + digestToken + ">"
	rec.Headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
	rec.Headers["X-Fabrique-Digest"] = id
	return rec, nil
}

// digestMailView is what templates/mail/alert_digest.* show.
type digestMailView struct {
	Subject   string
	Intro     string
	Sections  []digestSectionView
	Profiles  []digestProfileView
	ManageURL string
}

type digestSectionView struct {
	Title string
	Items []digestItemView
}

type digestItemView struct {
	Title, URL, Buyer, Place, Deadline, Value, Status string
	Profiles                                          string // « pour : Profil A, Profil B »
	Changes                                           []string
}

type digestProfileView struct {
	Name, Frequency, Unsubscribe string
}

func (s *Server) digestMailView(d Digest, unsubscribe map[string]string) digestMailView {
	site := s.baseURL()
	n := d.Len()
	v := digestMailView{ManageURL: site + "/compte/alertes"}
	v.Subject = "Fabrique : " + strconv.Itoa(n) + " appel d'offres pour vos alertes"
	if n > 1 {
		v.Subject = "Fabrique : " + strconv.Itoa(n) + " appels d'offres pour vos alertes"
	}
	v.Intro = "Voici ce que vos alertes ont retenu au " + frenchDateTime(d.At) + "."
	for _, sec := range d.Sections {
		sv := digestSectionView{Title: sec.Title() + " (" + strconv.Itoa(len(sec.Items)) + ")"}
		for _, it := range sec.Items {
			row := newTenderRowView(&it.Tender, d.At)
			iv := digestItemView{Title: row.Title, URL: site + row.URL, Buyer: row.Buyer, Place: row.Place,
				Deadline: row.Deadline, Value: row.Value, Changes: it.Changes}
			if it.Status != data.StatusOpen {
				iv.Status = it.Status.Label()
			}
			if len(it.Profiles) > 0 {
				iv.Profiles = "pour : " + strings.Join(it.Profiles, ", ")
			}
			sv.Items = append(sv.Items, iv)
		}
		v.Sections = append(v.Sections, sv)
	}
	for _, p := range d.Profiles {
		v.Profiles = append(v.Profiles, digestProfileView{Name: p.Name, Frequency: p.Frequency.Label(), Unsubscribe: unsubscribe[p.ID]})
	}
	return v
}
