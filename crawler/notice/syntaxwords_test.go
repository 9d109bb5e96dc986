package notice

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

// english catches the words of encoding/json's and encoding/xml's own
// messages, which must not reach a person.
var english = regexp.MustCompile(`(?i)\b(invalid|unexpected|expected|EOF|literal|looking|element|after|syntax)\b`)

// TestSyntaxErrorsInFrench: broken JSON and XML are explained in French,
// with the line (and for JSON the column) where they break.
func TestSyntaxErrorsInFrench(t *testing.T) {
	tests := []struct {
		name  string
		parse func(string) error
		in    string
		want  string
	}{
		{"JSON cut", boampAPIErr, `{"results": [{"idweb": "1"`, "JSON mal formé à la ligne 1 : le document s'arrête au milieu (fichier tronqué ?)"},
		{"JSON empty", decpErr, "  \n", "JSON : document vide"},
		{"JSON missing comma", boampAPIErr, "{\"results\": [\n  {\"idweb\": \"1\" \"objet\": 2}]}", "JSON mal formé à la ligne 2, colonne 17 : « , » ou « } » attendu après une valeur, trouvé '\"'"},
		{"JSON trailing comma", boampAPIErr, "{\n  \"results\": [\n    {\"idweb\": \"1\",}\n  ]\n}", "JSON mal formé à la ligne 3, colonne 19 : caractère '}' inattendu là où une clé entre guillemets est attendue"},
		{"JSON bad word", ocdsErr, `{"releases": [tru]}`, "JSON mal formé à la ligne 1, colonne 18 : mot true mal écrit (caractère ']')"},
		{"JSON bad number", ocdsErr, `{"releases": [1.e]}`, "colonne 17 : nombre mal écrit (caractère 'e')"},
		{"JSON bad escape", ocdsErr, `{"releases": [{"a": "\q"}]}`, "séquence d'échappement invalide dans une chaîne ('q')"},
		{"JSON unquoted key", decpErr, `{marches: []}`, "colonne 2 : caractère 'm' inattendu là où une clé entre guillemets est attendue"},
		{"JSON second document", decpErr, "{\"marches\": []}\n{\"marches\": []}", "JSON mal formé à la ligne 2, colonne 1 : données après la fin du document"},
		{"XML cut", boampXMLErr, "<ANNONCE>\n<GESTION>x</GESTION", "XML mal formé à la ligne 2 : le document s'arrête au milieu (fichier tronqué ?)"},
		{"XML cut between elements", boampXMLErr, "<ANNONCE>\n<A>x</A>\n", "XML mal formé à la ligne 3 : le document s'arrête au milieu (fichier tronqué ?), avant la fin de l'élément <ANNONCE>"},
		{"XML wrong end tag", boampXMLErr, "<ANNONCE>\n<A>x</B></ANNONCE>", "XML mal formé à la ligne 2 : balise fermante </B> inattendue (l'élément ouvert est <A>)"},
		{"XML bare ampersand", boampXMLErr, "<ANNONCE>Dupont & fils</ANNONCE>", "XML mal formé à la ligne 1 : « & » isolé (dans un texte, « & » s'écrit &amp;)"},
		{"XML unknown entity", boampXMLErr, "<ANNONCE>a &nbsp; b</ANNONCE>", "entité &nbsp; inconnue (dans un texte, « & » s'écrit &amp;)"},
		{"XML bare <", boampXMLErr, "<ANNONCE>a < b</ANNONCE>", "nom d'élément attendu après « < » (dans un texte, « < » s'écrit &lt;)"},
		{"XML unquoted attribute", boampXMLErr, "<ANNONCE a=b/>", "valeur d'attribut absente ou sans guillemets"},
		{"XML control character", boampXMLErr, "<ANNONCE>\x01</ANNONCE>", "caractère interdit U+0001"},
		{"XML two roots", boampXMLErr, "<ANNONCE/>\n<B/>", "XML mal formé à la ligne 2 : élément <B> après la fin du document"},
		{"XML unknown encoding", boampXMLErr, `<?xml version="1.0" encoding="Shift_JIS"?><ANNONCE/>`, "encodage illisible : encodage « Shift_JIS » déclaré par le document, non pris en charge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse(tt.in)
			if err == nil {
				t.Fatal("no error")
			}
			got := Explain(err)
			if !strings.Contains(got, tt.want) {
				t.Errorf("Explain = %q\nwant it to contain %q", got, tt.want)
			}
			if m := english.FindString(strings.ReplaceAll(got, "élément", "")); m != "" {
				t.Errorf("Explain = %q: English %q", got, m)
			}
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrEncoding) {
				t.Errorf("err %v is neither ErrMalformed nor ErrEncoding", err)
			}
		})
	}
}

func boampAPIErr(s string) error {
	_, err := ParseBOAMPAPI(strings.NewReader(s), testOptions())
	return err
}
func boampXMLErr(s string) error {
	_, err := ParseBOAMPXML(strings.NewReader(s), testOptions())
	return err
}
func ocdsErr(s string) error { _, err := ParseOCDS(strings.NewReader(s), testOptions()); return err }
func decpErr(s string) error { _, err := ParseDECP(strings.NewReader(s), testOptions()); return err }

// TestEmbeddedDonneesErrorInFrench: a BOAMP record whose « donnees » is
// broken JSON keeps its flat fields, and the note says why in French.
func TestEmbeddedDonneesErrorInFrench(t *testing.T) {
	in := `{"results": [{"idweb": "26-1", "objet": "Menuiseries", "nomacheteur": "Ville", "donnees": "{\"OBJET\": "}]}`
	res, err := ParseBOAMPAPI(strings.NewReader(in), testOptions())
	if err != nil || len(res.Tenders) != 1 {
		t.Fatalf("err %v, %d tenders", err, len(res.Tenders))
	}
	var note string
	for _, w := range res.Warnings {
		if strings.Contains(w.Error(), "donnees") {
			note = w.Error()
		}
	}
	const want = "champ donnees illisible, ignoré : syntaxe invalide : JSON mal formé à la ligne 1 : le document s'arrête au milieu (fichier tronqué ?)"
	if !strings.Contains(note, want) || strings.Contains(note, "notice:") {
		t.Errorf("note %q; want %q", note, want)
	}
}
