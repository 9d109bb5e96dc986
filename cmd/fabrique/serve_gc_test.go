package main

import (
	"strings"
	"testing"
)

func TestServeMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		total uint64
		want  int64
	}{
		{"unknown machine", 0, unknownMemoryLimit},
		{"this machine (24 GiB)", 24 << 30, 6 << 30},
		{"small machine keeps the floor", 1 << 30, minServeMemoryLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := serveMemoryLimit(tc.total); got != tc.want {
				t.Errorf("serveMemoryLimit(%d) = %d, want %d", tc.total, got, tc.want)
			}
		})
	}
}

func TestMemTotal(t *testing.T) {
	for _, tc := range []struct {
		name, meminfo string
		want          uint64
	}{
		{"meminfo", "MemTotal:       24588372 kB\nMemFree:         1234 kB\n", 24588372 << 10},
		{"not first", "Foo: 1 kB\nMemTotal: 2048 kB\n", 2 << 20},
		{"missing", "MemFree: 1 kB\n", 0},
		{"garbled", "MemTotal: lots kB\n", 0},
		{"another unit", "MemTotal: 2 MB\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := memTotal(strings.NewReader(tc.meminfo)); got != tc.want {
				t.Errorf("memTotal = %d, want %d", got, tc.want)
			}
		})
	}
}
