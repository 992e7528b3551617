package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

const (
	hardMaxDuration    = 600 * time.Second
	hardMaxRequests    = 1_000_000
	hardMaxConcurrency = 100_000
	hardMaxRate        = 100_000.0
	hardMaxShards      = 1000
	hardMaxStages      = 100
	// How far in the future --start-at may lie: a barrier is for pods that start within moments of
	// each other, not a scheduler.
	hardMaxStartWait = 300 * time.Second
)

// stage of a ramping arrival rate: the rate moves linearly to Target (per second) over DurationS.
type stage struct {
	DurationS float64 `json:"duration_s"`
	Target    float64 `json:"target"`
}

type config struct {
	Mode           string  `json:"mode"`
	Target         string  `json:"target"`
	Connections    int     `json:"connections,omitempty"`
	Rate           float64 `json:"rate,omitempty"`
	StartRate      float64 `json:"start_rate,omitempty"`
	Stages         []stage `json:"stages,omitempty"`
	DurationS      float64 `json:"duration_s,omitempty"`
	ConnectTimeout float64 `json:"connect_timeout_s"`
	Timeout        float64 `json:"timeout_s"`
	MaxDurationS   float64 `json:"max_duration_s"`
	MaxRequests    int     `json:"max_requests"`
	MaxConcurrency int     `json:"max_concurrency"`
	Samples        int     `json:"samples"`
	ShardIndex     int     `json:"shard_index"`
	ShardCount     int     `json:"shard_count"`
	StartAtUnixMs  int64   `json:"start_at_unix_ms,omitempty"`

	addr           string // resolved ip:port
	closeRequest   []byte // one GET with Connection: close (a new connection per request)
	keepRequest    []byte // one GET that leaves the connection open
	duration       time.Duration
	connectTimeout time.Duration
	timeout        time.Duration
	maxDuration    time.Duration
	startAt        time.Time // zero: start at once
	flagsSet       map[string]bool
}

// The flags that only some modes read; a mode names those it takes, and any other one given is an
// error (a --stages that a burst silently ignored would be a wrong measurement).
var modeFlags = []string{"connections", "rate", "start-rate", "stages", "duration"}

func parseArgs(args []string, getenv func(string) string, now time.Time) (config, error) {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var c config
	var stages, shard string
	var shardCount int
	fs.StringVar(&c.Mode, "mode", "burst", "burst | rate | ramp | keepalive")
	fs.StringVar(&c.Target, "target", "", "http://IP:PORT/path of a server this harness created (required)")
	fs.IntVar(&c.Connections, "connections", 100, "burst: connections opened at once; keepalive: connections kept open (all shards together)")
	fs.Float64Var(&c.Rate, "rate", 100, "rate: new connections per second; keepalive: requests per second (optional; all shards together)")
	fs.Float64Var(&c.StartRate, "start-rate", 0, "ramp: arrivals per second at the start")
	fs.StringVar(&stages, "stages", "", "ramp: DURATION:TARGET,... e.g. 10s:100,30s:100,10s:0 (rate moves linearly to TARGET/s over DURATION)")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "rate, keepalive: how long to keep the load")
	fs.DurationVar(&c.connectTimeout, "connect-timeout", 5*time.Second, "give up a connect after this")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Second, "give up a whole request (connect included) after this")
	fs.DurationVar(&c.maxDuration, "max-duration", 120*time.Second, "hard bound on the whole run (at most 600s)")
	fs.IntVar(&c.MaxRequests, "max-requests", 100_000, "hard bound on requests of this process (at most 1,000,000)")
	fs.IntVar(&c.MaxConcurrency, "max-concurrency", 5000, "requests in flight at most")
	fs.IntVar(&c.Samples, "samples", 2000, "raw connect_ms values to report (a uniform sample when there are more)")
	fs.StringVar(&shard, "shard", "", "I/N: this process is shard I (from 0) of N and takes its share of connections or arrivals")
	fs.IntVar(&shardCount, "shard-count", 0, "N: like --shard, with I from $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job)")
	fs.Int64Var(&c.StartAtUnixMs, "start-at", 0, "unix time in ms at which every shard starts (a barrier; at most 300 s ahead)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stdout)
			fmt.Println("loadgen --mode burst|rate|ramp|keepalive --target http://IP:PORT/path [flags]")
			fs.PrintDefaults()
		}
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	c.flagsSet = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { c.flagsSet[f.Name] = true })

	if err := checkLimits(&c); err != nil {
		return c, err
	}
	if err := parseShard(&c, shard, shardCount, getenv); err != nil {
		return c, err
	}
	if c.StartAtUnixMs != 0 {
		if c.StartAtUnixMs < 0 {
			return c, errors.New("--start-at must be a unix time in milliseconds")
		}
		c.startAt = time.UnixMilli(c.StartAtUnixMs)
		if wait := c.startAt.Sub(now); wait > hardMaxStartWait {
			return c, fmt.Errorf("--start-at lies %s ahead; at most %s", wait.Round(time.Second), hardMaxStartWait)
		}
	}
	if stages != "" {
		parsed, err := parseStages(stages)
		if err != nil {
			return c, err
		}
		c.Stages = parsed
	}

	m, ok := modes[c.Mode]
	if !ok {
		return c, fmt.Errorf("--mode must be one of %s (got %q)", strings.Join(modeNames(), ", "), c.Mode)
	}
	for _, name := range modeFlags {
		if c.flagsSet[name] && !contains(m.flags, name) {
			return c, fmt.Errorf("--%s is not a setting of --mode %s (its settings: %s)", name, c.Mode, flagList(m.flags))
		}
	}
	// Settings of other modes are left out of the config the summary repeats.
	if !contains(m.flags, "connections") {
		c.Connections = 0
	}
	if !contains(m.flags, "rate") || (c.Mode == "keepalive" && !c.flagsSet["rate"]) {
		c.Rate = 0
	}
	if !contains(m.flags, "duration") {
		c.duration = 0
	}
	c.DurationS = c.duration.Seconds()
	if err := m.check(&c); err != nil {
		return c, err
	}
	if err := parseTarget(&c); err != nil {
		return c, err
	}
	return c, nil
}

