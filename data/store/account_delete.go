package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"fabrique/data"
)

// ErasedAddress stands, in the records DeleteAccount keeps, where the
// erased account's e-mail address was written; ErasedName where its name
// was written in the reason of an erasure.
const (
	ErasedAddress = data.ErasedAddress
	ErasedName    = "[nom effacé]"
)

// MaxErasureReason is the length, in characters, of the longest reason
// DeleteAccount keeps.
const MaxErasureReason = 500

// AccountErasure says what DeleteAccount removed.
type AccountErasure struct {
	Email    string // the address the account had, for the confirmation mail
	Sessions int
	Tokens   int // one-time links (confirmation, sign-in, reset)
	Alerts   int // alert profiles, with their tokens and history
	Digests  int // digest records (the mails built for the alerts), pending ones included
	// Claims counts the open claims withdrawn.
	Claims int
	// Teams are the companies the account left; Unclaimed those of them
	// it was the only member of: nobody manages their listing any more.
	Teams, Unclaimed []string
	Needs            int // links to the needs it filed (the needs stay, anonymous)
	Outbox           int // outbox mails erased: to its address, or naming it
	Audit            int // journal entries whose address or client address was erased
}

// DeleteAccount erases an account at its holder's request (RGPD art. 17),
// in one transaction: a crash, or a refusal, leaves all of it or none.
//
// It removes the account and its address index, its sessions, its
// one-time tokens, its alert profiles with their tokens, last sends,
// tenders sent and digest records (a pending digest is never sent), its
// links to the needs it filed. The outbox mails to its address lose
// their address and content, keeping their kind and date. It
// withdraws its open claims (their uploaded document deleted: nobody
// reviewed it) and ends its memberships; a company it was the only member
// of is unclaimed again, its listing kept as published and its pending
// invitations revoked (RemoveMember's rule), while the invitations it
// sent to a team that remains stay the team's, which its managers may
// revoke.
//
// What is kept for accountability keeps the account's id, which no
// longer leads to a person, and loses its address: the journal entries it
// made (who changed which listing) lose their client address (Addr), and
// every kept record that wrote its address (journal details, claims'
// proofs, invitations it accepted) has ErasedAddress instead; the reports
// it made lose their client address. Decided claims, listing versions,
// set-aside tenders and shortlist votes keep the id as they are. A
// company's pending invitation to the address stays the company's. The erasure itself is journalled as
// "account.delete", without address.
//
// The only owner of a team with other members is refused with
// ErrLastOwner, as when leaving: another owner must be named first. A
// missing account is data.ErrNotFound.
//
// reason, optional, is why someone other than the holder erases the
// account (an administrator acting on a request received by letter or
// telephone): the journal entry keeps it on one line, the account's
// address and name erased from it, MaxErasureReason characters at most
// (data.ErrInvalid beyond).
func (s *Store) DeleteAccount(ctx context.Context, id, actor, reason string) (AccountErasure, error) {
	var out AccountErasure
	if err := validActor(actor); err != nil {
		return out, err
	}
	reason = strings.Join(strings.Fields(reason), " ")
	if n := utf8.RuneCountInString(reason); n > MaxErasureReason {
		return out, invalid("reason", "", fmt.Sprintf("motif trop long (%d caractères, %d au plus)", n, MaxErasureReason))
	}
	now := s.stamp()
	err := s.update(ctx, func(tx *bolt.Tx, _ *changeSet) error {
		out = AccountErasure{}
		var a data.Account
		if found, err := get(tx.Bucket(bucketAccounts), "account", id, &a); err != nil {
			return err
		} else if !found {
			return fmt.Errorf("store: account %q: %w", id, data.ErrNotFound)
		}
		out.Email = a.Email
		e := eraser{s: s, tx: tx, id: id, email: a.Email, name: a.Name, actor: actor, now: now}
		// The steps that may refuse (the memberships) come after others
		// that wrote: a refusal undoes them with the transaction.
		for _, step := range []func(*AccountErasure) error{e.sessions, e.alerts, e.claims, e.reports,
			e.memberships, e.invites, e.needs, e.outbox, e.audit} {
			if err := step(&out); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketAccounts).Delete([]byte(id)); err != nil {
			return fmt.Errorf("store: delete account: %w", err)
		}
		if err := syncEntries(tx, id, accountEntries(&a), nil); err != nil {
			return err
		}
		if err := markErasedPages(tx); err != nil { // compact.go
			return err
		}
		detail := out.summary(actor == id)
		if reason != "" {
			detail += " ; motif : " + e.eraseName(e.erase(reason))
		}
		return appendAudit(tx, data.AuditEntry{At: now, Actor: actor, Action: "account.delete",
			Entity: "account:" + id, Detail: detail})
	})
	if err != nil {
		return AccountErasure{}, err
	}
	return out, nil
}

