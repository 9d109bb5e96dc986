package web

import (
	"context"
	"net/http"
	"testing"

	"fabrique/web/apiclient"
)

// TestGeneratedClient uses the Go client that oapi-codegen generates from
// openapi.json (web/apiclient) against the real server: what an outside
// program gets from the document compiles, searches and matches.
func TestGeneratedClient(t *testing.T) {
	cs := newContractServer(t)
	ctx := context.Background()
	c, err := apiclient.NewClientWithResponses(cs.base)
	if err != nil {
		t.Fatal(err)
	}

	q, dep, perPage := "menuiserie", []string{"69"}, 5
	search, err := c.SearchSuppliersWithResponse(ctx, &apiclient.SearchSuppliersParams{Q: &q, Departement: &dep, PerPage: &perPage})
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	if search.JSON200 == nil {
		t.Fatalf("search = %d, no decoded page: %.300s", search.StatusCode(), search.Body)
	}
	page := search.JSON200
	if page.Total == 0 || len(page.Results) == 0 || len(page.Results) > perPage {
		t.Errorf("search found %d, %d on the page, want some and at most %d", page.Total, len(page.Results), perPage)
	}
	for _, r := range page.Results {
		if r.Departement != "69" || r.Url == "" {
			t.Errorf("result %+v: want département 69 and a URL", r)
		}
	}
	if page.Facets["departement"] == nil || page.Facets["cpv_division"] == nil {
		t.Errorf("facets %v: want every facet, as [] when empty", page.Facets)
	}
	if search.Headers200 == nil || search.Headers200.ETag == "" {
		t.Error("the client did not read the ETag of the search")
	} else {
		again, err := c.SearchSuppliersWithResponse(ctx, &apiclient.SearchSuppliersParams{Q: &q, Departement: &dep, PerPage: &perPage},
			func(_ context.Context, req *http.Request) error {
				req.Header.Set("If-None-Match", search.Headers200.ETag)
				return nil
			})
		if err != nil || again.StatusCode() != http.StatusNotModified {
			t.Errorf("search with If-None-Match = %v, %v; want 304", again.StatusCode(), err)
		}
	}

	zero := 0
	bad, err := c.SearchSuppliersWithResponse(ctx, &apiclient.SearchSuppliersParams{Page: &zero})
	if err != nil {
		t.Fatalf("search page 0: %v", err)
	}
	if bad.JSON400 == nil || bad.JSON400.Error == "" {
		t.Errorf("search page 0 = %d, want a decoded 400 with a message: %.200s", bad.StatusCode(), bad.Body)
	}

	title, cpv, limit := "Restauration de menuiseries anciennes", []string{"45421000"}, 3
	match, err := c.MatchNeedWithResponse(ctx, apiclient.Need{Title: &title, Cpv: &cpv, Departement: &dep[0], Limit: &limit})
	if err != nil {
		t.Fatalf("match: %v", err)
	}
	if match.JSON200 == nil || len(match.JSON200.Matches) == 0 || len(match.JSON200.Matches) > limit {
		t.Fatalf("match = %d: %.300s; want between 1 and %d suppliers", match.StatusCode(), match.Body, limit)
	}
	if m := match.JSON200.Matches[0]; m.Score <= 0 || len(m.Reasons) == 0 {
		t.Errorf("best match %+v: want a score and its reasons", m)
	}
	if match.JSON200.Lots == nil || match.JSON200.Terms == nil {
		t.Error("lots and terms must be lists, never null")
	}

	tender, err := c.MatchTenderWithResponse(ctx, cs.fx.tenderID, &apiclient.MatchTenderParams{Limit: &limit})
	if err != nil {
		t.Fatalf("tender matches: %v", err)
	}
	if tender.JSON200 == nil || tender.JSON200.Tender == nil {
		t.Errorf("tender matches = %d: %.300s", tender.StatusCode(), tender.Body)
	}
}
