package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fabrique/crawler/mirror"
	"fabrique/data"
)

func TestImportDryRunJSON(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, err := runCmd(t, env(), "import", "--dry-run", "--json", "--data", dir, "testdata/notices")
	if code := exitCode(err); code != 3 {
		t.Fatalf("import of two valid notices and an invalid one: %v (exit status %d), want a partial import (3)\n%s", err, code, stderr)
	}
	var tenders []data.Tender
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var tt data.Tender
		if err := json.Unmarshal(sc.Bytes(), &tt); err != nil {
			t.Fatalf("stdout line is not one JSON tender: %v\n%s", err, sc.Text())
		}
		tenders = append(tenders, tt)
	}
	if len(tenders) != 2 {
		t.Fatalf("%d tenders on stdout, want 2 (the two valid notices)\n%s", len(tenders), stderr)
	}
	for _, tt := range tenders {
		if tt.Title == "" || tt.CPV == "" || !strings.HasPrefix(tt.ID, "ted:") {
			t.Errorf("tender %s: title %q CPV %q; want both, and a ted: id", tt.ID, tt.Title, tt.CPV)
		}
	}
	if !strings.Contains(stderr, "INVALID_cn_24_empty.xml") || !strings.Contains(stderr, "✗") {
		t.Errorf("the invalid notice is not reported as rejected:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "fabrique.db")); !os.IsNotExist(err) {
		t.Errorf("--dry-run created the database (stat: %v)", err)
	}
}

func TestImportStoresAndIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCmd(t, env(), "import", "--data", dir, "testdata/notices/cn_81_FRA.xml")
	if err != nil || !strings.Contains(out, "enregistré") {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	out, _, err = runCmd(t, env(), "import", "--data", dir, "testdata/notices/cn_81_FRA.xml")
	if err != nil || !strings.Contains(out, "déjà importé") {
		t.Fatalf("second import should find the notice already imported: %v\n%s", err, out)
	}
	_, _, err = runCmd(t, env(), "import", "--data", dir, "testdata/notices/INVALID_cn_24_empty.xml")
	if code := exitCode(err); code != 1 {
		t.Errorf("importing only an invalid notice: %v (exit status %d), want an error (1)", err, code)
	}
}

// TestImportPartialKeepsTheValidNotices: a run where some notices are
// refused stores the others and exits with status 3, not 0, so that a
// scheduled import does not hide its refusals.
func TestImportPartialKeepsTheValidNotices(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCmd(t, env(), "import", "--data", dir, "testdata/notices")
	if code := exitCode(err); code != 3 || !strings.HasPrefix(err.Error(), "import partiel : 1 fichier refusé (détail ci-dessus), les autres sont enregistrés") {
		t.Fatalf("import of a directory with one invalid notice: %v (exit status %d), want « import partiel : 1 fichier refusé … » and 3\n%s", err, code, out)
	}
	// The summary counts the refused file where the partial error does,
	// with French plurals (the singular for 0 and 1), never « (s) ».
	const summary = "3 fichiers lus, dont 1 refusé ; 2 avis enregistrés (2 nouveaux ou modifiés, 0 déjà importé) ; 1 attribution ; 0 avis rejeté.\n"
	if !strings.Contains(out, summary) || strings.Contains(out, "(s)") {
		t.Errorf("import report, want the summary %q and no « (s) »:\n%s", summary, out)
	}
	// The valid notices were stored: importing them again finds them.
	again, _, err := runCmd(t, env(), "import", "--data", dir, "testdata/notices/cn_81_FRA.xml", "testdata/notices/can_81_FRA.xml")
	if err != nil || strings.Count(again, "· déjà importé\n") != 2 {
		t.Fatalf("the valid notices of the partial import are not all stored: %v\n%s", err, again)
	}
}

