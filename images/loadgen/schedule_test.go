package main

import (
	"math"
	"testing"
	"time"
)

func TestConstantScheduleKeepsTodaysArrivals(t *testing.T) {
	s := newConstantSchedule(200, 3*time.Second)
	if s.arrivals() != 600 {
		t.Fatalf("arrivals %d, want 600", s.arrivals())
	}
	for _, i := range []int{0, 1, 599} {
		if want := time.Duration(float64(i) * (float64(time.Second) / 200)); s.at(i) != want {
			t.Fatalf("at(%d) = %v, want %v", i, s.at(i), want)
		}
	}
}

func TestRampScheduleFollowsTheStages(t *testing.T) {
	// 0 → 100/s over 10 s (500 arrivals), 100/s for 5 s (500), 100 → 0 over 10 s (500).
	s := newRampSchedule(0, []stage{{10, 100}, {5, 100}, {10, 0}})
	if s.arrivals() != 1500 || s.duration() != 25*time.Second {
		t.Fatalf("arrivals %d over %v, want 1500 over 25s", s.arrivals(), s.duration())
	}
	// In the up-ramp, rate = 10·t, so arrival i is due at √(2i/10).
	for _, i := range []int{0, 1, 10, 499} {
		want := math.Sqrt(2 * float64(i) / 10)
		if got := s.at(i).Seconds(); math.Abs(got-want) > 1e-6 {
			t.Fatalf("at(%d) = %v s, want %v s", i, got, want)
		}
	}
	// On the plateau, arrivals are 10 ms apart starting at 10 s.
	if got := s.at(500).Seconds(); math.Abs(got-10) > 1e-6 {
		t.Fatalf("at(500) = %v, want 10", got)
	}
	if got := s.at(750).Seconds(); math.Abs(got-12.5) > 1e-6 {
		t.Fatalf("at(750) = %v, want 12.5", got)
	}
	prev := time.Duration(-1)
	for i := 0; i < s.arrivals(); i++ {
		at := s.at(i)
		if at < prev || at > s.duration() {
			t.Fatalf("at(%d) = %v: not increasing within the run", i, at)
		}
		prev = at
	}
	// The down-ramp thins out: the last gaps are wider than the plateau's 10 ms.
	if gap := s.at(1499) - s.at(1498); gap <= 10*time.Millisecond {
		t.Fatalf("last gap %v should be wider than 10ms", gap)
	}
}

func TestRampWithAPauseAndAConstantStart(t *testing.T) {
	// 50/s for 2 s (start-rate 50, target 50), then nothing for 3 s, then 0 → 20 over 1 s.
	s := newRampSchedule(50, []stage{{2, 50}, {3, 0}, {1, 0}, {1, 20}})
	// 100 + the 50 → 0 ramp (75) + 0 + 10.
	if s.arrivals() != 185 {
		t.Fatalf("arrivals %d, want 185", s.arrivals())
	}
	if got := s.at(99).Seconds(); math.Abs(got-1.98) > 1e-9 {
		t.Fatalf("at(99) = %v, want 1.98", got)
	}
	for i := 175; i < 185; i++ {
		if at := s.at(i).Seconds(); at < 6 {
			t.Fatalf("arrival %d at %v s falls in the pause", i, at)
		}
	}
}

func TestShardsTogetherKeepTheWholeSchedule(t *testing.T) {
	s := newRampSchedule(5, []stage{{3, 40}, {2, 10}})
	for count := 1; count <= 5; count++ {
		seen := map[int]bool{}
		for index := 0; index < count; index++ {
			c := &config{ShardIndex: index, ShardCount: count}
			for k := 0; k < arrivalsOf(s.arrivals(), index, count); k++ {
				i := shardArrival(c, k)
				if seen[i] {
					t.Fatalf("%d shards: arrival %d taken twice", count, i)
				}
				seen[i] = true
			}
		}
		if len(seen) != s.arrivals() {
			t.Fatalf("%d shards took %d of %d arrivals", count, len(seen), s.arrivals())
		}
	}
}
