package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

//go:embed templates
var templateFiles embed.FS

// layoutFile is the base layout every page is rendered into; each other
// file of templates/ is a page that defines "title" and "content".
const layoutFile = "templates/layout.html"

// Layout holds what the base layout shows around every page. Page structs
// embed it.
type Layout struct {
	Title   string // the page's own title, without the site name
	Nav     []NavItem
	Version string
	// CSRF is the token every form sends as the hidden field _csrf
	// (csrf.go); filled by render.
	CSRF string
	// Account is the signed-in account, nil when anonymous; filled by
	// render.
	Account *SignedIn
}

// fieldsToCorrect is what the title of a form sent back with n errors
// adds: a screen reader reads the title first.
func fieldsToCorrect(n int) string {
	return " : " + pluralFR(n, "champ à corriger", "champs à corriger")
}

func (l *Layout) layout() *Layout { return l }

// page is a typed page struct: it embeds Layout.
type page interface{ layout() *Layout }

// renderer holds one parsed template set per page.
type renderer struct {
	pages map[string]*template.Template // page name ("home") → layout + page
}

func parseTemplates(a *assets) (*renderer, error) {
	funcs := template.FuncMap{"asset": a.URL, "number": formatNumber, "plural": pluralFR}
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, layoutFile)
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	// Partials: small templates any page may include by name.
	if base, err = base.ParseFS(templateFiles, "templates/partials/*.html"); err != nil {
		return nil, fmt.Errorf("web: parse partials: %w", err)
	}
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: list templates: %w", err)
	}
	r := &renderer{pages: map[string]*template.Template{}}
	for _, f := range files {
		if f == layoutFile {
			continue
		}
		t, err := base.Clone()
		if err == nil {
			t, err = t.ParseFS(templateFiles, f)
		}
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", f, err)
		}
		r.pages[strings.TrimSuffix(path.Base(f), ".html")] = t
	}
	return r, nil
}

// render executes page name into a buffer, then sends it with status. A
// template error is returned before anything is written.
func (s *Server) render(c *fiber.Ctx, status int, name string, p page) error {
	t, ok := s.pages.pages[name]
	if !ok {
		return fmt.Errorf("web: no template %q", name)
	}
	l := p.layout()
	l.Nav = s.navFor(c.Path())
	l.Version = s.cfg.Version
	l.CSRF, l.Account = s.csrfToken(c), s.signedIn(c)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}
