import { buildAllowlist, kubeletRefusal, matchAllowlist, type AllowlistError } from './allowlist.js';
import { HOST_NAMESPACE_VALIDATION_SINCE, POD_WAS_REJECTED_SINCE, UTS_AND_USER_NAMESPACES_SINCE, WINDOWS_REFUSAL_SINCE } from './boundaries.js';
import { goQuote } from './go-quote.js';
import {
  isValidSysctlName, kubeletName, nameRegexTextFor, namespacedBy, procSysPath, SYSCTL_MAX_LENGTH, toDotSeparated, type KernelNamespace,
} from './names.js';
import {
  DEFAULT_POD_SECURITY, evaluatePodSecurity, formatLevelVersion, PODSECURITY_UNEVALUATED, podSecurityActive, podSecurityRolloutNote,
  type LevelVersion, type PodSecurityPolicy,
} from './pod-security.js';
import { isSafeOn, safeSysctlEntry, safeSysctlsFor } from './safe-sysctls.js';
import { errnoText, valueDependsOnPod, valueRefusal } from './values.js';
import { atLeast, DEFAULT_KUBERNETES_VERSION, parseKernelRelease, parseMinorVersion, type MinorVersion } from './versions.js';

export { HOST_NAMESPACE_VALIDATION_SINCE } from './boundaries.js';

export type SysctlClass = 'safe' | 'unsafe' | 'node-level' | 'invalid';
export type Verdict = 'allowed' | 'forbidden' | 'invalid' | 'unsupported';
/**
 * Who turns the pod away: the API server refuses the object (validation, `reason: Invalid`) or
 * the pod (Pod Security admission, `reason: Forbidden`), the kubelet fails the pod, the runtime
 * never starts it.
 */
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
  /**
   * The node's kernel release ("6.8.0-45-generic"); absent means new enough for every safe
   * sysctl; a text the kubelet cannot parse ("unknown") means the kubelet could not tell, and it
   * then drops every kernel-gated safe sysctl.
   */
  readonly kernelVersion?: string;
}

export interface PodSettings {
  readonly hostNetwork?: boolean;
  readonly hostIPC?: boolean;
  /** spec.hostUsers; absent means true (the host's user namespace). */
  readonly hostUsers?: boolean;
  /** spec.os.name, when set. */
  readonly os?: string;
  /** For messages: the object as `kubectl apply` would name it. Defaults to a Pod named "pod". */
  readonly object?: { readonly kind: string; readonly name: string; readonly podSpecPath: string; readonly file?: string };
  /** The namespace's Pod Security policy; absent means none (privileged). */
  readonly podSecurity?: PodSecurityPolicy;
  /** The namespace, for messages. */
  readonly namespace?: string;
}

export interface SysctlVerdict {
  readonly name: string;
  readonly value: string;
  readonly class: SysctlClass;
  readonly verdict: Verdict;
  readonly rejectedBy?: Rejecter;
  /** The reason Kubernetes reports (SysctlForbidden, FieldValueInvalid, PodSecurity, ...). */
  readonly reason?: string;
  /** The message Kubernetes reports for this sysctl. */
  readonly message?: string;
  /** What to change, for people. */
  readonly fix?: string;
}

