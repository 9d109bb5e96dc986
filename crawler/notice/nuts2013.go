package notice

// nuts2013ToDepartement maps the French NUTS-3 codes of the 2010 and 2013
// versions, which BOAMP notices written before the 2016 regions (and many
// after) still carry ("FR825" for the Var), to départements. The project's
// reference table is NUTS 2021, where these codes no longer exist, so they
// never clash with it; codes kept from 2013 to 2021 (FR101…FR108) are
// resolved by data.DepartementOfNUTS3 first. Transcribed from the Eurostat
// NUTS 2013 classification (regulation (EU) No 1319/2013).
var nuts2013ToDepartement = map[string]string{
	"FR211": "08", "FR212": "10", "FR213": "51", "FR214": "52",
	"FR221": "02", "FR222": "60", "FR223": "80",
	"FR231": "27", "FR232": "76",
	"FR241": "18", "FR242": "28", "FR243": "36", "FR244": "37", "FR245": "41", "FR246": "45",
	"FR251": "14", "FR252": "50", "FR253": "61",
	"FR261": "21", "FR262": "58", "FR263": "71", "FR264": "89",
	"FR301": "59", "FR302": "62",
	"FR411": "54", "FR412": "55", "FR413": "57", "FR414": "88",
	"FR421": "67", "FR422": "68",
	"FR431": "25", "FR432": "39", "FR433": "70", "FR434": "90",
	"FR511": "44", "FR512": "49", "FR513": "53", "FR514": "72", "FR515": "85",
	"FR521": "22", "FR522": "29", "FR523": "35", "FR524": "56",
	"FR531": "16", "FR532": "17", "FR533": "79", "FR534": "86",
	"FR611": "24", "FR612": "33", "FR613": "40", "FR614": "47", "FR615": "64",
	"FR621": "09", "FR622": "12", "FR623": "31", "FR624": "32", "FR625": "46", "FR626": "65", "FR627": "81", "FR628": "82",
	"FR631": "19", "FR632": "23", "FR633": "87",
	"FR711": "01", "FR712": "07", "FR713": "26", "FR714": "38", "FR715": "42", "FR716": "69", "FR717": "73", "FR718": "74",
	"FR721": "03", "FR722": "15", "FR723": "43", "FR724": "63",
	"FR811": "11", "FR812": "30", "FR813": "34", "FR814": "48", "FR815": "66",
	"FR821": "04", "FR822": "05", "FR823": "06", "FR824": "13", "FR825": "83", "FR826": "84",
	"FR831": "2A", "FR832": "2B",
	// Overseas: NUTS 2010 (FR9x0) then 2013 (FRA10…FRA50).
	"FR910": "971", "FR920": "972", "FR930": "973", "FR940": "974",
	"FRA10": "971", "FRA20": "972", "FRA30": "973", "FRA40": "974", "FRA50": "976",
}
