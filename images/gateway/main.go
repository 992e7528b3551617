// gateway is the workload of the connection-churn proof: an HTTP service that, for every request it
// serves, calls its upstream on a new TCP connection and closes that connection itself once the
// answer is read, the way a service without a connection pool does. Closing first leaves the
// socket in TIME-WAIT on the gateway's side for 60 s (TCP_TIMEWAIT_LEN, which no sysctl changes),
// holding its local port towards that upstream address. When every port of
// net.ipv4.ip_local_port_range towards it is held, connect(2) fails with EADDRNOTAVAIL, unless
// net.ipv4.tcp_tw_reuse lets a new connection take over a TIME-WAIT socket older than a second.
// net.ipv4.tcp_fin_timeout, often tuned for this, only shortens FIN-WAIT-2.
//
// Settings (environment): PORT (8080), UPSTREAM (host:port, required: the harness sets it from
// workloads[].upstream), UPSTREAM_PATH (/), CONNECT_TIMEOUT_MS (2000).
// Routes: GET / (calls the upstream: 200 with its status, or 502 naming why the call failed),
// GET /healthz, GET /stats (calls and failures by class, since the start).
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Failure classes of an upstream call, by what the kernel or the upstream said.
const (
	classPorts   = "ports"   // EADDRNOTAVAIL: no local port free towards the upstream
	classRefused = "refused" // ECONNREFUSED
	classTimeout = "timeout" // connect or answer took too long
	classReset   = "reset"   // ECONNRESET, EPIPE, or the upstream closed before answering
	classDNS     = "dns"     // the upstream's name did not resolve
	classHTTP    = "http"    // the upstream answered with a status >= 500 or something not HTTP
	classOther   = "other"
)

// classify names the class of an upstream call's error.
func classify(err error) string {
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return classPorts
	case errors.Is(err, syscall.ECONNREFUSED):
		return classRefused
	case errors.As(err, &dnsErr):
		return classDNS
	case errors.As(err, &netErr) && netErr.Timeout():
		return classTimeout
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return classReset
	case errors.Is(err, errUpstreamStatus), errors.Is(err, errNotHTTP):
		return classHTTP
	}
	return classOther
}

var (
	errUpstreamStatus = errors.New("upstream answered with a server error")
	errNotHTTP        = errors.New("upstream answer is not HTTP")
)

// upstream calls one address, each call on a connection of its own that it closes first.
type upstream struct {
	address string // host:port
	path    string
	timeout time.Duration
	request []byte

	// The host's address, looked up once (a Service's cluster IP does not change): a lookup per
	// call would add a DNS query to every call and its latency to every measurement.
	mu       sync.Mutex
	resolved string
	lookup   func(host string) ([]string, error)
}

func newUpstream(address, path string, timeout time.Duration) (*upstream, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil || host == "" || port == "" {
		return nil, fmt.Errorf("UPSTREAM=%q: want host:port", address)
	}
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n") {
		return nil, fmt.Errorf("UPSTREAM_PATH=%q: want a path starting with /", path)
	}
	// No "Connection: close": the upstream keeps the connection open, so the gateway closes first.
	request := []byte("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: sysctl-bench-gateway\r\n\r\n")
	return &upstream{address: address, path: path, timeout: timeout, request: request, lookup: net.LookupHost}, nil
}

// dialAddress is the upstream as ip:port, looked up on first use and after a failed lookup.
func (u *upstream) dialAddress() (string, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.resolved != "" {
		return u.resolved, nil
	}
	host, port, _ := net.SplitHostPort(u.address)
	if net.ParseIP(host) != nil {
		u.resolved = u.address
		return u.resolved, nil
	}
	addrs, err := u.lookup(host)
	if err != nil {
		return "", err
	}
	if len(addrs) == 0 {
		return "", &net.DNSError{Err: "no address", Name: host}
	}
	u.resolved = net.JoinHostPort(addrs[0], port)
	return u.resolved, nil
}

// call makes one request on a new connection, reads the whole answer, and closes the connection.
func (u *upstream) call() (int, error) {
	address, err := u.dialAddress()
	if err != nil {
		return 0, err
	}
	conn, err := net.DialTimeout("tcp", address, u.timeout)
	if err != nil {
		return 0, err
	}
	defer conn.Close() // the active close: TIME-WAIT stays on this side
	if err := conn.SetDeadline(time.Now().Add(2 * u.timeout)); err != nil {
		return 0, err
	}
	if _, err := conn.Write(u.request); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, err
		}
		var netErr net.Error
		if errors.As(err, &netErr) {
			return 0, err
		}
		return 0, fmt.Errorf("%w: %v", errNotHTTP, err)
	}
	// Read to the end, so that the close sends a FIN, not a reset for unread data.
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 500 {
		return resp.StatusCode, fmt.Errorf("%w: %d", errUpstreamStatus, resp.StatusCode)
	}
	return resp.StatusCode, nil
}

// stats counts calls and failures by class.
type stats struct {
	mu     sync.Mutex
	calls  uint64
	ok     uint64
	failed map[string]uint64
}

func (s *stats) record(err error) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if err == nil {
		s.ok++
		return ""
	}
	class := classify(err)
	s.failed[class]++
	return class
}

func (s *stats) snapshot() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	failed := map[string]uint64{}
	for class, n := range s.failed {
		failed[class] = n
	}
	return map[string]any{"calls": s.calls, "ok": s.ok, "failed": failed}
}

func envInt(name string, def, min, max int) int {
	raw := strings.TrimSpace(os.Getenv(name))
	if raw == "" {
		return def
	}
	v, err := strconv.Atoi(raw)
	if err != nil || v < min || v > max {
		log.Fatalf("%s=%q: want an integer in [%d, %d]", name, raw, min, max)
	}
	return v
}

func readSysctl(name string) string {
	b, err := os.ReadFile("/proc/sys/" + strings.ReplaceAll(name, ".", "/"))
	if err != nil {
		return "unreadable: " + err.Error()
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("gateway: ")
	port := envInt("PORT", 8080, 1, 65535)
	timeout := time.Duration(envInt("CONNECT_TIMEOUT_MS", 2000, 1, 60_000)) * time.Millisecond
	path := os.Getenv("UPSTREAM_PATH")
	if path == "" {
		path = "/"
	}
	up, err := newUpstream(os.Getenv("UPSTREAM"), path, timeout)
	if err != nil {
		log.Fatal(err)
	}

	settings := map[string]any{"event": "start", "port": port, "upstream": up.address, "upstream_path": up.path, "connect_timeout_ms": timeout.Milliseconds()}
	for _, name := range []string{"net.ipv4.ip_local_port_range", "net.ipv4.tcp_tw_reuse", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_timestamps"} {
		settings[name] = readSysctl(name)
	}
	line, _ := json.Marshal(settings)
	fmt.Fprintln(os.Stderr, string(line))

	counts := &stats{failed: map[string]uint64{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(counts.snapshot())
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		status, err := up.call()
		class := counts.record(err)
		w.Header().Set("Content-Type", "text/plain")
		if err != nil {
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "upstream call failed (%s): %v\n", class, err)
			return
		}
		fmt.Fprintf(w, "upstream %d\n", status)
	})

	srv := &http.Server{
		Addr:              ":" + strconv.Itoa(port),
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          log.New(os.Stderr, "gateway: http: ", 0),
	}
	// Every request from the load generator is a connection of its own, as for net-server.
	srv.SetKeepAlivesEnabled(false)
	log.Fatal(srv.ListenAndServe())
}
