// loadgen is sysctl-bench's own load generator, built for what pod sysctls change: how a server's
// kernel treats many new TCP connections. Every request is a fresh connection (no keep-alive), so
// connect time shows the listen queue (net.core.somaxconn, net.ipv4.tcp_max_syn_backlog,
// net.ipv4.tcp_syncookies) and the client's ephemeral ports (net.ipv4.ip_local_port_range).
//
// Modes:
//
//	burst: N connections opened as close together as possible, one GET each.
//	rate:  an open model: R new connections per second for D, whatever the server does; when the
//	       in-flight cap is reached an iteration is dropped (and counted), never delayed.
//
// It always stops by itself: --max-duration (at most 600 s) bounds the whole run, --max-requests
// (at most 1,000,000) the number of connections, --max-concurrency the connections in flight.
// Output: one JSON summary on stdout. Exit status 0 when the run happened (errors included), 2 for
// bad arguments, 3 when the watchdog had to end it.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand"
	"net"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	hardMaxDuration = 600 * time.Second
	hardMaxRequests = 1_000_000
)

type config struct {
	Mode           string  `json:"mode"`
	Target         string  `json:"target"`
	Connections    int     `json:"connections,omitempty"`
	Rate           float64 `json:"rate,omitempty"`
	DurationS      float64 `json:"duration_s,omitempty"`
	ConnectTimeout float64 `json:"connect_timeout_s"`
	Timeout        float64 `json:"timeout_s"`
	MaxDurationS   float64 `json:"max_duration_s"`
	MaxRequests    int     `json:"max_requests"`
	MaxConcurrency int     `json:"max_concurrency"`
	Samples        int     `json:"samples"`

	addr    string // resolved ip:port
	request []byte
}

// Error classes: what the kernel (or the server) did to a connection.
const (
	classRefused = "refused" // RST in answer to the SYN: nobody listening, or tcp_abort_on_overflow
	classTimeout = "timeout" // no answer in time: SYNs dropped on a full queue, or a stalled response
	classReset   = "reset"   // connection reset or broken after it was established
	classHTTP    = "http"    // the server answered, but not with 2xx
	classPorts   = "ports"   // no local port left (EADDRNOTAVAIL): the client's net.ipv4.ip_local_port_range
	classOther   = "other"
)

var classes = []string{classRefused, classTimeout, classReset, classHTTP, classPorts, classOther}

type result struct {
	startNs   int64 // offset from the run's start
	connectNs int64 // -1 when the connect failed
	totalNs   int64
	class     string // "" when ok
	phase     string // "connect" or "response" when failed
}

func usageError(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loadgen: "+format+"\n", args...)
	os.Exit(2)
}

