package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"fabrique/crawler/notice"
	"fabrique/data"
	"fabrique/data/store"
	"fabrique/web"
	fmail "fabrique/web/mail"
)

// The digest workload of the crash test: the killed process sends alert
// digests through the real sending path (web.Server.SendDueDigests, built
// as serve builds it, mailing over SMTP to the parent's server), and
// acknowledges each digest once the store marked it sent. The parent's
// SMTP server outlives the kills and records every mail it accepted.

// crashSMTPEnv passes the parent's SMTP address to the killed process.
const crashSMTPEnv = "FABRIQUE_CRASH_SMTP"

// Fixture of the digest workload.
const (
	// crashDigestAccounts confirmed accounts each have an immediate
	// profile; the last one also a daily profile.
	crashDigestAccounts = 3
	// crashDigestCPV is the CPV code of the workload's tenders and
	// profiles, one no imported fixture uses: the check can tell which
	// tenders a digest may carry.
	crashDigestCPV = "44531000"
	// crashDigestStep is how far the workload's clock advances at each
	// sending round: the immediate profiles are due at every round, the
	// daily one every 24 rounds.
	crashDigestStep = time.Hour
	// crashDigestMarker is in the id of every tender the workload writes.
	crashDigestMarker = "-crashdigest-"
)

func crashDigestAccountID(i int) string { return "crash-digest-" + strconv.Itoa(i) }

// crashReceived is one mail the parent's SMTP server accepted.
type crashReceived struct {
	messageID string // without angle brackets
	digest    string // X-Fabrique-Digest
	to        string
	at        time.Time // when the server accepted it, before its 250
}

// crashInbox is the parent's SMTP server: it accepts every mail and keeps
// what it needs to check the digests.
type crashInbox struct {
	mu    sync.Mutex
	mails []crashReceived
	// accepted is signalled (without waiting) at each mail accepted,
	// before the server answers 250.
	accepted chan struct{}
}

type crashInboxSession struct{ inbox *crashInbox }

func (s crashInboxSession) Reset()                               {}
func (s crashInboxSession) Logout() error                        { return nil }
func (s crashInboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s crashInboxSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s crashInboxSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	// The whole message, up to its final dot: a sender killed in the
	// middle of the DATA leaves an error here, and nothing accepted.
	if _, err := io.Copy(io.Discard, m.Body); err != nil {
		return err
	}
	rec := crashReceived{messageID: strings.Trim(m.Header.Get("Message-ID"), "<>"),
		digest: m.Header.Get("X-Fabrique-Digest"), to: m.Header.Get("To"), at: time.Now()}
	s.inbox.mu.Lock()
	defer s.inbox.mu.Unlock()
	s.inbox.mails = append(s.inbox.mails, rec)
	select {
	case s.inbox.accepted <- struct{}{}:
	default:
	}
	return nil
}

// awaitAccept waits at most d for the server to accept a new mail and
// reports whether it did.
func (in *crashInbox) awaitAccept(d time.Duration) bool {
	select {
	case <-in.accepted: // an earlier mail's
	default:
	}
	select {
	case <-in.accepted:
		return true
	case <-time.After(d):
		return false
	}
}

// startCrashInbox starts the parent's SMTP server on loopback for the
// whole test and returns its address.
func startCrashInbox(t *testing.T) (*crashInbox, string) {
	t.Helper()
	inbox := &crashInbox{accepted: make(chan struct{}, 1)}
	return inbox, serveSMTP(t, func() smtp.Session { return crashInboxSession{inbox} })
}

// serveSMTP runs an SMTP server on loopback until the end of the test,
// with a session from session per connection, and returns its address.
func serveSMTP(t *testing.T, session func() smtp.Session) string {
	t.Helper()
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return session(), nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 20*time.Second, 20*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// byMessageID returns the accepted mails by Message-ID, in the order the
// server accepted them.
func (in *crashInbox) byMessageID() map[string][]crashReceived {
	in.mu.Lock()
	defer in.mu.Unlock()
	out := map[string][]crashReceived{}
	for _, m := range in.mails {
		out[m.messageID] = append(out[m.messageID], m)
	}
	return out
}

// ackingSender is the child's mailer: the real SMTP sender, remembering
// the digests it handed over so that they can be acknowledged once the
// store marked them sent.
type ackingSender struct {
	fmail.Sender
	mu      sync.Mutex
	handled []string // digest ids
}

func (s *ackingSender) Send(ctx context.Context, m fmail.Message) error {
	if err := s.Sender.Send(ctx, m); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handled = append(s.handled, m.Headers["X-Fabrique-Digest"])
	return nil
}

// take returns the digests handed over since the last call.
func (s *ackingSender) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.handled
	s.handled = nil
	return out
}

