import { buildAllowlist, goQuote, matchAllowlist, type AllowlistError } from './allowlist.js';
import { isValidSysctlName, nameRegexTextFor, namespacedBy, namespaceLabel, procSysPath, SYSCTL_MAX_LENGTH, toDotSeparated } from './names.js';
import { safeSysctlEntry, safeSysctlsFor, isSafeOn } from './safe-sysctls.js';
import { valueProblem } from './values.js';
import { atLeast, DEFAULT_KUBERNETES_VERSION, parseMinorVersion, type MinorVersion } from './versions.js';

export type SysctlClass = 'safe' | 'unsafe' | 'node-level' | 'invalid';
export type Verdict = 'allowed' | 'forbidden' | 'invalid' | 'unsupported';
/** Who turns the pod away: the API server refuses the object, the kubelet fails the pod, the runtime never starts it. */
export type Rejecter = 'api-server' | 'kubelet' | 'runtime';

export interface SysctlSetting {
  readonly name: string;
  readonly value: string;
}

export interface NodeSettings {
  /** The kubelet's --allowed-unsafe-sysctls patterns, as given. */
  readonly allowedUnsafeSysctls: readonly string[];
  /** "X.Y"; defaults to DEFAULT_KUBERNETES_VERSION. */
  readonly kubernetesVersion?: string;
  /** Names the node kernel has under /proc/sys (dot form); absent means "assume present". */
  readonly kernelSysctls?: ReadonlySet<string> | readonly string[];
  /** The node's kernel release ("6.8.0-45-generic"); absent means new enough for every safe sysctl. */
  readonly kernelVersion?: string;
}

export interface PodSettings {
  readonly hostNetwork?: boolean;
  readonly hostIPC?: boolean;
  /** For API-server messages: the object as `kubectl apply` would name it. Defaults to a Pod. */
  readonly object?: { readonly kind: string; readonly name: string; readonly podSpecPath: string };
}

export interface SysctlVerdict {
  readonly name: string;
  readonly value: string;
  readonly class: SysctlClass;
  readonly verdict: Verdict;
  readonly rejectedBy?: Rejecter;
  /** The reason Kubernetes reports (SysctlForbidden, FieldValueInvalid, ...). */
  readonly reason?: string;
  /** The message Kubernetes reports for this sysctl. */
  readonly message?: string;
  /** What to change, for people. */
  readonly fix?: string;
}

export interface AdmissionPrediction {
  readonly admitted: boolean;
  readonly rejectedBy?: Rejecter;
  readonly reason?: string;
  readonly message?: string;
  readonly sysctls: SysctlVerdict[];
  /** Illegal allowlist patterns: with any of these the kubelet does not start at all. */
  readonly allowlistErrors: AllowlistError[];
}

/** The API server has refused namespaced sysctls in pods sharing that namespace with the host since 1.29. */
export const HOST_NAMESPACE_VALIDATION_SINCE = '1.29';

const API_GROUPS: Readonly<Record<string, string>> = {
  Deployment: 'apps', StatefulSet: 'apps', DaemonSet: 'apps', ReplicaSet: 'apps', Job: 'batch', CronJob: 'batch',
};

/**
 * Predicts what Kubernetes does with a pod's `securityContext.sysctls` on a node: API-server
 * validation first (the object is refused), then the kubelet's allowlist (the pod fails with
 * SysctlForbidden), then the runtime writing /proc/sys (the sandbox is never created).
 * Pure: same input, same answer.
 */
