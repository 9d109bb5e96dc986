package web

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/store"
)

// inviteLifetime is how long an invitation link may be used.
const inviteLifetime = 7 * 24 * time.Hour

// teamPage is the team of a company: members, pending invitations, the
// invitation form.
type teamPage struct {
	Layout
	companyHead
	Members   []memberView
	Invites   []inviteView
	CanManage bool
	IsMember  bool
	LeaveURL  string // the confirmation before leaving
	InviteURL string
	Email     string // as typed, shown again after an error
	Error     string // of the invitation form
	Refusal   string // a refused change of the team (the last owner)
	Notice    string
}

type memberView struct {
	Who, Role, Since, RemoveURL string
	PromoteURL                  string // « Nommer responsable », for those who manage the team
	Me                          bool
}

type inviteView struct {
	Email, Sent, Expires string
	ID                   string // the token's hash, never the token: names it to « Annuler l'invitation »
}

// listingTeam serves GET /compte/entreprises/{id}/equipe.
func (s *Server) listingTeam(c *fiber.Ctx) error {
	a, err := s.company(c)
	if err != nil {
		return err
	}
	p, err := s.newTeamPage(c, a)
	if err != nil {
		return err
	}
	switch c.Query("fait") {
	case "invitation":
		p.Notice = "Invitation envoyée. Le lien reçu par courriel est valable 7 jours et ne sert qu'une fois."
	case "invitation-remplacee":
		p.Notice = "Nouvelle invitation envoyée : elle remplace la précédente, dont le lien ne sert plus. " +
			"Le nouveau lien est valable 7 jours et ne sert qu'une fois."
	case "retrait":
		p.Notice = "Le membre a été retiré de l'équipe."
	case "responsable":
		p.Notice = "Le membre est désormais responsable : il peut inviter et retirer des membres."
	case "deja-membre":
		p.Notice = "Vous faites déjà partie de l'équipe : l'invitation a servi à vous y ajouter."
	case "invitation-annulee":
		p.Notice = "Invitation annulée : son lien ne permet plus de rejoindre l'équipe."
	}
	return s.render(c, fiber.StatusOK, "listing", p)
}

func (s *Server) newTeamPage(c *fiber.Ctx, a companyAccess) (*teamPage, error) {
	ctx := c.UserContext()
	members, err := s.store.Members(ctx, a.sup.ID)
	if err != nil {
		return nil, fmt.Errorf("web: members of %s: %w", a.sup.ID, err)
	}
	base := companyURL(a.sup.ID)
	p := &teamPage{Layout: Layout{Title: "Équipe — " + a.sup.Name}, companyHead: newCompanyHead(a, "team", "equipe"),
		CanManage: a.canManageTeam(), IsMember: a.member != nil, LeaveURL: base + "/quitter", InviteURL: base + "/equipe/inviter"}
	for _, m := range members {
		mv := memberView{Who: m.AccountID, Role: memberRoleText(m.Role), Since: parisDate(m.Since), Me: m.AccountID == a.account.ID}
		if acc, err := s.store.Account(ctx, m.AccountID); err == nil {
			mv.Who = acc.Email
			if acc.Name != "" {
				mv.Who = acc.Name + " (" + acc.Email + ")"
			}
		}
		if !mv.Me && a.mayRemove(m) {
			mv.RemoveURL = base + "/equipe/" + m.AccountID + "/retirer"
		}
		if a.canManageTeam() && m.Role != data.MemberOwner {
			mv.PromoteURL = base + "/equipe/" + m.AccountID + "/responsable"
		}
		p.Members = append(p.Members, mv)
	}
	if p.CanManage {
		invites, err := s.store.PendingInvites(ctx, a.sup.ID)
		if err != nil {
			return nil, err
		}
		for _, inv := range invites {
			p.Invites = append(p.Invites, inviteView{Email: inv.Email, Sent: parisDate(inv.CreatedAt), Expires: parisDate(inv.ExpiresAt),
				ID: inv.TokenHash})
		}
	}
	return p, nil
}