// crashDigestTender is a real eForms notice made the workload's own: a
// new id, its CPV code, published at at, open for 30 days.
func crashDigestTender(tn data.Tender, round, n int, at time.Time) data.Tender {
	suffix := crashDigestMarker + strconv.Itoa(round) + "." + strconv.Itoa(n)
	tn.ID += suffix
	tn.SourceID += suffix
	if tn.ProcedureID != "" {
		tn.ProcedureID += suffix
	}
	// The store folds a notice into the tender of any id it shares.
	ids := make([]string, len(tn.SourceIDs))
	for i, id := range tn.SourceIDs {
		ids[i] = id + suffix
	}
	tn.SourceIDs = ids
	tn.CPV, tn.CPVAdditional, tn.Lots = crashDigestCPV, nil, nil
	tn.PublishedAt, tn.Deadline = at, at.AddDate(0, 0, 30)
	return tn
}

// crashDigestSetUp creates, unless a killed run did, the workload's
// accounts and their profiles, and returns their profiles' ids.
func crashDigestSetUp(ctx context.Context, st *store.Store) ([]string, error) {
	var profiles []string
	for i := 1; i <= crashDigestAccounts; i++ {
		a := data.Account{ID: crashDigestAccountID(i), Email: "pmi-coupure" + strconv.Itoa(i) + "@example.fr",
			Role: data.RoleSupplier, Verified: true}
		if _, err := st.Account(ctx, a.ID); errors.Is(err, data.ErrNotFound) {
			if err := st.PutAccount(ctx, a, "crash-test"); err != nil {
				return nil, err
			}
		} else if err != nil {
			return nil, err
		}
		have, err := st.AlertProfilesOf(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		frequencies := []data.AlertFrequency{data.AlertImmediate}
		if i == crashDigestAccounts {
			frequencies = append(frequencies, data.AlertDaily)
		}
		// Profiles are created in order: those present are the first.
		for _, p := range have {
			profiles = append(profiles, p.ID)
		}
		for _, f := range frequencies[min(len(have), len(frequencies)):] {
			p, err := st.PutAlertProfile(ctx, data.AlertProfile{AccountID: a.ID, Name: "Fixations " + string(f),
				CPV: []data.AlertCPV{{Code: crashDigestCPV}}, Frequency: f})
			if err != nil {
				return nil, err
			}
			profiles = append(profiles, p.ID)
		}
	}
	return profiles, nil
}

// crashDigestClock is where the workload's clock resumes: past the last
// send of its profiles and the time of every pending digest, and past
// now.
func crashDigestClock(ctx context.Context, st *store.Store, profiles []string) (time.Time, error) {
	at := time.Now().UTC()
	for _, id := range profiles {
		last, err := st.AlertLastSent(ctx, id)
		if err != nil {
			return at, err
		}
		if last.After(at) {
			at = last
		}
	}
	pending, err := st.PendingDigests(ctx)
	if err != nil {
		return at, err
	}
	for _, d := range pending {
		if d.At.After(at) {
			at = d.At
		}
	}
	return at, nil
}

// crashDigest sends digests, over and over: each round writes a new tender
// the profiles select, advances the clock by crashDigestStep and runs
// SendDueDigests (which first finishes the digests a killed run left
// pending); each digest the store then holds as sent is acknowledged, by
// Message-ID, with its digest id and the time of the acknowledgement.
// The mails go to the SMTP server named by FABRIQUE_CRASH_SMTP, or,
// without it, to the store's outbox (as serve does without --smtp-host).
func crashDigest(ctx context.Context, w *crashWorker, ack func(id, value string)) error {
	p := *w.p
	st := w.dir.store
	sender := &ackingSender{Sender: fmail.Outbox{Store: st}}
	p.cfg.publicURL = "https://fabrique.test"
	if addr := os.Getenv(crashSMTPEnv); addr != "" {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("%s: %w", crashSMTPEnv, err)
		}
		p.cfg.smtpHost, p.cfg.smtpPort, p.cfg.smtpTLS = host, port, "none"
		if sender.Sender, _, err = mailSender(&p); err != nil { // as serve builds it
			return err
		}
	}
	srv, err := web.New(web.Config{PublicURL: p.cfg.publicURL, Logger: p.log, Version: buildVersion()},
		web.Deps{Store: st, Index: w.dir.index, Mail: sender, Tenders: w.dir.tenders})
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join("..", "..", "crawler", "notice", "testdata", "eforms", "cn_24_open.xml"))
	if err != nil {
		return err
	}
	res, err := notice.ParseEForms(f, notice.Options{Now: time.Now})
	f.Close()
	if err != nil || len(res.Tenders) != 1 {
		return fmt.Errorf("cn_24_open.xml: %d tenders, %v", len(res.Tenders), err)
	}
	profiles, err := crashDigestSetUp(ctx, st)
	if err != nil {
		return err
	}
	at, err := crashDigestClock(ctx, st, profiles)
	if err != nil {
		return err
	}
	var waiting []string // handed over, not yet seen sent
	for n := 0; ctx.Err() == nil; n++ {
		at = at.Add(crashDigestStep)
		if _, _, err := st.FoldNotice(ctx, crashDigestTender(res.Tenders[0], w.round, n, at), importActor); err != nil {
			return err
		}
		if _, err := srv.SendDueDigests(ctx, at, false); err != nil {
			return err
		}
		var still []string
		for _, id := range append(waiting, sender.take()...) {
			rec, err := st.Digest(ctx, id)
			if err != nil {
				return err
			}
			switch rec.State {
			case data.DigestSent:
				ack(rec.MessageID, rec.ID+" "+strconv.FormatInt(time.Now().UnixNano(), 10))
			case data.DigestPending:
				still = append(still, id) // CompleteDigest failed: the next run finishes it
			}
		}
		waiting = still
	}
	return nil
}

