import { z } from 'zod';
import { LOAD_MODE_NAMES, loadEntrySchema } from '../load/modes/index.js';
import { patternError } from '../policy/allowlist.js';
import { isValidSysctlName, namespacedBy, toDotSeparated } from '../policy/names.js';
import { POD_SECURITY_LEVELS } from '../policy/pod-security.js';
import { valueProblem } from '../policy/values.js';
import { isModelled, NEWEST_MODELLED, OLDEST_MODELLED, parseMinorVersion, type MinorVersion } from '../policy/versions.js';
import { defaultKubernetesMinor, runnableKubernetesVersions } from '../toolchain/versions.js';

/**
 * The scenario file: which node pools (kubelet configurations) to build, which workloads and sysctl
 * variants to run on them, and what to measure and prove. Every field is documented in
 * docs/scenario.md; the JSON Schema for editors is generated from this (scenarios/scenario.schema.json).
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const Name = z.string().max(63).regex(DNS_LABEL, 'must be a DNS label: lowercase letters, digits and -, starting and ending alphanumeric')
  .describe('A DNS label (lowercase letters, digits, -), at most 63 characters.');
const Duration = z.string().regex(/^\d+(ms|s|m|h)$/, 'must be a duration such as 500ms, 20s, 5m or 1h').describe('A duration: 500ms, 20s, 5m, 1h.');
const SysctlMap = z.record(z.string(), z.string().describe('The value, as a string (quote numbers).'))
  .describe('Sysctl name to value, e.g. { net.core.somaxconn: "4096" }. Values are strings, as in a pod spec.');

export const POOL_FIELDS_DOC = 'A kubelet configuration; each becomes a worker node labelled sysctl-bench/pool=<name>.';

const PoolSchema = z.strictObject({
  name: Name,
  allowedUnsafeSysctls: z.array(z.string()).default([]).describe('The kubelet --allowed-unsafe-sysctls patterns for this pool.'),
}).describe(POOL_FIELDS_DOC);

const VariantSchema = z.strictObject({
  name: Name,
  sysctls: SysctlMap.default({}),
}).describe('One setting of the pod sysctls to compare (e.g. baseline vs tuned).');

const WorkloadSchema = z.strictObject({
  name: Name,
  kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet']),
  app: z.enum(['net-server', 'ipc-bench']).describe('Built-in workload image.'),
  pool: z.union([Name, z.literal('*')]).describe('The node pool to schedule on; * runs it on every pool.'),
  hostNetwork: z.boolean().optional().describe('Run in the node\'s network namespace (net.* sysctls are then refused).'),
  hostIPC: z.boolean().optional().describe('Run in the node\'s IPC namespace (IPC sysctls are then refused).'),
  replicas: z.number().int().min(1).optional().describe('Pod count; not for DaemonSet.'),
  settings: z.record(z.string(), z.union([z.string(), z.number()])).default({}).describe('Passed to the app as environment/arguments.'),
  variants: z.array(VariantSchema).min(1),
});

// The fields every load entry has; each mode adds its own (harness/load/modes/<mode>.ts), and
// `mode` picks which (a discriminated union).
const LoadCommonSchema = z.strictObject({
  workload: Name,
  timeout: Duration.optional(),
  clientSysctls: SysctlMap.optional().describe('Applied to the load generator container.'),
  clientVariants: z.array(VariantSchema).min(2).optional().describe(
    'Compare settings of the load generator\'s own sysctls instead of the workload\'s variants (e.g. '
    + 'net.ipv4.ip_local_port_range baseline vs tuned); the workload then needs exactly one variant.',
  ),
});
const LoadSchema = loadEntrySchema(LoadCommonSchema).describe(`A load on a net-server workload; mode: ${LOAD_MODE_NAMES.join(' | ')} (docs/load.md).`);

const IpcSchema = z.strictObject({
  workload: Name,
  test: z.enum(['msg', 'sem']),
  sizes: z.array(z.number().int().min(1)).min(1).optional().describe('Message sizes in bytes (msg).'),
  semopsPerCall: z.array(z.number().int().min(1)).min(1).optional().describe('Semaphore operations per semop call (sem).'),
  seconds: z.number().positive().optional().describe('How long each ipc-bench run lasts, in seconds (default 2).'),
});

const ProcedureSchema = z.strictObject({
  kind: z.enum(['runbook', 'illegal-allowlist']).describe(
    'runbook: replay the seed article\'s /etc/sysconfig/kubelet steps on a node and show a refused pod admitted; '
    + 'illegal-allowlist: set a pattern outside the namespaced groups and show the kubelet refusing to start.',
  ),
  pool: Name.describe('The pool whose node the procedure runs on.'),
  workload: Name.optional().describe('runbook: the workload whose pod is refused before and admitted after.'),
  variant: Name.optional(),
  allowedUnsafeSysctls: z.array(z.string()).min(1).describe('The --allowed-unsafe-sysctls value the procedure writes.'),
});

export const ISOLATION_CHECKS = ['namespaced-differs', 'host-change-not-leaked', 'pod-change-contained', 'node-level-shared', 'host-proc-unchanged'] as const;

const IsolationSchema = z.strictObject({
  check: z.enum(ISOLATION_CHECKS),
  sysctl: z.string().optional().describe('The sysctl the proof is about; host-proc-unchanged watches a fixed list plus every sysctl of the scenario.'),
  workload: Name.optional(),
});

const AdmissionSchema = z.strictObject({
  workload: Name,
  variant: Name.optional().describe('Defaults to every variant of the workload.'),
  pool: Name.optional().describe('Defaults to the workload\'s pool.'),
  expect: z.enum(['admitted', 'forbidden', 'invalid', 'unsupported', 'pod-security-forbidden']),
});

const ThresholdSchema = z.strictObject({
  workload: Name,
  metric: z.string().min(1).describe('A metric the measurement reports, e.g. connect_p99_ms.'),
  variant: Name.optional().describe('The variant compared with the first (baseline) variant; defaults to the last one.'),
  expect: z.enum(['improved', 'not-regressed', 'regressed']),
});

const TrendsSchema = z.strictObject({
  window: z.number().int().min(2).max(100).default(10).describe('How many earlier runs of this scenario (same name and definition) a metric is compared with.'),
  failOnRegression: z.boolean().default(false).describe('Fail the run (exit 1) when a metric regressed against those runs; otherwise the regression is reported only.'),
}).describe('Trends across runs (sysctl-bench run/report --history DIR): which earlier runs count, and whether a regression fails the run.');

const KubernetesVersion = z.string().regex(/^\d+\.\d+$/, 'must be X.Y, e.g. "1.37" (quoted: YAML reads 1.30 as the number 1.3)');

const PodSecurityLevel = z.enum(POD_SECURITY_LEVELS);
const PodSecurityVersion = z.string().regex(/^(latest|v1\.(0|[1-9][0-9]*))$/, 'must be latest or v1.N, e.g. v1.37');
const PodSecuritySchema = z.strictObject({
  enforce: PodSecurityLevel.describe('pod-security.kubernetes.io/enforce: pods that violate it are refused by the API server.'),
  enforceVersion: PodSecurityVersion.optional().describe('pod-security.kubernetes.io/enforce-version (default latest: the cluster\'s).'),
  warn: PodSecurityLevel.optional().describe('pod-security.kubernetes.io/warn: violations become warnings.'),
  warnVersion: PodSecurityVersion.optional(),
  audit: PodSecurityLevel.optional().describe('pod-security.kubernetes.io/audit: violations are recorded in the audit log.'),
  auditVersion: PodSecurityVersion.optional(),
}).describe('Pod Security Admission labels of the namespace the workloads run in.');

const SpecSchema = z.strictObject({
  kubernetesVersion: z.union([KubernetesVersion, z.array(KubernetesVersion).min(1).max(runnableKubernetesVersions().length)])
    .default(defaultKubernetesMinor)
    .describe(`The Kubernetes minor to run, or a list to run the scenario on each (side by side in the report): ${runnableKubernetesVersions().join(', ')}.`),
  podSecurity: PodSecuritySchema.optional(),
  layout: z.enum(['shared', 'per-pool']).default('shared').describe('shared: one cluster, a worker per pool; per-pool: a cluster per pool.'),
  pools: z.array(PoolSchema).min(1),
  workloads: z.array(WorkloadSchema).min(1),
  load: z.array(LoadSchema).optional(),
  ipc: z.array(IpcSchema).optional(),
  isolation: z.array(IsolationSchema).optional(),
  admission: z.array(AdmissionSchema).optional().describe('Explicit expectations; otherwise predicted from the policy model.'),
  repetitions: z.number().int().min(1).default(3).describe('A/B interleaved repetitions per variant.'),
  warmup: z.number().int().min(0).default(1),
  thresholds: z.array(ThresholdSchema).optional(),
  trends: TrendsSchema.optional(),
  procedures: z.array(ProcedureSchema).optional().describe('Operator procedures replayed on a running node.'),
}).transform(({ kubernetesVersion, ...spec }) => {
  // The pipeline reads one version (the first); kubernetesVersions holds them all.
  const kubernetesVersions = typeof kubernetesVersion === 'string' ? [kubernetesVersion] : kubernetesVersion;
  return { kubernetesVersion: kubernetesVersions[0]!, kubernetesVersions, ...spec };
});

export const ScenarioSchema = z.strictObject({
  apiVersion: z.literal('sysctl-bench/v1'),
  kind: z.literal('Scenario'),
  metadata: z.strictObject({ name: Name, description: z.string().optional() }),
  spec: SpecSchema,
}).superRefine((scenario, ctx) => crossCheck(scenario.spec, ctx));

export type Scenario = z.output<typeof ScenarioSchema>;
export type ScenarioSpec = Scenario['spec'];
export type ScenarioWorkload = ScenarioSpec['workloads'][number];
export type ScenarioPool = ScenarioSpec['pools'][number];

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

/** The rules that span fields: references resolve, names are unique, sysctls are well formed. */
function crossCheck(spec: z.output<typeof SpecSchema>, ctx: Ctx): void {
  const add = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path: ['spec', ...path], message });

  // When another field failed, zod still runs this check but not the transform: read the raw field then.
  const raw = (spec as { kubernetesVersions?: string[]; kubernetesVersion: string | string[] });
  const versions = checkVersions(raw.kubernetesVersions ?? [raw.kubernetesVersion].flat(), add);
  // Rules that changed between minors are checked against every version the scenario runs.
  const firstProblem = (check: (version: MinorVersion) => string | undefined): string | undefined => {
    for (const version of versions) {
      const problem = check(version);
      if (problem) return versions.length > 1 ? `${problem} (Kubernetes ${version.major}.${version.minor})` : problem;
    }
    return undefined;
  };
  const modelVersion = versions[0]!;

  const pools = unique(spec.pools.map((p) => p.name), ['pools'], 'pool', add);
  spec.pools.forEach((pool, i) => pool.allowedUnsafeSysctls.forEach((pattern, j) => {
    const error = firstProblem((version) => patternError(pattern, version));
    if (error) add(['pools', i, 'allowedUnsafeSysctls', j], `the kubelet would not start: ${error}`);
  }));

  const workloads = new Map(spec.workloads.map((w) => [w.name, w]));
  unique(spec.workloads.map((w) => w.name), ['workloads'], 'workload', add);
  spec.workloads.forEach((workload, i) => {
    if (workload.pool !== '*' && !pools.has(workload.pool)) add(['workloads', i, 'pool'], unknownRef('pool', workload.pool, pools));
    if (workload.kind === 'DaemonSet' && workload.replicas !== undefined) add(['workloads', i, 'replicas'], 'a DaemonSet runs one pod per node: remove replicas');
    unique(workload.variants.map((v) => v.name), ['workloads', i, 'variants'], 'variant', add);
    workload.variants.forEach((variant, j) => checkSysctls(variant.sysctls, ['workloads', i, 'variants', j, 'sysctls'], add, versions));
  });

  const workloadRef = (name: string, path: Path) => {
    if (!workloads.has(name)) add(path, unknownRef('workload', name, new Set(workloads.keys())));
    return workloads.get(name);
  };

  spec.load?.forEach((load, i) => {
    const workload = workloadRef(load.workload, ['load', i, 'workload']);
    if (workload && workload.app !== 'net-server') add(['load', i, 'workload'], `load generation targets net-server workloads; ${workload.name} runs ${workload.app}`);
    if (load.clientSysctls) checkSysctls(load.clientSysctls, ['load', i, 'clientSysctls'], add, versions);
    if (load.clientVariants) {
      if (load.clientSysctls) add(['load', i, 'clientVariants'], 'give either clientSysctls or clientVariants, not both');
      if (workload && workload.variants.length !== 1) add(['load', i, 'clientVariants'], `with clientVariants, workload ${workload.name} needs exactly one variant (the server under test)`);
      unique(load.clientVariants.map((v) => v.name), ['load', i, 'clientVariants'], 'client variant', add);
      load.clientVariants.forEach((variant, j) => checkSysctls(variant.sysctls, ['load', i, 'clientVariants', j, 'sysctls'], add, versions));
    }
  });

  spec.ipc?.forEach((ipc, i) => {
    const workload = workloadRef(ipc.workload, ['ipc', i, 'workload']);
    if (workload && workload.app !== 'ipc-bench') add(['ipc', i, 'workload'], `ipc tests run on ipc-bench workloads; ${workload.name} runs ${workload.app}`);
    if (ipc.test === 'msg' && !ipc.sizes) add(['ipc', i, 'sizes'], 'test msg needs sizes');
    if (ipc.test === 'sem' && !ipc.semopsPerCall) add(['ipc', i, 'semopsPerCall'], 'test sem needs semopsPerCall');
  });

  spec.isolation?.forEach((check, i) => {
    if (check.workload !== undefined) workloadRef(check.workload, ['isolation', i, 'workload']);
    if (check.check === 'host-proc-unchanged') {
      if (check.sysctl !== undefined) add(['isolation', i, 'sysctl'], 'host-proc-unchanged watches a fixed list plus the scenario\'s sysctls: remove sysctl');
      return;
    }
    if (check.sysctl === undefined) {
      add(['isolation', i, 'sysctl'], `${check.check} needs the sysctl it proves, e.g. sysctl: net.core.somaxconn`);
      return;
    }
    if (!versions.every((version) => isValidSysctlName(check.sysctl!, version))) {
      add(['isolation', i, 'sysctl'], `"${check.sysctl}" is not a valid sysctl name`);
      return;
    }
    const namespaced = namespacedBy(toDotSeparated(check.sysctl), modelVersion) !== undefined;
    if (check.check === 'node-level-shared' && namespaced) add(['isolation', i, 'sysctl'], `${check.sysctl} is namespaced; node-level-shared needs a node-level sysctl such as vm.swappiness`);
    if (['namespaced-differs', 'host-change-not-leaked', 'pod-change-contained'].includes(check.check) && !namespaced) {
      add(['isolation', i, 'sysctl'], `${check.sysctl} is node-level; ${check.check} needs a namespaced sysctl (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*)`);
    }
  });

  spec.admission?.forEach((expectation, i) => {
    const workload = workloadRef(expectation.workload, ['admission', i, 'workload']);
    if (workload && expectation.variant !== undefined && !workload.variants.some((v) => v.name === expectation.variant)) {
      add(['admission', i, 'variant'], unknownRef('variant', expectation.variant, new Set(workload.variants.map((v) => v.name))));
    }
    if (expectation.pool !== undefined && !pools.has(expectation.pool)) add(['admission', i, 'pool'], unknownRef('pool', expectation.pool, pools));
  });

  spec.procedures?.forEach((procedure, i) => {
    if (!pools.has(procedure.pool)) add(['procedures', i, 'pool'], unknownRef('pool', procedure.pool, pools));
    const illegal = procedure.allowedUnsafeSysctls.filter((pattern) => patternError(pattern, modelVersion) !== undefined);
    if (procedure.kind === 'runbook') {
      if (procedure.workload === undefined) add(['procedures', i, 'workload'], 'a runbook needs the workload whose pod it admits');
      else {
        const workload = workloadRef(procedure.workload, ['procedures', i, 'workload']);
        if (workload && procedure.variant !== undefined && !workload.variants.some((v) => v.name === procedure.variant)) {
          add(['procedures', i, 'variant'], unknownRef('variant', procedure.variant, new Set(workload.variants.map((v) => v.name))));
        }
      }
      procedure.allowedUnsafeSysctls.forEach((pattern, j) => {
        const error = firstProblem((version) => patternError(pattern, version));
        if (error) add(['procedures', i, 'allowedUnsafeSysctls', j], `the kubelet would not start: ${error}`);
      });
    } else if (illegal.length === 0) {
      add(['procedures', i, 'allowedUnsafeSysctls'], 'illegal-allowlist needs at least one pattern the kubelet refuses, e.g. kernel.*');
    }
  });

  spec.thresholds?.forEach((threshold, i) => {
    const workload = workloadRef(threshold.workload, ['thresholds', i, 'workload']);
    if (workload && threshold.variant !== undefined && !workload.variants.some((v) => v.name === threshold.variant)) {
      add(['thresholds', i, 'variant'], unknownRef('variant', threshold.variant, new Set(workload.variants.map((v) => v.name))));
    }
  });
}

