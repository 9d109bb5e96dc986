package match

import (
	"math"
	"strings"
	"testing"

	"fabrique/data"
)

func TestCapacityOf(t *testing.T) {
	tests := []struct {
		name       string
		sup        data.Supplier
		value      float64
		want       float64
		wantDetail string
	}{
		{"headcount only", data.Supplier{HeadcountBand: "11"}, 450_000, 1, "salariés"},
		{"declared turnover replaces the estimate", data.Supplier{HeadcountBand: "11", TurnoverBand: "A"}, 450_000, 1 - math.Log2(900_000/250_000.0)/3, "chiffre d'affaires moins de 500 000 €"},
		{"largest contract lifts a small turnover", data.Supplier{TurnoverBand: "A", LargestContractEUR: 500_000}, 450_000, 1, "contrat de 500"},
		{"largest contract below the value", data.Supplier{LargestContractEUR: 225_000}, 450_000, 1 - 1.0/3, "contrat de 225"},
		{"nothing known", data.Supplier{}, 450_000, capacityNeutral, ""},
		{"no value", data.Supplier{TurnoverBand: "E"}, 0, capacityNeutral, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, r, known := capacityOf(&tt.sup, tt.value)
			if math.Abs(got-tt.want) > 0.01 {
				t.Errorf("capacityOf = %.3f, want %.3f", got, tt.want)
			}
			if known != (tt.wantDetail != "") || !strings.Contains(r.String(), tt.wantDetail) {
				t.Errorf("reason %q (known %v), want one containing %q", r.String(), known, tt.wantDetail)
			}
		})
	}
}