// mayRemove reports whether the account may remove member m: an admin may
// remove anyone, an owner the members who are not owners.
func (a companyAccess) mayRemove(m data.Membership) bool {
	if isAdmin(a.account) {
		return true
	}
	return a.member != nil && a.member.Role == data.MemberOwner && m.Role != data.MemberOwner
}

// forbidden is a refusal to a signed-in account that may see the page.
func forbidden(msg string) error { return fiber.NewError(fiber.StatusForbidden, msg) }

// listingInvite serves POST /compte/entreprises/{id}/equipe/inviter: it
// records an invitation and mails its single-use link.
func (s *Server) listingInvite(c *fiber.Ctx) error {
	a, err := s.company(c)
	if err != nil {
		return err
	}
	if !a.canManageTeam() {
		return forbidden("seuls les responsables de la fiche peuvent inviter")
	}
	ctx := c.UserContext()
	email := strings.TrimSpace(c.FormValue("email"))
	refuse := func(msg string) error {
		p, err := s.newTeamPage(c, a)
		if err != nil {
			return err
		}
		p.Email, p.Error = email, msg
		p.Title = "Équipe" + fieldsToCorrect(1) + " — " + a.sup.Name
		return s.render(c, fiber.StatusBadRequest, "listing", p)
	}
	norm, err := data.NormalizeEmail(email)
	if err != nil {
		return refuse("Cette adresse électronique est invalide (exemple : prenom.nom@entreprise.fr).")
	}
	if err := s.throttle(c, "invite", a.account.ID); err != nil {
		return err
	}
	if acc, err := s.store.AccountByEmail(ctx, norm); err == nil {
		if m, err := s.membershipOf(ctx, a.sup.ID, acc.ID); err != nil {
			return err
		} else if m != nil {
			return refuse("Cette personne fait déjà partie de l'équipe.")
		}
	}
	pending, err := s.store.PendingInvites(ctx, a.sup.ID)
	if err != nil {
		return err
	}
	done := "invitation"
	if inviteTo(pending, norm) {
		done = "invitation-remplacee" // PutInvite revokes it
	}
	token := newSecret()
	hash := secretHash(token)
	now := s.now().UTC()
	inv := data.Invite{TokenHash: hash, SupplierID: a.sup.ID, Email: norm, InvitedBy: a.account.ID,
		CreatedAt: now, ExpiresAt: now.Add(inviteLifetime)}
	if err := s.store.PutInvite(ctx, inv, a.account.ID); err != nil {
		return err
	}
	inviter := a.account.Email
	if a.account.Name != "" {
		inviter = a.account.Name + " (" + a.account.Email + ")"
	}
	if err := s.sendMail(ctx, norm, "listing_invite", inviteMail{Company: a.sup.Name, Inviter: inviter,
		Link: s.baseURL() + invitationPathPrefix + token, Expires: parisDate(inv.ExpiresAt)}); err != nil {
		return fmt.Errorf("web: invitation mail: %w", err)
	}
	return c.Redirect(companyURL(a.sup.ID)+"/equipe?fait="+done, fiber.StatusSeeOther)
}

// listingRevokeInvite serves POST
// /compte/entreprises/{id}/equipe/annuler-invitation: a manager of the team
// cancels a pending invitation (form field "invitation", its ID), sent to a
// wrong address or no longer wanted, before its link is used.
func (s *Server) listingRevokeInvite(c *fiber.Ctx) error {
	a, err := s.company(c)
	if err != nil {
		return err
	}
	if !a.canManageTeam() {
		return forbidden("seuls les responsables de la fiche peuvent annuler une invitation")
	}
	err = s.store.RevokeInvite(c.UserContext(), a.sup.ID, c.FormValue("invitation"), a.account.ID)
	switch {
	case errors.Is(err, store.ErrInviteUsed):
		return s.refuseTeamChange(c, a, "Cette invitation a déjà servi : la personne fait partie de l'équipe, retirez-la si besoin.")
	case errors.Is(err, store.ErrInviteRevoked):
		return s.refuseTeamChange(c, a, "Cette invitation est déjà annulée.")
	case err != nil:
		return fmt.Errorf("web: revoke invitation of %s: %w", a.sup.ID, err)
	}
	return c.Redirect(companyURL(a.sup.ID)+"/equipe?fait=invitation-annulee", fiber.StatusSeeOther)
}

