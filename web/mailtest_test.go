package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	fmail "fabrique/web/mail"
)

// receivedMail is one mail the test SMTP server accepted, decoded.
type receivedMail struct {
	From    string
	To      []string
	Header  mail.Header
	Subject string
	Text    string
	HTML    string
	Raw     string
}

// testSMTP is an SMTP server on loopback that keeps what it receives.
type testSMTP struct {
	mu    sync.Mutex
	mails []receivedMail
	errs  []error
}

type testSMTPSession struct {
	srv  *testSMTP
	from string
	to   []string
}

func (s *testSMTPSession) Reset()        { s.from, s.to = "", nil }
func (s *testSMTPSession) Logout() error { return nil }
func (s *testSMTPSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *testSMTPSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *testSMTPSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := decodeMail(raw)
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	if err != nil {
		s.srv.errs = append(s.srv.errs, err)
		return err
	}
	m.From, m.To = s.from, append([]string(nil), s.to...)
	s.srv.mails = append(s.srv.mails, m)
	return nil
}

// startTestSMTP starts an SMTP server on loopback for the test and returns
// its address and a function that lists the mails received so far.
func startTestSMTP(t testing.TB) (addr string, inbox func() []receivedMail) {
	t.Helper()
	ts := &testSMTP{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &testSMTPSession{srv: ts}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() {
		_ = srv.Close()
		ts.mu.Lock()
		defer ts.mu.Unlock()
		for _, err := range ts.errs {
			t.Errorf("test SMTP server: undecodable mail: %v", err)
		}
	})
	return ln.Addr().String(), func() []receivedMail {
		ts.mu.Lock()
		defer ts.mu.Unlock()
		return append([]receivedMail(nil), ts.mails...)
	}
}

// testSMTPSender is a mail.SMTP sender to the test server, without TLS.
func testSMTPSender(t testing.TB, addr string) *fmail.SMTP {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	var p int
	for _, r := range port {
		p = p*10 + int(r-'0')
	}
	snd, err := fmail.NewSMTP(fmail.SMTPConfig{Host: host, Port: p, TLS: fmail.TLSNone, From: "Fabrique <ne-pas-repondre@fabrique.test>"})
	if err != nil {
		t.Fatal(err)
	}
	return snd
}

// decodeMail parses a received message: headers, subject, text and HTML
// parts, transfer encodings undone.
func decodeMail(raw []byte) (receivedMail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return receivedMail{}, err
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return receivedMail{}, err
	}
	m := receivedMail{Header: msg.Header, Subject: subject, Raw: string(raw)}
	err = readPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, &m)
	return m, err
}

func readPart(contentType, encoding string, body io.Reader, m *receivedMail) error {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := readPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, m); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	switch mt {
	case "text/plain":
		m.Text = string(b)
	case "text/html":
		m.HTML = string(b)
	}
	return nil
}

var linkRe = regexp.MustCompile(`https?://[^\s"<>]+`)

// linkIn returns the first link of a mail's text that contains part.
func linkIn(t testing.TB, m receivedMail, part string) string {
	t.Helper()
	for _, l := range linkRe.FindAllString(m.Text, -1) {
		if strings.Contains(l, part) {
			return l
		}
	}
	t.Fatalf("no link with %q in the mail %q:\n%s", part, m.Subject, m.Text)
	return ""
}

// waitMail waits for the n-th mail (1-based) of inbox.
func waitMail(t testing.TB, inbox func() []receivedMail, n int) receivedMail {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // generous: a loaded machine under -race
	for {
		if ms := inbox(); len(ms) >= n {
			return ms[n-1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("mail %d not received in time (%d received)", n, len(inbox()))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
