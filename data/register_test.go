package data

import (
	"testing"
	"time"
)

func TestPersonName(t *testing.T) {
	tests := []struct{ name, raw, want string }{
		{"register form", "VIDAL*/BRUNO PIERRE MICHEL/", "Bruno Pierre Michel Vidal"},
		{"spaces before the slash", "PONSON*/DAVID  /", "David Ponson"},
		{"hyphenated first name", "VEXLARD*/JEAN-PIERRE ALFRED /", "Jean-Pierre Alfred Vexlard"},
		{"usage name", "MARTIN*DURAND/ANNE/", "Anne Durand"},
		{"company name untouched", "HORUS", "HORUS"},
		{"star without slash", "A*B", "A*B"},
		{"trimmed", "  ATELIER  ", "ATELIER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PersonName(tt.raw); got != tt.want {
				t.Errorf("PersonName(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}

func TestTitleCase(t *testing.T) {
	tests := map[string]string{
		"JEAN-PIERRE D'ARC": "Jean-Pierre D'Arc",
		"élodie  ÉCRIN":     "Élodie Écrin",
		"":                  "",
	}
	for in, want := range tests {
		if got := TitleCase(in); got != want {
			t.Errorf("TitleCase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLegalFormName(t *testing.T) {
	tests := []struct{ code, want string }{
		{"5710", "Société par actions simplifiée (SAS)"},
		{"5499", "Société à responsabilité limitée (SARL)"},
		{"5460", "Autre SARL coopérative"},
		{"5422", "SARL immobilière pour le commerce et l'industrie"},
		{"5401", "Société à responsabilité limitée (SARL)"}, // level II fallback
		{"1000", "Entrepreneur individuel"},
		{"0000", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := LegalFormName(tt.code); got != tt.want {
			t.Errorf("LegalFormName(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestMergeOwnerWinsOverRegister(t *testing.T) {
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	existing := Supplier{ID: "x", Name: "Nom déclaré", Address: Address{Street: "1 rue déclarée", Postcode: "75001", Departement: "75"}}
	existing.SetProvenance(FieldName, Provenance{Source: "owner", Owner: true})
	existing.SetProvenance(FieldAddress, Provenance{Source: "owner", Owner: true})
	reg := Supplier{ID: "x", Name: "NOM REGISTRE", Register: &RegisterIdentity{Found: true,
		HeadOffice: Address{Street: "2 rue du Registre", Postcode: "69001", Departement: "69"}}}
	reg.SetProvenance(FieldName, Provenance{Source: SourceRegister})
	reg.SetProvenance(FieldRegister, Provenance{Source: SourceRegister})
	m, _ := MergeCrawled(&existing, reg, now)
	if m.Name != "Nom déclaré" || m.Address.Street != "1 rue déclarée" {
		t.Errorf("owner's declarations replaced by the register: %q %+v", m.Name, m.Address)
	}
	if m.Register == nil || m.Register.HeadOffice.Street != "2 rue du Registre" {
		t.Errorf("register identity not kept: %+v", m.Register)
	}
}