// inviteTo reports whether one of invites was sent to email.
func inviteTo(invites []data.Invite, email string) bool {
	return slices.ContainsFunc(invites, func(inv data.Invite) bool { return strings.EqualFold(inv.Email, email) })
}

// inviteMail is what the invitation mail says.
type inviteMail struct {
	Company, Inviter, Link, Expires string
}

var inviteTokenRe = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// teamMember is the membership of the :account member of the company, a
// data.ErrNotFound when that account is not in its team.
func (s *Server) teamMember(c *fiber.Ctx, a companyAccess) (*data.Membership, error) {
	target := c.Params("account")
	m, err := s.membershipOf(c.UserContext(), a.sup.ID, target)
	if err == nil && m == nil {
		err = fmt.Errorf("web: member %q of %s: %w", target, a.sup.ID, data.ErrNotFound)
	}
	return m, err
}

// listingRemoveMember serves POST
// /compte/entreprises/{id}/equipe/{account}/retirer.
func (s *Server) listingRemoveMember(c *fiber.Ctx) error {
	a, err := s.company(c)
	if err != nil {
		return err
	}
	m, err := s.teamMember(c, a)
	if err != nil {
		return err
	}
	if m.AccountID != a.account.ID && !a.mayRemove(*m) {
		return forbidden("seuls les responsables de la fiche et l'Alliance peuvent retirer un membre")
	}
	if err := s.store.RemoveMember(c.UserContext(), a.sup.ID, m.AccountID, a.account.ID); err != nil {
		if errors.Is(err, store.ErrLastOwner) {
			return s.refuseTeamChange(c, a, lastOwnerRemoved)
		}
		return err
	}
	return c.Redirect(companyURL(a.sup.ID)+"/equipe?fait=retrait", fiber.StatusSeeOther)
}

// What the team page says when a change would leave it without an owner
// (store.ErrLastOwner).
const (
	lastOwnerLeaving = "Vous êtes le seul responsable de l'équipe : nommez d'abord un autre responsable " +
		"(bouton « Nommer responsable » en face d'un membre, sur la page Équipe), puis quittez l'entreprise."
	lastOwnerRemoved = "Ce membre est le seul responsable de l'équipe : nommez d'abord un autre responsable " +
		"(bouton « Nommer responsable » en face d'un membre), puis retirez-le."
)

// refuseTeamChange shows the team page again with why a change was
// refused (409).
func (s *Server) refuseTeamChange(c *fiber.Ctx, a companyAccess, msg string) error {
	p, err := s.newTeamPage(c, a)
	if err != nil {
		return err
	}
	p.Refusal = msg
	return s.render(c, fiber.StatusConflict, "listing", p)
}

// listingPromote serves POST
// /compte/entreprises/{id}/equipe/{account}/responsable: an owner (or an
// admin) names a member « responsable », who may then manage the team —
// and the former owner leave it.
func (s *Server) listingPromote(c *fiber.Ctx) error {
	a, err := s.company(c)
	if err != nil {
		return err
	}
	m, err := s.teamMember(c, a)
	if err != nil {
		return err
	}
	if !a.canManageTeam() {
		return forbidden("seuls les responsables de la fiche et l'Alliance peuvent nommer un responsable")
	}
	if m.Role != data.MemberOwner {
		m.Role = data.MemberOwner
		if err := s.store.AddMember(c.UserContext(), *m, a.account.ID); err != nil {
			return err
		}
	}
	return c.Redirect(companyURL(a.sup.ID)+"/equipe?fait=responsable", fiber.StatusSeeOther)
}

// leaveConfirmed is the field of the confirmation page that makes a POST
// to …/quitter leave the team: without it, the POST shows the question.
const leaveConfirmed = "confirmation"

// listingLeaveConfirm serves GET /compte/entreprises/{id}/quitter: the
// question before leaving, or why the last owner cannot leave yet.
func (s *Server) listingLeaveConfirm(c *fiber.Ctx) error {
	a, err := s.company(c)
	if err != nil {
		return err
	}
	if a.member == nil {
		return fmt.Errorf("web: %s is not a member of %s: %w", a.account.ID, a.sup.ID, data.ErrNotFound)
	}
	members, err := s.store.Members(c.UserContext(), a.sup.ID)
	if err != nil {
		return err
	}
	if lastOwner(members, a.account.ID) {
		return s.renderLeave(c, fiber.StatusOK, a, lastOwnerLeaving, false)
	}
	return s.renderLeave(c, fiber.StatusOK, a, "", len(members) == 1)
}

