package web

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"fabrique/data"
)

// TestBrowserObservatory renders /observatoire in Chromium on the real EPV
// companies, with tenders, awards and three days of history: the map, the
// overseas tiles, the heat map and the charts must be drawn, each with its
// values in text (titles and tables), without any script; then the
// Alliance's view with the admin token. Screenshots go to
// $FABRIQUE_ARTIFACTS/browser.
func TestBrowserObservatory(t *testing.T) {
	requireChromium(t)
	s := newObservatoryServer(t)
	putObservatoryAwards(t, s)
	ctx := context.Background()
	for i, day := range []string{"2026-12-04", "2026-12-05", "2026-12-06"} {
		snap := data.StatsSnapshot{Day: day, Suppliers: 1291, Holding: 1010 + i, OpenTenders: 2 + i, TendersNone: 1,
			Awards: 4, AwardsLabelled: 1 + i%2, Labels: map[data.LabelType]data.LabelStateCounts{data.LabelEPV: {Valid: 900 + i}}}
		if err := s.store.PutStatsSnapshot(ctx, snap); err != nil {
			t.Fatal(err)
		}
	}
	base := s.serveLoopback(t)
	b, consoleProblems := openBrowser(t, base)

	b.do("open the observatory", chromedp.Navigate(base+"/observatoire"), chromedp.WaitVisible(chromedp.CSS("svg.obs-metro")))
	b.screenshot("observatoire")
	if n := eval[int](b, "scripts", `document.scripts.length`); n != 0 {
		t.Errorf("the observatory loads %d scripts, want none", n)
	}

	// The map: 96 metropolitan départements drawn with a size, each with
	// its figures in its <title>, the same as in the table beside it.
	type shape struct{ Title, Row string }
	shapes := eval[[]shape](b, "map shapes", `[...document.querySelectorAll('svg.obs-metro path')].map(p => ({
		Title: p.querySelector('title').textContent,
		Row: (document.querySelector('#obs-deps tr[data-dep="' + p.dataset.dep + '"] td:last-child') || {}).textContent || ''}))`)
	if len(shapes) != 96 {
		t.Fatalf("the map draws %d départements, want 96", len(shapes))
	}
	for _, sh := range shapes {
		if !strings.Contains(sh.Title, " pour 100 000 habitants") || sh.Row == "" || !strings.Contains(sh.Title, ", "+sh.Row+" pour") {
			t.Errorf("shape title %q does not carry the table's value %q", sh.Title, sh.Row)
		}
	}
	if w := eval[float64](b, "map width", `document.querySelector('svg.obs-metro').getBoundingClientRect().width`); w < 300 {
		t.Errorf("the map is %v px wide, want it drawn", w)
	}
	tiles := eval[[]string](b, "overseas tiles", `[...document.querySelectorAll('svg.obs-overseas g')].map(g => g.dataset.dep + ' ' + g.querySelector('title').textContent)`)
	if len(tiles) != 5 || !strings.HasPrefix(tiles[0], "971 Guadeloupe (971) : ") {
		t.Errorf("overseas tiles = %q, want the 5 DROM with their figures", tiles)
	}
	legend := eval[int](b, "legend", `document.querySelectorAll('.obs-map .legend li').length`)
	if legend < 2 {
		t.Errorf("the legend has %d entries", legend)
	}

	// The heat map: the insurance tender in Guyane has no capable
	// supplier; its cell says so in text.
	cell := eval[string](b, "heat map cell", `[...document.querySelectorAll('#obs-heat tbody tr')].filter(r => r.querySelector('th').textContent.startsWith('66'))
		.map(r => [...r.querySelectorAll('td')].filter(td => td.textContent.trim() !== '').map(td => td.textContent.trim() + ' | ' + td.title + ' | ' + td.className).join(';')).join('')`)
	if !strings.HasPrefix(cell, "1 / 1 | ") || !strings.Contains(cell, "Guyane") || !strings.Contains(cell, "g4") {
		t.Errorf("heat map cell of CPV 66 = %q, want « 1 / 1 » in Guyane, darkest shade", cell)
	}

	// The charts: one point per day, each with its value in its title, and
	// the same values in the table.
	points := eval[[]string](b, "chart points", `[...document.querySelectorAll('#hist-labelled circle title')].map(t => t.textContent)`)
	want := []string{"4 décembre 2026 : 1\u202f010", "5 décembre 2026 : 1\u202f011", "6 décembre 2026 : 1\u202f012"}
	if strings.Join(points, "|") != strings.Join(want, "|") {
		t.Errorf("chart points = %q, want %q", points, want)
	}
	rows := eval[string](b, "chart table", `document.querySelector('#hist-labelled table').textContent`)
	if !strings.Contains(rows, "1\u202f012") {
		t.Errorf("the chart's table lacks its last value: %q", rows)
	}
	if n := eval[int](b, "charts drawn", `[...document.querySelectorAll('.obs-chart svg polyline')].filter(p => p.getBBox().width > 100).length`); n != 3 {
		t.Errorf("%d charts drawn with a line, want 3", n)
	}
	b.do("show the figures", chromedp.Click(chromedp.CSS("#hist-labelled summary")))
	b.screenshot("observatoire-historique")
	if strings.Contains(eval[string](b, "page text", `document.body.innerText`), "Santé des sources") {
		t.Error("the public page shows the Alliance's block")
	}

	// The Alliance's view.
	b.do("send the admin token", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders,
			network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": "Bearer 3f9c2a7e41b8d05c6e92f1a4b7d3c8e0"}})
		return err
	}))
	b.navigatingBy("reload as admin", chromedp.Navigate(base+"/observatoire?region=03"))
	if got := eval[string](b, "admin block", `(document.querySelector('.obs-admin h2') || {}).textContent || ''`); got != "Vue de l'Alliance (administrateurs)" {
		t.Errorf("admin block heading = %q", got)
	}
	if n := eval[int](b, "filtered map", `document.querySelectorAll('svg.obs-metro path').length`); n != 0 {
		t.Errorf("Guyane's filter draws %d metropolitan départements, want none", n)
	}
	b.screenshot("observatoire-alliance")
	if p := consoleProblems(); len(p) > 0 {
		t.Errorf("console problems: %q", p)
	}
}

