package notice

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"testing"

	"fabrique/data"
)

// cpvCase is a real notice with declared CPV codes, kept for evaluating
// data.InferCPV with its codes hidden.
type cpvCase struct {
	source   string
	evidence data.CPVEvidence
	declared []string
}

// realCPVCases parses the real notices of testdata that declare CPV codes:
// DECP awards (their nature is derived from the CPV code, so it is left
// out), eForms notices and BOAMP XML notices (nature declared).
func realCPVCases(t *testing.T) (cases []cpvCase, stride int) {
	t.Helper()
	// Under the race detector, every third award: the figures move by
	// less than the floors' margin.
	stride = 1
	if raceDetector {
		stride = 3
	}
	for _, f := range globFixtures(t, "decp/*.json") {
		res, _ := parseFixture(t, decpJSON, f)
		for k, a := range res.Awards {
			if k%stride != 0 {
				continue
			}
			if a.CPV != "" && a.Object != "" {
				cases = append(cases, cpvCase{source: "decp:" + strings.TrimSuffix(strings.TrimPrefix(f, "decp/"), ".json"), evidence: data.CPVEvidence{Title: a.Object}, declared: []string{a.CPV}})
			}
		}
	}
	tenders := func(source string, parse func(r *bytes.Reader, o Options) (Result, error), pattern string) {
		for _, f := range globFixtures(t, pattern) {
			res, _ := parseFixture(t, parse, f)
			for _, tn := range res.Tenders {
				if codes := tn.CPVCodes(); len(codes) > 0 {
					in := tn.CPVEvidence()
					cases = append(cases, cpvCase{source: source, evidence: in, declared: codes})
				}
			}
		}
	}
	tenders("eforms", eforms, "eforms/*.xml")
	tenders("boamp-xml", boampXML, "boamp/xml/*.xml")
	return cases, stride
}

// cpvScore is how InferCPV did on a set of notices.
type cpvScore struct {
	n, guessed                int
	division1, division3, grp int
	groupN                    int // notices declaring a code of a group or finer
	groupGuessed              int // first guesses of a group or finer
	// classGuessed counts the first guesses of a class (4 digits) or
	// finer, and class those whose class is a declared code's: how well
	// the code is chosen within its group.
	classGuessed, class int
}

func (s cpvScore) String() string {
	r := func(k int) float64 { return float64(k) / math.Max(1, float64(s.n)) }
	return fmt.Sprintf("n=%d guessed=%.3f division@1=%.3f (precision %.3f) division@3=%.3f group@1=%.3f (of %d; precision %.3f of %d)",
		s.n, r(s.guessed), r(s.division1), float64(s.division1)/math.Max(1, float64(s.guessed)), r(s.division3),
		float64(s.grp)/math.Max(1, float64(s.groupN)), s.groupN,
		float64(s.grp)/math.Max(1, float64(s.groupGuessed)), s.groupGuessed) +
		fmt.Sprintf(" class precision %.3f of %d", float64(s.class)/math.Max(1, float64(s.classGuessed)), s.classGuessed)
}

func scoreCPV(c cpvCase, got []data.InferredCPV, s *cpvScore) (division1 bool) {
	s.n++
	fine := false
	for _, d := range c.declared {
		fine = fine || len(strings.TrimRight(d, "0")) >= 3
	}
	if fine {
		s.groupN++
	}
	if len(got) == 0 {
		return false
	}
	s.guessed++
	divs, groups := map[string]bool{}, map[string]bool{}
	for _, d := range c.declared {
		divs[d[:2]] = true
		groups[d[:3]] = true
	}
	if divs[got[0].Code[:2]] {
		s.division1++
		division1 = true
	}
	for _, g := range got {
		if divs[g.Code[:2]] {
			s.division3++
			break
		}
	}
	if len(strings.TrimRight(got[0].Code, "0")) >= 4 {
		s.classGuessed++
		for _, d := range c.declared {
			if d[:4] == got[0].Code[:4] {
				s.class++
				break
			}
		}
	}
	if len(strings.TrimRight(got[0].Code, "0")) >= 3 {
		s.groupGuessed++
		if groups[got[0].Code[:3]] {
			s.grp++
		}
	}
	return division1
}

