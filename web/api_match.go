package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/index"
)

// matchBodyLimit caps the body of POST /api/v1/match: a need is at most
// 20 000 characters of text and 200 lots, far below this.
const matchBodyLimit = 256 << 10

// apiMatch is one supplier proposed for a need, with its reasons: the
// "kind" and typed fields for programs, "text" in French for people. It is
// data.Match as `fabrique match --json` writes it, with the supplier's page
// and distance_km always present (null when unknown).
type apiMatch struct {
	ID         string      `json:"supplier_id"`
	SIREN      string      `json:"siren"`
	SIRET      string      `json:"siret"`
	Name       string      `json:"name"`
	NAF        string      `json:"naf,omitempty"`
	Score      float64     `json:"score"`
	DistanceKm *float64    `json:"distance_km"`
	URL        string      `json:"url"`
	Reasons    []apiReason `json:"reasons"`
	Confidence string      `json:"confidence,omitempty"` // forte, moyenne, faible
}

// apiReason is data.Reason without its MarshalJSON, which encodes every
// reason twice (json.Marshal, then a compaction) to fill Text: the API
// fills Text itself, and a page of matches holds hundreds of reasons.
type apiReason data.Reason

// apiLotMatches is the ranking of one lot.
type apiLotMatches struct {
	LotID   string     `json:"lot_id"`
	Title   string     `json:"title"`
	Matches []apiMatch `json:"matches"`
	Terms   []string   `json:"terms"`
	Unheld  []string   `json:"unheld_terms"`
	Warning string     `json:"warning,omitempty"`
}

// apiMatchResult is the answer of POST /api/v1/match and of
// GET /api/v1/tenders/{id}/matches: one contract for both, and for
// `fabrique match --json`.
type apiMatchResult struct {
	Tender  *apiTenderRef   `json:"tender,omitempty"`
	Matches []apiMatch      `json:"matches"`
	Lots    []apiLotMatches `json:"lots"`
	Terms   []string        `json:"terms"`
	// Unheld are the object's words no supplier holds (index.MatchResult.Unheld).
	Unheld []string `json:"unheld_terms"`
	// Warning is « aucun fournisseur labellisé ne correspond bien » when
	// no match is better than of weak confidence.
	Warning string `json:"warning,omitempty"`
	// Trades are the trades of the companies scored for the whole need
	// (index.MatchResult.Trades), which "naf" can choose.
	Trades []apiTrade `json:"trades"`
}

// apiTrade is one trade (corps d'état) among the companies scored.
type apiTrade struct {
	NAF   string `json:"naf"`
	Label string `json:"label"`
	Count int    `json:"count"`
	Best  int    `json:"best"`
}

// apiTenderRef names the stored tender a ranking was made for.
type apiTenderRef struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	PageURL string `json:"page_url"`
}

func newAPIMatchResult(res index.MatchResult, base string) apiMatchResult {
	out := apiMatchResult{Matches: apiMatches(res.Tender, base), Lots: make([]apiLotMatches, 0, len(res.Lots)),
		Terms: nonNil(res.Terms), Unheld: nonNil(res.Unheld), Warning: res.Warning, Trades: make([]apiTrade, 0, len(res.Trades))}
	for _, t := range res.Trades {
		out.Trades = append(out.Trades, apiTrade{NAF: t.NAF, Label: nafLabel(t.NAF), Count: t.Count, Best: t.Best})
	}
	for _, l := range res.Lots {
		out.Lots = append(out.Lots, apiLotMatches{LotID: l.LotID, Title: l.Title, Matches: apiMatches(l.Matches, base),
			Terms: nonNil(l.Terms), Unheld: nonNil(l.Unheld), Warning: l.Warning})
	}
	return out
}

