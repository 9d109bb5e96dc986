package notice

import (
	"bytes"
	"encoding/csv"
	"errors"
	"slices"
	"strings"
	"testing"

	"fabrique/data"
)

// scanAll reads every record after the header.
func scanAll(t *testing.T, in string) []csvRow {
	t.Helper()
	b := []byte(in)
	s := &csvScanner{b: b, comma: detectComma(b), line: 1}
	head, ok := s.next()
	if !ok || head.Err != nil {
		t.Fatalf("header: %+v", head)
	}
	s.header, s.fields = head.Fields, len(head.Fields)
	var rows []csvRow
	for {
		r, ok := s.next()
		if !ok {
			return rows
		}
		rows = append(rows, r)
	}
}

func TestCSVScannerQuotes(t *testing.T) {
	const header = "uid,nom,objet,montant\n"
	type row struct {
		line   int
		fields []string // nil: rejected
		err    string
	}
	tests := []struct {
		name string
		in   string
		want []row
	}{
		{"plain rows", header + "1,A,o,10\n2,B,p,20\n",
			[]row{{2, []string{"1", "A", "o", "10"}, ""}, {3, []string{"2", "B", "p", "20"}, ""}}},
		{"quoted separator and doubled quote", header + `1,"A, ""la"" mairie",o,10` + "\n",
			[]row{{2, []string{"1", `A, "la" mairie`, "o", "10"}, ""}}},
		{"quoted newline kept", header + "1,A,\"première ligne\nseconde ligne\",10\n2,B,p,20\n",
			[]row{{2, []string{"1", "A", "première ligne\nseconde ligne", "10"}, ""}, {4, []string{"2", "B", "p", "20"}, ""}}},
		{"quoted CRLF read as newline", header + "1,A,\"un\r\ndeux\",10\r\n2,B,p,20\r\n",
			[]row{{2, []string{"1", "A", "un\ndeux", "10"}, ""}, {4, []string{"2", "B", "p", "20"}, ""}}},
		{"bare quote inside an unquoted field kept", header + `1,L"ILE,o,10` + "\n",
			[]row{{2, []string{"1", `L"ILE`, "o", "10"}, ""}}},
		{"blank lines skipped", header + "\n1,A,o,10\n\n2,B,p,20\n",
			[]row{{3, []string{"1", "A", "o", "10"}, ""}, {5, []string{"2", "B", "p", "20"}, ""}}},
		{"last line without newline", header + "1,A,o,10",
			[]row{{2, []string{"1", "A", "o", "10"}, ""}}},
		// The open quote of line 2 would close at the quote opening the
		// same column of line 4: the record has the header's 4 fields,
		// but the quote before « B » closes nothing.
		{"unclosed quote, later quoted field of the same column", header + "1,\"A non fermée,o,10\n2,C,p,20\n3,\"B\",q,30\n4,D,r,40\n",
			[]row{{2, nil, "guillemet non fermé du champ nom"}, {3, []string{"2", "C", "p", "20"}, ""},
				{4, []string{"3", "B", "q", "30"}, ""}, {5, []string{"4", "D", "r", "40"}, ""}}},
		{"unclosed quote up to the end", header + "1,A,o,10\n2,\"B non fermée,p,20\n3,C,q,30\n",
			[]row{{2, []string{"1", "A", "o", "10"}, ""}, {3, nil, "guillemet non fermé du champ nom"}, {4, []string{"3", "C", "q", "30"}, ""}}},
		// Closed by a field ending in a quote: no stray quote, the right
		// number of fields, but line 3 is a whole row inside the field.
		{"unclosed quote swallowing a whole row", header + "1,\"A,o,10\n2,B,p,20\n3,C\",q,30\n",
			[]row{{2, nil, "guillemet non fermé"}, {3, []string{"2", "B", "p", "20"}, ""}, {4, []string{"3", `C"`, "q", "30"}, ""}}},
		{"too many fields", header + "1,A,o,10,x\n2,B,p,20\n",
			[]row{{2, nil, "5 champs au lieu des 4"}, {3, []string{"2", "B", "p", "20"}, ""}}},
		{"too few fields", header + "1,A\n2,B,p,20\n",
			[]row{{2, nil, "2 champs au lieu des 4"}, {3, []string{"2", "B", "p", "20"}, ""}}},
		{"semicolons", "uid;nom;objet;montant\n1;\"A; B\";o;10\n",
			[]row{{2, []string{"1", "A; B", "o", "10"}, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := scanAll(t, tt.in)
			if len(rows) != len(tt.want) {
				t.Fatalf("got %d rows %+v, want %d", len(rows), rows, len(tt.want))
			}
			for i, w := range tt.want {
				got := rows[i]
				if got.Line != w.line {
					t.Errorf("row %d: line %d, want %d", i, got.Line, w.line)
				}
				if w.fields != nil {
					if got.Err != nil || !slices.Equal(got.Fields, w.fields) {
						t.Errorf("row %d: fields %q, err %v; want %q", i, got.Fields, got.Err, w.fields)
					}
					continue
				}
				if got.Err == nil || !strings.Contains(Explain(got.Err), w.err) || !errors.Is(got.Err, data.ErrInvalid) {
					t.Errorf("row %d: fields %q, err %v; want an error with %q", i, got.Fields, got.Err, w.err)
				}
			}
		})
	}
}

// TestCSVScannerMatchesEncodingCSV reads the real extract with the scanner
// and with encoding/csv: the same records, field for field.
func TestCSVScannerMatchesEncodingCSV(t *testing.T) {
	b := readFixture(t, "decp/decp_2024H2_travaux_cpv4521_titulaires.csv")
	cr := csv.NewReader(bytes.NewReader(b))
	cr.LazyQuotes = true
	want, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rows := scanAll(t, string(b))
	if len(rows) != len(want)-1 {
		t.Fatalf("%d records, encoding/csv reads %d", len(rows), len(want)-1)
	}
	for i, r := range rows {
		if r.Err != nil || !slices.Equal(r.Fields, want[i+1]) {
			t.Fatalf("line %d: %q, %v; encoding/csv reads %q", r.Line, r.Fields, r.Err, want[i+1])
		}
	}
}

// TestParseDECPCSVBrokenQuote: a line with an unclosed quote after the
// header of the real extract is reported, and every other line is kept.
func TestParseDECPCSVBrokenQuote(t *testing.T) {
	b := readFixture(t, "decp/decp_2024H2_travaux_cpv4521_titulaires.csv")
	header, rest, _ := bytes.Cut(b, []byte("\n"))
	broken := "99999999999991X2,X2,Travaux,45421000,21500000000012,\"MAIRIE non fermée,82069844700019,MENUISERIE RATEL,45000,2025-03-01,Procédure adaptée,6,3,50,50,28,28\n"
	in := string(header) + "\n" + broken + string(rest)
	res, err := ParseDECPCSV(strings.NewReader(in), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Awards) != 7235 {
		t.Errorf("%d awards; want the extract's 7235", len(res.Awards))
	}
	if len(res.Problems) != 1 || res.Problems[0].Ref != "ligne 2" || !strings.Contains(Explain(res.Problems[0]), "guillemet non fermé du champ acheteur_nom") {
		t.Fatalf("problems %v; want line 2, guillemet non fermé", res.Problems)
	}
	if !errors.Is(res.Problems[0], ErrMalformed) {
		t.Errorf("problem %v does not wrap ErrMalformed", res.Problems[0])
	}
}

// TestParseDECPCSVQuotedNewline: a quoted field on two lines (a buyer's
// name written over two lines) stays one award.
func TestParseDECPCSVQuotedNewline(t *testing.T) {
	in := "uid,acheteur_nom,titulaire_id,titulaire_nom,montant,dateNotification\n" +
		"u1,\"COMMUNE DE\nFILLIERE\",42199758600035,ALU,100,2024-07-01\n" +
		"u2,Ville,83380264800026,B,200,2024-07-02\n"
	res, err := ParseDECPCSV(strings.NewReader(in), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Awards) != 2 || len(res.Problems) != 0 {
		t.Fatalf("%d awards, problems %v; want 2, none", len(res.Awards), res.Problems)
	}
	if got := res.Awards[0].Buyer.Name; got != "COMMUNE DE FILLIERE" {
		t.Errorf("buyer %q", got)
	}
}
