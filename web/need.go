package web

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// A buyer's « Nouveau besoin »: a form whose answer is a shareable
// shortlist. The need is stored as a tender of source "besoin" whose ID is
// a hash of the need, so the same need always gets the same address.

// needSource is the tender source of the needs typed on Fabrique.
const needSource = data.SourceNeed

// needFormPath is the form; each stored need has its page under needsPath.
const (
	needFormPath = "/besoin"
	needsPath    = "/besoins/"
)

// needActor signs the needs stored from the form in the audit log.
const needActor = "web:besoin"

// needIDRe is the shape of a need's id: 16 hex digits (data.Need.Tender).
var needIDRe = regexp.MustCompile(`^[0-9a-f]{16}$`)

func needURL(sourceID string) string { return needsPath + sourceID }

// needFormPage is the typed page of need.html.
type needFormPage struct {
	Layout
	Object, Description formField // the need's title (« objet ») and description
	CPV                 []formField
	Departement         formField
	Postcode            formField
	Value               formField
	DescriptionMax      int // characters of title and description (data.MaxNeedText)
	Lots                []lotFields
	LotRows             int
	CanAddLot           bool
	Departements        []selectOption
	CPVOptions          []cpvOption // the picker's list before anything is typed
	Errors              []formError
}

// formField is one field of the form with its value as typed and, when it
// must be corrected, the French message shown next to it.
type formField struct {
	ID, Label, Value string
	Error            string
	Choices          []cpvOption // CPV codes matching the words typed
	Autofocus        bool
}

type lotFields struct {
	N                 int
	Title, CPV, Value formField
}

// formError is one line of the summary of errors above the form.
type formError struct {
	ID, Label, Message string
}

// needFieldLabel is the French label of a field, by its id.
func needFieldLabel(id string) string {
	switch id {
	case "title":
		return "Intitulé du besoin"
	case "description":
		return "Description"
	case "cpv-1":
		return "Code CPV principal"
	case "cpv-2", "cpv-3":
		return "Code CPV complémentaire"
	case "departement":
		return "Département d'exécution"
	case "postcode":
		return "Code postal du lieu d'exécution"
	case "value":
		return "Valeur estimée (€ HT)"
	}
	var n int
	var field string
	if _, err := fmt.Sscanf(id, "lot-%d-%s", &n, &field); err == nil {
		switch field {
		case "title":
			return "Lot " + strconv.Itoa(n) + " : intitulé"
		case "cpv":
			return "Lot " + strconv.Itoa(n) + " : code CPV"
		case "value":
			return "Lot " + strconv.Itoa(n) + " : valeur estimée"
		}
	}
	return id
}

// newNeedFormPage prepares the form for display; focus is the id of the
// field to focus (a lot just added, a code just picked), "" for none.
func newNeedFormPage(f *needForm, focus string) *needFormPage {
	field := func(id, value string) formField {
		return formField{ID: id, Label: needFieldLabel(id), Value: echoable(id, value), Error: f.errors[id], Choices: f.choices[id],
			Autofocus: id == focus}
	}
	p := &needFormPage{Layout: Layout{Title: "Nouveau besoin"},
		Object: field("title", f.Title), Description: field("description", f.Description),
		Departement: field("departement", f.Departement), Postcode: field("postcode", f.Postcode),
		Value: field("value", f.Value), DescriptionMax: data.MaxNeedText, LotRows: len(f.Lots), CanAddLot: len(f.Lots) < maxFormLots,
		Departements: departementOptions(nil), CPVOptions: cpvDivisionOptions()}
	p.Departements[0].Label = "— aucun —"
	for i := range p.Departements {
		p.Departements[i].Selected = p.Departements[i].Value == clean(f.Departement)
	}
	for i, v := range f.CPV {
		p.CPV = append(p.CPV, field("cpv-"+strconv.Itoa(i+1), v))
	}
	for i, l := range f.Lots {
		n := i + 1
		pre := "lot-" + strconv.Itoa(n) + "-"
		lf := lotFields{N: n, Title: field(pre+"title", l.Title), CPV: field(pre+"cpv", l.CPV), Value: field(pre+"value", l.Value)}
		lf.CPV.Label = "Code CPV" // the lot's legend says which lot
		p.Lots = append(p.Lots, lf)
	}
	for _, id := range f.order {
		p.Errors = append(p.Errors, formError{ID: id, Label: needFieldLabel(id), Message: f.errors[id]})
	}
	if len(p.Errors) > 0 {
		p.Layout.Title = "Nouveau besoin" + fieldsToCorrect(len(p.Errors))
	}
	return p
}