/**
 * Every version must be one the model knows and `run` can bring up, given once; the list, or the
 * default, is what the rules below are checked against.
 */
function checkVersions(texts: readonly string[], add: (path: Path, message: string) => void): MinorVersion[] {
  const versions: MinorVersion[] = [];
  const path = (i: number): Path => (texts.length === 1 ? ['kubernetesVersion'] : ['kubernetesVersion', i]);
  const seen = new Set<string>();
  texts.forEach((text, i) => {
    const version = parseMinorVersion(text);
    if (!version) return;
    if (seen.has(text)) add(path(i), `Kubernetes ${text} is listed twice`);
    seen.add(text);
    if (!isModelled(version)) add(path(i), `must be between ${OLDEST_MODELLED} and ${NEWEST_MODELLED}`);
    else if (!runnableKubernetesVersions().includes(text)) {
      add(path(i), `Kubernetes ${text} cannot be run here: run brings up ${runnableKubernetesVersions().join(', ')} (validate judges ${OLDEST_MODELLED} to ${NEWEST_MODELLED} without a cluster)`);
    }
    if (isModelled(version)) versions.push(version);
  });
  return versions.length > 0 ? versions : [parseMinorVersion(defaultKubernetesMinor) ?? parseMinorVersion(NEWEST_MODELLED)!];
}

