package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"

	"fabrique/data"
)

// The import reports bad input clearly and loses nothing else: these
// tests run the command on inputs a QA pass broke on purpose.

// reportHas fails the test for each piece of text the import report lacks.
func reportHas(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

// TestImportDECPCSVBrokenQuote: one line with an unclosed quote after the
// header of the real extract is reported by its number, every other line
// is kept, and the run exits 3 (some refused, the others kept).
func TestImportDECPCSVBrokenQuote(t *testing.T) {
	b, err := os.ReadFile("../../crawler/notice/testdata/decp/decp_2024H2_travaux_cpv4521_titulaires.csv")
	if err != nil {
		t.Fatal(err)
	}
	header, rest, _ := bytes.Cut(b, []byte("\n"))
	broken := "99999999999991X2,X2,Travaux,45421000,21500000000012,\"MAIRIE non fermée,82069844700019,MENUISERIE RATEL,45000,2025-03-01,Procédure adaptée,6,3,50,50,28,28\n"
	path := filepath.Join(t.TempDir(), "decp_titulaires.csv")
	if err := os.WriteFile(path, []byte(string(header)+"\n"+broken+string(rest)), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCmd(t, env(), "import", "--dry-run", "--data", t.TempDir(), path)
	if code := exitCode(err); code != 3 {
		t.Errorf("exit status %d (%v), want 3: a row was refused", code, err)
	}
	reportHas(t, out, "✗ ligne 2 : syntaxe invalide : guillemet non fermé du champ acheteur_nom", "7235 attributions ; 1 avis rejeté.")
}

// TestImportConvertsEncodings: a BOAMP answer in Latin-1 and a notice in
// UTF-16 are read with their accents and the conversion is said; a file
// mixing UTF-8 and Latin-1 is refused with the line of the first foreign
// byte, in French.
func TestImportConvertsEncodings(t *testing.T) {
	dir := t.TempDir()
	pub, err := os.ReadFile("../../crawler/notice/testdata/boamp/xml/test-pub.xml")
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(strings.Replace(string(pub), `encoding="UTF-8"`, `encoding="UTF-16"`, 1))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		// « Rénovation école » in ISO-8859-1.
		"latin1.json": "{\"total_count\": 1, \"results\": [{\"idweb\": \"26-93004\", \"objet\": \"R\xe9novation \xe9cole \xe0 Cherbourg\", \"nomacheteur\": \"Ville de Cherbourg\"}]}",
		"utf16.xml":   utf16,
		"mixed.json":  "{\"results\": [{\"idweb\": \"1\", \"objet\": \"\xc3\xa9cole\",\n\"nomacheteur\": \"\xe9cole\"}]}",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, _, _ := runCmd(t, env(), "import", "--dry-run", "--data", t.TempDir(), dir)
	reportHas(t, out,
		"latin1.json (boamp-api)\n  · encodage ISO-8859-1 converti en UTF-8\n  ✓ boamp:26-93004 · « Rénovation école à Cherbourg »",
		"utf16.xml (boamp-xml)\n  · encodage UTF-16 converti en UTF-8\n  ✓ boamp:16-186394 · « 2016 DFA 167 - Prestations de remorquage pour les véhicules de la ville de Paris »",
		"mixed.json : encodage illisible : texte UTF-8 mêlé d'octets d'un autre encodage (ISO-8859-1 ?) : octet 0xE9 à la ligne 2 ; enregistrez le fichier en UTF-8\n",
	)
	if strings.Contains(out, "�") {
		t.Errorf("report shows « � »:\n%s", out)
	}
}

// TestImportReportsJoinedNotices: a notice of a procedure already stored,
// under a new notice id and another title (as the QA's hostile.xml), is
// reported joined to the existing tender with nothing new, as the
// tender's history says, not « enregistré, 1 nouveau ou modifié ».
func TestImportReportsJoinedNotices(t *testing.T) {
	const original = "../../crawler/notice/testdata/boamp/xml/test-pub.xml"
	src, err := os.ReadFile(original)
	if err != nil {
		t.Fatal(err)
	}
	const title = "2016 DFA 167 - Prestations de remorquage pour les véhicules de la ville de Paris"
	again := strings.ReplaceAll(strings.ReplaceAll(string(src), "16-186394", "26-91005"), title, "Un autre intitulé")
	if again == string(src) || strings.Contains(again, title) {
		t.Fatal("fixture test-pub.xml changed")
	}
	path := filepath.Join(t.TempDir(), "again.xml")
	if err := os.WriteFile(path, []byte(again), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if out, _, err := runCmd(t, env(), "import", "--data", dir, original); err != nil {
		t.Fatalf("import of the original: %v\n%s", err, out)
	}
	for _, want := range []string{
		"· avis de marché · joint à l'appel d'offres boamp:16-186394 (même procédure), rien de nouveau\n" +
			"\n1 fichier lu ; 1 avis enregistré (0 nouveau ou modifié, 1 joint sans rien de nouveau, 0 déjà importé)",
		"· déjà importé, dans l'appel d'offres boamp:16-186394\n" +
			"\n1 fichier lu ; 1 avis enregistré (0 nouveau ou modifié, 1 déjà importé)",
	} {
		out, _, err := runCmd(t, env(), "import", "--data", dir, path)
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("import: %v; report lacks %q:\n%s", err, want, out)
		}
	}
}

// TestImportReportInFrench: the import report names the kind of each
// notice in French (it printed « open », « awarded ») and explains broken
// JSON in French with its line (it printed « JSON : unexpected EOF »).
func TestImportReportInFrench(t *testing.T) {
	dir := t.TempDir()
	cut := filepath.Join(dir, "boamp_cut.json")
	if err := os.WriteFile(cut, []byte("{\"total_count\": 1, \"results\": [\n{\"idweb\": \"26-1\", \"objet\": \"Menuiseries\""), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, _ := runCmd(t, env(), "import", "--dry-run", "--data", t.TempDir(),
		"testdata/notices/cn_81_FRA.xml", "testdata/notices/can_81_FRA.xml", cut)
	reportHas(t, out,
		" · avis de marché · reconnu\n",
		" · avis d'attribution · reconnu\n",
		"boamp_cut.json : syntaxe invalide : JSON mal formé à la ligne 2 : le document s'arrête au milieu (fichier tronqué ?)\n",
	)
	for _, leak := range []string{"· open ·", "· awarded ·", "unexpected", "EOF"} {
		if strings.Contains(out, leak) {
			t.Errorf("report shows %q:\n%s", leak, out)
		}
	}
}

// TestDescribeTenderNamesAPriorInformationNotice: the import's line says
// a notice only announces a purchase, not « avis de marché ».
func TestDescribeTenderNamesAPriorInformationNotice(t *testing.T) {
	pin := data.Tender{ID: "ted:1", Title: "Demande d'informations", NoticeType: "pin-only", State: data.StateOpen}
	if got := describeTender(pin, "reconnu"); !strings.Contains(got, " · avis de pré-information · reconnu") {
		t.Errorf("describeTender = %q", got)
	}
	call := pin
	call.NoticeType = "cn-standard"
	if got := describeTender(call, "reconnu"); !strings.Contains(got, " · avis de marché · reconnu") {
		t.Errorf("describeTender = %q", got)
	}
}
