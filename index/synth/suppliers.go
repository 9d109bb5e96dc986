package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"fabrique/data"
)

// Suppliers returns n fictitious suppliers built from real
// vocabulary, the same for the same (n, seed): NAF rév. 2 sub-classes
// (mostly manufacturing and building trades), products named after CPV
// labels of the divisions the NAF code supplies, real communes drawn by
// population with their coordinates, EPV univers and labels, headcount
// bands, and company names made from common French surnames and trade
// words. It feeds the benchmarks and load tests; the companies do not
// exist (their SIRENs are valid but random).
func Suppliers(n int, seed int64) []data.Supplier {
	v := newSynthVocab()
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	seen := make(map[string]bool, n)
	out := make([]data.Supplier, 0, n)
	for i := 0; len(out) < n; i++ {
		siren := randomSIREN(rng)
		if seen[siren] {
			continue
		}
		seen[siren] = true
		out = append(out, v.supplier(rng, siren, base.Add(time.Duration(i)*time.Second)))
	}
	return out
}

type synthVocab struct {
	naf         []data.NAFCode // sub-classes, repeated by weight
	cpvByDiv    map[string][]data.CPVCode
	communes    []data.Commune
	communeCum  []float64 // cumulative weights
	bands       []string
	bandWeights []float64
}

func newSynthVocab() *synthVocab {
	v := &synthVocab{cpvByDiv: map[string][]data.CPVCode{}}
	for _, c := range data.NAFCodes("sous-classe") {
		switch c.Section {
		case "C": // manufacturing: what the directory is about
			v.naf = append(v.naf, c, c, c, c, c, c)
		case "F": // building trades, heritage restoration
			v.naf = append(v.naf, c, c, c)
		case "G", "M", "S", "R", "J", "A", "I":
			v.naf = append(v.naf, c)
		}
	}
	for _, c := range data.CPVCodes() {
		if c.Level != "division" && c.LabelFR != "" {
			v.cpvByDiv[c.Division] = append(v.cpvByDiv[c.Division], c)
		}
	}
	total := 0.0
	for _, c := range data.Communes() {
		if !c.HasGeo || c.Type != "commune-actuelle" || len(c.Postcodes) == 0 {
			continue
		}
		// √population spreads companies over small towns too, as
		// workshops are, while cities still get more.
		total += math.Sqrt(float64(max(c.Population, 1)))
		v.communes = append(v.communes, c)
		v.communeCum = append(v.communeCum, total)
	}
	for _, b := range data.HeadcountBands() {
		w := 0.0
		switch b.Code {
		case "00", "01", "02", "03":
			w = 6
		case "11", "12":
			w = 4
		case "21", "22":
			w = 2
		case "31", "32", "41":
			w = 0.7
		case "42", "51", "52", "53":
			w = 0.1
		}
		if w > 0 {
			v.bands = append(v.bands, b.Code)
			v.bandWeights = append(v.bandWeights, w)
		}
	}
	return v
}