// crashDigestAck is an acknowledged digest: its Message-ID is the
// acknowledgement's id, its digest id and time the value.
type crashDigestAck struct {
	digest string
	at     time.Time
}

func parseDigestAck(messageID, value string) (crashDigestAck, error) {
	digest, nanos, _ := strings.Cut(value, " ")
	n, err := strconv.ParseInt(nanos, 10, 64)
	if err != nil || digest == "" {
		return crashDigestAck{}, fmt.Errorf("acknowledgement of %s: %q, want a digest id and a time", messageID, value)
	}
	return crashDigestAck{digest: digest, at: time.Unix(0, n)}, nil
}

// checkDigests: every acknowledged digest is in the store as sent, with
// its Message-ID, and no tender of the workload was carried twice to one
// account by digests the store holds as sent (once as new, once more at
// most as closing soon).
func checkDigests(ctx context.Context, st *store.Store, acks map[string]string) error {
	type carried struct{ fresh, reminded []string }
	carriedBy := map[string]*carried{} // account and tender → digests
	for msgID, v := range acks {
		a, err := parseDigestAck(msgID, v)
		if err != nil {
			return err
		}
		rec, err := st.Digest(ctx, a.digest)
		if err != nil {
			return fmt.Errorf("acknowledged digest %s (%s): %w", a.digest, msgID, err)
		}
		if rec.State != data.DigestSent || rec.MessageID != msgID {
			return fmt.Errorf("acknowledged digest %s: %s with Message-ID %s, want sent with %s", a.digest, rec.State, rec.MessageID, msgID)
		}
		for _, it := range rec.Items {
			if !strings.Contains(it.TenderID, crashDigestMarker) {
				continue
			}
			key := rec.AccountID + " " + it.TenderID
			c := carriedBy[key]
			if c == nil {
				c = &carried{}
				carriedBy[key] = c
			}
			if it.Reminded.IsZero() {
				c.fresh = append(c.fresh, rec.ID)
			} else {
				c.reminded = append(c.reminded, rec.ID)
			}
			if len(c.fresh) > 1 || len(c.reminded) > 1 {
				return fmt.Errorf("account and tender %s carried by the sent digests %v (new) and %v (closing soon)", key, c.fresh, c.reminded)
			}
		}
	}
	return nil
}

// checkDigestMails, after a kill:
//   - every mail the SMTP server accepted is a digest the store recorded
//     before handing it over, with its Message-ID, its recipient and at
//     least as many attempts as acceptances;
//   - every acknowledged digest was accepted, and never again after its
//     acknowledgement (a digest left pending by a kill is sent again with
//     the same Message-ID before it is acknowledged: the at-least-once
//     boundary of SMTP, counted by crashInbox.resent).
func checkDigestMails(ctx context.Context, st *store.Store, inbox *crashInbox, acks map[string]string) error {
	received := inbox.byMessageID()
	for msgID, mails := range received {
		rec, err := st.Digest(ctx, mails[0].digest)
		if err != nil {
			return fmt.Errorf("mail %s accepted by SMTP, digest %q: %w", msgID, mails[0].digest, err)
		}
		if rec.MessageID != msgID || len(mails) > rec.Attempts {
			return fmt.Errorf("mail %s accepted %d times by SMTP; its digest %s: Message-ID %s, %d attempts recorded",
				msgID, len(mails), rec.ID, rec.MessageID, rec.Attempts)
		}
		for _, m := range mails {
			if to, err := mail.ParseAddress(m.to); err != nil || to.Address != rec.To {
				return fmt.Errorf("mail %s accepted for %q; its digest %s is for %s", msgID, m.to, rec.ID, rec.To)
			}
		}
	}
	for msgID, v := range acks {
		a, err := parseDigestAck(msgID, v)
		if err != nil {
			return err
		}
		mails := received[msgID]
		if len(mails) == 0 {
			return fmt.Errorf("acknowledged digest %s (%s) never reached the SMTP server", a.digest, msgID)
		}
		for _, m := range mails {
			if m.at.After(a.at) {
				return fmt.Errorf("acknowledged digest %s (%s) sent again %s after its acknowledgement", a.digest, msgID, m.at.Sub(a.at))
			}
		}
	}
	return nil
}

// resent counts the mails the server accepted and the Message-IDs it
// accepted more than once.
func (in *crashInbox) resent() (mails, twice int) {
	for _, ms := range in.byMessageID() {
		mails += len(ms)
		if len(ms) > 1 {
			twice++
		}
	}
	return mails, twice
}