// summary is the journal's detail of an erasure by actor, in French.
func (r AccountErasure) summary(self bool) string {
	parts := []string{"compte supprimé par un administrateur"}
	if self {
		parts[0] = "compte supprimé à la demande de son titulaire"
	}
	for _, c := range []struct {
		n         int
		one, many string
	}{{r.Alerts, "alerte", "alertes"}, {r.Claims, "revendication retirée", "revendications retirées"},
		{len(r.Teams), "équipe quittée", "équipes quittées"}, {len(r.Unclaimed), "fiche sans équipe", "fiches sans équipe"}} {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, data.PluralFR(c.n, c.one, c.many)))
		}
	}
	return strings.Join(parts, ", ")
}

// eraser holds what the steps of DeleteAccount share.
type eraser struct {
	s          *Store
	tx         *bolt.Tx
	id, email  string
	name       string // the account's name, erased from the reason
	actor      string
	now        time.Time
	needleJSON []byte // the address as JSON writes it, lower-case, for mentions
}

func (e *eraser) sessions(out *AccountErasure) error {
	var err error
	if out.Sessions, err = deleteSessionsOf(e.tx, e.id, ""); err != nil {
		return err
	}
	out.Tokens, err = deleteTokensOf(e.tx, e.id, "")
	return err
}

// alerts deletes the profiles and what the digests recorded for the
// account; a pending digest deleted is never sent, nor resent after a
// crash (PendingDigests no longer lists it).
func (e *eraser) alerts(out *AccountErasure) error {
	var profiles []data.AlertProfile
	err := eachPrefixed(e.tx.Bucket(bucketAlertAccount), e.id+"|", func(pid string, _ []byte) error {
		p, err := alertProfile(e.tx, pid)
		profiles = append(profiles, p)
		return err
	})
	if err != nil {
		return err
	}
	for _, p := range profiles {
		if err := deleteAlertProfile(e.tx, p); err != nil {
			return err
		}
	}
	out.Alerts = len(profiles)
	if err := deletePrefixed(e.tx.Bucket(bucketAlertSent), e.id+"|"); err != nil {
		return err
	}
	digests := e.tx.Bucket(bucketAlertDigests)
	if digests == nil {
		return nil
	}
	// A digest holds its whole mail: its account is looked for in the
	// bytes before any decoding.
	mark := []byte(`"account_id":` + jsonString(e.id))
	pending := e.tx.Bucket(bucketAlertPending)
	out.Digests, err = editEach(digests, "digest", func(v []byte) bool { return bytes.Contains(v, mark) },
		func(k []byte, d *data.DigestRecord) (editOp, error) {
			if d.AccountID != e.id {
				return editKeep, nil
			}
			if pending != nil {
				if err := pending.Delete(k); err != nil {
					return editKeep, fmt.Errorf("store: delete digest: %w", err)
				}
			}
			return editDelete, nil
		})
	return err
}

