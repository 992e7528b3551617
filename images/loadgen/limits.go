package main

import (
	"encoding/json"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
)

// watchdogGrace: how long after --max-duration the watchdog waits before it prints what there is
// and exits 3. Nothing should reach it (every connection has a deadline within the bound).
const watchdogGrace = 15 * time.Second

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

func rusage() (user, sys float64) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return float64(ru.Utime.Nano()) / 1e9, float64(ru.Stime.Nano()) / 1e9
}

// cpuMeter measures the generator's own CPU over the run: user + sys over wall time, against
// GOMAXPROCS (above 90 % the generator, not the server, may be what limits the run).
type cpuMeter struct{ user0, sys0 float64 }

func startCPU() cpuMeter {
	u, s := rusage()
	return cpuMeter{u, s}
}

func (m cpuMeter) since(wall time.Duration) cpuUse {
	u, s := rusage()
	user, sys := u-m.user0, s-m.sys0
	procs := runtime.GOMAXPROCS(0)
	cpu := cpuUse{UserS: round3(user), SysS: round3(sys), WallS: round3(wall.Seconds()), GoMaxProcs: procs}
	if wall > 0 {
		cpu.CoresUsed = round3((user + sys) / wall.Seconds())
		cpu.Utilization = round3(cpu.CoresUsed / float64(procs))
	}
	return cpu
}

// printer writes the one summary exactly once, whether the run ends or the watchdog fires.
type printer struct {
	mu   sync.Mutex
	done bool
}

// print encodes s to stdout unless a summary was printed already; false when it was.
func (p *printer) print(s summary) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return false, nil
	}
	p.done = true
	return true, json.NewEncoder(os.Stdout).Encode(s)
}

// armWatchdog: should anything hang past the bound, print what there is and exit 3.
func armWatchdog(at time.Time, p *printer, snapshot func() summary) *time.Timer {
	return time.AfterFunc(time.Until(at), func() {
		s := snapshot()
		s.WatchdogFired = true
		s.Saturated = true
		s.SaturationReasons = append(s.SaturationReasons, "watchdog ended the run")
		if printed, _ := p.print(s); printed {
			os.Exit(3)
		}
	})
}
