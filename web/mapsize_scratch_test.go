package web

import (
	"testing"

	"fabrique/data"
)

func TestScratchMapSize(t *testing.T) {
	m, err := loadFranceMap(data.DepartementShapesGeoJSON())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range m.shapes {
		n += len(s.D)
	}
	t.Logf("w=%v h=%v total path bytes %d", m.width, m.height, n)
}
