import prettyMilliseconds from 'pretty-ms';

/**
 * Number and unit formatting shared by results text and every report format, so that they all
 * read alike: one unit per metric everywhere (values, intervals, differences, thresholds, chart
 * axes), and the minus sign U+2212 for every negative number.
 */

export const MINUS = '\u2212';

/** A number for people: digits by magnitude, no grouping, U+2212 for negatives. */
export function formatNumber(value: number, maximumFractionDigits?: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = maximumFractionDigits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 2 : 4);
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits, useGrouping: false });
  // -0.00001 rounds to "-0": no sign on a zero.
  return text === '-0' ? '0' : text.replace('-', MINUS);
}

/** As formatNumber, with + for positive values: for differences. */
export function formatSigned(value: number, maximumFractionDigits?: number): string {
  const text = formatNumber(value, maximumFractionDigits);
  return value > 0 && text !== '0' ? `+${text}` : text;
}

/**
 * How a metric's recorded unit is shown. Shares (`ratio`, recorded as 0..1) are shown in percent,
 * and their differences in percentage points (pp): a fall from 66.7% to 0% is −66.7 pp, while the
 * relative change is −100%.
 */
export interface DisplayUnit {
  /** Multiply a recorded value by this to show it. */
  scale: number;
  /** After a value: ' ms', '%', '' for counts. */
  suffix: string;
  /** After a difference of two values. */
  differenceSuffix: string;
  /** For a chart axis title. */
  axis: string;
}

export function displayUnit(unit: string): DisplayUnit {
  if (unit === 'ratio') return { scale: 100, suffix: '%', differenceSuffix: ' pp', axis: '%' };
  if (unit === '' || unit === 'count') return { scale: 1, suffix: '', differenceSuffix: '', axis: unit === 'count' ? 'count' : 'value' };
  return { scale: 1, suffix: ` ${unit}`, differenceSuffix: ` ${unit}`, axis: unit };
}

/** A value of a metric in its display unit: `859 ms`, `66.67%`, `1500`. */
export function formatMetricValue(value: number, unit: string): string {
  const u = displayUnit(unit);
  return `${formatNumber(value * u.scale)}${u.suffix}`;
}

/** An interval of a metric's values, in the same unit: `812 to 905 ms`, `66.07 to 67.07%`. */
export function formatMetricInterval(low: number, high: number, unit: string): string {
  const u = displayUnit(unit);
  return `${formatNumber(low * u.scale)} to ${formatNumber(high * u.scale)}${u.suffix}`;
}

/** A difference of two values of a metric, signed: `−1158 ms`, `−66.67 pp`. */
export function formatMetricDifference(value: number, unit: string): string {
  const u = displayUnit(unit);
  return `${formatSigned(value * u.scale)}${u.differenceSuffix}`;
}

/** An interval of differences: `−1867 to −813 ms`. */
export function formatDifferenceInterval(low: number, high: number, unit: string): string {
  const u = displayUnit(unit);
  return `${formatSigned(low * u.scale)} to ${formatSigned(high * u.scale)}${u.differenceSuffix}`;
}

/** A relative change in percent of the baseline: `−57%`, `+4.2%`, `n/a` without a baseline. */
export function formatPercent(value: number | null): string {
  if (value === null) return 'n/a';
  const sign = value > 0 ? '+' : value < 0 ? MINUS : '';
  return `${sign}${Math.abs(value).toFixed(Math.abs(value) >= 10 ? 0 : 1)}%`;
}

/**
 * A duration for people: `850 ms`, `59.9 s`, `1 min 59 s`, `1 h 2 min`. pretty-ms truncates each
 * unit instead of rounding it, so 119.6 s can never read as "1 min 60 s".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'n/a';
  if (ms < 1000) return `${Math.floor(ms)} ms`;
  return prettyMilliseconds(ms, { verbose: false, unitCount: 2, secondsDecimalDigits: ms < 60_000 ? 1 : 0 })
    .replace(/(\d)h\b/g, '$1 h').replace(/(\d)m\b/g, '$1 min').replace(/(\d)s\b/g, '$1 s');
}

export function formatSysctls(sysctls: Record<string, string>): string {
  const entries = Object.entries(sysctls);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : 'no sysctls';
}

export function formatP(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}
