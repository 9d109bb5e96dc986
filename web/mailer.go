package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"fabrique/web/mail"
)

//go:embed templates/mail
var mailFiles embed.FS

// mailTemplates holds the mails, parsed at start-up: NAME.txt
// (text/template, first line "Subject: …") and NAME.html (html/template,
// rendered into templates/mail/layout.html).
type mailTemplates struct {
	text *texttemplate.Template
	html map[string]*htmltemplate.Template
}

func parseMailTemplates() (*mailTemplates, error) {
	text, err := texttemplate.ParseFS(mailFiles, "templates/mail/*.txt")
	if err != nil {
		return nil, fmt.Errorf("web: parse mail texts: %w", err)
	}
	m := &mailTemplates{text: text, html: map[string]*htmltemplate.Template{}}
	for _, t := range text.Templates() {
		name := strings.TrimSuffix(t.Name(), ".txt")
		h, err := htmltemplate.ParseFS(mailFiles, "templates/mail/layout.html", "templates/mail/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse mail %s.html: %w", name, err)
		}
		m.html[name] = h
	}
	return m, nil
}

// mailData is what every mail template gets: the site's address and the
// caller's data.
type mailData struct {
	Site string // absolute base URL, without trailing slash
	To   string
	// Subject is the text's subject, the HTML's <title>: a mail opened
	// as a page (a browser, a client's « view source » or print) says
	// what it is (WCAG 2.4.2).
	Subject string
	Data    any
}

// sendMail renders templates/mail/NAME.txt and NAME.html with data and
// sends them to one address. The subject is the text's first line,
// "Subject: …"; absolute links use s.baseURL().
func (s *Server) sendMail(ctx context.Context, to, name string, data any) error {
	msg, err := s.renderMail(to, name, data)
	if err != nil {
		return err
	}
	if err := s.mail.Send(ctx, msg); err != nil {
		return fmt.Errorf("web: mail %s: %w", name, err)
	}
	return nil
}

func (s *Server) renderMail(to, name string, data any) (mail.Message, error) {
	h, ok := s.mails.html[name]
	if !ok {
		return mail.Message{}, fmt.Errorf("web: no mail template %q", name)
	}
	d := mailData{Site: s.baseURL(), To: to, Data: data}
	var text, html bytes.Buffer
	if err := s.mails.text.ExecuteTemplate(&text, name+".txt", d); err != nil {
		return mail.Message{}, fmt.Errorf("web: render mail %s.txt: %w", name, err)
	}
	first, body, _ := strings.Cut(text.String(), "\n")
	subject, ok := strings.CutPrefix(first, "Subject: ")
	if !ok {
		return mail.Message{}, fmt.Errorf("web: mail %s.txt must start with \"Subject: \"", name)
	}
	d.Subject = strings.TrimSpace(subject)
	if err := h.ExecuteTemplate(&html, "layout.html", d); err != nil {
		return mail.Message{}, fmt.Errorf("web: render mail %s.html: %w", name, err)
	}
	return mail.Message{To: to, Subject: d.Subject, Text: strings.TrimLeft(body, "\n"), HTML: html.String(),
		Headers: map[string]string{"X-Fabrique-Mail": name}}, nil
}