// lastOwner reports whether account is the only owner of a team that has
// other members: the store refuses that it leave (store.ErrLastOwner).
func lastOwner(members []data.Membership, account string) bool {
	owner, others, otherOwners := false, 0, 0
	for _, m := range members {
		switch {
		case m.AccountID == account:
			owner = m.Role == data.MemberOwner
		case m.Role == data.MemberOwner:
			otherOwners++
			others++
		default:
			others++
		}
	}
	return owner && others > 0 && otherOwners == 0
}

// renderLeave shows the question before leaving the team, or the refusal
// when refused is set; alone says the account is its only member, whom no
// « responsable » could invite back.
func (s *Server) renderLeave(c *fiber.Ctx, status int, a companyAccess, refused string, alone bool) error {
	team := companyURL(a.sup.ID) + "/equipe"
	p := &confirmationPage{Layout: Layout{Title: "Quitter l'équipe de " + a.sup.Name},
		Heading: "Quitter l'équipe de " + a.sup.Name + " ?", Back: team, BackLabel: "Non, revenir à l'équipe"}
	if refused != "" {
		p.Heading, p.Paragraphs, p.BackLabel = "Vous ne pouvez pas encore quitter l'équipe", []string{refused}, "Aller à la page Équipe"
	} else {
		p.Paragraphs = []string{"Vous ne pourrez plus modifier la fiche de " + a.sup.Name + " ni voir son équipe. " +
			"Pour revenir, il vous faudra l'invitation d'un responsable."}
		if alone {
			p.Paragraphs = []string{"Vous êtes seul à gérer la fiche de " + a.sup.Name + " : après votre départ, personne ne pourra plus la modifier. " +
				"Pour la gérer de nouveau, il faudra la revendiquer, avec une preuve, comme la première fois."}
			pending, err := s.store.PendingInvites(c.UserContext(), a.sup.ID)
			if err != nil {
				return err
			}
			switch n := len(pending); {
			case n == 1:
				p.Paragraphs = append(p.Paragraphs, "L'invitation en attente (envoyée à "+pending[0].Email+") sera annulée.")
			case n > 1:
				p.Paragraphs = append(p.Paragraphs, fmt.Sprintf("Les %d invitations en attente seront annulées.", n))
			}
		}
		p.Action, p.WithCSRF, p.Button, p.Danger = companyURL(a.sup.ID)+"/quitter", true, "Oui, quitter l'entreprise", true
		p.Hidden = []selectOption{{Value: leaveConfirmed, Label: "oui"}}
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, status, "confirm", p)
}

// listingLeave serves POST /compte/entreprises/{id}/quitter: the account
// leaves the company's team once it confirmed (else the question is
// shown); the last owner of a team with other members is refused.
func (s *Server) listingLeave(c *fiber.Ctx) error {
	a, err := s.company(c)
	if err != nil {
		return err
	}
	if a.member == nil {
		return fmt.Errorf("web: %s is not a member of %s: %w", a.account.ID, a.sup.ID, data.ErrNotFound)
	}
	if c.FormValue(leaveConfirmed) != "oui" {
		return s.listingLeaveConfirm(c)
	}
	if err := s.store.RemoveMember(c.UserContext(), a.sup.ID, a.account.ID, a.account.ID); err != nil {
		if errors.Is(err, store.ErrLastOwner) {
			return s.renderLeave(c, fiber.StatusConflict, a, lastOwnerLeaving, false)
		}
		return err
	}
	return c.Redirect("/compte/entreprises?quitte="+a.sup.ID, fiber.StatusSeeOther)
}

// invitationPage is the page of an invitation link.
type invitationPage struct {
	Layout
	Company, Action, Error string
	Email                  string // the invited address, partly hidden, when it is not the account's
	ClaimURL               string // when nobody manages the listing any more: claim it
}

