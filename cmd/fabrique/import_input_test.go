package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The import reports bad input clearly and loses nothing else: these
// tests run the command on inputs a QA pass broke on purpose.

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
	for _, want := range []string{"✗ ligne 2 : syntaxe invalide : guillemet non fermé du champ acheteur_nom", "7235 attributions ; 1 avis rejeté."} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}
