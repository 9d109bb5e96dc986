package web

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"fabrique/data"
)

// needForm is the « Nouveau besoin » form as typed: every value kept as
// text so that the form can be shown again exactly as it was, with a
// French message next to each field to correct.
type needForm struct {
	Title, Description    string
	CPV                   []string // cpvFieldCount fields: the main code, then additional ones
	Departement, Postcode string
	Value                 string
	Lots                  []needLotForm
	// errors by field id ("title", "cpv-2", "lot-1-value"), choices of CPV
	// codes for a CPV field where words were typed.
	errors  map[string]string
	choices map[string][]cpvOption
	order   []string // field ids in error, in form order
}

// needLotForm is one lot row of the form.
type needLotForm struct {
	Title, CPV, Value string
}

// Shape of the form.
const (
	cpvFieldCount   = 3
	initialLotRows  = 2
	maxFormLots     = 50
	maxTitleRunes   = 500
	maxFieldRunes   = 200
	maxCPVChoices   = 8
	maxEstimatedEur = 1e12
)

// formValues reads the fields of a posted form.
type formValues func(key string) string

// readNeedForm reads the posted form. The number of lot rows is the one
// the page showed (lot_rows), bounded.
func readNeedForm(get formValues) needForm {
	f := needForm{Title: get("title"), Description: get("description"), Departement: get("departement"),
		Postcode: get("postcode"), Value: get("value")}
	for i := 1; i <= cpvFieldCount; i++ {
		f.CPV = append(f.CPV, get("cpv-"+strconv.Itoa(i)))
	}
	rows, err := strconv.Atoi(strings.TrimSpace(get("lot_rows")))
	if err != nil || rows < 1 {
		rows = initialLotRows
	}
	rows = min(rows, maxFormLots)
	for i := 1; i <= rows; i++ {
		p := "lot-" + strconv.Itoa(i) + "-"
		f.Lots = append(f.Lots, needLotForm{Title: get(p + "title"), CPV: get(p + "cpv"), Value: get(p + "value")})
	}
	return f
}

// newNeedForm is the empty form.
func newNeedForm() needForm {
	return needForm{CPV: make([]string, cpvFieldCount), Lots: make([]needLotForm, initialLotRows)}
}

// pick puts the CPV code a buyer chose among the proposed ones into its
// field ("cpv-2=45421000"), and returns the field's id; "" when the choice
// names no CPV field of the form or no valid code.
func (f *needForm) pick(choice string) string {
	id, code, ok := strings.Cut(choice, "=")
	if !ok {
		return ""
	}
	code8, err := data.NormalizeCPV(code)
	if err != nil {
		return ""
	}
	var n int
	switch {
	case strings.HasPrefix(id, "cpv-"):
		if n, err = strconv.Atoi(id[len("cpv-"):]); err != nil || n < 1 || n > len(f.CPV) {
			return ""
		}
		f.CPV[n-1] = cpvFieldValue(code8)
	case strings.HasPrefix(id, "lot-") && strings.HasSuffix(id, "-cpv"):
		if n, err = strconv.Atoi(strings.TrimSuffix(id[len("lot-"):], "-cpv")); err != nil || n < 1 || n > len(f.Lots) {
			return ""
		}
		f.Lots[n-1].CPV = cpvFieldValue(code8)
	default:
		return ""
	}
	return id
}

// addLot adds an empty lot row, within the form's bound.
func (f *needForm) addLot() bool {
	if len(f.Lots) >= maxFormLots {
		return false
	}
	f.Lots = append(f.Lots, needLotForm{})
	return true
}

func (f *needForm) fail(id, msg string) {
	if f.errors == nil {
		f.errors = map[string]string{}
	}
	if _, dup := f.errors[id]; !dup {
		f.order = append(f.order, id)
	}
	f.errors[id] = msg
}

func (f *needForm) valid() bool { return len(f.errors) == 0 }

