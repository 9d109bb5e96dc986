package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// versionsPage is the history of a company's listing.
type versionsPage struct {
	Layout
	companyHead
	Versions []versionView
	Undone   string // the version just cancelled, for the confirmation
	Already  string // the version whose undo changed nothing: undone already
}

type versionView struct {
	Seq           uint64
	Date, DateISO string
	Who           string
	Changes       []fieldChange
	Undoes        uint64
	UndoURL       string
}

// fieldChange is one field of a version with the value it had before.
type fieldChange struct {
	Name, Before string
	BeforeLogo   string // URL of the previous logo
}

// maxVersionTextRunes bounds a previous value shown in the history.
const maxVersionTextRunes = 300

// listingVersions serves GET /compte/entreprises/{id}/versions.
func (s *Server) listingVersions(c *fiber.Ctx) error {
	a, err := s.company(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	vs, err := s.store.ListingVersions(ctx, a.sup.ID)
	if err != nil {
		return err
	}
	p := &versionsPage{Layout: Layout{Title: "Historique — " + a.sup.Name}, companyHead: newCompanyHead(a, "versions", "versions")}
	if n, err := strconv.ParseUint(c.Query("annule"), 10, 64); err == nil {
		p.Undone = strconv.FormatUint(n, 10)
	}
	if n, err := strconv.ParseUint(c.Query("deja"), 10, 64); err == nil {
		p.Already = strconv.FormatUint(n, 10)
	}
	names := map[string]string{}
	for _, v := range vs {
		who, ok := names[v.Actor]
		if !ok {
			who = v.Actor
			switch acc, err := s.store.Account(ctx, v.Actor); {
			case err == nil:
				who = acc.Email
				if acc.Name != "" {
					who = acc.Name + " (" + acc.Email + ")"
				}
			case errors.Is(err, data.ErrNotFound):
				// The account was deleted: its id is all the version keeps
				// (store.DeleteAccount), a bare « aace11b2869b7dade » to the team.
				who = "compte supprimé (n° " + v.Actor + ")"
			}
			names[v.Actor] = who
		}
		vv := versionView{Seq: v.Seq, Date: frenchDateTime(v.At), DateISO: v.At.UTC().Format("2006-01-02T15:04:05Z"), Who: who,
			Undoes: v.Undoes, UndoURL: fmt.Sprintf("%s/versions/%d/annuler", companyURL(a.sup.ID), v.Seq)}
		for _, f := range v.Fields {
			fc := fieldChange{Name: fieldName(f), Before: versionValueText(f, v.Previous[f])}
			if f == data.FieldLogo && v.Previous[f] != nil {
				var key string
				if json.Unmarshal(v.Previous[f], &key) == nil {
					fc.BeforeLogo = logoURL(key)
				}
			}
			vv.Changes = append(vv.Changes, fc)
		}
		p.Versions = append(p.Versions, vv)
	}
	return s.render(c, fiber.StatusOK, "listing", p)
}

// listingUndo serves POST /compte/entreprises/{id}/versions/{seq}/annuler.
func (s *Server) listingUndo(c *fiber.Ctx) error {
	a, err := s.company(c)
	if err != nil {
		return err
	}
	seq, err := strconv.ParseUint(c.Params("seq"), 10, 64)
	if err != nil || seq == 0 {
		return fmt.Errorf("web: version %q: %w", c.Params("seq"), data.ErrNotFound)
	}
	v, err := s.store.UndoListing(c.UserContext(), a.sup.ID, seq, a.account.ID)
	if err != nil {
		return err
	}
	if v.Seq == 0 { // nothing to restore: undone already (a second click)
		return c.Redirect(fmt.Sprintf("%s/versions?deja=%d", companyURL(a.sup.ID), seq), fiber.StatusSeeOther)
	}
	if err := s.reindex(c.UserContext(), a.sup.ID); err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("%s/versions?annule=%d", companyURL(a.sup.ID), seq), fiber.StatusSeeOther)
}

// versionValueText renders a field's previous value, as stored in a
// version, in French; "(vide)" when it was empty.
func versionValueText(field string, raw json.RawMessage) string {
	const empty = "(vide)"
	if raw == nil {
		return empty
	}
	var sup data.Supplier
	b, err := json.Marshal(map[string]json.RawMessage{field: raw})
	if err == nil {
		err = json.Unmarshal(b, &sup)
	}
	if err != nil {
		return empty
	}
	var out string
	switch field {
	case data.FieldDescription:
		out = sup.Description
	case data.FieldProducts:
		out = strings.Join(sup.Products, ", ")
	case data.FieldCPVDeclared:
		var parts []string
		for _, cv := range cpvViews(sup.CPVDeclared) {
			parts = append(parts, strings.TrimSpace(cv.Code+" "+cv.Label))
		}
		out = strings.Join(parts, " ; ")
	case data.FieldServiceArea:
		out = serviceAreaText(sup.ServiceArea)
	case data.FieldHeadcount:
		out = sup.HeadcountBand
		if hb, ok := data.LookupHeadcountBand(sup.HeadcountBand); ok {
			out = hb.Label
		}
	case data.FieldTurnover:
		if tb, ok := data.LookupTurnoverBand(sup.TurnoverBand); ok {
			out = tb.Label
		}
	case data.FieldLargestContract:
		if sup.LargestContractEUR > 0 {
			out = formatEuros(float64(sup.LargestContractEUR))
		}
	case data.FieldCertifications:
		var parts []string
		for _, ct := range sup.Certifications {
			parts = append(parts, ct.Name)
		}
		out = strings.Join(parts, ", ")
	case data.FieldContacts:
		if ct, ok := data.PublicContact(sup); ok {
			out = strings.Trim(ct.Email+" "+ct.Phone, " ")
		}
	case data.FieldWebsite:
		out = sup.Website
	case data.FieldLogo:
		if sup.Logo != "" {
			out = "logo précédent"
		}
	}
	if out == "" {
		return empty
	}
	if utf8.RuneCountInString(out) > maxVersionTextRunes {
		out = string([]rune(out)[:maxVersionTextRunes]) + "…"
	}
	return out
}
