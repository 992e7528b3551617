import { ALLOWLIST_WORDING_SINCE, KUBELET_COMMAND_FAILED_SINCE, KUBELET_PLAIN_ERROR_SINCE, NAMESPACE_BY_NAME_SINCE, SLASH_PATTERNS_SINCE } from './boundaries.js';
import { goQuote } from './go-quote.js';
import { isValidSysctlPattern, namespacedBy, namespaceLabel, patternRegexTextFor, SYSCTL_MAX_LENGTH, toDotSeparated, type KernelNamespace } from './names.js';
import { atLeast, DEFAULT_KUBERNETES_VERSION, parseMinorVersion, type MinorVersion } from './versions.js';

export { goQuote } from './go-quote.js';

const DEFAULT_VERSION = parseMinorVersion(DEFAULT_KUBERNETES_VERSION)!;

/**
 * The kubelet's allowlist (pkg/kubelet/sysctl/allowlist.go; whitelist.go in 1.22): built at
 * start-up from the safe set plus --allowed-unsafe-sysctls. A pattern is an exact name or a prefix
 * ending in `*`; anything not known to be namespaced makes NewAllowlist fail and the kubelet exit.
 */
export interface AllowlistError {
  readonly pattern: string;
  /** NewAllowlist's own error text. */
  readonly message: string;
}

export interface Allowlist {
  readonly exact: ReadonlyMap<string, KernelNamespace>;
  readonly prefixes: ReadonlyArray<readonly [string, KernelNamespace]>;
}

export interface BuiltAllowlist {
  /** Built from the legal patterns only; meaningful for prediction even when errors is not empty. */
  readonly allowlist: Allowlist;
  readonly errors: AllowlistError[];
}

export function buildAllowlist(patterns: readonly string[], version: MinorVersion = DEFAULT_VERSION): BuiltAllowlist {
  const exact = new Map<string, KernelNamespace>();
  const prefixes: Array<readonly [string, KernelNamespace]> = [];
  const errors: AllowlistError[] = [];
  for (const raw of patterns) {
    const error = patternError(raw, version);
    if (error) {
      errors.push({ pattern: raw, message: error });
      continue;
    }
    const pattern = atLeast(version, SLASH_PATTERNS_SINCE) ? toDotSeparated(raw) : raw;
    const star = pattern.indexOf('*');
    if (star !== -1) {
      const prefix = pattern.slice(0, star);
      prefixes.push([prefix, namespacedBy(prefix, version)!]);
    } else {
      exact.set(pattern, namespacedBy(pattern, version)!);
    }
  }
  return { allowlist: { exact, prefixes }, errors };
}

/** NewAllowlist's verdict on one pattern: undefined when legal, else its error text. */
export function patternError(raw: string, version: MinorVersion = DEFAULT_VERSION): string | undefined {
  if (!isValidSysctlPattern(raw, version)) {
    return `sysctl ${goQuote(raw)} must have at most ${SYSCTL_MAX_LENGTH} characters and match regex ${patternRegexTextFor(version)}`;
  }
  const pattern = atLeast(version, SLASH_PATTERNS_SINCE) ? toDotSeparated(raw) : raw;
  if (atLeast(version, NAMESPACE_BY_NAME_SINCE)) {
    // GetNamespace: the message names the sysctl, or the prefix before the `*`.
    const star = pattern.indexOf('*');
    const sysctlOrPrefix = star === -1 ? pattern : pattern.slice(0, star);
    return namespacedBy(sysctlOrPrefix, version) ? undefined : `the sysctls ${goQuote(sysctlOrPrefix)} are not known to be namespaced`;
  }
  if (pattern.endsWith('*')) {
    if (!namespacedBy(pattern.slice(0, -1), version)) return `the sysctls ${goQuote(pattern)} are not known to be namespaced`;
    return undefined;
  }
  if (!namespacedBy(pattern, version)) return `the sysctl ${goQuote(pattern)} are not known to be namespaced`;
  return undefined;
}

/**
 * What the kubelet writes when it refuses to start on an illegal pattern: the part of the log line
 * after klog's header (`E0101 12:00:00.000000 1234 run.go:72] `), or the whole stderr line for 1.24.
 * klog quotes the error with Go's strconv.Quote, so the quotes inside it appear escaped.
 */
export function kubeletStartupFailure(error: AllowlistError, version: MinorVersion = DEFAULT_VERSION): string {
  const err = `failed to run Kubelet: failed to create kubelet: ${error.message}`;
  if (!atLeast(version, KUBELET_PLAIN_ERROR_SINCE)) return `"Failed to run kubelet" err=${goQuote(err)}`;
  if (!atLeast(version, KUBELET_COMMAND_FAILED_SINCE)) return `Error: ${err}`;
  return `"command failed" err=${goQuote(err)}`;
}

const NOT_ALLOWLISTED: AllowlistMatch = { kind: 'not-allowlisted' };
// A node's allowlist is asked about the same few names for every pod it judges.
const lookups = new WeakMap<Allowlist, Map<string, KernelNamespace | null>>();

function allowlistNamespace(allowlist: Allowlist, name: string): KernelNamespace | undefined {
  let cache = lookups.get(allowlist);
  if (!cache) {
    cache = new Map();
    lookups.set(allowlist, cache);
  }
  const known = cache.get(name);
  if (known !== undefined) return known ?? undefined;
  let namespace = allowlist.exact.get(name);
  if (namespace === undefined) {
    for (const [prefix, ns] of allowlist.prefixes) {
      if (name.startsWith(prefix)) {
        namespace = ns;
        break;
      }
    }
  }
  if (cache.size > 4096) cache.clear();
  cache.set(name, namespace ?? null);
  return namespace;
}

