package main

import (
	"context"
	"fmt"
)

// rate: an open model at a constant arrival rate (k6's constant-arrival-rate): R new connections
// per second for D, one GET each, whatever the server does. Shard i of n takes every n-th arrival.
var rateMode = mode{
	flags: []string{"rate", "duration"},
	check: func(c *config) error {
		if c.Rate <= 0 || c.Rate > hardMaxRate {
			return fmt.Errorf("--rate must be in (0, %g]", hardMaxRate)
		}
		return checkOpenRun(c, c.duration, newConstantSchedule(c.Rate, c.duration))
	},
	planned: func(c *config) int {
		return arrivalsOf(newConstantSchedule(c.Rate, c.duration).arrivals(), c.ShardIndex, c.ShardCount)
	},
	open: func(*config) bool { return true },
	run: func(ctx context.Context, e *runEnv) runStats {
		return runOpen(ctx, e, newConstantSchedule(e.c.Rate, e.c.duration))
	},
}
