package notice

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"fabrique/data"
)

// ParseDECP reads the "données essentielles de la commande publique" in
// JSON: format v1 {"marches": [...]} and the 2022 format
// {"marches": {"marche": [...]}} with titulaires[{titulaire: {...}}]; both
// nestings of titulaires are accepted in either. Each contract (or
// concession) gives one data.Award. Junk in a row never loses the row: an
// impossible date ("0218-10-29"), a CPV without its leading zero or with a
// wrong check digit, a SIRET that fails its key, accents lost to U+FFFD…
// are recorded in Award.Defects, in French, and the rest is kept. Only a
// row that is not an object, or that has neither identifier, object nor
// winner, is a Problem.
func ParseDECP(r io.Reader, opts Options) (Result, error) {
	return parseInput(r, opts, parseDECP)
}

func parseDECP(b []byte, opts Options) (Result, error) {
	v, err := readJSON(b, opts)
	if err != nil {
		return Result{}, err
	}
	rows, err := decpRows(v)
	if err != nil {
		return Result{}, err
	}
	var res Result
	seen := map[string]int{}
	for i, item := range rows {
		ref := "marché n°" + strconv.Itoa(i+1)
		row := obj(item)
		if row == nil {
			res.Problems = append(res.Problems, Problem{Ref: ref, Err: rejectf("ligne qui n'est pas un objet JSON")})
			continue
		}
		if id := sval(row, "id"); id != "" {
			ref += " (" + id + ")"
		}
		a, err := mapDECPRow(row, i, opts)
		if err != nil {
			res.Problems = append(res.Problems, Problem{Ref: ref, Err: err})
			continue
		}
		if n := seen[a.ID]; n > 0 {
			seen[a.ID]++
			a.Defects = append(a.Defects, fmt.Sprintf("identifiant %q déjà vu dans ce fichier : suffixe #%d ajouté", a.ID, n+1))
			a.ID += "#" + strconv.Itoa(n+1)
		} else {
			seen[a.ID] = 1
		}
		res.Awards = append(res.Awards, a)
	}
	return res, nil
}

// decpRows finds the list of contracts in the two DECP shapes.
func decpRows(v any) ([]any, error) {
	if list, ok := v.([]any); ok {
		return list, nil
	}
	top := obj(v)
	m, ok := top["marches"]
	if !ok {
		return nil, fmt.Errorf("%w: clé \"marches\" absente (DECP attendu)", ErrMalformed)
	}
	if inner := obj(m); inner != nil {
		return arr(inner["marche"]), nil
	}
	return arr(m), nil
}

