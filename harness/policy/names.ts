import {
  ANCHORED_REGEX_MESSAGE_SINCE, NAMESPACE_BY_NAME_SINCE, SLASH_NAMES_SINCE, SLASH_PATTERNS_SINCE, UTS_AND_USER_NAMESPACES_SINCE,
} from './boundaries.js';
import { atLeast, DEFAULT_KUBERNETES_VERSION, parseMinorVersion, type MinorVersion } from './versions.js';

export { NAMESPACE_BY_NAME_SINCE, SLASH_NAMES_SINCE, SLASH_PATTERNS_SINCE } from './boundaries.js';

/**
 * Sysctl name rules as the API server and the kubelet apply them.
 * Sources: pkg/apis/core/validation (validateSysctls, IsValidSysctlName),
 * pkg/apis/policy/validation (IsValidSysctlPattern) and
 * component-helpers/node/util/sysctl (GetNamespace, NormalizeName; pkg/kubelet/sysctl before 1.29).
 */

export const SYSCTL_MAX_LENGTH = 253;

const SEGMENT = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
/** SysctlContainSlashFmt: dots or slashes between segments. */
export const SYSCTL_NAME_REGEX_TEXT = `(${SEGMENT}[\\./])*${SEGMENT}`;
/** SysctlFmt: dots only. */
export const SYSCTL_DOTS_ONLY_REGEX_TEXT = `(${SEGMENT}\\.)*${SEGMENT}`;
const PATTERN_LAST_SEGMENT = '([a-z0-9][-_a-z0-9]*)?[a-z0-9*]';
/** SysctlContainSlashPatternFmt: a name whose last character may be `*` (1.23+). */
export const SYSCTL_PATTERN_REGEX_TEXT = `(${SEGMENT}[\\./])*${PATTERN_LAST_SEGMENT}`;
/** SysctlPatternFmt: the same with dots only (1.22). */
export const SYSCTL_DOTS_ONLY_PATTERN_REGEX_TEXT = `(${SEGMENT}\\.)*${PATTERN_LAST_SEGMENT}`;

const NAME_REGEX = new RegExp(`^${SYSCTL_NAME_REGEX_TEXT}$`);
const DOTS_ONLY_REGEX = new RegExp(`^${SYSCTL_DOTS_ONLY_REGEX_TEXT}$`);
const PATTERN_REGEX = new RegExp(`^${SYSCTL_PATTERN_REGEX_TEXT}$`);
const DOTS_ONLY_PATTERN_REGEX = new RegExp(`^${SYSCTL_DOTS_ONLY_PATTERN_REGEX_TEXT}$`);

const NEWEST_MODEL = parseMinorVersion(DEFAULT_KUBERNETES_VERSION)!;

/** The regex as the API server's "must ... match regex" message prints it for `version`. */
export function nameRegexTextFor(version: MinorVersion): string {
  if (!atLeast(version, SLASH_NAMES_SINCE)) return SYSCTL_DOTS_ONLY_REGEX_TEXT;
  return atLeast(version, ANCHORED_REGEX_MESSAGE_SINCE) ? `^${SYSCTL_NAME_REGEX_TEXT}$` : SYSCTL_NAME_REGEX_TEXT;
}

/** Whether the API server of `version` accepts `name` in a new pod. */
export function isValidSysctlName(name: string, version: MinorVersion): boolean {
  if (name.length > SYSCTL_MAX_LENGTH) return false;
  const slashes = atLeast(version, SLASH_NAMES_SINCE);
  const cache = slashes ? validWithSlashes : validDotsOnly;
  let valid = cache.get(name);
  if (valid === undefined) {
    valid = (slashes ? NAME_REGEX : DOTS_ONLY_REGEX).test(name);
    if (cache.size > 4096) cache.clear();
    cache.set(name, valid);
  }
  return valid;
}

// The same few names come back for every pod a chart renders.
const validWithSlashes = new Map<string, boolean>();
const validDotsOnly = new Map<string, boolean>();

/** Whether the kubelet of `version` accepts `pattern` in --allowed-unsafe-sysctls (the regex part only). */
export function isValidSysctlPattern(pattern: string, version: MinorVersion = NEWEST_MODEL): boolean {
  if (pattern.length > SYSCTL_MAX_LENGTH) return false;
  return atLeast(version, SLASH_PATTERNS_SINCE) ? PATTERN_REGEX.test(pattern) : DOTS_ONLY_PATTERN_REGEX.test(pattern);
}

