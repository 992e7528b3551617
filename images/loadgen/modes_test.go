package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Every test here sends load only to a server it started on loopback, bounded by --max-duration.

func runArgs(t *testing.T, target string, args ...string) summary {
	t.Helper()
	c, err := parseArgs(append([]string{"--target", target, "--max-duration", "30s"}, args...), noEnv, time.Now())
	if err != nil {
		t.Fatalf("parseArgs(%v): %v", args, err)
	}
	x := newExecution(&c)
	ctx, cancel := context.WithDeadline(context.Background(), x.deadline())
	defer cancel()
	return x.run(ctx)
}

type counter struct{ n atomic.Int64 }

func okServer(t *testing.T, c *counter, handle func(n int64, w http.ResponseWriter)) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := c.n.Add(1)
		if handle != nil {
			handle(n, w)
		}
		_, _ = w.Write([]byte("ok\n"))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/"
}

func TestBurstShardsStartTogetherAndSplitTheConnections(t *testing.T) {
	var c counter
	url := okServer(t, &c, nil)
	startAt := time.Now().Add(300 * time.Millisecond).UnixMilli()
	var wg sync.WaitGroup
	out := make([]summary, 2)
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = runArgs(t, url, "--mode", "burst", "--connections", "11", "--shard", strconv.Itoa(i)+"/2", "--start-at", strconv.FormatInt(startAt, 10))
		}()
	}
	wg.Wait()
	if out[0].Requests != 6 || out[1].Requests != 5 || c.n.Load() != 11 {
		t.Fatalf("shards sent %d + %d, server saw %d; want 6 + 5 = 11", out[0].Requests, out[1].Requests, c.n.Load())
	}
	for _, s := range out {
		if s.StartedAtUnixMs < startAt {
			t.Fatalf("shard %d started at %d, before the barrier %d", s.Shard.Index, s.StartedAtUnixMs, startAt)
		}
		if s.Completed != s.Requests || s.Connected != s.Requests || s.Planned != s.Requests {
			t.Fatalf("shard %d: %+v", s.Shard.Index, s)
		}
		if s.WaitingMs.Count != uint64(s.Completed) || s.ReceivingMs.Count != uint64(s.Completed) {
			t.Fatal("every completed request has its time to first byte and its receiving time")
		}
	}
	if s := out[0]; s.Shard.Count != 2 || s.Shard.StartAtUnixMs != startAt || s.Config.Connections != 11 {
		t.Fatalf("shard info: %+v", s.Shard)
	}
}

func TestRateSendsItsScheduleAndMeasuresFromIt(t *testing.T) {
	var c counter
	s := runArgs(t, okServer(t, &c, nil), "--mode", "rate", "--rate", "200", "--duration", "1s")
	if s.Planned != 200 || s.Requests+s.Dropped != 200 || int64(s.Requests) != c.n.Load() {
		t.Fatalf("planned %d, requests %d, dropped %d, server saw %d", s.Planned, s.Requests, s.Dropped, c.n.Load())
	}
	if !s.OpenModel || s.LatencyMs.Count != uint64(s.Completed) {
		t.Fatalf("an open model measures latency from the schedule: %+v", s.LatencyMs)
	}
	// Latency from the scheduled time is service time plus the start's lag, so never shorter.
	if s.LatencyMs.P50 < s.TotalMs.P50 || s.LatencyMs.P99 < s.TotalMs.P99 || s.LatencyMs.Max < s.TotalMs.Max {
		t.Fatalf("latency %+v below service time %+v", s.LatencyMs, s.TotalMs)
	}
}

func TestRampSendsItsStages(t *testing.T) {
	var c counter
	s := runArgs(t, okServer(t, &c, nil), "--mode", "ramp", "--start-rate", "0", "--stages", "500ms:100,500ms:100,500ms:0")
	// 25 + 50 + 25 arrivals.
	if s.Planned != 100 || s.Requests+s.Dropped != 100 || int64(s.Requests) != c.n.Load() {
		t.Fatalf("planned %d, requests %d, dropped %d", s.Planned, s.Requests, s.Dropped)
	}
	if !s.OpenModel || s.LatencyMs.Count != uint64(s.Completed) {
		t.Fatal("ramp is an open model")
	}
}

func TestRampShardsTogetherSendTheWholeRamp(t *testing.T) {
	var c counter
	url := okServer(t, &c, nil)
	startAt := strconv.FormatInt(time.Now().Add(200*time.Millisecond).UnixMilli(), 10)
	var wg sync.WaitGroup
	total := atomic.Int64{}
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := runArgs(t, url, "--mode", "ramp", "--stages", "1s:80", "--shard", strconv.Itoa(i)+"/3", "--start-at", startAt)
			total.Add(int64(s.Planned))
		}()
	}
	wg.Wait()
	if total.Load() != 40 || c.n.Load() != 40 {
		t.Fatalf("3 shards planned %d and sent %d; the ramp has 40 arrivals", total.Load(), c.n.Load())
	}
}

