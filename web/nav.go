package web

// navEntry is one link of the main navigation.
type navEntry struct {
	Label string // French, as shown
	Path  string
}

// navigation lists the main sections in display order. Sections whose route
// is not registered yet (routes.go) are left out of the header, so that the
// navigation never links to a missing page.
func navigation() []navEntry {
	return []navEntry{
		{"Accueil", "/"},
		{"Rechercher des fournisseurs", "/recherche"},
		{"Appels d'offres", "/appels-d-offres"},
		{"Nouveau besoin", "/besoin"},
		{"API", "/api"},
	}
}

// visibleNav keeps the navigation entries that have a GET route.
func visibleNav(routes []route) []navEntry {
	served := make(map[string]bool, len(routes))
	for _, r := range routes {
		if r.method == "GET" {
			served[r.path] = true
		}
	}
	var out []navEntry
	for _, e := range navigation() {
		if served[e.Path] {
			out = append(out, e)
		}
	}
	return out
}

// NavItem is a navigation link as the layout template sees it.
type NavItem struct {
	Label   string
	Path    string
	Current bool // the page being shown is this section
}

// navFor marks the entry of the current section.
func (s *Server) navFor(path string) []NavItem {
	items := make([]NavItem, len(s.nav))
	for i, e := range s.nav {
		current := path == e.Path
		if e.Path != "/" && len(path) > len(e.Path) && path[:len(e.Path)+1] == e.Path+"/" {
			current = true
		}
		items[i] = NavItem{Label: e.Label, Path: e.Path, Current: current}
	}
	return items
}