/** The pattern regex as NewAllowlist's error prints it. */
export function patternRegexTextFor(version: MinorVersion): string {
  return atLeast(version, SLASH_PATTERNS_SINCE) ? SYSCTL_PATTERN_REGEX_TEXT : SYSCTL_DOTS_ONLY_PATTERN_REGEX_TEXT;
}

/**
 * sysctl(8) accepts `/` in place of `.`; when the first separator is a slash, the name is in slash
 * form and every `.` inside it is part of a segment (an interface name like eno2.100), so the two
 * characters swap (NormalizeName). A name whose first separator is a dot is left alone.
 */
export function toDotSeparated(name: string): string {
  let first = -1;
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code === 46) return name;
    if (code === 47) {
      first = i;
      break;
    }
  }
  if (first === -1) return name;
  let out = '';
  for (const ch of name) out += ch === '.' ? '/' : ch === '/' ? '.' : ch;
  return out;
}

/**
 * The name the kubelet of `version` compares with its allowlist: 1.22 compares the name as given,
 * 1.23+ normalises slashes first.
 */
export function kubeletName(name: string, version: MinorVersion): string {
  return atLeast(version, SLASH_PATTERNS_SINCE) ? toDotSeparated(name) : name;
}

/** The file the runtime writes for a (dot-form) sysctl name. */
export function procSysPath(dotName: string): string {
  let path = '';
  for (const ch of dotName) path += ch === '.' ? '/' : ch === '/' ? '.' : ch;
  return `/proc/sys/${path}`;
}

export type KernelNamespace = 'ipc' | 'net' | 'uts' | 'user';

const IPC_NAMES: ReadonlySet<string> = new Set([
  'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced', 'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni',
  // Kept upstream so that the patterns kernel.shm* and kernel.msg* stay legal.
  'kernel.shm', 'kernel.msg',
]);

const BEFORE_1_29_EXACT: ReadonlyMap<string, KernelNamespace> = new Map([['kernel.sem', 'ipc']]);
const BEFORE_1_29_PREFIXES: ReadonlyArray<readonly [string, KernelNamespace]> = [
  ['kernel.shm', 'ipc'],
  ['kernel.msg', 'ipc'],
  ['fs.mqueue.', 'ipc'],
  ['net.', 'net'],
];

/** The groups an administrator may allow, as the kubelet flag spells them (user.* and kernel.domainname from 1.37). */
export const NAMESPACED_GROUPS = ['kernel.shm*', 'kernel.msg*', 'kernel.sem', 'fs.mqueue.*', 'net.*'] as const;

export function namespacedGroupsFor(version: MinorVersion): string[] {
  return atLeast(version, UTS_AND_USER_NAMESPACES_SINCE) ? [...NAMESPACED_GROUPS, 'kernel.domainname', 'user.*'] : [...NAMESPACED_GROUPS];
}

/**
 * The kernel namespace that isolates a (dot-form) sysctl or allowlist prefix, as the kubelet of
 * `version` sees it; undefined for node-level sysctls.
 */
export function namespacedBy(dotName: string, version: MinorVersion = NEWEST_MODEL): KernelNamespace | undefined {
  if (atLeast(version, NAMESPACE_BY_NAME_SINCE)) {
    if (IPC_NAMES.has(dotName)) return 'ipc';
    if (dotName.startsWith('net.')) return 'net';
    if (dotName.startsWith('fs.mqueue.')) return 'ipc';
    if (atLeast(version, UTS_AND_USER_NAMESPACES_SINCE)) {
      if (dotName === 'kernel.domainname') return 'uts';
      if (dotName.startsWith('user.')) return 'user';
    }
    return undefined;
  }
  const exact = BEFORE_1_29_EXACT.get(dotName);
  if (exact) return exact;
  for (const [prefix, namespace] of BEFORE_1_29_PREFIXES) {
    if (dotName.startsWith(prefix)) return namespace;
  }
  return undefined;
}

/** How the kubelet of `version` prints a namespace in its messages ("host net" before 1.29, "host Net" after). */
export function namespaceLabel(namespace: KernelNamespace, version: MinorVersion): string {
  if (!atLeast(version, NAMESPACE_BY_NAME_SINCE)) return namespace;
  switch (namespace) {
    case 'ipc': return 'IPC';
    case 'net': return 'Net';
    case 'uts': return 'UTS';
    case 'user': return 'User';
    default: {
      const never: never = namespace;
      return never;
    }
  }
}
