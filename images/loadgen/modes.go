package main

import (
	"context"
	"sort"
	"sync"
	"time"
)

// A load shape. Each lives in its own file (mode_<name>.go) and is listed here once.
type mode struct {
	// flags: the mode-specific flags it reads (of modeFlags).
	flags []string
	// check validates those flags against the limits, for this shard.
	check func(c *config) error
	// planned: the requests this shard starts when all goes to plan; 0 when open-ended (closed loop).
	planned func(c *config) int
	// open: arrivals have scheduled times, and latency is measured from them (an open model).
	open func(c *config) bool
	run  func(ctx context.Context, e *runEnv) runStats
}

var modes = map[string]mode{
	"burst":     burstMode,
	"rate":      rateMode,
	"ramp":      rampMode,
	"keepalive": keepaliveMode,
}

func modeNames() []string {
	names := make([]string, 0, len(modes))
	for name := range modes {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// runStats is what a mode knows beyond its results.
type runStats struct {
	dropped    int    // arrivals never started: in-flight cap reached, or the run's bound passed
	maxLagNs   int64  // how late the latest arrival was started against its scheduled time
	reconnects int    // keepalive: connections opened beyond the first one of each worker
	stoppedBy  string // "" or the limit that ended the run early ("max-requests")
}

// runEnv is one run: its configuration, where results go, and the start barrier.
type runEnv struct {
	c   *config
	col *collector

	mu       sync.Mutex
	runStart time.Time
	lateNs   int64 // how long after --start-at the run really started
}

// begin waits for the barrier (--start-at) and fixes the run's start; a mode calls it once it is
// ready to send (a burst after its goroutines are parked at the gate). A shard that arrives after
// the barrier starts at once and reports how late it was.
func (e *runEnv) begin(ctx context.Context) time.Time {
	if !e.c.startAt.IsZero() {
		sleepUntil(ctx, e.c.startAt)
	}
	now := time.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.runStart = now
	if !e.c.startAt.IsZero() && now.After(e.c.startAt) {
		e.lateNs = now.Sub(e.c.startAt).Nanoseconds()
	}
	return now
}

// started is the run's start, or zero before begin.
func (e *runEnv) started() (time.Time, int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.runStart, e.lateNs
}

// sleepUntil returns at t or when ctx ends, whichever is first.
func sleepUntil(ctx context.Context, t time.Time) {
	wait := time.Until(t)
	if wait <= 0 {
		return
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}

type collector struct {
	mu      sync.Mutex
	results []result
}

func (c *collector) add(r result) {
	c.mu.Lock()
	c.results = append(c.results, r)
	c.mu.Unlock()
}

func (c *collector) snapshot() []result {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]result(nil), c.results...)
}
