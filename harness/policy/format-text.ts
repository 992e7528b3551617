import { namespacedGroupsFor } from './names.js';
import { PODSECURITY_UNEVALUATED } from './pod-security.js';
import type { ValidationReport, WorkloadReport } from './validation-report.js';
import { parseMinorVersion } from './versions.js';

/** The `validate` report for people: a header, one line per workload, a fix under each refusal. */
export function formatValidationText(report: ValidationReport): { stdout: string; stderr: string } {
  const out: string[] = [];
  const allow = report.allowedUnsafeSysctls.length > 0 ? report.allowedUnsafeSysctls.join(',') : '(none)';
  const kernel = report.kernelVersion !== null ? `, kernel ${report.kernelVersion}` : '';
  out.push(`Kubernetes ${report.kubernetesVersion}, --allowed-unsafe-sysctls=${allow}${kernel}`);
  if (report.podSecurity) out.push(`Pod Security (namespaces not in the manifests): enforce ${report.podSecurity.enforce}, warn ${report.podSecurity.warn}, audit ${report.podSecurity.audit}`);
  for (const namespace of report.namespaces) {
    out.push(`Pod Security of namespace ${namespace.name} (${namespace.source}): enforce ${namespace.podSecurity.enforce}, warn ${namespace.podSecurity.warn}, audit ${namespace.podSecurity.audit}`);
  }
  if (report.podSecurity || report.namespaces.length > 0) out.push(`  (${PODSECURITY_UNEVALUATED})`);
  for (const workload of report.workloads) out.push(...workloadLines(workload));
  const admitted = report.workloads.filter((workload) => workload.admitted).length;
  const rejected = report.workloads.length - admitted;
  const problems = report.errors.length + report.allowlistErrors.length;
  const warnings = report.warnings.length;
  out.push(`${report.workloads.length} workload(s): ${admitted} admitted, ${rejected} rejected${problems > 0 ? `; ${problems} input error(s)` : ''}${warnings > 0 ? `; ${warnings} warning(s)` : ''}`);

  const err: string[] = [];
  const version = parseMinorVersion(report.kubernetesVersion);
  const groups = version ? namespacedGroupsFor(version).join(', ') : 'kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*';
  for (const error of report.allowlistErrors) {
    err.push(`error: --allowed-unsafe-sysctls pattern ${JSON.stringify(error.pattern)}: the kubelet would not start: ${error.message}`);
    err.push(`  kubelet log: ${error.kubeletLog}`);
    err.push(`  fix: allow only exact names or trailing-* prefixes inside ${groups}`);
  }
  for (const error of report.errors) {
    err.push(`error: ${error.source}: ${error.message}`);
    if (error.fix) err.push(`  fix: ${error.fix}`);
  }
  for (const warning of report.warnings) {
    err.push(`warning: ${warning.source}: ${warning.message}`);
    if (warning.fix) err.push(`  fix: ${warning.fix}`);
  }
  return { stdout: `${out.join('\n')}\n`, stderr: err.length > 0 ? `${err.join('\n')}\n` : '' };
}

function workloadLines(workload: WorkloadReport): string[] {
  const who = `${workload.kind} ${workload.namespace ? `${workload.namespace}/` : ''}${workload.name}`;
  const count = workload.sysctls.length;
  const notes = workload.warnings.map((warning) => `  warning: ${warning}`);
  if (workload.admitted) {
    return [`ADMITTED  ${workload.source}  ${who}: ${count} sysctl(s) ${count > 0 ? `(${workload.sysctls.map((s) => s.name).join(', ')})` : ''}`.trimEnd(), ...notes];
  }
  const by = workload.rejectedBy === 'api-server' ? (workload.podSecurity ? 'API server (Pod Security)' : 'API server') : workload.rejectedBy;
  const lines = [`REJECTED  ${workload.source}  ${who}: ${by} ${workload.reason}: ${workload.message}`];
  for (const event of workload.events) if (event.message !== workload.message) lines.push(`  event on ${event.involvedObject}: ${event.reason}: ${event.message}`);
  if (workload.podSecurity) lines.push(`  fix: ${workload.podSecurity.rolloutNote}`);
  for (const sysctl of workload.sysctls) {
    if (sysctl.verdict === 'allowed') continue;
    const fix = sysctl.fix && !(workload.podSecurity && sysctl.reason === 'PodSecurity') ? ` — fix: ${sysctl.fix}` : '';
    lines.push(`  ${sysctl.name}=${JSON.stringify(sysctl.value)} [${sysctl.class}] ${sysctl.verdict}${sysctl.reason === 'PodSecurity' ? ' by Pod Security' : ''}${fix}`);
  }
  return [...lines, ...notes];
}
