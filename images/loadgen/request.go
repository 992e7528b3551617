package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

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

// result of one request. Offsets are from the run's start; durations are -1 when not reached.
type result struct {
	dueNs       int64 // when it was scheduled to start (open models), -1 otherwise
	startNs     int64 // when it really started
	connectNs   int64 // connect time; -1 when it failed or the request reused a kept-alive connection
	waitingNs   int64 // request written → first byte of the response (time to first byte)
	receivingNs int64 // first byte → last byte of the response
	totalNs     int64 // start → last byte (service time; the connect included when there was one)
	class       string
	phase       string // "connect" or "response" when failed
}

func newResult(runStart, start time.Time, dueNs int64) result {
	return result{dueNs: dueNs, startNs: start.Sub(runStart).Nanoseconds(), connectNs: -1, waitingNs: -1, receivingNs: -1}
}

// latencyNs is the time from the scheduled start to the last byte: what a user arriving on
// schedule waited, queueing in the generator included (so a stall cannot hide behind busy
// connections). Only open models have it.
func (r result) latencyNs() int64 {
	if r.dueNs < 0 {
		return -1
	}
	return r.startNs + r.totalNs - r.dueNs
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

// firstByteReader notes when the first byte of a response arrives.
type firstByteReader struct {
	r     io.Reader
	first time.Time
}

func (f *firstByteReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if n > 0 && f.first.IsZero() {
		f.first = time.Now()
	}
	return n, err
}

// deadlineFor is the request's own deadline, never beyond the run's.
func deadlineFor(ctx context.Context, start time.Time, c *config) time.Time {
	deadline := start.Add(c.timeout)
	if ctxDeadline, ok := ctx.Deadline(); ok && ctxDeadline.Before(deadline) {
		deadline = ctxDeadline
	}
	return deadline
}

// freshRequest opens a connection, sends one GET with Connection: close, reads the whole response
// (the server closes), and times the connect, the wait for the first byte and the rest.
func freshRequest(ctx context.Context, c *config, runStart time.Time, dueNs int64) result {
	start := time.Now()
	r := newResult(runStart, start, dueNs)
	d := net.Dialer{Timeout: c.connectTimeout}
	conn, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		r.totalNs = time.Since(start).Nanoseconds()
		r.class, r.phase = classify(err), "connect"
		return r
	}
	defer conn.Close()
	r.connectNs = time.Since(start).Nanoseconds()
	_ = conn.SetDeadline(deadlineFor(ctx, start, c))
	fail := func(err error, class string) result {
		r.totalNs = time.Since(start).Nanoseconds()
		if class == "" {
			class = classify(err)
		}
		r.class, r.phase = class, "response"
		return r
	}
	if _, err := conn.Write(c.closeRequest); err != nil {
		return fail(err, "")
	}
	written := time.Now()
	fb := &firstByteReader{r: conn}
	br := bufio.NewReaderSize(fb, 4096)
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
	end := time.Now()
	r.totalNs = end.Sub(start).Nanoseconds()
	r.waitingNs = fb.first.Sub(written).Nanoseconds()
	r.receivingNs = end.Sub(fb.first).Nanoseconds()
	if code < 200 || code > 299 {
		r.class, r.phase = classHTTP, "response"
	}
	return r
}
