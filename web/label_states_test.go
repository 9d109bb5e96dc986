package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

// epvHoldersOn reads the embedded EPV export itself and returns, on day
// at, the SIRENs holding a label (some row granted by then and not yet
// ended) and those whose every label has ended.
func epvHoldersOn(t *testing.T, at time.Time) (valid, expired map[string]bool) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data.EmbeddedEPVCSV(), []byte("\ufeff"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	valid, expired = map[string]bool{}, map[string]bool{}
	for _, row := range rows[1:] {
		siret, _, err := data.RepairSIRET(row[1])
		if err != nil {
			continue
		}
		siren := data.SIRENOf(siret)
		from, err1 := time.Parse(time.DateOnly, row[5])
		to, err2 := time.Parse(time.DateOnly, row[6])
		if err1 != nil || err2 != nil {
			t.Fatalf("row %q: dates %v %v", row, err1, err2)
		}
		if !at.Before(from) && at.Before(to) {
			valid[siren] = true
		} else if !at.Before(to) {
			expired[siren] = true
		}
	}
	for s := range valid {
		delete(expired, s) // one valid row is enough
	}
	return valid, expired
}

// TestEPVStatesAgreeWithTheExport counts, on a fixed day, the companies
// holding a valid EPV label and those whose label has expired: the CSV
// export and the JSON API must both say what the official export's end
// dates say, company by company.
func TestEPVStatesAgreeWithTheExport(t *testing.T) {
	for _, day := range []time.Time{testClock, time.Date(2027, 9, 1, 0, 0, 0, 0, time.UTC)} {
		t.Run(day.Format(time.DateOnly), func(t *testing.T) {
			wantValid, wantExpired := epvHoldersOn(t, day)
			if len(wantExpired) == 0 || len(wantValid) < 500 {
				t.Fatalf("fixture: %d valid, %d expired on %s", len(wantValid), len(wantExpired), day.Format(time.DateOnly))
			}
			s := newSearchServer(t, Config{Now: func() time.Time { return day }, RateLimit: RateLimit{PerSecond: -1}})

			// The CSV of every supplier.
			r := s.get(t, "/recherche.csv")
			cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\ufeff")))
			cr.Comma = ';'
			rows, err := cr.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			csvValid, csvExpired := map[string]bool{}, map[string]bool{}
			for _, row := range rows[1:] {
				if row[0] == "" && row[11] != "" { // no valid SIRET: the reference cannot key it
					continue
				}
				switch {
				case strings.Contains(row[8], "EPV"):
					csvValid[row[0]] = true
					if !strings.HasPrefix(row[11], "EPV valide") {
						t.Errorf("%s: labels %q but state %q", row[2], row[8], row[11])
					}
				case strings.HasPrefix(row[11], "EPV expiré le "):
					csvExpired[row[0]] = true
				default:
					t.Errorf("%s: empty Labels column without a reason: %q", row[2], row[11])
				}
			}
			compareSets(t, "CSV valid", csvValid, wantValid)
			compareSets(t, "CSV expired", csvExpired, wantExpired)

			// The API, page after page.
			apiValid, apiExpired := map[string]bool{}, map[string]bool{}
			for page := 1; ; page++ {
				r := s.get(t, "/api/v1/suppliers?per_page=100&page="+strconv.Itoa(page))
				var out struct {
					Total   int
					Results []struct {
						SIREN       string
						Labels      []string
						LabelStates []apiLabelState `json:"label_states"`
					}
				}
				if err := json.Unmarshal([]byte(r.body), &out); err != nil {
					t.Fatalf("page %d: %v\n%s", page, err, r.body)
				}
				for _, res := range out.Results {
					if res.SIREN == "" {
						continue
					}
					for _, st := range res.LabelStates {
						switch {
						case st.Type != "EPV":
						case st.State == "valid" || st.State == "expiring":
							apiValid[res.SIREN] = true
						case st.State == "expired":
							apiExpired[res.SIREN] = true
						}
					}
					if held := apiValid[res.SIREN]; held != (len(res.Labels) == 1 && res.Labels[0] == "EPV") {
						t.Errorf("%s: labels %q disagree with states %+v", res.SIREN, res.Labels, res.LabelStates)
					}
				}
				if page*100 >= out.Total {
					break
				}
			}
			compareSets(t, "API valid", apiValid, wantValid)
			compareSets(t, "API expired", apiExpired, wantExpired)
			t.Logf("%s: %d companies hold a valid EPV label, %d have only expired ones", day.Format(time.DateOnly), len(wantValid), len(wantExpired))
		})
	}
}

func compareSets(t *testing.T, what string, got, want map[string]bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d companies, want %d", what, len(got), len(want))
	}
	n := 0
	for k := range want {
		if !got[k] && n < 5 {
			t.Errorf("%s: %s missing", what, k)
			n++
		}
	}
}