// needFormHandler shows the empty form, or a stored need to modify
// (?depuis=<id>).
func (s *Server) needFormHandler(c *fiber.Ctx) error {
	f := newNeedForm()
	if from := c.Query("depuis"); from != "" {
		t, err := s.findNeed(c.UserContext(), from)
		if err != nil {
			return err
		}
		f = formFromTender(&t)
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return s.render(c, fiber.StatusOK, "need", newNeedFormPage(&f, ""))
}

// needSubmit reads the form. « Ajouter un lot » shows it again with one
// more row, and a CPV code picked among those proposed is put into its
// field; otherwise a valid need is stored and the buyer sent to its
// shortlist (303), and an invalid one shown again with the fields to
// correct (400).
func (s *Server) needSubmit(c *fiber.Ctx) error {
	f := readNeedForm(func(k string) string { return c.FormValue(k) })
	if choice := c.FormValue("pick"); choice != "" {
		return s.render(c, fiber.StatusOK, "need", newNeedFormPage(&f, f.pick(choice)))
	}
	if c.FormValue("action") == "add_lot" {
		focus := ""
		if f.addLot() {
			focus = "lot-" + strconv.Itoa(len(f.Lots)) + "-title"
		}
		return s.render(c, fiber.StatusOK, "need", newNeedFormPage(&f, focus))
	}
	n := f.need()
	var t data.Tender
	if f.valid() {
		var err error
		if t, err = n.Tender(); err != nil {
			f.failFromNeed(err)
		}
	}
	if !f.valid() {
		return s.render(c, fiber.StatusBadRequest, "need", newNeedFormPage(&f, ""))
	}
	ctx := c.UserContext()
	if _, err := s.store.Tender(ctx, t.ID); errors.Is(err, data.ErrNotFound) {
		if err := s.store.PutTender(ctx, t, needActor); err != nil {
			return fmt.Errorf("web: store need: %w", err)
		}
	} else if err != nil {
		return fmt.Errorf("web: need %s: %w", t.ID, err)
	}
	if a, ok := s.currentAccount(c); ok { // a buyer keeps its needs (/compte)
		if err := s.store.AddAccountNeed(ctx, a.ID, t.ID); err != nil {
			return fmt.Errorf("web: file need %s: %w", t.ID, err)
		}
	}
	return c.Redirect(needURL(t.SourceID), fiber.StatusSeeOther)
}

// findNeed loads a stored need by the id of its address.
func (s *Server) findNeed(ctx context.Context, id string) (data.Tender, error) {
	if !needIDRe.MatchString(id) {
		return data.Tender{}, fmt.Errorf("web: need %q: %w", id, data.ErrNotFound)
	}
	t, err := s.store.Tender(ctx, needSource+":"+id)
	if err != nil {
		return data.Tender{}, fmt.Errorf("web: need: %w", err)
	}
	return t, nil
}

// needShortlist is the shareable answer to a need: the suppliers ranked
// for it, as a whole and per lot, with their reasons.
func (s *Server) needShortlist(c *fiber.Ctx) error {
	t, err := s.findNeed(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	title := t.Title
	if title == "" {
		title = "besoin sans intitulé"
	}
	p := &tenderPage{Layout: Layout{Title: "Fournisseurs pour : " + title}, T: newTenderView(&t, s.now()), Need: true,
		EditURL: needFormPath + "?depuis=" + t.SourceID, APIURL: apiTenderURL(&t, "/matches")}
	base := needURL(t.SourceID)
	p.ShareURL = s.baseURL() + base
	p.CSVURL, p.ReportURL = base+"/fournisseurs.csv", base+"/rapport"
	if err := s.fillRankings(c, p, &t); err != nil {
		return err
	}
	trade, err := tradeOf(tradeParam, c.Query(tradeParam), &t) // checked by fillRankings
	if err != nil {
		return err
	}
	if p.Feedback, err = s.newNeedFeedback(c, &t, trade); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return s.render(c, fiber.StatusOK, "tender", p)
}

// needCSV exports the shortlist of a need.
func (s *Server) needCSV(c *fiber.Ctx) error {
	t, err := s.findNeed(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return s.shortlistCSV(c, &t)
}

// needReport is the printable sourcing report of a need.
func (s *Server) needReport(c *fiber.Ctx) error {
	t, err := s.findNeed(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return s.shortlistReport(c, &t)
}
