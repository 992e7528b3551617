package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	v := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	cases := map[float64]float64{50: 5, 90: 9, 99: 10, 100: 10, 1: 1}
	for p, want := range cases {
		if got := percentile(v, p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
	if percentile(nil, 99) != 0 {
		t.Error("empty input must give 0")
	}
}

func TestClassify(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("dial tcp: %w", os.NewSyscallError("connect", err)) }
	cases := []struct {
		err  error
		want string
	}{
		{wrap(syscall.ECONNREFUSED), classRefused},
		{wrap(syscall.ECONNRESET), classReset},
		{wrap(syscall.EPIPE), classReset},
		{wrap(syscall.EADDRNOTAVAIL), classPorts},
		{wrap(syscall.ETIMEDOUT), classTimeout},
		{context.DeadlineExceeded, classTimeout},
		{os.ErrDeadlineExceeded, classTimeout},
		{errors.New("something else"), classOther},
		{nil, ""},
	}
	for _, c := range cases {
		if got := classify(c.err); got != c.want {
			t.Errorf("classify(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestBuildSummary(t *testing.T) {
	c := &config{Mode: "burst", Samples: 2}
	ms := int64(time.Millisecond)
	results := []result{
		{startNs: 0, connectNs: 1 * ms, totalNs: 3 * ms},
		{startNs: 1 * ms, connectNs: 2 * ms, totalNs: 4 * ms},
		{startNs: 2 * ms, connectNs: -1, totalNs: 1500 * ms, class: classTimeout, phase: "connect"},
	}
	s := build(c, results, time.Now(), 2*time.Second, 0, 0, cpuUse{GoMaxProcs: 2})
	if s.Requests != 3 || s.Completed != 2 || s.Connected != 2 || s.Errors != 1 {
		t.Fatalf("counts: %+v", s)
	}
	if s.ErrorsByClass[classTimeout] != 1 || s.ErrorsByPhase["connect"] != 1 {
		t.Fatalf("errors: %v %v", s.ErrorsByClass, s.ErrorsByPhase)
	}
	if s.ConnectMs.P99 != 2 || s.TotalMs.Max != 4 {
		t.Fatalf("dists: %+v %+v", s.ConnectMs, s.TotalMs)
	}
	if len(s.Series) != 2 || s.Series[0].Completed != 2 || s.Series[1].Errors != 1 {
		t.Fatalf("series: %+v", s.Series)
	}
	if len(s.Samples["connect_ms"]) != 2 || s.Saturated {
		t.Fatalf("samples/saturation: %+v %v", s.Samples, s.SaturationReasons)
	}
	s = build(c, results, time.Now(), time.Second, 5, 0, cpuUse{GoMaxProcs: 2})
	if !s.Saturated {
		t.Fatal("dropped iterations must mark the run saturated")
	}
}
