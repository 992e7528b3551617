package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"
)

// ramp: an open model whose arrival rate follows stages (k6's ramping-arrival-rate). The rate
// starts at --start-rate and moves linearly to each stage's target over the stage's duration;
// arrival i is due when the integral of the rate reaches i. New connection per arrival, dropped
// (never delayed) at --max-concurrency, as in rate. Shard i of n takes every n-th arrival.
var rampMode = mode{
	flags: []string{"start-rate", "stages"},
	check: func(c *config) error {
		if len(c.Stages) == 0 {
			return errors.New("--mode ramp needs --stages DURATION:TARGET,... (e.g. 10s:100,30s:100)")
		}
		if c.StartRate < 0 || c.StartRate > hardMaxRate {
			return fmt.Errorf("--start-rate must be in [0, %g]", hardMaxRate)
		}
		s := newRampSchedule(c.StartRate, c.Stages)
		if s.arrivals() == 0 {
			return errors.New("--stages: the rate is 0 throughout; no arrival would be sent")
		}
		return checkOpenRun(c, s.duration(), s)
	},
	planned: func(c *config) int {
		return arrivalsOf(newRampSchedule(c.StartRate, c.Stages).arrivals(), c.ShardIndex, c.ShardCount)
	},
	open: func(*config) bool { return true },
	run: func(ctx context.Context, e *runEnv) runStats {
		return runOpen(ctx, e, newRampSchedule(e.c.StartRate, e.c.Stages))
	},
}

// checkOpenRun: the schedule fits --max-duration (with a last request's --timeout after it) and
// this shard's arrivals fit --max-requests.
func checkOpenRun(c *config, d time.Duration, s schedule) error {
	if d <= 0 || d+c.timeout > c.maxDuration {
		return fmt.Errorf("the load's duration + --timeout (%s) must be positive and within --max-duration %s", d+c.timeout, c.maxDuration)
	}
	if mine := arrivalsOf(s.arrivals(), c.ShardIndex, c.ShardCount); mine > c.MaxRequests {
		return fmt.Errorf("this shard's %d arrivals exceed --max-requests %d", mine, c.MaxRequests)
	}
	return nil
}

type rampSegment struct {
	startS, lengthS float64 // where the segment starts, and how long it is
	r0, r1          float64 // rate at its start and end
	before          float64 // arrivals due before it (the integral of the rate up to startS)
}

type rampSchedule struct {
	segments []rampSegment
	total    float64 // the integral of the rate over all stages
}

func newRampSchedule(startRate float64, stages []stage) rampSchedule {
	var s rampSchedule
	t, r := 0.0, startRate
	for _, st := range stages {
		seg := rampSegment{startS: t, lengthS: st.DurationS, r0: r, r1: st.Target, before: s.total}
		s.segments = append(s.segments, seg)
		s.total += (seg.r0 + seg.r1) / 2 * seg.lengthS
		t += st.DurationS
		r = st.Target
	}
	return s
}

func (s rampSchedule) duration() time.Duration {
	if len(s.segments) == 0 {
		return 0
	}
	last := s.segments[len(s.segments)-1]
	return time.Duration((last.startS + last.lengthS) * float64(time.Second))
}

// arrivals: every whole number i ≥ 0 with i < the integral (the same count a constant rate gives
// for a whole number rate × duration). The epsilon keeps float noise from adding one.
func (s rampSchedule) arrivals() int {
	if s.total <= 1e-9 {
		return 0
	}
	return int(math.Ceil(s.total - 1e-9))
}

// at solves integral(rate, 0, t) = i inside the stage where the integral passes i: with rate
// r0 + a·x over the stage (x from its start), r0·x + a·x²/2 = m, so x = 2m / (r0 + √(r0² + 2am)),
// a form that stays exact when a = 0 and when r0 = 0.
func (s rampSchedule) at(i int) time.Duration {
	n := float64(i)
	k := sort.Search(len(s.segments), func(j int) bool {
		seg := s.segments[j]
		return seg.before+(seg.r0+seg.r1)/2*seg.lengthS > n
	})
	if k == len(s.segments) {
		k = len(s.segments) - 1
	}
	seg := s.segments[k]
	m := n - seg.before
	a := (seg.r1 - seg.r0) / seg.lengthS
	x := 0.0
	if m > 0 {
		x = 2 * m / (seg.r0 + math.Sqrt(math.Max(0, seg.r0*seg.r0+2*a*m)))
	}
	x = math.Min(math.Max(x, 0), seg.lengthS)
	return time.Duration((seg.startS + x) * float64(time.Second))
}
