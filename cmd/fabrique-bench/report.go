package main

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// markdown is the run's section of docs/performance.md: the machine, the
// command, the build stages, one table of the queries on every engine
// with ratios to bleve, the matcher, HTTP throughput and memory.
func (r *report) markdown() string {
	var b strings.Builder
	c := r.cfg
	fmt.Fprintf(&b, "### %s suppliers (%s)\n\n", groupDigits(c.size), r.machine.at.Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "Machine: %s. Load average (1, 5, 15 min) %s at the start, %s at the end",
		r.machine, r.machine.loadFrom, r.machine.loadTo)
	b.WriteString(" — the machine is shared: wall times are pessimistic, CPU times are this process's own.\n\n")
	budget := ""
	if c.budget > 0 {
		budget = " --budget " + c.budget.String()
	}
	fmt.Fprintf(&b, "Reproduce: `go run ./cmd/fabrique-bench --size %s --engines %s --queries %d --http %s --clients %d --seed %d%s`\n\n",
		c.sizeName, strings.Join(c.engines, ","), c.queries, c.httpFor, c.clients, c.seed, budget)
	for _, e := range c.engines {
		if why, ok := r.skipped[e]; ok {
			fmt.Fprintf(&b, "- %s: **skipped** — %s\n", e, why)
		} else if v := r.versions[e]; v != "" {
			fmt.Fprintf(&b, "- %s: %s\n", e, v)
		}
	}
	b.WriteString("\n| step | wall | CPU | note |\n|---|---:|---:|---|\n")
	for _, s := range r.stages {
		cpu := "—"
		if s.cpu > 0 {
			cpu = round(s.cpu).String()
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", s.name, round(s.wall), cpu, s.note)
	}
	fmt.Fprintf(&b, "\nOn disk: store %.0f MiB, bleve index %.0f MiB.\n\n", r.storeMiB, r.indexMiB)

	fmt.Fprintf(&b, "%d queries per kind, the same on every engine, each once after %d warm-up queries; "+
		"wall latency in ms, median / p95, and the querying thread's CPU (in-process engines only: "+
		"PostgreSQL works in its server); found = queries with at least one hit; "+
		"ratio = the engine's wall p95 / bleve's, then its median / bleve's.", c.queries, warmups)
	if c.budget > 0 {
		fmt.Fprintf(&b, " The baselines had a budget of %s per query kind, warm-up included: past it (and after at least %d queries) "+
			"the rest of that kind was not run, and its cell says how many were — the first ones of the same list, so its "+
			"percentiles are over fewer queries than bleve's.", c.budget, minMeasured)
	}
	b.WriteString("\n\n")
	b.WriteString("| query |")
	for _, e := range r.engines {
		fmt.Fprintf(&b, " %s wall | %s CPU | found |", e, e)
	}
	for _, e := range r.engines[1:] {
		fmt.Fprintf(&b, " %s / bleve |", e)
	}
	b.WriteString("\n|---|")
	b.WriteString(strings.Repeat("---:|---:|---:|", len(r.engines)))
	b.WriteString(strings.Repeat("---:|", len(r.engines)-1))
	b.WriteString("\n")
	for _, row := range r.rows {
		fmt.Fprintf(&b, "| %s |", row.kind)
		for _, e := range r.engines {
			fmt.Fprintf(&b, " %s |", row.results[e].cells(e != "postgres"))
		}
		base := row.results["bleve"]
		for _, e := range r.engines[1:] {
			l := row.results[e]
			fmt.Fprintf(&b, " %s, %s |", ratio(l.p95, base.p95), ratio(l.p50, base.p50))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "| match a need (bleve + store, in process; CPU of the whole process) | %s |", r.match.cells(true))
	b.WriteString(strings.Repeat(" — | — | — |", len(r.engines)-1))
	b.WriteString(strings.Repeat(" — |", len(r.engines)-1))
	fmt.Fprintf(&b, "\n\nMatcher CPU per need, all its goroutines (process CPU / needs): %.1f ms.\n", ms(r.matchCPU))

	if len(r.http) > 0 {
		b.WriteString("\nHTTP on loopback (the real server, rate limit off; the clients run in the same process and share its cores):\n\n")
		b.WriteString("| API | when | clients | requests/s | p50 ms | p95 ms | p99 ms | answers |\n|---|---|---:|---:|---:|---:|---:|---|\n")
		for _, h := range r.http {
			fmt.Fprintf(&b, "| %s | %s | %d | %.0f | %.1f | %.1f | %.1f | %s |\n", h.name, h.phase, h.clients, h.perSecond(),
				ms(h.p50), ms(h.p95), ms(h.p99), h.statusSummary())
		}
		b.WriteString("\nResident memory at the end of each serving phase (store, index and web server; the corpus freed). " +
			"Anonymous pages (the Go heap, stacks) cannot be dropped without swap; file-backed pages are clean pages of the " +
			"memory-mapped store and index, counted in RSS but dropped by the kernel under memory pressure and read again on use. " +
			"Go runtime: what the Go runtime holds from the OS (heap with its garbage and idle spans not yet returned, stacks); " +
			"anonymous memory beyond it was allocated outside Go's heap (SQLite's allocator, when it ran in this process).\n\n")
		b.WriteString("| when | RSS MiB | peak MiB | anonymous MiB | file-backed MiB | store map MiB | index maps MiB | Go heap in use MiB | Go runtime MiB |\n" +
			"|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, m := range r.served {
			if m.setErr != nil {
				fmt.Fprintf(&b, "| %s | %.0f | %.0f | — | — | — | — | %.0f | %.0f |\n", m.phase, m.rss, m.peak, m.heapMiB, m.goMiB)
				continue
			}
			fmt.Fprintf(&b, "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n", m.phase, m.rss, m.peak,
				m.set.anonymous, m.set.fileBacked(), m.set.store, m.set.index, m.heapMiB, m.goMiB)
		}
	}
	fmt.Fprintf(&b, "\nStart-up after a clean stop (open the store and the index, check them against each other, first search): %s.\n",
		round(r.startup))
	return b.String()
}

// cells are an engine's three cells of a row: wall, CPU and found.
func (l engineLatency) cells(withCPU bool) string {
	cpu := "—"
	if withCPU {
		cpu = fmt.Sprintf("%.2f / %.2f", ms(l.cpu50), ms(l.cpu95))
	}
	found := fmt.Sprintf("%d / %d", l.found, l.n)
	if l.n < l.of {
		found += fmt.Sprintf(" (budget: %d of %d run)", l.n, l.of)
	}
	return fmt.Sprintf("%.2f / %.2f | %s | %s", ms(l.p50), ms(l.p95), cpu, found)
}

func ratio(x, base time.Duration) string {
	if base <= 0 || x <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f×", float64(x)/float64(base))
}

func round(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(100 * time.Millisecond)
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	default:
		return d.Round(time.Millisecond)
	}
}

// groupDigits writes 1000000 as "1 000 000".
func groupDigits(n int) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ' ')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// updateSection writes section between the markers of this size in the
// file at path, replacing what they held, or appends it with its markers;
// the rest of the file is kept as it is.
func updateSection(path, size, section string) error {
	begin, end := "<!-- fabrique-bench:"+size+" -->", "<!-- /fabrique-bench:"+size+" -->"
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	text := string(old)
	block := begin + "\n" + section + end + "\n"
	i, j := strings.Index(text, begin), strings.Index(text, end)
	switch {
	case i >= 0 && j > i:
		text = text[:i] + block + strings.TrimPrefix(text[j+len(end):], "\n")
	case i >= 0 || j >= 0:
		return fmt.Errorf("%s: one marker of %s without the other; fix the file by hand", path, size)
	default:
		if text != "" && !strings.HasSuffix(text, "\n\n") {
			text = strings.TrimRight(text, "\n") + "\n\n"
		}
		text += block
	}
	return os.WriteFile(path, []byte(text), 0o644)
}
