package verify_test

import (
	"fmt"

	"fabrique/data"
	"fabrique/web/verify"
)

// The e-mail proof: the domain comes from the website a source published;
// the claimant only chooses the part before « @ ».
func ExampleMailAddress() {
	sup := data.Supplier{Website: "https://www.atelier-exemple.fr/accueil"}
	sup.SetProvenance(data.FieldWebsite, data.Provenance{Source: "ofg"})
	d, err := verify.SourcedDomain(sup)
	if err != nil {
		fmt.Println(err)
		return
	}
	addr, _ := verify.MailAddress("Direction", d)
	fmt.Println(addr)
	_, err = verify.MailAddress("direction@gmail.com", d)
	fmt.Println(err != nil)

	sup.Website = "https://atelier.wixsite.com/accueil"
	_, err = verify.SourcedDomain(sup)
	fmt.Println(err.(*data.ValidationError).Message)
	// Output:
	// direction@atelier-exemple.fr
	// true
	// le site web est hébergé sur une plateforme partagée (atelier.wixsite.com) : ce domaine n'appartient pas à l'entreprise
}
