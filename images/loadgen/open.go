package main

import (
	"context"
	"math"
	"sync"
	"time"
)

// schedule of an open model: arrival i (numbered over all shards) is due at(i) after the start,
// whatever happened to the earlier ones.
type schedule interface {
	arrivals() int
	at(i int) time.Duration
}

// constantSchedule: arrival i at i/rate, round(rate × duration) arrivals.
type constantSchedule struct {
	rate  float64
	total int
}

func newConstantSchedule(rate float64, d time.Duration) constantSchedule {
	return constantSchedule{rate: rate, total: int(math.Round(rate * d.Seconds()))}
}

func (s constantSchedule) arrivals() int { return s.total }
func (s constantSchedule) at(i int) time.Duration {
	return time.Duration(float64(i) * (float64(time.Second) / s.rate))
}

// shardArrival is the number, over all shards, of this shard's k-th arrival: shard i takes the
// arrivals ≡ i (mod n), so that n shards together keep the whole schedule.
func shardArrival(c *config, k int) int { return c.ShardIndex + k*c.ShardCount }

// runOpen starts this shard's arrivals of s, each on a new connection, at their scheduled times. An
// arrival that finds --max-concurrency requests in flight is dropped and counted, never delayed:
// delaying it would let a slow server slow the arrivals down (coordinated omission).
func runOpen(ctx context.Context, e *runEnv, s schedule) runStats {
	c := e.c
	mine := arrivalsOf(s.arrivals(), c.ShardIndex, c.ShardCount)
	var stats runStats
	runStart := e.begin(ctx)
	slots := make(chan struct{}, c.MaxConcurrency)
	var wg sync.WaitGroup
	for k := 0; k < mine; k++ {
		dueOffset := s.at(shardArrival(c, k))
		due := runStart.Add(dueOffset)
		sleepUntil(ctx, due)
		if ctx.Err() != nil {
			stats.dropped += mine - k
			break
		}
		if lag := time.Since(due).Nanoseconds(); lag > stats.maxLagNs {
			stats.maxLagNs = lag
		}
		select {
		case slots <- struct{}{}:
			wg.Add(1)
			go func(dueNs int64) {
				defer wg.Done()
				e.col.add(freshRequest(ctx, c, runStart, dueNs))
				<-slots
			}(dueOffset.Nanoseconds())
		default:
			stats.dropped++
		}
	}
	wg.Wait()
	return stats
}
