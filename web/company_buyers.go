package web

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"fabrique/data"
)

// « Acheteurs publics de votre secteur »: on a company's tenders section,
// the public buyers that awarded contracts of its activity (its declared
// CPV codes, else the codes of the contracts it won, else what its NAF
// code supplies, data.NAFCPVPrefixes) near it (its declared départements or régions,
// else the région of its site), with how many contracts, their total
// amount and the latest date, each contract counted once however often
// published (data.ContractIDOf).
//
// The awards are read once into a compact table of contracts
// (sectorAwards), rebuilt in the background after award writes: the
// page filters that table (about 17 000 contracts on the default server)
// instead of reading every award per request.

// Sizes of the buyers' list.
const (
	dashboardBuyers = 5
	pageBuyers      = 15
	allBuyers       = 200
	// buyersBuildWait is how long a request waits for the first build of
	// the table before showing the section without it.
	buyersBuildWait = 3 * time.Second
)

// sectorContract is one contract of the table, however often published.
type sectorContract struct {
	cpv    uint32  // the CPV code's 8 digits as a number; 0 unknown
	buyer  int32   // index into sectorAwards.buyers; -1 unknown
	dep    uint16  // index into sectorAwards.deps; 0 unknown
	region uint8   // index into sectorAwards.regions; 0 unknown
	day    int32   // notification day (data.PublicationDay) of its earliest publication; data.NoDay unknown
	amount float64 // euros excl. VAT, of its latest publication (data.Publication.Later); 0 unknown
}

// sectorBuyer is a public buyer of the table.
type sectorBuyer struct {
	name, siret string
}

// sectorAwards is the table of contracts, immutable once built.
type sectorAwards struct {
	contracts []sectorContract
	buyers    []sectorBuyer
	deps      []string // deps[0] is ""
	regions   []string // regions[0] is ""
	awards    int      // award records read
	took      time.Duration
}

const sectorNoDay = data.NoDay

// sectorPublication is what the table keeps of an award record until its
// contract is known.
type sectorPublication struct {
	id    data.ContractID
	pub   data.Publication
	cpv   string
	place data.Place
	buyer data.Buyer
}

