import { parse } from '@lukeed/ms';
import { z } from 'zod';

/**
 * The one reader of durations in scenarios: the schema checks a duration with it and the run
 * converts it with it, so a value `plan` accepts is one `run` can use. Text is read by @lukeed/ms
 * (500ms, 20s, 5m, 1h, 1.5m, 2min), with a unit required against the number: a bare "10" would
 * be read as milliseconds, which no one writing a scenario means.
 */

export const DURATION_EXAMPLES = '500ms, 20s, 5m or 1h';

/** Milliseconds for a duration text, or undefined when it is not one (no unit, negative, zero, not a number). */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  // A unit is required and written against the number (20s, not 20 or 20 s), as in Go and kubectl.
  if (trimmed.length === 0 || trimmed.length > 32 || !/[a-z]$/i.test(trimmed) || /\s/.test(trimmed) || trimmed.startsWith('-')) return undefined;
  const value = parse(trimmed);
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * Milliseconds for a scenario duration (a number is seconds). Throws on text that is not a
 * duration: the schema refused it already, so reaching this is a bug, not a user error.
 */
export function durationMs(text: string | number): number {
  if (typeof text === 'number') return text * 1000;
  const value = parseDuration(text);
  if (value === undefined) throw new Error(`not a duration: ${text} (use ${DURATION_EXAMPLES})`);
  return value;
}

/** 90000 -> "90s", 120000 -> "2m": bounds in messages, in the units people write. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** True when the text reads as a duration of whole milliseconds (a refinement runs even after a type check failed). */
export function isDuration(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  const ms = parseDuration(text);
  return ms !== undefined && Number.isInteger(ms);
}

/**
 * A duration field in a scenario: whole milliseconds, because the load generator's timeouts are.
 * The scenario schema and the load modes (harness/load/modes) both use this one.
 */
export const DurationSchema = z.string().max(32)
  .refine(isDuration, `must be a duration such as ${DURATION_EXAMPLES} (a number with a unit, whole milliseconds)`)
  .describe(`A duration: ${DURATION_EXAMPLES}.`);
