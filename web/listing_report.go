package web

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// « Signaler cette fiche »: anyone may tell the Alliance that a listing is
// wrong or abusive, with a short reason; reports are throttled per client
// address (and per account), stored, and read on the review desk.

// reportFormPage is the typed page of listing_report.html.
type reportFormPage struct {
	Layout
	ID, Name, SupplierURL, Action string
	Reason, Error                 string
	Sent                          bool
	MaxReason                     int
}

// reportView is a report on the desk.
type reportView struct {
	ID, Supplier, SupplierURL, Reason string
	By, Addr, Created                 string
	Closed, ClosedBy                  string
	CloseURL                          string
}

func (s *Server) newReportView(ctx context.Context, r data.Report, email func(string) string) reportView {
	v := reportView{ID: r.ID, SupplierURL: supplierURL(r.SupplierID), Reason: r.Reason, Addr: r.Addr,
		Created: frenchDateTime(r.CreatedAt), Closed: frenchDateTime(r.ClosedAt), By: "visiteur anonyme",
		CloseURL: "/admin/signalements/" + r.ID + "/clore"}
	if sup, err := s.store.Supplier(ctx, r.SupplierID); err == nil {
		v.Supplier = sup.Name
	} else {
		v.Supplier = r.SupplierID
	}
	if r.AccountID != "" {
		v.By = email(r.AccountID)
	}
	if r.ClosedBy != "" {
		v.ClosedBy = email(r.ClosedBy)
	}
	return v
}

func (s *Server) reportForm(c *fiber.Ctx, sup data.Supplier) *reportFormPage {
	return &reportFormPage{Layout: Layout{Title: "Signaler la fiche de " + sup.Name}, ID: sup.ID, Name: sup.Name,
		SupplierURL: supplierURL(sup.ID), Action: supplierURL(sup.ID) + "/signaler", MaxReason: data.MaxReportReason}
}

// supplierReport is the form of « Signaler cette fiche ».
func (s *Server) supplierReport(c *fiber.Ctx) error {
	sup, err := s.findSupplier(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	if sup.ID != c.Params("id") {
		return c.Redirect(supplierURL(sup.ID)+"/signaler", fiber.StatusMovedPermanently)
	}
	return s.render(c, fiber.StatusOK, "listing_report", s.reportForm(c, sup))
}

// supplierReportSubmit stores a report.
func (s *Server) supplierReportSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sup, err := s.findSupplier(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	addr := s.clientAddr(c)
	if err := s.throttle(c, "report", "addr:"+addr); err != nil {
		return err
	}
	acc, signed := s.currentAccount(c)
	if signed {
		if err := s.throttle(c, "report", "account:"+acc.ID); err != nil {
			return err
		}
	}
	p := s.reportForm(c, sup)
	reason, err := data.CleanReportReason(c.FormValue("reason"))
	if err != nil {
		p.Reason, p.Error = c.FormValue("reason"), refusalSentence(err)
		p.Title += fieldsToCorrect(1)
		return s.render(c, fiber.StatusUnprocessableEntity, "listing_report", p)
	}
	r := data.Report{ID: newID("r"), SupplierID: sup.ID, Reason: reason, Addr: addr, AccountID: acc.ID}
	actor := "anonyme"
	if signed {
		actor = acc.ID
	}
	if err := s.store.PutReport(ctx, r, data.AuditEntry{Actor: actor, Addr: addr}); err != nil {
		return fmt.Errorf("web: report on %s: %w", sup.ID, err)
	}
	p.Sent = true
	return s.render(c, fiber.StatusOK, "listing_report", p)
}

// adminCloseReport marks a report as dealt with.
func (s *Server) adminCloseReport(c *fiber.Ctx) error {
	ctx := c.UserContext()
	acc, _ := s.currentAccount(c)
	r, err := s.store.Report(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	if r.ClosedAt.IsZero() {
		r.ClosedAt, r.ClosedBy = time.Now(), acc.ID
		if err := s.store.PutReport(ctx, r, data.AuditEntry{Actor: acc.ID, Addr: s.clientAddr(c)}); err != nil {
			return fmt.Errorf("web: close report %s: %w", r.ID, err)
		}
	}
	return c.Redirect("/admin?fait=clos", fiber.StatusSeeOther)
}
