package data

import (
	"time"
	"unicode/utf8"
)

// Suggestion is one concrete way to complete a listing: the form section
// that does it and what to do, in French.
type Suggestion struct {
	Section string // "presentation", "cpv", "zone", "capacite", "certifications", "contacts", "logo"
	Text    string
	Points  int // what the score gains
}

// minDescriptionRunes is the length below which a presentation says too
// little to be found by its words.
const minDescriptionRunes = 80

// Completeness grades how complete a listing is, out of 100, and lists
// what would complete it, most valuable first. now decides which
// certifications have expired.
func Completeness(s Supplier, now time.Time) (score int, todo []Suggestion) {
	check := func(done bool, sg Suggestion) {
		if done {
			score += sg.Points
		} else {
			todo = append(todo, sg)
		}
	}
	check(len(s.CPVDeclared) > 0, Suggestion{"cpv", "Ajoutez vos codes CPV pour recevoir les appels d'offres correspondants.", 20})
	check(utf8.RuneCountInString(s.Description) >= minDescriptionRunes, Suggestion{"presentation",
		"Présentez votre entreprise et votre savoir-faire en quelques phrases (au moins 80 caractères) : les acheteurs vous trouvent par ces mots.", 20})
	check(len(s.Products) > 0, Suggestion{"presentation", "Citez vos produits et vos gammes : c'est ce que les acheteurs tapent dans la recherche.", 15})
	check(s.ServiceArea.Kind != ServiceAreaUnknown, Suggestion{"zone",
		"Indiquez votre zone d'intervention pour être proposé aux acheteurs des territoires que vous servez.", 10})
	check(s.HeadcountBand != "" && s.TurnoverBand != "", Suggestion{"capacite",
		"Précisez votre effectif et votre chiffre d'affaires : les acheteurs vérifient la capacité à exécuter le marché.", 10})
	check(s.LargestContractEUR > 0, Suggestion{"capacite", "Indiquez le montant du plus gros contrat que vous avez réalisé : il montre les marchés à votre portée.", 5})
	_, hasContact := PublicContact(s)
	check(hasContact, Suggestion{"contacts", "Donnez un courriel ou un téléphone public pour que les acheteurs vous joignent.", 5})
	check(s.Website != "", Suggestion{"contacts", "Indiquez l'adresse de votre site web.", 5})
	check(len(s.Certifications) > 0, Suggestion{"certifications", "Mentionnez vos certifications (ISO 9001, Qualibat…) avec leur date de validité.", 5})
	check(s.Logo != "", Suggestion{"logo", "Ajoutez votre logo : votre fiche sera reconnue d'un coup d'œil.", 5})
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for _, c := range s.Certifications {
		if !c.ValidUntil.IsZero() && c.ValidUntil.Before(today) {
			todo = append(todo, Suggestion{Section: "certifications",
				Text: "La certification « " + c.Name + " » a expiré le " + c.ValidUntil.Format("02/01/2006") + " : mettez sa date à jour ou retirez-la."})
		}
	}
	return score, todo
}
