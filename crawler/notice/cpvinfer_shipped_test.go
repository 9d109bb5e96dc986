package notice

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"fabrique/data"
)

// TestInferCPVOnShippedNotices writes, for every tender and every award
// object of the notices shipped in the binary (data.EmbeddedNoticeFiles:
// the 90 BOAMP notices without codes, the DECP awards of 2019 with
// theirs), the codes data.InferCPV deduces, one line each: file, id,
// declared codes, title, guesses. Run it before and after a change to
// the inference and compare the files line by line
// (data/testdata/cpvinfer_review.md):
//
//	CPVINFER_SHIPPED=/tmp/after.tsv go test ./crawler/notice -run TestInferCPVOnShippedNotices
func TestInferCPVOnShippedNotices(t *testing.T) {
	path := os.Getenv("CPVINFER_SHIPPED")
	if path == "" {
		t.Skip("CPVINFER_SHIPPED names the file to write")
	}
	var b strings.Builder
	line := func(file, id string, declared []string, title string, got []data.InferredCPV) {
		var guesses []string
		for _, g := range got {
			guesses = append(guesses, fmt.Sprintf("%s %.2f %s", g.Code, g.Confidence, g.Label))
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\n", file, id, strings.Join(declared, ","),
			strings.Join(strings.Fields(title), " "), strings.Join(guesses, " | "))
	}
	for _, f := range data.EmbeddedNoticeFiles() {
		format, err := Detect(f.Name, f.Data[:min(len(f.Data), 4096)])
		if err != nil {
			t.Fatal(err)
		}
		res, err := Parse(format, bytes.NewReader(f.Data), Options{})
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		for _, tn := range res.Tenders {
			line(f.Name, tn.ID, tn.CPVCodes(), tn.Title, data.InferCPV(tn.CPVEvidence()))
		}
		for _, a := range res.Awards {
			if a.Object != "" {
				var declared []string
				if a.CPV != "" {
					declared = []string{a.CPV}
				}
				line(f.Name, a.ID, declared, a.Object, data.InferCPV(data.CPVEvidence{Title: a.Object}))
			}
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}