// buildSectorAwards reads every award of the store into contracts, grouped
// as the observatory and a company's « Marchés publics remportés » group
// them (data.GroupContracts): the contract takes its place, code and buyer
// from its first publication read, its day from the earliest, its amount
// from the latest.
func buildSectorAwards(ctx context.Context, src interface {
	Awards(context.Context, func(data.Award) error) error
}) (*sectorAwards, error) {
	start := time.Now()
	var pubs []sectorPublication
	err := src.Awards(ctx, func(a data.Award) error {
		pubs = append(pubs, sectorPublication{id: data.ContractIDOf(a), pub: data.PublicationOf(a), cpv: a.CPV, place: a.Place, buyer: a.Buyer})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: awards of the buyers' table: %w", err)
	}
	group, n := data.GroupContracts(len(pubs), func(i int) data.ContractID { return pubs[i].id })
	t := &sectorAwards{awards: len(pubs), contracts: make([]sectorContract, n), deps: []string{""}, regions: []string{""}}
	buyerIDs := map[string]int32{}
	depIDs, regionIDs := map[string]uint16{}, map[string]uint8{}
	latest := make([]data.Publication, n)
	seen := make([]bool, n)
	for i, p := range pubs {
		c := &t.contracts[group[i]]
		if !seen[group[i]] {
			seen[group[i]] = true
			*c = sectorContract{day: p.pub.Day, amount: p.pub.Amount, buyer: -1}
			latest[group[i]] = p.pub
			if code, err := strconv.ParseUint(p.cpv, 10, 32); err == nil && len(p.cpv) == 8 {
				c.cpv = uint32(code)
			}
			place := data.ResolvePlace(p.place)
			if place.Departement != "" {
				c.dep = intern(depIDs, &t.deps, place.Departement)
				if d, ok := data.LookupDepartement(place.Departement); ok && d.Region != "" {
					c.region = intern(regionIDs, &t.regions, d.Region)
				}
			} else if r, ok := data.RegionOfNUTS(place.NUTS); ok {
				c.region = intern(regionIDs, &t.regions, r)
			}
		} else {
			if p.pub.Day != sectorNoDay && (c.day == sectorNoDay || p.pub.Day < c.day) {
				c.day = p.pub.Day
			}
			if p.pub.Later(latest[group[i]]) { // a modification gives the current amount
				latest[group[i]] = p.pub
				c.amount = p.pub.Amount
			}
		}
		if c.buyer < 0 {
			if name := strings.TrimSpace(p.buyer.Name); name != "" || data.CleanDigits(p.buyer.SIRET) != "" {
				key := buyerKey(p.buyer)
				b, ok := buyerIDs[key]
				if !ok {
					b = int32(len(t.buyers))
					buyerIDs[key] = b
					t.buyers = append(t.buyers, sectorBuyer{name: name, siret: data.CleanDigits(p.buyer.SIRET)})
				} else if betterBuyerName(name, t.buyers[b].name) {
					t.buyers[b].name = name
				}
				c.buyer = b
			}
		}
	}
	t.took = time.Since(start)
	return t, nil
}

// betterBuyerName reports whether name should replace the name a buyer
// of the table has so far: when it had none, or when its letters were
// lost to a wrong encoding (« Mairie de Niort (Service march\ufffds
// publics) » in some DECP files) and name keeps them.
func betterBuyerName(name, had string) bool {
	if name == "" {
		return false
	}
	return had == "" || strings.ContainsRune(had, utf8.RuneError) && !strings.ContainsRune(name, utf8.RuneError)
}

// buyerKey identifies a buyer: its SIRET, else its folded name.
func buyerKey(b data.Buyer) string {
	if s := data.CleanDigits(b.SIRET); len(s) == 14 {
		return s
	}
	return "nom:" + data.Fold(strings.Join(strings.Fields(b.Name), " "))
}

// intern returns the index of v in *list, adding it.
func intern[T uint8 | uint16](ids map[string]T, list *[]string, v string) T {
	if id, ok := ids[v]; ok {
		return id
	}
	id := T(len(*list))
	if int(id) != len(*list) { // full: unknown rather than wrong
		return 0
	}
	ids[v] = id
	*list = append(*list, v)
	return id
}

// buyersCache keeps the table and rebuilds it after award writes.
type buyersCache struct {
	mu       sync.Mutex
	follow   sync.Once
	table    *sectorAwards
	version  uint64        // bumped by each award write
	built    uint64        // the version table was built from
	building chan struct{} // closed when the running build ends; nil when none runs
}

// sectorAwardsTable returns the table, starting a build when there is
// none or when awards changed since, and waiting for it at most
// buyersBuildWait (about 0.2 s at 17 000 awards): past that, the request
// gets the previous table, or nil when there is none yet.
func (s *Server) sectorAwardsTable(ctx context.Context) *sectorAwards {
	bc := &s.buyers
	bc.follow.Do(func() {
		s.store.OnAwardChange(func([]string) {
			bc.mu.Lock()
			bc.version++
			bc.mu.Unlock()
		})
	})
	bc.mu.Lock()
	table, done := bc.table, bc.building
	if (table == nil || bc.built != bc.version) && done == nil {
		done = make(chan struct{})
		bc.building = done
		version := bc.version
		if !s.background.Go(func(ctx context.Context) {
			t, err := buildSectorAwards(ctx, s.store)
			bc.mu.Lock()
			if err == nil {
				bc.table, bc.built = t, version
			} else {
				s.cfg.Logger.Error("buyers' table", "err", err)
			}
			bc.building = nil
			bc.mu.Unlock()
			close(done)
		}) {
			bc.building = nil
			bc.mu.Unlock()
			return table
		}
	}
	bc.mu.Unlock()
	if done == nil {
		return table
	}
	wait := time.NewTimer(buyersBuildWait)
	defer wait.Stop()
	select {
	case <-done:
	case <-wait.C:
	case <-ctx.Done():
	}
	bc.mu.Lock()
	defer bc.mu.Unlock()
	return bc.table
}

// sectorQuery is what a company's buyers are chosen by.
type sectorQuery struct {
	prefixes []sectorCPV
	deps     map[string]bool // département codes; nil: any
	regions  map[string]bool // région codes; nil: any
	// What and Where say it in French.
	What, Where string
}

// sectorCPV matches codes whose first digits are val: code/div == val.
type sectorCPV struct {
	val, div uint32
	text     string
}

func newSectorCPV(p string) (sectorCPV, bool) {
	v, err := strconv.ParseUint(p, 10, 32)
	if err != nil || len(p) == 0 || len(p) > 8 {
		return sectorCPV{}, false
	}
	div := uint32(1)
	for range 8 - len(p) {
		div *= 10
	}
	return sectorCPV{val: uint32(v), div: div, text: p}, true
}

// companySectorQuery reads a company's activity — its declared CPV
// codes, else the codes of the contracts it won (won, most frequent
// first), else what its NAF code supplies (data.NAFCPVPrefixes) — and its place; ok
// is false when it has none of them.
func companySectorQuery(sup data.Supplier, won []string) (q sectorQuery, ok bool) {
	seen := map[string]bool{}
	add := func(p string) {
		if c, ok := newSectorCPV(p); ok && !seen[p] {
			seen[p] = true
			q.prefixes = append(q.prefixes, c)
		}
	}
	var declared []string
	codes, whose := sup.CPVDeclared, map[bool]string{true: "votre code déclaré", false: "vos codes déclarés"}
	if len(codes) == 0 {
		codes, whose = won[:min(len(won), 8)], map[bool]string{true: "votre marché public remporté", false: "vos marchés publics remportés"}
	}
	for _, c := range codes {
		if code, err := data.NormalizeCPV(c); err == nil {
			declared = append(declared, code)
			// The class of the code (its first four digits), or the code's
			// own prefix when it names a division or a group.
			p := strings.TrimRight(code, "0")
			if len(p) < 2 {
				p = code[:2]
			}
			add(p[:min(len(p), 4)])
		}
	}
	switch {
	case len(q.prefixes) > 0:
		var texts []string
		for _, p := range q.prefixes {
			texts = append(texts, p.text+"…")
		}
		q.What = "les marchés des codes CPV " + joinFR(firstItems(texts)) + " (la classe de " + whose[len(declared) == 1] + ")"
	case sup.NAF != "":
		// What the activity supplies: the groups of cpv_naf_groups.csv
		// that name it where the table refines a division (a cutler
		// supplies cutlery, not all of division 44), the divisions
		// elsewhere; its secondary fits only when it has no primary one.
		primary, secondary := data.NAFCPVPrefixes(sup.NAF)
		if len(primary) == 0 {
			primary = secondary
		}
		for _, p := range primary {
			add(p)
		}
		if len(q.prefixes) == 0 {
			return q, false
		}
		var texts []string
		for _, p := range q.prefixes {
			label := ""
			if c, ok := data.LookupCPV(p.text + "00000000"[:8-len(p.text)]); ok {
				label = " (" + strings.ToLower(c.LabelFR) + ")"
			}
			texts = append(texts, p.text+"…"+label)
		}
		q.What = "les marchés des codes CPV " + joinFR(firstItems(texts)) + ", que votre activité (NAF " + sup.NAF + ") fournit d'ordinaire"
	default:
		return q, false
	}
	switch a := sup.ServiceArea; a.Kind {
	case data.ServiceAreaDepartements:
		q.deps = map[string]bool{}
		var names []string
		for _, c := range a.Codes {
			q.deps[c] = true
			names = append(names, placeOf("", c))
		}
		q.Where = "dans votre zone d'intervention : " + joinFR(firstItems(names))
	case data.ServiceAreaRegions:
		q.regions = map[string]bool{}
		var names []string
		for _, c := range a.Codes {
			q.regions[c] = true
			if r, ok := data.LookupRegion(c); ok {
				names = append(names, r.Name)
			}
		}
		q.Where = "dans votre zone d'intervention : " + joinFR(firstItems(names))
	default:
		region := sup.Address.Region
		if region == "" {
			if d, ok := data.LookupDepartement(sup.Address.Departement); ok {
				region = d.Region
			}
		}
		if r, ok := data.LookupRegion(region); ok {
			q.regions = map[string]bool{region: true}
			q.Where = "en " + r.Name + ", la région de votre site"
		} else {
			q.Where = "dans toute la France"
		}
	}
	return q, true
}

// joinFR joins « a, b et c ».
func joinFR(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " et " + items[len(items)-1]
}

// sectorBuyerRow is one buyer of the section.
type sectorBuyerRow struct {
	Name       string
	SIRET      string
	Contracts  int
	Amount     string // "" when no amount is known
	Last       string
	LastISO    string
	TendersURL string // its tenders on Fabrique; "" when none is known
	amount     float64
	lastDay    int32
}

// companyBuyersView is the section.
type companyBuyersView struct {
	Ready       bool // false: the table is being built
	What, Where string
	Rows        []sectorBuyerRow
	Linked      bool   // some row links to the buyer's tenders
	Buyers      int    // buyers found
	Contracts   int    // contracts found
	From, To    string // years of the contracts found
	More        bool
	AllURL      string
}

// buyers filters the table for the query: one row per buyer, most
// contracts first, then largest amount.
func (t *sectorAwards) buyersOf(q sectorQuery) (rows []sectorBuyerRow, contracts int, first, last int32) {
	byBuyer := map[int32]*sectorBuyerRow{}
	depOK := make([]bool, len(t.deps))
	for i, d := range t.deps {
		depOK[i] = q.deps == nil || q.deps[d]
	}
	regionOK := make([]bool, len(t.regions))
	for i, r := range t.regions {
		regionOK[i] = q.regions == nil || q.regions[r]
	}
	first, last = sectorNoDay, sectorNoDay
	for i := range t.contracts {
		c := &t.contracts[i]
		if c.buyer < 0 || c.cpv == 0 {
			continue
		}
		match := false
		for _, p := range q.prefixes {
			if c.cpv/p.div == p.val {
				match = true
				break
			}
		}
		if !match {
			continue
		}
		switch {
		case q.deps != nil:
			if c.dep == 0 || !depOK[c.dep] {
				continue
			}
		case q.regions != nil:
			if c.region == 0 || !regionOK[c.region] {
				continue
			}
		}
		contracts++
		r := byBuyer[c.buyer]
		if r == nil {
			b := t.buyers[c.buyer]
			r = &sectorBuyerRow{Name: b.name, SIRET: b.siret, lastDay: sectorNoDay}
			byBuyer[c.buyer] = r
		}
		r.Contracts++
		r.amount += c.amount
		if c.day != sectorNoDay {
			r.lastDay = max(r.lastDay, c.day)
			if first == sectorNoDay || c.day < first {
				first = c.day
			}
			last = max(last, c.day)
		}
	}
	rows = make([]sectorBuyerRow, 0, len(byBuyer))
	for _, r := range byBuyer {
		rows = append(rows, *r)
	}
	slices.SortFunc(rows, func(a, b sectorBuyerRow) int {
		if c := cmp.Compare(b.Contracts, a.Contracts); c != 0 {
			return c
		}
		if c := cmp.Compare(b.amount, a.amount); c != 0 {
			return c
		}
		if c := cmp.Compare(b.lastDay, a.lastDay); c != 0 {
			return c
		}
		return cmp.Compare(a.Name+a.SIRET, b.Name+b.SIRET)
	})
	return rows, contracts, first, last
}

func dayTime(d int32) time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// companyBuyersData is the section for a company, nil when its listing
// says nothing of its activity.
func (s *Server) companyBuyersData(ctx context.Context, sup data.Supplier, won []string, limit int, allURL string) (*companyBuyersView, error) {
	q, ok := companySectorQuery(sup, won)
	if !ok {
		return nil, nil
	}
	v := &companyBuyersView{What: q.What, Where: q.Where, AllURL: allURL}
	t := s.sectorAwardsTable(ctx)
	if t == nil {
		return v, nil
	}
	v.Ready = true
	rows, contracts, first, last := t.buyersOf(q)
	v.Buyers, v.Contracts = len(rows), contracts
	if first != sectorNoDay {
		v.From, v.To = strconv.Itoa(dayTime(first).Year()), strconv.Itoa(dayTime(last).Year())
	}
	if len(rows) > limit {
		rows, v.More = rows[:limit], true
	}
	if err := s.linkBuyersTenders(ctx, rows); err != nil {
		return nil, err
	}
	for i := range rows {
		r := &rows[i]
		if r.Name == "" {
			r.Name = "acheteur SIRET " + r.SIRET
		}
		if r.amount > 0 {
			r.Amount = formatEuros(r.amount)
		}
		if r.lastDay != sectorNoDay {
			d := dayTime(r.lastDay)
			r.Last, r.LastISO = frenchDate(d), isoDate(d)
		}
	}
	v.Rows = rows
	v.Linked = slices.ContainsFunc(rows, func(r sectorBuyerRow) bool { return r.TendersURL != "" })
	return v, nil
}

// linkBuyersTenders links each buyer that published tenders on Fabrique
// to them: the tender list filtered on the names it publishes under
// (index.TenderIndex.BuyerNames: its SIRET, else its name but for case,
// accents and punctuation — DECP writes « COMMUNE DE BRON » where BOAMP
// writes « Commune de Bron »). Run before a buyer without a name is named
// after its SIRET.
func (s *Server) linkBuyersTenders(ctx context.Context, rows []sectorBuyerRow) error {
	if s.tenderIndex == nil {
		return nil
	}
	for i := range rows {
		names, err := s.tenderIndex.BuyerNames(ctx, data.Buyer{Name: rows[i].Name, SIRET: rows[i].SIRET})
		if err != nil {
			return fmt.Errorf("web: tenders of buyer %s: %w", rows[i].Name, err)
		}
		if len(names) == 0 {
			continue
		}
		u := tenderPath + "?state=all"
		for _, n := range names {
			u += "&buyer=" + url.QueryEscape(n)
		}
		rows[i].TendersURL = u
	}
	return nil
}

// firstItems keeps the first six items of a list said in a sentence,
// then « … ».
func firstItems(l []string) []string {
	if len(l) <= 6 {
		return l
	}
	return append(l[:6:6], "…")
}
