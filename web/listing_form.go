package web

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// listingEditPage is the form of one section of a company's listing.
type listingEditPage struct {
	Layout
	companyHead
	Section  listingSection
	Action   string
	Errors   []listingError
	Declared map[string]bool

	Description, Products string
	DescriptionMax        int // data.MaxDescriptionRunes, for the field and its hint

	CPV         []cpvChoice
	CPVAdd      string
	CPVSearched string // the words searched, when the page shows their codes

	AreaKind     string
	Radius       string
	Departements []areaChoice
	Regions      []areaChoice

	Headcount       []selectOption
	Turnover        []selectOption
	LargestContract string

	Certs []certRow

	Email, Phone, Website string

	Logo string

	stored data.Listing // the listing as the form showed it
}

type listingError struct{ ID, Label, Message string }

// titleErrors says in the title that the form came back with errors: a
// screen reader reads the title first.
func (p *listingEditPage) titleErrors() {
	p.Title = p.Section.Title + " : " + pluralFR(len(p.Errors), "point à corriger", "points à corriger") + " — " + p.Name
}

// Invalid returns the attributes of the field id when an error is about
// it: aria-invalid, and the id of its line in the error summary to be
// described by (after hint, the id of its hint, if any). A screen reader
// that reaches the field says it is wrong and why, not only the summary.
func (p *listingEditPage) Invalid(id, hint string) template.HTMLAttr {
	if slices.ContainsFunc(p.Errors, func(e listingError) bool { return e.ID == id }) {
		described := strings.TrimSpace(hint + " " + id + "-error")
		return template.HTMLAttr(`aria-invalid="true" aria-describedby="` + template.HTMLEscapeString(described) + `"`)
	}
	if hint == "" {
		return ""
	}
	return template.HTMLAttr(`aria-describedby="` + template.HTMLEscapeString(hint) + `"`)
}

type cpvChoice struct {
	Code8, Code, Label string
	Via                string // why a search offered it (cpvFound.ViaText)
	Checked            bool
}

type areaChoice struct {
	Code, Name string
	Checked    bool
}

type certRow struct {
	N                    int
	Name, Issuer, Until  string
	NameID, IssuerID, ID string
}

// Bounds of the forms.
const (
	maxCPVSearchResults = 20
	blankCertRows       = 2
)

// listingSectionForm serves GET /compte/entreprises/{id}/fiche/{section}.
func (s *Server) listingSectionForm(c *fiber.Ctx) error {
	a, err := s.company(c)
	if err != nil {
		return err
	}
	sec, ok := sectionNamed(c.Params("section"))
	if !ok {
		return fmt.Errorf("web: listing section %q: %w", c.Params("section"), data.ErrNotFound)
	}
	p := newListingEditPage(a, sec, data.ListingOf(a.sup), s.now())
	return s.render(c, fiber.StatusOK, "listing", p)
}

func newListingEditPage(a companyAccess, sec listingSection, l data.Listing, now time.Time) *listingEditPage {
	p := &listingEditPage{Layout: Layout{Title: sec.Title + " — " + a.sup.Name}, companyHead: newCompanyHead(a, "edit", sec.Name),
		Section: sec, Action: sectionURL(a.sup.ID, sec.Name), Declared: newOwnView(a.sup, now).Declared,
		Logo: logoURL(a.sup.Logo), DescriptionMax: data.MaxDescriptionRunes, stored: l}
	if sec.Name == "logo" {
		p.Action = companyURL(a.sup.ID) + "/logo"
	}
	p.fill(l)
	return p
}