function checkSysctls(sysctls: Record<string, string>, path: Path, add: (path: Path, message: string) => void, versions: readonly MinorVersion[]): void {
  const pod = new Map(Object.entries(sysctls).map(([name, value]) => [toDotSeparated(name), value]));
  for (const [name, value] of Object.entries(sysctls)) {
    const refusing = versions.find((version) => !isValidSysctlName(name, version));
    if (refusing) {
      const slashes = name.includes('/') && isValidSysctlName(name, parseMinorVersion(NEWEST_MODELLED)!);
      add([...path, name], slashes
        ? `"${name}": the API server of Kubernetes ${refusing.major}.${refusing.minor} refuses / separators in new pods (accepted from 1.25); write ${toDotSeparated(name)}`
        : `"${name}" is not a valid sysctl name (dot-separated lowercase segments, e.g. net.core.somaxconn)`);
      continue;
    }
    const problem = valueProblem(toDotSeparated(name), value, pod);
    if (problem) add([...path, name], `value "${value}" for ${name}: ${problem}`);
  }
}

function unique(names: string[], path: Path, what: string, add: (path: Path, message: string) => void): Set<string> {
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (seen.has(name)) add([...path, i, 'name'], `${what} "${name}" is defined twice`);
    seen.add(name);
  });
  return seen;
}

function unknownRef(what: string, name: string, known: Set<string>): string {
  return `no ${what} named "${name}"; defined: ${[...known].join(', ') || '(none)'}`;
}