func (v *synthVocab) supplier(rng *rand.Rand, siren string, updated time.Time) data.Supplier {
	naf := v.naf[rng.IntN(len(v.naf))]
	c := v.commune(rng)
	lat := c.Lat + (rng.Float64()-0.5)*0.03
	lon := c.Lon + (rng.Float64()-0.5)*0.04
	addr := data.Address{Street: fmt.Sprintf("%d %s", 1+rng.IntN(120), pick(rng, streets)),
		Postcode: c.Postcodes[0], Commune: c.Name, CommuneINSEE: c.INSEE, Departement: c.Departement,
		Region: c.Region, Country: "FR", Lat: lat, Lon: lon, Precision: data.GeoExact}
	if d, ok := data.LookupDepartement(c.Departement); ok {
		addr.NUTS3 = d.NUTS3
	}
	siret := randomSIRET(rng, siren)
	s := data.Supplier{
		ID: siren, SIREN: siren, Name: v.name(rng, naf),
		Establishments: []data.Establishment{{SIRET: siret, HeadOffice: true, Production: true, Address: addr, Valid: true}},
		Address:        addr, NAF: naf.Code, NAFLabel: naf.Label,
		HeadcountBand: v.band(rng), CreatedAt: updated, UpdatedAt: updated,
	}
	if rng.IntN(5) == 0 {
		s.TradeNames = []string{pick(rng, brandStarts) + pick(rng, brandEnds)}
	}

	// Products from CPV codes of the divisions this NAF code supplies.
	divs := data.NAFCPVDivisions(naf.Code)
	if len(divs) > 0 {
		div := data.CPVDivision(divs[rng.IntN(min(len(divs), 2))])
		pool := v.cpvByDiv[div]
		for k := 1 + rng.IntN(3); k > 0 && len(pool) > 0; k-- {
			code := pool[rng.IntN(len(pool))]
			if !contains(s.CPVDeclared, code.Code8) {
				s.CPVDeclared = append(s.CPVDeclared, code.Code8)
				s.Products = append(s.Products, code.LabelFR)
			}
		}
		s.CPVInferred = divs[:min(len(divs), 3)]
	}

	univers := pick(rng, Univers)
	if rng.IntN(3) > 0 {
		s.Activities = []string{univers}
	}
	s.Description = v.description(rng, naf, s.Products, c.Name)

	granted := time.Date(2019+rng.IntN(7), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
	switch r := rng.IntN(10); {
	case r < 4:
		s.Labels = append(s.Labels, data.Label{Type: data.LabelEPV, Scope: data.ScopeCompany, Category: univers,
			GrantedAt: granted, ExpiresAt: granted.AddDate(5, 0, 0), Source: "epv", FirstSeen: updated, LastSeen: updated})
	case r < 8:
		rangeName := s.Name
		if len(s.Products) > 0 {
			rangeName = s.Products[0]
		}
		s.Labels = append(s.Labels, data.Label{Type: data.LabelOFG, Scope: data.ScopeProductRange, Range: rangeName,
			Category: univers, CertificateID: fmt.Sprintf("OFG-%06d", rng.IntN(1000000)), GrantedAt: granted,
			ExpiresAt: granted.AddDate(3, 0, 0), Source: "ofg", FirstSeen: updated, LastSeen: updated})
	case r < 9:
		s.Labels = append(s.Labels,
			data.Label{Type: data.LabelEPV, Scope: data.ScopeCompany, Category: univers, GrantedAt: granted,
				ExpiresAt: granted.AddDate(5, 0, 0), Source: "epv", FirstSeen: updated, LastSeen: updated},
			data.Label{Type: data.LabelOFG, Scope: data.ScopeProductRange, Range: s.Name, Category: univers,
				GrantedAt: granted, ExpiresAt: granted.AddDate(3, 0, 0), Source: "ofg", FirstSeen: updated, LastSeen: updated})
	}
	return s
}

func (v *synthVocab) commune(rng *rand.Rand) data.Commune {
	x := rng.Float64() * v.communeCum[len(v.communeCum)-1]
	i := sort.SearchFloat64s(v.communeCum, x)
	return v.communes[min(i, len(v.communes)-1)]
}

func (v *synthVocab) band(rng *rand.Rand) string {
	total := 0.0
	for _, w := range v.bandWeights {
		total += w
	}
	x := rng.Float64() * total
	for i, w := range v.bandWeights {
		if x < w {
			return v.bands[i]
		}
		x -= w
	}
	return v.bands[len(v.bands)-1]
}

func (v *synthVocab) name(rng *rand.Rand, naf data.NAFCode) string {
	switch rng.IntN(6) {
	case 0, 1:
		return pick(rng, tradeWords) + " " + pick(rng, surnames) + pick(rng, nameSuffixes)
	case 2:
		return pick(rng, surnames) + " " + pick(rng, tradeWords)
	case 3:
		return pick(rng, surnames) + " & " + pick(rng, surnames)
	case 4:
		return pick(rng, brandStarts) + pick(rng, brandEnds) + pick(rng, []string{"", " Industrie", " France", " Créations"})
	default:
		return pick(rng, []string{"Maison ", "Ateliers ", "Manufacture "}) + pick(rng, surnames)
	}
}

func (v *synthVocab) description(rng *rand.Rand, naf data.NAFCode, products []string, commune string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s fondée en %d, spécialisée dans : %s.", pick(rng, companyKinds), 1890+rng.IntN(130),
		lowerFirst(naf.Label))
	if len(products) > 0 {
		fmt.Fprintf(&b, " Nous fabriquons %s", lowerFirst(products[0]))
		if len(products) > 1 {
			fmt.Fprintf(&b, " et %s", lowerFirst(products[1]))
		}
		fmt.Fprintf(&b, " dans notre atelier de %s.", commune)
	}
	b.WriteString(" ")
	b.WriteString(pick(rng, closings))
	return b.String()
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && r[1] >= 'a' && r[1] <= 'z' { // keep acronyms ("PVC") as they are
		r[0] = []rune(strings.ToLower(string(r[0])))[0]
	}
	return string(r)
}

func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// randomSIREN returns a random 9-digit number with a valid Luhn key.
func randomSIREN(rng *rand.Rand) string {
	digits := make([]byte, 9)
	digits[0] = byte('1' + rng.IntN(9))
	for i := 1; i < 8; i++ {
		digits[i] = byte('0' + rng.IntN(10))
	}
	for c := byte('0'); c <= '9'; c++ {
		digits[8] = c
		if data.ValidSIREN(string(digits)) == nil {
			break
		}
	}
	return string(digits)
}

// randomSIRET returns a SIRET of siren with a valid Luhn key.
func randomSIRET(rng *rand.Rand, siren string) string {
	nic := []byte(fmt.Sprintf("%04d0", 1+rng.IntN(60)))
	for c := byte('0'); c <= '9'; c++ {
		nic[4] = c
		if s := siren + string(nic); data.ValidSIRET(s) == nil {
			return s
		}
	}
	return siren + "00012" // unreachable: one of ten keys always fits Luhn
}