func checkLimits(c *config) error {
	if c.maxDuration <= 0 || c.maxDuration > hardMaxDuration {
		return fmt.Errorf("--max-duration must be in (0, %s]", hardMaxDuration)
	}
	if c.MaxRequests <= 0 || c.MaxRequests > hardMaxRequests {
		return fmt.Errorf("--max-requests must be in [1, %d]", hardMaxRequests)
	}
	if c.MaxConcurrency <= 0 || c.MaxConcurrency > hardMaxConcurrency {
		return fmt.Errorf("--max-concurrency must be in [1, %d]", hardMaxConcurrency)
	}
	if c.connectTimeout <= 0 || c.timeout <= 0 {
		return errors.New("--connect-timeout and --timeout must be positive")
	}
	if c.connectTimeout > c.timeout {
		c.connectTimeout = c.timeout
	}
	if c.Samples < 0 || c.Samples > 100_000 {
		return errors.New("--samples must be in [0, 100000]")
	}
	c.ConnectTimeout = c.connectTimeout.Seconds()
	c.Timeout = c.timeout.Seconds()
	c.MaxDurationS = c.maxDuration.Seconds()
	return nil
}

// parseShard reads --shard I/N, or --shard-count N with I from JOB_COMPLETION_INDEX (every pod of
// an Indexed Job gets the same arguments and its own index).
func parseShard(c *config, shard string, count int, getenv func(string) string) error {
	c.ShardIndex, c.ShardCount = 0, 1
	switch {
	case shard != "" && count != 0:
		return errors.New("give --shard I/N or --shard-count N, not both")
	case shard != "":
		i, n, ok := strings.Cut(shard, "/")
		index, err1 := strconv.Atoi(i)
		total, err2 := strconv.Atoi(n)
		if !ok || err1 != nil || err2 != nil {
			return fmt.Errorf("--shard %q: want I/N, e.g. 0/4", shard)
		}
		c.ShardIndex, c.ShardCount = index, total
	case count != 0:
		raw := getenv("JOB_COMPLETION_INDEX")
		index, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("--shard-count needs JOB_COMPLETION_INDEX (an Indexed Job's pod index), got %q", raw)
		}
		c.ShardIndex, c.ShardCount = index, count
	}
	if c.ShardCount < 1 || c.ShardCount > hardMaxShards {
		return fmt.Errorf("shard count must be in [1, %d] (got %d)", hardMaxShards, c.ShardCount)
	}
	if c.ShardIndex < 0 || c.ShardIndex >= c.ShardCount {
		return fmt.Errorf("shard index must be in [0, %d) (got %d)", c.ShardCount, c.ShardIndex)
	}
	return nil
}

// parseStages reads DURATION:TARGET,DURATION:TARGET,...
func parseStages(text string) ([]stage, error) {
	parts := strings.Split(text, ",")
	if len(parts) > hardMaxStages {
		return nil, fmt.Errorf("--stages: at most %d stages", hardMaxStages)
	}
	out := make([]stage, 0, len(parts))
	for _, part := range parts {
		d, t, ok := strings.Cut(strings.TrimSpace(part), ":")
		duration, err1 := time.ParseDuration(d)
		target, err2 := strconv.ParseFloat(t, 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("--stages: %q is not DURATION:TARGET (e.g. 30s:200)", part)
		}
		if duration <= 0 || target < 0 || target > hardMaxRate || math.IsNaN(target) {
			return nil, fmt.Errorf("--stages: %q needs a positive duration and a target in [0, %g]", part, hardMaxRate)
		}
		out = append(out, stage{DurationS: duration.Seconds(), Target: target})
	}
	return out, nil
}

func parseTarget(c *config) error {
	if c.Target == "" {
		return errors.New("--target is required (http://IP:PORT/path)")
	}
	u, err := url.Parse(c.Target)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.User != nil {
		return fmt.Errorf("--target %q: want http://HOST:PORT/path", c.Target)
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "80"
	}
	ip := net.ParseIP(host)
	if ip == nil {
		// Resolved once, so that the run measures connections and not the resolver.
		ips, err := net.LookupIP(host)
		if err != nil || len(ips) == 0 {
			return fmt.Errorf("--target host %q does not resolve: %v", host, err)
		}
		ip = ips[0]
	}
	c.addr = net.JoinHostPort(ip.String(), port)
	path := u.RequestURI()
	head := "GET " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUser-Agent: sysctl-bench-loadgen\r\n"
	c.closeRequest = []byte(head + "Connection: close\r\n\r\n")
	c.keepRequest = []byte(head + "\r\n")
	return nil
}

// share is shard i's part of n things split over count shards: the first n%count take one more.
func share(n, index, count int) int {
	s := n / count
	if index < n%count {
		s++
	}
	return s
}

// arrivalsOf is how many of `total` arrivals (numbered 0..total-1) shard i takes: those with
// number ≡ i (mod count), so that the shards together keep the whole schedule.
func arrivalsOf(total, index, count int) int { return share(total, index, count) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func flagList(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "--" + n
	}
	return strings.Join(out, ", ")
}