// TestImportUnrecognisedFile: a file of no known format is refused with
// a French reason, without the Go error chain (« notice: format inconnu:
// data: invalid » was printed), and the run's error still says invalid.
func TestImportUnrecognisedFile(t *testing.T) {
	in := t.TempDir()
	for name, body := range map[string]string{"notes.txt": "data\n", "page.xml": "<html/>", "cut.xml": "<ANNONCE><bad"} {
		if err := os.WriteFile(filepath.Join(in, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, _, err := runCmd(t, env(), "import", "--dry-run", "--data", t.TempDir(), in)
	if !errors.Is(err, data.ErrInvalid) || exitCode(err) != 1 {
		t.Errorf("import of files of no known format: %v (exit status %d), want data.ErrInvalid and 1", err, exitCode(err))
	}
	for _, want := range []string{
		"notes.txt : format non reconnu : ni XML, ni JSON, ni CSV des DECP\n",
		"page.xml : format non reconnu : racine XML <html> inconnue\n",
		"cut.xml : syntaxe invalide : XML mal formé à la ligne 1 : le document s'arrête au milieu (fichier tronqué ?)\n",
		"3 fichiers lus, dont 3 refusés ; 0 avis reconnu",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import report lacks %q:\n%s", want, out)
		}
	}
	for _, leak := range []string{"notice:", "data:", ": invalid", "syntax error"} {
		if strings.Contains(out, leak) || strings.Contains(err.Error(), leak) {
			t.Errorf("import report or error %q shows %q:\n%s", err, leak, out)
		}
	}
}

func TestMatchJSON(t *testing.T) {
	dir := newDataDir(t)
	need := `{"title": "Restauration des vitraux de l'église Saint-Pierre", "description": "Dépose, restauration et repose de vitraux anciens au plomb.", "cpv": ["45212350-4"], "departement": "35", "limit": 10}`
	f := filepath.Join(t.TempDir(), "need.json")
	if err := os.WriteFile(f, []byte(need), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runCmd(t, env(), "match", "--json", "--data", dir, f)
	if err != nil {
		t.Fatalf("match: %v\n%s", err, stderr)
	}
	var ans struct {
		Matches []struct {
			SIREN   string `json:"siren"`
			Name    string `json:"name"`
			Score   float64
			Reasons []struct {
				Kind string `json:"kind"`
				Text string `json:"text"`
			} `json:"reasons"`
		} `json:"matches"`
	}
	if err := json.Unmarshal([]byte(stdout), &ans); err != nil {
		t.Fatalf("stdout is not the match answer: %v\n%s", err, stdout)
	}
	if len(ans.Matches) == 0 || len(ans.Matches) > 10 {
		t.Fatalf("%d matches, want 1 to 10", len(ans.Matches))
	}
	top := ans.Matches[0]
	if len(top.Reasons) == 0 || top.Reasons[0].Text == "" {
		t.Errorf("top match %s has no French reason: %+v", top.Name, top.Reasons)
	}
	if !strings.Contains(strings.ToLower(top.Name), "vitra") {
		t.Errorf("top match for stained-glass restoration is %q, want a vitrail company", top.Name)
	}

	_, _, err = runCmd(t, env(), "match", "--json", "--data", dir, writeTemp(t, `{"title": "x", "cpv": ["45212350-9"]}`))
	if err == nil || !strings.Contains(err.Error(), "CPV") {
		t.Errorf("an invalid CPV gave %v, want an error naming the CPV", err)
	}
}

func writeTemp(t *testing.T, s string) string {
	f := filepath.Join(t.TempDir(), "in.json")
	if err := os.WriteFile(f, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestEvalAwards(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, err := runCmd(t, env(), "eval", "--data", dir, "awards",
		"../../index/testdata/match/decp_2024H2_travaux_cpv4521_titulaires_epv.csv")
	if err != nil {
		t.Fatalf("eval: %v\n%s", err, stderr)
	}
	for _, want := range []string{"recall@10", "recall@50", "MRR", "geographic ranking", "sector rule"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("eval report lacks %q:\n%s", want, stdout)
		}
	}
}

func TestCrawlMirrorThenLast(t *testing.T) {
	m := httptest.NewServer(mirror.New(mirror.Config{}).Handler())
	defer m.Close()
	dir := t.TempDir()
	cfg := writeTemp(t, `{"politeness": {"no_delay": true}}`)
	stdout, stderr, err := runCmd(t, env(), "crawl", "--data", dir, "--source", "epv", "--base-url", m.URL, "--config", cfg)
	if err != nil {
		t.Fatalf("crawl: %v\n%s\n%s", err, stdout, stderr)
	}
	if !strings.Contains(stdout, "1291") && !strings.Contains(stdout, "1 291") {
		t.Errorf("crawl report does not count the 1 291 EPV companies:\n%s", stdout)
	}
	last, _, err := runCmd(t, env(), "crawl", "--data", dir, "--last")
	if err != nil || strings.TrimSpace(last) != strings.TrimSpace(stdout) {
		t.Errorf("crawl --last = %v\n%s\nwant the report of the run:\n%s", err, last, stdout)
	}
}

func TestImportFeedsFromMirror(t *testing.T) {
	m := httptest.NewServer(mirror.New(mirror.Config{}).Handler())
	defer m.Close()
	dir := t.TempDir()
	cfg := writeTemp(t, `{"politeness": {"no_delay": true}}`)
	for _, feed := range []string{"boamp", "ted"} {
		out, stderr, err := runCmd(t, env(), "import", "--data", dir, "--feed", feed, "--base-url", m.URL, "--config", cfg)
		if feed == "ted" {
			// The eForms SDK's examples give one procedure UUID to notices
			// of unrelated buyers: three of them are refused, each with its
			// reason in French, and the import is partial (exit 3).
			var pe *partialError
			if !errors.As(err, &pe) || strings.Count(out, "sans acheteur commun") != 3 || strings.Contains(out, "data: conflict") {
				t.Fatalf("import --feed ted: %v, want a partial import with the three SDK notices refused in French:\n%s\n%s", err, out, stderr)
			}
		} else if err != nil {
			t.Fatalf("import --feed %s: %v\n%s\n%s", feed, err, out, stderr)
		}
		if !strings.Contains(out, "enregistré") || strings.Contains(out, "Flux "+feed+" : 0 avis") {
			t.Errorf("import --feed %s stored nothing:\n%s", feed, out)
		}
		// The last line counts the feed's notices, as the line above it
		// (it said « 0 fichier lu ; 0 avis enregistré » after 90 of them).
		n := strings.Count("\n"+out, "\n  ✓ ")
		if want := fmt.Sprintf(" ; %d avis enregistrés (", n); n < 2 || !strings.Contains(out, want) ||
			!strings.Contains(out, "\nflux "+feed+" : ") || strings.Contains(out, "fichier lu") {
			t.Errorf("import --feed %s: summary does not count the %d notices (want %q):\n%s", feed, n, want, out)
		}
		again, _, err := runCmd(t, env(), "import", "--data", dir, "--feed", feed, "--base-url", m.URL, "--config", cfg)
		if err != nil || !strings.Contains(again, "Flux "+feed+" : 0 avis") {
			t.Errorf("a second import of the %s feed should change nothing (304s): %v\n%s", feed, err, again)
		}
	}
	if _, _, err := runCmd(t, env(), "import", "--data", dir, "--feed", "ted"); err == nil {
		t.Errorf("the TED feed without --base-url should be refused: it has no default address")
	}

	// A feed whose host is down: a French message, the Go chain in the log.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	_, stderr, err := runCmd(t, env(), "import", "--data", dir, "--feed", "boamp", "--base-url", dead,
		"--config", writeTemp(t, fastRetries), "--log-level", "debug")
	if exitCode(err) != 1 || !strings.Contains(err.Error(), "erreur réseau — connexion refusée par le serveur") ||
		strings.Contains(err.Error(), "crawler:") || strings.Contains(err.Error(), "connection refused") {
		t.Errorf("import --feed of a dead host: %v (exit %d), want a French message", err, exitCode(err))
	}
	if !strings.Contains(stderr, "connection refused") {
		t.Errorf("the debug log lacks the Go error:\n%s", stderr)
	}
}