// need checks every field and builds the data.Need of the form. Each
// problem is recorded against its field; the need is usable only when
// the form is valid.
func (f *needForm) need() data.Need {
	n := data.Need{Title: clean(f.Title), Description: strings.TrimSpace(strings.ToValidUTF8(f.Description, " "))}
	if utf8.RuneCountInString(n.Title) > maxTitleRunes {
		f.fail("title", "l'intitulé est limité à 500 caractères")
	}
	if utf8.RuneCountInString(n.Title)+utf8.RuneCountInString(n.Description) > data.MaxNeedText {
		msg := "la description est limitée à " + formatNumber(data.MaxNeedText) +
			" caractères, intitulé compris : gardez l'essentiel (matériaux, savoir-faire, contraintes)"
		if echoable("description", f.Description) != f.Description {
			msg += " ; le texte envoyé était trop long pour être réaffiché en entier, seul son début est repris"
		}
		f.fail("description", msg)
	}
	for i, raw := range f.CPV {
		if code, ok := f.cpvField("cpv-"+strconv.Itoa(i+1), raw); ok {
			n.CPV = append(n.CPV, code)
		}
	}
	if d := clean(f.Departement); d != "" {
		if dep, ok := data.LookupDepartement(strings.ToUpper(d)); ok {
			n.Departement = dep.Code
		} else {
			f.fail("departement", "département inconnu : choisissez-le dans la liste")
		}
	}
	if pc := clean(f.Postcode); pc != "" {
		if tooLong(pc) {
			f.fail("postcode", "saisie trop longue pour un code postal")
		} else if knownPostcode(pc) {
			n.Postcode = pc
		} else if code, msg := postcodeOfCommune(pc); code != "" {
			n.Postcode = code
		} else if msg != "" {
			f.fail("postcode", msg)
		} else {
			f.fail("postcode", "code postal « "+pc+" » inconnu : 5 chiffres, « 35000 »")
		}
	}
	n.EstimatedValue = f.euros("value", f.Value)
	for i, l := range f.Lots {
		p := "lot-" + strconv.Itoa(i+1) + "-"
		title := clean(l.Title)
		if title == "" && clean(l.CPV) == "" && clean(l.Value) == "" {
			continue // an empty row is not a lot
		}
		lot := data.NeedLot{Title: title, EstimatedValue: f.euros(p+"value", l.Value)}
		if utf8.RuneCountInString(title) > maxTitleRunes {
			f.fail(p+"title", "l'intitulé du lot est limité à 500 caractères")
		}
		if code, ok := f.cpvField(p+"cpv", l.CPV); ok {
			lot.CPV = []string{code}
		}
		if title == "" && clean(l.CPV) == "" {
			f.fail(p+"title", "indiquez l'intitulé ou le code CPV du lot "+strconv.Itoa(i+1))
		}
		n.Lots = append(n.Lots, lot)
	}
	return n
}

// cpvField checks one CPV field: empty, a code (typed or picked), or
// words, for which the codes they describe are offered.
func (f *needForm) cpvField(id, raw string) (string, bool) {
	raw = clean(raw)
	if raw == "" {
		return "", false
	}
	if tooLong(raw) {
		f.fail(id, "saisie trop longue pour un code CPV")
		return "", false
	}
	written, isCode := cpvFieldCode(raw)
	if !isCode {
		choices := searchCPV(raw, maxCPVChoices)
		if len(choices) == 0 {
			f.fail(id, "aucun code CPV ne correspond à « "+raw+" » : indiquez un code à 8 chiffres ou d'autres mots")
			return "", false
		}
		if f.choices == nil {
			f.choices = map[string][]cpvOption{}
		}
		for _, c := range choices {
			opt := newCPVOption(c.CPVCode)
			opt.Via = c.ViaText()
			f.choices[id] = append(f.choices[id], opt)
		}
		f.fail(id, "« "+raw+" » n'est pas un code CPV : choisissez l'un des codes proposés")
		return "", false
	}
	code, err := data.NormalizeCPV(written)
	if err != nil {
		f.fail(id, "code CPV « "+written+" » : "+invalidMessage(err))
		return "", false
	}
	return code, true
}

// euros reads an amount in euros as people write it: « 150 000 »,
// « 150000,50 », « 150 000 € HT ». Empty is 0.
func (f *needForm) euros(id, raw string) float64 {
	if tooLong(raw) {
		f.fail(id, "saisie trop longue pour un montant")
		return 0
	}
	v, err := parseEuros(raw)
	if err != nil {
		f.fail(id, err.Error())
		return 0
	}
	return v
}

var eurosJunkRe = regexp.MustCompile(`(?i)\s|\x{00a0}|\x{202f}|€|eur(os?)?|h\.?t\.?`)

// errEuros is the French explanation of an unreadable amount.
var errEuros = errors.New("montant illisible : écrivez un nombre d'euros hors taxes, « 150 000 » ou « 12 500,50 »")

// errEurosNegative refuses an amount below zero.
var errEurosNegative = errors.New("montant négatif : la valeur estimée est un nombre d'euros hors taxes, « 150 000 »")

