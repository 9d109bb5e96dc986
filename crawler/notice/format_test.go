package notice

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestDetect recognises every fixture from its first 2 KiB, whatever its
// name, and Parse reads it with the matching reader.
func TestDetect(t *testing.T) {
	tests := []struct {
		pattern string
		want    Format
	}{
		{"boamp/*.json", FormatBOAMPAPI},
		{"boamp/xml/*.xml", FormatBOAMPXML},
		{"eforms/*.xml", FormatEForms},
		{"eforms-invalid/*.xml", FormatEForms},
		{"ocds/*.json", FormatOCDS},
		{"decp/*.json", FormatDECPJSON},
		{"decp/*.csv", FormatDECPCSV},
	}
	for _, tt := range tests {
		for _, f := range globFixtures(t, tt.pattern) {
			t.Run(f, func(t *testing.T) {
				b := readFixture(t, f)
				head := b[:min(len(b), 2048)]
				got, err := Detect("fichier-sans-indice", head)
				if err != nil || got != tt.want {
					t.Fatalf("Detect = %q, %v; want %q", got, err, tt.want)
				}
				res, err := Parse(got, bytes.NewReader(b), testOptions())
				if err != nil && !strings.HasPrefix(filepath.Base(f), "INVALID_") && !strings.HasPrefix(filepath.Base(f), "X0") {
					t.Errorf("Parse: %v", err)
				}
				if len(res.Tenders)+len(res.Awards)+len(res.Problems) == 0 {
					t.Errorf("Parse gave nothing at all")
				}
			})
		}
	}
}

func TestDetectEdgeCases(t *testing.T) {
	tests := []struct {
		name, file, head string
		want             Format
		wantErr          bool
	}{
		{"BOM and blanks before XML", "x", "\ufeff \n<?xml version=\"1.0\"?><ANNONCE>", FormatBOAMPXML, false},
		{"comment before the root", "x", "<!-- note --><ContractAwardNotice xmlns=\"urn:x\">", FormatEForms, false},
		{"cut in the middle of a value", "x", `{"total_count": 90, "results": [{"id": "26_2`, FormatBOAMPAPI, false},
		{"OCDS record package", "x", `{"uri":"u","records":[{"ocid":"ocds-1"`, FormatOCDS, false},
		{"BOAMP v1 records", "x", `{"nhits":1,"records":[{"fields":{"idweb":"1-1"`, FormatBOAMPAPI, false},
		{"DECP 2022", "x", `{"marches": {"marche": [`, FormatDECPJSON, false},
		{"bare array of DECP rows", "x", `[{"id":"1","titulaires":[]}]`, FormatDECPJSON, false},
		{"unknown JSON, named by its file", "decp_2019.json", `{"data":[]}`, FormatDECPJSON, false},
		{"semicolon CSV", "x", "uid;id;titulaire_id;acheteur_id\n", FormatDECPCSV, false},
		{"unknown XML root", "x", "<rss><channel>", "", true},
		{"unknown JSON", "x", `{"foo": 1}`, "", true},
		{"empty", "x", "  \n", "", true},
		{"plain text", "x", "bonjour", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Detect(tt.file, []byte(tt.head))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("Detect = %q, %v; want %q (error %v)", got, err, tt.want, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrUnknownFormat) {
				t.Errorf("err = %v; want ErrUnknownFormat", err)
			}
		})
	}
	if _, err := Parse("pdf", strings.NewReader(""), Options{}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("Parse of an unknown format: %v", err)
	}
}
