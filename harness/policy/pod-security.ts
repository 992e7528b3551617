import { POD_SECURITY_SINCE } from './boundaries.js';
import { goQuote } from './go-quote.js';
import { atLeast, compareMinor, formatMinor, type MinorVersion } from './versions.js';

/**
 * Pod Security Admission (k8s.io/pod-security-admission): the API server's built-in admission
 * plugin that refuses pods by the namespace's `pod-security.kubernetes.io/*` labels, before any
 * kubelet sees them. Its `sysctls` check (policy/check_sysctls.go) allows its own list of names,
 * versioned by the policy version, which is not the kubelet's safe set: a kubelet allowlist cannot
 * make PSA admit a pod. Modelled here: label parsing and defaults (api/helpers.go
 * PolicyToEvaluate), the baseline checks that look at what sysctl-bench reads (sysctls, and the
 * host namespaces hostNetwork/hostIPC), and the messages of admission/admission.go.
 */
export const POD_SECURITY_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

export interface LevelVersion {
  readonly level: PodSecurityLevel;
  /** "latest" or "v1.N", as the label spells it. */
  readonly version: string;
}

/** A namespace's effective policy, after PSA's defaulting. */
export interface PodSecurityPolicy {
  readonly enforce: LevelVersion;
  readonly warn: LevelVersion;
  readonly audit: LevelVersion;
}

export const PSA_LABEL_PREFIX = 'pod-security.kubernetes.io/';
const LABELS = {
  enforce: `${PSA_LABEL_PREFIX}enforce`,
  enforceVersion: `${PSA_LABEL_PREFIX}enforce-version`,
  warn: `${PSA_LABEL_PREFIX}warn`,
  warnVersion: `${PSA_LABEL_PREFIX}warn-version`,
  audit: `${PSA_LABEL_PREFIX}audit`,
  auditVersion: `${PSA_LABEL_PREFIX}audit-version`,
} as const;

const PRIVILEGED_LATEST: LevelVersion = { level: 'privileged', version: 'latest' };
/** The API server's defaults when no AdmissionConfiguration says otherwise (kind's): privileged:latest for every mode. */
export const DEFAULT_POD_SECURITY: PodSecurityPolicy = { enforce: PRIVILEGED_LATEST, warn: PRIVILEGED_LATEST, audit: PRIVILEGED_LATEST };

/** An invalid label: the API server refuses the Namespace object itself with this. */
export interface LabelError {
  readonly label: string;
  readonly value: string;
  /** `metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "x": must be one of privileged, baseline, restricted` */
  readonly message: string;
}

function isLevel(text: string): text is PodSecurityLevel {
  return (POD_SECURITY_LEVELS as readonly string[]).includes(text);
}

const VERSION_LABEL = /^v1\.([0-9]|[1-9][0-9]*)$/;

export function isPodSecurityVersion(text: string): boolean {
  return text === 'latest' || VERSION_LABEL.test(text);
}

/**
 * PolicyToEvaluate: labels to the effective policy. An invalid enforce level fails closed
 * (restricted), an invalid warn or audit level fails open (privileged), an invalid version is
 * latest; warn defaults to enforce when enforce is the stricter and warn is not set.
 */
export function podSecurityFromLabels(labels: ReadonlyMap<string, string>): { policy: PodSecurityPolicy; errors: LabelError[] } {
  const errors: LabelError[] = [];
  const level = (label: string, failed: PodSecurityLevel): PodSecurityLevel | undefined => {
    const value = labels.get(label);
    if (value === undefined) return undefined;
    if (isLevel(value)) return value;
    errors.push(labelError(label, value, `must be one of ${POD_SECURITY_LEVELS.join(', ')}`));
    return failed;
  };
  const version = (label: string): string | undefined => {
    const value = labels.get(label);
    if (value === undefined) return undefined;
    if (isPodSecurityVersion(value)) return value;
    errors.push(labelError(label, value, 'must be "latest" or "v1.x"'));
    return 'latest';
  };
  const enforceLevel = level(LABELS.enforce, 'restricted');
  const enforce: LevelVersion = { level: enforceLevel ?? 'privileged', version: version(LABELS.enforceVersion) ?? 'latest' };
  const audit: LevelVersion = { level: level(LABELS.audit, 'privileged') ?? 'privileged', version: version(LABELS.auditVersion) ?? 'latest' };
  const warnLevel = level(LABELS.warn, 'privileged');
  const warnVersion = version(LABELS.warnVersion);
  let warn: LevelVersion = { level: warnLevel ?? 'privileged', version: warnVersion ?? 'latest' };
  const enforceLabelValid = enforceLevel !== undefined && isLevel(labels.get(LABELS.enforce)!);
  if (warnLevel === undefined && enforceLabelValid && strictness(enforce.level) > strictness(warn.level)) {
    warn = { level: enforce.level, version: warnVersion ?? enforce.version };
  }
  return { policy: { enforce, warn, audit }, errors };
}

function labelError(label: string, value: string, detail: string): LabelError {
  return { label, value, message: `metadata.labels[${label}]: Invalid value: ${goQuote(value)}: ${detail}` };
}

function strictness(level: PodSecurityLevel): number {
  return POD_SECURITY_LEVELS.indexOf(level);
}

/** `--pod-security baseline` or `baseline:v1.30` / `restricted:latest`: the enforce label pair, as a namespace would carry it. */
export function parsePodSecurityOption(text: string): { labels: Map<string, string> } | { error: string } {
  const [level, version, ...rest] = text.split(':');
  if (rest.length > 0 || level === undefined || !isLevel(level)) {
    return { error: `"${text}" is not LEVEL[:VERSION]: LEVEL is one of ${POD_SECURITY_LEVELS.join(', ')}` };
  }
  if (version !== undefined && !isPodSecurityVersion(version)) return { error: `"${version}" is not a Pod Security version: use latest or v1.N, e.g. v1.37` };
  const labels = new Map<string, string>([[LABELS.enforce, level]]);
  if (version !== undefined) labels.set(LABELS.enforceVersion, version);
  return { labels };
}

