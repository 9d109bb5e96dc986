package index

import (
	"math"
	"slices"
)

// The columns also file every located document under a cell of a
// latitude/longitude grid, so that a radius query without text or filters
// picks the documents of the cells its circle overlaps instead of testing
// every document of the index: around a city, the circle holds a few
// percent of the suppliers.

// gridDeg is the side of a grid cell in degrees (28 km of latitude).
const gridDeg = 0.25

type gridCell struct{ lat, lon int32 }

func cellOf(lat, lon float64) gridCell {
	return gridCell{int32(math.Floor(lat / gridDeg)), int32(math.Floor(lon / gridDeg))}
}

// buildGrid files the live documents that have coordinates.
func (c *columns) buildGrid() {
	c.grid = map[gridCell][]uint32{}
	for _, d := range c.live {
		if p := c.points[d]; !math.IsNaN(p.lat) {
			cell := cellOf(p.lat, p.lon)
			c.grid[cell] = append(c.grid[cell], d)
		}
	}
}

// inCircle returns the live documents within circ, ascending.
func (c *columns) inCircle(circ *circle) []uint32 {
	var docs []uint32
	c.eachInCircle(circ, func(d uint32, _ float64) { docs = append(docs, d) })
	slices.Sort(docs)
	return docs
}

// eachInCircle calls fn with each live document within circ and its
// haversine term from the centre (which orders like the distance), in no
// particular order.
func (c *columns) eachInCircle(circ *circle, fn func(d uint32, h float64)) {
	add := func(cellDocs []uint32) {
		for _, d := range cellDocs {
			if h, ok := c.circleTerm(d, circ); ok {
				fn(d, h)
			}
		}
	}
	lo, hi := cellOf(circ.lat-circ.dLat, circ.lon-circ.dLon), cellOf(circ.lat+circ.dLat, circ.lon+circ.dLon)
	if circ.dLon >= 180 || int64(hi.lat-lo.lat+1)*int64(hi.lon-lo.lon+1) > int64(len(c.grid)) {
		// Near a pole, or a circle wider than the occupied grid: visit
		// the occupied cells rather than every cell of the box.
		for _, cellDocs := range c.grid {
			add(cellDocs)
		}
	} else {
		for la := lo.lat; la <= hi.lat; la++ {
			for lon := lo.lon; lon <= hi.lon; lon++ {
				add(c.grid[gridCell{la, lon}])
			}
		}
	}
}
