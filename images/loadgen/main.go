// loadgen is sysctl-bench's own load generator, built for what pod sysctls change: how a server's
// kernel treats many TCP connections. It measures what the permissive tools do not: connect time
// per connection in a gated burst, errors by errno class, its own saturation, and latency from each
// arrival's scheduled time.
//
// Modes (one file each, mode_<name>.go; listed in modes.go):
//
//	burst:     N new connections opened as close together as possible, one GET each.
//	rate:      an open model: R new connections per second for D, whatever the server does; when
//	           the in-flight cap is reached an arrival is dropped (and counted), never delayed.
//	ramp:      an open model whose rate follows stages (start rate, then DURATION:TARGET, ...).
//	keepalive: N kept-alive connections each sending GET after GET for D (closed model); with
//	           --rate, arrivals at R/s over those connections, latency from their scheduled time.
//
// Several processes (pods of an Indexed Job, or containers) share one load with --shard I/N (or
// --shard-count N and $JOB_COMPLETION_INDEX) and start together at --start-at; their summaries
// carry histograms of one fixed layout that merge exactly (histogram.go).
//
// It always stops by itself: --max-duration (at most 600 s) bounds the run, --max-requests (at
// most 1,000,000) the requests, --max-concurrency the requests in flight, and a watchdog
// (limits.go) prints what there is if anything hangs. Output: one JSON summary on stdout
// (summary.go). Exit status 0 when the run happened (errors included), 2 for bad arguments, 3
// when the watchdog had to end it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"
)

func main() {
	c, err := parseArgs(os.Args[1:], os.Getenv, time.Now())
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "loadgen: %v\n", err)
		os.Exit(2)
	}
	x := newExecution(&c)
	x.nofile = raiseNofile()
	inflight := c.MaxConcurrency
	if c.Connections > 0 {
		inflight = min(inflight, share(c.Connections, c.ShardIndex, c.ShardCount))
	}
	if need := uint64(inflight) + 64; x.nofile > 0 && x.nofile < need {
		fmt.Fprintf(os.Stderr, "loadgen: warning: open-files limit %d is below the connections asked for\n", x.nofile)
	}
	ctx, cancel := context.WithDeadline(context.Background(), x.deadline())
	defer cancel()
	p := &printer{}
	watchdog := armWatchdog(x.deadline().Add(watchdogGrace), p, x.snapshot)
	defer watchdog.Stop()

	printed, err := p.print(x.run(ctx))
	if !printed {
		select {} // the watchdog is printing and exiting
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "loadgen: writing the summary: %v\n", err)
		os.Exit(1)
	}
}

// execution is one run of a parsed configuration.
type execution struct {
	c      *config
	m      mode
	e      *runEnv
	meter  cpuMeter
	anchor time.Time // the barrier, or now when there is none (or it has passed)
	nofile uint64
}

func newExecution(c *config) *execution {
	m := modes[c.Mode]
	anchor := time.Now()
	if c.startAt.After(anchor) {
		anchor = c.startAt
	}
	results := make([]result, 0, min(max(m.planned(c), c.Connections), c.MaxRequests))
	return &execution{c: c, m: m, e: &runEnv{c: c, col: &collector{results: results}}, meter: startCPU(), anchor: anchor}
}

// deadline: --max-duration counts from the barrier; waiting for it is not load.
func (x *execution) deadline() time.Time { return x.anchor.Add(x.c.maxDuration) }

func (x *execution) run(ctx context.Context) summary {
	stats := x.m.run(ctx, x.e)
	return x.summary(stats)
}

// snapshot is the summary of what has finished so far (for the watchdog).
func (x *execution) snapshot() summary { return x.summary(runStats{}) }

func (x *execution) summary(stats runStats) summary {
	runStart, late := x.e.started()
	wall := time.Duration(0)
	if !runStart.IsZero() {
		wall = time.Since(runStart)
	}
	s := build(outcome{c: x.c, open: x.m.open(x.c), planned: x.m.planned(x.c), results: x.e.col.snapshot(), runStart: runStart, lateNs: late, wall: wall, stats: stats, cpu: x.meter.since(wall)})
	s.Nofile = x.nofile
	return s
}
