package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
)

// A log-linear histogram of durations in whole microseconds, with one fixed bucket layout, so that
// the summaries of several load generators (pods or containers of one measurement) merge exactly:
// counts and sums add, and the percentiles of the merge come from the merged buckets, never from
// an average of percentiles. harness/load/histogram.ts is the same layout in TypeScript; both are
// checked against testdata/histogram-vectors.json.
//
// Layout (HDR-style, 7 sub-bucket bits): a value v < 128 µs has a bucket of its own (exact). Above,
// each power of two [2^e, 2^(e+1)) is cut into 128 buckets of width 2^(e-7): index =
// (e-7)*128 + (v >> (e-7)). A bucket's width is at most 1/128 of its lower bound, and a percentile
// reports the bucket's midpoint (clamped to the exact min and max), so it is within 1/256 (0.4 %)
// of a value of that rank. Values are truncated to whole microseconds first; values at or above
// 2^36 µs (19 hours) are counted in the last bucket.
const (
	histSubBucketBits = 7
	histSubBuckets    = 1 << histSubBucketBits // 128
	histMaxExponent   = 36                     // values < 2^36 µs are bucketed exactly as above
	histBucketCount   = (histMaxExponent - histSubBucketBits + 1) * histSubBuckets
	histMaxValueUs    = 1<<histMaxExponent - 1
)

// histogramLayout is written into every summary, so a reader can refuse to merge another layout.
type histogramLayout struct {
	Name          string `json:"name"`
	Unit          string `json:"unit"`
	SubBucketBits int    `json:"sub_bucket_bits"`
	Buckets       int    `json:"buckets"`
}

var theLayout = histogramLayout{Name: "log-linear", Unit: "us", SubBucketBits: histSubBucketBits, Buckets: histBucketCount}

type histogram struct {
	counts []uint64
	count  uint64
	sumUs  uint64
	minUs  uint64
	maxUs  uint64
}

func newHistogram() *histogram { return &histogram{counts: make([]uint64, histBucketCount)} }

// bucketIndex maps a value in µs to its bucket.
func bucketIndex(us uint64) int {
	if us > histMaxValueUs {
		us = histMaxValueUs
	}
	if us < histSubBuckets {
		return int(us)
	}
	shift := 63 - bits.LeadingZeros64(us) - histSubBucketBits // e - 7
	return shift*histSubBuckets + int(us>>uint(shift))
}

// bucketBounds gives a bucket's lowest value and its width, in µs.
func bucketBounds(index int) (lowerUs, widthUs uint64) {
	if index < 2*histSubBuckets {
		return uint64(index), 1
	}
	shift := index/histSubBuckets - 1
	sub := uint64(index - shift*histSubBuckets) // in [128, 256)
	return sub << uint(shift), 1 << uint(shift)
}

// recordNs adds one duration given in nanoseconds (negative counts as 0).
func (h *histogram) recordNs(ns int64) {
	if ns < 0 {
		ns = 0
	}
	h.recordUs(uint64(ns / 1000))
}

func (h *histogram) recordUs(us uint64) {
	h.counts[bucketIndex(us)]++
	if h.count == 0 || us < h.minUs {
		h.minUs = us
	}
	if us > h.maxUs {
		h.maxUs = us
	}
	h.count++
	h.sumUs += us
}

// merge adds another histogram of the same layout into h.
func (h *histogram) merge(o *histogram) {
	if o.count == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.count == 0 || o.minUs < h.minUs {
		h.minUs = o.minUs
	}
	if o.maxUs > h.maxUs {
		h.maxUs = o.maxUs
	}
	h.count += o.count
	h.sumUs += o.sumUs
}

// percentileUs is the nearest-rank percentile: the value of rank ceil(p*count/100) (at least 1),
// reported as its bucket's midpoint clamped to [min, max]; the last rank is the exact max.
// harness/load/histogram.ts computes exactly this (same expression order, same float operations).
func (h *histogram) percentileUs(p float64) uint64 {
	if h.count == 0 {
		return 0
	}
	rank := uint64(math.Ceil(p * float64(h.count) / 100))
	if rank < 1 {
		rank = 1
	}
	if rank >= h.count {
		return h.maxUs
	}
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			lower, width := bucketBounds(i)
			mid := lower + width/2
			return min(max(mid, h.minUs), h.maxUs)
		}
	}
	return h.maxUs
}

// percentileMs is percentileUs in milliseconds: an integer number of µs divided by 1000, which
// JavaScript computes to the same double.
func (h *histogram) percentileMs(p float64) float64 { return float64(h.percentileUs(p)) / 1000 }

// histogramJSON is the serialised form: exact count, sum, min and max, and the non-empty buckets
// as [index, count] pairs in ascending index order.
type histogramJSON struct {
	Count   uint64      `json:"count"`
	SumUs   uint64      `json:"sum_us"`
	MinUs   uint64      `json:"min_us"`
	MaxUs   uint64      `json:"max_us"`
	Buckets [][2]uint64 `json:"buckets"`
}

func (h *histogram) MarshalJSON() ([]byte, error) {
	out := histogramJSON{Count: h.count, SumUs: h.sumUs, MinUs: h.minUs, MaxUs: h.maxUs, Buckets: [][2]uint64{}}
	for i, c := range h.counts {
		if c > 0 {
			out.Buckets = append(out.Buckets, [2]uint64{uint64(i), c})
		}
	}
	return json.Marshal(out)
}

func (h *histogram) UnmarshalJSON(data []byte) error {
	var in histogramJSON
	if err := json.Unmarshal(data, &in); err != nil {
		return err
	}
	*h = *newHistogram()
	var total uint64
	for _, b := range in.Buckets {
		if b[0] >= histBucketCount {
			return fmt.Errorf("histogram bucket %d outside the layout (%d buckets)", b[0], histBucketCount)
		}
		h.counts[b[0]] += b[1]
		total += b[1]
	}
	if total != in.Count {
		return fmt.Errorf("histogram buckets hold %d values, count says %d", total, in.Count)
	}
	h.count, h.sumUs, h.minUs, h.maxUs = in.Count, in.SumUs, in.MinUs, in.MaxUs
	return nil
}