/** A Kubernetes event the refusal shows up as, on the object that records it. */
export interface PredictedEvent {
  /** "ReplicaSet web-<pod-template-hash>", "Pod web", ... */
  readonly involvedObject: string;
  readonly type: 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface PodSecurityOutcome {
  /** The level:version that refused the pods (`enforce`), when it did. */
  readonly enforced?: LevelVersion;
  /** `forbidden sysctls (kernel.msgmax)`: what follows `violates PodSecurity "...": `. */
  readonly detail?: string;
  /** What sysctl-bench cannot judge of that level. */
  readonly unevaluated?: string;
  /** For the report's rollout section: a kubelet allowlist cannot fix this. */
  readonly rolloutNote?: string;
}

export interface AdmissionPrediction {
  readonly admitted: boolean;
  readonly rejectedBy?: Rejecter;
  /** Invalid (API validation), Forbidden (Pod Security), SysctlForbidden (kubelet), FailedCreatePodSandBox (runtime). */
  readonly reason?: string;
  /** The API server's or the kubelet's own message. */
  readonly message?: string;
  /** What `kubectl apply` prints for an API server refusal of the object. */
  readonly kubectlMessage?: string;
  /** The pod's status.message when the kubelet rejects it. */
  readonly podStatusMessage?: string;
  /** Events that record the refusal (FailedCreate on the controller, SysctlForbidden on the pod). */
  readonly events?: readonly PredictedEvent[];
  /** Admitted with these: Pod Security warn/audit results, notes on what is not judged. */
  readonly warnings: readonly string[];
  readonly podSecurity?: PodSecurityOutcome;
  readonly sysctls: SysctlVerdict[];
  /** Illegal allowlist patterns: with any of these the kubelet does not start at all. */
  readonly allowlistErrors: AllowlistError[];
}

const API_GROUPS: Readonly<Record<string, string>> = {
  Deployment: 'apps', StatefulSet: 'apps', DaemonSet: 'apps', ReplicaSet: 'apps', Job: 'batch', CronJob: 'batch',
};

interface FieldError {
  readonly index: number | undefined;
  readonly reason: string;
  /** `spec.securityContext.sysctls[0].name: Invalid value: "foo-": ...` */
  readonly text: string;
  readonly fix: string;
}

/**
 * Predicts what Kubernetes does with a pod's `securityContext.sysctls` on a node, in the order a
 * pod meets the checks: API-server validation (the object is refused), Pod Security admission
 * (the pod is refused), the kubelet's allowlist (the pod fails with SysctlForbidden), the runtime
 * writing /proc/sys (the sandbox is never created). Pure: same input, same answer.
 */
export function predictAdmission(sysctls: readonly SysctlSetting[], node: NodeSettings, pod: PodSettings = {}): AdmissionPrediction {
  const version = requireVersion(node.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION);
  const { allowlist, errors: allowlistErrors } = kubeletAllowlistFor(version, node);
  const specPath = pod.object?.podSpecPath ?? 'spec';
  const kernelSysctls = node.kernelSysctls === undefined || node.kernelSysctls instanceof Set
    ? node.kernelSysctls as ReadonlySet<string> | undefined
    : new Set(node.kernelSysctls);

  const validNames = sysctls.map((sysctl) => sysctl.name !== '' && isValidSysctlName(sysctl.name, version));
  const fieldErrors = apiServerErrors(sysctls, validNames, specPath, version, pod);
  const psa = podSecurityCheck(sysctls, version, pod);
  const podValues = sysctls.length > 1 && sysctls.some((s) => valueDependsOnPod(toDotSeparated(s.name)))
    ? new Map(sysctls.map((s) => [toDotSeparated(s.name), s.value]))
    : undefined;

  const verdicts = sysctls.map((sysctl, index): SysctlVerdict => {
    const validName = validNames[index]!;
    const dotName = toDotSeparated(sysctl.name);
    const sysctlClass = validName ? classifyValid(dotName, version, node.kernelVersion) : 'invalid';
    const apiError = fieldErrors.length === 0 ? undefined : fieldErrors.find((error) => error.index === index) ?? fieldErrors.find((error) => error.index === undefined);
    if (apiError) {
      return { ...sysctl, class: sysctlClass, verdict: 'invalid', rejectedBy: 'api-server', reason: apiError.reason, message: apiError.text, fix: apiError.fix };
    }
    if (psa.refused && psa.forbiddenSysctls.includes(sysctl.name)) {
      return {
        ...sysctl, class: sysctlClass, verdict: 'forbidden', rejectedBy: 'api-server', reason: 'PodSecurity',
        message: `violates PodSecurity ${goQuote(formatLevelVersion(psa.enforced!))}: forbidden sysctls (${psa.forbiddenSysctls.join(', ')})`,
        fix: psa.rolloutNote!,
      };
    }

    const name = kubeletName(sysctl.name, version);
    const match = matchAllowlist(allowlist, name, pod);
    if (match.kind !== 'allowed') {
      return {
        ...sysctl, class: sysctlClass, verdict: 'forbidden', rejectedBy: 'kubelet', reason: 'SysctlForbidden',
        message: kubeletRefusal(match, name, version),
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

    const refusal = valueRefusal(dotName, sysctl.value, podValues);
    if (refusal) {
      return {
        ...sysctl, class: sysctlClass, verdict: 'invalid', rejectedBy: 'runtime', reason: 'InvalidSysctlValue',
        message: `value ${goQuote(sysctl.value)} for ${dotName}: ${refusal.problem}; writing ${procSysPath(dotName)} would fail with "${errnoText(refusal.errno)}"`,
        fix: `give ${dotName} a value the kernel takes: ${refusal.problem}`,
      };
    }
    return { ...sysctl, class: sysctlClass, verdict: 'allowed' };
  });

  return { ...overallOutcome(verdicts, fieldErrors, psa, pod, version), sysctls: verdicts, allowlistErrors };
}

const allowlistCache = new Map<string, ReturnType<typeof buildAllowlist>>();

/**
 * The kubelet builds its allowlist once at start-up; validating many pods against one node should
 * too. Cached by everything the list depends on (bounded: a run uses a handful of node settings).
 */
const allowlistByNode = new WeakMap<NodeSettings, { version: MinorVersion; built: ReturnType<typeof buildAllowlist> }>();

function kubeletAllowlistFor(version: MinorVersion, node: NodeSettings): ReturnType<typeof buildAllowlist> {
  // validate judges thousands of pods against one node object: skip even building the key.
  const same = allowlistByNode.get(node);
  if (same && same.version === version) return { allowlist: same.built.allowlist, errors: same.built.errors.length === 0 ? [] : [...same.built.errors] };
  const built = kubeletAllowlistByKey(version, node);
  allowlistByNode.set(node, { version, built });
  return { allowlist: built.allowlist, errors: [...built.errors] };
}

function kubeletAllowlistByKey(version: MinorVersion, node: NodeSettings): ReturnType<typeof buildAllowlist> {
  const key = `${version.major}.${version.minor}|${node.kernelVersion ?? ''}|${node.allowedUnsafeSysctls.join('\u0000')}`;
  let built = allowlistCache.get(key);
  if (!built) {
    if (allowlistCache.size > 256) allowlistCache.clear();
    built = buildAllowlist([...safeSysctlsFor(version, node.kernelVersion), ...node.allowedUnsafeSysctls], version);
    allowlistCache.set(key, built);
  }
  return built;
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

/**
 * pkg/apis/core/validation: validateSysctls (per entry: Required, else Invalid name, else
 * Duplicate; then, from 1.29 and independently, the host-namespace check), then, for a Windows
 * pod, validateWindows. In the order the API server lists them.
 */
function apiServerErrors(sysctls: readonly SysctlSetting[], validNames: readonly boolean[], specPath: string, version: MinorVersion, pod: PodSettings): FieldError[] {
  const errors: FieldError[] = [];
  const seen: string[] = [];
  sysctls.forEach((sysctl, index) => {
    const field = `${specPath}.securityContext.sysctls[${index}].name`;
    if (sysctl.name === '') {
      errors.push({ index, reason: 'FieldValueRequired', text: `${field}: Required value`, fix: 'give every sysctl entry a name' });
    } else if (!validNames[index]) {
      const slashes = sysctl.name.includes('/') && isValidSysctlName(sysctl.name, parseMinorVersion('1.25')!);
      errors.push({
        index, reason: 'FieldValueInvalid',
        text: `${field}: Invalid value: ${goQuote(sysctl.name)}: must have at most ${SYSCTL_MAX_LENGTH} characters and match regex ${nameRegexTextFor(version)}`,
        fix: slashes
          ? `write ${toDotSeparated(sysctl.name)} with dots: the API server accepts / separators in new pods only from Kubernetes 1.25`
          : 'use a lowercase sysctl name of dot-separated segments, e.g. net.core.somaxconn',
      });
    } else if (seen.includes(sysctl.name)) {
      errors.push({ index, reason: 'FieldValueDuplicate', text: `${field}: Duplicate value: ${goQuote(sysctl.name)}`, fix: `set ${sysctl.name} only once` });
    }
    seen.push(sysctl.name);
    if ((pod.hostNetwork || pod.hostIPC) && atLeast(version, HOST_NAMESPACE_VALIDATION_SINCE) && sysctl.name !== '') {
      const namespace = namespacedBy(toDotSeparated(sysctl.name), version);
      if (namespace === 'net' && pod.hostNetwork) {
        errors.push({ index, reason: 'FieldValueInvalid', text: `${field}: Invalid value: ${goQuote(sysctl.name)}: may not be specified when 'hostNetwork' is true`, fix: hostNamespaceFix(sysctl.name, 'net') });
      } else if (namespace === 'ipc' && pod.hostIPC) {
        errors.push({ index, reason: 'FieldValueInvalid', text: `${field}: Invalid value: ${goQuote(sysctl.name)}: may not be specified when 'hostIPC' is true`, fix: hostNamespaceFix(sysctl.name, 'ipc') });
      }
    }
  });
  if (pod.os !== undefined && atLeast(version, WINDOWS_REFUSAL_SINCE)) {
    if (pod.os !== 'linux' && pod.os !== 'windows') {
      errors.push({
        index: undefined, reason: 'FieldValueNotSupported', text: `${specPath}.os: Unsupported value: ${goQuote(pod.os)}: supported values: "linux", "windows"`,
        fix: 'set spec.os.name to linux (sysctls are Linux-only)',
      });
    } else if (pod.os === 'windows' && sysctls.length > 0) {
      errors.push({
        index: undefined, reason: 'FieldValueForbidden', text: `${specPath}.securityContext.sysctls: Forbidden: cannot be set for a windows pod`,
        fix: 'sysctls are Linux-only: remove them from the Windows pod, or run the workload as a Linux pod',
      });
    }
  }
  return errors;
}

interface PodSecurityCheck {
  readonly refused: boolean;
  readonly enforced?: LevelVersion;
  readonly detail?: string;
  readonly forbiddenSysctls: string[];
  readonly warnings: string[];
  readonly rolloutNote?: string;
}

/** admission/admission.go EvaluatePod: enforce for pods (not for their controllers), warn and audit for both. */
function podSecurityCheck(sysctls: readonly SysctlSetting[], version: MinorVersion, pod: PodSettings): PodSecurityCheck {
  const policy = pod.podSecurity ?? DEFAULT_POD_SECURITY;
  const none: PodSecurityCheck = { refused: false, forbiddenSysctls: [], warnings: [] };
  if (policy === DEFAULT_POD_SECURITY) return none;
  if (!podSecurityActive(version)) {
    return { ...none, warnings: [`Pod Security admission is off by default in Kubernetes 1.22 (the PodSecurity feature gate is alpha): the namespace's pod-security labels have no effect`] };
  }
  const input = { sysctlNames: sysctls.map((s) => s.name), hostNetwork: pod.hostNetwork ?? false, hostIPC: pod.hostIPC ?? false };
  const enforce = evaluatePodSecurity(policy.enforce, version, input);
  const warnings: string[] = [];
  const refused = !enforce.allowed;
  // A request about to be refused gets no warnings; a controller is never refused, only warned.
  if (!refused || (pod.object?.kind ?? 'Pod') !== 'Pod') {
    const warn = evaluatePodSecurity(policy.warn, version, input);
    if (!warn.allowed) warnings.push(`would violate PodSecurity ${goQuote(formatLevelVersion(policy.warn))}: ${warn.detail}`);
  }
  const audit = evaluatePodSecurity(policy.audit, version, input);
  if (!audit.allowed) warnings.push(`audit log: would violate PodSecurity ${goQuote(formatLevelVersion(policy.audit))}: ${audit.detail}`);
  if (!refused) return { ...none, warnings };
  return {
    refused, enforced: policy.enforce, detail: enforce.detail, forbiddenSysctls: enforce.forbiddenSysctls, warnings,
    rolloutNote: podSecurityRolloutNote(policy, version, pod.namespace ?? 'default'),
  };
}

function overallOutcome(
  verdicts: readonly SysctlVerdict[], fieldErrors: readonly FieldError[], psa: PodSecurityCheck, pod: PodSettings, version: MinorVersion,
): Omit<AdmissionPrediction, 'sysctls' | 'allowlistErrors'> {
  const object = pod.object ?? { kind: 'Pod', name: 'pod', podSpecPath: 'spec' };
  const warnings = psa.warnings;
  if (fieldErrors.length > 0) {
    const group = API_GROUPS[object.kind];
    // field.ErrorList.ToAggregate drops repeated messages; one error prints bare, several in brackets.
    const causes = [...new Set(fieldErrors.map((error) => error.text))];
    const detail = causes.length === 1 ? causes[0] : `[${causes.join(', ')}]`;
    const kubectlHead = `The ${object.kind} ${goQuote(object.name)} is invalid: `;
    return {
      admitted: false, rejectedBy: 'api-server', reason: 'Invalid', warnings,
      message: `${object.kind}${group ? `.${group}` : ''} ${goQuote(object.name)} is invalid: ${detail}`,
      // kubectl (cmd/util/helpers.go checkErr) lists several causes one per line.
      kubectlMessage: causes.length === 1 ? `${kubectlHead}${causes[0]}` : `${kubectlHead}\n${causes.map((cause) => `* ${cause}`).join('\n')}`,
    };
  }
  if (psa.refused) {
    const violation = `violates PodSecurity ${goQuote(formatLevelVersion(psa.enforced!))}: ${psa.detail!}`;
    const refusal = podSecurityRefusal(object, violation);
    return {
      admitted: false, rejectedBy: 'api-server', reason: 'Forbidden', message: refusal.message, warnings,
      ...(refusal.kubectlMessage ? { kubectlMessage: refusal.kubectlMessage } : {}),
      ...(refusal.event ? { events: [refusal.event] } : {}),
      podSecurity: { enforced: psa.enforced!, detail: psa.detail!, unevaluated: PODSECURITY_UNEVALUATED, rolloutNote: psa.rolloutNote! },
    };
  }
  // The kubelet stops at the first sysctl it refuses, in spec order.
  const forbidden = verdicts.find((v) => v.rejectedBy === 'kubelet');
  if (forbidden) {
    const message = forbidden.message!;
    return {
      admitted: false, rejectedBy: 'kubelet', reason: 'SysctlForbidden', message, warnings,
      podStatusMessage: atLeast(version, POD_WAS_REJECTED_SINCE) ? `Pod was rejected: ${message}` : `Pod ${message}`,
      events: [{ involvedObject: `Pod ${podNameOf(object)}`, type: 'Warning', reason: 'SysctlForbidden', message }],
    };
  }
  const runtime = verdicts.find((v) => v.rejectedBy === 'runtime');
  if (runtime) {
    const message = `Failed to create pod sandbox: ${runtime.message!}`;
    return {
      admitted: false, rejectedBy: 'runtime', reason: 'FailedCreatePodSandBox', message, warnings,
      events: [{ involvedObject: `Pod ${podNameOf(object)}`, type: 'Warning', reason: 'FailedCreatePodSandBox', message }],
    };
  }
  return { admitted: true, warnings };
}

/**
 * A Pod is refused outright (403 Forbidden); a controller object is admitted (PSA only warns about
 * it, by the warn level) and its controller's pod creations fail, which the controller records as
 * a FailedCreate event (pkg/controller/controller_utils.go "Error creating: %v"; the StatefulSet
 * controller's own wording in stateful_pod_control.go).
 */
function podSecurityRefusal(object: { kind: string; name: string; file?: string }, violation: string): {
  message: string; kubectlMessage?: string; event?: PredictedEvent;
} {
  const podName = podNameOf(object);
  const forbidden = `pods ${goQuote(podName)} is forbidden: ${violation}`;
  switch (object.kind) {
    case 'Pod':
      return {
        message: forbidden,
        kubectlMessage: `Error from server (Forbidden): ${object.file ? `error when creating ${goQuote(object.file)}: ` : ''}${forbidden}`,
      };
    case 'StatefulSet':
      return {
        message: forbidden,
        event: { involvedObject: `StatefulSet ${object.name}`, type: 'Warning', reason: 'FailedCreate', message: `Create Pod ${podName} in StatefulSet ${object.name} failed error: ${forbidden}` },
      };
    case 'PodTemplate':
      return { message: `pods created from this template are refused: ${forbidden}` };
    default: {
      const owner = object.kind === 'Deployment' ? `ReplicaSet ${object.name}-<pod-template-hash>`
        : object.kind === 'CronJob' ? `Job ${object.name}-<scheduled-time>`
          : `${object.kind} ${object.name}`;
      return {
        message: forbidden,
        event: { involvedObject: owner, type: 'Warning', reason: 'FailedCreate', message: `Error creating: ${forbidden}` },
      };
    }
  }
}

/** The name a pod of this object gets (generated parts in angle brackets). */
function podNameOf(object: { kind: string; name: string }): string {
  switch (object.kind) {
    case 'Pod': return object.name;
    case 'StatefulSet': return `${object.name}-0`;
    case 'Deployment': return `${object.name}-<pod-template-hash>-<suffix>`;
    case 'CronJob': return `${object.name}-<scheduled-time>-<suffix>`;
    default: return `${object.name}-<suffix>`;
  }
}

function allowlistFix(dotName: string, sysctlClass: SysctlClass, version: MinorVersion, kernelVersion?: string): string {
  if (sysctlClass === 'node-level') {
    const later = namespacedBy(dotName, parseMinorVersion('1.37')!) && !atLeast(version, UTS_AND_USER_NAMESPACES_SINCE)
      ? ' before Kubernetes 1.37, which knows its namespace'
      : '';
    return `${dotName} is node-level (not namespaced)${later}: no pod may set it; tune it on the node (sysctl.d or a node tuning DaemonSet) instead`;
  }
  const safe = safeSysctlEntry(dotName);
  if (safe && !atLeast(version, safe.since)) {
    return `add ${dotName} to --allowed-unsafe-sysctls (it is safe by default only from Kubernetes ${safe.since})`;
  }
  if (safe?.minKernel && kernelVersion !== undefined) {
    return parseKernelRelease(kernelVersion) === undefined
      ? `add ${dotName} to --allowed-unsafe-sysctls: the kubelet could not read the node's kernel version, so it dropped every kernel-gated safe sysctl`
      : `add ${dotName} to --allowed-unsafe-sysctls, or run a kernel >= ${safe.minKernel} (the kubelet drops it from the safe set on kernel ${kernelVersion})`;
  }
  return `add ${dotName} to --allowed-unsafe-sysctls`;
}

function hostNamespaceFix(name: string, namespace: KernelNamespace): string {
  switch (namespace) {
    case 'net': return `remove ${name} or drop hostNetwork: true (a host-network pod shares the node's net.* values)`;
    case 'ipc': return `remove ${name} or drop hostIPC: true (a host-IPC pod shares the node's IPC sysctls)`;
    case 'user': return `set hostUsers: false (a pod in the host's user namespace would change the node's ${name}), or remove it`;
    case 'uts': return `remove ${name}`;
    default: {
      const never: never = namespace;
      return never;
    }
  }
}

function requireVersion(text: string): MinorVersion {
  const version = parseMinorVersion(text);
  if (!version) throw new Error(`not a Kubernetes version: ${text}`);
  return version;
}