// TestInferCPVOnRealNotices hides the codes of the real notices that
// declare some and measures how often data.InferCPV finds their division
// (2 digits) and group (3 digits). Floors sit a little under the measured
// figures; `go test ./crawler/notice -run TestInferCPVOnRealNotices -v`
// prints them (CPVEVAL_MISSES=1 lists the misses).
func TestInferCPVOnRealNotices(t *testing.T) {
	cases, stride := realCPVCases(t)
	bySource := map[string]*cpvScore{}
	var all cpvScore
	type bin struct{ n, ok int }
	calib := make([]bin, 10)
	for _, c := range cases {
		got := data.InferCPV(c.evidence)
		s := bySource[c.source]
		if s == nil {
			s = &cpvScore{}
			bySource[c.source] = s
		}
		scoreCPV(c, got, s)
		ok := scoreCPV(c, got, &all)
		if len(got) > 0 {
			b := min(int(got[0].Confidence*10), 9)
			calib[b].n++
			if ok {
				calib[b].ok++
			}
		}
		if !ok && os.Getenv("CPVEVAL_MISSES") != "" {
			t.Logf("MISS %s %q declared %v got %v", c.source, c.evidence.Title, c.declared, got)
		}
	}
	sources := make([]string, 0, len(bySource))
	for s := range bySource {
		sources = append(sources, s)
	}
	sort.Strings(sources)
	for _, s := range sources {
		t.Logf("%-10s %v", s, *bySource[s])
	}
	t.Logf("%-10s %v", "all", all)
	high := bin{}
	for i, b := range calib {
		if b.n > 0 {
			t.Logf("confidence %.1f–%.1f: %d guesses, division right %.3f", float64(i)/10, float64(i+1)/10, b.n, float64(b.ok)/float64(b.n))
		}
		if i >= 8 {
			high.n += b.n
			high.ok += b.ok
		}
	}
	rate := func(k, n int) float64 { return float64(k) / math.Max(1, float64(n)) }
	// Floors a little under what was measured (division@1 0.600, group@1
	// 0.419 — 0.426 before a tie between two groups gave the division, which
	// raised the precision of group guesses from 0.426 to 0.437 —, guesses
	// of confidence ≥ 0.8 right 0.90, BOAMP XML 7 of 8).
	floors := []struct {
		name       string
		got, floor float64
	}{
		{"division@1, all", rate(all.division1, all.n), 0.57},
		{"group@1, all", rate(all.grp, all.groupN), 0.40},
		{"share guessed, all", rate(all.guessed, all.n), 0.90},
		{"division right when confidence ≥ 0.8", rate(high.ok, high.n), 0.86},
		{"division@1, BOAMP XML (descriptors)", rate(bySource["boamp-xml"].division1, bySource["boamp-xml"].n), 0.74},
	}
	for _, f := range floors {
		if f.got < f.floor {
			t.Errorf("%s = %.3f, under the floor %.2f", f.name, f.got, f.floor)
		}
	}
	if want := 10000 / stride; all.n < want {
		t.Errorf("only %d real notices with CPV codes, want %d (the ~10 100 of testdata, one in %d)", all.n, want, stride)
	}
}

// Every BOAMP descriptor of the real notices of testdata has a reviewed
// row in data's descriptor table, and both parsers read the descriptors
// with their codes.
func TestBOAMPDescriptorsOfRealNoticesMap(t *testing.T) {
	seen := map[data.Descriptor]string{}
	for _, f := range globFixtures(t, "boamp/xml/*.xml") {
		res, _ := parseFixture(t, boampXML, f)
		for _, tn := range res.Tenders {
			for _, d := range tn.Descriptors {
				seen[d] = f
			}
		}
	}
	res, _ := parseFixture(t, boampAPI, "boamp/boamp_api_donnees.json")
	for _, tn := range res.Tenders {
		for _, d := range tn.Descriptors {
			seen[d] = "boamp/boamp_api_donnees.json"
		}
	}
	if len(seen) < 12 {
		t.Fatalf("%d distinct descriptors read from the fixtures, want the 12 they hold: %v", len(seen), seen)
	}
	for d, f := range seen {
		if d.Code == "" {
			t.Errorf("%s: descriptor %q read without its code", f, d.Label)
		}
		e, ok := data.LookupBOAMPDescriptor(d)
		if !ok {
			t.Errorf("%s: descriptor %s « %s » has no row in refdata/boamp_descripteurs_cpv.csv", f, d.Code, d.Label)
			continue
		}
		if e.Code != d.Code {
			t.Errorf("%s: descriptor « %s » has code %s in the notice, %s in the table", f, d.Label, d.Code, e.Code)
		}
	}
}
