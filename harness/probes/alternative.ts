import { normaliseValue } from './sysctl-path.js';

/**
 * A value different from all the given ones, of the same shape: the first integer field moves by
 * one (down when it can, so that no limit of the host is ever raised by a proof).
 */
export function alternativeValue(current: string, avoid: readonly string[]): string {
  const fields = normaliseValue(current).split(' ');
  // BigInt: some limits sit at 2^63-1 (fs.file-max), past what a double holds exactly.
  if (!/^\d+$/.test(fields[0] ?? '')) throw new Error(`cannot derive a test value from ${JSON.stringify(current)}`);
  const first = BigInt(fields[0] ?? '0');
  for (const step of [-1n, 1n, -2n, 2n, -3n, 3n]) {
    const next = first + step;
    const candidate = [String(next), ...fields.slice(1)].join(' ');
    if (next >= 0n && candidate !== current && !avoid.includes(candidate)) return candidate;
  }
  throw new Error(`cannot derive a test value from ${JSON.stringify(current)}`);
}
