package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/store"
	"fabrique/index"
)

// The pages of a user's alert profiles: /compte/alertes lists them and
// creates one, /compte/alertes/{id} modifies, suspends, deletes one and
// makes the private addresses of its feeds (alert_feeds.go serves them).
// Another account's profile is a 404, as if it did not exist.

const alertsPath = "/compte/alertes"

func alertURL(id string) string { return alertsPath + "/" + url.PathEscape(id) }

// alertRoutes are the routes of the alert profiles (this file,
// alert_feeds.go and alert_unsubscribe.go).
func (s *Server) alertRoutes() []route {
	return []route{
		{fiber.MethodGet, alertsPath, s.signedInOnly(s.alertsList)},
		{fiber.MethodPost, alertsPath, s.signedInOnly(s.alertCreate)},
		{fiber.MethodGet, alertsPath + "/:id", s.signedInOnly(s.alertShow)},
		{fiber.MethodPost, alertsPath + "/:id", s.signedInOnly(s.alertUpdate)},
		{fiber.MethodGet, alertsPath + "/:id/supprimer", s.signedInOnly(s.alertDeleteConfirm)},
		{fiber.MethodPost, alertsPath + "/:id/supprimer", s.signedInOnly(s.alertDelete)},
		{fiber.MethodPost, alertsPath + "/:id/suspendre", s.signedInOnly(s.alertSetActive(false))},
		{fiber.MethodPost, alertsPath + "/:id/reprendre", s.signedInOnly(s.alertSetActive(true))},
		{fiber.MethodPost, alertsPath + "/:id/flux", s.signedInOnly(s.alertNewFeed)},
		{fiber.MethodPost, alertsPath + "/:id/flux/revoquer", s.signedInOnly(s.alertRevokeFeed)},
		{fiber.MethodGet, feedPath + "/:token.atom", s.alertAtom},
		{fiber.MethodGet, feedPath + "/:token.ics", s.alertICal},
		{fiber.MethodGet, unsubscribePath + "/:token", s.unsubscribeConfirm},
		{fiber.MethodPost, unsubscribePath + "/:token", s.unsubscribe},
	}
}

// alertsPage is the typed page of alerts.html.
type alertsPage struct {
	Layout
	Done      string
	Profiles  []alertProfileView // the list (/compte/alertes)
	Profile   *alertProfileView  // the profile shown (/compte/alertes/{id})
	Feed      *feedURLs          // the new feed addresses, shown once
	HasFeed   bool
	FeedSince string

	Form      *alertForm
	Action    string
	Previewed string
	Errors    []formError
	Preview   *alertPreview

	Frequencies  []selectOption
	Departements []areaChoice
	Regions      []areaChoice
	DepsChosen   int
	RegsChosen   int
	Procedures   []selectOption
	Sites        []companySite
}

// Err is the error of a field for the "field-error" template, nil when
// the field is fine.
func (p *alertsPage) Err(id string) *formError {
	if p.Form == nil || p.Form.errors[id] == "" {
		return nil
	}
	return &formError{ID: id, Label: alertFieldLabel(id), Message: p.Form.errors[id]}
}

type alertProfileView struct {
	ID, Name, URL string
	Summary       []string
	Frequency     string
	LastSent      string
	Active        bool
}

type feedURLs struct{ Atom, ICal string }

// alertPreview is what a profile would have sent last week.
type alertPreview struct {
	Intro string
	Items []alertPreviewItem
}

type alertPreviewItem struct{ Row tenderRowView }

// alertDoneMessages are the confirmations an action redirects to (?fait=).
func alertDoneMessages() map[string]string {
	return map[string]string{
		"creee":     "Alerte enregistrée. Vous recevrez ses courriels à la fréquence choisie.",
		"existante": "Vous aviez déjà cette alerte, avec ce nom et ces critères : la voici. Aucune alerte n'a été ajoutée.",
		"modifiee":  "Modifications enregistrées.",
		"supprimee": "Alerte supprimée.",
		"suspendue": "Courriels suspendus : cette alerte ne vous écrira plus tant que vous ne les reprendrez pas.",
		"reprise":   "Courriels repris.",
		"revoques":  "Adresses des flux révoquées : elles ne répondent plus.",
	}
}

