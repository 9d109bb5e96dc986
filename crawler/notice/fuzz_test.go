package notice

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// fuzzOptions cap inputs so that every run is quick.
func fuzzOptions() Options { return Options{MaxBytes: 512 << 10, Now: fixedNow} }

// checkOutcome holds for every reader and input: bounded time, and a
// consistent Result (a rejected one-notice document gives nothing; a kept
// tender always has its key, title and buyer).
func checkOutcome(t *testing.T, res Result, err error, took time.Duration, single bool) {
	t.Helper()
	if took > 5*time.Second {
		t.Errorf("took %v", took)
	}
	if single && err != nil && (len(res.Tenders) != 0 || len(res.Awards) != 0) {
		t.Errorf("error %v with %d tenders and %d awards: half-imported", err, len(res.Tenders), len(res.Awards))
	}
	if single && err == nil && len(res.Tenders) != 1 {
		t.Errorf("no error but %d tenders", len(res.Tenders))
	}
	for _, tn := range res.Tenders {
		if tn.ID == "" || tn.Title == "" || tn.Buyer.Name == "" || tn.State == "" {
			t.Errorf("tender kept without ID, title, buyer or state: %+v", tn)
		}
	}
	for _, a := range res.Awards {
		if a.ID == "" || a.Winners == nil {
			t.Errorf("award without ID or winners list: %+v", a)
		}
	}
}

// warmUp loads the reference data (communes, CPV) once per fuzzing
// process, so that the time bound measures parsing only.
func warmUp(f *testing.F) {
	if _, err := ParseBOAMPXML(bytes.NewReader(readFixture(f, "boamp/xml/test-pub.xml")), fuzzOptions()); err != nil {
		f.Fatal(err)
	}
}

func addFiles(f *testing.F, pattern string, maxSize int) {
	files, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err == nil && len(b) <= maxSize {
			f.Add(b)
		}
	}
}

func fuzzReader(f *testing.F, parse func(io.Reader, Options) (Result, error), single bool) {
	warmUp(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		start := time.Now()
		res, err := parse(bytes.NewReader(b), fuzzOptions())
		checkOutcome(t, res, err, time.Since(start), single)
		if s := Explain(err); strings.Contains(s, "notice:") || strings.Contains(s, "data:") {
			t.Errorf("Explain(%v) = %q: the Go error chain shows", err, s)
		}
	})
}

// addSeeds adds the seed files of testdata/seeds/DIR, failing when there
// are none or when one is larger than maxSize: a whole notice put back
// stalls the fuzzer (see testdata/seeds/README.md), and a seed silently
// left out loses what it reached.
func addSeeds(f *testing.F, dir string, maxSize int) {
	f.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", "seeds", dir, "*"))
	if len(files) == 0 {
		f.Fatalf("no seeds in testdata/seeds/%s", dir)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > maxSize {
			f.Fatalf("seed %s has %d bytes, more than %d: reduce it to the parts that reach new code", name, len(b), maxSize)
		}
		f.Add(b)
	}
}

// FuzzParseEForms seeds with one small notice of each kind and feature
// (testdata/seeds/eforms: a contract, prior information, change and award
// notice, lots, places, results, and the broken shapes the reader
// refuses), written without namespace prefixes (the reader matches local
// names) and reduced element by element while they still reached every
// block the excerpts of the fixtures reached. The smallest notice the
// reader accepts is 540 bytes of UBL; the largest seed, an award of one
// of two lots, is 1 036 (the excerpts went up to 1 925). Every input that
// finds new code is minimized in time that grows faster than the square
// of its size: minimization still takes the whole minute go test allows
// for some, but it pauses fuzzing less often (see testdata/seeds/README.md).
func FuzzParseEForms(f *testing.F) {
	addSeeds(f, "eforms", 1100)
	f.Add([]byte(billionLaughs))
	fuzzReader(f, ParseEForms, true)
}

