package web

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/index"
	"fabrique/web/feed"
)

// The feeds of an alert profile, at private addresses:
// /alertes/flux/{token}.atom lists the tenders the profile selected over
// the last weeks, /alertes/flux/{token}.ics is a calendar of their
// deadlines (one event per tender, updated by corrections, cancelled with
// the procedure). The token is the only key: an unknown or revoked one is
// a 404. Answers are private to the reader, with an ETag and a
// Last-Modified date so that readers polling them cost little.

const feedPath = "/alertes/flux"

// Windows of the feeds.
const (
	// atomWindow is how far back the Atom feed lists publications.
	atomWindow = 30 * 24 * time.Hour
	// icalPublishedWindow is how far back the calendar looks for
	// publications, icalPastDeadlines how long a passed deadline stays.
	icalPublishedWindow = 180 * 24 * time.Hour
	icalPastDeadlines   = 14 * 24 * time.Hour
	// feedLimit bounds the tenders of a feed.
	feedLimit = 200
	// feedMaxAge is how long a reader may keep a feed before asking again.
	feedMaxAge = "600"
	// httpDate is the date format of HTTP headers (RFC 9110, 5.6.7).
	httpDate = "Mon, 02 Jan 2006 15:04:05 GMT"
)

// feedProfile is the profile a feed token opens (404 otherwise).
func (s *Server) feedProfile(c *fiber.Ctx) (data.AlertProfile, error) {
	return s.store.AlertProfileByToken(c.UserContext(), data.AlertTokenFeed, c.Params("token"))
}

// feedTenders are the stored tenders a profile selects in a window, whole
// (the index's hits do not carry their history).
func (s *Server) feedTenders(ctx context.Context, p data.AlertProfile, w index.AlertWindow) ([]data.Tender, error) {
	w.Limit, w.Load = feedLimit, s.loadTender
	hits, err := s.tenderIndex.AlertMatches(ctx, p, w)
	if err != nil {
		return nil, err
	}
	out := make([]data.Tender, 0, len(hits))
	for _, h := range hits {
		t, err := s.store.Tender(ctx, h.Tender.ID)
		if err != nil {
			continue // deleted since it was indexed
		}
		out = append(out, t)
	}
	return out, nil
}

// alertAtom serves GET /alertes/flux/{token}.atom.
func (s *Server) alertAtom(c *fiber.Ctx) error {
	p, err := s.feedProfile(c)
	if err != nil {
		return err
	}
	now := s.now()
	tenders, err := s.feedTenders(c.UserContext(), p, index.AlertWindow{PublishedFrom: now.Add(-atomWindow), At: now})
	if err != nil {
		return err
	}
	base := s.baseURL()
	f := feed.AtomFeed{ID: s.tagURI("alertes/" + p.ID), Title: "Fabrique — alerte « " + p.Name + " »",
		Subtitle: "Appels d'offres : " + strings.Join(alertSummary(p), " ; "),
		Link:     base + alertURL(p.ID), Self: base + c.Path(), Author: "Fabrique", Updated: p.UpdatedAt}
	for i := range tenders {
		t := &tenders[i]
		st := t.StatusAt(now)
		title := t.Title
		if title == "" {
			title = "(avis sans intitulé)"
		}
		switch {
		case st == data.StatusCancelled:
			title = "Annulé : " + title
		case st == data.StatusAnnounced:
			title = "Pré-information : " + title
		case t.Corrected():
			title += " (rectifié)"
		}
		f.Entries = append(f.Entries, feed.Entry{ID: s.tagURI("appels-d-offres/" + url.PathEscape(t.ID)), Title: title,
			Link: base + tenderURL(t), Summary: tenderSummary(t, st), Published: t.PublishedAt, Updated: tenderVersion(t)})
	}
	var b bytes.Buffer
	if err := feed.WriteAtom(&b, f); err != nil {
		return err
	}
	return s.sendFeed(c, "application/atom+xml; charset=utf-8", b.Bytes(), feedModified(p, tenders))
}

