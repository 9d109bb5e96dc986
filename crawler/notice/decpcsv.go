package notice

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"fabrique/data"
)

// ParseDECPCSV reads a consolidated DECP extract in CSV, one line per
// (contract, winner) as in decp_2024H2_travaux_cpv4521_titulaires.csv:
// uid, id, type, codeCPV, acheteur_id, acheteur_nom, titulaire_id,
// titulaire_nom, montant, dateNotification, procedure, dureeMois,
// offresRecues, acheteur_departement_code… Lines of one contract (same
// uid, notification date and amount) are folded into one data.Award with
// several winners. The extract has no place of performance: the buyer's
// département stands in for it. The separator (, or ;) is detected.
func ParseDECPCSV(r io.Reader, opts Options) (Result, error) {
	return parseInput(r, opts, parseDECPCSV)
}

func parseDECPCSV(b []byte, opts Options) (Result, error) {
	sc := &csvScanner{b: b, comma: detectComma(b), line: 1}
	head, ok := sc.next()
	if !ok {
		return Result{}, fmt.Errorf("%w: CSV: en-tête absent", ErrMalformed)
	}
	if head.Err != nil {
		return Result{}, fmt.Errorf("CSV: en-tête illisible: %w", head.Err)
	}
	header := head.Fields
	sc.header, sc.fields = header, len(header)
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	if _, ok := col["uid"]; !ok {
		return Result{}, fmt.Errorf("%w: CSV: colonne uid absente (en-tête %s)", ErrMalformed, clip(strings.Join(header, ",")))
	}
	label := opts.Source
	if label == "" {
		label = "decp"
	}

	var res Result
	var order []string
	groups := map[string]*data.Award{}
	perDay := map[string]map[string]bool{} // uid@date → group keys, to name them
	for {
		row, ok := sc.next()
		if !ok {
			break
		}
		ref := "ligne " + strconv.Itoa(row.Line)
		if row.Err != nil {
			res.Problems = append(res.Problems, Problem{Ref: ref, Err: row.Err})
			continue
		}
		rec := row.Fields
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		uid := get("uid")
		if uid == "" {
			res.Problems = append(res.Problems, Problem{Ref: ref, Err: rejectf("colonne uid vide")})
			continue
		}
		day, amount := get("datenotification"), get("montant")
		key := uid + "\x00" + day + "\x00" + amount
		a, ok := groups[key]
		if !ok {
			a = csvAward(get, label, opts)
			groups[key] = a
			order = append(order, key)
			dk := uid + "@" + day
			if perDay[dk] == nil {
				perDay[dk] = map[string]bool{}
			}
			perDay[dk][key] = true
		}
		w, d := decpWinner("SIRET", get("titulaire_id"), get("titulaire_nom"))
		if d != "" {
			a.Defects = append(a.Defects, d)
		}
		if w.Name != "" || w.SIRET != "" {
			a.Winners = append(a.Winners, w)
		}
	}
	for _, key := range order {
		a := groups[key]
		parts := strings.Split(key, "\x00")
		a.ID, a.UID = label+":"+parts[0]+"@"+parts[1], parts[0]
		if len(perDay[parts[0]+"@"+parts[1]]) > 1 {
			a.ID += "/" + parts[2]
		}
		if len(a.Winners) == 0 {
			a.Defects = append(a.Defects, "aucun titulaire")
			a.Winners = []data.Winner{}
		}
		res.Awards = append(res.Awards, *a)
	}
	return res, nil
}

// csvAward builds the award of a line, without its winner.
func csvAward(get func(string) string, label string, opts Options) *data.Award {
	a := &data.Award{Source: label}
	defect := func(format string, args ...any) { a.Defects = append(a.Defects, fmt.Sprintf(format, args...)) }
	a.Buyer.Name = oneLine(get("acheteur_nom"))
	siret, note := siretOf(get("acheteur_id"))
	a.Buyer.SIRET = siret
	if note != "" {
		defect("acheteur : %s", note)
	}
	code, d := repairCPV(get("codecpv"))
	a.CPV = code
	if d != "" {
		defect("%s", d)
	}
	a.Nature = natureOf(get("type"))
	if a.Nature == "" {
		a.Nature = data.NatureOfCPV(a.CPV)
	}
	a.Procedure = oneLine(get("procedure"))
	if dep := get("acheteur_departement_code"); dep != "" {
		a.Place = resolvePlace(placeInput{Departement: dep})
	}
	a.DurationMonths, _ = parseCount(get("dureemois"))
	a.OffersReceived, _ = parseCount(get("offresrecues"))
	if s := get("datenotification"); s == "" {
		defect("date de notification absente")
	} else if at, err := parseDate(s, opts.Location); err != nil {
		defect("dateNotification : %v", err)
	} else {
		a.NotifiedAt = at
	}
	if raw := get("montant"); raw != "" {
		switch v, ok := parseAmount(raw); {
		case !ok:
			defect("montant illisible %s", quoteFR(raw))
		case v < 0 || v > maxPlausibleAmount:
			defect("montant invraisemblable (%s €) écarté", raw)
		case fillerAmount(v):
			defect("montant %s écarté : des 9 saisis faute de montant connu", quoteFR(raw))
		default:
			a.Amount = v
		}
	}
	return a
}

// detectComma picks ; or , from the header line.
func detectComma(b []byte) byte {
	head := b
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		head = b[:i]
	}
	if bytes.Count(head, []byte(";")) > bytes.Count(head, []byte(",")) {
		return ';'
	}
	return ','
}