// thousandsDotRe is an amount whose dots stand before groups of three
// digits, « 150.000 » or « 1.500.000,00 »: the French way of grouping
// thousands, which strconv reads as decimals (150 €). Such an amount is
// refused with a word on how to write it, not read a thousand times too
// small.
var thousandsDotRe = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{3})+(,[0-9]*)?$`)

// parseEuros reads an amount of euros written the French way.
func parseEuros(raw string) (float64, error) {
	s := eurosJunkRe.ReplaceAllString(strings.TrimSpace(raw), "")
	if s == "" {
		return 0, nil
	}
	if strings.HasPrefix(s, "-") {
		return 0, errEurosNegative
	}
	if thousandsDotRe.MatchString(s) {
		return 0, fmt.Errorf("montant « %s » ambigu : en France le point y sépare les milliers, ailleurs les décimales ; écrivez « 150 000 » ou « 12 500,50 »", s)
	}
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	for _, r := range s {
		if !unicode.IsDigit(r) && r != '.' {
			return 0, errEuros
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, errEuros
	}
	if v > maxEstimatedEur {
		return 0, errors.New("montant trop élevé")
	}
	return v, nil
}

// knownPostcode reports whether a postcode is French and known.
func knownPostcode(pc string) bool {
	if len(pc) != 5 {
		return false
	}
	return len(data.CommunesByPostcode(pc)) > 0 || data.DepartementOfPostcode(pc) != ""
}

// postcodeOfCommune reads a commune's name typed in the postcode field,
// as a buyer does (« Feyzin », « Lyon »): the postcode of a commune that
// has only one, else a message giving the postcodes to choose from; both
// empty when no commune has that name.
func postcodeOfCommune(name string) (code, msg string) {
	cs := data.FindCommunes(name)
	if len(cs) == 0 {
		return "", ""
	}
	if len(cs) == 1 && len(cs[0].Postcodes) == 1 {
		return cs[0].Postcodes[0], ""
	}
	const maxShown = 3
	var parts []string
	for _, c := range cs[:min(len(cs), maxShown)] {
		pcs := c.Postcodes
		if len(pcs) > 4 {
			pcs = []string{pcs[0], "…", pcs[len(pcs)-1]}
		}
		parts = append(parts, c.Name+" ("+c.Departement+") : "+strings.Join(pcs, ", "))
	}
	if len(cs) > maxShown {
		parts = append(parts, "…")
	}
	what := "la commune « " + name + " » a plusieurs codes postaux"
	if len(cs) > 1 {
		what = "plusieurs communes s'appellent « " + name + " »"
	}
	return "", what + " : indiquez le bon (" + strings.Join(parts, " ; ") + "), ou choisissez le département"
}

// clean trims a field and collapses its spaces.
func clean(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, " ")), " ")
}

// failFromNeed records the error of data.Need.Tender against the field
// it names, for what the form's own checks let through.
func (f *needForm) failFromNeed(err error) {
	var ve *data.ValidationError
	if !errors.As(err, &ve) {
		f.fail("title", "le besoin n'a pas pu être lu")
		return
	}
	switch ve.Field {
	case "title", "description", "departement", "postcode":
		f.fail(ve.Field, ve.Message)
	case "estimated_value":
		f.fail("value", ve.Message)
	case "lots":
		if n, err := strconv.Atoi(ve.Value); err == nil && n >= 1 && n <= len(f.Lots) {
			f.fail("lot-"+ve.Value+"-title", ve.Message)
			return
		}
		f.fail("title", ve.Message)
	case "CPV":
		f.fail("cpv-1", "code CPV « "+ve.Value+" » : "+ve.Message)
	default:
		f.fail("title", ve.Message)
	}
}

// formFromTender fills the form with a stored need, to modify it.
func formFromTender(t *data.Tender) needForm {
	f := needForm{Title: t.Title, Description: t.Description, Departement: t.Place.Departement, Postcode: t.Place.Postcode}
	f.CPV = make([]string, cpvFieldCount)
	for i, c := range cpvList(t.CPV, t.CPVAdditional) {
		if i < cpvFieldCount {
			f.CPV[i] = cpvFieldValue(c)
		}
	}
	if t.Place.Postcode != "" {
		f.Departement = "" // the postcode says it more precisely
	}
	if t.EstimatedValue > 0 {
		f.Value = strconv.FormatFloat(t.EstimatedValue, 'f', -1, 64)
	}
	for _, l := range t.Lots {
		if len(f.Lots) == maxFormLots {
			break
		}
		lf := needLotForm{Title: l.Title, CPV: cpvFieldValue(l.CPV)}
		if l.EstimatedValue > 0 {
			lf.Value = strconv.FormatFloat(l.EstimatedValue, 'f', -1, 64)
		}
		f.Lots = append(f.Lots, lf)
	}
	for len(f.Lots) < initialLotRows {
		f.Lots = append(f.Lots, needLotForm{})
	}
	return f
}

// cpvFieldValue writes a code as the picker would: "45421000 — Travaux de
// menuiserie".
func cpvFieldValue(code string) string {
	if code == "" {
		return ""
	}
	if c, ok := data.LookupCPV(code); ok {
		return newCPVOption(c).Value
	}
	return code
}

// echoable is what the form shows again of a field: the whole value up to
// four bytes a character of what the field accepts, so that a text a little
// too long comes back whole to be shortened, not lost; only its beginning
// beyond, so that a hostile megabyte is not sent back.
func echoable(id, value string) string {
	limit := 4 * maxTitleRunes
	if id == "description" {
		limit = 4 * data.MaxNeedText
	}
	return truncate(value, limit)
}

// tooLong guards the short fields (place, amount, CPV).
func tooLong(s string) bool { return utf8.RuneCountInString(s) > maxFieldRunes }
