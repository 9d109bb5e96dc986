package crawler

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"

	"fabrique/data"
)

// checkCrawled holds for every supplier a crawl or a file gives, whatever
// the page: it has a key; its SIREN, when it has one, is valid and is its
// key; an establishment counted valid has a valid SIRET of that SIREN (an
// invalid one is kept only flagged, with its defect); no SIRET twice; its
// names hold no markup nor control characters; its places are on the
// globe.
func checkCrawled(t *testing.T, s data.Supplier) {
	t.Helper()
	if s.ID == "" {
		t.Fatalf("supplier without key: %+v", s)
	}
	if s.SIREN != "" && (data.ValidSIREN(s.SIREN) != nil || s.ID != s.SIREN) {
		t.Fatalf("SIREN %q kept under key %q", s.SIREN, s.ID)
	}
	seen := map[string]bool{}
	for _, e := range s.Establishments {
		switch {
		case e.Valid && data.ValidSIRET(e.SIRET) != nil:
			t.Fatalf("establishment counted valid with SIRET %q", e.SIRET)
		case e.Valid && s.SIREN != "" && data.SIRENOf(e.SIRET) != s.SIREN:
			t.Fatalf("SIRET %q under SIREN %q", e.SIRET, s.SIREN)
		case !e.Valid && e.Defect == "" && data.ValidSIRET(e.SIRET) != nil:
			t.Fatalf("invalid SIRET %q kept without its defect", e.SIRET)
		case seen[e.SIRET]:
			t.Fatalf("SIRET %q twice", e.SIRET)
		}
		seen[e.SIRET] = true
		checkPlace(t, e.Address)
	}
	checkPlace(t, s.Address)
	for _, name := range append([]string{s.Name}, s.TradeNames...) {
		if strings.Contains(strings.ToLower(name), "<script") ||
			strings.IndexFunc(name, unicode.IsControl) >= 0 || name != strings.TrimSpace(name) {
			t.Fatalf("name %q: markup, a control character or spaces around", name)
		}
	}
}

func checkPlace(t *testing.T, a data.Address) {
	t.Helper()
	if a.HasGeo() && (a.Lat < -90 || a.Lat > 90 || a.Lon < -180 || a.Lon > 180) {
		t.Fatalf("place off the globe: %+v", a)
	}
}

// FuzzRegisterExtract reads answers of the API Recherche d'entreprises
// (the "sirene" source): a malformed answer is an ErrParse and gives
// nothing; otherwise every company kept has a valid SIREN, is keyed by
// it, and holds only valid establishments of its own (checkCrawled).
func FuzzRegisterExtract(f *testing.F) {
	def := DefaultConfig().Sources["sirene"]
	if def == nil {
		f.Fatal("no sirene source")
	}
	x := newRegisterExtractor(def, newNormalizer())
	f.Add([]byte(`{"results":[{"siren":"999900012","nom_raison_sociale":"FORGES DE L'EXEMPLE","sigle":"FDE","nature_juridique":"5710",` +
		`"activite_principale":"25.50A","categorie_entreprise":"PME","date_creation":"1987-03-01","etat_administratif":"A",` +
		`"statut_diffusion":"O","tranche_effectif_salarie":"22","siege":{"siret":"99990001200017","est_siege":true,` +
		`"etat_administratif":"A","complement_adresse":"ZA DES FORGES","numero_voie":"12","type_voie":"RUE","libelle_voie":"DES FORGES",` +
		`"code_postal":"63300","commune":"63430","libelle_commune":"THIERS","latitude":"45.8621","longitude":"3.5395",` +
		`"liste_enseignes":["COUTELLERIE"]},"matching_etablissements":[{"siret":"99990001200025","etat_administratif":"F",` +
		`"date_fermeture":"2020-01-31","code_postal":"42300","commune":"42187","latitude":46.0375,"longitude":4.0719,` +
		`"nom_commercial":"ATELIER DE LA GARE"}]}],"total_results":1}`))
	f.Add([]byte(`{"results":[{"siren":"999 900 020","nom_complet":"DUPONT*JEAN/","nature_juridique":"1000","statut_diffusion":"P",` +
		`"etat_administratif":"C","date_fermeture":"2024-12-31","siege":{"siret":"99990002000015","statut_diffusion_etablissement":"P",` +
		`"libelle_voie":"[NON-DIFFUSIBLE]","code_postal":"75011","commune":"75111"}}]}`))
	f.Add([]byte(`{"results":[{"siren":552100554,"nom_raison_sociale":null,"siege":{"siret":["x"],"latitude":{"a":1}}}]}`))
	f.Add([]byte(`{"results":[{"siren":"1"`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := x.extract(body, "https://recherche-entreprises.example/search?q=1", time.Unix(0, 0))
		if err != nil {
			if len(got) != 0 || !errors.Is(err, ErrParse) {
				t.Fatalf("error %v with %d suppliers", err, len(got))
			}
			return
		}
		for _, s := range got {
			if s.SIREN == "" || s.Register == nil || !s.Register.Found {
				t.Fatalf("company kept without SIREN or register identity: %+v", s)
			}
			checkCrawled(t, s)
		}
	})
}