// FuzzParseBOAMPXML seeds with small excerpts of the BOAMP XML fixtures
// (testdata/seeds/boamp-xml, 600 bytes at most), not the fixtures
// themselves, for the reason given at FuzzParseEForms; the Windows-1252,
// UTF-16 and cut variants are made from the excerpt of test-pub.xml.
// Together they reach the blocks of this package and data that the
// fixtures and their variants reached (594 blocks, measured with
// -coverpkg; 4.6 kB instead of 117 kB).
func FuzzParseBOAMPXML(f *testing.F) {
	addSeeds(f, "boamp-xml", 600)
	src := string(readFixture(f, "seeds/boamp-xml/test-pub.xml"))
	latin1, _ := charmap.Windows1252.NewEncoder().String(strings.ReplaceAll(src, "\u0092", "’"))
	f.Add([]byte(latin1))
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(strings.Replace(src, `encoding="UTF-8"`, `encoding="UTF-16"`, 1))
	f.Add([]byte(utf16))
	f.Add([]byte(xxe))
	f.Add([]byte(src[:len(src)/2]))                              // cut
	f.Add([]byte("<ANNONCE>\n<A>x</B>\n&nbsp; a < b</ANNONCE>")) // broken
	fuzzReader(f, ParseBOAMPXML, true)
}

// FuzzParseBOAMPAPI seeds with ten small excerpts of the two BOAMP API
// fixtures (testdata/seeds/boamp-api, 6 kB in all), not the fixtures
// themselves (111 kB): as for FuzzParseDECPCSV, every input that finds new
// code is minimized in time that grows with the square of its size, and
// the fuzzer stalled. The excerpts are records of the fixtures with
// members removed while the seeds still reached the same 776 blocks of
// this package and data (measured with -coverpkg).
func FuzzParseBOAMPAPI(f *testing.F) {
	addFiles(f, "seeds/boamp-api/*.json", 4<<10)
	f.Add([]byte(`{"results":[{"idweb":"1","objet":"o","nomacheteur":"b","donnees":"{\"OBJET\":{\"CPV\":{\"PRINCIPAL\":\"45000000\"}}}"}]}`))
	f.Add([]byte("{\"results\":[{\"idweb\":\"1\",\"objet\":\"R\xe9novation \xe9cole\",\"nomacheteur\":\"b\"}]}"))
	f.Add([]byte(`{"results": [{"idweb": "1", "objet": "o"`))   // cut
	f.Add([]byte(`{"results": []}` + "\n" + `{"results": []}`)) // two documents
	fuzzReader(f, ParseBOAMPAPI, false)
}

// FuzzParseOCDS seeds with the release package of testdata/ocds cut into
// small packages (testdata/seeds/ocds: one per procedure, the first in two,
// texts and identifiers shortened; 1.3 kB at most), which reach the 484
// blocks of this package and data that the whole package reached: seeded
// with it (5.4 kB), the target spent its 3 minutes minimizing and ran 8 465
// times.
func FuzzParseOCDS(f *testing.F) {
	addSeeds(f, "ocds", 1400)
	f.Add([]byte(`{"records":[{"ocid":"o","compiledRelease":{"ocid":"o","buyer":{"name":"B"},"tender":{"title":"T"}}}]}`))
	fuzzReader(f, ParseOCDS, false)
}

// FuzzParseDECP seeds with records of the DECP files cut down to the
// fields that reach new code (testdata/seeds/decp: 257 bytes at most),
// which reach the 375 blocks of this package and data that three records
// of each 2019 file and the 2022 sample reached (1.7 to 17 kB each): grown
// from those, the target found 4 new inputs in 3 minutes.
func FuzzParseDECP(f *testing.F) {
	addSeeds(f, "decp", 512)
	fuzzReader(f, ParseDECP, false)
}

