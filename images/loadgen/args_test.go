package main

import (
	"strings"
	"testing"
	"time"
)

var t0 = time.Unix(1_800_000_000, 0)

func noEnv(string) string { return "" }

func parse(t *testing.T, args ...string) config {
	t.Helper()
	c, err := parseArgs(append([]string{"--target", "http://127.0.0.1:9/"}, args...), noEnv, t0)
	if err != nil {
		t.Fatalf("parseArgs(%v): %v", args, err)
	}
	return c
}

func parseErr(t *testing.T, env func(string) string, args ...string) string {
	t.Helper()
	_, err := parseArgs(append([]string{"--target", "http://127.0.0.1:9/"}, args...), env, t0)
	if err == nil {
		t.Fatalf("parseArgs(%v) should fail", args)
	}
	return err.Error()
}

func TestParseModes(t *testing.T) {
	c := parse(t, "--mode", "burst", "--connections", "1500")
	if c.Connections != 1500 || c.Rate != 0 || c.DurationS != 0 || c.ShardCount != 1 {
		t.Fatalf("burst: %+v", c)
	}
	if !strings.Contains(string(c.closeRequest), "Connection: close") || strings.Contains(string(c.keepRequest), "Connection: close") {
		t.Fatal("fresh connections ask the server to close; kept-alive ones do not")
	}
	c = parse(t, "--mode", "rate", "--rate", "200", "--duration", "30s")
	if c.Rate != 200 || c.DurationS != 30 || c.Connections != 0 {
		t.Fatalf("rate: %+v", c)
	}
	c = parse(t, "--mode", "ramp", "--start-rate", "10", "--stages", "10s:100,20s:100, 5s:0")
	if len(c.Stages) != 3 || c.Stages[2] != (stage{DurationS: 5, Target: 0}) || c.StartRate != 10 {
		t.Fatalf("ramp: %+v", c.Stages)
	}
	c = parse(t, "--mode", "keepalive", "--connections", "8", "--duration", "5s")
	if c.Connections != 8 || c.Rate != 0 || modes["keepalive"].open(&c) {
		t.Fatalf("keepalive (closed): %+v", c)
	}
	c = parse(t, "--mode", "keepalive", "--connections", "8", "--duration", "5s", "--rate", "50")
	if c.Rate != 50 || !modes["keepalive"].open(&c) {
		t.Fatalf("keepalive with a rate is an open model: %+v", c)
	}
}

func TestRefusesWhatWouldMismeasureOrRunUnbounded(t *testing.T) {
	cases := map[string][]string{
		"is not a setting of --mode burst": {"--mode", "burst", "--stages", "1s:1"},
		"is not a setting of --mode rate":  {"--mode", "rate", "--connections", "5"},
		"needs --stages":                   {"--mode", "ramp"},
		"rate is 0 throughout":             {"--mode", "ramp", "--stages", "5s:0"},
		"is not DURATION:TARGET":           {"--mode", "ramp", "--stages", "5s"},
		"exceed --max-requests":            {"--mode", "ramp", "--stages", "100s:10000", "--max-duration", "600s"},
		"within --max-duration":            {"--mode", "rate", "--rate", "10", "--duration", "119s"},
		"--mode must be one of":            {"--mode", "soak"},
		"--max-duration must be in":        {"--max-duration", "601s"},
		"within --max-requests":            {"--connections", "200", "--max-requests", "100"},
		"within --max-concurrency":         {"--mode", "keepalive", "--connections", "10", "--max-concurrency", "5"},
		"shard index must be in":           {"--shard", "3/3"},
		"want I/N":                         {"--shard", "x"},
		"not both":                         {"--shard", "0/2", "--shard-count", "2"},
		"needs JOB_COMPLETION_INDEX":       {"--shard-count", "2"},
		"ahead; at most":                   {"--start-at", "1800000400000"},
		"want http://HOST:PORT/path":       {"--target", "https://example.invalid/"},
		"unexpected arguments":             {"extra"},
	}
	for want, args := range cases {
		if got := parseErr(t, noEnv, args...); !strings.Contains(got, want) {
			t.Errorf("%v: error %q should contain %q", args, got, want)
		}
	}
}

func TestShardsFromFlagOrIndexedJob(t *testing.T) {
	c := parse(t, "--shard", "2/4", "--connections", "10")
	if c.ShardIndex != 2 || c.ShardCount != 4 {
		t.Fatalf("--shard: %d/%d", c.ShardIndex, c.ShardCount)
	}
	env := func(name string) string {
		if name == "JOB_COMPLETION_INDEX" {
			return "1"
		}
		return ""
	}
	c, err := parseArgs([]string{"--target", "http://127.0.0.1:9/", "--shard-count", "3"}, env, t0)
	if err != nil || c.ShardIndex != 1 || c.ShardCount != 3 {
		t.Fatalf("JOB_COMPLETION_INDEX: %v %d/%d", err, c.ShardIndex, c.ShardCount)
	}
	// The shares of a burst add up to the burst, and differ by at most one.
	for _, n := range []int{1, 7, 1500} {
		for count := 1; count <= 9; count++ {
			sum, lo, hi := 0, n, 0
			for i := 0; i < count; i++ {
				s := share(n, i, count)
				sum, lo, hi = sum+s, min(lo, s), max(hi, s)
			}
			if sum != n || hi-lo > 1 {
				t.Fatalf("share(%d) over %d shards: sum %d, spread %d", n, count, sum, hi-lo)
			}
		}
	}
	// A per-shard bound: 1500 connections over 2 shards fit --max-concurrency 750.
	parse(t, "--connections", "1500", "--shard", "1/2", "--max-concurrency", "750")
}

func TestStartAt(t *testing.T) {
	c := parse(t, "--start-at", "1800000005000")
	if !c.startAt.Equal(t0.Add(5*time.Second)) || c.StartAtUnixMs != 1800000005000 {
		t.Fatalf("start-at: %v", c.startAt)
	}
	// A barrier in the past is accepted: that shard starts at once and reports how late it was.
	parse(t, "--start-at", "1799999990000")
}