// ownAlert loads the profile of the URL, a 404 unless it is the signed-in
// account's.
func (s *Server) ownAlert(c *fiber.Ctx) (data.Account, data.AlertProfile, error) {
	a, _ := s.currentAccount(c)
	id := c.Params("id")
	p, err := s.store.AlertProfile(c.UserContext(), id)
	if err == nil && p.AccountID != a.ID {
		err = fmt.Errorf("web: alert profile %q of another account: %w", id, data.ErrNotFound)
	}
	return a, p, err
}

// companySites are the account's companies whose site is located, for a
// radius around one of them.
func (s *Server) companySites(ctx context.Context, accountID string) ([]companySite, error) {
	members, err := s.store.MembershipsOf(ctx, accountID)
	if err != nil {
		return nil, err
	}
	var out []companySite
	for _, m := range members {
		sup, err := s.store.Supplier(ctx, m.SupplierID)
		if errors.Is(err, data.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		ad := sup.Address
		if !ad.HasGeo() {
			continue
		}
		out = append(out, companySite{ID: sup.ID, Name: sup.Name, Place: data.Place{Postcode: ad.Postcode,
			Commune: ad.Commune, Departement: ad.Departement, Lat: ad.Lat, Lon: ad.Lon}})
	}
	return out, nil
}

// newAlertsPage prepares the page around a form.
func (s *Server) newAlertsPage(title, action string, f *alertForm, sites []companySite) *alertsPage {
	p := &alertsPage{Layout: Layout{Title: title}, Form: f, Action: action, Sites: sites, Errors: f.errorList()}
	if len(p.Errors) > 0 {
		p.Title += fieldsToCorrect(len(p.Errors))
	}
	freq := f.Frequency
	if freq == "" {
		freq = string(data.AlertDaily)
	}
	for _, fr := range data.AlertFrequencies() {
		p.Frequencies = append(p.Frequencies, selectOption{Value: string(fr), Label: fr.Label(), Selected: string(fr) == freq})
	}
	for _, d := range data.Departements() {
		checked := slices.Contains(f.Deps, d.Code)
		p.Departements = append(p.Departements, areaChoice{Code: d.Code, Name: d.Name, Checked: checked})
		if checked {
			p.DepsChosen++
		}
	}
	for _, r := range data.Regions() {
		checked := slices.Contains(f.Regs, r.Code)
		p.Regions = append(p.Regions, areaChoice{Code: r.Code, Name: r.Name, Checked: checked})
		if checked {
			p.RegsChosen++
		}
	}
	for _, k := range data.ProcedureKinds() {
		p.Procedures = append(p.Procedures, selectOption{Value: k, Label: data.ProcedureLabel(k), Selected: slices.Contains(f.Procedures, k)})
	}
	return p
}

// alertsList serves GET /compte/alertes: the profiles and an empty form.
func (s *Server) alertsList(c *fiber.Ctx) error {
	a, _ := s.currentAccount(c)
	sites, err := s.companySites(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	f := &alertForm{Frequency: string(data.AlertDaily), Children: map[string]bool{}}
	if id := c.Query("entreprise"); supplierIDRe.MatchString(id) {
		// From a company's « Appels d'offres pour vous »: the form starts
		// from what its listing declares (another account's company is
		// ignored).
		m, err := s.membershipOf(c.UserContext(), id, a.ID)
		if err != nil {
			return err
		}
		if m != nil {
			sup, err := s.store.Supplier(c.UserContext(), id)
			if err != nil {
				return err
			}
			f = alertFormOf(companyAlertProfile(sup), sites)
		}
	}
	p := s.newAlertsPage("Mes alertes", alertsPath, f, sites)
	p.Done = alertDoneMessages()[c.Query("fait")]
	return s.renderAlerts(c, fiber.StatusOK, a, p)
}

// companyAlertProfile is the alert a company's list of tenders proposes:
// the CPV codes (and the codes under them) and the service area its
// listing declares, what that list starts from, sent daily. It is only a
// form's starting point: nothing is saved before the user's preview.
func companyAlertProfile(sup data.Supplier) data.AlertProfile {
	name := []rune("Appels d'offres pour " + sup.Name)
	p := data.AlertProfile{Name: strings.TrimSpace(string(name[:min(len(name), data.MaxAlertName)])), Frequency: data.AlertDaily}
	for _, code := range sup.CPVDeclared {
		p.CPV = append(p.CPV, data.AlertCPV{Code: code, WithChildren: true})
	}
	switch a := sup.ServiceArea; a.Kind {
	case data.ServiceAreaRadius:
		if ad := sup.Address; ad.HasGeo() && a.RadiusKm > 0 {
			p.Near = &data.Place{Postcode: ad.Postcode, Commune: ad.Commune, Departement: ad.Departement, Lat: ad.Lat, Lon: ad.Lon}
			p.RadiusKm = a.RadiusKm
		}
	case data.ServiceAreaDepartements:
		p.Departements = slices.Clone(a.Codes)
	case data.ServiceAreaRegions:
		p.Regions = slices.Clone(a.Codes)
	}
	return p
}

// renderAlerts renders the page; the list of profiles is filled for the
// page of the list.
func (s *Server) renderAlerts(c *fiber.Ctx, status int, a data.Account, p *alertsPage) error {
	if p.Profile == nil {
		profiles, err := s.store.AlertProfilesOf(c.UserContext(), a.ID)
		if err != nil {
			return err
		}
		for _, pr := range profiles {
			v, err := s.alertView(c.UserContext(), pr)
			if err != nil {
				return err
			}
			p.Profiles = append(p.Profiles, v)
		}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, status, "alerts", p)
}

func (s *Server) alertView(ctx context.Context, p data.AlertProfile) (alertProfileView, error) {
	last, err := s.store.AlertLastSent(ctx, p.ID)
	if err != nil {
		return alertProfileView{}, err
	}
	v := alertProfileView{ID: p.ID, Name: p.Name, URL: alertURL(p.ID), Summary: alertSummary(p),
		Frequency: p.Frequency.Label(), LastSent: "aucun envoi pour l'instant", Active: p.Active}
	if !last.IsZero() {
		v.LastSent = frenchDateTime(last)
	}
	return v, nil
}

// alertCreate serves POST /compte/alertes.
func (s *Server) alertCreate(c *fiber.Ctx) error {
	a, _ := s.currentAccount(c)
	return s.alertSubmit(c, a, data.AlertProfile{AccountID: a.ID, Active: true}, "Mes alertes", alertsPath, nil)
}

// alertUpdate serves POST /compte/alertes/{id}.
func (s *Server) alertUpdate(c *fiber.Ctx) error {
	a, p, err := s.ownAlert(c)
	if err != nil {
		return err
	}
	view, err := s.alertView(c.UserContext(), p)
	if err != nil {
		return err
	}
	return s.alertSubmit(c, a, p, "Alerte « "+p.Name+" »", alertURL(p.ID), &view)
}

// alertSubmit reads the form of a new or stored profile: « Chercher »
// offers CPV codes, « Prévisualiser » shows what the profile would have
// sent last week, « Enregistrer » saves it — after a preview of these
// very criteria, which it shows first otherwise. Invalid input shows the
// form again with its errors (400).
func (s *Server) alertSubmit(c *fiber.Ctx, a data.Account, base data.AlertProfile, title, action string, view *alertProfileView) error {
	ctx := c.UserContext()
	sites, err := s.companySites(ctx, a.ID)
	if err != nil {
		return err
	}
	f := readAlertForm(func(k string) string { return c.FormValue(k) }, func(k string) []string { return postValues(c, k) })
	act := c.FormValue("action")
	words := f.takeCPVWords()
	if words != "" {
		f.offerCPV(words, act != "chercher")
	}
	if act == "chercher" && f.valid() {
		p := s.newAlertsPage(title, action, f, sites)
		p.Profile, p.Previewed = view, f.Previewed
		if view != nil {
			s.fillFeedState(ctx, p, base.ID)
		}
		return s.renderAlerts(c, fiber.StatusOK, a, p)
	}
	f.check(sites)
	if n := s.tenderIndex.KeywordWords(f.Keywords); n > index.MaxKeywordWords {
		f.fail(alertFieldKeywords, fmt.Sprintf("trop de mots-clés (%d mots comptés, %d au plus) : chaque mot doit figurer dans l'avis, gardez les plus parlants", n, index.MaxKeywordWords))
	}
	profile := f.profile(base)
	if f.valid() {
		check := profile
		if err := check.Normalize(); err != nil {
			f.failFromProfile(err)
		}
	}
	status := fiber.StatusOK
	var preview *alertPreview
	if f.valid() {
		if preview, err = s.alertPreview(ctx, profile); err != nil {
			return err
		}
	}
	if f.valid() && act == "enregistrer" && f.Previewed == f.criteriaHash() {
		saved, err := s.store.PutAlertProfile(ctx, profile)
		switch {
		case err == nil && base.ID == "":
			return c.Redirect(alertURL(saved.ID)+"?fait=creee", fiber.StatusSeeOther)
		case err == nil:
			return c.Redirect(alertURL(saved.ID)+"?fait=modifiee", fiber.StatusSeeOther)
		case errors.Is(err, store.ErrAlertExists) && base.ID == "":
			// The same form posted twice: one alert, the first.
			return c.Redirect(alertURL(saved.ID)+"?fait=existante", fiber.StatusSeeOther)
		case errors.Is(err, store.ErrAlertExists):
			// An edit that would make this alert the twin of another: the
			// form stays as the user wrote it, to change a name or a criterion.
			f.fail(alertFieldName, "vous avez déjà une autre alerte « "+saved.Name+" » avec ces critères : "+
				"changez le nom ou un critère. Vos modifications n'ont pas été enregistrées.")
		case errors.Is(err, data.ErrInvalid):
			f.failFromProfile(err)
		default:
			return err
		}
	}
	if !f.valid() {
		status, preview = fiber.StatusBadRequest, nil
	}
	p := s.newAlertsPage(title, action, f, sites)
	p.Profile, p.Preview = view, preview
	if preview != nil {
		p.Previewed = f.criteriaHash()
		if act == "enregistrer" {
			p.Done = "Voici ce que cette alerte vous aurait envoyé la semaine dernière : vérifiez la liste, puis enregistrez."
		}
	}
	if view != nil {
		s.fillFeedState(ctx, p, base.ID)
	}
	return s.renderAlerts(c, status, a, p)
}

// alertPreview computes what the profile would have sent last week.
func (s *Server) alertPreview(ctx context.Context, p data.AlertProfile) (*alertPreview, error) {
	now := s.now()
	items, err := s.PreviewAlert(ctx, p, now)
	if err != nil {
		return nil, err
	}
	pv := &alertPreview{}
	switch n := len(items); {
	case n == 0:
		pv.Intro = "Aucun appel d'offres publié ces 7 derniers jours ne correspond à ces critères. Élargissez-les, ou enregistrez l'alerte pour être prévenu des prochains."
	case n >= previewLimit:
		pv.Intro = fmt.Sprintf("Au moins %d appels d'offres publiés ces 7 derniers jours : vous pouvez préciser les critères.", n)
	default:
		pv.Intro = pluralFR(n, "appel d'offres publié", "appels d'offres publiés") + " ces 7 derniers jours."
	}
	for _, it := range items {
		t := it.Tender
		pv.Items = append(pv.Items, alertPreviewItem{Row: newTenderRowView(&t, now)})
	}
	return pv, nil
}

// failFromProfile shows a refusal of data.AlertProfile.Normalize next to
// its field.
func (f *alertForm) failFromProfile(err error) {
	var ve *data.ValidationError
	if !errors.As(err, &ve) {
		f.fail(alertFieldName, "alerte refusée : "+err.Error())
		return
	}
	id := alertFieldName
	switch ve.Field {
	case "keywords":
		id = alertFieldKeywords
	case "exclude":
		id = alertFieldExclude
	case "cpv":
		id = alertFieldCPVAdd
	case "departements":
		id = alertFieldDeps
	case "regions":
		id = alertFieldRegs
	case "near":
		id = alertFieldCommune
	case "radius_km":
		id = alertFieldRadius
	case "value":
		id = alertFieldValueMin
	case "value_max":
		id = alertFieldValueMax
	case "procedures":
		id = alertFieldProcedure
	case "frequency":
		id = alertFieldFrequency
	}
	msg := ve.Message
	if msg == "" {
		msg = "valeur incorrecte"
	}
	f.fail(id, msg)
}

// alertShow serves GET /compte/alertes/{id}.
func (s *Server) alertShow(c *fiber.Ctx) error {
	a, pr, err := s.ownAlert(c)
	if err != nil {
		return err
	}
	return s.showAlert(c, a, pr, alertDoneMessages()[c.Query("fait")], nil)
}

// showAlert renders a profile's page with its form filled.
func (s *Server) showAlert(c *fiber.Ctx, a data.Account, pr data.AlertProfile, done string, feed *feedURLs) error {
	ctx := c.UserContext()
	sites, err := s.companySites(ctx, a.ID)
	if err != nil {
		return err
	}
	view, err := s.alertView(ctx, pr)
	if err != nil {
		return err
	}
	f := alertFormOf(pr, sites)
	p := s.newAlertsPage("Alerte « "+pr.Name+" »", alertURL(pr.ID), f, sites)
	p.Profile, p.Done, p.Feed = &view, done, feed
	p.Previewed = f.criteriaHash() // saving the stored criteria needs no new preview
	s.fillFeedState(ctx, p, pr.ID)
	return s.renderAlerts(c, fiber.StatusOK, a, p)
}

// fillFeedState says whether the profile has feed addresses, and since
// when.
func (s *Server) fillFeedState(ctx context.Context, p *alertsPage, profileID string) {
	at, ok, err := s.store.AlertTokenIssued(ctx, profileID, data.AlertTokenFeed)
	if err != nil {
		s.cfg.Logger.ErrorContext(ctx, "alert feed state", "profile", profileID, "err", err)
		return
	}
	p.HasFeed = ok
	if ok {
		p.FeedSince = frenchDate(at.In(paris()))
	}
}

// alertSetActive serves POST …/suspendre and …/reprendre.
func (s *Server) alertSetActive(active bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, p, err := s.ownAlert(c)
		if err != nil {
			return err
		}
		p.Active = active
		if _, err := s.store.PutAlertProfile(c.UserContext(), p); err != nil {
			return err
		}
		done := "suspendue"
		if active {
			done = "reprise"
		}
		return c.Redirect(alertURL(p.ID)+"?fait="+done, fiber.StatusSeeOther)
	}
}

// confirmationPage is the typed page of confirm.html: a question before
// an action that cannot be taken back (deleting an alert, leaving a
// company), or the page that says it is done.
type confirmationPage struct {
	Layout
	Heading    string
	List       []string // what the page is about, when several things
	Paragraphs []string
	Action     string
	WithCSRF   bool
	Hidden     []selectOption // name (Value) and value (Label) of hidden fields
	Button     string
	Danger     bool
	Back       string
	BackLabel  string
}

// alertDeleteConfirm serves GET /compte/alertes/{id}/supprimer.
func (s *Server) alertDeleteConfirm(c *fiber.Ctx) error {
	_, p, err := s.ownAlert(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, fiber.StatusOK, "confirm", &confirmationPage{Layout: Layout{Title: "Supprimer l'alerte « " + p.Name + " »"},
		Heading:    "Supprimer l'alerte « " + p.Name + " » ?",
		Paragraphs: []string{"Ses courriels s'arrêtent et les adresses de ses flux ne répondront plus. Cette suppression est définitive."},
		Action:     alertURL(p.ID) + "/supprimer", WithCSRF: true, Button: "Supprimer définitivement", Danger: true,
		Back: alertURL(p.ID), BackLabel: "Non, revenir à l'alerte"})
}

// alertDelete serves POST /compte/alertes/{id}/supprimer.
func (s *Server) alertDelete(c *fiber.Ctx) error {
	_, p, err := s.ownAlert(c)
	if err != nil {
		return err
	}
	if err := s.store.DeleteAlertProfile(c.UserContext(), p.ID); err != nil {
		return err
	}
	return c.Redirect(alertsPath+"?fait=supprimee", fiber.StatusSeeOther)
}

// alertNewFeed serves POST /compte/alertes/{id}/flux: new feed addresses,
// which revoke the previous ones, shown on this answer only.
func (s *Server) alertNewFeed(c *fiber.Ctx) error {
	a, p, err := s.ownAlert(c)
	if err != nil {
		return err
	}
	token, err := s.store.NewAlertToken(c.UserContext(), p.ID, data.AlertTokenFeed)
	if err != nil {
		return err
	}
	base := s.baseURL() + feedPath + "/" + token
	return s.showAlert(c, a, p, "Nouvelles adresses créées ; les précédentes ne répondent plus.",
		&feedURLs{Atom: base + ".atom", ICal: base + ".ics"})
}

// alertRevokeFeed serves POST /compte/alertes/{id}/flux/revoquer.
func (s *Server) alertRevokeFeed(c *fiber.Ctx) error {
	_, p, err := s.ownAlert(c)
	if err != nil {
		return err
	}
	if err := s.store.RevokeAlertTokens(c.UserContext(), p.ID, data.AlertTokenFeed); err != nil {
		return err
	}
	return c.Redirect(alertURL(p.ID)+"?fait=revoques#flux", fiber.StatusSeeOther)
}

// alertSummary says a profile's criteria in French, one phrase each.
func alertSummary(p data.AlertProfile) []string {
	var out []string
	if p.Keywords != "" {
		out = append(out, "mots-clés : "+p.Keywords)
	}
	if len(p.Exclude) > 0 {
		out = append(out, "sauf : "+strings.Join(p.Exclude, ", "))
	}
	if len(p.CPV) > 0 {
		var codes []string
		for _, c := range p.CPV {
			s := c.Code
			if l := cpvLabel(c.Code); l != "" {
				s += " (" + l + ")"
			}
			if c.WithChildren {
				s += " et codes enfants"
			}
			codes = append(codes, s)
		}
		out = append(out, "CPV "+strings.Join(codes, ", "))
	}
	if len(p.Departements) > 0 {
		out = append(out, data.PluralFR(len(p.Departements), "département", "départements")+" "+strings.Join(p.Departements, ", "))
	}
	if len(p.Regions) > 0 {
		var names []string
		for _, code := range p.Regions {
			if r, ok := data.LookupRegion(code); ok {
				names = append(names, r.Name)
			} else {
				names = append(names, code)
			}
		}
		out = append(out, data.PluralFR(len(names), "région", "régions")+" "+strings.Join(names, ", "))
	}
	if p.Near != nil && p.RadiusKm > 0 {
		out = append(out, "à moins de "+fmtKm(p.RadiusKm)+" de "+placeText(*p.Near))
	}
	switch {
	case p.ValueMin > 0 && p.ValueMax > 0:
		out = append(out, "valeur de "+formatEuros(p.ValueMin)+" à "+formatEuros(p.ValueMax))
	case p.ValueMin > 0:
		out = append(out, "valeur d'au moins "+formatEuros(p.ValueMin))
	case p.ValueMax > 0:
		out = append(out, "valeur d'au plus "+formatEuros(p.ValueMax))
	}
	if len(p.Procedures) > 0 {
		var names []string
		for _, k := range p.Procedures {
			names = append(names, data.ProcedureLabel(k))
		}
		out = append(out, "procédures : "+strings.Join(names, ", "))
	}
	if p.LotsOnly {
		out = append(out, "uniquement les lots")
	}
	return out
}
