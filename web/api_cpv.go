package web

import (
	"github.com/gofiber/fiber/v2"
)

// apiCPVCode is a CPV code proposed while typing.
type apiCPVCode struct {
	Code     string `json:"code"`      // 8 digits, what the other routes take
	CodeFull string `json:"code_full"` // with its check digit, "45421000-4"
	Label    string `json:"label"`     // French
	Division string `json:"division"`
	Level    string `json:"level"`
	Value    string `json:"value"` // as the « Nouveau besoin » form takes it
	// Via is the NAF activity that found the code when its label does not
	// have the words (« tournage » → 25.62A Décolletage); absent otherwise.
	Via *apiCPVVia `json:"via,omitempty"`
}

// apiCPVVia says why a code whose label lacks the words was proposed.
type apiCPVVia struct {
	NAF   string `json:"naf"`   // "25.62A"
	Label string `json:"label"` // "Décolletage"
	Text  string `json:"text"`  // « via l'activité NAF 25.62A Décolletage »
}

// apiCPV finds CPV codes by code prefix or by the words of their French
// label, or of the NAF activity that makes them (searchCPV): the
// autocomplete of the CPV picker.
func (s *Server) apiCPV(c *fiber.Ctx) error {
	v := queryValues(c)
	if err := checkAPIParams(v, "/api/v1/cpv"); err != nil {
		return err
	}
	q, err := suggestText(v)
	if err != nil {
		return err
	}
	limit, err := intParam(v, "limit", defaultCPVResults, 1, maxCPVResults)
	if err != nil {
		return err
	}
	out := struct {
		Codes []apiCPVCode `json:"codes"`
	}{Codes: []apiCPVCode{}}
	for _, f := range searchCPV(q, limit) {
		code := apiCPVCode{Code: f.Code8, CodeFull: f.Full(), Label: f.LabelFR,
			Division: f.Division, Level: f.Level, Value: newCPVOption(f.CPVCode).Value}
		if f.Via != nil {
			code.Via = &apiCPVVia{NAF: f.Via.Code, Label: f.Via.Label, Text: f.ViaText()}
		}
		out.Codes = append(out.Codes, code)
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(out)
}