export function predictAdmission(
  sysctls: readonly SysctlSetting[],
  node: NodeSettings,
  pod: PodSettings = {},
): AdmissionPrediction {
  const version = requireVersion(node.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION);
  const { allowlist, errors: allowlistErrors } = kubeletAllowlistFor(version, node);
  const specPath = pod.object?.podSpecPath ?? 'spec';
  const kernelSysctls = node.kernelSysctls === undefined || node.kernelSysctls instanceof Set
    ? node.kernelSysctls as ReadonlySet<string> | undefined
    : new Set(node.kernelSysctls);
  const seen = new Set<string>();

  const verdicts = sysctls.map((sysctl, index): SysctlVerdict => {
    const fieldPath = `${specPath}.securityContext.sysctls[${index}].name`;
    const duplicate = seen.has(sysctl.name);
    seen.add(sysctl.name);
    const validName = sysctl.name !== '' && isValidSysctlName(sysctl.name, version);
    const apiError = apiServerError(sysctl.name, validName, fieldPath, duplicate, version, pod);
    const dotName = toDotSeparated(sysctl.name);
    const sysctlClass = validName ? classifyValid(dotName, version, node.kernelVersion) : 'invalid';
    if (apiError) return { ...sysctl, class: sysctlClass, verdict: 'invalid', rejectedBy: 'api-server', ...apiError };

    const match = matchAllowlist(allowlist, dotName, pod);
    if (match.kind !== 'allowed') {
      const reasonText = match.kind === 'not-allowlisted'
        ? `${goQuote(dotName)} not allowlisted`
        : `${goQuote(dotName)} not allowed with host ${namespaceLabel(match.namespace, version)} enabled`;
      return {
        ...sysctl, class: sysctlClass, verdict: 'forbidden', rejectedBy: 'kubelet', reason: 'SysctlForbidden',
        message: `forbidden sysctl: ${reasonText}`,
        fix: match.kind === 'not-allowlisted' ? allowlistFix(dotName, sysctlClass, version, node.kernelVersion) : hostNamespaceFix(dotName, match.namespace),
      };
    }

    if (kernelSysctls && !kernelSysctls.has(dotName)) {
      return {
        ...sysctl, class: sysctlClass, verdict: 'unsupported', rejectedBy: 'runtime', reason: 'FailedCreatePodSandBox',
        message: `open ${procSysPath(dotName)}: no such file or directory`,
        fix: `the node kernel has no ${procSysPath(dotName)}: remove ${dotName} from the pod or run it on a kernel that has it`,
      };
    }

    const problem = valueProblem(dotName, sysctl.value);
    if (problem) {
      return {
        ...sysctl, class: sysctlClass, verdict: 'invalid', rejectedBy: 'runtime', reason: 'InvalidSysctlValue',
        message: `value ${goQuote(sysctl.value)} for ${dotName} ${problem}; writing ${procSysPath(dotName)} would fail with "invalid argument"`,
        fix: `give ${dotName} a value that ${problem.replace(/^must /, 'must ')}`,
      };
    }
    return { ...sysctl, class: sysctlClass, verdict: 'allowed' };
  });

  return { ...overallOutcome(verdicts, pod), sysctls: verdicts, allowlistErrors };
}

const allowlistCache = new Map<string, ReturnType<typeof buildAllowlist>>();

/**
 * The kubelet builds its allowlist once at start-up; validating many pods against one node should
 * too. Cached by everything the list depends on (bounded: a run uses a handful of node settings).
 */
function kubeletAllowlistFor(version: MinorVersion, node: NodeSettings): ReturnType<typeof buildAllowlist> {
  const key = `${version.major}.${version.minor}|${node.kernelVersion ?? ''}|${node.allowedUnsafeSysctls.join('\u0000')}`;
  let built = allowlistCache.get(key);
  if (!built) {
    if (allowlistCache.size > 256) allowlistCache.clear();
    built = buildAllowlist([...safeSysctlsFor(version, node.kernelVersion), ...node.allowedUnsafeSysctls], version);
    allowlistCache.set(key, built);
  }
  return { allowlist: built.allowlist, errors: [...built.errors] };
}

/** A sysctl's class for a Kubernetes version and (optionally) a node kernel. */
export function classify(name: string, version: MinorVersion, kernelVersion?: string): SysctlClass {
  if (name === '' || !isValidSysctlName(name, version)) return 'invalid';
  return classifyValid(toDotSeparated(name), version, kernelVersion);
}

function classifyValid(dotName: string, version: MinorVersion, kernelVersion?: string): SysctlClass {
  const safe = safeSysctlEntry(dotName);
  if (safe && isSafeOn(safe, version, kernelVersion)) return 'safe';
  return namespacedBy(dotName, version) ? 'unsafe' : 'node-level';
}

