package main

import (
	"context"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// TestAlertsSendNeedsPublicURL: alerts send listens nowhere, so without
// --public-url (or FABRIQUE_PUBLIC_URL) it refuses to send, rather than
// mail links to serve's default address and record the digest as sent;
// the dry run only warns. With the variable, the links and the sender
// follow the public address, and the digest refused before goes out then.
func TestAlertsSendNeedsPublicURL(t *testing.T) {
	dir := t.TempDir()
	accounts := alertsFixture(t, dir, 1)
	inbox, addr := startHoldingSMTP(t, 100)
	host, port, _ := net.SplitHostPort(addr)
	smtpArgs := []string{"alerts", "send", "--data", dir, "--smtp-host", host, "--smtp-port", port, "--smtp-tls", "none"}

	_, _, err := runCmd(t, env(), smtpArgs...)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "--public-url") || !strings.Contains(err.Error(), "FABRIQUE_PUBLIC_URL") {
		t.Fatalf("alerts send without a public URL: %v (status %d), want a refusal naming --public-url and FABRIQUE_PUBLIC_URL", err, exitCode(err))
	}
	if n := len(inbox.received()); n != 0 {
		t.Fatalf("%d mails sent without a public URL", n)
	}

	out, stderr, err := runCmd(t, env(), "alerts", "send", "--dry-run", "--data", dir)
	if err != nil || !strings.Contains(out, accounts[0].Email+" — 2 appels d'offres (serait envoyé)") || !strings.Contains(stderr, "--public-url") {
		t.Fatalf("dry run without a public URL: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr)
	}

	out, _, err = runCmd(t, env("FABRIQUE_PUBLIC_URL", "https://fabrique.exemple.fr"), smtpArgs...)
	if err != nil || !strings.Contains(out, "Alertes : 1 envoyée") {
		t.Fatalf("alerts send with FABRIQUE_PUBLIC_URL: %v\n%s", err, out)
	}
	mails := inbox.received()
	if len(mails) != 1 {
		t.Fatalf("%d mails, want the digest refused earlier", len(mails))
	}
	if got := mails[0].Header.Get("List-Unsubscribe"); !strings.HasPrefix(got, "<https://fabrique.exemple.fr/alertes/desinscription/") {
		t.Errorf("List-Unsubscribe = %q, want the public address", got)
	}
	if got := mails[0].Header.Get("From"); !strings.Contains(got, "ne-pas-repondre@fabrique.exemple.fr") {
		t.Errorf("From = %q, want ne-pas-repondre@ the public host", got)
	}
}

// TestServeSMTPNeedsPublicURL: serve derives its links from the listen
// address, which is right for the outbox (read on that server) but not
// for mail that leaves by SMTP: it refuses to start, before opening the
// store.
func TestServeSMTPNeedsPublicURL(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second) // a serve that starts stops by itself
	defer cancel()
	err := run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--smtp-host", "127.0.0.1", "--smtp-tls", "none"},
		env(), io.Discard, io.Discard)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "--public-url") {
		t.Fatalf("serve --smtp-host without a public URL: %v (status %d), want a refusal naming --public-url", err, exitCode(err))
	}
	if _, err := os.Stat(dbFile(dir)); !os.IsNotExist(err) {
		t.Errorf("the refusal came after the store was opened (stat: %v)", err)
	}
}
