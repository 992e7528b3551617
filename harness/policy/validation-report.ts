import { z } from 'zod';
import type { ManifestProblem, PodTemplate } from '../manifests/read-workloads.js';
import { predictAdmission, type NodeSettings } from './admission.js';
import { buildAllowlist, kubeletStartupFailure } from './allowlist.js';
import { formatLevelVersion, type PodSecurityPolicy } from './pod-security.js';
import { DEFAULT_KUBERNETES_VERSION, parseMinorVersion } from './versions.js';

/**
 * The `validate --format json` contract. Versioned: a consumer checks schemaVersion and a change
 * that could break a consumer bumps it; fields may be added within a version. Absent values are
 * null, never missing, so shapes stay fixed.
 */
export const VALIDATION_REPORT_SCHEMA_VERSION = 1;

const SysctlReportSchema = z.strictObject({
  name: z.string(),
  value: z.string(),
  class: z.enum(['safe', 'unsafe', 'node-level', 'invalid']),
  verdict: z.enum(['allowed', 'forbidden', 'invalid', 'unsupported']),
  rejectedBy: z.enum(['api-server', 'kubelet', 'runtime']).nullable(),
  reason: z.string().nullable(),
  message: z.string().nullable(),
  fix: z.string().nullable(),
});

const EventSchema = z.strictObject({
  involvedObject: z.string(),
  type: z.literal('Warning'),
  reason: z.string(),
  message: z.string(),
});

const WorkloadReportSchema = z.strictObject({
  source: z.string(),
  kind: z.string(),
  namespace: z.string().nullable(),
  name: z.string(),
  admitted: z.boolean(),
  rejectedBy: z.enum(['api-server', 'kubelet', 'runtime']).nullable(),
  reason: z.string().nullable(),
  message: z.string().nullable(),
  /** What `kubectl apply` prints for an API server refusal. */
  kubectlMessage: z.string().nullable(),
  /** The pod's status.message when the kubelet rejects it. */
  podStatusMessage: z.string().nullable(),
  events: z.array(EventSchema),
  /** Pod Security warn/audit results and the like: the workload is still judged as above. */
  warnings: z.array(z.string()),
  /** Set when Pod Security refuses the pods. */
  podSecurity: z.strictObject({ policy: z.string(), detail: z.string(), rolloutNote: z.string(), unevaluated: z.string() }).nullable(),
  sysctls: z.array(SysctlReportSchema),
});

const PolicyReportSchema = z.strictObject({ enforce: z.string(), warn: z.string(), audit: z.string() });

export const ValidationReportSchema = z.strictObject({
  schemaVersion: z.literal(VALIDATION_REPORT_SCHEMA_VERSION),
  kubernetesVersion: z.string(),
  allowedUnsafeSysctls: z.array(z.string()),
  /** The node's kernel release as given (--kernel-version), or null. */
  kernelVersion: z.string().nullable(),
  /** The Pod Security policy of namespaces the manifests do not describe (--pod-security), or null. */
  podSecurity: PolicyReportSchema.nullable(),
  /** Namespace objects found in the manifests, with the policy their labels give. */
  namespaces: z.array(z.strictObject({ name: z.string(), source: z.string(), podSecurity: PolicyReportSchema })),
  allowlistErrors: z.array(z.strictObject({ pattern: z.string(), message: z.string(), kubeletLog: z.string() })),
  workloads: z.array(WorkloadReportSchema),
  /** Not errors: node tuning the kubelet reverts, files read partly, Pod Security notes. */
  warnings: z.array(z.strictObject({ source: z.string(), message: z.string(), fix: z.string().nullable() })),
  errors: z.array(z.strictObject({ source: z.string(), message: z.string(), fix: z.string().nullable() })),
});

export type ValidationReport = z.infer<typeof ValidationReportSchema>;
export type WorkloadReport = z.infer<typeof WorkloadReportSchema>;

export interface ReportWarning {
  readonly source: string;
  readonly message: string;
  readonly fix?: string;
}

export interface ValidationInput {
  readonly templates: readonly PodTemplate[];
  readonly problems: readonly ManifestProblem[];
  readonly node: NodeSettings;
  /** Pod Security for namespaces the manifests do not describe. */
  readonly podSecurity?: PodSecurityPolicy;
  /** Namespace objects from the manifests, with their policies; they win over `podSecurity`. */
  readonly namespaces?: ReadonlyArray<{ readonly name: string; readonly source: string; readonly podSecurity: PodSecurityPolicy }>;
  readonly warnings?: readonly ReportWarning[];
}

