import { z } from 'zod';
import { LOAD_MODE_NAMES, loadEntrySchema } from '../load/modes/index.js';
import { clusterName, deploymentName } from '../plan/plan.js';
import { patternError } from '../policy/allowlist.js';
import { isValidSysctlName, isValidSysctlPattern, namespacedBy, SYSCTL_MAX_LENGTH, SYSCTL_PATTERN_REGEX_TEXT, toDotSeparated } from '../policy/names.js';
import { POD_SECURITY_LEVELS } from '../policy/pod-security.js';
import { valueProblem } from '../policy/values.js';
import { isModelled, NEWEST_MODELLED, OLDEST_MODELLED, parseMinorVersion, type MinorVersion } from '../policy/versions.js';
import { ISOLATION_CHECKS, isolationCheck } from '../probes/checks/index.js';
import { defaultKubernetesMinor, runnableKubernetesVersions } from '../toolchain/versions.js';
import { closestName } from '../manifests/suggest.js';
import { APP_SETTINGS, OWN_ENVIRONMENT, settingVariable } from './app-settings.js';
import { DurationSchema } from './duration.js';
import { loadProblems, SCENARIO_LIMITS as LIMITS } from './limits.js';
import { ipcMetricNames, loadMetricNamesFor } from './metrics.js';
import { OwnImageSchema } from '../workloads/apps/image.js';
import { WORKLOAD_APPS, workloadApp } from '../workloads/apps/index.js';

