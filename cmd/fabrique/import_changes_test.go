package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"fabrique/data"
	"fabrique/data/store"
)

// TestImportChangeWithoutChangedNotice imports, through the real command,
// a change notice that does not name the notice it changes (eForms SDK
// 1.3): refused while its procedure is unknown, folded once it is.
func TestImportChangeWithoutChangedNotice(t *testing.T) {
	const (
		initial = "../../crawler/notice/testdata/eforms/cn_24_open.xml"
		change  = "../../crawler/notice/testdata/eforms-derived/change-cn_24_open_dates_no_changed_id.xml"
	)
	dir := t.TempDir()
	out, _, err := runCmd(t, env(), "import", "--data", dir, change)
	if exitCode(err) != 1 || !strings.Contains(out, "✗") || !strings.Contains(out, "la procédure 31f258b6-5eb2-4875-8997-affa3cdce27c est inconnue") {
		t.Fatalf("change before its procedure: err = %v; want it refused (nothing imported: exit status 1), naming the procedure:\n%s", err, out)
	}
	out, _, err = runCmd(t, env(), "import", "--data", dir, initial, change)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	// The change joins the initial notice's tender, and the report says so.
	if strings.Count(out, "· enregistré\n") != 1 || strings.Contains(out, "✗") ||
		!strings.Contains(out, "· joint à l'appel d'offres ted:c4c415ee-ac08-4465-8fa6-57568cf69462 (même procédure) : date limite\n") {
		t.Fatalf("want the initial notice stored and the change joined to it, none refused:\n%s", out)
	}
	out, _, err = runCmd(t, env(), "import", "--data", dir, change)
	if err != nil || !strings.Contains(out, "déjà importé") {
		t.Fatalf("re-import of the change: %v; want it found already imported:\n%s", err, out)
	}
	st, err := store.Open(dbFile(dir), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tn, err := st.TenderBySourceID(context.Background(), "ted:71397268-6c47-4f2f-8ab0-f41a26138f81")
	if err != nil {
		t.Fatal(err)
	}
	if tn.ID != "ted:c4c415ee-ac08-4465-8fa6-57568cf69462" || tn.State != data.StateCorrected || len(tn.History) != 2 {
		t.Errorf("change folded into %s (state %q, %d revisions); want the initial notice's tender, corrected, 2 revisions",
			tn.ID, tn.State, len(tn.History))
	}
}

// TestImportRepairsCharset imports a real notice whose title was decoded
// with the wrong charset: the report shows the repair (letters lost to
// U+FFFD put back from the words they break), or the flag when the text
// cannot be repaired.
func TestImportRepairsCharset(t *testing.T) {
	src, err := os.ReadFile("testdata/notices/cn_81_FRA.xml")
	if err != nil {
		t.Fatal(err)
	}
	// The whole title is garbled, as a decoder does: its one line.
	m := regexp.MustCompile(`Assistance à maîtrise d’œuvre[^<\n]*`).Find(src)
	if m == nil {
		t.Fatal("the fixture's title was not found")
	}
	title := strings.TrimSpace(string(m))
	latin1, err := charmap.Windows1252.NewDecoder().String(title)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, garbled, want string
	}{
		{"double-encoded, repaired", latin1, "« Assistance à maîtrise d’œuvre en suivi de réalisation"},
		{"replacement characters, restored", "Assistance \uFFFD ma\uFFFDtrise", "« Assistance à maîtrise » · CPV 71336000"},
		{"replacement characters, flagged", "Assistance \uFFFD ma\uFFFDtrise xyz\uFFFDq", "caractères perdus au décodage"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			edited := bytes.Replace(src, []byte(title), []byte(tc.garbled), 1)
			if bytes.Equal(edited, src) {
				t.Fatal("the fixture's title was not found")
			}
			f := filepath.Join(t.TempDir(), "cn_81_FRA.xml")
			if err := os.WriteFile(f, edited, 0o644); err != nil {
				t.Fatal(err)
			}
			out, _, err := runCmd(t, env(), "import", "--data", t.TempDir(), f)
			if err != nil {
				t.Fatalf("import: %v\n%s", err, out)
			}
			if !strings.Contains(out, tc.want) || !strings.Contains(out, "intitulé : ") {
				t.Errorf("report lacks %q and the defect:\n%s", tc.want, out)
			}
		})
	}
}

