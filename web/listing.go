package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

// The company's own listing, edited by its members under
// /compte/entreprises (listing*.go): a dashboard with a completeness score,
// one form per section, the logo, the history of versions with undo, and
// the team. Every route needs a signed-in account that is a member of the
// company or an admin; for anyone else the company's pages do not exist
// (404), so that they reveal nothing.

// listingSection is one form of the listing.
type listingSection struct {
	Name   string // path segment
	Title  string
	Fields []string // data.Field* it edits
}

var listingSections = []listingSection{
	{"presentation", "Présentation et produits", []string{data.FieldDescription, data.FieldProducts}},
	{"cpv", "Codes CPV", []string{data.FieldCPVDeclared}},
	{"zone", "Zone d'intervention", []string{data.FieldServiceArea}},
	{"capacite", "Capacité", []string{data.FieldHeadcount, data.FieldTurnover, data.FieldLargestContract}},
	{"certifications", "Certifications", []string{data.FieldCertifications}},
	{"contacts", "Contacts publics", []string{data.FieldContacts, data.FieldWebsite}},
	{"logo", "Logo", []string{data.FieldLogo}},
}

func sectionNamed(name string) (listingSection, bool) {
	i := slices.IndexFunc(listingSections, func(s listingSection) bool { return s.Name == name })
	if i < 0 {
		return listingSection{}, false
	}
	return listingSections[i], true
}

func companyURL(id string) string { return "/compte/entreprises/" + id }

// companyAccess is who asks for a company's pages, and with what right.
type companyAccess struct {
	sup     data.Supplier
	account data.Account
	member  *data.Membership // nil for an admin who is not a member
}

// canManageTeam reports whether the account may invite and remove
// members: the company's owners and the admins.
func (a companyAccess) canManageTeam() bool {
	return isAdmin(a.account) || (a.member != nil && a.member.Role == data.MemberOwner)
}

// company reads the :id company for the signed-in account: a member of
// it, or an admin. For anyone else it fails with data.ErrNotFound, as for
// an unknown company.
func (s *Server) company(c *fiber.Ctx) (companyAccess, error) {
	acc, ok := s.currentAccount(c)
	if !ok {
		return companyAccess{}, fmt.Errorf("web: company pages need a signed-in account: %w", data.ErrUnauthorized)
	}
	id := c.Params("id")
	notFound := fmt.Errorf("web: company %q for account %s: %w", id, acc.ID, data.ErrNotFound)
	if !supplierIDRe.MatchString(id) {
		return companyAccess{}, notFound
	}
	ctx := c.UserContext()
	m, err := s.membershipOf(ctx, id, acc.ID)
	if err != nil {
		return companyAccess{}, err
	}
	if m == nil && !isAdmin(acc) {
		return companyAccess{}, notFound
	}
	sup, err := s.store.Supplier(ctx, id)
	if err != nil {
		return companyAccess{}, err
	}
	return companyAccess{sup: sup, account: acc, member: m}, nil
}

// membershipOf returns the account's membership of the company, nil when
// it is not a member.
func (s *Server) membershipOf(ctx context.Context, supplierID, accountID string) (*data.Membership, error) {
	members, err := s.store.Members(ctx, supplierID)
	if err != nil {
		return nil, fmt.Errorf("web: members of %s: %w", supplierID, err)
	}
	for _, m := range members {
		if m.AccountID == accountID {
			return &m, nil
		}
	}
	return nil, nil
}

// companiesPage lists the companies of the signed-in account.
type companiesPage struct {
	Layout
	Companies []companyItem
	Admin     bool
	Left      string // the company just left, for the confirmation
}

type companyItem struct {
	ID, Name, Role, URL, Since string
	Score                      int
}

