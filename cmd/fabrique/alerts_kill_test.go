package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"fabrique/crawler/notice"
	"fabrique/data"
	"fabrique/data/store"
)

// Environment of the serve child of TestAlertsKillServe.
const (
	alertsChildData = "FABRIQUE_ALERTS_CHILD_DATA"
	alertsChildSMTP = "FABRIQUE_ALERTS_CHILD_SMTP"
)

// TestAlertsServeChild is the process TestAlertsKillServe kills: the real
// program's serve, mailing through the test's SMTP server.
func TestAlertsServeChild(t *testing.T) {
	dir := os.Getenv(alertsChildData)
	if dir == "" {
		t.Skip("child process of TestAlertsKillServe")
	}
	host, port, _ := net.SplitHostPort(os.Getenv(alertsChildSMTP))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--public-url", "https://fabrique.test",
		"--smtp-host", host, "--smtp-port", port, "--smtp-tls", "none", "--alerts-every", "1h"}, env(), os.Stdout, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
}

// holdingSMTP is an SMTP server that keeps the mails it accepted and
// holds the first MAIL command that comes after holdAfter mails until
// released: the sender waits in the middle of the exchange, before the
// message is transferred.
type holdingSMTP struct {
	mu        sync.Mutex
	mails     []*mail.Message
	holdAfter int
	didHold   bool
	held      chan struct{} // closed when a MAIL command is held
	release   chan struct{}
}

type holdingSession struct{ srv *holdingSMTP }

func (s *holdingSession) Reset()        {}
func (s *holdingSession) Logout() error { return nil }
func (s *holdingSession) Mail(string, *smtp.MailOptions) error {
	s.srv.mu.Lock()
	hold := !s.srv.didHold && len(s.srv.mails) >= s.srv.holdAfter
	s.srv.didHold = s.srv.didHold || hold
	s.srv.mu.Unlock()
	if hold {
		close(s.srv.held)
		<-s.srv.release
		return errors.New("released after the sender was killed")
	}
	return nil
}
func (s *holdingSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *holdingSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	if _, err := io.ReadAll(m.Body); err != nil {
		return err
	}
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	s.srv.mails = append(s.srv.mails, m)
	return nil
}

func (h *holdingSMTP) received() []*mail.Message {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*mail.Message(nil), h.mails...)
}

func startHoldingSMTP(t *testing.T, holdAfter int) (*holdingSMTP, string) {
	t.Helper()
	h := &holdingSMTP{holdAfter: holdAfter, held: make(chan struct{}), release: make(chan struct{})}
	return h, serveSMTP(t, func() smtp.Session { return &holdingSession{srv: h} }) // crash_digest_test.go
}

