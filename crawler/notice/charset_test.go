package notice

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"fabrique/data"
)

// TestParseEFormsChangeWithoutChangedNotice reads a change notice without
// efbc:ChangedNoticeIdentifier (eForms SDK 1.3): it is kept, marked to fold
// by its procedure, and refers to no other notice.
func TestParseEFormsChangeWithoutChangedNotice(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(string) string
		wantErr  string
		wantProc string
	}{
		{name: "procedure given", wantProc: "31f258b6-5eb2-4875-8997-affa3cdce27c"},
		{name: "no procedure either", edit: func(s string) string {
			return strings.Replace(s, "<cbc:ContractFolderID>31f258b6-5eb2-4875-8997-affa3cdce27c</cbc:ContractFolderID>", "", 1)
		}, wantErr: "ni cbc:ContractFolderID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := string(readFixture(t, "eforms-derived/change-cn_24_open_dates_no_changed_id.xml"))
			if tc.edit != nil {
				if src2 := tc.edit(src); src2 == src {
					t.Fatal("the edit changed nothing")
				} else {
					src = src2
				}
			}
			res, err := ParseEForms(strings.NewReader(src), testOptions())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || len(res.Tenders) != 0 {
					t.Fatalf("err = %v, %d tenders; want a rejection naming %q", err, len(res.Tenders), tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseEForms: %v", err)
			}
			tn := res.Tenders[0]
			if !tn.FoldByProcedure || tn.ProcedureID != tc.wantProc || tn.State != data.StateCorrected || tn.NoticeType != "change:cn-standard" {
				t.Errorf("fold by procedure %v, procedure %q, state %q, type %q; want true, %q, corrected, change:cn-standard",
					tn.FoldByProcedure, tn.ProcedureID, tn.State, tn.NoticeType, tc.wantProc)
			}
			for _, id := range tn.SourceIDs {
				if strings.Contains(id, "c4c415ee") {
					t.Errorf("SourceIDs = %v: refers to a changed notice the file does not name", tn.SourceIDs)
				}
			}
			if s := tn.History[0].Summary; !strings.Contains(s, "procédure "+tc.wantProc) || !strings.Contains(s, "Time limit for receipt of tenders") {
				t.Errorf("summary %q; want the procedure and the change described", s)
			}
			if len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0].Error(), "efbc:ChangedNoticeIdentifier") {
				t.Errorf("warnings = %v; want one about the missing identifier", res.Warnings)
			}
		})
	}
}

// TestParseRepairsCharset garbles the title of a real notice the ways
// upstream decoders do and checks the parsed tender and its warnings.
func TestParseRepairsCharset(t *testing.T) {
	src := readFixture(t, "eforms/cn_81_FRA.xml")
	// The title is a single line: the parser's whitespace clean-up keeps it.
	m := regexp.MustCompile(`Assistance à maîtrise d’œuvre[^<\n]*`).Find(src)
	if m == nil {
		t.Fatal("fixture cn_81_FRA.xml lost its French title")
	}
	title := strings.TrimSpace(string(m))
	latin1, err := charmap.Windows1252.NewDecoder().String(title)
	if err != nil {
		t.Fatal(err)
	}
	lost := strings.Map(func(r rune) rune {
		if r > 0x7F {
			return utf8.RuneError
		}
		return r
	}, title)
	tests := []struct {
		name, garbled, want string
		defect              data.TextDefect
	}{
		{"clean", title, title, data.TextClean},
		{"UTF-8 read as Windows-1252", latin1, title, data.TextRepaired},
		// Every letter and apostrophe lost to U+FFFD is put back from the
		// words they break (data.RestoreAccents)…
		{"replacement characters", lost, title, data.TextRestored},
		// … but a word no text of the vocabulary spells stays broken.
		{"replacement characters in an unknown word", lost + " xyz\uFFFDq", title + " xyz\uFFFDq", data.TextReplacement},
		{"mojibake that does not round-trip", latin1 + " → CEA", strings.Join(strings.Fields(latin1+" → CEA"), " "), data.TextMojibake},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := ParseEForms(bytes.NewReader(bytes.Replace(src, []byte(title), []byte(tc.garbled), 1)), testOptions())
			if err != nil {
				t.Fatalf("ParseEForms: %v", err)
			}
			tn := res.Tenders[0]
			if tn.Title != tc.want {
				t.Errorf("title %q; want %q", tn.Title, tc.want)
			}
			if tc.defect == data.TextClean {
				if len(tn.TextDefects) != 0 {
					t.Errorf("TextDefects = %v on a clean notice", tn.TextDefects)
				}
				return
			}
			want := "intitulé : " + tc.defect.French()
			if !contains(tn.TextDefects, want) {
				t.Errorf("TextDefects = %v; want %q", tn.TextDefects, want)
			}
			var warned bool
			for _, w := range res.Warnings {
				warned = warned || strings.HasSuffix(w.Error(), ": "+want)
			}
			if !warned {
				t.Errorf("warnings = %v; want %q", res.Warnings, want)
			}
		})
	}
}
