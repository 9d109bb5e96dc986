package index

import (
	"fmt"
	"strings"
)

// methodTitles name the methods in both languages of the report.
var methodTitles = map[string]string{
	MethodMatcher:    "Fabrique (appariement / matcher)",
	MethodGeographic: "distance seule / geographic ranking",
	MethodSectorRule: "règle sectorielle CPV↔NAF / sector rule",
}

// String prints the report as a table, in French and English.
func (r EvalReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Évaluation sur %d marchés attribués réels / evaluation on %d real awards\n", r.Awards, r.Awards)
	fmt.Fprintf(&b, "(%d écartés, titulaire hors annuaire / skipped, winner not in the directory; %d doublons / duplicates; profondeur / depth %d)\n",
		r.Outside, r.Duplicates, r.Depth)
	fmt.Fprintf(&b, "%-42s %10s %10s %7s\n", "méthode / method", "rappel@10", "rappel@50", "MRR")
	fmt.Fprintf(&b, "%-42s %10s %10s %7s\n", "", "recall@10", "recall@50", "")
	for _, m := range r.Methods {
		title := methodTitles[m.Name]
		if title == "" {
			title = m.Name
		}
		fmt.Fprintf(&b, "%-42s %10.3f %10.3f %7.3f\n", title, m.Recall10, m.Recall50, m.MRR)
	}
	return b.String()
}

// Method returns the figures of the named method.
func (r EvalReport) Method(name string) (EvalMethod, bool) {
	for _, m := range r.Methods {
		if m.Name == name {
			return m, true
		}
	}
	return EvalMethod{}, false
}
