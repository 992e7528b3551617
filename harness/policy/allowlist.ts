import {
  isValidSysctlPattern,
  namespacedBy,
  NAMESPACE_BY_NAME_SINCE,
  SYSCTL_MAX_LENGTH,
  SYSCTL_PATTERN_REGEX_TEXT,
  toDotSeparated,
  type KernelNamespace,
} from './names.js';
import { atLeast, DEFAULT_KUBERNETES_VERSION, parseMinorVersion, type MinorVersion } from './versions.js';

const DEFAULT_VERSION = parseMinorVersion(DEFAULT_KUBERNETES_VERSION)!;

/**
 * The kubelet's allowlist (pkg/kubelet/sysctl/allowlist.go): built at start-up from the safe set
 * plus --allowed-unsafe-sysctls. A pattern is an exact name or a prefix ending in `*`; anything not
 * known to be namespaced makes NewAllowlist fail and the kubelet exit.
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
    const pattern = toDotSeparated(raw);
    if (pattern.endsWith('*')) {
      const prefix = pattern.slice(0, -1);
      prefixes.push([prefix, namespacedBy(prefix, version)!]);
    } else {
      exact.set(pattern, namespacedBy(pattern, version)!);
    }
  }
  return { allowlist: { exact, prefixes }, errors };
}

/** NewAllowlist's verdict on one pattern: undefined when legal, else its error text. */
export function patternError(raw: string, version: MinorVersion = DEFAULT_VERSION): string | undefined {
  if (!isValidSysctlPattern(raw)) {
    return `sysctl ${goQuote(raw)} must have at most ${SYSCTL_MAX_LENGTH} characters and match regex ${SYSCTL_PATTERN_REGEX_TEXT}`;
  }
  const pattern = toDotSeparated(raw);
  if (atLeast(version, NAMESPACE_BY_NAME_SINCE)) {
    // From 1.29 the message names the sysctl or the prefix before the `*`.
    const sysctlOrPrefix = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
    return namespacedBy(sysctlOrPrefix, version) ? undefined : `the sysctls ${goQuote(sysctlOrPrefix)} are not known to be namespaced`;
  }
  if (pattern.endsWith('*')) {
    if (!namespacedBy(pattern.slice(0, -1), version)) return `the sysctls ${goQuote(pattern)} are not known to be namespaced`;
    return undefined;
  }
  if (!namespacedBy(pattern, version)) return `the sysctl ${goQuote(pattern)} are not known to be namespaced`;
  return undefined;
}

/** What the kubelet's log says when it refuses to start on an illegal pattern. */
export function kubeletStartupFailure(error: AllowlistError): string {
  return `"Failed to run kubelet" err="failed to run Kubelet: failed to create kubelet: ${error.message.replaceAll('"', '\\"')}"`;
}

export type AllowlistMatch =
  | { readonly kind: 'allowed'; readonly namespace: KernelNamespace }
  | { readonly kind: 'not-allowlisted' }
  | { readonly kind: 'host-namespace'; readonly namespace: KernelNamespace };

/**
 * The kubelet's per-sysctl admission check: exact names first, then prefixes; a match in a kernel
 * namespace that the pod shares with the host is refused.
 */
export function matchAllowlist(
  allowlist: Allowlist,
  dotName: string,
  pod: { readonly hostNetwork?: boolean; readonly hostIPC?: boolean },
): AllowlistMatch {
  let namespace = allowlist.exact.get(dotName);
  if (namespace === undefined) {
    for (const [prefix, ns] of allowlist.prefixes) {
      if (dotName.startsWith(prefix)) {
        namespace = ns;
        break;
      }
    }
  }
  if (namespace === undefined) return { kind: 'not-allowlisted' };
  if ((namespace === 'ipc' && pod.hostIPC) || (namespace === 'net' && pod.hostNetwork)) {
    return { kind: 'host-namespace', namespace };
  }
  return { kind: 'allowed', namespace };
}

/**
 * Splits the kubelet flag value as pflag's string slice does: commas only, no trimming, so a stray
 * space becomes part of a pattern and the kubelet rejects it, exactly as it would on a node.
 */
export function splitAllowFlag(value: string): string[] {
  return value === '' ? [] : value.split(',');
}

/** Go's %q for the plain ASCII names we deal with. */
export function goQuote(text: string): string {
  return JSON.stringify(text);
}
