/** Number formatting shared by results text and every report format, so they all read alike. */
export function formatNumber(value: number, maximumFractionDigits?: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = maximumFractionDigits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 2 : 4);
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, useGrouping: false });
}

export function formatWithUnit(value: number, unit: string): string {
  if (unit === '' || unit === 'count') return formatNumber(value);
  if (unit === 'ratio') return `${formatNumber(value * 100, 2)}%`;
  return `${formatNumber(value)} ${unit}`;
}

export function formatPercent(value: number | null): string {
  if (value === null) return 'n/a';
  const sign = value > 0 ? '+' : value < 0 ? '−' : '';
  return `${sign}${Math.abs(value).toFixed(Math.abs(value) >= 10 ? 0 : 1)}%`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

export function formatSysctls(sysctls: Record<string, string>): string {
  const entries = Object.entries(sysctls);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : 'no sysctls';
}

export function formatP(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}
