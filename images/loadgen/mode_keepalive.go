package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// keepalive: N connections kept open, each sending one GET after another for --duration (k6's
// constant-vus: a closed model, the next request waits for the last answer). With --rate, the
// same connections carry an open model instead (like wrk2): arrivals are scheduled at the rate,
// each goes to the next free connection, and its latency counts from its scheduled time, so a
// server stall that holds every connection shows as the queueing it causes rather than as a few
// slow requests. Shard i of n keeps its share of the N connections and takes every n-th arrival.
var keepaliveMode = mode{
	flags: []string{"connections", "duration", "rate"},
	check: func(c *config) error {
		mine := share(c.Connections, c.ShardIndex, c.ShardCount)
		if c.Connections <= 0 || mine > c.MaxConcurrency {
			return fmt.Errorf("--connections must be at least 1, and this shard's share (%d) within --max-concurrency %d", mine, c.MaxConcurrency)
		}
		if c.flagsSet["rate"] && (c.Rate <= 0 || c.Rate > hardMaxRate) {
			return fmt.Errorf("--rate must be in (0, %g]", hardMaxRate)
		}
		if c.Rate > 0 {
			return checkOpenRun(c, c.duration, newConstantSchedule(c.Rate, c.duration))
		}
		if c.duration <= 0 || c.duration+c.timeout > c.maxDuration {
			return fmt.Errorf("--duration + --timeout (%s) must be positive and within --max-duration %s", c.duration+c.timeout, c.maxDuration)
		}
		return nil
	},
	planned: func(c *config) int {
		if c.Rate > 0 {
			return arrivalsOf(newConstantSchedule(c.Rate, c.duration).arrivals(), c.ShardIndex, c.ShardCount)
		}
		return 0
	},
	open: func(c *config) bool { return c.Rate > 0 },
	run:  runKeepalive,
}

func runKeepalive(ctx context.Context, e *runEnv) runStats {
	c := e.c
	workers := share(c.Connections, c.ShardIndex, c.ShardCount)
	var s schedule
	mine := 0
	if c.Rate > 0 {
		s = newConstantSchedule(c.Rate, c.duration)
		mine = arrivalsOf(s.arrivals(), c.ShardIndex, c.ShardCount)
	}
	var next, started, reconnects atomic.Int64
	var limited atomic.Bool
	runStart := e.begin(ctx)
	end := runStart.Add(c.duration)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			kc := &keptConn{c: c}
			defer kc.close()
			for ctx.Err() == nil {
				dueNs := int64(-1)
				if s != nil {
					k := int(next.Add(1) - 1)
					if k >= mine {
						return
					}
					dueOffset := s.at(shardArrival(c, k))
					sleepUntil(ctx, runStart.Add(dueOffset))
					if ctx.Err() != nil {
						return // not started: counted as dropped below
					}
					started.Add(1)
					dueNs = dueOffset.Nanoseconds()
				} else {
					if !time.Now().Before(end) {
						return
					}
					if started.Add(1) > int64(c.MaxRequests) {
						limited.Store(true)
						return
					}
				}
				r, reopened := kc.do(ctx, runStart, dueNs)
				if reopened {
					reconnects.Add(1)
				}
				e.col.add(r)
			}
		}()
	}
	wg.Wait()
	stats := runStats{reconnects: int(reconnects.Load())}
	if s != nil {
		stats.dropped = mine - int(started.Load())
	}
	if limited.Load() {
		stats.stoppedBy = "max-requests"
	}
	return stats
}

// keptConn is one kept-alive connection and what reads from it.
type keptConn struct {
	c      *config
	conn   net.Conn
	fb     *firstByteReader
	br     *bufio.Reader
	opened int // connections this worker opened
}

func (k *keptConn) close() {
	if k.conn != nil {
		_ = k.conn.Close()
		k.conn = nil
	}
}

// do sends one GET on the kept connection, opening one first when there is none. A kept
// connection the server closed while idle (EOF or a reset before any byte of the answer) is
// reopened and the request sent once more, as browsers and k6 do; that connect is timed. reopened
// is true when this request opened a connection other than the worker's first.
func (k *keptConn) do(ctx context.Context, runStart time.Time, dueNs int64) (r result, reopened bool) {
	start := time.Now()
	r = newResult(runStart, start, dueNs)
	deadline := deadlineFor(ctx, start, k.c)
	for attempt := 0; ; attempt++ {
		fresh := k.conn == nil
		if fresh {
			d := net.Dialer{Timeout: k.c.connectTimeout, Deadline: deadline}
			connectStart := time.Now()
			conn, err := d.DialContext(ctx, "tcp", k.c.addr)
			if err != nil {
				r.totalNs = time.Since(start).Nanoseconds()
				r.class, r.phase = classify(err), "connect"
				return r, false
			}
			r.connectNs = time.Since(connectStart).Nanoseconds()
			k.conn = conn
			k.fb = &firstByteReader{r: conn}
			k.br = bufio.NewReaderSize(k.fb, 4096)
			k.opened++
			reopened = reopened || k.opened > 1
		}
		_ = k.conn.SetDeadline(deadline)
		k.fb.first = time.Time{}
		if _, err := k.conn.Write(k.c.keepRequest); err != nil {
			k.close()
			if !fresh && attempt == 0 && staleConn(err, false) {
				continue
			}
			return k.failed(r, start, err, ""), reopened
		}
		written := time.Now()
		resp, err := http.ReadResponse(k.br, nil)
		if err != nil {
			gotBytes := !k.fb.first.IsZero()
			k.close()
			if !fresh && attempt == 0 && staleConn(err, gotBytes) {
				continue
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return k.failed(r, start, err, classReset), reopened
			}
			return k.failed(r, start, err, ""), reopened
		}
		_, err = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			k.close()
			return k.failed(r, start, err, ""), reopened
		}
		end := time.Now()
		r.totalNs = end.Sub(start).Nanoseconds()
		r.waitingNs = k.fb.first.Sub(written).Nanoseconds()
		r.receivingNs = end.Sub(k.fb.first).Nanoseconds()
		if resp.Close {
			k.close() // the server ends the connection after this answer: the next request reconnects
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			r.class, r.phase = classHTTP, "response"
		}
		return r, reopened
	}
}

func (k *keptConn) failed(r result, start time.Time, err error, class string) result {
	r.totalNs = time.Since(start).Nanoseconds()
	if class == "" {
		class = classify(err)
	}
	r.class, r.phase = class, "response"
	return r
}

// staleConn: the server had closed a kept-alive connection before this request reached it.
func staleConn(err error, gotBytes bool) bool {
	if gotBytes {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