export type AllowlistMatch =
  | { readonly kind: 'allowed'; readonly namespace: KernelNamespace }
  | { readonly kind: 'not-allowlisted' }
  | { readonly kind: 'host-namespace'; readonly namespace: KernelNamespace };

export interface PodNamespaces {
  readonly hostNetwork?: boolean;
  readonly hostIPC?: boolean;
  /** spec.hostUsers; absent (nil) means true: the pod shares the host's user namespace. */
  readonly hostUsers?: boolean;
}

/**
 * The kubelet's per-sysctl admission check: exact names first, then prefixes; a match in a kernel
 * namespace that the pod shares with the host is refused. `name` is the name as the kubelet
 * compares it (see kubeletName). There is no host-UTS case: the kubelet has none.
 */
export function matchAllowlist(allowlist: Allowlist, name: string, pod: PodNamespaces): AllowlistMatch {
  const namespace = allowlistNamespace(allowlist, name);
  if (namespace === undefined) return NOT_ALLOWLISTED;
  const sharesHost = (namespace === 'ipc' && pod.hostIPC === true)
    || (namespace === 'net' && pod.hostNetwork === true)
    || (namespace === 'user' && pod.hostUsers !== false);
  return sharesHost ? { kind: 'host-namespace', namespace } : { kind: 'allowed', namespace };
}

/** The kubelet's refusal text for one sysctl (validateSysctl), as its SysctlForbidden message carries it. */
export function kubeletRefusal(match: Exclude<AllowlistMatch, { kind: 'allowed' }>, name: string, version: MinorVersion): string {
  switch (match.kind) {
    case 'not-allowlisted':
      return `forbidden sysctl: ${goQuote(name)} ${atLeast(version, ALLOWLIST_WORDING_SINCE) ? 'not allowlisted' : 'not whitelisted'}`;
    case 'host-namespace':
      return `forbidden sysctl: ${goQuote(name)} not allowed with host ${namespaceLabel(match.namespace, version)} enabled`;
    default: {
      const never: never = match;
      return never;
    }
  }
}

/**
 * Splits a kubelet flag value as pflag's StringSlice does (an encoding/csv record): commas separate,
 * nothing is trimmed, and double quotes group. Throws the csv reader's own error text on a quote
 * in the wrong place; see parseStringSliceFlag in node-settings.ts for the full flag rules.
 */
export function splitAllowFlag(value: string): string[] {
  const result = readCsvRecord(value);
  if (typeof result === 'string') throw new Error(result);
  return result;
}

/**
 * One record of Go's encoding/csv Reader with default settings (pflag string_slice.go readAsCSV):
 * empty input is an empty list; leading empty lines are skipped; `""` inside a quoted field is a
 * quote; a quote inside an unquoted field or text after a closing quote is an error. Returns the
 * fields, or the error text (`parse error on line 1, column 4: bare " in non-quoted-field`).
 */
export function readCsvRecord(value: string): string[] | string {
  if (value === '') return [];
  // readLine turns \r\n into \n; readRecord skips empty lines before the record.
  const lines = value.replace(/\r\n/g, '\n').split('\n');
  let lineIndex = 0;
  while (lineIndex < lines.length && lines[lineIndex] === '') lineIndex++;
  if (lineIndex === lines.length) return [];
  const recordLine = lineIndex + 1;
  const error = (lineNumber: number, col: number, what: string) => (recordLine === lineNumber
    ? `parse error on line ${lineNumber}, column ${col}: ${what}`
    : `record on line ${recordLine}; parse error on line ${lineNumber}, column ${col}: ${what}`);
  const fields: string[] = [];
  let line = lines[lineIndex]!;
  let pos = 0;
  for (;;) {
    if (line[pos] !== '"') {
      const comma = line.indexOf(',', pos);
      const field = comma === -1 ? line.slice(pos) : line.slice(pos, comma);
      const quote = field.indexOf('"');
      if (quote !== -1) return error(lineIndex + 1, byteColumn(line, pos + quote), 'bare " in non-quoted-field');
      fields.push(field);
      if (comma === -1) return fields;
      pos = comma + 1;
      continue;
    }
    // A quoted field, possibly running over several lines (their newlines are part of it).
    let field = '';
    pos += 1;
    for (;;) {
      const quote = line.indexOf('"', pos);
      if (quote === -1) {
        field += line.slice(pos);
        const last = lineIndex + 1 >= lines.length || (lineIndex + 2 === lines.length && lines[lineIndex + 1] === '');
        if (last) {
          // Go reports the position just past what it read: after the newline when there was one.
          const hasNewline = lineIndex + 1 < lines.length;
          return error(lineIndex + 1, byteColumn(line, line.length) + (hasNewline ? 1 : 0), 'extraneous or missing " in quoted-field');
        }
        field += '\n';
        lineIndex += 1;
        line = lines[lineIndex]!;
        pos = 0;
        continue;
      }
      field += line.slice(pos, quote);
      const next = line[quote + 1];
      if (next === '"') {
        field += '"';
        pos = quote + 2;
      } else if (next === ',') {
        fields.push(field);
        pos = quote + 2;
        break;
      } else if (next === undefined) {
        fields.push(field);
        return fields;
      } else {
        return error(lineIndex + 1, byteColumn(line, quote), 'extraneous or missing " in quoted-field');
      }
    }
  }
}

/** encoding/csv reports 1-based byte columns. */
function byteColumn(line: string, index: number): number {
  return Buffer.byteLength(line.slice(0, index), 'utf8') + 1;
}
