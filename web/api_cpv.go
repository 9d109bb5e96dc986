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
}

// apiCPV finds CPV codes by code prefix or by the words of their French
// label: the autocomplete of the CPV picker.
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
	for _, code := range searchCPV(q, limit) {
		out.Codes = append(out.Codes, apiCPVCode{Code: code.Code8, CodeFull: code.Full(), Label: code.LabelFR,
			Division: code.Division, Level: code.Level, Value: newCPVOption(code).Value})
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	return c.JSON(out)
}
