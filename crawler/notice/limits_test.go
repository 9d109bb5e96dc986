package notice

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"fabrique/data"
)

// Regression tests of issue 14: a flood of tiny XML elements, a JSON file
// of hundreds of thousands of lots, and notices with more lots than any
// page can show are refused early, with a clear error, in bounded memory.

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestXMLElementFloodRefusedEarly(t *testing.T) {
	// 16 MB of <a/>: four million elements under a notice's root.
	flood := "<ContractNotice>" + strings.Repeat("<a/>", 4<<20) + "</ContractNotice>"
	for name, parse := range map[string]func([]byte) error{
		"eforms":    func(b []byte) error { _, err := ParseEForms(bytes.NewReader(b), testOptions()); return err },
		"boamp-xml": func(b []byte) error { _, err := ParseBOAMPXML(bytes.NewReader(b), testOptions()); return err },
	} {
		t.Run(name, func(t *testing.T) {
			doc := []byte(flood)
			if name == "boamp-xml" {
				doc = []byte(strings.ReplaceAll(flood, "ContractNotice", "ANNONCE"))
			}
			var err error
			// Reading the 16 MB input costs 16 MB; building the tree of four
			// million nodes cost over 500 MB.
			if n := allocated(func() { err = parse(doc) }); n > 200<<20 {
				t.Errorf("allocated %d MB before refusing", n>>20)
			}
			if !errors.Is(err, ErrTooMany) || !errors.Is(err, data.ErrTooLarge) {
				t.Fatalf("err = %v, want ErrTooMany", err)
			}
		})
	}
	t.Run("attributes count too", func(t *testing.T) {
		doc := "<ContractNotice " + strings.Repeat(`a="" `, 20) + ">" + strings.Repeat(`<b c="" d="" e=""/>`, 100) + "</ContractNotice>"
		_, err := ParseEForms(strings.NewReader(doc), Options{Now: fixedNow, MaxElements: 300})
		if !errors.Is(err, ErrTooMany) {
			t.Fatalf("421 elements and attributes with a cap of 300: err = %v, want ErrTooMany", err)
		}
	})
}

// ocdsWithLots is an OCDS release package of one tender with n lots.
func ocdsWithLots(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"releases":[{"ocid":"ocds-test-lots","id":"r1","date":"2026-02-02T10:00:00+01:00","tag":["tender"],` +
		`"buyer":{"name":"Commune de Fillière"},"tender":{"id":"1","title":"Fournitures de mobilier","status":"active",` +
		`"items":[{"id":"1","classification":{"scheme":"CPV","id":"39100000"}}],"lots":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"LOT-%d","title":"Lot %d"}`, i+1, i+1)
	}
	b.WriteString(`]}}]}`)
	return []byte(b.String())
}

func TestOCDSLotFloodRefusedBeforeDecoding(t *testing.T) {
	doc := ocdsWithLots(600_000) // the hostile test's file
	var err error
	if n := allocated(func() { _, err = ParseOCDS(bytes.NewReader(doc), testOptions()) }); n > 3*uint64(len(doc)) {
		t.Errorf("allocated %d MB for a %d MB input before refusing", n>>20, len(doc)>>20)
	}
	if !errors.Is(err, ErrTooMany) {
		t.Fatalf("err = %v, want ErrTooMany", err)
	}
}

func TestNoticeLotCap(t *testing.T) {
	tests := []struct {
		name   string
		lots   int
		opts   Options
		reject bool
	}{
		{"a few lots", 3, testOptions(), false},
		{"exactly the default cap", DefaultMaxLots, testOptions(), false},
		{"one more than the default cap", DefaultMaxLots + 1, testOptions(), true},
		{"over a configured cap", 51, Options{Now: fixedNow, MaxLots: 50}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ParseOCDS(bytes.NewReader(ocdsWithLots(tt.lots)), tt.opts)
			if err != nil {
				t.Fatalf("ParseOCDS: %v", err)
			}
			if !tt.reject {
				if len(res.Tenders) != 1 || len(res.Tenders[0].Lots) != tt.lots {
					t.Fatalf("got %d tenders (problems %v), want one with %d lots", len(res.Tenders), res.Problems, tt.lots)
				}
				return
			}
			if len(res.Tenders) != 0 || len(res.Problems) != 1 || !errors.Is(res.Problems[0], ErrTooMany) {
				t.Fatalf("got %d tenders, problems %v: want the notice rejected with ErrTooMany", len(res.Tenders), res.Problems)
			}
			if msg := res.Problems[0].Error(); !strings.Contains(msg, "lots") || !strings.Contains(msg, "acceptés") {
				t.Errorf("problem %q does not say the lots are too many", msg)
			}
		})
	}
	t.Run("eForms notice of 100 lots with a cap of 50", func(t *testing.T) {
		_, err := ParseEForms(bytes.NewReader(readFixture(t, "eforms/cn_24_maximal_100_lots.xml")), Options{Now: fixedNow, MaxLots: 50})
		if !errors.Is(err, ErrTooMany) {
			t.Fatalf("err = %v, want ErrTooMany", err)
		}
	})
}