func parseArgs(args []string) config {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	var c config
	var duration, connectTimeout, timeout, maxDuration time.Duration
	fs.StringVar(&c.Mode, "mode", "burst", "burst | rate")
	fs.StringVar(&c.Target, "target", "", "http://IP:PORT/path of a server this harness created (required)")
	fs.IntVar(&c.Connections, "connections", 100, "burst: connections to open at once")
	fs.Float64Var(&c.Rate, "rate", 100, "rate: new connections per second")
	fs.DurationVar(&duration, "duration", 10*time.Second, "rate: how long to keep the arrival rate")
	fs.DurationVar(&connectTimeout, "connect-timeout", 5*time.Second, "give up a connect after this")
	fs.DurationVar(&timeout, "timeout", 10*time.Second, "give up a whole request (connect included) after this")
	fs.DurationVar(&maxDuration, "max-duration", 120*time.Second, "hard bound on the whole run (at most 600s)")
	fs.IntVar(&c.MaxRequests, "max-requests", 100_000, "hard bound on connections opened (at most 1,000,000)")
	fs.IntVar(&c.MaxConcurrency, "max-concurrency", 5000, "connections in flight at most")
	fs.IntVar(&c.Samples, "samples", 2000, "raw connect_ms values to report (a uniform sample when there are more)")
	if err := fs.Parse(args); err != nil {
		os.Exit(2)
	}
	if fs.NArg() > 0 {
		usageError("unexpected arguments: %v", fs.Args())
	}
	c.DurationS = duration.Seconds()
	c.ConnectTimeout = connectTimeout.Seconds()
	c.Timeout = timeout.Seconds()
	c.MaxDurationS = maxDuration.Seconds()

	if maxDuration <= 0 || maxDuration > hardMaxDuration {
		usageError("--max-duration must be in (0, %s]", hardMaxDuration)
	}
	if c.MaxRequests <= 0 || c.MaxRequests > hardMaxRequests {
		usageError("--max-requests must be in [1, %d]", hardMaxRequests)
	}
	if c.MaxConcurrency <= 0 || c.MaxConcurrency > 100_000 {
		usageError("--max-concurrency must be in [1, 100000]")
	}
	if connectTimeout <= 0 || timeout <= 0 {
		usageError("--connect-timeout and --timeout must be positive")
	}
	if connectTimeout > timeout {
		c.ConnectTimeout = c.Timeout
	}
	if c.Samples < 0 || c.Samples > 100_000 {
		usageError("--samples must be in [0, 100000]")
	}
	switch c.Mode {
	case "burst":
		if c.Connections <= 0 || c.Connections > c.MaxRequests || c.Connections > c.MaxConcurrency {
			usageError("--connections must be in [1, min(--max-requests, --max-concurrency)] (got %d)", c.Connections)
		}
		c.Rate, c.DurationS = 0, 0
		if timeout > maxDuration {
			usageError("--timeout %s exceeds --max-duration %s", timeout, maxDuration)
		}
	case "rate":
		if c.Rate <= 0 || c.Rate > 100_000 {
			usageError("--rate must be in (0, 100000]")
		}
		if duration <= 0 || duration+timeout > maxDuration {
			usageError("--duration + --timeout (%s) must be positive and within --max-duration %s", duration+timeout, maxDuration)
		}
		if want := c.Rate * duration.Seconds(); want > float64(c.MaxRequests) {
			usageError("--rate x --duration = %.0f requests exceeds --max-requests %d", want, c.MaxRequests)
		}
		c.Connections = 0
	default:
		usageError("--mode must be burst or rate")
	}

	if c.Target == "" {
		usageError("--target is required (http://IP:PORT/path)")
	}
	u, err := url.Parse(c.Target)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.User != nil {
		usageError("--target %q: want http://HOST:PORT/path", c.Target)
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
			usageError("--target host %q does not resolve: %v", host, err)
		}
		ip = ips[0]
	}
	c.addr = net.JoinHostPort(ip.String(), port)
	path := u.RequestURI()
	c.request = []byte("GET " + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nUser-Agent: sysctl-bench-loadgen\r\nConnection: close\r\n\r\n")
	return c
}

// raiseNofile lifts the soft open-files limit to the hard one: each connection is a descriptor.
func raiseNofile() uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
		_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	return lim.Cur
}

func classify(err error) string {
	if err == nil {
		return ""
	}
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return classRefused
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return classPorts
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED):
		return classReset
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, syscall.ETIMEDOUT):
		return classTimeout
	case errors.As(err, &ne) && ne.Timeout():
		return classTimeout
	}
	return classOther
}

