/**
 * Kubernetes minor versions the policy model knows. The safe-sysctl list and the API-server checks
 * changed between minors, so every verdict is computed for one of these.
 */
export interface MinorVersion {
  readonly major: number;
  readonly minor: number;
}

export const OLDEST_MODELLED = '1.22';
/** 1.38 as of v1.38.0-beta.0, whose sysctl code is 1.37's. */
export const NEWEST_MODELLED = '1.38';
/** What `validate` and the model judge against unless told: the newest released minor. */
export const DEFAULT_KUBERNETES_VERSION = '1.37';

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
  // Called a dozen times per sysctl judged, always with a literal: keep its rank at hand.
  let floor = sinceRanks.get(since);
  if (floor === undefined) {
    const parsed = parseMinorVersion(since);
    if (!parsed) throw new Error(`bad version literal ${since}`);
    floor = parsed.major * 1000 + parsed.minor;
    sinceRanks.set(since, floor);
  }
  return version.major * 1000 + version.minor >= floor;
}

const sinceRanks = new Map<string, number>();

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
 * A kernel release as the kubelet reads /proc/sys/kernel/osrelease: apimachinery's
 * version.ParseGeneric (pkg/util/version/version.go): optional "v", at least two dot-separated
 * numbers, no leading zero in the first, anything after the numbers ignored ("6.8.0-45-generic").
 * Undefined when the kubelet could not parse it, in which case it treats the version as unknown.
 */
export function parseKernelRelease(text: string): number[] | undefined {
  const match = /^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)$/s.exec(text);
  if (!match) return undefined;
  const components = match[1]!.split('.');
  if (components.length < 2) return undefined;
  if (components[0]!.length > 1 && components[0]!.startsWith('0')) return undefined;
  return components.map(Number);
}

/** version.AtLeast on generic versions: component by component, missing components count as 0. */
export function kernelAtLeast(kernel: string, minimum: string): boolean {
  const have = parseKernelRelease(kernel);
  const need = parseKernelRelease(minimum);
  if (!have || !need) throw new Error(`bad kernel version ${kernel} or ${minimum}`);
  for (let i = 0; i < Math.max(have.length, need.length); i++) {
    const a = have[i] ?? 0;
    const b = need[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

export function isKernelVersion(text: string): boolean {
  return parseKernelRelease(text) !== undefined;
}