/**
 * The scenario file: which node pools (kubelet configurations) to build, which workloads and sysctl
 * variants to run on them, and what to measure and prove. Every field is documented in
 * docs/scenario.md; the JSON Schema for editors is generated from this (scenarios/scenario.schema.json).
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const Name = z.string().max(63).regex(DNS_LABEL, 'must be a DNS label: lowercase letters, digits and -, starting and ending alphanumeric')
  .describe('A DNS label (lowercase letters, digits, -), at most 63 characters.');
// Durations are read by the same function the run converts them with (./duration.ts).
const Duration = DurationSchema;
const SysctlMap = z.record(z.string().max(SYSCTL_MAX_LENGTH), z.string().max(LIMITS.valueLength).describe('The value, as a string (quote numbers).'))
  .refine((map) => Object.keys(map).length <= LIMITS.sysctlsPerVariant, `at most ${LIMITS.sysctlsPerVariant} sysctls`)
  .describe('Sysctl name to value, e.g. { net.core.somaxconn: "4096" }. Values are strings, as in a pod spec.');

export const POOL_FIELDS_DOC = 'A kubelet configuration; each becomes a worker node labelled sysctl-bench/pool=<name>.';

const PoolSchema = z.strictObject({
  name: Name,
  allowedUnsafeSysctls: z.array(z.string().max(SYSCTL_MAX_LENGTH)).max(LIMITS.patterns).default([]).describe('The kubelet --allowed-unsafe-sysctls patterns for this pool.'),
  nodeSelector: z.record(z.string().regex(LABEL_KEY, 'must be a label key, e.g. node.kubernetes.io/pool'), z.string().regex(LABEL_VALUE, 'must be a label value'))
    .optional().describe('The labels of this pool\'s nodes. On an existing cluster they select the nodes; on kind the pool\'s worker gets them. Default: sysctl-bench/pool=<name>.'),
}).describe(POOL_FIELDS_DOC);

const VariantSchema = z.strictObject({
  name: Name,
  sysctls: SysctlMap.default({}),
}).describe('One setting of the pod sysctls to compare (e.g. baseline vs tuned).');

const WorkloadSchema = z.strictObject({
  name: Name,
  kind: z.enum(['Deployment', 'StatefulSet', 'DaemonSet']),
  app: z.enum(WORKLOAD_APPS).describe('A built-in workload app, or image: the team\'s own image (workloads[].image).'),
  image: OwnImageSchema.optional(),
  upstream: Name.optional().describe('Another workload this one calls (gateway, image): its Service address is passed as UPSTREAM=<host>:<port>. It needs one variant, on this workload\'s pool.'),
  pool: z.union([Name, z.literal('*')]).describe('The node pool to schedule on; * runs it on every pool.'),
  hostNetwork: z.boolean().optional().describe('Run in the node\'s network namespace (net.* sysctls are then refused).'),
  hostIPC: z.boolean().optional().describe('Run in the node\'s IPC namespace (IPC sysctls are then refused).'),
  replicas: z.number().int().min(1).max(LIMITS.replicas).optional().describe('Pod count; not for DaemonSet.'),
  settings: z.record(z.string().max(63), z.union([z.string().max(LIMITS.valueLength), z.number()])).default({})
    .describe('Passed to the app as environment variables; only those it reads (net-server: backlog, acceptRate, keepAlive, stallEveryMs, stallMs).'),
  variants: z.array(VariantSchema).min(1).max(LIMITS.variantsPerWorkload),
});

// The fields every load entry has; each mode adds its own (harness/load/modes/<mode>.ts), and
// `mode` picks which (a discriminated union).
const LoadCommonSchema = z.strictObject({
  workload: Name,
  timeout: Duration.optional(),
  clientSysctls: SysctlMap.optional().describe('Applied to the load generator container.'),
  clientVariants: z.array(VariantSchema).min(2).max(LIMITS.variantsPerWorkload).optional().describe(
    'Compare settings of the load generator\'s own sysctls instead of the workload\'s variants (e.g. '
    + 'net.ipv4.ip_local_port_range baseline vs tuned); the workload then needs exactly one variant.',
  ),
  generator: z.strictObject({
    where: z.enum(['container', 'cluster']).describe('container: one load container beside the cluster on its network (kind only); cluster: an Indexed Job of pods.'),
    pods: z.number().int().min(1).max(64).default(1).describe('Pods of the Indexed Job (where: cluster); each takes its share, all start at one barrier time.'),
    pool: Name.optional().describe('The pool whose nodes run the load pods (where: cluster); default: any node.'),
  }).optional().describe('Where the load generator runs. Default: a container on kind, one pod on an existing cluster.'),
});
const LoadSchema = loadEntrySchema(LoadCommonSchema).describe(`A load on a workload that serves HTTP (net-server, image); mode: ${LOAD_MODE_NAMES.join(' | ')} (docs/load.md).`);

const IpcSchema = z.strictObject({
  workload: Name,
  test: z.enum(['msg', 'sem']),
  sizes: z.array(z.number().int().min(1).max(LIMITS.ipcMessageBytes)).min(1).max(LIMITS.ipcListLength).optional().describe('Message sizes in bytes (msg).'),
  semopsPerCall: z.array(z.number().int().min(1).max(LIMITS.ipcSemops)).min(1).max(LIMITS.ipcListLength).optional().describe('Semaphore operations per semop call (sem).'),
  seconds: z.number().positive().max(LIMITS.ipcSeconds).optional().describe('How long each ipc-bench run lasts, in seconds (default 2).'),
});

const ProcedureSchema = z.strictObject({
  kind: z.enum(['runbook', 'illegal-allowlist']).describe(
    'runbook: replay the seed article\'s /etc/sysconfig/kubelet steps on a node and show a refused pod admitted; '
    + 'illegal-allowlist: set a pattern outside the namespaced groups and show the kubelet refusing to start.',
  ),
  pool: Name.describe('The pool whose node the procedure runs on.'),
  workload: Name.optional().describe('runbook: the workload whose pod is refused before and admitted after.'),
  variant: Name.optional(),
  allowedUnsafeSysctls: z.array(z.string().max(SYSCTL_MAX_LENGTH)).min(1).max(LIMITS.patterns).describe('The --allowed-unsafe-sysctls value the procedure writes.'),
});

export { ISOLATION_CHECKS };

const IsolationSchema = z.strictObject({
  check: z.enum(ISOLATION_CHECKS),
  sysctl: z.string().max(SYSCTL_MAX_LENGTH).optional().describe('The sysctl the proof is about; host-proc-unchanged watches a fixed list plus every sysctl of the scenario.'),
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
  metric: z.string().min(1).max(128).describe('A metric a load or ipc entry of the workload records, e.g. connect_p99_ms.'),
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
  pools: z.array(PoolSchema).min(1).max(LIMITS.pools),
  workloads: z.array(WorkloadSchema).min(1).max(LIMITS.workloads),
  load: z.array(LoadSchema).max(LIMITS.loadEntries).optional(),
  ipc: z.array(IpcSchema).max(LIMITS.ipcEntries).optional(),
  isolation: z.array(IsolationSchema).max(LIMITS.isolationChecks).optional(),
  admission: z.array(AdmissionSchema).max(LIMITS.admissionExpectations).optional().describe('Explicit expectations; otherwise predicted from the policy model.'),
  repetitions: z.number().int().min(1).max(LIMITS.repetitions).default(3).describe('A/B interleaved repetitions per variant.'),
  warmup: z.number().int().min(0).max(LIMITS.warmup).default(1),
  thresholds: z.array(ThresholdSchema).max(LIMITS.thresholds).optional(),
  trends: TrendsSchema.optional(),
  procedures: z.array(ProcedureSchema).max(LIMITS.procedures).optional().describe('Operator procedures replayed on a running node.'),
  imageRegistry: z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/, 'must be a registry host with an optional path, e.g. registry.example.com:5000/team')
    .optional().describe('Where the nodes of an existing cluster pull the sysctl-bench images from (--registry overrides it).'),
}).transform(({ kubernetesVersion, ...spec }) => {
  // The pipeline reads one version (the first); kubernetesVersions holds them all.
  const kubernetesVersions = typeof kubernetesVersion === 'string' ? [kubernetesVersion] : kubernetesVersion;
  return { kubernetesVersion: kubernetesVersions[0]!, kubernetesVersions, ...spec };
});

export const ScenarioSchema = z.strictObject({
  apiVersion: z.literal('sysctl-bench/v1'),
  kind: z.literal('Scenario'),
  metadata: z.strictObject({ name: Name, description: z.string().max(LIMITS.descriptionLength).optional() }),
  spec: SpecSchema,
}).superRefine((scenario, ctx) => crossCheck(scenario.spec, scenario.metadata.name, ctx));

export type Scenario = z.output<typeof ScenarioSchema>;
export type ScenarioSpec = Scenario['spec'];
export type ScenarioWorkload = ScenarioSpec['workloads'][number];
export type ScenarioPool = ScenarioSpec['pools'][number];

type Ctx = z.RefinementCtx;
type Path = (string | number)[];

/** The rules that span fields: references resolve, names are unique, sysctls are well formed. */
function crossCheck(spec: z.output<typeof SpecSchema>, scenarioName: string, ctx: Ctx): void {
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

  // Per pool, a kind cluster named from the scenario and the pool, shortened: distinct pools must
  // stay distinct clusters.
  if (spec.layout === 'per-pool') {
    const clusters = new Map<string, string>();
    spec.pools.forEach((pool, i) => {
      const cluster = clusterName(scenarioName, pool.name);
      const other = clusters.get(cluster);
      if (other !== undefined && other !== pool.name) add(['pools', i, 'name'], `pools "${other}" and "${pool.name}" would both be cluster ${cluster}: shorten or rename one`);
      clusters.set(cluster, pool.name);
    });
  }

  const workloads = new Map(spec.workloads.map((w) => [w.name, w]));
  unique(spec.workloads.map((w) => w.name), ['workloads'], 'workload', add);
  checkObjectNames(spec, add);
  spec.workloads.forEach((workload, i) => checkSettings(workload, ['workloads', i, 'settings'], add));
  spec.workloads.forEach((workload, i) => {
    if (workload.pool !== '*' && !pools.has(workload.pool)) add(['workloads', i, 'pool'], unknownRef('pool', workload.pool, pools));
    if (workload.kind === 'DaemonSet' && workload.replicas !== undefined) add(['workloads', i, 'replicas'], 'a DaemonSet runs one pod per node: remove replicas');
    const ownImage = workloadApp(workload.app).image === 'scenario';
    if (ownImage && !workload.image) add(['workloads', i, 'image'], `app ${workload.app} runs the team's own image: give image: { reference: <image>, port: <port> }`);
    if (!ownImage && workload.image) add(['workloads', i, 'image'], `app ${workload.app} is built in and runs its own image: remove image, or set app: image to run this one`);
    checkUpstream(workload, i, workloads, add);
    unique(workload.variants.map((v) => v.name), ['workloads', i, 'variants'], 'variant', add);
    workload.variants.forEach((variant, j) => checkSysctls(variant.sysctls, ['workloads', i, 'variants', j, 'sysctls'], add, versions));
  });

  const workloadRef = (name: string, path: Path) => {
    if (!workloads.has(name)) add(path, unknownRef('workload', name, new Set(workloads.keys())));
    return workloads.get(name);
  };

  spec.load?.forEach((load, i) => {
    const workload = workloadRef(load.workload, ['load', i, 'workload']);
    if (workload && workloadApp(workload.app).measuredBy !== 'load') add(['load', i, 'workload'], `load generation targets apps that serve a port (${WORKLOAD_APPS.filter((name) => workloadApp(name).measuredBy === 'load').join(', ')}); ${workload.name} runs ${workload.app}`);
    for (const problem of loadProblems(load)) add(['load', i, ...problem.path], problem.message);
    if (load.generator?.pool !== undefined && !pools.has(load.generator.pool)) add(['load', i, 'generator', 'pool'], unknownRef('pool', load.generator.pool, pools));
    if (load.generator?.where === 'container' && load.generator.pods !== 1) add(['load', i, 'generator', 'pods'], 'a container generator is one process: use where: cluster for several pods');
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
    if (workload && workloadApp(workload.app).measuredBy !== 'ipc') add(['ipc', i, 'workload'], `ipc tests run on ipc-bench workloads; ${workload.name} runs ${workload.app}`);
    if (ipc.test === 'msg' && !ipc.sizes) add(['ipc', i, 'sizes'], 'test msg needs sizes');
    if (ipc.test === 'sem' && !ipc.semopsPerCall) add(['ipc', i, 'semopsPerCall'], 'test sem needs semopsPerCall');
  });

  spec.isolation?.forEach((entry, i) => {
    if (entry.workload !== undefined) workloadRef(entry.workload, ['isolation', i, 'workload']);
    const check = isolationCheck(entry.check);
    switch (check.sysctl) {
      case 'none':
        if (entry.sysctl !== undefined) add(['isolation', i, 'sysctl'], `${check.name} takes no sysctl: remove sysctl`);
        return;
      case 'namespaced':
      case 'node-level': {
        if (entry.sysctl === undefined) {
          add(['isolation', i, 'sysctl'], `${check.name} needs the sysctl it proves, e.g. sysctl: ${check.sysctl === 'namespaced' ? 'net.core.somaxconn' : 'vm.swappiness'}`);
          return;
        }
        if (!versions.every((version) => isValidSysctlName(entry.sysctl!, version))) {
          add(['isolation', i, 'sysctl'], `"${entry.sysctl}" is not a valid sysctl name`);
          return;
        }
        const namespaced = namespacedBy(toDotSeparated(entry.sysctl), modelVersion) !== undefined;
        if (check.sysctl === 'node-level' && namespaced) add(['isolation', i, 'sysctl'], `${entry.sysctl} is namespaced; ${check.name} needs a node-level sysctl such as vm.swappiness`);
        if (check.sysctl === 'namespaced' && !namespaced) {
          add(['isolation', i, 'sysctl'], `${entry.sysctl} is node-level; ${check.name} needs a namespaced sysctl (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*)`);
        }
        return;
      }
      default: {
        const never: never = check.sysctl;
        throw new Error(`unknown sysctl requirement ${String(never)}`);
      }
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
    } else {
      // Written into the node's /etc/sysconfig/kubelet: a quote or a newline there would add
      // kubelet flags of its own. The point is a pattern the kubelet refuses as not namespaced,
      // so it must still be a pattern by the kubelet's grammar.
      procedure.allowedUnsafeSysctls.forEach((pattern, j) => {
        if (!isValidSysctlPattern(pattern)) {
          add(['procedures', i, 'allowedUnsafeSysctls', j], `${JSON.stringify(pattern)} is not a sysctl pattern by the kubelet's grammar (^${SYSCTL_PATTERN_REGEX_TEXT}$, at most ${SYSCTL_MAX_LENGTH} characters); illegal-allowlist needs a well-formed pattern outside the namespaced groups, e.g. kernel.*`);
        }
      });
      if (illegal.length === 0) add(['procedures', i, 'allowedUnsafeSysctls'], 'illegal-allowlist needs at least one pattern the kubelet refuses, e.g. kernel.*');
    }
  });

  spec.thresholds?.forEach((threshold, i) => {
    const workload = workloadRef(threshold.workload, ['thresholds', i, 'workload']);
    if (workload && threshold.variant !== undefined && !workload.variants.some((v) => v.name === threshold.variant)) {
      add(['thresholds', i, 'variant'], unknownRef('variant', threshold.variant, new Set(workload.variants.map((v) => v.name))));
    }
    if (workload) {
      const measured = measuredMetrics(spec, workload.name);
      if (measured.size === 0) add(['thresholds', i, 'workload'], `nothing measures ${workload.name}: add a load or ipc entry for it, or remove the threshold`);
      else if (!measured.has(threshold.metric)) {
        const guess = closestName(threshold.metric, measured);
        add(['thresholds', i, 'metric'], `no load or ipc entry of ${workload.name} records "${threshold.metric}"${guess ? `; did you mean "${guess}"?` : ''}; it records: ${[...measured].join(', ')}`);
      }
    }
  });
}

