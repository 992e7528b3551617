package main

import (
	"fmt"
	"math"
	"math/rand"
	"sort"
	"time"
)

const summaryVersion = 2

// dist is a histogram read for people: count, mean (exact: sum / count) and nearest-rank
// percentiles from the histogram, in ms.
type dist struct {
	Count uint64  `json:"count"`
	Mean  float64 `json:"mean"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
}

func distOf(h *histogram) dist {
	d := dist{Count: h.count}
	if h.count == 0 {
		return d
	}
	d.Mean = round3(float64(h.sumUs) / float64(h.count) / 1000)
	d.P50, d.P90, d.P95, d.P99 = h.percentileMs(50), h.percentileMs(90), h.percentileMs(95), h.percentileMs(99)
	d.Max = float64(h.maxUs) / 1000
	return d
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// histograms of one run, all in µs and of one layout, so summaries merge exactly.
type histograms struct {
	Layout      histogramLayout `json:"layout"`
	ConnectUs   *histogram      `json:"connect_us"`   // successful connects
	TotalUs     *histogram      `json:"total_us"`     // successful requests: start → last byte (service time)
	WaitingUs   *histogram      `json:"waiting_us"`   // successful requests: request written → first byte
	ReceivingUs *histogram      `json:"receiving_us"` // successful requests: first byte → last byte
	LatencyUs   *histogram      `json:"latency_us"`   // open models: scheduled start → last byte
}

// second of the run, by the second in which requests ended.
type second struct {
	T            int        `json:"t"`
	Completed    int        `json:"completed"`
	Errors       int        `json:"errors"`
	P99TotalMs   float64    `json:"p99_total_ms"`
	P99LatencyMs *float64   `json:"p99_latency_ms,omitempty"`
	TotalUs      *histogram `json:"total_us"`
	LatencyUs    *histogram `json:"latency_us,omitempty"`
}

type cpuUse struct {
	UserS       float64 `json:"user_s"`
	SysS        float64 `json:"sys_s"`
	WallS       float64 `json:"wall_s"`
	CoresUsed   float64 `json:"cores_used"`
	GoMaxProcs  int     `json:"gomaxprocs"`
	Utilization float64 `json:"utilization"`
}

type shardInfo struct {
	Index         int     `json:"index"`
	Count         int     `json:"count"`
	StartAtUnixMs int64   `json:"start_at_unix_ms,omitempty"`
	StartLateMs   float64 `json:"start_late_ms"`
}

type summary struct {
	Version           int                  `json:"version"`
	Config            config               `json:"config"`
	Shard             shardInfo            `json:"shard"`
	OpenModel         bool                 `json:"open_model"`
	StartedAt         string               `json:"started_at"`
	StartedAtUnixMs   int64                `json:"started_at_unix_ms"`
	DurationS         float64              `json:"duration_s"`
	Planned           int                  `json:"planned"`
	Requests          int                  `json:"requests"`
	Completed         int                  `json:"completed"`
	Connected         int                  `json:"connected"`
	Reconnects        int                  `json:"reconnects"`
	Errors            int                  `json:"errors"`
	ErrorsByClass     map[string]int       `json:"errors_by_class"`
	ErrorsByPhase     map[string]int       `json:"errors_by_phase"`
	Dropped           int                  `json:"dropped"`
	ConnectMs         dist                 `json:"connect_ms"`
	TotalMs           dist                 `json:"total_ms"`
	WaitingMs         dist                 `json:"waiting_ms"`
	ReceivingMs       dist                 `json:"receiving_ms"`
	LatencyMs         dist                 `json:"latency_ms"`
	Histograms        histograms           `json:"histograms"`
	Rps               float64              `json:"rps"`
	Series            []second             `json:"series"`
	Samples           map[string][]float64 `json:"samples"`
	CPU               cpuUse               `json:"cpu"`
	ScheduleLagMaxMs  float64              `json:"schedule_lag_max_ms"`
	StoppedBy         string               `json:"stopped_by"`
	Saturated         bool                 `json:"saturated"`
	SaturationReasons []string             `json:"saturation_reasons"`
	Nofile            uint64               `json:"nofile"`
	WatchdogFired     bool                 `json:"watchdog_fired"`
}

// outcome is everything a summary is built from.
type outcome struct {
	c        *config
	open     bool
	planned  int
	results  []result
	runStart time.Time
	lateNs   int64
	wall     time.Duration
	stats    runStats
	cpu      cpuUse
}

// sampleConnect keeps at most n values, chosen uniformly (a fixed seed: the same run, the same sample).
func sampleConnect(values []float64, n int) []float64 {
	if len(values) <= n {
		return append(make([]float64, 0, len(values)), values...)
	}
	rng := rand.New(rand.NewSource(1))
	idx := rng.Perm(len(values))[:n]
	sort.Ints(idx)
	out := make([]float64, 0, n)
	for _, i := range idx {
		out = append(out, values[i])
	}
	return out
}

func build(o outcome) summary {
	c := o.c
	s := summary{
		Version:       summaryVersion,
		Config:        *c,
		Shard:         shardInfo{Index: c.ShardIndex, Count: c.ShardCount, StartAtUnixMs: c.StartAtUnixMs, StartLateMs: round3(float64(o.lateNs) / 1e6)},
		OpenModel:     o.open,
		StartedAt:     o.runStart.UTC().Format(time.RFC3339Nano),
		DurationS:     round3(o.wall.Seconds()),
		Planned:       o.planned,
		Requests:      len(o.results),
		Reconnects:    o.stats.reconnects,
		ErrorsByClass: map[string]int{},
		ErrorsByPhase: map[string]int{"connect": 0, "response": 0},
		Dropped:       o.stats.dropped,
		Histograms: histograms{
			Layout: theLayout, ConnectUs: newHistogram(), TotalUs: newHistogram(), WaitingUs: newHistogram(),
			ReceivingUs: newHistogram(), LatencyUs: newHistogram(),
		},
		Series:    []second{},
		CPU:       o.cpu,
		StoppedBy: o.stats.stoppedBy,
	}
	if !o.runStart.IsZero() {
		s.StartedAtUnixMs = o.runStart.UnixMilli()
	}
	for _, k := range classes {
		s.ErrorsByClass[k] = 0
	}
	// Results in the order they were started, so the raw sample follows the run.
	results := o.results
	sort.Slice(results, func(i, j int) bool { return results[i].startNs < results[j].startNs })
	h := s.Histograms
	var connect []float64
	perSecond := map[int]*second{}
	lastSecond := -1
	for _, r := range results {
		if r.connectNs >= 0 {
			s.Connected++
			h.ConnectUs.recordNs(r.connectNs)
			connect = append(connect, float64(r.connectNs/1000)/1000)
		}
		sec := int((r.startNs + r.totalNs) / int64(time.Second))
		lastSecond = max(lastSecond, sec)
		row := perSecond[sec]
		if row == nil {
			row = &second{T: sec, TotalUs: newHistogram()}
			if o.open {
				row.LatencyUs = newHistogram()
			}
			perSecond[sec] = row
		}
		if r.class != "" {
			s.Errors++
			s.ErrorsByClass[r.class]++
			s.ErrorsByPhase[r.phase]++
			row.Errors++
			continue
		}
		s.Completed++
		row.Completed++
		h.TotalUs.recordNs(r.totalNs)
		row.TotalUs.recordNs(r.totalNs)
		h.WaitingUs.recordNs(r.waitingNs)
		h.ReceivingUs.recordNs(r.receivingNs)
		if latency := r.latencyNs(); o.open && latency >= 0 {
			h.LatencyUs.recordNs(latency)
			row.LatencyUs.recordNs(latency)
		}
	}
	for sec := 0; sec <= lastSecond; sec++ {
		row := perSecond[sec]
		if row == nil {
			row = &second{T: sec, TotalUs: newHistogram()}
			if o.open {
				row.LatencyUs = newHistogram()
			}
		}
		row.P99TotalMs = row.TotalUs.percentileMs(99)
		if row.LatencyUs != nil {
			p := row.LatencyUs.percentileMs(99)
			row.P99LatencyMs = &p
		}
		s.Series = append(s.Series, *row)
	}
	s.Samples = map[string][]float64{"connect_ms": sampleConnect(connect, c.Samples)}
	s.ConnectMs, s.TotalMs, s.WaitingMs = distOf(h.ConnectUs), distOf(h.TotalUs), distOf(h.WaitingUs)
	s.ReceivingMs, s.LatencyMs = distOf(h.ReceivingUs), distOf(h.LatencyUs)
	if o.wall > 0 {
		s.Rps = round3(float64(s.Completed) / o.wall.Seconds())
	}
	s.ScheduleLagMaxMs = round3(float64(o.stats.maxLagNs) / 1e6)
	s.SaturationReasons = saturationReasons(o, s)
	s.Saturated = len(s.SaturationReasons) > 0
	return s
}

// saturationReasons: why this run may measure the generator rather than the server.
func saturationReasons(o outcome, s summary) []string {
	reasons := []string{}
	if o.stats.dropped > 0 {
		reasons = append(reasons, fmt.Sprintf("%d iterations dropped at --max-concurrency %d or at the run's bound", o.stats.dropped, o.c.MaxConcurrency))
	}
	if o.cpu.Utilization > 0.9 {
		reasons = append(reasons, fmt.Sprintf("generator CPU at %.0f%% of %d cores", o.cpu.Utilization*100, o.cpu.GoMaxProcs))
	}
	// Keep-alive arrivals wait for a free connection by design (that wait is the latency being
	// measured); for the new-connection modes, a late start is the generator's own lag.
	if o.open && o.c.Mode != "keepalive" && o.stats.maxLagNs > int64(time.Second) {
		reasons = append(reasons, fmt.Sprintf("arrivals started up to %.0f ms late", float64(o.stats.maxLagNs)/1e6))
	}
	if o.lateNs > int64(time.Second) {
		reasons = append(reasons, fmt.Sprintf("started %.0f ms after the --start-at barrier", float64(o.lateNs)/1e6))
	}
	if o.stats.stoppedBy != "" {
		reasons = append(reasons, fmt.Sprintf("stopped at --%s %d before --duration ended", o.stats.stoppedBy, o.c.MaxRequests))
	}
	return reasons
}
