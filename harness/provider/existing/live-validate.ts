import type { V1Node } from '@kubernetes/client-node';
import type { PodTemplate, ManifestProblem } from '../../manifests/read-workloads.js';
import { formatValidationText } from '../../policy/format-text.js';
import { buildValidationReport, type ValidationInput, type ValidationReport } from '../../policy/validation-report.js';
import { isModelled, NEWEST_MODELLED, parseMinorVersion } from '../../policy/versions.js';
import { connect, loadKubeConfig, type KubeSource } from '../../kube/client.js';
import { listNodes } from '../nodes.js';
import { readKubeletConfig, type KubeletConfigRead } from './configz.js';
import { formatAllowlist, minorOf } from './pools.js';

/**
 * `validate --kubeconfig`: the manifests against a live cluster, deploying nothing. The nodes are
 * grouped by the allowlist their kubelets report (configz) and their labels (hostname aside); each group
 * gets the verdict for its own allowlist and the cluster's own version. This answers "will this
 * chart's sysctls run on our cluster, and on which nodes?".
 */
export interface NodeGroup {
  nodes: string[];
  /** Labels every node of the group has (the hostname left out). */
  labels: Record<string, string>;
  allowedUnsafeSysctls: string[];
  /** configz: read from the live kubelets; unreadable: why not (the group's verdicts are then not given). */
  source: 'configz' | 'unreadable';
  reason?: string;
  report?: ValidationReport;
}

export interface LiveValidation {
  schemaVersion: 1;
  cluster: { server: string; context: string; kubernetesVersion: string; modelVersion: string };
  groups: NodeGroup[];
  findings: string[];
}

/** Pure: nodes with what their kubelets said, grouped by allowlist (unreadable ones by reason) and labels. */
export function groupNodes(nodes: ReadonlyArray<{ node: V1Node; read: KubeletConfigRead }>): NodeGroup[] {
  const groups = new Map<string, { nodes: V1Node[]; read: KubeletConfigRead }>();
  for (const entry of [...nodes].sort((a, b) => (a.node.metadata?.name ?? '').localeCompare(b.node.metadata?.name ?? ''))) {
    // Nodes alike are nodes with the same allowlist and the same labels (their hostname aside): a node pool.
    const labels = Object.entries(entry.node.metadata?.labels ?? {}).filter(([key]) => key !== 'kubernetes.io/hostname').sort(([a], [b]) => a.localeCompare(b));
    const key = `${entry.read.ok ? `ok:${[...new Set(entry.read.allowedUnsafeSysctls)].sort().join(',')}` : `unreadable:${entry.read.reason}`}|${JSON.stringify(labels)}`;
    const group = groups.get(key) ?? { nodes: [], read: entry.read };
    group.nodes.push(entry.node);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ nodes: members, read }) => ({
    nodes: members.map((node) => node.metadata?.name ?? ''),
    labels: commonLabels(members),
    allowedUnsafeSysctls: read.ok ? [...read.allowedUnsafeSysctls] : [],
    source: read.ok ? 'configz' as const : 'unreadable' as const,
    ...(read.ok ? {} : { reason: read.reason }),
  }));
}

function commonLabels(nodes: readonly V1Node[]): Record<string, string> {
  const [first, ...rest] = nodes.map((node) => node.metadata?.labels ?? {});
  const common: Record<string, string> = {};
  for (const [key, value] of Object.entries(first ?? {})) {
    if (key === 'kubernetes.io/hostname') continue;
    if (rest.every((labels) => labels[key] === value)) common[key] = value;
  }
  return common;
}

/** Pod Security as validate reads it from the manifests' Namespace objects and --pod-security. */
export type PodSecurityInputs = Pick<ValidationInput, 'namespaces' | 'podSecurity'>;

export async function validateAgainstCluster(
  source: KubeSource, templates: readonly PodTemplate[], problems: readonly ManifestProblem[], podSecurity: PodSecurityInputs = {},
): Promise<LiveValidation> {
  const config = loadKubeConfig(source);
  const kube = connect(config);
  const gitVersion = (await kube.version.getCode()).gitVersion;
  const findings: string[] = [];
  const minor = minorOf(gitVersion) ?? NEWEST_MODELLED;
  const parsed = parseMinorVersion(minor);
  const modelVersion = parsed && isModelled(parsed) ? minor : NEWEST_MODELLED;
  if (modelVersion !== minor) findings.push(`the cluster runs ${gitVersion}; the model covers up to ${NEWEST_MODELLED}, which the verdicts use`);
  const nodes = await listNodes(kube);
  const read = [];
  for (const node of nodes) read.push({ node, read: await readKubeletConfig(kube, node.metadata?.name ?? '') });
  const groups = groupNodes(read).map((group) => group.source === 'configz'
    ? { ...group, report: buildValidationReport({ templates, problems, node: { allowedUnsafeSysctls: group.allowedUnsafeSysctls, kubernetesVersion: modelVersion }, ...podSecurity }) }
    : group);
  if (groups.some((group) => group.source === 'unreadable')) {
    findings.push('some kubelets could not be read: their verdicts are not given (grant get on nodes/proxy: see docs/staging-cluster.md), or pass --allow for them');
  }
  return { schemaVersion: 1, cluster: { server: config.getCurrentCluster()?.server ?? '', context: config.getCurrentContext(), kubernetesVersion: gitVersion, modelVersion }, groups, findings };
}

/** The text for people: the cluster, then per node group its nodes, labels, live allowlist and verdicts. */
export function formatLiveValidation(result: LiveValidation): { stdout: string; stderr: string } {
  const out = [`cluster ${result.cluster.server} (context ${result.cluster.context}): Kubernetes ${result.cluster.kubernetesVersion}`];
  let stderr = '';
  result.groups.forEach((group, index) => {
    const labels = Object.entries(group.labels).filter(([key]) => !key.startsWith('beta.kubernetes.io/') && !['kubernetes.io/os', 'kubernetes.io/arch'].includes(key))
      .map(([key, value]) => `${key}=${value}`).join(', ');
    out.push('');
    out.push(`node group ${index + 1}: ${group.nodes.join(', ')}${labels ? ` (labels ${labels})` : ''}`);
    if (group.source === 'unreadable') {
      out.push(`  allowedUnsafeSysctls: unknown — ${group.reason ?? ''}`);
      return;
    }
    out.push(`  allowedUnsafeSysctls: ${formatAllowlist(group.allowedUnsafeSysctls)} (read from the live kubelets: configz)`);
    if (group.report) {
      const text = formatValidationText(group.report);
      out.push(...text.stdout.trimEnd().split('\n').map((line) => `  ${line}`));
      if (index === 0) stderr = text.stderr;
    }
  });
  for (const finding of result.findings) out.push(`! ${finding}`);
  return { stdout: `${out.join('\n')}\n`, stderr };
}

/** 2 when the input was wrong or no kubelet could be read; 1 when a workload is admitted on no node group; else 0. */
export function liveValidationExitCode(result: LiveValidation): 0 | 1 | 2 {
  const reports = result.groups.flatMap((group) => (group.report ? [group.report] : []));
  const first = reports[0];
  if (!first) return 2;
  if (first.errors.length > 0) return 2;
  const workloads = first.workloads.length;
  for (let index = 0; index < workloads; index += 1) {
    if (!reports.some((report) => report.workloads[index]?.admitted)) return 1;
  }
  return 0;
}
