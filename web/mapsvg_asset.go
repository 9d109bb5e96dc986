package web

import (
	"bytes"
	"html/template"
)

// The outlines of the départements weigh about 40 KB: drawn inline, every
// results page and supplier page carried them again. They are served once
// as a static asset (france-departements.HASH.svg, cached for a year) and
// each map references them with <use href="…#d69">, colouring each <use>
// by its class: the page carries only the figures.

// mapAssetName is the logical name of the outlines' asset.
const mapAssetName = "france-departements.svg"

// outlinesSVG is the asset: one <path id="dCODE"> per drawn département,
// without presentation attributes so that each <use> gives its fill and
// stroke by inheritance.
func (m *franceMap) outlinesSVG() []byte {
	var b bytes.Buffer
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="` + m.viewBox() + `">`)
	for _, s := range m.shapes {
		b.WriteString(`<path id="d` + template.HTMLEscapeString(s.Code) + `" d="` + s.D + `"/>`)
	}
	b.WriteString(`</svg>`)
	return b.Bytes()
}

// useOutlines makes the map's shapes reference the outlines' asset at url
// instead of carrying their path data.
func (v *mapView) useOutlines(url string) {
	if url == "" {
		return
	}
	for i := range v.Shapes {
		v.Shapes[i].Href = url + "#d" + v.Shapes[i].Code
		v.Shapes[i].D = ""
	}
}