func TestKeepaliveReusesItsConnections(t *testing.T) {
	var c counter
	s := runArgs(t, okServer(t, &c, nil), "--mode", "keepalive", "--connections", "3", "--duration", "300ms")
	if s.Requests <= 3 || s.Connected != 3 || s.Reconnects != 0 || s.Errors != 0 {
		t.Fatalf("requests %d over %d connections (%d reconnects, %d errors)", s.Requests, s.Connected, s.Reconnects, s.Errors)
	}
	if s.OpenModel || s.LatencyMs.Count != 0 || s.Planned != 0 {
		t.Fatal("without --rate, keepalive is a closed model: no schedule")
	}
	if s.ConnectMs.Count != 3 || s.TotalMs.Count != uint64(s.Completed) || s.WaitingMs.Count != uint64(s.Completed) {
		t.Fatal("one connect per connection; every request timed")
	}
}

func TestKeepaliveStopsAtMaxRequests(t *testing.T) {
	var c counter
	s := runArgs(t, okServer(t, &c, nil), "--mode", "keepalive", "--connections", "2", "--duration", "20s", "--max-requests", "50")
	if s.Requests != 50 || c.n.Load() != 50 || s.StoppedBy != "max-requests" || !s.Saturated {
		t.Fatalf("requests %d (server %d), stopped by %q", s.Requests, c.n.Load(), s.StoppedBy)
	}
}

func TestKeepaliveReconnectsWhenTheServerCloses(t *testing.T) {
	var c counter
	url := okServer(t, &c, func(_ int64, w http.ResponseWriter) { w.Header().Set("Connection", "close") })
	s := runArgs(t, url, "--mode", "keepalive", "--connections", "2", "--duration", "200ms")
	if s.Errors != 0 || s.Connected != s.Requests || s.Reconnects != s.Requests-2 {
		t.Fatalf("requests %d, connected %d, reconnects %d, errors %d", s.Requests, s.Connected, s.Reconnects, s.Errors)
	}
}

// A server stall holds the only connection; the arrivals scheduled meanwhile wait for it. Their
// service time is short, their latency from the scheduled time is not: what coordinated omission
// would hide.
func TestKeepaliveRateShowsAStallThatServiceTimeHides(t *testing.T) {
	var c counter
	url := okServer(t, &c, func(n int64, _ http.ResponseWriter) {
		if n == 10 {
			time.Sleep(300 * time.Millisecond)
		}
	})
	s := runArgs(t, url, "--mode", "keepalive", "--connections", "1", "--rate", "100", "--duration", "1s")
	if s.Completed != 100 || s.Dropped != 0 {
		t.Fatalf("completed %d, dropped %d", s.Completed, s.Dropped)
	}
	// About 30 arrivals fall in the stall and wait up to 300 ms each; one request was slow itself.
	if s.LatencyMs.Max < 300 || s.LatencyMs.P90 < 100 {
		t.Fatalf("latency from the schedule %+v should show the 300 ms stall", s.LatencyMs)
	}
	if s.TotalMs.P90 >= s.LatencyMs.P90/2 {
		t.Fatalf("service time p90 %v should stay far below latency p90 %v", s.TotalMs.P90, s.LatencyMs.P90)
	}
	if s.Saturated {
		t.Fatalf("waiting for a busy connection is the server's doing: %v", s.SaturationReasons)
	}
}

func TestErrorsByClass(t *testing.T) {
	// A port nobody listens on: every connect is refused.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := runArgs(t, "http://"+addr+"/", "--mode", "burst", "--connections", "5")
	if s.ErrorsByClass[classRefused] != 5 || s.ErrorsByPhase["connect"] != 5 || s.Connected != 0 {
		t.Fatalf("errors %v %v", s.ErrorsByClass, s.ErrorsByPhase)
	}
	// A server that never answers within --timeout: response timeouts.
	release := make(chan struct{})
	var c counter
	url := okServer(t, &c, func(int64, http.ResponseWriter) { <-release })
	defer close(release)
	s = runArgs(t, url, "--mode", "burst", "--connections", "3", "--timeout", "200ms")
	if s.ErrorsByClass[classTimeout] != 3 || s.ErrorsByPhase["response"] != 3 || s.Connected != 3 {
		t.Fatalf("errors %v %v", s.ErrorsByClass, s.ErrorsByPhase)
	}
	// An HTTP error status.
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	s = runArgs(t, srv.URL+"/", "--mode", "keepalive", "--connections", "1", "--duration", "100ms")
	if s.Requests == 0 || s.ErrorsByClass[classHTTP] != s.Requests {
		t.Fatalf("errors %v of %d", s.ErrorsByClass, s.Requests)
	}
}