/** workloads[].upstream: an app that calls one, a workload that serves a port, one variant, on the same pool. */
function checkUpstream(workload: ScenarioWorkload, i: number, workloads: ReadonlyMap<string, ScenarioWorkload>, add: (path: Path, message: string) => void): void {
  const calls = workloadApp(workload.app).upstream;
  if (workload.upstream === undefined) {
    if (calls === 'required') add(['workloads', i, 'upstream'], `app ${workload.app} calls an upstream: name the workload it calls, e.g. upstream: backend`);
    return;
  }
  if (calls === undefined) {
    add(['workloads', i, 'upstream'], `app ${workload.app} calls no upstream: remove upstream (gateway and image take one)`);
    return;
  }
  const target = workloads.get(workload.upstream);
  if (!target) {
    add(['workloads', i, 'upstream'], unknownRef('workload', workload.upstream, new Set(workloads.keys())));
    return;
  }
  if (target.name === workload.name) add(['workloads', i, 'upstream'], 'a workload cannot be its own upstream: name another workload');
  else if (workloadApp(target.app).measuredBy !== 'load') add(['workloads', i, 'upstream'], `${target.name} runs ${target.app}, which serves no port to call`);
  else if (target.variants.length !== 1) add(['workloads', i, 'upstream'], `${target.name} has ${target.variants.length} variants; an upstream needs exactly one, so that every variant of ${workload.name} calls the same server`);
  else if (target.pool !== '*' && target.pool !== workload.pool) add(['workloads', i, 'upstream'], `${target.name} runs on pool ${target.pool}, ${workload.name} on ${workload.pool}: put the upstream on the same pool (or pool: "*")`);
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

/**
 * Every object the run creates is named from its workload, variant and (when it runs on several)
 * pool, joined by dashes and shortened: "web-tuned" + "x" and "web" + "tuned-x" would be one
 * object. Also bounds how many objects a scenario creates.
 */
function checkObjectNames(spec: z.output<typeof SpecSchema>, add: (path: Path, message: string) => void): void {
  const seen = new Map<string, string>();
  let count = 0;
  spec.workloads.forEach((workload, i) => {
    const pools = workload.pool === '*' ? spec.pools.map((pool) => pool.name) : [workload.pool];
    workload.variants.forEach((variant, j) => {
      for (const pool of pools) {
        count += 1;
        const name = deploymentName(workload.name, variant.name, pool, pools.length > 1);
        const mine = `${workload.name}/${variant.name}${pools.length > 1 ? ` on ${pool}` : ''}`;
        const other = seen.get(name);
        if (other !== undefined) add(['workloads', i, 'variants', j, 'name'], `${mine} and ${other} would both be the object ${name}: rename one`);
        else seen.set(name, mine);
      }
    });
  });
  if (count > LIMITS.deployments) add(['workloads'], `${count} workload variants on their pools; a run creates at most ${LIMITS.deployments} (docs/scenario.md, limits)`);
}

/** A team's image gets its settings as they are: each must become a distinct variable the API server takes, and none the harness sets itself. */
function checkOwnEnvironment(settings: Record<string, string | number>, path: Path, add: (path: Path, message: string) => void): void {
  const seen = new Map<string, string>();
  for (const key of Object.keys(settings)) {
    const variable = settingVariable(key);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) add([...path, key], `"${key}" becomes the variable ${variable}, which is not a name the API server takes: use letters, digits and _`);
    else if (variable === 'UPSTREAM') add([...path, key], 'UPSTREAM is set by the harness from workloads[].upstream: name the workload there');
    else if (seen.has(variable)) add([...path, key], `"${key}" and "${seen.get(variable)}" both become ${variable}: keep one`);
    seen.set(variable, key);
  }
}

