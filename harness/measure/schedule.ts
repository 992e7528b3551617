import type { LoadSpec } from '../load/args.js';
import { loadSpecFor } from '../scenario/limits.js';
import type { Scenario } from '../scenario/schema.js';

export type LoadEntry = NonNullable<Scenario['spec']['load']>[number];
export type IpcEntry = NonNullable<Scenario['spec']['ipc']>[number];

export interface MeasureOptions {
  repetitions: number;
  warmup: number;
  /** Scales connections, rates and durations down (end-to-end tests run every scenario small). */
  scale: number;
}

/**
 * A/B interleaving: every repetition runs each variant once, alternating which goes first, so
 * that slow drift of the machine (another job, a warming cache) falls on both variants alike.
 */
export function interleave<T>(variants: readonly T[], repetition: number): T[] {
  return repetition % 2 === 0 ? [...variants] : [...variants].reverse();
}

/** The load of an entry against a target (the scenario schema checks loads with the same function, so the run accepts what plan accepted). */
export function loadSpec(entry: LoadEntry, target: string, scale: number): LoadSpec {
  return loadSpecFor(entry, target, scale);
}

export { durationMs } from '../scenario/duration.js';