// companies serves GET /compte/entreprises.
func (s *Server) companies(c *fiber.Ctx) error {
	acc, ok := s.currentAccount(c)
	if !ok {
		return fmt.Errorf("web: companies: %w", data.ErrUnauthorized)
	}
	ctx := c.UserContext()
	ms, err := s.store.MembershipsOf(ctx, acc.ID)
	if err != nil {
		return fmt.Errorf("web: memberships of %s: %w", acc.ID, err)
	}
	p := &companiesPage{Layout: Layout{Title: "Mes entreprises"}, Admin: isAdmin(acc)}
	if id := c.Query("quitte"); supplierIDRe.MatchString(id) {
		if sup, err := s.store.Supplier(ctx, id); err == nil {
			p.Left = sup.Name
		}
	}
	now := s.now()
	for _, m := range ms {
		sup, err := s.store.Supplier(ctx, m.SupplierID)
		if errors.Is(err, data.ErrNotFound) {
			continue // deleted since: nothing to manage
		}
		if err != nil {
			return err
		}
		score, _ := data.Completeness(sup, now)
		p.Companies = append(p.Companies, companyItem{ID: sup.ID, Name: sup.Name, Role: memberRoleText(m.Role),
			URL: companyURL(sup.ID), Since: parisDate(m.Since), Score: score})
	}
	return s.render(c, fiber.StatusOK, "listing_list", p)
}

func memberRoleText(r data.MemberRole) string {
	if r == data.MemberOwner {
		return "responsable"
	}
	return "membre"
}

// dashboardPage is a company's dashboard.
type dashboardPage struct {
	Layout
	companyHead
	Score       int
	Suggestions []suggestionView
	Status      []sectionStatus
	Saved       string        // the section just saved, for the confirmation
	Tenders     template.HTML // « Appels d'offres pour vous » (company_tenders.go)
}

// companyHead is what every page of a company shows at its top.
type companyHead struct {
	ID, Name, URL, PublicURL string
	Kind                     string // which page of listing.html: dashboard, edit, versions, team
	Tab                      string // current tab: "", "versions", "equipe", or a section name
	AdminView                bool   // an admin who is not a member
	Sections                 []listingSection
}

func newCompanyHead(a companyAccess, kind, tab string) companyHead {
	return companyHead{ID: a.sup.ID, Name: a.sup.Name, URL: companyURL(a.sup.ID), PublicURL: supplierURL(a.sup.ID),
		Kind: kind, Tab: tab, AdminView: a.member == nil, Sections: listingSections}
}

type suggestionView struct {
	Text, URL string
	Points    int
}

type sectionStatus struct {
	Name, Title, URL string
	Declared         int // fields the company declared
	Fields           int
}

// companyDashboard serves GET /compte/entreprises/{id}.
func (s *Server) companyDashboard(c *fiber.Ctx) error {
	a, err := s.company(c)
	if err != nil {
		return err
	}
	score, todo := data.Completeness(a.sup, s.now())
	p := &dashboardPage{Layout: Layout{Title: a.sup.Name + " — ma fiche"}, companyHead: newCompanyHead(a, "dashboard", ""), Score: score}
	for _, t := range todo {
		p.Suggestions = append(p.Suggestions, suggestionView{Text: t.Text, URL: sectionURL(a.sup.ID, t.Section), Points: t.Points})
	}
	for _, sec := range listingSections {
		st := sectionStatus{Name: sec.Name, Title: sec.Title, URL: sectionURL(a.sup.ID, sec.Name), Fields: len(sec.Fields)}
		for _, f := range sec.Fields {
			if a.sup.OwnerDeclared(f) {
				st.Declared++
			}
		}
		p.Status = append(p.Status, st)
	}
	if sec, ok := sectionNamed(c.Query("enregistre")); ok {
		p.Saved = sec.Title
	}
	if p.Tenders, err = s.companyTendersSection(c, a); err != nil {
		return err
	}
	return s.render(c, fiber.StatusOK, "listing", p)
}

func sectionURL(id, section string) string { return companyURL(id) + "/fiche/" + section }

// ownerProvenance is the provenance of what a member declares.
func ownerProvenance(now time.Time) data.Provenance {
	return data.Provenance{Source: "owner", FetchedAt: now.UTC(), Owner: true}
}

// reindex brings the search index up to date with a company at once, so
// that the member who saved sees the change in the search: the store's
// follower would do it a moment later.
func (s *Server) reindex(ctx context.Context, id string) error {
	if s.index == nil {
		return nil
	}
	if err := s.index.Apply(ctx, s.store, []string{id}); err != nil {
		return fmt.Errorf("web: reindex %s: %w", id, err)
	}
	return nil
}

// fieldName is the French name of a supplier field.
func fieldName(field string) string {
	for _, f := range fieldNames() {
		if f.field == field {
			return f.name
		}
	}
	return strings.ReplaceAll(field, "_", " ")
}
