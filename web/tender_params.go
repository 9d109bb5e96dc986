package web

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"fabrique/data"
	"fabrique/index"
)

// tenderFilter are the criteria of a list of tenders, as URLs carry them.
// The page and GET /api/v1/tenders share them (the page has a fixed page
// size).
type tenderFilter struct {
	// State is tenderOpen, tenderClosed (closed, awarded or cancelled), tenderAll,
	// or one status of data.TenderStatuses ("announced", "awarded",
	// "cancelled").
	State        string
	CPV          []string // code prefixes: "45", "4521", "4521235" (from 45212350)
	CPVRaw       []string // as typed, echoed into the form
	Departements []string
	// From and To bound the deadline, days inclusive in Paris time; zero
	// leaves that side open. FromRaw and ToRaw are echoed into the form.
	From, To       time.Time
	FromRaw, ToRaw string
	Page, PerPage  int

	tenderSearch // text, more filters, ranges, place and sort (tender_query.go)
}

// States a tender list can show.
const (
	tenderOpen   = "open"
	tenderClosed = "closed"
	tenderAll    = "all"
)

// Page sizes and bounds of the tender list.
const (
	tendersPerPage     = 20
	maxTendersPerPage  = 100
	maxTenderPage      = 10000
	maxTenderCPVValues = 10
)

// tenderParamNames are the query parameters of GET /api/v1/tenders (the
// page takes the same ones, without per_page).
func tenderParamNames() []string {
	return append([]string{"state", "cpv", "departement", "deadline_from", "deadline_to", "page", "per_page"}, tenderSearchParamNames()...)
}

