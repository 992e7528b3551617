/**
 * Kubernetes minor versions the policy model knows. The safe-sysctl list and the API-server checks
 * changed between minors, so every verdict is computed for one of these.
 */
export interface MinorVersion {
  readonly major: number;
  readonly minor: number;
}

export const OLDEST_MODELLED = '1.22';
export const NEWEST_MODELLED = '1.37';
export const DEFAULT_KUBERNETES_VERSION = '1.34';

const VERSION_PATTERN = /^v?(\d+)\.(\d+)(?:\.\d+)?$/;

/** Parses "1.34", "v1.34" or "1.34.2"; returns undefined when the text is not a version. */
export function parseMinorVersion(text: string): MinorVersion | undefined {
  const cached = parsedVersions.get(text);
  if (cached) return cached;
  const match = VERSION_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const version = Object.freeze({ major: Number(match[1]), minor: Number(match[2]) });
  if (parsedVersions.size < 1024) parsedVersions.set(text, version);
  return version;
}

// Versions are parsed for every pod validated; a handful of distinct strings exist.
const parsedVersions = new Map<string, MinorVersion>();

export function compareMinor(a: MinorVersion, b: MinorVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** True when `version` is `since` or newer; both given as "X.Y". */
export function atLeast(version: MinorVersion, since: string): boolean {
  const floor = parseMinorVersion(since);
  if (!floor) throw new Error(`bad version literal ${since}`);
  return compareMinor(version, floor) >= 0;
}

export function isModelled(version: MinorVersion): boolean {
  return atLeast(version, OLDEST_MODELLED) && !atLeast(version, nextMinor(NEWEST_MODELLED));
}

export function formatMinor(version: MinorVersion): string {
  return `${version.major}.${version.minor}`;
}

/** Every modelled minor, oldest first: handy for boundary tables. */
export function modelledVersions(): string[] {
  const oldest = parseMinorVersion(OLDEST_MODELLED)!;
  const newest = parseMinorVersion(NEWEST_MODELLED)!;
  const out: string[] = [];
  for (let minor = oldest.minor; minor <= newest.minor; minor++) out.push(`${oldest.major}.${minor}`);
  return out;
}

function nextMinor(text: string): string {
  const version = parseMinorVersion(text)!;
  return `${version.major}.${version.minor + 1}`;
}

/**
 * Kernel versions such as "4.15" or "6.8.0-45-generic": only major.minor matters for the
 * kubelet's gate (it compares with version.AtLeast on a generic version).
 */
export function kernelAtLeast(kernel: string, minimum: string): boolean {
  const have = /^(\d+)\.(\d+)/.exec(kernel.trim());
  const need = /^(\d+)\.(\d+)/.exec(minimum);
  if (!have || !need) throw new Error(`bad kernel version ${kernel} or ${minimum}`);
  const [hMaj, hMin] = [Number(have[1]), Number(have[2])];
  const [nMaj, nMin] = [Number(need[1]), Number(need[2])];
  return hMaj !== nMaj ? hMaj > nMaj : hMin >= nMin;
}

export function isKernelVersion(text: string): boolean {
  return /^\d+\.\d+/.test(text.trim());
}
