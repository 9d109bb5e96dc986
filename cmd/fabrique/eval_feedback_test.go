package main

import (
	"context"
	"strings"
	"testing"

	"fabrique/data"
)

func TestEvalFeedback(t *testing.T) {
	dir := newDataDir(t)
	stdout, stderr, err := runCmd(t, env(), "eval", "--data", dir, "feedback")
	if err != nil {
		t.Fatalf("eval feedback on no vote: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "0 besoins jugés") {
		t.Errorf("report without votes:\n%s", stdout)
	}

	ctx := context.Background()
	st, err := openStore(dir, nil, newStore)
	if err != nil {
		t.Fatal(err)
	}
	need := data.Tender{ID: "besoin:00000000000000aa", Source: data.SourceNeed, SourceID: "00000000000000aa",
		Title: "Menuiseries en bois de la mairie", CPV: "45421000", Place: data.Place{Departement: "69"}}
	if err := st.PutTender(ctx, need, "test"); err != nil {
		t.Fatal(err)
	}
	if err := st.PutNeedFeedback(ctx, data.NeedFeedback{NeedID: need.ID, SupplierID: "348830308", Voter: "session:x", Vote: data.VoteRelevant}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err = runCmd(t, env(), "eval", "--data", dir, "feedback")
	if err != nil {
		t.Fatalf("eval feedback: %v\n%s", err, stderr)
	}
	for _, want := range []string{"1 besoins jugés", "1 votes : 1 fournisseurs pertinents", "rapprochement / matcher", "distance seule"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	if _, _, err := runCmd(t, env(), "eval", "--data", dir, "feedback", "x.csv"); err == nil {
		t.Error("eval feedback with a file: no error")
	}
}