// fill shows the listing's values in the form.
func (p *listingEditPage) fill(l data.Listing) {
	p.Description, p.Products = l.Description, strings.Join(l.Products, "\n")
	p.CPV = nil
	for _, code := range l.CPV {
		p.CPV = append(p.CPV, newCPVChoice(code, true))
	}
	p.AreaKind = string(l.ServiceArea.Kind)
	if l.ServiceArea.RadiusKm > 0 {
		p.Radius = strconv.FormatFloat(l.ServiceArea.RadiusKm, 'f', -1, 64)
	}
	codes := l.ServiceArea.Codes
	p.Departements, p.Regions = nil, nil
	for _, d := range data.Departements() {
		p.Departements = append(p.Departements, areaChoice{Code: d.Code, Name: d.Name,
			Checked: l.ServiceArea.Kind == data.ServiceAreaDepartements && slices.Contains(codes, d.Code)})
	}
	for _, r := range data.Regions() {
		p.Regions = append(p.Regions, areaChoice{Code: r.Code, Name: r.Name,
			Checked: l.ServiceArea.Kind == data.ServiceAreaRegions && slices.Contains(codes, r.Code)})
	}
	p.Headcount = []selectOption{{Value: "", Label: "non précisée", Selected: l.HeadcountBand == ""}}
	for _, b := range data.HeadcountBands() {
		label := b.Label
		if i := strings.Index(label, " ("); i > 0 {
			label = label[:i]
		}
		p.Headcount = append(p.Headcount, selectOption{Value: b.Code, Label: label, Selected: b.Code == l.HeadcountBand})
	}
	p.Turnover = []selectOption{{Value: "", Label: "non précisé", Selected: l.TurnoverBand == ""}}
	for _, b := range data.TurnoverBands() {
		p.Turnover = append(p.Turnover, selectOption{Value: b.Code, Label: b.Label, Selected: b.Code == l.TurnoverBand})
	}
	p.LargestContract = ""
	if l.LargestContractEUR > 0 {
		p.LargestContract = strconv.FormatInt(l.LargestContractEUR, 10)
	}
	p.Certs = nil
	for _, ct := range l.Certifications {
		until := ""
		if !ct.ValidUntil.IsZero() {
			until = ct.ValidUntil.Format(time.DateOnly)
		}
		p.addCert(ct.Name, ct.Issuer, until)
	}
	for range blankCertRows {
		if len(p.Certs) < data.MaxCertifications {
			p.addCert("", "", "")
		}
	}
	p.Email, p.Phone, p.Website = l.Email, l.Phone, l.Website
}

func (p *listingEditPage) addCert(name, issuer, until string) {
	n := len(p.Certs) + 1
	id := "cert-" + strconv.Itoa(n)
	p.Certs = append(p.Certs, certRow{N: n, Name: name, Issuer: issuer, Until: until,
		NameID: id + "-nom", IssuerID: id + "-organisme", ID: id + "-validite"})
}

func newCPVChoice(code string, checked bool) cpvChoice {
	ch := cpvChoice{Code8: code, Code: code, Checked: checked}
	if e, ok := data.LookupCPV(code); ok {
		ch.Code, ch.Label = e.Full(), e.LabelFR
	}
	return ch
}