// TestImportSameReferenceTwoBuyers imports, through the real command, two
// BOAMP notices of different buyers that share the buyer-chosen reference
// REF_MARCHE: each keeps its own tender. A correction by the same buyer
// that only shares the reference still folds into the buyer's tender.
func TestImportSameReferenceTwoBuyers(t *testing.T) {
	const original = "../../crawler/notice/testdata/boamp/xml/test-pub.xml"
	src, err := os.ReadFile(original)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(name string, pairs ...string) string {
		t.Helper()
		b := string(src)
		for i := 0; i < len(pairs); i += 2 {
			if !strings.Contains(b, pairs[i]) {
				t.Fatalf("%s: %q not in the fixture", name, pairs[i])
			}
			b = strings.ReplaceAll(b, pairs[i], pairs[i+1])
		}
		f := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(f, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	const title = "2016 DFA 167 - Prestations de remorquage pour les véhicules de la ville de Paris"
	rennes := edit("rennes.xml",
		"16-186394", "26-99001",
		"<DENOMINATION>Ville de Paris</DENOMINATION>", "<DENOMINATION>Ville de Rennes</DENOMINATION>",
		title, "Fourniture de mobilier scolaire pour les écoles de Rennes",
		"<DEP_PUBLICATION>75</DEP_PUBLICATION>", "<DEP_PUBLICATION>35</DEP_PUBLICATION>",
		"2017-02-07T12:00:00+01:00", "2027-01-15T12:00:00+01:00")
	correction := edit("correction.xml",
		"16-186394", "26-99002",
		"<INITIAL/>", "<RECTIFICATIF/>",
		"2017-02-07T12:00:00+01:00", "2017-02-14T12:00:00+01:00")

	dir := t.TempDir()
	if out, _, err := runCmd(t, env(), "import", "--data", dir, original); err != nil {
		t.Fatalf("import of the original: %v\n%s", err, out)
	}
	out, _, err := runCmd(t, env(), "import", "--data", dir, rennes, correction)
	if err != nil || strings.Count(out, "· enregistré\n") != 1 || strings.Contains(out, "✗") ||
		!strings.Contains(out, "· joint à l'appel d'offres boamp:16-186394 (même procédure) : date limite") {
		t.Fatalf("import: %v; want the Rennes notice stored, the correction joined to the Paris tender, none refused:\n%s", err, out)
	}
	st, err := store.Open(dbFile(dir), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()

	own, err := st.Tender(ctx, "boamp:26-99001")
	if err != nil {
		t.Fatalf("the Rennes notice has no tender of its own: %v", err)
	}
	if own.Buyer.Name != "Ville de Rennes" || own.State != data.StateOpen || len(own.History) != 1 {
		t.Errorf("Rennes tender: buyer %q, state %q, %d revisions; want Ville de Rennes, open, 1", own.Buyer.Name, own.State, len(own.History))
	}
	paris, err := st.Tender(ctx, "boamp:16-186394")
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(paris.SourceIDs, "boamp:26-99001") {
		t.Errorf("the Rennes notice was folded into the Paris tender: source ids %v", paris.SourceIDs)
	}
	if !slices.Contains(paris.SourceIDs, "boamp:26-99002") || paris.State != data.StateCorrected || paris.Buyer.Name != "Ville de Paris" {
		t.Errorf("Paris tender: source ids %v, state %q, buyer %q; want the correction folded in, corrected, Ville de Paris",
			paris.SourceIDs, paris.State, paris.Buyer.Name)
	}
	if paris.ProcedureID == own.ProcedureID {
		t.Errorf("both tenders have procedure %q; want it scoped by the buyer", own.ProcedureID)
	}
}
