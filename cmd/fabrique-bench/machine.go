package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// machine describes where the figures were measured.
type machine struct {
	cpu      string
	cores    int
	memGiB   float64
	kernel   string
	goVer    string
	at       time.Time
	loadFrom string // load average when the run started
	loadTo   string // and when it ended
}

func describeMachine() machine {
	m := machine{cpu: "unknown CPU", cores: runtime.NumCPU(), goVer: runtime.Version(), at: time.Now().UTC(), loadFrom: loadAverage()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if kb := procField("/proc/meminfo", "MemTotal"); kb > 0 {
		m.memGiB = float64(kb) / (1 << 20)
	}
	var u unix.Utsname
	if unix.Uname(&u) == nil {
		m.kernel = unix.ByteSliceToString(u.Sysname[:]) + " " + unix.ByteSliceToString(u.Release[:])
	}
	return m
}

// loadAverage is the 1, 5 and 15-minute load average.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// procField reads a "Name:   123 kB" line of a /proc file, in kB.
func procField(path, name string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && k == name {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// rssMiB is the resident memory of this process now, and its peak since
// start or since resetPeakRSS.
func rssMiB() (now, peak float64) {
	return float64(procField("/proc/self/status", "VmRSS")) / 1024, float64(procField("/proc/self/status", "VmHWM")) / 1024
}

// resetPeakRSS resets VmHWM (Linux ≥ 4.0), so that the peak measured next
// is that of the serving phase, not of the corpus generation before it.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// processCPU is the CPU time this process has used so far (user + system).
func processCPU() time.Duration {
	var ru unix.Rusage
	_ = unix.Getrusage(unix.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (m machine) String() string {
	return fmt.Sprintf("%s, %d cores, %.0f GiB RAM, %s, %s", m.cpu, m.cores, m.memGiB, m.kernel, m.goVer)
}

// callCPU runs fn and returns the CPU time the whole process spent
// meanwhile: the work fn spreads over goroutines, and whatever else runs
// in the process (garbage collection).
func callCPU(fn func()) time.Duration {
	start := processCPU()
	fn()
	return processCPU() - start
}

// threadCPU runs fn on a locked OS thread and returns the CPU time that
// thread spent: unlike wall time it does not grow when other processes
// compete for the cores. It counts the work of engines that answer on the
// calling goroutine (bleve, SQLite in process), not a server's.
func threadCPU(fn func()) time.Duration {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var a, b unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &a)
	fn()
	_ = unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &b)
	return time.Duration(b.Nano() - a.Nano())
}
