package notice_test

import (
	"fmt"
	"os"
	"strings"

	"fabrique/crawler/notice"
)

func ExampleParse() {
	f, err := os.Open("testdata/eforms/cn_81_FRA.xml")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	head := make([]byte, 2048)
	n, _ := f.Read(head)
	format, err := notice.Detect(f.Name(), head[:n])
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := f.Seek(0, 0); err != nil {
		fmt.Println(err)
		return
	}
	res, err := notice.Parse(format, f, notice.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	t := res.Tenders[0]
	fmt.Println(format, t.ID)
	fmt.Println(t.Title)
	fmt.Println("CPV", t.CPV, "département", t.Place.Departement, t.Place.NUTS)
	fmt.Println("date limite", t.Deadline.Format("2006-01-02 15:04 -07:00"), t.State)
	// Output:
	// eforms ted:866bf88e-f381-45c8-a085-43a6148d0ab7
	// Assistance à maîtrise d’œuvre en suivi de réalisation dans le cadre du projet de construction d’un poste de garde et d’un parking sur plusieurs niveaux sur le site CEA de Cadarache pour le compte du CEA DAM
	// CPV 71336000 département 13 FRL04
	// date limite 2020-09-14 16:00 +01:00 open
}

func ExampleParseDECP() {
	rows := `{"marches": [{"id": "021803cloture00", "acheteur": {"id": "21720241500014", "nom": "Commune de Montfort le Gesnois"},
		"objet": "Collecte des déchets", "codeCPV": "9310000", "dateNotification": "0218-10-29", "montant": 18000,
		"lieuExecution": {"code": "72450", "typeCode": "Code postal"},
		"titulaires": [{"typeIdentifiant": "SIRET", "id": "333 050 284 00038", "denominationSociale": "PAPREC"}]}]}`
	res, _ := notice.ParseDECP(stringsReader(rows), notice.Options{Source: "decp-2019-mpi"})
	a := res.Awards[0]
	fmt.Println(a.ID, a.CPV, a.Place.Departement, a.Winners[0].SIRET)
	for _, d := range a.Defects {
		fmt.Println("-", d)
	}
	// Output:
	// decp-2019-mpi:21720241500014021803cloture00 09310000 72 33305028400038
	// - code CPV "9310000" sans son zéro de tête, lu 09310000
	// - dateNotification : date impossible "0218-10-29" (année 218)
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
