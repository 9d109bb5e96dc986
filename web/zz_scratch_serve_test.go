package web

import (
	"net"
	"os"
	"testing"
	"time"
)

func TestScratchServe(t *testing.T) {
	if os.Getenv("SCRATCH_SERVE") == "" {
		t.Skip()
	}
	s := newSearchServer(t, Config{})
	ln, err := net.Listen("tcp", "127.0.0.1:18080")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	time.Sleep(20 * time.Minute)
}
