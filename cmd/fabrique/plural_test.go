package main

import (
	"strings"
	"testing"
	"time"

	"fabrique/crawler"
	"fabrique/data"
)

// TestCommandCountsAgree: the counts the commands print follow
// data.CountFR, singular at 0 and 1 (« 0 appel d'offres ouvert », « 1 page
// traitée », « 0 erreur »).
func TestCommandCountsAgree(t *testing.T) {
	var b strings.Builder
	progressPrinter(&b)(crawler.Progress{Source: "epv", PagesDone: 1, PagesQueued: 3, Rate: 1, Listings: 1})
	if want := "[epv] 1 page traitée, 3 en attente, 1.0 pages/s, 0 erreur, 1 fiche\n"; b.String() != want {
		t.Errorf("crawl progress = %q, want %q", b.String(), want)
	}

	out, _, err := runCmd(t, env(), "stats", "snapshot", "--data", newDataDir(t))
	want := "Relevé du " + data.SnapshotDay(time.Now()) + " enregistré : 1291 entreprises, "
	if err != nil || !strings.Contains(out, want) ||
		!strings.Contains(out, "0 appel d'offres ouvert (0 sans fournisseur capable), 0 marché attribué (0 remporté par des labellisées).") {
		t.Errorf("stats snapshot: %v\n%s", err, out)
	}
}
