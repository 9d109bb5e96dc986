package observatory

import (
	"sort"
	"strconv"
	"sync"
	"time"

	"fabrique/data"
)

// Coverage is where labelled supply is listed on a day.
type Coverage struct {
	Day       time.Time `json:"day"`
	Suppliers int       `json:"suppliers"` // listed companies passing the filter
	// Holding counts those holding a label (the filter's, or any) on Day.
	Holding int             `json:"holding"`
	Labels  []LabelCoverage `json:"labels"`
	// Unplaced counts the listed companies without a known département.
	Unplaced     int            `json:"unplaced"`
	Regions      []AreaCoverage `json:"regions"`
	Departements []AreaCoverage `json:"departements"`
	NAFSections  []SectorCount  `json:"naf_sections"`
	NAFDivisions []SectorCount  `json:"naf_divisions"`
	Univers      []SectorCount  `json:"epv_univers"`
	CPVDivisions []SectorCount  `json:"cpv_divisions"`
	Claims       ClaimCoverage  `json:"claims"`
}

// LabelCoverage counts the companies listed with one label type, by the
// best state of their labels of that type on the day.
type LabelCoverage struct {
	Type    data.LabelType `json:"label"`
	Name    string         `json:"name"`
	Total   int            `json:"total"`
	Holding int            `json:"holding"` // valid + expiring
	States  []StateCount   `json:"states"`
}

// StateCount is the number of companies in one label state.
type StateCount struct {
	State data.LabelState `json:"state"`
	Name  string          `json:"name"`
	Count int             `json:"count"`
}

// AreaCoverage is a région or a département.
type AreaCoverage struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Region     string `json:"region,omitempty"` // of a département
	Overseas   bool   `json:"overseas"`
	Population int    `json:"population"`
	Listed     int    `json:"listed"`
	Holding    int    `json:"holding"`
	Expired    int    `json:"expired"` // listed, holding no label, with at least one expired
	// PerCapita is Holding per 100 000 inhabitants.
	PerCapita float64 `json:"per_100k"`
	// collectivity marks the overseas collectivities (Polynésie,
	// Nouvelle-Calédonie…), listed only when a company is.
	collectivity bool
}

// SectorCount is one NAF section or division, EPV univers or CPV
// division.
type SectorCount struct {
	Code    string `json:"code"`
	Name    string `json:"name"`
	Listed  int    `json:"listed"`
	Holding int    `json:"holding"`
}

// ClaimCoverage is the share of listings their companies claimed, and how
// complete the listings are.
type ClaimCoverage struct {
	Claimed int     `json:"claimed"`
	Share   float64 `json:"share"` // claimed / listed, 0..1
	// MeanCompleteness is the mean completeness of the listings, in per
	// cent; nil (null) when the filter keeps none, as ClaimedMean: the
	// mean of no listing is no 0 %.
	MeanCompleteness *float64 `json:"mean_completeness"`
	// ClaimedMean is the mean completeness of the claimed listings; nil
	// (null) when none is claimed.
	ClaimedMean       *float64 `json:"claimed_mean_completeness"`
	CompletenessBands []Band   `json:"completeness_bands"`
	Fields            []string `json:"fields"` // what completeness counts
}