func apiMatches(ms []data.Match, base string) []apiMatch {
	out := make([]apiMatch, 0, len(ms))
	for _, m := range ms {
		reasons := make([]apiReason, len(m.Reasons))
		for i, r := range m.Reasons {
			r.Text = reasonText(r)
			reasons[i] = apiReason(r)
		}
		out = append(out, apiMatch{ID: m.SupplierID, SIREN: m.SIREN, SIRET: m.SIRET, Name: m.Name, NAF: m.NAF, Score: m.Score,
			DistanceKm: m.DistanceKm, URL: base + supplierURL(m.SupplierID), Reasons: reasons, Confidence: m.Confidence})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// apiMatchNeed ranks the suppliers able to meet a need sent as JSON
// (data.Need): for the need as a whole and for each lot, with reasons.
// Nothing is stored.
func (s *Server) apiMatchNeed(c *fiber.Ctx) error {
	if err := checkAPIParams(queryValues(c), "/api/v1/match"); err != nil {
		return err
	}
	if !c.Is("json") {
		return apiStatus(fiber.StatusUnsupportedMediaType, "Content-Type", c.Get(fiber.HeaderContentType),
			"le corps de la requête doit être un besoin en JSON, envoyé avec « Content-Type: application/json »")
	}
	body := c.Body()
	if len(body) > matchBodyLimit {
		return apiStatus(fiber.StatusRequestEntityTooLarge, "body", "",
			fmt.Sprintf("la requête dépasse %d Kio : raccourcissez les descriptions", matchBodyLimit>>10))
	}
	need, err := decodeNeed(body)
	if err != nil {
		return err
	}
	t, err := need.Tender()
	if err != nil {
		return needError(err)
	}
	res, err := s.index.Match(c.UserContext(), s.matchSource, t, index.MatchOptions{Limit: need.Limit, Trade: need.NAF})
	if err != nil {
		return needError(err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(newAPIMatchResult(res, s.baseURL()))
}

// needFields are the fields of a data.Need, as the error of an unknown
// field lists them.
const needFields = "title, description, cpv, departement, postcode, commune, nuts, estimated_value, nature, lots (title, description, cpv, departement, postcode, estimated_value), limit et naf"

var (
	unknownFieldRe = regexp.MustCompile(`unknown field "([^"]*)"`)
	wrongTypeRe    = regexp.MustCompile(`cannot unmarshal (\w+) into Go (?:struct field|value of type) (?:[\w.]*\.)?([\w]+)(?: of type ([\w\[\].]+))?`)
)

// decodeNeed reads the JSON of a need (data.DecodeNeed, which refuses
// unknown fields), with French messages for what JSON decoding reports in
// English.
func decodeNeed(body []byte) (data.Need, error) {
	if len(strings.TrimSpace(string(body))) == 0 {
		return data.Need{}, badParam("body", "", "corps de requête vide : un besoin en JSON est attendu, voir /api/v1/openapi.json")
	}
	if !json.Valid(body) {
		return data.Need{}, badParam("body", "", "JSON mal formé : le corps doit être un seul objet JSON")
	}
	n, err := data.DecodeNeed(body)
	if err == nil {
		return n, nil
	}
	var ve *data.ValidationError
	if errors.As(err, &ve) && ve.Field != "JSON" { // a field read but refused ("limit": 0)
		return n, needError(err)
	}
	msg := err.Error()
	if m := unknownFieldRe.FindStringSubmatch(msg); m != nil {
		return n, badParam(m[1], "", "champ inconnu « "+m[1]+" » : les champs acceptés sont "+needFields)
	}
	if m := wrongTypeRe.FindStringSubmatch(msg); m != nil {
		field := m[2]
		return n, badParam(field, "", "le champ « "+field+" » doit être "+jsonTypeFR(m[3])+", pas "+jsonKindFR(m[1]))
	}
	return n, badParam("body", "", "le corps doit être un objet JSON décrivant un besoin, voir /api/v1/openapi.json")
}

// jsonTypeFR names in French the Go type a JSON value was expected as.
func jsonTypeFR(goType string) string {
	switch {
	case goType == "string" || goType == "data.Nature":
		return "un texte"
	case goType == "float64":
		return "un nombre"
	case goType == "int":
		return "un nombre entier"
	case strings.HasPrefix(goType, "[]"):
		return "une liste"
	}
	return "un objet"
}

// jsonKindFR names in French the kind of JSON value received.
func jsonKindFR(kind string) string {
	switch kind {
	case "string":
		return "un texte"
	case "number":
		return "un nombre"
	case "bool":
		return "un booléen"
	case "array":
		return "une liste"
	case "object":
		return "un objet"
	}
	return kind
}

// needFieldNames are the French names of the fields of a need, as errors
// name them.
func needFieldNameFR(field string) string {
	switch field {
	case "title":
		return "intitulé"
	case "description":
		return "description"
	case "CPV", "cpv":
		return "code CPV"
	case "departement":
		return "département"
	case "postcode":
		return "code postal"
	case "commune":
		return "commune"
	case "nuts":
		return "code NUTS"
	case "estimated_value":
		return "valeur estimée"
	case "nature":
		return "nature"
	case "lots":
		return "lot"
	case "limit":
		return "limit"
	}
	return field
}

// needError rewrites a validation error of a need so that its French
// message names the field and the value at fault (« code CPV « 99999999 » :
// code inconnu du vocabulaire CPV 2008 »).
func needError(err error) error {
	var ve *data.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	if namesItself(ve) {
		return fmt.Errorf("web: %w", ve)
	}
	msg := needFieldNameFR(ve.Field)
	if ve.Value != "" {
		if ve.Field == "lots" {
			msg += " " + ve.Value
		} else {
			msg += " « " + ve.Value + " »"
		}
	}
	return fmt.Errorf("web: %w", &data.ValidationError{Field: ve.Field, Value: ve.Value, Message: msg + " : " + ve.Message})
}

// namesItself reports whether a need's error is a whole sentence naming
// its field and value (« le code postal 69001 (Lyon, Rhône) n'est pas dans
// le département 29 – Finistère »), which needError leaves as it is.
func namesItself(ve *data.ValidationError) bool {
	name := needFieldNameFR(ve.Field)
	m := strings.TrimPrefix(strings.TrimPrefix(ve.Message, "le "), "la ")
	return ve.Value != "" && strings.HasPrefix(m, name) && strings.Contains(ve.Message, ve.Value)
}

// apiStatusError is an API error with its own status and French message:
// errors.As finds in it both the *fiber.Error that sets the status
// (errors.go, statusOf) and the *data.ValidationError whose message the
// answer carries.
type apiStatusError struct {
	status int
	ve     *data.ValidationError
}

func apiStatus(status int, field, value, msg string) error {
	return &apiStatusError{status: status, ve: &data.ValidationError{Field: field, Value: value, Message: msg}}
}

func (e *apiStatusError) Error() string { return fmt.Sprintf("web: %d: %v", e.status, e.ve) }

// As lets errors.As see the status and the message.
func (e *apiStatusError) As(target any) bool {
	switch t := target.(type) {
	case **fiber.Error:
		*t = fiber.NewError(e.status, e.ve.Message)
		return true
	case **data.ValidationError:
		*t = e.ve
		return true
	}
	return false
}

// MatchAnswer renders a ranking as the JSON answer of POST /api/v1/match,
// so that `fabrique match --json` prints exactly the same contract.
// baseURL prefixes the suppliers' page URLs ("" leaves them relative).
func MatchAnswer(res index.MatchResult, baseURL string) any {
	return newAPIMatchResult(res, baseURL)
}
