package main

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fabrique/data"
	"fabrique/data/store"
)

// TestImportSharedProcedureIDs imports, through the real command, the
// BOAMP sample and then eForms SDK examples that reuse one procedure UUID
// for unrelated procedures: the British Ministry of Defence's military
// dogs under the CEA's engineering assistance (boamp:20-58231, the BOAMP
// copy of cn_81_FRA), HM Land Registry's scanning under Rouen Habitat's
// green spaces, the CEA's award under the Luxembourg administration's
// notice. Each is refused with its reason and leaves the tender as it
// was; the notices of one procedure still fold, a joint procurement's
// included whichever of its buyers comes first.
func TestImportSharedProcedureIDs(t *testing.T) {
	const eforms = "../../crawler/notice/testdata/eforms/"
	dir := t.TempDir()
	// The sample holds two invalid records of its own: a partial import.
	if out, _, err := runCmd(t, env(), "import", "--data", dir, "../../crawler/notice/testdata/boamp/boamp_api_donnees.json"); exitCode(err) != 3 ||
		!strings.Contains(out, "✓ boamp:20-58231 ") {
		t.Fatalf("BOAMP sample: %v\n%s", err, out)
	}
	before := tenderIn(t, dir, "boamp:20-58231")

	var files []string
	for _, f := range []string{"cn_81.xml", "cn_24_FRA_comments.xml", "can_24_FRA_comments.xml", "cn_24_nego_accel.xml",
		"can_24_maximal.xml", "can_81_FRA.xml", "can_25_ENG.xml", "can_25_ENG_Buyers.xml", "can_25_ENG_buyers_countries.xml"} {
		files = append(files, eforms+f)
	}
	out, _, err := runCmd(t, env(), append([]string{"import", "--data", dir}, files...)...)
	if exitCode(err) != 3 {
		t.Errorf("import: %v (exit status %d); want a partial import (3)", err, exitCode(err))
	}
	for _, want := range []string{
		"  ✗ ted:fc9cfb17-81d0-4f26-9a00-0c4bd25cf0a2 : non enregistré : avis ted:fc9cfb17-81d0-4f26-9a00-0c4bd25cf0a2 de l'acheteur « Ministry of Defence » : " +
			"sa procédure 82c626cc-83e1-4644-9cf1-6ed82b3e3dbc est déjà celle de l'appel d'offres boamp:20-58231 de l'acheteur " +
			"« Commissariat à l'énergie atomique et aux énergies alternatives », sans acheteur commun ; les avis de deux acheteurs ne sont pas fusionnés\n",
		"  ✗ ted:d1a2e651-b32f-4606-a5dd-d180bab20be1 : non enregistré : avis ted:d1a2e651-b32f-4606-a5dd-d180bab20be1 de l'acheteur « HM Land Registry » : " +
			"sa procédure e3cdabf1-e057-47a5-9210-b1f6fc757228 est déjà celle de l'appel d'offres ted:da4d46e9-490b-41ff-a2ae-8166d356a619 de l'acheteur « Rouen Habitat »",
		"  ✗ ted:f71da99f-763b-43bd-a1bb-f54bf9560fd6 : non enregistré : avis ted:f71da99f-763b-43bd-a1bb-f54bf9560fd6 de l'acheteur « Commissariat à l'énergie atomique",
		"ted:df45f4d1-2208-47cb-bc7a-9c7edcf8d2b8 · « Service d'entretien de remise en état et de nettoyage des espaces verts » · CPV 77310000 · dép. 76 · 2 lots · " +
			"avis d'attribution · joint à l'appel d'offres ted:da4d46e9-490b-41ff-a2ae-8166d356a619 (même procédure) : attributaires",
		"ted:2202aef9-375e-4d01-87e7-e634658d883a · « Making Tax Digital for VAT (MTDfV) » · CPV 72260000 · avis d'attribution · " +
			"joint à l'appel d'offres ted:359f3b87-c2ec-4c6a-b279-58c843551e7c (même procédure) : acheteurs conjoints",
		"ted:9d917e58-4e5d-460a-9c53-a0f678a90979 · « Making Tax Digital for VAT (MTDfV) » · CPV 72260000 · avis d'attribution · " +
			"joint à l'appel d'offres ted:359f3b87-c2ec-4c6a-b279-58c843551e7c (même procédure) : acheteurs conjoints",
		" ; 3 avis rejetés.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "data: conflict") || strings.Contains(out, "store: ") {
		t.Errorf("the report shows the Go error chain:\n%s", out)
	}

	cea := tenderIn(t, dir, "boamp:20-58231")
	if cea.EstimatedValue != before.EstimatedValue || !slices.Equal(cea.SourceIDs, before.SourceIDs) {
		t.Errorf("boamp:20-58231: value %v, notices %v; want %v and %v as before", cea.EstimatedValue, cea.SourceIDs, before.EstimatedValue, before.SourceIDs)
	}
	rouen := tenderIn(t, dir, "ted:da4d46e9-490b-41ff-a2ae-8166d356a619")
	if len(rouen.SourceIDs) != 2 || slices.Contains(rouen.SourceIDs, "ted:d1a2e651-b32f-4606-a5dd-d180bab20be1") {
		t.Errorf("Rouen Habitat's tender holds %v; want its contract notice and its award only", rouen.SourceIDs)
	}
	water := tenderIn(t, dir, "ted:359f3b87-c2ec-4c6a-b279-58c843551e7c")
	var joint []string
	for _, b := range water.JointBuyers {
		joint = append(joint, b.Name)
	}
	if len(water.SourceIDs) != 3 || water.Buyer.Name != "NI Water and its subsidiaries" || strings.Join(joint, "|") != "Clear Water|France Eau" {
		t.Errorf("joint procurement: notices %v, buyer %q, joint buyers %q; want 3 notices, NI Water first, then Clear Water and France Eau",
			water.SourceIDs, water.Buyer.Name, joint)
	}
}

// tenderIn reads a tender of the store in dir.
func tenderIn(t *testing.T, dir, id string) data.Tender {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, "fabrique.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tn, err := st.Tender(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return tn
}
