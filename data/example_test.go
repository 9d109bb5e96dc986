package data_test

import (
	"errors"
	"fmt"
	"time"

	"fabrique/data"
)

func ExampleRepairSIRET() {
	// A spreadsheet dropped the leading zero of ETABLISSEMENTS GABRIEL BOUDIER's SIRET.
	siret, repaired, err := data.RepairSIRET("1575398100016")
	fmt.Println(siret, repaired, err)

	// Separators are removed; La Poste's establishments follow their own rule.
	siret, _, err = data.RepairSIRET("356 000 000 12305")
	fmt.Println(siret, err)

	// A wrong key is reported, and the cleaned value kept for display.
	siret, _, err = data.RepairSIRET("524 137 064 00024")
	fmt.Println(siret, errors.Is(err, data.ErrInvalid))
	// Output:
	// 01575398100016 true <nil>
	// 35600000012305 <nil>
	// 52413706400024 true
}

func ExampleNormalizeCPV() {
	for _, raw := range []string{"45261210-9", " 45261210 ", "45261210-1", "4526121"} {
		code, err := data.NormalizeCPV(raw)
		fmt.Printf("%q → %q, %v\n", raw, code, err)
	}
	// Output:
	// "45261210-9" → "45261210", <nil>
	// " 45261210 " → "45261210", <nil>
	// "45261210-1" → "45261210", data: invalid CPV "45261210-1": chiffre de contrôle incorrect (attendu 45261210-9)
	// "4526121" → "", data: invalid CPV "4526121": format attendu : 8 chiffres, éventuellement suivis de « -clé » (45212350-4)
}

func ExampleNormalizeName() {
	fmt.Println(data.NormalizeName("Ateliers Dupont & Fils S.A.R.L."))
	fmt.Println(data.NormalizeName("SARL ATELIERS DUPONT"))
	fmt.Println(data.NormalizeName("Société Française de Diffusion des Vinaigres d'Orléans"))
	// Output:
	// ateliers dupont
	// ateliers dupont
	// francaise diffusion vinaigres orleans
}

func ExampleResolveAddress() {
	a := data.ResolveAddress(data.Address{Postcode: "20600", Commune: "FURIANI"})
	fmt.Println(a.Commune, a.CommuneINSEE, a.Departement, a.Region, a.NUTS3, a.Precision)

	// An unknown (CEDEX) postcode still gives its département.
	a = data.ResolveAddress(data.Address{Postcode: "06364", Commune: "NICE CEDEX 4"})
	fmt.Println(a.Departement, a.NUTS3, a.Precision)
	// Output:
	// Furiani 2B120 2B 94 FRM02 commune
	// 06 FRL03 departement
}

func ExampleReason_String() {
	reasons := []data.Reason{
		{Kind: data.ReasonCPV, TenderCPV: "45261210", TenderCPVFR: "Travaux de couverture"},
		{Kind: data.ReasonDistance, DistanceKm: 23.6},
		{Kind: data.ReasonLabel, Label: data.LabelEPV, ValidUntil: time.Date(2030, 11, 3, 0, 0, 0, 0, time.UTC)},
		{Kind: data.ReasonTrackRecord, AwardCount: 2, LastAward: "2025-02"},
	}
	for _, r := range reasons {
		fmt.Println(r)
	}
	// Output:
	// CPV 45261210 (travaux de couverture) déclaré par l'entreprise
	// à 24 km
	// label EPV valide jusqu'au 03/11/2030
	// a déjà remporté 2 marchés de ce type (dernier : février 2025)
}

func ExampleInferCPV() {
	guesses := data.InferCPV(data.CPVEvidence{
		Title:       "Aménagement d'un parking de 116 places",
		Descriptors: []data.Descriptor{{Code: "341", Label: "Terrassement"}},
		Nature:      data.NatureWorks,
	})
	g := guesses[0]
	fmt.Println(g.Code, g.Label, "—", g.Source, "—", g.Because)
	// Output: 45112000 Travaux de fouille et de terrassement — descripteur BOAMP — descripteur BOAMP « Terrassement » ; mots « parking »
}
