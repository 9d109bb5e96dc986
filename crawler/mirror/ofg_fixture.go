package mirror

// The OFG-like directory's content. Every company, range and certificate
// below is invented ("(fictif)" in each name, "Exemple fictif" on each
// page); the places are real communes so that they can be placed on a map.

type ofgCategory struct{ Slug, Name string }

type ofgCompany struct {
	Name, Street, Postcode, City, Website string
}

type ofgRange struct {
	Slug, Name  string
	Company     int      // index in ofgCompanies
	Categories  []string // category slugs, the first is the main one
	Certificate string
	Granted     string // YYYY-MM-DD
	Expires     string
	Description string // HTML
}

var ofgCategories = []ofgCategory{
	{"maison-ameublement", "Maison et ameublement"},
	{"textile-habillement", "Textile et habillement"},
	{"alimentation", "Alimentation"},
	{"outillage-equipement", "Outillage et équipement"},
}

var ofgCompanies = []ofgCompany{
	{"Coutellerie des Monts Imaginaires (fictif)", "12 rue des Forges", "63300", "Thiers", "https://coutellerie-monts-imaginaires.example"},
	{"Tissages du Val Inventé (fictif)", "4 chemin du Moulin", "42300", "Roanne", "https://tissages-val-invente.example"},
	{"Meubles de la Forêt Fictive (fictif)", "ZA des Chênes", "39200", "Saint-Claude", ""},
	{"Conserverie de l'Anse Imaginaire (fictif)", "2 quai du Port", "29900", "Concarneau", "https://conserverie-anse.example"},
	{"Fonderie Exemplaire (fictif)", "7 rue de l'Usine", "08000", "Charleville-Mézières", ""},
	{"Literie du Songe (fictif)", "18 avenue des Lits", "49300", "Cholet", "https://literie-songe.example"},
	{"Chaussures de l'Atelier Modèle (fictif)", "3 rue des Tanneurs", "26100", "Romans-sur-Isère", ""},
	{"Biscuiterie Imaginaire (fictif)", "9 rue du Four", "44000", "Nantes", "https://biscuiterie-imaginaire.example"},
	{"Outils du Jura Fictif (fictif)", "1 route de la Vallée", "25500", "Morteau", ""},
}

var ofgRanges = []ofgRange{
	{"couteaux-de-table-monts", "Couteaux de table « Monts »", 0, []string{"maison-ameublement"}, "OFG-FIC-0101", "2024-03-01", "2027-02-28",
		"<p>Couteaux de table forgés, lame en acier <b>X50CrMoV15</b>, manche en hêtre.</p>"},
	{"couteaux-de-poche-monts", "Couteaux de poche « Randonnée »", 0, []string{"maison-ameublement", "outillage-equipement"}, "OFG-FIC-0102", "2024-03-01", "2027-02-28",
		"<p>Couteaux pliants à cran forcé.</p>"},
	{"serpettes-monts", "Serpettes et greffoirs", 0, []string{"outillage-equipement"}, "OFG-FIC-0103", "2025-01-15", "2028-01-14",
		"<p>Outils de jardin forgés.</p>"},
	{"linge-de-lit-val", "Linge de lit en lin", 1, []string{"textile-habillement", "maison-ameublement"}, "OFG-FIC-0201", "2023-06-01", "2026-05-31",
		"<p>Draps et housses tissés et confectionnés sur place.</p>"},
	{"torchons-val", "Torchons jacquard", 1, []string{"textile-habillement"}, "OFG-FIC-0202", "2023-06-01", "2026-05-31",
		"<p>Torchons en coton tissés jacquard.</p>"},
	{"chaises-foret", "Chaises en hêtre massif", 2, []string{"maison-ameublement"}, "OFG-FIC-0301", "2025-09-10", "2028-09-09",
		"<p>Chaises assemblées à tenons et mortaises.</p>"},
	{"tables-foret", "Tables de ferme", 2, []string{"maison-ameublement"}, "OFG-FIC-0302", "2025-09-10", "2028-09-09",
		"<p>Tables en chêne du Jura.</p>"},
	{"sardines-anse", "Sardines à l'huile d'olive", 3, []string{"alimentation"}, "OFG-FIC-0401", "2024-11-20", "2027-11-19",
		"<p>Sardines pêchées et mises en boîte à la main.</p>"},
	{"thon-anse", "Thon germon au naturel", 3, []string{"alimentation"}, "OFG-FIC-0402", "2024-11-20", "2027-11-19",
		"<p>Thon germon de ligne.</p>"},
	{"cocottes-fonderie", "Cocottes en fonte émaillée", 4, []string{"maison-ameublement"}, "OFG-FIC-0501", "2022-05-02", "2025-05-01",
		"<p>Cocottes coulées au sable.</p>"},
	{"plaques-fonderie", "Plaques de cheminée", 4, []string{"maison-ameublement"}, "OFG-FIC-0502", "2025-05-02", "2028-05-01",
		"<p>Plaques décoratives en fonte.</p>"},
	{"matelas-songe", "Matelas à ressorts ensachés", 5, []string{"maison-ameublement"}, "OFG-FIC-0601", "2024-02-12", "2027-02-11",
		"<p>Matelas assemblés à la main.</p>"},
	{"sommiers-songe", "Sommiers tapissiers", 5, []string{"maison-ameublement"}, "OFG-FIC-0602", "2024-02-12", "2027-02-11",
		"<p>Sommiers à lattes et tapissiers.</p>"},
	{"oreillers-songe", "Oreillers et couettes", 5, []string{"maison-ameublement", "textile-habillement"}, "OFG-FIC-0603", "2024-02-12", "2027-02-11",
		"<p>Garnissage en plumes françaises.</p>"},
	{"bottines-atelier", "Bottines cousues Goodyear", 6, []string{"textile-habillement"}, "OFG-FIC-0701", "2025-04-01", "2028-03-31",
		"<p>Chaussures cousues trépointe.</p>"},
	{"sneakers-atelier", "Baskets en cuir", 6, []string{"textile-habillement"}, "OFG-FIC-0702", "2025-04-01", "2028-03-31",
		"<p>Baskets montées et cousues à Romans.</p>"},
	{"galettes-biscuiterie", "Galettes au beurre", 7, []string{"alimentation"}, "OFG-FIC-0801", "2023-10-05", "2026-10-04",
		"<p>Galettes au beurre de baratte.</p>"},
	{"sables-biscuiterie", "Sablés nantais", 7, []string{"alimentation"}, "OFG-FIC-0802", "2023-10-05", "2026-10-04",
		"<p>Sablés cuits au four à sole.</p>"},
	{"limes-jura", "Limes et râpes", 8, []string{"outillage-equipement"}, "OFG-FIC-0901", "2024-07-01", "2027-06-30",
		"<p>Limes taillées à la machine.</p>"},
	{"tournevis-jura", "Tournevis d'horloger", 8, []string{"outillage-equipement"}, "OFG-FIC-0902", "2024-07-01", "2027-06-30",
		"<p>Tournevis de précision.</p>"},
}