// alertICal serves GET /alertes/flux/{token}.ics.
func (s *Server) alertICal(c *fiber.Ctx) error {
	p, err := s.feedProfile(c)
	if err != nil {
		return err
	}
	now := s.now()
	tenders, err := s.feedTenders(c.UserContext(), p, index.AlertWindow{PublishedFrom: now.Add(-icalPublishedWindow),
		DeadlineFrom: now.Add(-icalPastDeadlines), At: now})
	if err != nil {
		return err
	}
	cal := feed.Calendar{ProdID: "-//Fabrique//Alertes appels d'offres//FR", Name: "Fabrique — " + p.Name,
		Description: "Dates limites des appels d'offres de l'alerte « " + p.Name + " »", Refresh: 6 * time.Hour}
	base := s.baseURL()
	for i := range tenders {
		t := &tenders[i]
		st := t.StatusAt(now)
		if t.Deadline.IsZero() || st == data.StatusAnnounced { // an announcement's date is no deadline to answer
			continue
		}
		title := t.Title
		if title == "" {
			title = "(avis sans intitulé)"
		}
		ev := feed.Event{UID: "appel-d-offres-" + t.ID + "@" + s.feedHost(), Stamp: tenderVersion(t),
			Start: t.Deadline.Add(-time.Hour), End: t.Deadline, Summary: "Date limite : " + title,
			Description: tenderSummary(t, st), Location: tenderPlace(t.Place), URL: base + tenderURL(t),
			Sequence: tenderSequence(t), Cancelled: st == data.StatusCancelled}
		if st == data.StatusCancelled {
			ev.Summary = "Annulé : " + title
		}
		if n := t.Nature.Label(); n != "" {
			ev.Categories = []string{n}
		}
		cal.Events = append(cal.Events, ev)
	}
	var b bytes.Buffer
	if err := feed.WriteICal(&b, cal); err != nil {
		return err
	}
	return s.sendFeed(c, "text/calendar; charset=utf-8", b.Bytes(), feedModified(p, tenders))
}

// sendFeed answers a feed: private, validated by ETag and Last-Modified,
// 304 when the reader's copy is current.
func (s *Server) sendFeed(c *fiber.Ctx, contentType string, body []byte, modified time.Time) error {
	etag := strongETag(body)
	c.Set(fiber.HeaderCacheControl, "private, max-age="+feedMaxAge)
	c.Set(fiber.HeaderETag, etag)
	c.Set("X-Robots-Tag", "noindex, nofollow")
	if !modified.IsZero() {
		c.Set(fiber.HeaderLastModified, modified.UTC().Format(httpDate))
	}
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" {
		if etagMatches(inm, etag) {
			return c.SendStatus(fiber.StatusNotModified)
		}
	} else if ims, err := time.Parse(httpDate, c.Get(fiber.HeaderIfModifiedSince)); err == nil && !modified.IsZero() &&
		!modified.Truncate(time.Second).After(ims) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, contentType)
	return c.Status(fiber.StatusOK).Send(body)
}

// feedModified is the last change of what a feed shows: the profile or
// one of its tenders.
func feedModified(p data.AlertProfile, tenders []data.Tender) time.Time {
	m := p.UpdatedAt
	for i := range tenders {
		if v := tenderVersion(&tenders[i]); v.After(m) {
			m = v
		}
	}
	return m
}

// tenderVersion is when a tender last changed.
func tenderVersion(t *data.Tender) time.Time {
	for _, v := range []time.Time{t.UpdatedAt, t.ImportedAt, t.PublishedAt} {
		if !v.IsZero() {
			return v
		}
	}
	return time.Time{}
}

// tenderSequence is the calendar revision of a tender's event: one more
// for each correction or cancellation notice.
func tenderSequence(t *data.Tender) int {
	n := 0
	for _, r := range t.History {
		if r.State == data.StateCorrected || r.State == data.StateCancelled {
			n++
		}
	}
	if n == 0 && (t.State == data.StateCorrected || t.State == data.StateCancelled) {
		n = 1
	}
	return n
}

// tenderSummary is the plain-text description of a tender in a feed.
func tenderSummary(t *data.Tender, st data.TenderStatus) string {
	var lines []string
	add := func(label, v string) {
		if v != "" {
			lines = append(lines, label+" : "+v)
		}
	}
	add("Acheteur", t.Buyer.Name)
	add("État", st.Label())
	add("Date limite", frenchDateTime(t.Deadline))
	add("Lieu", tenderPlace(t.Place))
	if t.EstimatedValue > 0 {
		add("Valeur estimée", formatEuros(t.EstimatedValue))
	}
	if t.CPV != "" {
		code := t.CPV
		if l := cpvLabel(t.CPV); l != "" {
			code += " — " + l
		}
		add("CPV", code)
	}
	add("Procédure", data.ProcedureLabel(t.Procedure))
	if len(t.Lots) > 0 {
		add("Lots", pluralFR(len(t.Lots), "lot", "lots"))
	}
	for _, r := range t.History {
		if r.State == data.StateCorrected && r.Summary != "" {
			add("Rectificatif du "+frenchDate(r.At.In(paris())), r.Summary)
		}
	}
	return strings.Join(lines, "\n")
}

// feedHost is the site's host name, for tag: URIs and event UIDs.
func (s *Server) feedHost() string {
	if u, err := url.Parse(s.baseURL()); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "fabrique"
}

// tagURI is a permanent identifier (RFC 4151) of one of the site's things.
func (s *Server) tagURI(specific string) string {
	return "tag:" + s.feedHost() + ",2026:" + specific
}