// ofCompany is " de NAME", or "" when the name is unknown.
func ofCompany(name string) string {
	if name == "" {
		return ""
	}
	return " de " + name
}

// invitation reads the :token invitation for the signed-in account. A
// refusal is an invitationPage with its status.
func (s *Server) invitation(c *fiber.Ctx) (data.Invite, data.Account, *invitationPage, int, error) {
	acc, ok := s.currentAccount(c)
	if !ok {
		return data.Invite{}, data.Account{}, nil, 0, fmt.Errorf("web: invitation: %w", data.ErrUnauthorized)
	}
	token := c.Params("token")
	p := &invitationPage{Layout: Layout{Title: "Invitation"}, Action: invitationPathPrefix + token}
	var inv data.Invite
	err := fmt.Errorf("web: invitation: %w", data.ErrNotFound)
	if inviteTokenRe.MatchString(token) {
		inv, err = s.store.Invite(c.UserContext(), secretHash(token))
	}
	if errors.Is(err, data.ErrNotFound) {
		// A link cut by the mail reader, or copied in part: the page of an
		// invitation says so, not « Page introuvable ».
		p.Error = inviteUnknown
		return data.Invite{}, acc, p, fiber.StatusNotFound, nil
	}
	if err != nil {
		return data.Invite{}, acc, nil, 0, err
	}
	if sup, err := s.store.Supplier(c.UserContext(), inv.SupplierID); err == nil {
		p.Company = sup.Name
	}
	switch {
	case !inv.UsedAt.IsZero():
		p.Error = "Cette invitation a déjà servi. Demandez-en une nouvelle à un responsable de la fiche."
		return inv, acc, p, fiber.StatusGone, nil
	case !inv.RevokedAt.IsZero():
		p.Error = "Cette invitation a été annulée par un responsable de la fiche. Demandez-en une nouvelle si vous devez rejoindre l'équipe."
		members, err := s.store.Members(c.UserContext(), inv.SupplierID)
		if err != nil {
			return inv, acc, nil, 0, err
		}
		pending, err := s.store.PendingInvites(c.UserContext(), inv.SupplierID)
		if err != nil {
			return inv, acc, nil, 0, err
		}
		switch {
		case len(members) == 0:
			// The last member left, which revoked it (store.RemoveMember).
			p.Error = "Cette invitation n'est plus valable : plus personne ne gère la fiche" + ofCompany(p.Company) +
				". Pour la gérer, revendiquez-la avec une preuve."
			p.ClaimURL = "/fournisseurs/" + inv.SupplierID + "/revendiquer"
		case inviteTo(pending, inv.Email):
			// Invited again since (store.PutInvite).
			p.Error = "Cette invitation a été remplacée par une invitation plus récente : utilisez le lien du dernier courriel reçu."
		}
		return inv, acc, p, fiber.StatusGone, nil
	case !s.now().Before(inv.ExpiresAt):
		p.Error = inviteExpired
		return inv, acc, p, fiber.StatusGone, nil
	case !strings.EqualFold(strings.TrimSpace(acc.Email), inv.Email):
		p.Email = maskEmail(inv.Email)
		p.Error = "Cette invitation a été envoyée à une autre adresse (" + p.Email + ") : connectez-vous avec le compte de cette adresse, ou créez-le."
		return inv, acc, p, fiber.StatusForbidden, nil
	}
	return inv, acc, p, fiber.StatusOK, nil
}

// invitationPathPrefix starts the page of an invitation to a company's
// team, which sends a visitor to sign in first (invitedBy).
const invitationPathPrefix = "/compte/invitations/"

// maskEmail hides most of the local part of an address: "j•••@exemple.fr".
func maskEmail(e string) string {
	at := strings.LastIndexByte(e, '@')
	if at <= 0 {
		return "•••"
	}
	return e[:1] + "•••" + e[at:]
}

// inviteUnknown is what the page of an unknown invitation link says.
const inviteUnknown = "Ce lien d'invitation n'est pas reconnu : il est peut-être incomplet. Ouvrez-le en entier depuis le courriel reçu " +
	"(copiez-le d'un seul tenant s'il est coupé), ou demandez une nouvelle invitation à un responsable de la fiche."

