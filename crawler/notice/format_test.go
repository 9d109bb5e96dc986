package notice

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"fabrique/data"
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

// TestExplain: the errors of the readers, as the import command shows
// them to a person: French, without « notice: » or « data: invalid ».
func TestExplain(t *testing.T) {
	_, unknown := Detect("x.txt", []byte("data\n"))
	_, root := Detect("page.xml", []byte("<html/>"))
	_, keys := Detect("y.json", []byte(`{"foo": 1}`))
	_, array := Detect("y.json", []byte(`[{"foo": 1}]`))
	_, empty := Detect("y.json", []byte(`{}`))
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"not a known format", unknown, "format non reconnu : ni XML, ni JSON, ni CSV des DECP"},
		{"unknown XML root", root, "format non reconnu : racine XML <html> inconnue"},
		{"unknown JSON keys", keys, "format non reconnu : JSON sans clé connue (foo)"},
		{"no procurement", fmt.Errorf("avis %s (%s) : %w", "brin-eeig", "BusinessRegistrationInformationNotice", ErrNotProcurement),
			"document sans marché public (avis d'immatriculation) : avis brin-eeig (BusinessRegistrationInformationNotice)"},
		{"bare JSON array of unknown records", array, "format non reconnu : tableau JSON sans champ connu (idweb, ocid, titulaires)"},
		{"empty JSON object", empty, "format non reconnu : JSON sans clé connue"},
		{"one missing element", missingElements([]string{"cbc:ID (identifiant de l'avis)"}),
			"avis rejeté : élément obligatoire absent : cbc:ID (identifiant de l'avis)"},
		{"missing elements", fmt.Errorf("notice: avis eForms <ContractNotice>: %w", missingElements([]string{"cbc:ID (identifiant)", "cbc:IssueDate (date)"})),
			"avis rejeté : avis eForms <ContractNotice> : éléments obligatoires absents : cbc:ID (identifiant) ; cbc:IssueDate (date)"},
		{"malformed", fmt.Errorf("%w: JSON: objet attendu", ErrMalformed), "syntaxe invalide : JSON : objet attendu"},
		{"problem", Problem{Ref: "ligne 42", Err: rejectf("titre absent")}, "ligne 42 : avis rejeté : titre absent"},
		{"bare sentinel", ErrTooLarge, "entrée trop volumineuse"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil {
				t.Fatal("no error")
			}
			if got := Explain(tt.err); got != tt.want {
				t.Errorf("Explain(%q) =\n %q, want\n %q", tt.err, got, tt.want)
			}
			// A document without procurement is skipped, not an error of
			// the input: it wraps no data sentinel.
			if !errors.Is(tt.err, ErrNotProcurement) && !errors.Is(tt.err, data.ErrInvalid) && !errors.Is(tt.err, data.ErrTooLarge) {
				t.Errorf("%v no longer wraps a data sentinel", tt.err)
			}
		})
	}
	var fe *FormatError
	if !errors.As(unknown, &fe) || !errors.Is(unknown, ErrUnknownFormat) || fe.Name != "x.txt" {
		t.Errorf("Detect's error %#v: want a *FormatError naming x.txt and wrapping ErrUnknownFormat", unknown)
	}
}