// claims withdraws the account's open claims, deleting their document,
// and erases its address from the proofs of the claims it keeps.
func (e *eraser) claims(out *AccountErasure) error {
	var mine []data.Claim
	err := e.tx.Bucket(bucketClaims).ForEach(func(k, v []byte) error {
		var c data.Claim
		if err := decode("claim", string(k), v, &c); err != nil {
			return err
		}
		if c.AccountID == e.id {
			mine = append(mine, c)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, old := range mine {
		c := old
		c.Email, c.Proof = e.erase(c.Email), e.erase(c.Proof)
		if c.Open() {
			if c.Document != nil {
				if b := e.tx.Bucket(bucketClaimDocuments); b != nil {
					if err := b.Delete([]byte(c.Document.ID)); err != nil {
						return fmt.Errorf("store: delete document of claim %s: %w", c.ID, err)
					}
				}
				c.Document = nil
			}
			c.Status, c.DecidedAt, c.TokenHash = data.ClaimWithdrawn, e.now, ""
			out.Claims++
			if err := e.writeClaim(&old, &c, "claim.withdraw", "retirée : compte supprimé"); err != nil {
				return err
			}
			continue
		}
		if c.Email != old.Email || c.Proof != old.Proof {
			if err := put(e.tx.Bucket(bucketClaims), c.ID, &c); err != nil {
				return err
			}
		}
	}
	return nil
}

// reports erases the client address of the reports the account made;
// they stay for the Alliance's moderation.
func (e *eraser) reports(*AccountErasure) error {
	_, err := editEach(e.tx.Bucket(bucketReports), "report", nil, func(_ []byte, r *data.Report) (editOp, error) {
		if r.AccountID != e.id || r.Addr == "" {
			return editKeep, nil
		}
		r.Addr = ""
		return editPut, nil
	})
	return err
}

// writeClaim records a change of one of the account's claims, as
// Store.writeClaim does.
func (e *eraser) writeClaim(old, c *data.Claim, action, detail string) error {
	return e.s.writeClaim(e.tx, old, c, ClaimChange{Audit: data.AuditEntry{Actor: e.actor, Action: action, Detail: detail}})
}

// memberships ends the account's memberships: ErrLastOwner for a team it
// is the only owner of while others remain.
func (e *eraser) memberships(out *AccountErasure) error {
	for _, k := range prefixKeys(e.tx.Bucket(bucketMemberAccount), e.id+"|") {
		supplierID := afterFirst(k)
		alone, err := removeMember(e.tx, supplierID, e.id, e.actor, e.now, "compte "+e.id+" supprimé")
		if err != nil {
			return err
		}
		out.Teams = append(out.Teams, supplierID)
		if alone {
			out.Unclaimed = append(out.Unclaimed, supplierID)
		}
	}
	return nil
}

// invites erases the account's address from the invitations it accepted:
// they keep the id that used them. A pending invitation to its address
// is the company's, and stays as it is: whoever holds the address may
// sign up again and accept it.
func (e *eraser) invites(*AccountErasure) error {
	_, err := editEach(e.tx.Bucket(bucketInvites), "invite", nil, func(_ []byte, inv *data.Invite) (editOp, error) {
		if inv.UsedBy != e.id {
			return editKeep, nil
		}
		inv.Email = ErasedAddress
		return editPut, nil
	})
	return err
}

func (e *eraser) needs(out *AccountErasure) error {
	out.Needs = len(prefixKeys(e.tx.Bucket(bucketAccountNeeds), e.id+"|"))
	return deletePrefixed(e.tx.Bucket(bucketAccountNeeds), e.id+"|")
}

// outbox erases the mails the outbox kept for the account's address:
// each keeps its kind and date, that a mail was written, and loses its
// address and content (data.OutboxMail.Erase). The outbox holds no
// pending mail: a mail is there instead of being sent, its last state
// (the digests still to send are records of their own, deleted by
// alerts). A mail to someone else that names the address (an invitation
// the account sent) has it replaced by ErasedAddress.
func (e *eraser) outbox(out *AccountErasure) error {
	var err error
	out.Outbox, err = editEach(e.tx.Bucket(bucketOutbox), "outbox mail", e.mentions, func(_ []byte, m *data.OutboxMail) (editOp, error) {
		if m.ErasedAt.IsZero() && e.sameAddress(m.To) {
			m.Erase(e.now)
			return editPut, nil
		}
		before := fmt.Sprint(*m)
		m.To, m.Subject, m.Text, m.HTML = e.erase(m.To), e.erase(m.Subject), e.erase(m.Text), e.erase(m.HTML)
		for k, v := range m.Headers {
			m.Headers[k] = e.erase(v)
		}
		if fmt.Sprint(*m) == before {
			return editKeep, nil
		}
		return editPut, nil
	})
	return err
}

// sameAddress reports whether a mail's recipient ("a@b.fr" or "Nom
// <a@b.fr>") is the account's address, case ignored.
func (e *eraser) sameAddress(to string) bool {
	to = strings.TrimSpace(to)
	if i := strings.LastIndexByte(to, '<'); i >= 0 && strings.HasSuffix(to, ">") {
		to = to[i+1 : len(to)-1]
	}
	return strings.EqualFold(to, strings.TrimSpace(e.email))
}

// audit erases, in the journal, the client address of the entries the
// account made and its e-mail address wherever a detail wrote it. The
// whole journal is read, but an entry is decoded only when its bytes hold
// the account's id or address.
func (e *eraser) audit(out *AccountErasure) error {
	id := []byte(e.id)
	var err error
	out.Audit, err = editEach(e.tx.Bucket(bucketAudit), "audit entry", func(v []byte) bool { return bytes.Contains(v, id) || e.mentions(v) },
		func(_ []byte, a *data.AuditEntry) (editOp, error) {
			before := *a
			if a.Actor == e.id {
				a.Addr = ""
			}
			a.Detail = e.erase(a.Detail)
			if *a == before {
				return editKeep, nil
			}
			return editPut, nil
		})
	return err
}

// erase replaces the account's address in s, case ignored.
func (e *eraser) erase(s string) string {
	return replaceFold(s, strings.TrimSpace(e.email), ErasedAddress)
}

// eraseName replaces the account's name in s, case ignored; a name of
// fewer than three letters is left (it would hit ordinary words).
func (e *eraser) eraseName(s string) string {
	name := strings.Join(strings.Fields(e.name), " ")
	if utf8.RuneCountInString(name) < 3 {
		return s
	}
	return replaceFold(s, name, ErasedName)
}

// replaceFold replaces every old in s by repl, case ignored.
func replaceFold(s, old, repl string) string {
	if old == "" {
		return s
	}
	var b strings.Builder
	for {
		i := indexFold(s, old)
		if i < 0 {
			break
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s = s[i+len(old):]
	}
	if b.Len() == 0 {
		return s
	}
	b.WriteString(s)
	return b.String()
}

// indexFold is strings.Index with case ignored (simple folding: an
// address's letters keep their length).
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// mentions reports whether a record's JSON bytes may hold the account's
// address, case ignored: a cheap test before decoding, which looks only
// around the '@' of the bytes (most records have none).
func (e *eraser) mentions(v []byte) bool {
	if e.needleJSON == nil {
		e.needleJSON = bytes.ToLower([]byte(strings.Trim(jsonString(strings.TrimSpace(e.email)), `"`)))
	}
	n := e.needleJSON
	at := bytes.IndexByte(n, '@')
	if at < 0 {
		return false
	}
	for off := 0; ; {
		j := bytes.IndexByte(v[off:], '@')
		if j < 0 {
			return false
		}
		j += off
		if start := j - at; start >= 0 && start+len(n) <= len(v) && bytes.EqualFold(v[start:start+len(n)], n) {
			return true
		}
		off = j + 1
	}
}

// jsonString is s as encoding/json writes it, quotes included.
func jsonString(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b)
}

// editOp is what editEach does with a record.
type editOp int

const (
	editKeep   editOp = iota // leave it
	editPut                  // write back the changed value
	editDelete               // delete it
)

// editEach decodes as T every record of b (nil: none) whose bytes pass
// match (nil: every record) and lets edit say what to do with it, given
// its key. The writes come after the walk, which must not see its bucket
// change. It returns how many records it wrote or deleted.
func editEach[T any](b *bolt.Bucket, what string, match func([]byte) bool, edit func(key []byte, v *T) (editOp, error)) (int, error) {
	if b == nil {
		return 0, nil
	}
	type change struct {
		key []byte
		op  editOp
		v   *T
	}
	var changes []change
	err := b.ForEach(func(k, raw []byte) error {
		if match != nil && !match(raw) {
			return nil
		}
		v := new(T)
		if err := decode(what, string(k), raw, v); err != nil {
			return err
		}
		op, err := edit(k, v)
		if err == nil && op != editKeep {
			changes = append(changes, change{bytes.Clone(k), op, v})
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	for _, c := range changes {
		if c.op == editDelete {
			err = b.Delete(c.key)
		} else {
			err = put(b, string(c.key), c.v)
		}
		if err != nil {
			return 0, fmt.Errorf("store: %s: %w", what, err)
		}
	}
	return len(changes), nil
}

// deletePrefixed deletes the keys of b (nil: none) that start with prefix.
func deletePrefixed(b *bolt.Bucket, prefix string) error {
	if b == nil {
		return nil
	}
	for _, k := range prefixKeys(b, prefix) {
		if err := b.Delete([]byte(k)); err != nil {
			return fmt.Errorf("store: delete %q: %w", k, err)
		}
	}
	return nil
}
