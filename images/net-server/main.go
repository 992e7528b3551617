// net-server is the workload that sysctl-bench puts under a connection burst. It listens with a
// backlog of its own choosing (BACKLOG, passed to listen(2) directly; Go's net.Listen picks its own)
// and accepts connections at a bounded rate (ACCEPT_RATE per second, 0 = unlimited) from a single
// accept loop, so that under a burst the kernel's accept queue really fills. The kernel caps the
// backlog at net.core.somaxconn, which is what a pod sysctl changes.
//
// Settings (environment): PORT (8080), BACKLOG (65535), ACCEPT_RATE (0); KEEP_ALIVE (0: every
// request on a new connection; 1: connections kept open for loadgen's keepalive mode); STALL_EVERY_MS
// and STALL_MS (0: off): every STALL_EVERY_MS of wall time, GET / holds requests for the first
// STALL_MS of the period, as a stop-the-world pause would (what coordinated omission hides).
// Routes: GET / (small body, connection closed), GET /healthz, GET /sysctl?name=net.core.somaxconn.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

func envInt(name string, def int, min int, max int) int {
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

var sysctlName = regexp.MustCompile(`^[a-z0-9_-]+(\.[a-z0-9_-]+)+$`)

// readSysctl reads a sysctl by its dotted name from /proc/sys; the name is checked so that it can
// only ever name a file below /proc/sys.
func readSysctl(name string) (string, error) {
	if !sysctlName.MatchString(name) || len(name) > 128 {
		return "", fmt.Errorf("not a sysctl name: %q", name)
	}
	b, err := os.ReadFile("/proc/sys/" + strings.ReplaceAll(name, ".", "/"))
	if err != nil {
		return "", err
	}
	return strings.Join(strings.Fields(string(b)), " "), nil
}

// listen opens a TCP listener on 0.0.0.0:port with exactly the given listen(2) backlog.
func listen(port, backlog int) (net.Listener, error) {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, syscall.IPPROTO_TCP)
	if err != nil {
		return nil, fmt.Errorf("socket: %w", err)
	}
	if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("SO_REUSEADDR: %w", err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Port: port}); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("bind :%d: %w", port, err)
	}
	if err := syscall.Listen(fd, backlog); err != nil {
		syscall.Close(fd)
		return nil, fmt.Errorf("listen(backlog=%d): %w", backlog, err)
	}
	f := os.NewFile(uintptr(fd), "listener")
	defer f.Close() // FileListener dups the descriptor
	return net.FileListener(f)
}

// pacedListener hands out at most `rate` connections per second from one accept loop
// (http.Server.Serve calls Accept from a single goroutine). Connections it has not yet accepted
// wait in the kernel's accept queue, or are dropped by the kernel when that queue is full.
type pacedListener struct {
	net.Listener
	interval time.Duration
	mu       sync.Mutex
	next     time.Time
	accepted uint64
}

func (p *pacedListener) Accept() (net.Conn, error) {
	if p.interval > 0 {
		p.mu.Lock()
		now := time.Now()
		if p.next.Before(now) {
			// Never bank credit from idle time: a burst is paced from its first connection.
			p.next = now
		}
		wait := p.next.Sub(now)
		p.next = p.next.Add(p.interval)
		p.mu.Unlock()
		if wait > 0 {
			time.Sleep(wait)
		}
	}
	c, err := p.Listener.Accept()
	if err == nil {
		p.mu.Lock()
		p.accepted++
		p.mu.Unlock()
	}
	return c, err
}

// stall holds a request that arrives in the first `length` of a period of `every` (measured from
// the server's start) until that part of the period is over.
func stall(start time.Time, every, length time.Duration) {
	if length <= 0 {
		return
	}
	if into := time.Since(start) % every; into < length {
		time.Sleep(length - into)
	}
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("net-server: ")
	port := envInt("PORT", 8080, 1, 65535)
	backlog := envInt("BACKLOG", 65535, 1, 1<<20)
	rate := envInt("ACCEPT_RATE", 0, 0, 1_000_000)
	keepAlive := envInt("KEEP_ALIVE", 0, 0, 1) == 1
	stallEvery := time.Duration(envInt("STALL_EVERY_MS", 0, 0, 600_000)) * time.Millisecond
	stallFor := time.Duration(envInt("STALL_MS", 0, 0, 5_000)) * time.Millisecond
	if stallFor > 0 && stallFor >= stallEvery {
		log.Fatalf("STALL_MS (%s) needs a longer STALL_EVERY_MS (%s)", stallFor, stallEvery)
	}

	ln, err := listen(port, backlog)
	if err != nil {
		log.Fatal(err)
	}
	pl := &pacedListener{Listener: ln}
	if rate > 0 {
		pl.interval = time.Second / time.Duration(rate)
	}

	settings := map[string]any{
		"event":       "start",
		"port":        port,
		"backlog":     backlog,
		"accept_rate": rate,
		"keep_alive":  keepAlive,
	}
	if stallFor > 0 {
		settings["stall_every_ms"] = stallEvery.Milliseconds()
		settings["stall_ms"] = stallFor.Milliseconds()
	}
	for _, name := range []string{"net.core.somaxconn", "net.ipv4.tcp_max_syn_backlog", "net.ipv4.tcp_syncookies"} {
		if v, err := readSysctl(name); err == nil {
			settings[name] = v
		} else {
			settings[name] = "unreadable: " + err.Error()
		}
	}
	if s, ok := settings["net.core.somaxconn"].(string); ok {
		if somax, err := strconv.Atoi(s); err == nil {
			effective := backlog
			if somax < effective {
				effective = somax
			}
			settings["effective_backlog"] = effective
		}
	}
	line, _ := json.Marshal(settings)
	fmt.Fprintln(os.Stderr, string(line))

	body := []byte("ok\n")
	started := time.Now()
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/sysctl", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		v, err := readSysctl(name)
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"name": name, "error": err.Error()})
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"name": name, "value": v})
	})
	mux.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		pl.mu.Lock()
		n := pl.accepted
		pl.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"accepted": n})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		stall(started, stallEvery, stallFor)
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})

	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		WriteTimeout:      10 * time.Second,
		ErrorLog:          log.New(os.Stderr, "net-server: http: ", 0),
	}
	// By default every request is a new connection: that is what the accept queue sees.
	srv.SetKeepAlivesEnabled(keepAlive)
	log.Fatal(srv.Serve(pl))
}