// alertsFixture fills a data directory: one company (so that serve does
// not load the EPV list), two real notices published an hour ago and, for
// each of n confirmed accounts, an immediate profile that selects them.
func alertsFixture(t *testing.T, dir string, n int) []data.Account {
	t.Helper()
	ctx := context.Background()
	putSupplier(t, dir, "Atelier témoin")
	st, err := store.Open(dbFile(dir), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now().UTC()
	var cpv []data.AlertCPV
	for i, name := range []string{"cn_24_open.xml", "cn_24_FRA_comments.xml"} {
		f, err := os.Open(filepath.Join("..", "..", "crawler", "notice", "testdata", "eforms", name))
		if err != nil {
			t.Fatal(err)
		}
		res, err := notice.ParseEForms(f, notice.Options{Now: time.Now})
		f.Close()
		if err != nil || len(res.Tenders) != 1 {
			t.Fatalf("%s: %v", name, err)
		}
		tn := res.Tenders[0]
		tn.PublishedAt, tn.Deadline, tn.Lots = now.Add(-time.Hour), now.AddDate(0, 0, 10+10*i), nil
		if _, _, err := st.FoldNotice(ctx, tn, "test:import"); err != nil {
			t.Fatal(err)
		}
		cpv = append(cpv, data.AlertCPV{Code: tn.CPV})
	}
	var accounts []data.Account
	for i := range n {
		a := data.Account{ID: "acc-" + strconv.Itoa(i+1), Email: "pmi" + strconv.Itoa(i+1) + "@example.fr", Role: data.RoleSupplier, Verified: true}
		if err := st.PutAccount(ctx, a, "test"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.PutAlertProfile(ctx, data.AlertProfile{AccountID: a.ID, Name: "Profil " + strconv.Itoa(i+1),
			CPV: cpv, Frequency: data.AlertImmediate}); err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, a)
	}
	time.Sleep(10 * time.Millisecond) // the profiles are due strictly after their creation
	return accounts
}

// TestAlertsKillServe kills serve with SIGKILL while it is in the middle
// of an SMTP exchange of its digest run, starts it again, and checks that
// each due digest arrived exactly once, the interrupted one with the
// Message-ID recorded before the kill.
func TestAlertsKillServe(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	accounts := alertsFixture(t, dir, 3)
	h, addr := startHoldingSMTP(t, 1)

	child := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestAlertsServeChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), alertsChildData+"="+dir, alertsChildSMTP+"="+addr)
		var out syncBuffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			if t.Failed() {
				t.Logf("serve's output:\n%s", out.String())
			}
		})
		return cmd
	}

	// First run: the first account's digest goes through, the second's
	// MAIL command is held, and serve is killed there.
	first := child()
	select {
	case <-h.held:
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not reach the second digest's SMTP exchange in 30 s")
	}
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	close(h.release)
	if got := len(h.received()); got != 1 {
		t.Fatalf("%d mails before the kill, want 1", got)
	}

	// Second run: the interrupted digest is sent again, the third account
	// gets its own, the first gets nothing more.
	second := child()
	deadline := time.Now().Add(30 * time.Second)
	for len(h.received()) < len(accounts) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond) // would a duplicate follow?
	_ = second.Process.Signal(syscall.SIGTERM)
	_ = second.Wait()

	mails := h.received()
	per := map[string]int{}
	ids := map[string]string{}
	for _, m := range mails {
		to, err := mail.ParseAddress(m.Header.Get("To"))
		if err != nil {
			t.Fatalf("To %q: %v", m.Header.Get("To"), err)
		}
		per[to.Address]++
		ids[to.Address] = m.Header.Get("Message-ID")
	}
	for _, a := range accounts {
		if per[a.Email] != 1 {
			t.Errorf("%s received %d digests, want 1 (all: %v)", a.Email, per[a.Email], per)
		}
	}
	if len(mails) != len(accounts) {
		t.Errorf("%d mails, want %d", len(mails), len(accounts))
	}

	st, err := store.Open(dbFile(dir), store.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if pending, _ := st.PendingDigests(ctx); len(pending) != 0 {
		t.Errorf("%d digests still pending", len(pending))
	}
	interrupted := 0
	for _, m := range mails {
		rec, err := st.Digest(ctx, m.Header.Get("X-Fabrique-Digest"))
		if err != nil {
			t.Fatalf("digest of %s: %v", m.Header.Get("To"), err)
		}
		if rec.State != data.DigestSent || "<"+rec.MessageID+">" != m.Header.Get("Message-ID") {
			t.Errorf("%s: record %s with Message-ID %q, mail's %q", rec.AccountID, rec.State, rec.MessageID, m.Header.Get("Message-ID"))
		}
		if rec.Interrupted == 1 {
			interrupted++
			if rec.AccountID != accounts[1].ID || rec.Attempts != 2 {
				t.Errorf("interrupted digest of %s after %d attempts; want %s's, 2 attempts", rec.AccountID, rec.Attempts, accounts[1].ID)
			}
		}
	}
	if interrupted != 1 {
		t.Errorf("%d digests sent again after the kill, want 1", interrupted)
	}
	if !strings.HasPrefix(ids[accounts[1].Email], "<alerte-") {
		t.Errorf("Message-ID %q", ids[accounts[1].Email])
	}
}

// TestAlertsSendCommand runs alerts send, dry then for real (to the
// outbox, without --smtp-host; the public URL from the environment), then
// again.
func TestAlertsSendCommand(t *testing.T) {
	dir := t.TempDir()
	accounts := alertsFixture(t, dir, 1)
	out, _, err := runCmd(t, env(), "alerts", "send", "--dry-run", "--data", dir)
	if err != nil || !strings.Contains(out, accounts[0].Email+" — 2 appels d'offres (serait envoyé) — alertes : Profil 1") ||
		!strings.Contains(out, "Nouveaux appels d'offres") || !strings.Contains(out, "rien n'a été envoyé ni écrit") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	outbox := func() []data.OutboxMail {
		st, err := store.Open(dbFile(dir), store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if pending, _ := st.PendingDigests(context.Background()); len(pending) != 0 {
			t.Errorf("%d pending digests", len(pending))
		}
		mails, err := st.Outbox(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		}
		return mails
	}
	if n := len(outbox()); n != 0 {
		t.Fatalf("the dry run left %d mails in the outbox", n)
	}
	for i, want := range []string{"Alertes : 1 envoyée (dont 0 reprise", "Alertes : 0 envoyée (dont 0 reprise"} {
		out, _, err := runCmd(t, env("FABRIQUE_PUBLIC_URL", "https://fabrique.test"), "alerts", "send", "--data", dir)
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("run %d: %v; want %q in\n%s", i+1, err, want, out)
		}
	}
	mails := outbox()
	if len(mails) != 1 || mails[0].To != accounts[0].Email || mails[0].Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" ||
		!strings.HasPrefix(mails[0].Headers["List-Unsubscribe"], "<https://fabrique.test/alertes/desinscription/") {
		t.Errorf("outbox %+v", mails)
	}
	if _, _, err := runCmd(t, env(), "alerts", "resend", "--data", dir); err == nil || exitCode(err) != 2 {
		t.Errorf("unknown action: %v", err)
	}
	if _, _, err := runCmd(t, env(), "serve", "--data", dir, "--alerts-every", "soon"); err == nil || exitCode(err) != 2 {
		t.Errorf("serve --alerts-every soon: %v", err)
	}
}
