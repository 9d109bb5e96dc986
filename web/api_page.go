package web

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// apiPage is the typed page of api.html: the API explained to people.
type apiPage struct {
	Layout
	Base       string // absolute URL of /api/v1
	Version    string // of the document
	Operations []apiPageOperation
	RateLimit  RateLimit // with defaults; PerSecond < 0: no limit
}

// apiPageOperation is one line of the page's list of operations, read from
// openapi.json so that the page never drifts from the document.
type apiPageOperation struct {
	Method, Path, Summary string
}

// apiOperations lists the operations of the OpenAPI document, in the
// document's order of paths (GET before POST within one path).
func apiOperations(doc string) (version string, ops []apiPageOperation, err error) {
	var d struct {
		Info struct {
			Version string `json:"version"`
		} `json:"info"`
		Paths orderedPaths `json:"paths"`
	}
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return "", nil, fmt.Errorf("web: openapi.json: %w", err)
	}
	return d.Info.Version, d.Paths, nil
}

// orderedPaths decodes the paths object of the document keeping its order.
type orderedPaths []apiPageOperation

func (o *orderedPaths) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		var item map[string]struct {
			Summary string `json:"summary"`
		}
		if err := dec.Decode(&item); err != nil {
			return err
		}
		path, _ := tok.(string)
		methods := make([]string, 0, len(item))
		for m := range item {
			methods = append(methods, m)
		}
		slices.Sort(methods) // get < post
		for _, m := range methods {
			*o = append(*o, apiPageOperation{Method: strings.ToUpper(m), Path: path, Summary: item[m].Summary})
		}
	}
	return nil
}

// apiHome is /api: what the API offers, its limits and the licence of its
// data, for the people who will write a client.
func (s *Server) apiHome(c *fiber.Ctx) error {
	version, ops, err := apiOperations(openAPIDocument)
	if err != nil {
		return err
	}
	p := &apiPage{Layout: Layout{Title: "API"}, Base: s.baseURL() + "/api/v1", Version: version, Operations: ops,
		RateLimit: s.cfg.RateLimit.withDefaults()}
	return s.render(c, fiber.StatusOK, "api", p)
}
