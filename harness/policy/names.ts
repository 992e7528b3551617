import { atLeast, DEFAULT_KUBERNETES_VERSION, parseMinorVersion, type MinorVersion } from './versions.js';

/**
 * Sysctl name rules as the API server and the kubelet apply them.
 * Sources: pkg/apis/core/validation (validateSysctls, IsValidSysctlName),
 * pkg/apis/policy/validation (IsValidSysctlPattern) and
 * component-helpers/node/util/sysctl (NamespacedBy, ConvertSysctlVariableToDotsSeparator).
 */

export const SYSCTL_MAX_LENGTH = 253;

const SEGMENT = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
/** Printed form of the API server's name regex, used verbatim in its error message (1.23+). */
export const SYSCTL_NAME_REGEX_TEXT = `(${SEGMENT}[\\./])*${SEGMENT}`;
/** Before 1.23 the API server accepted only dots as separators. */
export const SYSCTL_DOTS_ONLY_REGEX_TEXT = `(${SEGMENT}\\.)*${SEGMENT}`;
/** Printed form of the kubelet's allowlist-pattern regex: a name that may end in `*`. */
export const SYSCTL_PATTERN_REGEX_TEXT = `(${SEGMENT}[\\./])*([a-z0-9][-_a-z0-9]*)?[a-z0-9*]`;

const NAME_REGEX = new RegExp(`^${SYSCTL_NAME_REGEX_TEXT}$`);
const DOTS_ONLY_REGEX = new RegExp(`^${SYSCTL_DOTS_ONLY_REGEX_TEXT}$`);
const PATTERN_REGEX = new RegExp(`^${SYSCTL_PATTERN_REGEX_TEXT}$`);

/** Slash separators in sysctl names became legal in the API in Kubernetes 1.23. */
export const SLASH_SEPARATOR_SINCE = '1.23';

/**
 * Once slashes were always allowed (the ratcheting option went away, 1.25 by our reading), the API
 * server prints the compiled regexp itself, anchors included.
 */
export const ANCHORED_REGEX_MESSAGE_SINCE = '1.25';

/** The regex as the API server's "must ... match regex" message prints it for `version`. */
export function nameRegexTextFor(version: MinorVersion): string {
  if (!atLeast(version, SLASH_SEPARATOR_SINCE)) return SYSCTL_DOTS_ONLY_REGEX_TEXT;
  return atLeast(version, ANCHORED_REGEX_MESSAGE_SINCE) ? `^${SYSCTL_NAME_REGEX_TEXT}$` : SYSCTL_NAME_REGEX_TEXT;
}

export function isValidSysctlName(name: string, version: MinorVersion): boolean {
  if (name.length > SYSCTL_MAX_LENGTH) return false;
  return atLeast(version, SLASH_SEPARATOR_SINCE) ? NAME_REGEX.test(name) : DOTS_ONLY_REGEX.test(name);
}

export function isValidSysctlPattern(pattern: string): boolean {
  return pattern.length <= SYSCTL_MAX_LENGTH && PATTERN_REGEX.test(pattern);
}

/**
 * sysctl(8) accepts `/` in place of `.`; when the first separator is a slash, the name is in slash
 * form and every `.` inside it is part of a segment (an interface name like eno2.100), so the two
 * characters swap. A name whose first separator is a dot is already in dot form and is left alone.
 */
export function toDotSeparated(name: string): string {
  const first = name.search(/[./]/);
  if (first === -1 || name[first] === '.') return name;
  let out = '';
  for (const ch of name) out += ch === '.' ? '/' : ch === '/' ? '.' : ch;
  return out;
}

/** The file the runtime writes for a (dot-form) sysctl name. */
export function procSysPath(dotName: string): string {
  let path = '';
  for (const ch of dotName) path += ch === '.' ? '/' : ch === '/' ? '.' : ch;
  return `/proc/sys/${path}`;
}

export type KernelNamespace = 'ipc' | 'net';

/**
 * Kubernetes 1.29 (PR 118705, which also added the API server's host-namespace check) changed how
 * the kubelet decides that a sysctl is namespaced: IPC sysctls became a list of names instead of the
 * prefixes kernel.shm and kernel.msg, and the namespaces are printed "IPC" and "Net".
 */
export const NAMESPACE_BY_NAME_SINCE = '1.29';

const IPC_NAMES: ReadonlySet<string> = new Set([
  'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced', 'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni',
  // Kept so that the patterns kernel.shm* and kernel.msg* stay legal.
  'kernel.shm', 'kernel.msg',
]);

const BEFORE_1_29_EXACT: ReadonlyMap<string, KernelNamespace> = new Map([['kernel.sem', 'ipc']]);
const BEFORE_1_29_PREFIXES: ReadonlyArray<readonly [string, KernelNamespace]> = [
  ['kernel.shm', 'ipc'],
  ['kernel.msg', 'ipc'],
  ['fs.mqueue.', 'ipc'],
  ['net.', 'net'],
];

/** The five groups an administrator may allow, as the kubelet flag spells them. */
export const NAMESPACED_GROUPS = ['kernel.shm*', 'kernel.msg*', 'kernel.sem', 'fs.mqueue.*', 'net.*'] as const;

const NEWEST_MODEL = parseMinorVersion(DEFAULT_KUBERNETES_VERSION)!;

/**
 * The kernel namespace that isolates a (dot-form) sysctl or allowlist prefix, as the kubelet of
 * `version` sees it; undefined for node-level sysctls.
 */
export function namespacedBy(dotName: string, version: MinorVersion = NEWEST_MODEL): KernelNamespace | undefined {
  if (atLeast(version, NAMESPACE_BY_NAME_SINCE)) {
    if (IPC_NAMES.has(dotName)) return 'ipc';
    if (dotName.startsWith('net.')) return 'net';
    if (dotName.startsWith('fs.mqueue.')) return 'ipc';
    return undefined;
  }
  const exact = BEFORE_1_29_EXACT.get(dotName);
  if (exact) return exact;
  for (const [prefix, namespace] of BEFORE_1_29_PREFIXES) {
    if (dotName.startsWith(prefix)) return namespace;
  }
  return undefined;
}

/** How the kubelet of `version` prints a namespace in its messages. */
export function namespaceLabel(namespace: KernelNamespace, version: MinorVersion): string {
  if (!atLeast(version, NAMESPACE_BY_NAME_SINCE)) return namespace;
  return namespace === 'ipc' ? 'IPC' : 'Net';
}
