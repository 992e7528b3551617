import type { ValidationReport, WorkloadReport } from './validation-report.js';

/** The `validate` report for people: a header, one line per workload, a fix under each refusal. */
export function formatValidationText(report: ValidationReport): { stdout: string; stderr: string } {
  const out: string[] = [];
  const allow = report.allowedUnsafeSysctls.length > 0 ? report.allowedUnsafeSysctls.join(',') : '(none)';
  out.push(`Kubernetes ${report.kubernetesVersion}, --allowed-unsafe-sysctls=${allow}`);
  for (const workload of report.workloads) out.push(...workloadLines(workload));
  const admitted = report.workloads.filter((workload) => workload.admitted).length;
  const rejected = report.workloads.length - admitted;
  const problems = report.errors.length + report.allowlistErrors.length;
  out.push(`${report.workloads.length} workload(s): ${admitted} admitted, ${rejected} rejected${problems > 0 ? `; ${problems} input error(s)` : ''}`);

  const err: string[] = [];
  for (const error of report.allowlistErrors) {
    err.push(`error: --allowed-unsafe-sysctls pattern ${JSON.stringify(error.pattern)}: the kubelet would not start: ${error.message}`);
    err.push(`  kubelet log: ${error.kubeletLog}`);
    err.push('  fix: allow only exact names or trailing-* prefixes inside kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*');
  }
  for (const error of report.errors) {
    err.push(`error: ${error.source}: ${error.message}`);
    if (error.fix) err.push(`  fix: ${error.fix}`);
  }
  return { stdout: `${out.join('\n')}\n`, stderr: err.length > 0 ? `${err.join('\n')}\n` : '' };
}

function workloadLines(workload: WorkloadReport): string[] {
  const who = `${workload.kind} ${workload.namespace ? `${workload.namespace}/` : ''}${workload.name}`;
  const count = workload.sysctls.length;
  if (workload.admitted) {
    return [`ADMITTED  ${workload.source}  ${who}: ${count} sysctl(s) ${count > 0 ? `(${workload.sysctls.map((s) => s.name).join(', ')})` : ''}`.trimEnd()];
  }
  const by = workload.rejectedBy === 'api-server' ? 'API server' : workload.rejectedBy;
  const lines = [`REJECTED  ${workload.source}  ${who}: ${by} ${workload.reason}: ${workload.message}`];
  for (const sysctl of workload.sysctls) {
    if (sysctl.verdict === 'allowed') continue;
    lines.push(`  ${sysctl.name}=${JSON.stringify(sysctl.value)} [${sysctl.class}] ${sysctl.verdict}${sysctl.fix ? ` — fix: ${sysctl.fix}` : ''}`);
  }
  return lines;
}