// postValues returns every value of a urlencoded form field, copied.
func postValues(c *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

// listingSectionSave serves POST /compte/entreprises/{id}/fiche/{section}.
func (s *Server) listingSectionSave(c *fiber.Ctx) error {
	a, err := s.company(c)
	if err != nil {
		return err
	}
	sec, ok := sectionNamed(c.Params("section"))
	if !ok || sec.Name == "logo" {
		return fmt.Errorf("web: listing section %q: %w", c.Params("section"), data.ErrNotFound)
	}
	l := data.ListingOf(a.sup)
	p := newListingEditPage(a, sec, l, s.now())
	search := p.readSection(c, &l)
	if search != "" {
		// Words in the CPV field, or « Chercher »: the codes they describe
		// are offered; nothing is saved yet.
		p.fill(l)
		p.offerCPV(search, c.FormValue("action") != "search")
		return s.render(c, fiber.StatusOK, "listing", p)
	}
	if err := l.Normalize(); err != nil {
		var fe data.FieldErrors
		if !errors.As(err, &fe) {
			return err
		}
		// A field the form could not even read has its error already.
		read := map[string]bool{}
		for _, e := range p.Errors {
			read[e.ID] = true
		}
		for _, e := range fe {
			if id := fieldInputID(e.Field, l); slices.Contains(sec.Fields, e.Field) && !read[id] {
				p.Errors = append(p.Errors, listingError{ID: id, Label: formFieldName(e.Field), Message: e.Message})
			}
		}
	}
	if len(p.Errors) > 0 {
		p.keepTyped(c, l)
		p.titleErrors()
		return s.render(c, fiber.StatusBadRequest, "listing", p)
	}
	now := time.Now()
	if _, err := s.store.EditListing(c.UserContext(), a.sup.ID, a.account.ID, func(cur *data.Supplier) ([]string, error) {
		return l.Apply(cur, sec.Fields, ownerProvenance(now)), nil
	}); err != nil {
		return err
	}
	if err := s.reindex(c.UserContext(), a.sup.ID); err != nil {
		return err
	}
	return c.Redirect(companyURL(a.sup.ID)+"?enregistre="+sec.Name, fiber.StatusSeeOther)
}

// readSection reads the section's fields from the form into l, and
// records in the page the fields it cannot read. It returns the words to
// look CPV codes up with, "" when the form is to be saved.
func (p *listingEditPage) readSection(c *fiber.Ctx, l *data.Listing) string {
	fail := func(field, msg string) {
		p.Errors = append(p.Errors, listingError{ID: fieldInputID(field, *l), Label: formFieldName(field), Message: msg})
	}
	switch p.Section.Name {
	case "presentation":
		l.Description = c.FormValue("description")
		l.Products = strings.Split(strings.ReplaceAll(c.FormValue("produits"), "\r\n", "\n"), "\n")
		p.Description, p.Products = l.Description, c.FormValue("produits")
	case "cpv":
		l.CPV = postValues(c, "cpv")
		add := strings.TrimSpace(c.FormValue("cpv_ajout"))
		p.CPVAdd = add
		if add == "" {
			return ""
		}
		if code, isCode := cpvFieldCode(add); isCode && c.FormValue("action") != "search" {
			l.CPV = append(l.CPV, code)
			p.CPVAdd = ""
			return ""
		}
		return add
	case "zone":
		l.ServiceArea = data.ServiceArea{Kind: data.ServiceAreaKind(c.FormValue("zone"))}
		switch l.ServiceArea.Kind {
		case data.ServiceAreaRadius:
			r, err := typedKm(c.FormValue("rayon"))
			if err != nil {
				r = 0
				fail(data.FieldServiceArea, "indiquez le rayon en kilomètres (un nombre, par exemple 80)")
			}
			l.ServiceArea.RadiusKm = r
		case data.ServiceAreaDepartements:
			l.ServiceArea.Codes = postValues(c, "dep")
		case data.ServiceAreaRegions:
			l.ServiceArea.Codes = postValues(c, "reg")
		}
	case "capacite":
		l.HeadcountBand, l.TurnoverBand = c.FormValue("effectif"), c.FormValue("ca")
		v, err := parseEuros(c.FormValue("plus_gros_contrat"))
		if err != nil {
			fail(data.FieldLargestContract, err.Error())
		}
		l.LargestContractEUR = int64(v + 0.5)
	case "certifications":
		rows, _ := strconv.Atoi(c.FormValue("cert_rows"))
		l.Certifications = nil
		for i := 1; i <= min(rows, data.MaxCertifications+blankCertRows); i++ {
			id := "cert-" + strconv.Itoa(i)
			ct := data.Certification{Name: c.FormValue(id + "-nom"), Issuer: c.FormValue(id + "-organisme")}
			if raw := strings.TrimSpace(c.FormValue(id + "-validite")); raw != "" {
				d, err := certDate(raw)
				if err != nil { // on its own row's date, not on the first row's name
					p.Errors = append(p.Errors, listingError{ID: id + "-validite", Label: "Certification " + strconv.Itoa(i),
						Message: "date de validité illisible : « " + raw + " » (par exemple 30/06/2028)"})
				}
				ct.ValidUntil = d
			}
			l.Certifications = append(l.Certifications, ct)
		}
	case "contacts":
		l.Email, l.Phone, l.Website = c.FormValue("email"), c.FormValue("telephone"), c.FormValue("site")
	}
	return ""
}

// keepTyped shows the form again as it was sent, after an error: the
// text as typed (not as normalised), the CPV codes as ticked — the stored
// ones unticked included — with the code being added, and what the
// listing's types cannot hold (an unreadable or refused number, a date).
func (p *listingEditPage) keepTyped(c *fiber.Ctx, l data.Listing) {
	p.fill(l)
	switch p.Section.Name {
	case "presentation":
		p.Description, p.Products = c.FormValue("description"), c.FormValue("produits")
	case "cpv":
		ticked := postValues(c, "cpv")
		p.CPV = nil
		for _, code := range slices.Concat(p.stored.CPV, ticked) {
			if !slices.ContainsFunc(p.CPV, func(ch cpvChoice) bool { return ch.Code8 == code }) {
				p.CPV = append(p.CPV, newCPVChoice(code, slices.Contains(ticked, code)))
			}
		}
		p.CPVAdd = strings.TrimSpace(c.FormValue("cpv_ajout"))
	case "contacts":
		p.Email, p.Phone, p.Website = c.FormValue("email"), c.FormValue("telephone"), c.FormValue("site")
	case "zone":
		p.Radius = c.FormValue("rayon")
	case "capacite":
		p.LargestContract = c.FormValue("plus_gros_contrat")
	case "certifications":
		for i := range p.Certs {
			if raw := c.FormValue(p.Certs[i].ID); raw != "" {
				p.Certs[i].Until = raw
			}
		}
	}
}

// offerCPV lists the codes the words describe, unticked, after those
// already chosen; saving is true when the words were sent with
// « Enregistrer » in place of a code.
func (p *listingEditPage) offerCPV(words string, saving bool) {
	p.CPVSearched, p.CPVAdd = words, ""
	found := searchCPV(words, maxCPVSearchResults)
	for _, code := range found {
		if !slices.ContainsFunc(p.CPV, func(ch cpvChoice) bool { return ch.Code8 == code.Code8 }) {
			ch := newCPVChoice(code.Code8, false)
			ch.Via = code.ViaText()
			p.CPV = append(p.CPV, ch)
		}
	}
	switch {
	case len(found) == 0:
		p.CPVAdd = words // to be corrected
		p.Errors = append(p.Errors, listingError{ID: "cpv_ajout", Label: "Ajouter un code",
			Message: "aucun code CPV ne correspond à « " + words + " » : essayez d'autres mots ou un code à 8 chiffres"})
	case saving:
		p.Errors = append(p.Errors, listingError{ID: "cpv_ajout", Label: "Ajouter un code",
			Message: "« " + words + " » n'est pas un code CPV : cochez les codes qui vous correspondent ci-dessous, puis enregistrez"})
	}
}

// fieldInputID is the id of the form input of a field, for error links.
// The service area's error leads to the input of the kind of area chosen
// (the radius, the choice of départements or of régions).
func fieldInputID(field string, l data.Listing) string {
	switch field {
	case data.FieldDescription:
		return "description"
	case data.FieldProducts:
		return "produits"
	case data.FieldCPVDeclared:
		return "cpv_ajout"
	case data.FieldServiceArea:
		switch l.ServiceArea.Kind {
		case data.ServiceAreaRadius:
			return "rayon"
		case data.ServiceAreaDepartements:
			return "zone-deps"
		case data.ServiceAreaRegions:
			return "zone-regs"
		}
		return "zone-france"
	case data.FieldHeadcount:
		return "effectif"
	case data.FieldTurnover:
		return "ca"
	case data.FieldLargestContract:
		return "plus_gros_contrat"
	case data.FieldCertifications:
		return "cert-1-nom"
	case data.FieldContacts:
		return "email"
	case data.FieldWebsite:
		return "site"
	}
	return "logo"
}

// listingLogo serves POST /compte/entreprises/{id}/logo: a new logo, sent
// as multipart/form-data, or its removal (action=supprimer).
func (s *Server) listingLogo(c *fiber.Ctx) error {
	a, err := s.company(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if c.FormValue("action") == "supprimer" {
		if _, err := s.store.EditListing(ctx, a.sup.ID, a.account.ID, func(cur *data.Supplier) ([]string, error) {
			if cur.Logo == "" {
				return nil, nil
			}
			cur.Logo = ""
			cur.SetProvenance(data.FieldLogo, ownerProvenance(time.Now()))
			return []string{data.FieldLogo}, nil
		}); err != nil {
			return err
		}
		return c.Redirect(companyURL(a.sup.ID)+"?enregistre=logo", fiber.StatusSeeOther)
	}
	sec, _ := sectionNamed("logo")
	refuse := func(status int, msg string) error {
		p := newListingEditPage(a, sec, data.ListingOf(a.sup), s.now())
		p.Errors = []listingError{{ID: "logo", Label: "Logo", Message: msg}}
		p.titleErrors()
		return s.render(c, status, "listing", p)
	}
	fh, err := c.FormFile("logo")
	if err != nil {
		return refuse(fiber.StatusBadRequest, "choisissez un fichier image (PNG, JPEG ou GIF)")
	}
	if fh.Size > maxLogoUpload {
		return refuse(fiber.StatusRequestEntityTooLarge, logoMessage(logoTooHeavy(fh.Size)))
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("web: logo upload: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(f, maxLogoUpload+1))
	_ = f.Close()
	if err != nil {
		return fmt.Errorf("web: logo upload: %w", err)
	}
	png, err := processLogo(raw)
	if err != nil {
		status := fiber.StatusBadRequest
		if errors.Is(err, data.ErrTooLarge) {
			status = fiber.StatusRequestEntityTooLarge
		}
		return refuse(status, logoMessage(err))
	}
	if _, err := s.store.SetLogo(ctx, a.sup.ID, a.account.ID, png, ownerProvenance(time.Now())); err != nil {
		return err
	}
	return c.Redirect(companyURL(a.sup.ID)+"?enregistre=logo", fiber.StatusSeeOther)
}

// typedKm reads a distance in kilometres as people type it: « 80 »,
// « 12,5 », « 150 km » (the unit the label already names, typed anyway:
// « 150 km » was refused as not a number). NaN and infinities, which
// ParseFloat reads, are refused too.
func typedKm(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if n := len(s); n >= 2 && strings.EqualFold(s[n-2:], "km") {
		s = strings.TrimSpace(s[:n-2])
	}
	r, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
	if err == nil && (math.IsNaN(r) || math.IsInf(r, 0)) {
		err = fmt.Errorf("web: distance %q: %w", s, data.ErrInvalid)
	}
	return r, err
}

// certDate reads a certificate's end of validity as a date field sends
// it (2028-06-30) or as it is typed where the browser offers a plain
// text field (30/06/2028).
func certDate(raw string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, raw)
	if err != nil {
		d, err = time.Parse("02/01/2006", raw)
	}
	return d, err
}

// formFieldName names a field in the error summary of the listing's forms
// as the form's label does: the description is « Présentation de
// l'entreprise » there, « Description » in the public page's provenance.
func formFieldName(field string) string {
	if field == data.FieldDescription {
		return "Présentation de l'entreprise"
	}
	return fieldName(field)
}
