package index

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// rebuildGCPercent is the garbage collector's target (GOGC) while a
// rebuild runs. A rebuild allocates at a high rate (analysis, term maps,
// segment buffers), nearly all of it short-lived; at the default of 100 the
// collector ran about a hundred cycles for 100 000 suppliers, and marking,
// its write barriers and its assists took 10–15 % of the rebuild's CPU. At
// 400 it runs a quarter as often.
const rebuildGCPercent = 400

// rebuildHeadroom bounds what the raised target may add to the memory the
// process would use at its ordinary setting (rebuildGC.acquire).
const rebuildHeadroom = 512 << 20

// rebuildGC raises the collector's target for the duration of rebuilds
// and puts the operator's settings back after the last one. The settings
// are the process's (runtime/debug), hence one value for the package, and
// a count, since the suppliers' and the tenders' indexes may rebuild at
// the same time.
var rebuildGC gcBoost

type gcBoost struct {
	mu      sync.Mutex
	n       int   // rebuilds running
	percent int   // the settings to put back; percent < 0: left alone
	limit   int64 // (GOGC=off, or a higher GOGC than rebuildGCPercent)
}

// acquire raises the target and returns the function that puts it back.
//
// Why it is safe: the memory the process may use is bounded at the same
// time by a soft memory limit (debug.SetMemoryLimit) of what it uses now,
// plus the live heap (what the default target lets it add), plus
// rebuildHeadroom; past that the collector runs as often as needed, as
// without the change. A limit the operator set (GOMEMLIMIT) is kept when
// it is lower. Allocations never fail because of the limit: it only makes
// the collector work sooner. A process that turned the collector off or
// set a higher GOGC keeps its settings. Everything is put back when the
// last rebuild ends, and the heap freed meanwhile is returned to the
// system in the background, so that the resident memory of a server after
// a rebuild stays what it was.
func (b *gcBoost) acquire() (release func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	if b.n == 1 {
		b.percent = debug.SetGCPercent(rebuildGCPercent)
		if b.percent < 0 || b.percent >= rebuildGCPercent {
			debug.SetGCPercent(b.percent)
			b.percent = -1
		} else {
			b.limit = debug.SetMemoryLimit(-1)
			debug.SetMemoryLimit(min(b.limit, boostedLimit()))
		}
	}
	var once sync.Once
	return func() { once.Do(b.release) }
}

func (b *gcBoost) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n--
	if b.n > 0 || b.percent < 0 {
		return
	}
	debug.SetGCPercent(b.percent)
	debug.SetMemoryLimit(b.limit)
	b.percent = -1
	go debug.FreeOSMemory()
}

// boostedLimit is the memory limit while rebuilds run: the memory the
// runtime holds now, plus the live heap, plus rebuildHeadroom.
func boostedLimit() int64 {
	s := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
		{Name: "/gc/heap/live:bytes"},
	}
	metrics.Read(s)
	var v [3]uint64
	for i := range s {
		if s[i].Value.Kind() == metrics.KindUint64 {
			v[i] = s[i].Value.Uint64()
		}
	}
	limit := v[0] - min(v[1], v[0]) + v[2] + rebuildHeadroom
	if limit > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(limit)
}
