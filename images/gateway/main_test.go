package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{&net.OpError{Op: "dial", Err: &osSyscallError{syscall.EADDRNOTAVAIL}}, classPorts},
		{fmt.Errorf("dial: %w", syscall.ECONNREFUSED), classRefused},
		{&net.DNSError{Err: "no such host", Name: "backend"}, classDNS},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), classReset},
		{io.ErrUnexpectedEOF, classReset},
		{fmt.Errorf("%w: 503", errUpstreamStatus), classHTTP},
		{errors.New("something else"), classOther},
	}
	for _, c := range cases {
		if got := classify(c.err); got != c.want {
			t.Errorf("classify(%v) = %s, want %s", c.err, got, c.want)
		}
	}
}

// osSyscallError wraps an errno as os.SyscallError does inside net.OpError.
type osSyscallError struct{ errno syscall.Errno }

func (e *osSyscallError) Error() string { return "connect: " + e.errno.Error() }
func (e *osSyscallError) Unwrap() error { return e.errno }

func TestNewUpstreamRefusesWhatIsNotHostPort(t *testing.T) {
	for _, bad := range []string{"", "backend", ":8080", "backend:"} {
		if _, err := newUpstream(bad, "/", time.Second); err == nil {
			t.Errorf("newUpstream(%q) accepted", bad)
		}
	}
	if _, err := newUpstream("backend:8080", "no-slash", time.Second); err == nil {
		t.Error("a path without / accepted")
	}
	if _, err := newUpstream("backend:8080", "/a b", time.Second); err == nil {
		t.Error("a path with a space accepted")
	}
}

// The gateway closes each upstream connection first: the upstream sees the gateway's FIN (EOF on
// its side) after answering, on a connection it would have kept open, and never a reset.
func TestCallClosesFirstAfterReadingTheWholeAnswer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	seen := make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			seen <- "accept: " + err.Error()
			return
		}
		defer conn.Close()
		reader := bufio.NewReader(conn)
		req, err := http.ReadRequest(reader)
		if err != nil {
			seen <- "request: " + err.Error()
			return
		}
		if req.Close {
			seen <- "the gateway asked the upstream to close"
			return
		}
		body := strings.Repeat("x", 10_000)
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
		// Keep-alive: wait for the next request, or for the gateway to close.
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err = reader.ReadByte()
		switch {
		case errors.Is(err, io.EOF):
			seen <- "eof"
		case err == nil:
			seen <- "more data"
		default:
			seen <- err.Error()
		}
	}()
	up, err := newUpstream(ln.Addr().String(), "/", 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	status, err := up.call()
	if err != nil || status != 200 {
		t.Fatalf("call: %d %v", status, err)
	}
	if got := <-seen; got != "eof" {
		t.Fatalf("upstream saw %q, want the gateway's FIN (eof)", got)
	}
}

func TestCallNamesAServerErrorAndARefusal(t *testing.T) {
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	up, _ := newUpstream(ln.Addr().String(), "/", time.Second)
	if _, err := up.call(); classify(err) != classHTTP {
		t.Fatalf("503: %v (%s)", err, classify(err))
	}
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	address := closed.Addr().String()
	closed.Close()
	up, _ = newUpstream(address, "/", time.Second)
	if _, err := up.call(); classify(err) != classRefused {
		t.Fatalf("closed port: %v (%s)", err, classify(err))
	}
}

func TestStatsCountCallsAndFailuresByClass(t *testing.T) {
	s := &stats{failed: map[string]uint64{}}
	s.record(nil)
	s.record(fmt.Errorf("x: %w", syscall.EADDRNOTAVAIL))
	s.record(fmt.Errorf("x: %w", syscall.EADDRNOTAVAIL))
	snap := s.snapshot()
	if snap["calls"] != uint64(3) || snap["ok"] != uint64(1) || snap["failed"].(map[string]uint64)[classPorts] != 2 {
		t.Fatalf("stats: %v", snap)
	}
}

func TestLooksTheUpstreamUpOnceAndAgainOnlyAfterAFailure(t *testing.T) {
	up, _ := newUpstream("backend-default:8080", "/", time.Second)
	lookups := 0
	fail := true
	up.lookup = func(host string) ([]string, error) {
		lookups++
		if host != "backend-default" {
			t.Fatalf("looked up %q", host)
		}
		if fail {
			return nil, &net.DNSError{Err: "no such host", Name: host}
		}
		return []string{"10.96.0.42"}, nil
	}
	if _, err := up.dialAddress(); classify(err) != classDNS {
		t.Fatalf("first lookup: %v", err)
	}
	fail = false
	for i := 0; i < 3; i++ {
		got, err := up.dialAddress()
		if err != nil || got != "10.96.0.42:8080" {
			t.Fatalf("dialAddress = %q, %v", got, err)
		}
	}
	if lookups != 2 {
		t.Fatalf("%d lookups, want 2 (one failed, one kept)", lookups)
	}
	literal, _ := newUpstream("10.0.0.1:80", "/", time.Second)
	literal.lookup = func(string) ([]string, error) { t.Fatal("looked up an IP"); return nil, nil }
	if got, _ := literal.dialAddress(); got != "10.0.0.1:80" {
		t.Fatalf("literal: %q", got)
	}
}