function apiServerError(
  name: string, validName: boolean, fieldPath: string, duplicate: boolean, version: MinorVersion, pod: PodSettings,
): { reason: string; message: string; fix: string } | undefined {
  if (name === '') {
    return { reason: 'FieldValueRequired', message: `${fieldPath}: Required value`, fix: 'give every sysctl entry a name' };
  }
  if (!validName) {
    return {
      reason: 'FieldValueInvalid',
      message: `${fieldPath}: Invalid value: ${goQuote(name)}: must have at most ${SYSCTL_MAX_LENGTH} characters and match regex ${nameRegexTextFor(version)}`,
      fix: 'use a lowercase sysctl name of dot-separated segments, e.g. net.core.somaxconn',
    };
  }
  if (duplicate) {
    return { reason: 'FieldValueDuplicate', message: `${fieldPath}: Duplicate value: ${goQuote(name)}`, fix: `set ${name} only once` };
  }
  if (atLeast(version, HOST_NAMESPACE_VALIDATION_SINCE)) {
    const namespace = namespacedBy(toDotSeparated(name), version);
    if (namespace === 'net' && pod.hostNetwork) {
      return {
        reason: 'FieldValueInvalid',
        message: `${fieldPath}: Invalid value: ${goQuote(name)}: may not be specified when 'hostNetwork' is true`,
        fix: hostNamespaceFix(name, 'net'),
      };
    }
    if (namespace === 'ipc' && pod.hostIPC) {
      return {
        reason: 'FieldValueInvalid',
        message: `${fieldPath}: Invalid value: ${goQuote(name)}: may not be specified when 'hostIPC' is true`,
        fix: hostNamespaceFix(name, 'ipc'),
      };
    }
  }
  return undefined;
}

function overallOutcome(verdicts: readonly SysctlVerdict[], pod: PodSettings): Omit<AdmissionPrediction, 'sysctls' | 'allowlistErrors'> {
  const apiErrors = verdicts.filter((v) => v.rejectedBy === 'api-server');
  if (apiErrors.length > 0) {
    const object = pod.object ?? { kind: 'Pod', name: 'pod', podSpecPath: 'spec' };
    const group = API_GROUPS[object.kind];
    const causes = apiErrors.map((v) => v.message!);
    const detail = causes.length === 1 ? causes[0] : `[${causes.join(', ')}]`;
    return {
      admitted: false, rejectedBy: 'api-server', reason: 'Invalid',
      message: `${object.kind}${group ? `.${group}` : ''} ${goQuote(object.name)} is invalid: ${detail}`,
    };
  }
  // The kubelet stops at the first sysctl it refuses, in spec order.
  const forbidden = verdicts.find((v) => v.rejectedBy === 'kubelet');
  if (forbidden) return { admitted: false, rejectedBy: 'kubelet', reason: 'SysctlForbidden', message: forbidden.message! };
  const runtime = verdicts.find((v) => v.rejectedBy === 'runtime');
  if (runtime) {
    return { admitted: false, rejectedBy: 'runtime', reason: 'FailedCreatePodSandBox', message: `Failed to create pod sandbox: ${runtime.message!}` };
  }
  return { admitted: true };
}

function allowlistFix(dotName: string, sysctlClass: SysctlClass, version: MinorVersion, kernelVersion?: string): string {
  if (sysctlClass === 'node-level') {
    return `${dotName} is node-level (not namespaced): no pod may set it; tune it on the node (sysctl.d or a node tuning DaemonSet) instead`;
  }
  const safe = safeSysctlEntry(dotName);
  if (safe && !atLeast(version, safe.since)) {
    return `add ${dotName} to --allowed-unsafe-sysctls (it is safe by default only from Kubernetes ${safe.since})`;
  }
  if (safe?.minKernel && kernelVersion) {
    return `add ${dotName} to --allowed-unsafe-sysctls, or run a kernel >= ${safe.minKernel} (the kubelet drops it from the safe set on kernel ${kernelVersion})`;
  }
  return `add ${dotName} to --allowed-unsafe-sysctls`;
}

function hostNamespaceFix(name: string, namespace: 'ipc' | 'net'): string {
  return namespace === 'net'
    ? `remove ${name} or drop hostNetwork: true (a host-network pod shares the node's net.* values)`
    : `remove ${name} or drop hostIPC: true (a host-IPC pod shares the node's IPC sysctls)`;
}

function requireVersion(text: string): MinorVersion {
  const version = parseMinorVersion(text);
  if (!version) throw new Error(`not a Kubernetes version: ${text}`);
  return version;
}