/** Settings become environment variables of the app: only those it reads, each in its range. */
function checkSettings(workload: z.output<typeof WorkloadSchema>, path: Path, add: (path: Path, message: string) => void): void {
  const known = APP_SETTINGS[workload.app];
  if (known === OWN_ENVIRONMENT) {
    checkOwnEnvironment(workload.settings, path, add);
    return;
  }
  const knownNames = [...known.keys()];
  for (const [key, value] of Object.entries(workload.settings)) {
    const setting = known.get(key);
    if (!setting) {
      const guess = closestName(key, knownNames);
      add([...path, key], `${workload.app} reads no setting "${key}"${guess ? `; did you mean "${guess}"?` : ''}; it reads: ${knownNames.join(', ') || 'none'}`);
      continue;
    }
    const number = typeof value === 'number' ? value : /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < setting.min || number > setting.max) {
      add([...path, key], `${key} (${settingVariable(key)}, ${setting.doc}) must be a whole number from ${setting.min} to ${setting.max}`);
    }
  }
}

/** The metrics the load and ipc entries of a workload record (./metrics.ts). */
function measuredMetrics(spec: z.output<typeof SpecSchema>, workload: string): Set<string> {
  const metrics = new Set<string>();
  for (const load of spec.load ?? []) {
    if (load.workload === workload) for (const name of loadMetricNamesFor(load)) metrics.add(name);
  }
  for (const ipc of spec.ipc ?? []) {
    if (ipc.workload !== workload) continue;
    const values = ipc.test === 'msg' ? ipc.sizes : ipc.semopsPerCall;
    for (const name of ipcMetricNames(ipc.test, values ?? [])) metrics.add(name);
  }
  return metrics;
}