// inviteExpired is what an expired invitation's page says.
const inviteExpired = "Cette invitation a expiré. Demandez-en une nouvelle à un responsable de la fiche."

// invitationForm serves GET /compte/invitations/{token}.
func (s *Server) invitationForm(c *fiber.Ctx) error {
	return s.showInvitation(c, false)
}

// showInvitation renders the invitation's page as it stands, or sends a
// member to the team. refused is for a POST whose invitation the store
// refused after the page's check passed (used, revoked, replaced or
// expired meanwhile): the page then says why, as it would on a GET.
func (s *Server) showInvitation(c *fiber.Ctx, refused bool) error {
	inv, acc, p, status, err := s.invitation(c)
	if err != nil {
		return err
	}
	if joined, err := s.joinedWith(c.UserContext(), inv, acc, status); err != nil || joined {
		return alreadyInTeam(c, inv, err)
	}
	if refused && status == fiber.StatusOK { // still usable by the page's clock: the store's says it expired
		p.Error = inviteExpired
		status = fiber.StatusGone
	}
	return s.render(c, status, "listing_invite", p)
}

// joinedWith reports whether acc is a member of the invitation's company
// and either used the invitation itself (a second click on « Rejoindre
// l'équipe », or the link opened again) or cannot use it (status is not
// 200: an older link replaced by the one it joined with, a link that
// expired or was cancelled after it joined another way): that is no error
// for it, it is in the team.
func (s *Server) joinedWith(ctx context.Context, inv data.Invite, acc data.Account, status int) (bool, error) {
	usedByAcc := !inv.UsedAt.IsZero() && inv.UsedBy == acc.ID
	if !usedByAcc && status == fiber.StatusOK || inv.SupplierID == "" { // "": no such invitation
		return false, nil
	}
	m, err := s.membershipOf(ctx, inv.SupplierID, acc.ID)
	return m != nil, err
}

// alreadyInTeam sends the account that joined with inv to the team page,
// which says so; err, when not nil, is returned instead.
func alreadyInTeam(c *fiber.Ctx, inv data.Invite, err error) error {
	if err != nil {
		return err
	}
	return c.Redirect(companyURL(inv.SupplierID)+"/equipe?fait=deja-membre", fiber.StatusSeeOther)
}

// invitationAccept serves POST /compte/invitations/{token}: the signed-in
// account, to whose address the invitation was sent, joins the team.
func (s *Server) invitationAccept(c *fiber.Ctx) error {
	inv, acc, p, status, err := s.invitation(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if joined, err := s.joinedWith(ctx, inv, acc, status); err != nil || joined {
		return alreadyInTeam(c, inv, err)
	}
	if status != fiber.StatusOK {
		return s.render(c, status, "listing_invite", p)
	}
	concurrent := false // a double click: the other request used the invitation for this account
	if _, err := s.store.UseInvite(ctx, inv.TokenHash, acc.ID); err != nil {
		if errors.Is(err, store.ErrInviteUsed) {
			if again, rerr := s.store.Invite(ctx, inv.TokenHash); rerr == nil && again.UsedBy == acc.ID {
				concurrent = true
			}
		}
		switch {
		case concurrent:
		case errors.Is(err, store.ErrInviteUsed) || errors.Is(err, store.ErrInviteExpired) || errors.Is(err, store.ErrInviteRevoked):
			// Revoked or replaced (or used, or expired) since the check
			// above: say why, as the page now does.
			return s.showInvitation(c, true)
		default:
			return err
		}
	}
	if m, err := s.membershipOf(ctx, inv.SupplierID, acc.ID); err != nil {
		return err
	} else if m == nil {
		if err := s.store.AddMember(ctx, data.Membership{SupplierID: inv.SupplierID, AccountID: acc.ID, Role: data.MemberMember,
			Since: time.Now().UTC(), Via: "invite:" + inv.TokenHash[:12]}, acc.ID); err != nil {
			return err
		}
	}
	if concurrent {
		return alreadyInTeam(c, inv, nil)
	}
	return c.Redirect(companyURL(inv.SupplierID), fiber.StatusSeeOther)
}
