package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"
)

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
	c := &config{Mode: "burst", Samples: 2, ShardCount: 1, MaxConcurrency: 10}
	ms := int64(time.Millisecond)
	results := []result{
		{dueNs: -1, startNs: 0, connectNs: 1 * ms, waitingNs: 1 * ms, receivingNs: 1 * ms, totalNs: 3 * ms},
		{dueNs: -1, startNs: 1 * ms, connectNs: 2 * ms, waitingNs: 1 * ms, receivingNs: 1 * ms, totalNs: 4 * ms},
		{dueNs: -1, startNs: 2 * ms, connectNs: -1, waitingNs: -1, receivingNs: -1, totalNs: 1500 * ms, class: classTimeout, phase: "connect"},
	}
	o := outcome{c: c, planned: 3, results: results, runStart: time.Now(), wall: 2 * time.Second, cpu: cpuUse{GoMaxProcs: 2}}
	s := build(o)
	if s.Requests != 3 || s.Completed != 2 || s.Connected != 2 || s.Errors != 1 || s.Planned != 3 {
		t.Fatalf("counts: %+v", s)
	}
	if s.ErrorsByClass[classTimeout] != 1 || s.ErrorsByPhase["connect"] != 1 {
		t.Fatalf("errors: %v %v", s.ErrorsByClass, s.ErrorsByPhase)
	}
	if s.ConnectMs.P99 != 2 || s.TotalMs.Max != 4 || s.TotalMs.Mean != 3.5 || s.WaitingMs.P50 != 1 {
		t.Fatalf("dists: %+v %+v %+v", s.ConnectMs, s.TotalMs, s.WaitingMs)
	}
	if s.LatencyMs.Count != 0 || s.OpenModel {
		t.Fatal("a burst has no scheduled times, so no latency from them")
	}
	if len(s.Series) != 2 || s.Series[0].Completed != 2 || s.Series[1].Errors != 1 || s.Series[0].P99TotalMs != 4 {
		t.Fatalf("series: %+v", s.Series)
	}
	if len(s.Samples["connect_ms"]) != 2 || s.Saturated {
		t.Fatalf("samples/saturation: %+v %v", s.Samples, s.SaturationReasons)
	}
	// The histograms are in the JSON, and read back to the same percentiles.
	data, _ := json.Marshal(s)
	var back struct {
		Histograms struct {
			ConnectUs *histogram `json:"connect_us"`
		} `json:"histograms"`
	}
	if err := json.Unmarshal(data, &back); err != nil || back.Histograms.ConnectUs.count != 2 || back.Histograms.ConnectUs.percentileMs(99) != 2 {
		t.Fatalf("histograms in the JSON: %v", err)
	}

	o.stats = runStats{dropped: 5}
	if s := build(o); !s.Saturated {
		t.Fatal("dropped iterations must mark the run saturated")
	}
	o.stats, o.lateNs = runStats{}, int64(2*time.Second)
	if s := build(o); !s.Saturated || s.Shard.StartLateMs != 2000 {
		t.Fatal("a shard that missed the start barrier must say so")
	}
}

func TestLatencyFromScheduledTime(t *testing.T) {
	c := &config{Mode: "keepalive", Rate: 10, ShardCount: 1}
	ms := int64(time.Millisecond)
	// Due at 0, started 300 ms late (every connection was busy), served in 5 ms.
	r := result{dueNs: 0, startNs: 300 * ms, connectNs: -1, waitingNs: 4 * ms, receivingNs: 1 * ms, totalNs: 5 * ms}
	s := build(outcome{c: c, open: true, results: []result{r}, runStart: time.Now(), wall: time.Second})
	if s.LatencyMs.Max != 305 || s.TotalMs.Max != 5 {
		t.Fatalf("latency %v, service %v: want 305 and 5", s.LatencyMs.Max, s.TotalMs.Max)
	}
	if s.Series[0].P99LatencyMs == nil || *s.Series[0].P99LatencyMs != 305 {
		t.Fatalf("series latency: %+v", s.Series[0])
	}
	if s.Saturated {
		t.Fatal("a keep-alive arrival waiting for a free connection is the server's doing, not saturation")
	}
}