// one opens a connection, sends one GET, reads the whole response (the server closes), and
// reports the connect time and the total time.
func one(ctx context.Context, c *config, runStart time.Time) result {
	start := time.Now()
	r := result{startNs: start.Sub(runStart).Nanoseconds(), connectNs: -1}
	deadline := start.Add(time.Duration(c.Timeout * float64(time.Second)))
	d := net.Dialer{Timeout: time.Duration(c.ConnectTimeout * float64(time.Second))}
	conn, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		r.totalNs = time.Since(start).Nanoseconds()
		r.class, r.phase = classify(err), "connect"
		return r
	}
	defer conn.Close()
	r.connectNs = time.Since(start).Nanoseconds()
	if ctxDeadline, ok := ctx.Deadline(); ok && ctxDeadline.Before(deadline) {
		deadline = ctxDeadline
	}
	_ = conn.SetDeadline(deadline)
	fail := func(err error, class string) result {
		r.totalNs = time.Since(start).Nanoseconds()
		if class == "" {
			class = classify(err)
		}
		r.class, r.phase = class, "response"
		return r
	}
	if _, err := conn.Write(c.request); err != nil {
		return fail(err, "")
	}
	br := bufio.NewReaderSize(conn, 4096)
	status, err := br.ReadString('\n')
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fail(err, classReset) // closed before any answer
		}
		return fail(err, "")
	}
	fields := strings.Fields(status)
	if len(fields) < 2 || !strings.HasPrefix(fields[0], "HTTP/") {
		return fail(nil, classOther)
	}
	code, _ := strconv.Atoi(fields[1])
	if _, err := io.Copy(io.Discard, br); err != nil {
		return fail(err, "")
	}
	r.totalNs = time.Since(start).Nanoseconds()
	if code < 200 || code > 299 {
		r.class, r.phase = classHTTP, "response"
	}
	return r
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

func runBurst(ctx context.Context, c *config, runStart *time.Time, col *collector) {
	var wg sync.WaitGroup
	var ready sync.WaitGroup
	gate := make(chan struct{})
	ready.Add(c.Connections)
	for i := 0; i < c.Connections; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ready.Done()
			<-gate
			col.add(one(ctx, c, *runStart))
		}()
	}
	ready.Wait() // every goroutine exists and waits at the gate
	*runStart = time.Now()
	close(gate)
	wg.Wait()
}

// runRate keeps an open model: iteration i is due at start + i/rate, whatever happened to the
// earlier ones. An iteration that finds --max-concurrency connections in flight is dropped.
func runRate(ctx context.Context, c *config, runStart time.Time, col *collector) (dropped int, maxLagNs int64) {
	total := int(math.Round(c.Rate * c.DurationS))
	if total > c.MaxRequests {
		total = c.MaxRequests
	}
	interval := float64(time.Second) / c.Rate
	slots := make(chan struct{}, c.MaxConcurrency)
	var wg sync.WaitGroup
	for i := 0; i < total; i++ {
		due := runStart.Add(time.Duration(float64(i) * interval))
		if wait := time.Until(due); wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			dropped += total - i
			break
		}
		if lag := time.Since(due).Nanoseconds(); lag > maxLagNs {
			maxLagNs = lag
		}
		select {
		case slots <- struct{}{}:
			wg.Add(1)
			go func() {
				defer wg.Done()
				col.add(one(ctx, c, runStart))
				<-slots
			}()
		default:
			dropped++
		}
	}
	wg.Wait()
	return dropped, maxLagNs
}

