import { z } from 'zod';
import type { PodTemplate, ManifestProblem } from '../manifests/read-workloads.js';
import { predictAdmission, type NodeSettings } from './admission.js';
import { buildAllowlist, kubeletStartupFailure } from './allowlist.js';
import { DEFAULT_KUBERNETES_VERSION, parseMinorVersion } from './versions.js';

/**
 * The `validate --format json` contract. Versioned: a consumer checks schemaVersion and a change
 * that could break a consumer bumps it. Absent values are null, never missing, so shapes stay fixed.
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

const WorkloadReportSchema = z.strictObject({
  source: z.string(),
  kind: z.string(),
  namespace: z.string().nullable(),
  name: z.string(),
  admitted: z.boolean(),
  rejectedBy: z.enum(['api-server', 'kubelet', 'runtime']).nullable(),
  reason: z.string().nullable(),
  message: z.string().nullable(),
  sysctls: z.array(SysctlReportSchema),
});

export const ValidationReportSchema = z.strictObject({
  schemaVersion: z.literal(VALIDATION_REPORT_SCHEMA_VERSION),
  kubernetesVersion: z.string(),
  allowedUnsafeSysctls: z.array(z.string()),
  allowlistErrors: z.array(z.strictObject({ pattern: z.string(), message: z.string(), kubeletLog: z.string() })),
  workloads: z.array(WorkloadReportSchema),
  errors: z.array(z.strictObject({ source: z.string(), message: z.string(), fix: z.string().nullable() })),
});

export type ValidationReport = z.infer<typeof ValidationReportSchema>;
export type WorkloadReport = z.infer<typeof WorkloadReportSchema>;

export interface ValidationInput {
  readonly templates: readonly PodTemplate[];
  readonly problems: readonly ManifestProblem[];
  readonly node: NodeSettings;
}

/** Pure: the verdict on every pod template for one node configuration. */
export function buildValidationReport(input: ValidationInput): ValidationReport {
  const kubernetesVersion = input.node.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  const version = parseMinorVersion(kubernetesVersion);
  const { errors } = buildAllowlist(input.node.allowedUnsafeSysctls, ...(version ? [version] : []));
  return {
    schemaVersion: VALIDATION_REPORT_SCHEMA_VERSION,
    kubernetesVersion,
    allowedUnsafeSysctls: [...input.node.allowedUnsafeSysctls],
    allowlistErrors: errors.map((error) => ({ ...error, kubeletLog: kubeletStartupFailure(error) })),
    workloads: input.templates.map((template) => workloadReport(template, input.node)),
    errors: input.problems.map((problem) => ({ source: problem.source, message: problem.message, fix: problem.fix ?? null })),
  };
}

export function workloadReport(template: PodTemplate, node: NodeSettings): WorkloadReport {
  const prediction = predictAdmission(template.sysctls, node, {
    hostNetwork: template.hostNetwork,
    hostIPC: template.hostIPC,
    object: { kind: template.kind, name: template.name, podSpecPath: template.podSpecPath },
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

/** 2 when the input was wrong (or the kubelet would not start), 1 when a workload would be rejected, else 0. */
export function validationExitCode(report: ValidationReport): 0 | 1 | 2 {
  if (report.errors.length > 0 || report.allowlistErrors.length > 0) return 2;
  return report.workloads.every((workload) => workload.admitted) ? 0 : 1;
}
