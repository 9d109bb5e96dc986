package main

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"fabrique/crawler/mirror"
	"fabrique/data"
	"fabrique/data/store"
)

// The embedded BOAMP sample, imported from the mirror as the README shows,
// declares no CPV code: the stored tenders get inferred ones, and the
// import report says the best guess.
func TestImportedSampleHasInferredCPV(t *testing.T) {
	m := httptest.NewServer(mirror.New(mirror.Config{}).Handler())
	defer m.Close()
	dir := t.TempDir()
	cfg := writeTemp(t, `{"politeness": {"no_delay": true}}`)
	out, stderr, err := runCmd(t, env(), "import", "--data", dir, "--feed", "boamp", "--base-url", m.URL, "--config", cfg)
	if err != nil {
		t.Fatalf("import --feed boamp: %v\n%s\n%s", err, out, stderr)
	}
	if !strings.Contains(out, "CPV déduit 44423400 (texte") {
		t.Errorf("the report does not give the signage notice its inferred code:\n%s", out)
	}
	st, err := store.Open(filepath.Join(dir, "fabrique.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var without, guessed int
	err = st.Tenders(context.Background(), func(x data.Tender) error {
		if x.Source != "boamp" || len(x.CPVCodes()) > 0 {
			return nil
		}
		without++
		if len(x.InferredCPV) > 0 {
			guessed++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Measured: 88 of the 90 notices of the sample get a guess.
	if without < 80 || guessed < without*9/10 {
		t.Errorf("%d BOAMP notices without CPV, %d with inferred codes; want nearly all of the 90", without, guessed)
	}
}