// mapDECPRow maps one DECP contract or concession.
func mapDECPRow(row map[string]any, index int, opts Options) (data.Award, error) {
	var a data.Award
	defect := func(format string, args ...any) { a.Defects = append(a.Defects, fmt.Sprintf(format, args...)) }

	label := opts.Source
	if label == "" {
		label = decpLabel(sval(row, "source"))
	}
	a.Source = label
	buyer := obj(row["acheteur"])
	if buyer == nil {
		buyer = obj(row["autoriteConcedante"]) // concessions
	}
	id := sval(row, "id")
	key := sval(row, "uid")
	if key == "" && id != "" {
		key = data.CleanDigits(sval(buyer, "id")) + id
	}
	a.UID = key
	if key == "" {
		key = "ligne-" + strconv.Itoa(index+1)
		defect("identifiant du marché absent : clé %s attribuée", key)
	}
	a.ID = label + ":" + key

	if buyer == nil {
		defect("acheteur absent")
	} else {
		a.Buyer.Name = oneLine(sval(buyer, "nom"))
		siret, note := siretOf(sval(buyer, "id"))
		a.Buyer.SIRET = siret
		if note != "" {
			defect("acheteur : %s", note)
		}
	}
	a.Object = oneLine(sval(row, "objet"))
	if raw, ok := row["codeCPV"]; ok {
		code, d := repairCPV(scalar(raw))
		a.CPV = code
		if d != "" {
			defect("%s", d)
		}
	} else {
		defect("code CPV absent")
	}
	a.Nature = data.NatureOfCPV(a.CPV) // DECP "nature" is the legal form (marché, accord-cadre)
	a.Procedure = oneLine(sval(row, "procedure"))
	a.Place = decpPlace(obj(row["lieuExecution"]))
	a.DurationMonths, _ = parseCount(sval(row, "dureeMois"))
	a.OffersReceived, _ = parseCount(sval(row, "offresRecues"))

	dateField := "dateNotification"
	if sval(row, dateField) == "" && sval(row, "dateSignature") != "" {
		dateField = "dateSignature"
	}
	if s := sval(row, dateField); s == "" {
		defect("date de notification absente")
	} else if at, err := parseDate(s, opts.Location); err != nil {
		defect("%s : %v", dateField, err)
	} else {
		a.NotifiedAt = at
	}

	amountField := "montant"
	if _, ok := row[amountField]; !ok {
		amountField = "valeurGlobale"
	}
	if raw := sval(row, amountField); raw != "" {
		switch v, ok := parseAmount(raw); {
		case !ok:
			defect("%s illisible %s", amountField, quoteFR(raw))
		case v < 0 || v > maxPlausibleAmount:
			defect("%s invraisemblable (%s €) écarté", amountField, raw)
		case fillerAmount(v):
			defect("%s %s écarté : des 9 saisis faute de montant connu", amountField, quoteFR(raw))
		default:
			a.Amount = v
		}
	}

	list := row["titulaires"]
	if list == nil {
		list = row["concessionnaires"]
	}
	for _, item := range arr(list) {
		t := obj(item)
		if inner := obj(t["titulaire"]); inner != nil { // 2022: [{titulaire: {...}}]
			t = inner
		}
		w, d := decpWinner(sval(t, "typeIdentifiant"), sval(t, "id"), sval(t, "denominationSociale"))
		if d != "" {
			defect("%s", d)
		}
		if w.Name == "" && w.SIRET == "" && sval(t, "id") == "" {
			continue
		}
		w = nameless(w, sval(t, "typeIdentifiant"), sval(t, "id"))
		a.Winners = append(a.Winners, w)
	}
	if len(a.Winners) == 0 {
		if id == "" && a.Object == "" {
			return a, rejectf("ni identifiant (id), ni objet, ni titulaire : rien d'utilisable")
		}
		defect("aucun titulaire")
		a.Winners = []data.Winner{}
	}
	if fields := replacementFields("", row); len(fields) > 0 {
		defect("caractères illisibles (U+FFFD, accents perdus) dans : %s", strings.Join(fields, ", "))
		if restored, left := restoreAwardAccents(&a); restored > 0 {
			defect("accents restitués d'après le vocabulaire : %d %s sur %d", restored, data.PluralFR(restored, "caractère", "caractères"), restored+left)
		}
	}
	return a, nil
}

// restoreAwardAccents puts back the letters lost to U+FFFD in the texts
// an award shows (data.RestoreAccents) and counts those restored and
// left. The row's defects keep saying that the source lost them.
func restoreAwardAccents(a *data.Award) (restored, left int) {
	texts := []*string{&a.Buyer.Name, &a.Object, &a.Procedure, &a.Place.Commune}
	for i := range a.Winners {
		texts = append(texts, &a.Winners[i].Name)
	}
	for _, s := range texts {
		var r, l int
		*s, r, l = data.RestoreAccents(*s)
		restored += r
		left += l
	}
	return restored, left
}

// maxPlausibleAmount is above any French public contract (the largest are
// a few billion euros); the 2022 test data has 1e17.
const maxPlausibleAmount = 5e10

// fillerAmount reports an amount of seven nines or more (9 999 999 €,
// 99 999 999 €, 999 999 999 €): what a buyer's software accepts where the
// amount is unknown, such as a framework agreement without a maximum. The
// real DECP of 2019 hold five: de-icing salt for Annecy at 999 999 999 €
// (published by two platforms) and three maintenance contracts of one
// département at 99 999 999 € — 2.3 billion euros, a quarter of all the
// amounts of the 17 303 awards Fabrique ships, which made the observatory's
// shares by amount meaningless (CPV division 34 « Équipement de transport »
// at 2 billion euros for 324 contracts). 999 999 € is a ceiling buyers
// really set and is kept.
func fillerAmount(v float64) bool {
	for n := 7; n <= 11; n++ {
		if v == math.Pow10(n)-1 {
			return true
		}
	}
	return false
}

