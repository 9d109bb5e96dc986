package mirror

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"fabrique/data"
)

const (
	epvDataset  = "/api/explore/v2.1/catalog/datasets/entreprises-du-patrimoine-vivant-epv"
	odsMaxDepth = 10000 // Opendatasoft refuses offset+limit beyond this
)

// epvFields maps the export's column labels to the API's field names.
var epvFields = map[string]string{
	"Raison sociale": "raison_sociale", "SIRET": "siret", "Code NAF": "code_naf", "Libellé NAF": "libelle_naf",
	"Région": "region", "Date de labellisation": "date_de_labellisation",
	"Date de fin de labellisation": "date_de_fin_de_labellisation", "Univers": "univers",
	"geolocetablissement": "geolocetablissement",
}

// loadEPV reshapes the real export into API records. The SIRET is a
// number, as the export's lost leading zeros show it is typed upstream.
func (m *Mirror) loadEPV() {
	m.csv = data.EmbeddedEPVCSV()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(m.csv, []byte("\ufeff"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) == 0 {
		panic("mirror: embedded EPV export unreadable") // a build defect
	}
	header := rows[0]
	for _, row := range rows[1:] {
		rec := map[string]any{}
		for i, h := range header {
			name, ok := epvFields[h]
			if !ok || i >= len(row) {
				continue
			}
			v := strings.TrimSpace(row[i])
			switch name {
			case "siret":
				if _, err := strconv.ParseUint(v, 10, 64); err == nil {
					rec[name] = json.Number(v)
					continue
				}
			case "geolocetablissement":
				lat, lon, ok := strings.Cut(v, ",")
				la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
				lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
				if ok && err1 == nil && err2 == nil {
					rec[name] = map[string]float64{"lon": lo, "lat": la}
				} else {
					rec[name] = nil
				}
				continue
			}
			if v == "" {
				rec[name] = nil
				continue
			}
			rec[name] = v
		}
		m.epv = append(m.epv, rec)
	}
}

func (m *Mirror) epvRoutes() {
	m.mux.HandleFunc("GET "+epvDataset+"/records", func(w http.ResponseWriter, r *http.Request) {
		m.records(w, r, m.epv)
	})
	m.mux.HandleFunc("GET "+epvDataset+"/exports/csv", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Disposition", `attachment; filename="entreprises-du-patrimoine-vivant-epv.csv"`)
		m.serve(w, r, "text/csv; charset=utf-8", m.csv)
	})
}

// records answers an Opendatasoft Explore v2.1 records query: limit
// (default 10, at most EPVMaxLimit) and offset.
func (m *Mirror) records(w http.ResponseWriter, r *http.Request, all []map[string]any) {
	q := r.URL.Query()
	limit, offset := 10, 0
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > m.cfg.EPVMaxLimit {
			odsError(w, "Invalid value for limit parameter, value must be between 0 and "+strconv.Itoa(m.cfg.EPVMaxLimit))
			return
		}
		limit = n
	}
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			odsError(w, "Invalid value for offset parameter, value must be a positive integer")
			return
		}
		offset = n
	}
	if offset+limit > odsMaxDepth {
		odsError(w, "Invalid value for offset + limit, must be lower than 10000")
		return
	}
	results := []map[string]any{}
	if offset < len(all) {
		results = all[offset:min(offset+limit, len(all))]
	}
	m.serveJSON(w, r, map[string]any{"total_count": len(all), "results": results})
}
