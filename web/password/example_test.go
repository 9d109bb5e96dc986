package password_test

import (
	"fmt"

	"fabrique/web/password"
)

func ExampleWeakness() {
	fmt.Println(password.Weakness("motdepasse123", "claire@atelier.fr"))
	fmt.Println(password.Weakness("court", "claire@atelier.fr"))
	fmt.Printf("%q\n", password.Weakness("trois pommes sur la table", "claire@atelier.fr"))
	// Output:
	// ce mot de passe fait partie des plus courants : choisissez-en un autre
	// le mot de passe doit compter au moins 12 caractères (il en a 5)
	// ""
}

func ExampleCheck() {
	hash, _ := password.Hash("trois pommes sur la table")
	ok, _ := password.Check("trois pommes sur la table", hash)
	bad, _ := password.Check("quatre pommes sur la table", hash)
	fmt.Println(ok, bad)
	// Output: true false
}