// TestBrowserObservatoryFits opens the observatory, the Alliance's view
// included, at the width of a laptop (1 280 px) and of phones (390 and
// 320 px): the page never scrolls sideways, no table is cut or scrolls
// inside its box (the département table's caption and « Pour 100 000
// hab. » column were cut at 1 280 px; only the heat map and the sources
// table scroll, in their .obs-heat-wrap), and the « Période » field shows
// its whole placeholder in the page's type, as large as the selects beside
// it (it had the browser's small default font, and its placeholder filled
// it to the edge). Screenshots go to $FABRIQUE_ARTIFACTS/browser.
func TestBrowserObservatoryFits(t *testing.T) {
	requireChromium(t)
	s := newObservatoryServer(t)
	putObservatoryAwards(t, s)
	base := s.serveLoopback(t)
	for i, width := range []int64{1280, 390, 320} {
		w := strconv.FormatInt(width, 10)
		b, consoleProblems := openBrowser(t, base)
		b.n = 50 + 10*i
		b.do("resize to "+w, chromedp.EmulateViewport(width, 900))
		b.do("send the admin token", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders,
				network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": "Bearer 3f9c2a7e41b8d05c6e92f1a4b7d3c8e0"}})
			return err
		}))
		for _, target := range []string{"/observatoire", "/observatoire?period=zzz"} {
			b.do("open "+target+" at "+w, chromedp.Navigate(base+target), chromedp.WaitVisible(chromedp.CSS("main")))
			type sizes struct{ Scroll, Inner int }
			got := eval[sizes](b, "widths", `({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`)
			if got.Scroll > got.Inner {
				wide := eval[[]string](b, "too wide", `[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
					.slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`)
				t.Errorf("%s at %s px: scrollWidth %d > innerWidth %d; too wide: %q", target, w, got.Scroll, got.Inner, wide)
			}
			// Boxes that clip or scroll what they hold, outside the heat
			// map's and the sources' deliberate scrolling wrappers.
			// On a phone, tables of many columns scroll in their .obs-scroll box.
			scrolls := "'.obs-heat-wrap'"
			if width < 1000 {
				scrolls = "'.obs-heat-wrap, .obs-scroll'"
			}
			cut := eval[[]string](b, "cut boxes", `[...document.querySelectorAll('main *')].filter(e => !e.closest(`+scrolls+`))
				.filter(e => { const o = getComputedStyle(e).overflowX; return o !== 'visible' && e.scrollWidth > e.clientWidth + 1 })
				.map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth + ' > ' + e.clientWidth)`)
			if len(cut) > 0 {
				t.Errorf("%s at %s px: boxes cut or scrolling sideways: %q", target, w, cut)
			}
			// Text wider than its table cell or caption.
			spill := eval[[]string](b, "spilling cells", `[...document.querySelectorAll('main table')].filter(tb => !tb.closest(`+scrolls+`))
				.flatMap(tb => [...tb.querySelectorAll('caption, th, td')]).filter(c => c.scrollWidth > c.clientWidth + 1)
				.slice(0, 5).map(c => c.tagName + ' « ' + c.textContent.trim().slice(0, 40) + ' » ' + c.scrollWidth + ' > ' + c.clientWidth)`)
			if len(spill) > 0 {
				t.Errorf("%s at %s px: cells whose text spills: %q", target, w, spill)
			}
			type field struct{ Box, Text, Font, SelectFont, Height, SelectHeight float64 }
			period := eval[field](b, "period field", `(() => { const e = document.getElementById('f-period'), cs = getComputedStyle(e);
				const sel = document.getElementById('f-label'), ss = getComputedStyle(sel);
				const ctx = document.createElement('canvas').getContext('2d'); ctx.font = cs.font;
				return {Box: e.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight), Text: ctx.measureText(e.placeholder).width,
					Font: parseFloat(cs.fontSize), SelectFont: parseFloat(ss.fontSize),
					Height: e.getBoundingClientRect().height, SelectHeight: sel.getBoundingClientRect().height} })()`)
			if period.Box < period.Text*1.05 {
				t.Errorf("%s at %s px: the « Période » field is %.0f px wide for a placeholder of %.0f px", target, w, period.Box, period.Text)
			}
			if period.Font != period.SelectFont || period.Height < period.SelectHeight-2 {
				t.Errorf("%s at %s px: the « Période » field has a %.1f px font and is %.0f px high, the selects %.1f px and %.0f px",
					target, w, period.Font, period.Height, period.SelectFont, period.SelectHeight)
			}
			if target == "/observatoire" {
				b.screenshot("observatoire-" + w)
			}
		}
		for _, p := range consoleProblems() {
			if !strings.Contains(p, "status of 400") { // the page of the invalid filter is a 400
				t.Errorf("console problem at %s px: %q", w, p)
			}
		}
	}
}