type dist struct {
	Count int     `json:"count"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
}

// percentile by nearest rank on sorted values.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	if rank < 0 {
		rank = 0
	}
	if rank >= len(sorted) {
		rank = len(sorted) - 1
	}
	return sorted[rank]
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func summarize(values []float64) dist {
	sort.Float64s(values)
	d := dist{Count: len(values)}
	if len(values) == 0 {
		return d
	}
	sum := 0.0
	for _, v := range values {
		sum += v
	}
	d.Mean = round3(sum / float64(len(values)))
	d.P50 = round3(percentile(values, 50))
	d.P90 = round3(percentile(values, 90))
	d.P95 = round3(percentile(values, 95))
	d.P99 = round3(percentile(values, 99))
	d.Max = round3(values[len(values)-1])
	return d
}

type second struct {
	T          int     `json:"t"`
	Completed  int     `json:"completed"`
	Errors     int     `json:"errors"`
	P99TotalMs float64 `json:"p99_total_ms"`
}

type cpuUse struct {
	UserS       float64 `json:"user_s"`
	SysS        float64 `json:"sys_s"`
	WallS       float64 `json:"wall_s"`
	CoresUsed   float64 `json:"cores_used"`
	GoMaxProcs  int     `json:"gomaxprocs"`
	Utilization float64 `json:"utilization"`
}

type summary struct {
	Version           int                  `json:"version"`
	Config            config               `json:"config"`
	StartedAt         string               `json:"started_at"`
	DurationS         float64              `json:"duration_s"`
	Requests          int                  `json:"requests"`
	Completed         int                  `json:"completed"`
	Connected         int                  `json:"connected"`
	Errors            int                  `json:"errors"`
	ErrorsByClass     map[string]int       `json:"errors_by_class"`
	ErrorsByPhase     map[string]int       `json:"errors_by_phase"`
	Dropped           int                  `json:"dropped"`
	ConnectMs         dist                 `json:"connect_ms"`
	TotalMs           dist                 `json:"total_ms"`
	Rps               float64              `json:"rps"`
	Series            []second             `json:"series"`
	Samples           map[string][]float64 `json:"samples"`
	CPU               cpuUse               `json:"cpu"`
	ScheduleLagMaxMs  float64              `json:"schedule_lag_max_ms"`
	Saturated         bool                 `json:"saturated"`
	SaturationReasons []string             `json:"saturation_reasons"`
	Nofile            uint64               `json:"nofile"`
	WatchdogFired     bool                 `json:"watchdog_fired"`
}

func rusage() (user, sys float64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return float64(ru.Utime.Nano()) / 1e9, float64(ru.Stime.Nano()) / 1e9
}

// sampleConnect keeps at most n values, chosen uniformly (a fixed seed: the same run, the same sample).
func sampleConnect(values []float64, n int) []float64 {
	out := make([]float64, 0, min(len(values), n))
	if len(values) <= n {
		for _, v := range values {
			out = append(out, round3(v))
		}
		return out
	}
	rng := rand.New(rand.NewSource(1))
	idx := rng.Perm(len(values))[:n]
	sort.Ints(idx)
	for _, i := range idx {
		out = append(out, round3(values[i]))
	}
	return out
}

func build(c *config, results []result, runStart time.Time, wall time.Duration, dropped int, lagNs int64, cpu cpuUse) summary {
	s := summary{
		Version:       1,
		Config:        *c,
		StartedAt:     runStart.UTC().Format(time.RFC3339Nano),
		DurationS:     round3(wall.Seconds()),
		Requests:      len(results),
		ErrorsByClass: map[string]int{},
		ErrorsByPhase: map[string]int{"connect": 0, "response": 0},
		Dropped:       dropped,
		Series:        []second{},
		CPU:           cpu,
	}
	for _, k := range classes {
		s.ErrorsByClass[k] = 0
	}
	// Results in the order they were started, so the raw sample follows the run.
	sort.Slice(results, func(i, j int) bool { return results[i].startNs < results[j].startNs })
	var connect, total []float64
	perSecond := map[int]*struct {
		completed, errors int
		total             []float64
	}{}
	lastSecond := -1
	for _, r := range results {
		if r.connectNs >= 0 {
			s.Connected++
			connect = append(connect, float64(r.connectNs)/1e6)
		}
		sec := int((r.startNs + r.totalNs) / int64(time.Second))
		if sec > lastSecond {
			lastSecond = sec
		}
		b := perSecond[sec]
		if b == nil {
			b = &struct {
				completed, errors int
				total             []float64
			}{}
			perSecond[sec] = b
		}
		if r.class == "" {
			s.Completed++
			ms := float64(r.totalNs) / 1e6
			total = append(total, ms)
			b.completed++
			b.total = append(b.total, ms)
		} else {
			s.Errors++
			s.ErrorsByClass[r.class]++
			s.ErrorsByPhase[r.phase]++
			b.errors++
		}
	}
	for sec := 0; sec <= lastSecond; sec++ {
		row := second{T: sec}
		if b := perSecond[sec]; b != nil {
			row.Completed, row.Errors = b.completed, b.errors
			sort.Float64s(b.total)
			row.P99TotalMs = round3(percentile(b.total, 99))
		}
		s.Series = append(s.Series, row)
	}
	s.Samples = map[string][]float64{"connect_ms": sampleConnect(connect, c.Samples)}
	s.ConnectMs = summarize(connect)
	s.TotalMs = summarize(total)
	if wall > 0 {
		s.Rps = round3(float64(s.Completed) / wall.Seconds())
	}
	s.ScheduleLagMaxMs = round3(float64(lagNs) / 1e6)
	s.SaturationReasons = []string{}
	if dropped > 0 {
		s.SaturationReasons = append(s.SaturationReasons, fmt.Sprintf("%d iterations dropped at --max-concurrency %d", dropped, c.MaxConcurrency))
	}
	if cpu.Utilization > 0.9 {
		s.SaturationReasons = append(s.SaturationReasons, fmt.Sprintf("generator CPU at %.0f%% of %d cores", cpu.Utilization*100, cpu.GoMaxProcs))
	}
	if c.Mode == "rate" && lagNs > int64(time.Second) {
		s.SaturationReasons = append(s.SaturationReasons, fmt.Sprintf("arrivals started up to %.0f ms late", float64(lagNs)/1e6))
	}
	s.Saturated = len(s.SaturationReasons) > 0
	return s
}

func main() {
	c := parseArgs(os.Args[1:])
	nofile := raiseNofile()
	if need := uint64(c.MaxConcurrency) + 64; nofile > 0 && nofile < need && (c.Mode == "rate" || uint64(c.Connections)+64 > nofile) {
		fmt.Fprintf(os.Stderr, "loadgen: warning: open-files limit %d is below the connections asked for\n", nofile)
	}
	maxDuration := time.Duration(c.MaxDurationS * float64(time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), maxDuration)
	defer cancel()

	col := &collector{results: make([]result, 0, max(c.Connections, int(math.Min(c.Rate*c.DurationS, float64(c.MaxRequests)))))}
	var mu sync.Mutex
	done := false
	var runStart time.Time
	// Watchdog: should anything hang past the bound (it should not: every connection has a
	// deadline within it), print what there is and stop.
	watchdog := time.AfterFunc(maxDuration+15*time.Second, func() {
		mu.Lock()
		defer mu.Unlock()
		if done {
			return
		}
		done = true
		col.mu.Lock()
		results := append([]result(nil), col.results...)
		col.mu.Unlock()
		u, s := rusage()
		wall := time.Since(runStart)
		cpu := cpuUse{UserS: round3(u), SysS: round3(s), WallS: round3(wall.Seconds()), GoMaxProcs: runtime.GOMAXPROCS(0)}
		sum := build(&c, results, runStart, wall, 0, 0, cpu)
		sum.WatchdogFired = true
		sum.Saturated = true
		sum.SaturationReasons = append(sum.SaturationReasons, "watchdog ended the run")
		_ = json.NewEncoder(os.Stdout).Encode(sum)
		os.Exit(3)
	})
	defer watchdog.Stop()

	u0, s0 := rusage()
	runStart = time.Now()
	dropped, lagNs := 0, int64(0)
	if c.Mode == "burst" {
		runBurst(ctx, &c, &runStart, col)
	} else {
		dropped, lagNs = runRate(ctx, &c, runStart, col)
	}
	wall := time.Since(runStart)
	u1, s1 := rusage()
	user, sys := u1-u0, s1-s0
	procs := runtime.GOMAXPROCS(0)
	cpu := cpuUse{UserS: round3(user), SysS: round3(sys), WallS: round3(wall.Seconds()), GoMaxProcs: procs}
	if wall > 0 {
		cpu.CoresUsed = round3((user + sys) / wall.Seconds())
		cpu.Utilization = round3(cpu.CoresUsed / float64(procs))
	}

	mu.Lock()
	if done {
		mu.Unlock()
		select {} // the watchdog is printing and exiting
	}
	done = true
	mu.Unlock()
	sum := build(&c, col.results, runStart, wall, dropped, lagNs, cpu)
	sum.Nofile = nofile
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(sum); err != nil {
		fmt.Fprintf(os.Stderr, "loadgen: writing the summary: %v\n", err)
		os.Exit(1)
	}
}
