package web

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/store"
)

// The audit journal (/admin/journal): who did what, when and from which
// address, newest first, filtered by actor, action, entity and period.

const (
	journalPath     = "/admin/journal"
	journalPageSize = 50
)

// journalPage is the typed page of admin_journal.html.
type journalPage struct {
	Layout
	Actor, Action, Entity, From, To string // the filters, as typed
	Entries                         []journalRow
	Next                            string // URL of the next (older) page
	First                           string // URL of the newest page, when not on it
	Error                           string
	Actions                         []string // action families, proposed in the filter
}

type journalRow struct {
	At, AtISO, Actor, ActorURL, Action, Entity, EntityURL, Detail, Addr string
}

// adminJournal shows a page of the audit log.
func (s *Server) adminJournal(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := &journalPage{Layout: Layout{Title: "Journal"}, Actor: strings.TrimSpace(c.Query("acteur")),
		Action: strings.TrimSpace(c.Query("action")), Entity: strings.TrimSpace(c.Query("objet")),
		From: strings.TrimSpace(c.Query("du")), To: strings.TrimSpace(c.Query("au")), Actions: journalActions()}
	f := store.AuditFilter{Actor: p.Actor, Action: p.Action, Entity: p.Entity}
	if strings.Contains(f.Actor, "@") { // an e-mail address names its account
		if a, err := s.store.AccountByEmail(ctx, f.Actor); err == nil {
			f.Actor = a.ID
		}
	}
	var bad []string
	if p.From != "" {
		t, err := time.ParseInLocation("2006-01-02", p.From, paris())
		if err != nil {
			bad = append(bad, "la date de début (AAAA-MM-JJ)")
		}
		f.From = t
	}
	if p.To != "" {
		t, err := time.ParseInLocation("2006-01-02", p.To, paris())
		if err != nil {
			bad = append(bad, "la date de fin (AAAA-MM-JJ)")
		}
		f.To = t.AddDate(0, 0, 1) // the whole last day
	}
	if len(bad) > 0 {
		p.Error = "Corrigez " + strings.Join(bad, " et ") + "."
		return s.render(c, fiber.StatusBadRequest, "admin_journal", p)
	}
	before, _ := strconv.ParseUint(c.Query("avant"), 10, 64)
	entries, next, err := s.store.AuditPage(ctx, f, before, journalPageSize)
	if err != nil {
		return err
	}
	emails := map[string]string{}
	for _, e := range entries {
		row := journalRow{At: e.At.In(paris()).Format("02/01/2006 15:04:05"), AtISO: e.At.UTC().Format(time.RFC3339), Actor: e.Actor,
			Action: e.Action, Entity: e.Entity, Detail: e.Detail, Addr: e.Addr}
		if name, ok := emails[e.Actor]; ok {
			row.Actor = name
		} else if name, err := s.actorName(ctx, e.Actor); err != nil {
			return err
		} else {
			emails[e.Actor], row.Actor = name, name
		}
		row.ActorURL = journalPath + "?acteur=" + url.QueryEscape(e.Actor)
		row.EntityURL = journalPath + "?objet=" + url.QueryEscape(e.Entity)
		if id, ok := strings.CutPrefix(e.Entity, "supplier:"); ok && supplierIDRe.MatchString(id) {
			row.EntityURL = supplierURL(id)
		}
		p.Entries = append(p.Entries, row)
	}
	q := url.Values{}
	for k, v := range map[string]string{"acteur": p.Actor, "action": p.Action, "objet": p.Entity, "du": p.From, "au": p.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if before != 0 {
		p.First = journalPath + "?" + q.Encode()
	}
	if next != 0 {
		q.Set("avant", strconv.FormatUint(next, 10))
		p.Next = journalPath + "?" + q.Encode()
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, "admin_journal", p)
}

// actorName is how the journal names an actor: an account by its
// address, an account its holder deleted as such (the journal keeps its
// « account.delete » entry, not its address), anything else by its id.
func (s *Server) actorName(ctx context.Context, actor string) (string, error) {
	a, err := s.store.Account(ctx, actor)
	if err == nil {
		return a.Email, nil
	}
	if !errors.Is(err, data.ErrNotFound) {
		return "", err
	}
	deleted := false
	err = s.store.Audit(ctx, "account:"+actor, func(e data.AuditEntry) error {
		deleted = deleted || e.Action == "account.delete"
		return nil
	})
	if deleted {
		return "compte supprimé (" + actor + ")", err
	}
	return actor, err
}

// journalActions are the action families offered in the filter.
func journalActions() []string {
	return []string{"claim", "member", "team", "listing", "account", "session", "report", "supplier", "tender"}
}