/** The namespace labels for a scenario's spec.podSecurity, as the run applies them. */
export function podSecurityNamespaceLabels(spec: {
  readonly enforce: PodSecurityLevel; readonly enforceVersion?: string | undefined;
  readonly warn?: PodSecurityLevel | undefined; readonly warnVersion?: string | undefined;
  readonly audit?: PodSecurityLevel | undefined; readonly auditVersion?: string | undefined;
}): Record<string, string> {
  const labels: Record<string, string> = { [LABELS.enforce]: spec.enforce };
  if (spec.enforceVersion !== undefined) labels[LABELS.enforceVersion] = spec.enforceVersion;
  if (spec.warn !== undefined) labels[LABELS.warn] = spec.warn;
  if (spec.warnVersion !== undefined) labels[LABELS.warnVersion] = spec.warnVersion;
  if (spec.audit !== undefined) labels[LABELS.audit] = spec.audit;
  if (spec.auditVersion !== undefined) labels[LABELS.auditVersion] = spec.auditVersion;
  return labels;
}

/** policy/check_sysctls.go: the allowed names, by the policy version that added them. */
const PSA_SYSCTLS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['1.0', ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start']],
  ['1.27', ['net.ipv4.ip_local_reserved_ports']],
  ['1.29', ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']],
  ['1.32', ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
  ['1.37', ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat']],
];

/** The version whose checks PSA runs: the label's, capped at the API server's own (a newer label is clamped; latest is the server's). */
export function effectivePolicyVersion(labelVersion: string, cluster: MinorVersion): MinorVersion {
  const match = VERSION_LABEL.exec(labelVersion);
  if (!match) return cluster;
  const asked = { major: 1, minor: Number(match[1]) };
  return compareMinor(asked, cluster) > 0 ? cluster : asked;
}

/** Names PSA's baseline (and restricted) sysctls check allows at a policy version. */
export function podSecuritySysctls(policyVersion: MinorVersion): Set<string> {
  const names = new Set<string>();
  for (const [since, added] of PSA_SYSCTLS) if (atLeast(policyVersion, since)) for (const name of added) names.add(name);
  return names;
}

export interface PodSecurityResult {
  readonly allowed: boolean;
  /** `host namespaces (hostNetwork=true), forbidden sysctls (kernel.msgmax, kernel.sem)` */
  readonly detail: string;
  /** The sysctl names as given that the check refused (PSA compares them as written: no slash form). */
  readonly forbiddenSysctls: string[];
}

export interface PodSecurityInput {
  readonly sysctlNames: readonly string[];
  readonly hostNetwork?: boolean;
  readonly hostIPC?: boolean;
}

/**
 * The baseline checks sysctl-bench can judge, in PSA's message order (check IDs sorted:
 * hostNamespaces before sysctls). Restricted includes them; its own container checks are not
 * evaluated (see PODSECURITY_UNEVALUATED).
 */
export function evaluatePodSecurity(levelVersion: LevelVersion, cluster: MinorVersion, pod: PodSecurityInput): PodSecurityResult {
  if (levelVersion.level === 'privileged') return { allowed: true, detail: '', forbiddenSysctls: [] };
  const reasons: string[] = [];
  const hosts = [pod.hostNetwork ? 'hostNetwork=true' : undefined, pod.hostIPC ? 'hostIPC=true' : undefined].filter((x): x is string => x !== undefined);
  if (hosts.length > 0) reasons.push(`host namespaces (${hosts.join(', ')})`);
  const allowedNames = podSecuritySysctls(effectivePolicyVersion(levelVersion.version, cluster));
  const forbiddenSysctls = pod.sysctlNames.filter((name) => !allowedNames.has(name));
  if (forbiddenSysctls.length > 0) reasons.push(`forbidden sysctls (${forbiddenSysctls.join(', ')})`);
  return { allowed: reasons.length === 0, detail: reasons.join(', '), forbiddenSysctls };
}

export const PODSECURITY_UNEVALUATED = 'sysctl-bench judges only the sysctls and host-namespace (hostNetwork, hostIPC) checks; '
  + 'the level\'s checks on containers, volumes, hostPID and ports are not read';

export function formatLevelVersion(levelVersion: LevelVersion): string {
  return `${levelVersion.level}:${levelVersion.version}`;
}

/** Whether the API server of `cluster` runs PodSecurity by default at all. */
export function podSecurityActive(cluster: MinorVersion): boolean {
  return atLeast(cluster, POD_SECURITY_SINCE);
}

/** What a kubelet allowlist can do about a Pod Security refusal: nothing. For the report's rollout section. */
export function podSecurityRolloutNote(policy: PodSecurityPolicy, cluster: MinorVersion, namespace: string): string {
  const allowed = [...podSecuritySysctls(effectivePolicyVersion(policy.enforce.version, cluster))].join(', ');
  return `Namespace ${namespace} enforces Pod Security "${formatLevelVersion(policy.enforce)}" (Kubernetes ${formatMinor(cluster)}): `
    + `the API server refuses any pod with a sysctl outside ${allowed} before a kubelet sees it, so a kubelet allowlist cannot fix that. `
    + 'Label the namespace pod-security.kubernetes.io/enforce=privileged (or run the workload in a namespace that allows it), or drop the sysctl.';
}