var (
	cpvPrefixRe = regexp.MustCompile(`^\d{2,7}$`)
	isoDayRe    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// parseTenderFilter reads and validates the criteria of a tender list.
// Errors wrap a *data.ValidationError whose French message names the
// parameter and the value.
func parseTenderFilter(v url.Values, d dialect) (tenderFilter, error) {
	f := tenderFilter{State: tenderOpen, Page: 1, PerPage: tendersPerPage}
	switch s := strings.TrimSpace(v.Get("state")); s {
	case "":
	case tenderOpen, tenderClosed, tenderAll, string(data.StatusAnnounced), string(data.StatusAwarded), string(data.StatusCancelled):
		f.State = s
	default:
		return f, badParam("state", s, "état « "+s+" » inconnu : open (ouverts), announced (en pré-information), closed (clos), awarded (attribués), cancelled (annulés) ou all (tous)")
	}
	if len(v["cpv"]) > maxTenderCPVValues {
		return f, badParam("cpv", "", fmt.Sprintf("au plus %d codes CPV", maxTenderCPVValues))
	}
	for _, raw := range v["cpv"] {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		prefix, err := cpvPrefix(raw)
		if err != nil {
			return f, err
		}
		f.CPVRaw = appendNew(f.CPVRaw, raw)
		f.CPV = appendNew(f.CPV, prefix)
	}
	for _, raw := range v["departement"] {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		dep, ok := data.LookupDepartement(strings.ToUpper(raw))
		if !ok {
			return f, badParam("departement", raw, "département « "+raw+" » inconnu : indiquez son code (69, 2A, 971)")
		}
		f.Departements = appendNew(f.Departements, dep.Code)
	}
	var err error
	if f.From, f.FromRaw, err = dayParam(v, "deadline_from"); err != nil {
		return f, err
	}
	if f.To, f.ToRaw, err = dayParam(v, "deadline_to"); err != nil {
		return f, err
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return f, badParam("deadline_to", f.ToRaw, "la fin de la période précède son début")
	}
	if f.Page, err = intParam(v, "page", 1, 1, maxTenderPage); err != nil {
		return f, err
	}
	if d == apiDialect {
		if f.PerPage, err = intParam(v, "per_page", tendersPerPage, 1, maxTendersPerPage); err != nil {
			return f, err
		}
	}
	if err := f.tenderSearch.parse(v, d); err != nil {
		return f, err
	}
	if f.Page*f.PerPage > index.MaxResultWindow {
		return f, badParam("page", strconv.Itoa(f.Page), fmt.Sprintf("seuls les %d premiers avis peuvent être parcourus : affinez la recherche", index.MaxResultWindow))
	}
	return f, nil
}

// cpvPrefix turns a CPV criterion into the prefix of the codes it covers:
// a division or a few digits ("45", "4521") are taken as typed (some code
// must start with them), a full code ("45212350-4") covers itself and its
// descendants, which share its digits before the trailing zeros.
func cpvPrefix(raw string) (string, error) {
	s := strings.ReplaceAll(raw, " ", "")
	if cpvPrefixRe.MatchString(s) {
		if !cpvPrefixExists(s) {
			return "", badParam("cpv", raw, "aucun code CPV ne commence par « "+raw+" »")
		}
		return s, nil
	}
	if strings.ContainsFunc(s, unicode.IsLetter) {
		// « menuiserie » typed as a code: say what the field takes, and
		// where words go. It read « format attendu : 8 chiffres », while
		// the field takes a division or the start of a code too.
		return "", badParam("cpv", raw, "« "+raw+" » n'est pas un code CPV : indiquez une division (45), un début de code (4521) ou un code complet (45212350-4) ; les mots se cherchent dans le champ « Mots »")
	}
	code, err := data.NormalizeCPV(s)
	if err != nil {
		return "", badParam("cpv", raw, "code CPV « "+raw+" » invalide : "+invalidMessage(err))
	}
	prefix := strings.TrimRight(code, "0")
	if len(prefix) < 2 {
		prefix = code[:2]
	}
	return prefix, nil
}

// cpvPrefixExists reports whether some CPV 2008 code starts with prefix.
func cpvPrefixExists(prefix string) bool {
	codes := cpvCatalogue().codes
	i, _ := slices.BinarySearchFunc(codes, prefix, func(c cpvEntry, p string) int { return strings.Compare(c.code.Code8, p) })
	return i < len(codes) && strings.HasPrefix(codes[i].code.Code8, prefix)
}

// dayParam reads a day written AAAA-MM-JJ, as midnight in Paris.
func dayParam(v url.Values, name string) (time.Time, string, error) {
	raw := strings.TrimSpace(v.Get(name))
	if raw == "" {
		return time.Time{}, "", nil
	}
	if !isoDayRe.MatchString(raw) {
		return time.Time{}, raw, badParam(name, raw, "date « "+raw+" » invalide : format attendu AAAA-MM-JJ (2026-04-30)")
	}
	t, err := time.ParseInLocation("2006-01-02", raw, paris())
	if err != nil {
		return time.Time{}, raw, badParam(name, raw, "date « "+raw+" » inexistante")
	}
	return t, raw, nil
}

// hasCriteria reports whether anything narrows the default list.
func (f *tenderFilter) hasCriteria() bool {
	return f.State != tenderOpen || len(f.CPV) > 0 || len(f.Departements) > 0 || f.FromRaw != "" || f.ToRaw != "" ||
		f.tenderSearch.hasCriteria()
}

// values writes the criteria back as page parameters, for links.
func (f *tenderFilter) values() url.Values {
	v := url.Values{}
	if f.State != tenderOpen {
		v.Set("state", f.State)
	}
	for _, c := range f.CPVRaw {
		v.Add("cpv", c)
	}
	for _, d := range f.Departements {
		v.Add("departement", d)
	}
	if f.FromRaw != "" {
		v.Set("deadline_from", f.FromRaw)
	}
	if f.ToRaw != "" {
		v.Set("deadline_to", f.ToRaw)
	}
	f.tenderSearch.addValues(v)
	if f.Page > 1 {
		v.Set("page", strconv.Itoa(f.Page))
	}
	return v
}

// link returns path with the criteria as query string.
func (f *tenderFilter) link(path string) string { return withQuery(path, f.values()) }
