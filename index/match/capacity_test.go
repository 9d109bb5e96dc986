package match

import (
	"math"
	"strings"
	"testing"
	"time"

	"fabrique/data"
)

func TestCapacityOf(t *testing.T) {
	sept2024 := time.Date(2024, 9, 18, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		sup        data.Supplier
		value      float64
		track      trackFit
		want       float64
		wantDetail string
	}{
		{"headcount only", data.Supplier{HeadcountBand: "11"}, 450_000, trackFit{}, 1, "salariés"},
		{"declared turnover replaces the estimate", data.Supplier{HeadcountBand: "11", TurnoverBand: "A"}, 450_000, trackFit{}, 1 - math.Log2(900_000/250_000.0)/3, "chiffre d'affaires moins de 500 000 €"},
		{"largest contract lifts a small turnover", data.Supplier{TurnoverBand: "A", LargestContractEUR: 500_000}, 450_000, trackFit{}, 1, "contrat de 500"},
		{"largest contract below the value", data.Supplier{LargestContractEUR: 225_000}, 450_000, trackFit{}, 1 - 1.0/3, "contrat de 225"},
		{"nothing known", data.Supplier{}, 450_000, trackFit{}, capacityNeutral, ""},
		{"no value", data.Supplier{TurnoverBand: "E"}, 0, trackFit{}, capacityNeutral, ""},
		// A public contract won is a reference: evidence for, never against.
		{"a larger contract won", data.Supplier{}, 450_000, trackFit{largest: 600_000, largestAt: sept2024}, 1,
			"référence publique : marché de 600\u00a0000\u00a0€ remporté en septembre 2024, pour un marché estimé à 450\u00a0000\u00a0€"},
		{"a contract won at half the value", data.Supplier{}, 450_000, trackFit{largest: 225_000, largestAt: sept2024}, 1 - 1.0/3, "référence publique"},
		{"a contract won at a third of the value: below neutral", data.Supplier{}, 450_000, trackFit{largest: 150_000}, capacityNeutral, ""},
		{"a small contract won says nothing against", data.Supplier{}, 450_000, trackFit{largest: 20_000}, capacityNeutral, ""},
		{"a small contract won does not lower a declared size", data.Supplier{HeadcountBand: "11"}, 450_000, trackFit{largest: 20_000}, 1, "salariés"},
		{"a contract won lifts a small declared turnover", data.Supplier{TurnoverBand: "A"}, 450_000, trackFit{largest: 450_000}, 1, "référence publique"},
		{"a contract won, no value", data.Supplier{}, 0, trackFit{largest: 450_000}, capacityNeutral, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, r, known := capacityOf(&tt.sup, tt.value, tt.track)
			if math.Abs(got-tt.want) > 0.01 {
				t.Errorf("capacityOf = %.3f, want %.3f", got, tt.want)
			}
			if known != (tt.wantDetail != "") || !strings.Contains(r.String(), tt.wantDetail) {
				t.Errorf("reason %q (known %v), want one containing %q", r.String(), known, tt.wantDetail)
			}
		})
	}
}
