package index

import (
	"fmt"
	"sort"
	"strings"

	"fabrique/data"
)

// methodTitles name the methods in both languages of the report.
var methodTitles = map[string]string{
	MethodMatcher:    "Fabrique (appariement / matcher)",
	MethodGeographic: "distance seule / geographic ranking",
	MethodSectorRule: "règle sectorielle CPV↔NAF / sector rule",
	MethodCurated:    "Fabrique, table CPV↔NAF seule / curated only",
	MethodNoTrack:    "Fabrique, sans références / no track record",
}

// String prints the report as a table, in French and English.
func (r EvalReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Évaluation sur %d marchés attribués réels / evaluation on %d real awards\n", r.Awards, r.Awards)
	fmt.Fprintf(&b, "(%d écartés, titulaire hors annuaire / skipped, winner not in the directory; %d doublons / duplicates; "+
		"%d republiés par l'acheteur / republished by the buyer; profondeur / depth %d)\n",
		r.Outside, r.Duplicates, r.Republished, r.Depth)
	if r.NoCPV {
		b.WriteString("sans code CPV : les mots et le lieu seulement / without CPV codes: words and place only\n")
	}
	fmt.Fprintf(&b, "Liens CPV↔NAF appris en validation croisée groupée par titulaire (%d plis) : chaque marché est classé\n"+
		"avec les liens appris des marchés des autres titulaires seulement (%.1f couples marché-titulaire en moyenne sur %d).\n"+
		"Cross-validated, grouped by winner (%d folds, leave one winner out): every figure below is held out.\n",
		r.Learning.Folds, r.Learning.MeanHeldOut, r.Learning.Evidence, r.Learning.Folds)
	fmt.Fprintf(&b, "Références des titulaires / track record: %d entreprises, %d marchés ; coupées à la date de chaque marché,\n"+
		"sans le marché lui-même / cut at each award's date, without the award itself: %d marchés sur %d ont un titulaire\n"+
		"avec un marché antérieur de la même division / have a winner with an earlier award of the division;\n"+
		"parmi eux / of those, titulaire dans les 10 premiers / winner in the first 10: %d, dans les 50 / in the first 50: %d;\n"+
		"%d avec un marché antérieur du même acheteur / with an earlier award of the same buyer, titulaire premier / winner first: %d.\n",
		r.Track.Companies, r.Track.Awards, r.Track.WithHistory, r.Awards, r.Track.Found10, r.Track.Found50,
		r.Track.SameBuyer, r.Track.SameBuyerFirst)
	fmt.Fprintf(&b, "%-46s %10s %10s %7s\n", "méthode / method", "rappel@10", "rappel@50", "MRR")
	fmt.Fprintf(&b, "%-46s %10s %10s %7s\n", "", "recall@10", "recall@50", "")
	for _, m := range r.Methods {
		title := methodTitles[m.Name]
		if title == "" {
			title = m.Name
		}
		fmt.Fprintf(&b, "%-46s %10.3f %10.3f %7.3f\n", title, m.Recall10, m.Recall50, m.MRR)
	}
	fmt.Fprintf(&b, "%-46s %10.3f %10s %7.3f\n", "Fabrique, métier du titulaire choisi / its trade", r.Trade.Recall10, "", r.Trade.MRR)
	fmt.Fprintf(&b, "%-46s %10.3f %10s %7.3f\n", "ce métier par distance seule / by distance", r.Trade.NearestRecall10, "", r.Trade.NearestMRR)
	fmt.Fprintf(&b, "  (le corps d'état choisi sur la liste : rappel@20 %.3f, %d entreprises par métier en médiane /\n"+
		"   the trade chosen on the shortlist: recall@20 %.3f, median trade ranking of %d companies)\n",
		r.Trade.Recall20, r.Trade.MedianSize, r.Trade.Recall20, r.Trade.MedianSize)
	if len(r.Levels) > 0 {
		b.WriteString("\nConfiance / confidence: part des titulaires dans le groupe, taille moyenne du groupe\n")
		b.WriteString("                         share of winners in the group, mean group size\n")
		for _, l := range r.Levels {
			fmt.Fprintf(&b, "  %-8s %5.1f %%  %6.1f\n", l.Name, 100*l.WinnerShare, l.MeanSize)
		}
		fmt.Fprintf(&b, "« %s » : %d classements / rankings (titulaire trouvé quand même / winner still found: %d)\n",
			data.NoGoodMatch, r.NoGood, r.NoGoodFound)
	}
	if len(r.Causes) > 0 {
		fmt.Fprintf(&b, "\nTitulaires hors des %d premiers / winners outside the first %d:\n", r.Depth, r.Depth)
		kinds := make([]string, 0, len(r.Causes))
		for k := range r.Causes {
			kinds = append(kinds, k)
		}
		sort.Slice(kinds, func(i, j int) bool {
			if r.Causes[kinds[i]] != r.Causes[kinds[j]] {
				return r.Causes[kinds[i]] > r.Causes[kinds[j]]
			}
			return kinds[i] < kinds[j]
		})
		for _, k := range kinds {
			fmt.Fprintf(&b, "  %3d  %s\n", r.Causes[k], k)
		}
		for _, row := range r.Rows {
			if row.Cause != "" {
				fmt.Fprintf(&b, "       %s — %s (%s) : %s\n", truncateUTF8(row.Object, 60), row.Winner, row.Place, row.Cause)
			}
		}
	}
	writeExplained(&b, r.Rows)
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