// Band is a count within a range of values.
type Band struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Coverage aggregates the listed suppliers that pass the filter on day:
// the label states are those of day's calendar day in Paris (labelDay).
func (f *Facts) Coverage(flt Filter, day time.Time) *Coverage {
	c := &Coverage{Day: day, Labels: []LabelCoverage{}, Regions: []AreaCoverage{}, Departements: []AreaCoverage{}}
	on := labelDay(day)
	var types []data.LabelType
	for _, t := range f.labelTypes {
		if flt.Label != "" && t != flt.Label {
			continue
		}
		types = append(types, t)
		lc := LabelCoverage{Type: t, Name: data.LabelName(t)}
		for _, st := range LabelStates() {
			lc.States = append(lc.States, StateCount{State: st, Name: data.LabelStateName(st)})
		}
		c.Labels = append(c.Labels, lc)
	}
	// Areas and sectors are counted in slices indexed by the interned ids
	// of the facts (index 0 of an area: unknown).
	deps, regions := areaTables()
	depCov := make([]AreaCoverage, len(deps)+1)
	copy(depCov[1:], deps)
	regCov := make([]AreaCoverage, len(regions)+1)
	copy(regCov[1:], regions)
	var passDep, passRegion [256]bool
	for i := range depCov {
		passDep[i] = i > 0 && flt.place(depCov[i].Code, depCov[i].Region)
	}
	for i := range regCov {
		passRegion[i] = flt.Departement == "" && (flt.Region == "" || (i > 0 && regCov[i].Code == flt.Region))
	}
	var sectors [sectorKinds][]SectorCount
	for k := range sectors {
		t := &f.sectors[k]
		sectors[k] = make([]SectorCount, len(t.codes))
		for i := range t.codes {
			sectors[k][i] = SectorCount{Code: t.codes[i], Name: t.names[i]}
		}
	}
	compl := make([]int, 5)
	var complSum, claimedSum int
	for i := range f.Suppliers {
		s := &f.Suppliers[i]
		if s.dep > 0 && !passDep[s.dep] || s.dep == 0 && !passRegion[s.region] {
			continue
		}
		if flt.Label != "" && !s.hasLabel(flt.Label) {
			continue
		}
		c.Suppliers++
		holding, expired := false, false
		for li, t := range types {
			st, ok := s.BestState(t, on)
			if !ok {
				continue
			}
			lc := &c.Labels[li]
			lc.Total++
			lc.States[stateRank(st)].Count++
			if st.Holds() {
				lc.Holding++
				holding = true
			}
			expired = expired || st == data.LabelExpired
		}
		if holding {
			c.Holding++
		}
		for _, a := range [2]*AreaCoverage{&depCov[s.dep], &regCov[s.region]} {
			a.Listed++
			if holding {
				a.Holding++
			} else if expired {
				a.Expired++
			}
		}
		if s.dep == 0 {
			c.Unplaced++
		}
		for _, r := range s.sectors {
			sc := &sectors[r.kind][r.id]
			sc.Listed++
			if holding {
				sc.Holding++
			}
		}
		complSum += s.Completeness
		compl[min(s.Completeness/20, 4)]++
		if s.Claimed {
			c.Claims.Claimed++
			claimedSum += s.Completeness
		}
	}
	for _, a := range depCov[1:] {
		if flt.place(a.Code, a.Region) && (!a.collectivity || a.Listed > 0) {
			a.PerCapita = perCapita(a.Holding, a.Population)
			c.Departements = append(c.Departements, a)
		}
	}
	// Under a département no région's figures are computed: its row
	// would hold the département's companies over the région's population.
	for _, a := range regCov[1:] {
		if flt.Departement == "" && (flt.Region == "" || flt.Region == a.Code) && (!a.collectivity || a.Listed > 0) {
			a.PerCapita = perCapita(a.Holding, a.Population)
			c.Regions = append(c.Regions, a)
		}
	}
	nafName := func(code string) string {
		n, _ := data.LookupNAF(code)
		return n.Label
	}
	c.NAFSections = sectorList(sectors[sectorNAFSection], nafName)
	c.NAFDivisions = sectorList(sectors[sectorNAFDivision], nafName)
	c.Univers = sectorList(sectors[sectorUnivers], nil)
	c.CPVDivisions = sectorList(sectors[sectorCPVDivision], CPVDivisionName)
	c.Claims.Fields = CompletenessFieldNames()
	for i, n := range compl {
		lo, hi := i*20, i*20+19
		label := strconv.Itoa(lo) + " à " + strconv.Itoa(hi) + " %"
		if i == 4 {
			label = "80 à 100 %"
		}
		c.Claims.CompletenessBands = append(c.Claims.CompletenessBands, Band{Label: label, Count: n})
	}
	if c.Suppliers > 0 {
		c.Claims.Share = float64(c.Claims.Claimed) / float64(c.Suppliers)
		mean := float64(complSum) / float64(c.Suppliers)
		c.Claims.MeanCompleteness = &mean
	}
	if c.Claims.Claimed > 0 {
		mean := float64(claimedSum) / float64(c.Claims.Claimed)
		c.Claims.ClaimedMean = &mean
	}
	return c
}

// sectorList sorts sectors by listed companies, most first, the unknown
// sector ("") last.
func sectorList(counts []SectorCount, name func(string) string) []SectorCount {
	out := make([]SectorCount, 0, len(counts))
	for _, sc := range counts {
		if sc.Listed == 0 {
			continue
		}
		if name != nil && sc.Code != "" {
			sc.Name = name(sc.Code)
		}
		if sc.Code == "" {
			sc.Name = "Non renseigné"
		}
		out = append(out, sc)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Code == "") != (b.Code == "") {
			return b.Code == ""
		}
		if a.Listed != b.Listed {
			return a.Listed > b.Listed
		}
		return a.Code < b.Code
	})
	return out
}

// CPVDivisionName is the French label of a CPV division ("45"). The
// DECP carry codes of older CPV versions (74…, CPV 2003) and of none
// (12…), kept as published: their division is named as such, never left
// blank.
func CPVDivisionName(div string) string {
	if div == "" {
		return ""
	}
	if c, ok := data.LookupCPV(div + "000000"); ok && c.LabelFR != "" {
		return c.LabelFR
	}
	return "hors de la nomenclature CPV 2008"
}

func perCapita(n, population int) float64 {
	if population <= 0 {
		return 0
	}
	return float64(n) * 100000 / float64(population)
}

// areaTables returns every département and région with its population
// (the sum of its communes, municipal arrondissements left out since their
// city counts them), computed once.
var areaTables = sync.OnceValues(func() ([]AreaCoverage, []AreaCoverage) {
	pop := map[string]int{}
	for _, c := range data.Communes() {
		if c.Type == "commune-actuelle" {
			pop[c.Departement] += c.Population
		}
	}
	var deps, regions []AreaCoverage
	regPop := map[string]int{}
	for _, d := range data.Departements() {
		deps = append(deps, AreaCoverage{Code: d.Code, Name: d.Name, Region: d.Region, Overseas: d.Zone != "metro",
			Population: pop[d.Code], collectivity: d.Zone == "com"})
		regPop[d.Region] += pop[d.Code]
	}
	for _, r := range data.Regions() {
		regions = append(regions, AreaCoverage{Code: r.Code, Name: r.Name, Overseas: r.Zone != "metro",
			Population: regPop[r.Code], collectivity: r.Zone == "com"})
	}
	return deps, regions
})