var (
	surnames = []string{"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois",
		"Moreau", "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
		"Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller",
		"Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier",
		"François", "Legrand", "Gauthier", "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry",
		"Roussel", "Mathieu", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Lemaire", "Noël", "Meyer",
		"Dufour", "Meunier", "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet",
		"Gaillard", "Barbier", "Arnaud", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin",
		"Vidal", "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix",
		"Olivier", "Bourgeois", "Benoît", "Rey", "Leclerc", "Rolland", "Guillaume", "Lecomte", "Dupuy",
		"Guillot", "Hubert", "Berger", "Carpentier", "Dupuis", "Moulin", "Deschamps", "Huet", "Vasseur",
		"Boucher", "Fleury", "Royer", "Klein", "Jacquet", "Adam", "Poirier", "Marty", "Aubry", "Guyot",
		"Carré", "Renault", "Charpentier", "Ménard", "Maillard", "Baron", "Bertin", "Bailly", "Hervé",
		"Schneider", "Le Gall", "Collet", "Léger", "Bouvier", "Julien", "Prévost", "Millet", "Perrot",
		"Cousin", "Germain", "Breton", "Besson", "Langlois", "Rémy", "Le Goff", "Pelletier", "Lévêque",
		"Perrier", "Leblanc", "Barré", "Lebrun", "Marchal", "Weber", "Mallet", "Hamon", "Jacob", "Monnier",
		"Michaud", "Guichard", "Gillet", "Étienne", "Poulain", "Tessier", "Chauvin", "Bouchet", "Lemaître",
		"Maréchal", "Humbert", "Reynaud", "Perret", "Barthélemy", "Cordier", "Pichon", "Lejeune",
		"Gilbert", "Lamy", "Delaunay", "Pasquier", "Carlier", "Laporte", "Rouxel", "Le Bihan", "Quéré"}
	tradeWords = []string{"Ateliers", "Atelier", "Établissements", "Fonderie", "Forges", "Tissages",
		"Menuiserie", "Ébénisterie", "Verrerie", "Cristallerie", "Coutellerie", "Tannerie", "Faïencerie",
		"Papeterie", "Imprimerie", "Chocolaterie", "Distillerie", "Brasserie", "Sellerie", "Maroquinerie",
		"Orfèvrerie", "Horlogerie", "Ferronnerie", "Charpentes", "Marbrerie", "Broderies", "Dentelles",
		"Porcelaines", "Céramiques", "Savonnerie", "Confiserie", "Biscuiterie", "Fromagerie", "Scierie",
		"Chaudronnerie", "Mécanique", "Décolletage", "Robinetterie", "Tôlerie", "Usinage", "Vitraux",
		"Tapisserie", "Lutherie", "Reliure", "Dorure", "Serrurerie", "Métallerie", "Couverture"}
	nameSuffixes = []string{"", "", "", " & Fils", " Frères", " et Cie", " SAS", " SARL", " Père et Fils"}
	brandStarts  = []string{"Vel", "Mar", "Cor", "Tal", "Bré", "Lin", "Sol", "Fer", "Arv", "Ber", "Cal",
		"Dor", "Ent", "Gal", "Hel", "Jur", "Kel", "Lor", "Mon", "Nor", "Orl", "Pol", "Ros", "Sav", "Ter",
		"Val", "Ver", "Vol", "Zen", "Alp"}
	brandEnds    = []string{"ex", "ia", "or", "ine", "tal", "is", "an", "eo", "ys", "otec", "amat", "iance"}
	companyKinds = []string{"Entreprise familiale", "Manufacture", "PME indépendante", "Atelier",
		"Société coopérative", "Maison"}
	closings = []string{
		"Savoir-faire reconnu, fabrication française en petites et moyennes séries.",
		"Nous travaillons pour les collectivités, les hôpitaux et les établissements scolaires.",
		"Fabrication sur mesure, restauration et entretien du patrimoine.",
		"Démarche qualité certifiée, matières premières d'origine française.",
		"Conception, prototypage et production dans nos ateliers.",
		"Entreprise formatrice : apprentis et compagnons du devoir.",
	}
	streets = []string{"rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "route de la Gare",
		"zone artisanale des Prés", "rue du Moulin", "impasse des Tanneurs", "chemin des Forges",
		"rue de l'Industrie", "place de l'Église", "boulevard Pasteur", "rue des Artisans"}
)

// Univers are the eight "univers" of the EPV directory as the index spells
// them (index.epvUnivers; TestSynthUniversAreTheIndexs keeps both equal).
var Univers = []string{
	"Ameublement et décoration",
	"Architecture et patrimoine bâti",
	"Arts de la table",
	"Culture et communication",
	"Équipements industriels, médicaux, mécaniques",
	"Gastronomie",
	"Loisirs et transports",
	"Mode et beauté",
}