// decpWinner reads a titulaire. The SIRET is kept when it is one (spaces
// removed, leading zeros restored); a SIREN, a wrong key or a truncated
// number is a defect, and the name is kept. Other identifier types (VAT,
// TAHITI, HORS-UE) carry no SIRET and are no defect.
func decpWinner(typ, rawID, name string) (data.Winner, string) {
	w := data.Winner{Name: oneLine(name)}
	who := quoteFR(w.Name)
	if w.Name == "" {
		who = quoteFR(rawID)
	}
	t := strings.ToUpper(strings.TrimSpace(typ))
	if t != "" && t != "SIRET" {
		return w, ""
	}
	digits := data.CleanDigits(strings.TrimSpace(rawID))
	switch {
	case digits == "":
		if t == "SIRET" {
			return w, "titulaire " + who + " : SIRET absent"
		}
		return w, ""
	case !data.AllDigits(digits):
		return w, "titulaire " + who + " : identifiant SIRET " + quoteFR(rawID) + " non numérique"
	case len(digits) == 9:
		return w, "titulaire " + who + " : SIREN " + quoteFR(rawID) + " (9 chiffres) donné au lieu d'un SIRET"
	case len(digits) < 12 || len(digits) > 15:
		return w, "titulaire " + who + " : identifiant SIRET " + quoteFR(rawID) + " inutilisable (" + strconv.Itoa(len(digits)) + " chiffres)"
	}
	siret, note := siretOf(digits)
	w.SIRET = siret
	if note != "" {
		return w, "titulaire " + who + " : " + note
	}
	return w, ""
}

// nameless gives a winner known only by a non-SIRET identifier (the 2022
// format has no names) that identifier as its name, so it can be shown.
func nameless(w data.Winner, typ, rawID string) data.Winner {
	if w.Name == "" && w.SIRET == "" && strings.TrimSpace(rawID) != "" {
		w.Name = strings.TrimSpace(strings.TrimSpace(typ) + " " + strings.TrimSpace(rawID))
	}
	return w
}

// decpPlace reads lieuExecution {code, typeCode}.
func decpPlace(loc map[string]any) data.Place {
	code := sval(loc, "code")
	if code == "" {
		return data.Place{}
	}
	typ := data.Fold(sval(loc, "typeCode"))
	var in placeInput
	switch {
	case strings.Contains(typ, "postal"):
		in.Postcode = code
		if pc, ok := strings.CutPrefix(strings.ToUpper(code), "FR"); ok && validPostcode(pc) {
			in.Postcode = pc // the State's DECP (AIFE) write « FR63170 »
		}
	case strings.Contains(typ, "commune"):
		if _, ok := data.LookupCommune(code); ok {
			in.INSEE = code
		} else {
			in.Postcode = code // some platforms put the postcode there
		}
	case strings.Contains(typ, "departement"):
		in.Departement = code
	case strings.Contains(typ, "arrondissement"):
		// An arrondissement's INSEE code is its département's and a digit
		// (544: Toul, in 54; 9741: Saint-Denis, in 974).
		if d, ok := data.LookupDepartement(code[:max(len(code)-1, 0)]); ok && len(code) >= 3 {
			in.Departement = d.Code
		} else {
			return data.Place{}
		}
	case strings.Contains(typ, "region"):
		// Only the région is known: its COG code (94) or a NUTS code
		// (FRF2). The place is the région's NUTS code, which the
		// observatory counts in that région (data.RegionOfNUTS).
		if nuts, ok := data.NUTSOfRegion(code); ok {
			return data.Place{NUTS: nuts}
		}
		if _, ok := data.RegionOfNUTS(code); ok {
			return data.Place{NUTS: strings.ToUpper(code)}
		}
		return data.Place{}
	default: // pays: no département to give
		return data.Place{}
	}
	return resolvePlace(in)
}

var labelJunk = regexp.MustCompile(`[^a-z0-9]+`)

// decpLabel derives an award source label from a row's "source" field
// ("data.gouv.fr_aife" → "decp-aife").
func decpLabel(source string) string {
	s := strings.ToLower(strings.TrimSpace(source))
	s = strings.TrimPrefix(s, "data.gouv.fr_")
	s = strings.Trim(labelJunk.ReplaceAllString(s, "-"), "-")
	if s == "" {
		return "decp"
	}
	return "decp-" + s
}

// replacementFields lists the fields (dotted paths) whose text holds
// U+FFFD, the mark of accents lost in a bad conversion.
func replacementFields(prefix string, v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		if strings.ContainsRune(x, '\uFFFD') {
			out = append(out, prefix)
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, replacementFields(p, x[k])...)
		}
	case []any:
		for i, item := range x {
			out = append(out, replacementFields(prefix+"["+strconv.Itoa(i)+"]", item)...)
		}
	}
	return out
}