// FuzzParseDECPCSV seeds with three real lines of the extract, not
// dozens. Every input that finds new code is minimized before fuzzing
// goes on, in time that grows with the square of its size: grown from the
// first 38 lines (7.4 kB) each took the whole minute go test allows, and
// the target ran at under one execution per second. Lines 9 and 10 (one
// contract, two winners: the fold) and line 13 (a name quoted for its
// comma) reach the 313 blocks of the package that the 38 lines reached
// (measured with -coverpkg).
func FuzzParseDECPCSV(f *testing.F) {
	b := readFixture(f, "decp/decp_2024H2_travaux_cpv4521_titulaires.csv")
	lines := strings.SplitAfterN(string(b), "\n", 14)
	head := lines[0]
	f.Add([]byte(head + lines[8] + lines[9]))
	f.Add([]byte("uid;titulaire_id\n\"a;b\n"))
	f.Add([]byte(head + `u,1,Travaux,45421000,21500000000012,"MAIRIE non fermée,82069844700019,R,45000,2025-03-01,MAPA,6,3,50,50,28,28` + "\n" + lines[12]))
	f.Add([]byte("uid,acheteur_nom,titulaire_id\nu1,\"COMMUNE DE\r\nFILLIERE\",42199758600035\r\n"))
	fuzzReader(f, ParseDECPCSV, false)
}

// FuzzCSVScanner checks the scanner's promises on any input: it ends,
// each record starts on a later line than the one before, and a record it
// accepts has the header's number of fields.
func FuzzCSVScanner(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a,b\n1,\"x\ny\"\n", "a,b\n1,\"x\n2,3\n", "a;b\r\n\"1\"\"\";2\r\n", "a,b\n\"\"\"\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s := &csvScanner{b: b, comma: detectComma(b), line: 1}
		head, ok := s.next()
		if !ok || head.Err != nil {
			return
		}
		s.header, s.fields = head.Fields, len(head.Fields)
		last := head.Line
		for n := 0; ; n++ {
			r, ok := s.next()
			if !ok {
				return
			}
			if n > len(b) {
				t.Fatalf("more records than bytes")
			}
			if r.Line <= last {
				t.Fatalf("record at line %d after line %d", r.Line, last)
			}
			last = r.Line
			if r.Err == nil && len(r.Fields) != s.fields {
				t.Fatalf("line %d: %d fields accepted, header has %d", r.Line, len(r.Fields), s.fields)
			}
		}
	})
}

// FuzzToUTF8 checks the conversion's promises: what it accepts comes out
// as UTF-8 (unless an XML declaration names another encoding, left to the
// XML decoder), and UTF-8 text that cannot be taken for UTF-16 is left as
// it is.
func FuzzToUTF8(f *testing.F) {
	for _, s := range []string{"{\"a\": \"\xe9\"}", "\xff\xfe<\x00a\x00", "<\x00?\x00", "\xef\xbb\xbf{}", "a\x81", "\xc3\xa9\xe9", `<?xml version="1.0" encoding="ISO-8859-1"?><a>` + "\xe9</a>"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		out, from, err := toUTF8(b)
		if err != nil {
			if !errors.Is(err, ErrEncoding) {
				t.Fatalf("error %v is not ErrEncoding", err)
			}
			return
		}
		if from == "" && declaredXMLEncoding(out) == "" && !utf8.Valid(out) {
			t.Fatalf("%q: invalid UTF-8 out, no conversion noted", out)
		}
		if from != "" && !utf8.Valid(out) {
			t.Fatalf("%q converted from %s: invalid UTF-8", out, from)
		}
		if utf8.Valid(b) && !bytes.HasPrefix(b, []byte("\ufeff")) && from == "" && !bytes.Equal(out, b) {
			t.Fatalf("valid UTF-8 %q changed to %q", b, out)
		}
	})
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"<ANNONCE>", `{"results":[`, `{"marches":`, "uid,titulaire_id\n", "[", "<"} {
		f.Add("x", []byte(s))
	}
	f.Fuzz(func(t *testing.T, name string, head []byte) {
		format, err := Detect(name, head)
		if (err == nil) == (format == "") {
			t.Errorf("Detect = %q, %v: want a format or an error", format, err)
		}
	})
}