/** Pure: the verdict on every pod template for one node configuration. */
export function buildValidationReport(input: ValidationInput): ValidationReport {
  const kubernetesVersion = input.node.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  const version = parseMinorVersion(kubernetesVersion);
  const { errors } = buildAllowlist(input.node.allowedUnsafeSysctls, ...(version ? [version] : []));
  const byNamespace = new Map((input.namespaces ?? []).map((namespace) => [namespace.name, namespace.podSecurity]));
  return {
    schemaVersion: VALIDATION_REPORT_SCHEMA_VERSION,
    kubernetesVersion,
    allowedUnsafeSysctls: [...input.node.allowedUnsafeSysctls],
    kernelVersion: input.node.kernelVersion ?? null,
    podSecurity: input.podSecurity ? policyReport(input.podSecurity) : null,
    namespaces: (input.namespaces ?? []).map((namespace) => ({ name: namespace.name, source: namespace.source, podSecurity: policyReport(namespace.podSecurity) })),
    allowlistErrors: errors.map((error) => ({ ...error, kubeletLog: kubeletStartupFailure(error, ...(version ? [version] : [])) })),
    workloads: input.templates.map((template) => workloadReport(template, input.node, byNamespace.get(template.namespace ?? 'default') ?? input.podSecurity)),
    warnings: (input.warnings ?? []).map((warning) => ({ source: warning.source, message: warning.message, fix: warning.fix ?? null })),
    errors: input.problems.map((problem) => ({ source: problem.source, message: problem.message, fix: problem.fix ?? null })),
  };
}

function policyReport(policy: PodSecurityPolicy): z.infer<typeof PolicyReportSchema> {
  return { enforce: formatLevelVersion(policy.enforce), warn: formatLevelVersion(policy.warn), audit: formatLevelVersion(policy.audit) };
}

export function workloadReport(template: PodTemplate, node: NodeSettings, podSecurity?: PodSecurityPolicy): WorkloadReport {
  const prediction = predictAdmission(template.sysctls, node, {
    hostNetwork: template.hostNetwork,
    hostIPC: template.hostIPC,
    ...(template.hostUsers !== undefined ? { hostUsers: template.hostUsers } : {}),
    ...(template.os !== undefined ? { os: template.os } : {}),
    object: { kind: template.kind, name: template.name, podSpecPath: template.podSpecPath, file: kubectlSource(template.source) },
    ...(podSecurity ? { podSecurity } : {}),
    namespace: template.namespace ?? 'default',
  });
  return {
    source: template.source,
    kind: template.kind,
    namespace: template.namespace,
    name: template.name,
    admitted: prediction.admitted,
    rejectedBy: prediction.rejectedBy ?? null,
    reason: prediction.reason ?? null,
    message: prediction.message ?? null,
    kubectlMessage: prediction.kubectlMessage ?? null,
    podStatusMessage: prediction.podStatusMessage ?? null,
    events: (prediction.events ?? []).map((event) => ({ ...event })),
    warnings: [...prediction.warnings],
    podSecurity: prediction.podSecurity?.enforced
      ? {
        policy: formatLevelVersion(prediction.podSecurity.enforced), detail: prediction.podSecurity.detail ?? '',
        rolloutNote: prediction.podSecurity.rolloutNote ?? '', unevaluated: prediction.podSecurity.unevaluated ?? '',
      }
      : null,
    sysctls: prediction.sysctls.map((verdict) => ({
      name: verdict.name,
      value: verdict.value,
      class: verdict.class,
      verdict: verdict.verdict,
      rejectedBy: verdict.rejectedBy ?? null,
      reason: verdict.reason ?? null,
      message: verdict.message ?? null,
      fix: verdict.fix ?? null,
    })),
  };
}

/** The file name kubectl prints in "error when creating ...": the manifest's path, STDIN for standard input. */
function kubectlSource(source: string): string {
  const file = source.replace(/:\d+$/, '');
  return file === '<stdin>' ? 'STDIN' : file;
}

/** 2 when the input was wrong (or the kubelet would not start), 1 when a workload would be rejected, else 0. Warnings do not count. */
export function validationExitCode(report: ValidationReport): 0 | 1 | 2 {
  if (report.errors.length > 0 || report.allowlistErrors.length > 0) return 2;
  return report.workloads.every((workload) => workload.admitted) ? 0 : 1;
}
