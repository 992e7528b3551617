package main

import (
	"context"
	"fmt"
	"sync"
)

// burst: N connections opened as close together as possible, one GET each. Every goroutine is
// started and parked at a gate first; the gate opens at the barrier (--start-at), so the shards of
// a burst spread over several pods still arrive together. Shard i of n opens its share of N.
var burstMode = mode{
	flags: []string{"connections"},
	check: func(c *config) error {
		mine := share(c.Connections, c.ShardIndex, c.ShardCount)
		if c.Connections <= 0 || mine > c.MaxRequests || mine > c.MaxConcurrency {
			return fmt.Errorf("--connections must be at least 1, and this shard's share (%d) within --max-requests and --max-concurrency", mine)
		}
		if c.timeout > c.maxDuration {
			return fmt.Errorf("--timeout %s exceeds --max-duration %s", c.timeout, c.maxDuration)
		}
		return nil
	},
	planned: func(c *config) int { return share(c.Connections, c.ShardIndex, c.ShardCount) },
	open:    func(*config) bool { return false },
	run:     runBurst,
}

func runBurst(ctx context.Context, e *runEnv) runStats {
	n := share(e.c.Connections, e.c.ShardIndex, e.c.ShardCount)
	var wg, ready sync.WaitGroup
	gate := make(chan struct{})
	ready.Add(n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ready.Done()
			<-gate
			runStart, _ := e.started()
			e.col.add(freshRequest(ctx, e.c, runStart, -1))
		}()
	}
	ready.Wait() // every goroutine exists and waits at the gate
	e.begin(ctx)
	close(gate)
	wg.Wait()
	return runStats{}
}
