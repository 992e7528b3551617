import { z } from 'zod';

/**
 * The raw results contract: `reports/<run-id>/raw/results.jsonl`, one JSON record per line, appended
 * by the pipeline as each step ends. Every report format is rebuilt from these records alone, so
 * anything a report shows must be recorded here. Documented in docs/results.md.
 */

export const RAW_RESULTS_FILE = 'raw/results.jsonl';

const isoTime = z.string().min(1);
const sysctlValues = z.record(z.string(), z.string());

export const NodeInfoSchema = z.object({
  name: z.string(),
  pool: z.string(),
  role: z.string(),
  kubeletFlags: z.array(z.string()),
  allowedUnsafeSysctls: z.array(z.string()),
  // As the node reports them (node.status.nodeInfo); optional: older runs did not record them.
  /** `uname -r` of the node: on kind the machine's own kernel. */
  kernel: z.string().optional(),
  osImage: z.string().optional(),
  /** e.g. containerd://2.1.4 */
  containerRuntime: z.string().optional(),
  kubeletVersion: z.string().optional(),
  /**
   * The kubelet's configuration as read from the running kubelet (its /configz), or the fields of
   * it that matter here (allowedUnsafeSysctls, cgroupDriver, ...): what was in force, not what was planned.
   */
  kubeletConfig: z.record(z.string(), z.unknown()).optional(),
  /** Where kubeletConfig was read: e.g. "configz", "planned". */
  kubeletConfigSource: z.string().optional(),
});

export const ProviderSchema = z.enum(['kind', 'existing']);

export const EnvironmentSchema = z.object({
  kubernetesVersion: z.string(),
  /** Absent on an existing cluster. */
  kindVersion: z.string().optional(),
  /** The kernel of the machine that ran sysctl-bench (on kind, also the nodes' kernel). */
  kernel: z.string(),
  machine: z.object({
    cpus: z.number(),
    memory: z.string(),
    os: z.string(),
  }),
  nodes: z.array(NodeInfoSchema),
  // Added in results minor 1; optional so that earlier raw files still read.
  /** kind: clusters created on this machine; existing: a cluster someone else runs. */
  provider: ProviderSchema.optional(),
  /** The kind node image, with its digest or build fingerprint. */
  nodeImage: z.string().optional(),
  /** What runs the kind node containers on this machine, e.g. "Docker 28.3.1, runc 1.3.0". */
  containerRuntime: z.string().optional(),
  /** cgroup version of the machine that ran the nodes. */
  cgroupVersion: z.enum(['v1', 'v2']).optional(),
  sysctlBench: z.object({ version: z.string(), commit: z.string().optional(), dirty: z.boolean().optional() }).optional(),
  /** Where the nodes differ from the scenario or from each other, as found before the run (also recorded as notes). */
  findings: z.array(z.string()).optional(),
  /**
   * Present when the run brought up several Kubernetes versions (admission observed side by side;
   * measured on the first): each minor in the scenario's order, its patch, node image and clusters.
   * `kubernetesVersion` above is the first one's.
   */
  kubernetesVersions: z.array(z.object({
    minor: z.string(),
    patch: z.string(),
    nodeImage: z.string().optional(),
    clusters: z.array(z.string()),
  })).optional(),
});

/** What an operator applies to roll the tuning out; produced by the pipeline, shown verbatim. */
export const RolloutSchema = z.object({
  dropIn: z.string(),
  kubeletConfiguration: z.string(),
  openshiftKubeletConfig: z.string(),
});

/**
 * What an operator must know beside the rollout artifacts (results 1.3): a Pod Security level that
 * refuses the tuning at the API server whatever the kubelets allow (`pod-security`), and a sysctl
 * the kubelet itself writes on every node it starts on (`kubelet-enforced`). From the scenario.
 */
export const RolloutNoteSchema = z.object({
  kind: z.enum(['pod-security', 'kubelet-enforced']),
  message: z.string(),
  /** The scenario field it is about (spec.workloads[0].variants[1].sysctls.vm.overcommit_memory). */
  source: z.string().optional(),
});

export const RunStartedSchema = z.object({
  type: z.literal('run-started'),
  runId: z.string().min(1),
  scenario: z.object({
    name: z.string(),
    file: z.string(),
    // The validated scenario as the pipeline saw it; its shape belongs to the scenario module.
    definition: z.unknown(),
  }),
  startedAt: isoTime,
  environment: EnvironmentSchema,
  loadGenerator: z.object({ name: z.string(), version: z.string() }),
  rollout: RolloutSchema.optional(),
  rolloutNotes: z.array(RolloutNoteSchema).optional(),
  /** Command-line overrides of the scenario (`--scale`, `--repetitions`, `--warmup`); a scale changes what is measured. */
  runOptions: z.object({ scale: z.number().optional(), repetitions: z.number().optional(), warmup: z.number().optional() }).optional(),
});

export const PhaseSchema = z.object({
  type: z.literal('phase'),
  // Open-ended on purpose: the pipeline may add phases without a schema change.
  name: z.string().min(1),
  startedAt: isoTime,
  durationMs: z.number().nonnegative(),
  ok: z.boolean(),
  detail: z.string().optional(),
});

/** pod-security-forbidden: Pod Security admission refused the pods at the API server (no kubelet allowlist can change that). */
export const AdmissionOutcomeSchema = z.enum(['admitted', 'forbidden', 'invalid', 'unsupported', 'pod-security-forbidden']);
/** What a run saw; `pending` when no outcome showed before the deadline (never matches a prediction). */
export const ObservedOutcomeSchema = z.enum(['admitted', 'forbidden', 'invalid', 'unsupported', 'pod-security-forbidden', 'pending']);

export const WorkloadKindSchema = z.enum(['Deployment', 'StatefulSet', 'DaemonSet']);

export const AdmissionSchema = z.object({
  type: z.literal('admission'),
  workload: z.string(),
  variant: z.string(),
  pool: z.string(),
  /** "X.Y": the Kubernetes minor of the cluster it was deployed on (recorded from results 1.3). */
  kubernetesVersion: z.string().optional(),
  kind: WorkloadKindSchema,
  sysctls: sysctlValues,
  predicted: z.object({
    outcome: AdmissionOutcomeSchema,
    reason: z.string().optional(),
    message: z.string().optional(),
  }),
  observed: z.object({
    outcome: ObservedOutcomeSchema,
    reason: z.string().optional(),
    message: z.string().optional(),
    podPhase: z.string().optional(),
    events: z.array(z.string()).optional(),
  }),
  match: z.boolean(),
});

export const SeriesSchema = z.object({
  /** Seconds since the start of the measurement. */
  t: z.array(z.number()),
  values: z.record(z.string(), z.array(z.number())),
});

/**
 * Where a measurement's kernel_* metrics were read: the measured pods' own namespaces, through
 * their node (network) or inside them (ipc), before and after the repetition.
 */
export const KernelRecordSchema = z.object({
  namespace: z.enum(['network', 'ipc']),
  pods: z.array(z.object({ pod: z.string(), node: z.string(), via: z.string(), pid: z.number().int().optional() })),
  /** Every counter of /proc/net/{netstat,snmp} that moved ("TcpExt.ListenOverflows": 422), beyond the kernel_* metrics. */
  moved: z.record(z.string(), z.number()).optional(),
  /** When the counters could not be read, or only in part: why. */
  problem: z.string().optional(),
});

export const MeasurementSchema = z.object({
  type: z.literal('measurement'),
  workload: z.string(),
  variant: z.string(),
  repetition: z.number().int().nonnegative(),
  warmup: z.boolean(),
  kind: z.enum(['load', 'ipc']),
  at: isoTime.optional(),
  metrics: z.record(z.string(), z.number()),
  samples: z.record(z.string(), z.array(z.number())).optional(),
  series: SeriesSchema.optional(),
  generator: z.object({
    cpuPercent: z.number().optional(),
    droppedIterations: z.number().optional(),
    saturated: z.boolean(),
    /** Each load generator of the measurement (the pods of an Indexed Job), with its own saturation. */
    generators: z.array(z.object({
      name: z.string(),
      node: z.string().optional(),
      saturated: z.boolean(),
      reasons: z.array(z.string()),
      cpuPercent: z.number(),
    })).optional(),
  }),
  kernel: KernelRecordSchema.optional(),
});

export const IsolationValueSchema = z.object({
  where: z.string(),
  name: z.string(),
  value: z.string(),
  at: z.string(),
});

export const IsolationSchema = z.object({
  type: z.literal('isolation'),
  check: z.string(),
  sysctl: z.string(),
  workload: z.string().optional(),
  passed: z.boolean(),
  values: z.array(IsolationValueSchema),
  detail: z.string(),
});

export const HostChangeSchema = z.object({
  name: z.string(),
  /** The value before the first cluster; absent: the entry was not there. */
  before: z.string().optional(),
  /** The value found when the difference was seen; absent: the entry was gone. */
  found: z.string().optional(),
  /** Who most likely wrote it (docs/host-kernel.md lists the known writers). */
  who: z.string(),
  source: z.enum(['node', 'proof', 'other', 'unknown']),
  /** The entry reads its value from before again. */
  restored: z.boolean(),
  after: z.string().optional(),
  /** Why it was not put back (deferred, not writable, not ours to undo). */
  error: z.string().optional(),
});

/**
 * This machine's whole /proc/sys, kept before the first sysctl-bench cluster and compared (and put
 * back) after the last one (kind only: its nodes share this machine's kernel).
 */
export const HostKernelSchema = z.object({
  type: z.literal('host-kernel'),
  at: isoTime,
  /** restored: this run was the last, put the host back and compared it; deferred: runs or clusters of sysctl-bench were still there. */
  status: z.enum(['restored', 'deferred']),
  baseline: z.object({ takenAt: isoTime, runId: z.string(), note: z.string().optional(), entries: z.number().int() }),
  /** Runs and clusters already there when this run started. */
  sharedWith: z.array(z.string()),
  /** deferred: who the restoration waits for. */
  waitingFor: z.array(z.string()),
  /** Entries compared; counters left out; interfaces that came or went, whose entries were left out. */
  compared: z.number().int(),
  volatile: z.number().int(),
  transientInterfaces: z.array(z.string()),
  /** What differed from the baseline at the end of the run. */
  changes: z.array(HostChangeSchema),
  /** What runs before this one had left, put back before this run started. */
  earlier: z.array(HostChangeSchema),
  /** What counts against the run. restored: what still differs after putting back; deferred: differences no cluster or proof explains. */
  remaining: z.array(z.object({ name: z.string(), before: z.string().optional(), after: z.string().optional() })),
  /** Differences made by a named program outside sysctl-bench (dockerd's IPv6 forwarding): listed, not put back, not counted. */
  foreign: z.array(z.object({ name: z.string(), before: z.string().optional(), after: z.string().optional() })).default([]),
});

export const NoteSchema = z.object({
  type: z.literal('note'),
  at: isoTime,
  phase: z.string().optional(),
  message: z.string(),
});

export const ErrorRecordSchema = z.object({
  type: z.literal('error'),
  at: isoTime,
  phase: z.string().optional(),
  message: z.string(),
  fix: z.string().optional(),
});

export const RunStatusSchema = z.enum(['completed', 'failed', 'interrupted']);

export const RunFinishedSchema = z.object({
  type: z.literal('run-finished'),
  finishedAt: isoTime,
  status: RunStatusSchema,
  reason: z.string().optional(),
});

export const RawRecordSchema = z.discriminatedUnion('type', [
  RunStartedSchema,
  PhaseSchema,
  AdmissionSchema,
  MeasurementSchema,
  IsolationSchema,
  HostKernelSchema,
  NoteSchema,
  ErrorRecordSchema,
  RunFinishedSchema,
]);

export type NodeInfo = z.infer<typeof NodeInfoSchema>;
export type Provider = z.infer<typeof ProviderSchema>;
export type Environment = z.infer<typeof EnvironmentSchema>;
export type Rollout = z.infer<typeof RolloutSchema>;
export type RolloutNote = z.infer<typeof RolloutNoteSchema>;
export type RunStarted = z.infer<typeof RunStartedSchema>;
export type PhaseRecord = z.infer<typeof PhaseSchema>;
export type AdmissionOutcome = z.infer<typeof AdmissionOutcomeSchema>;
export type WorkloadKind = z.infer<typeof WorkloadKindSchema>;
export type AdmissionRecord = z.infer<typeof AdmissionSchema>;
export type Series = z.infer<typeof SeriesSchema>;
export type MeasurementRecord = z.infer<typeof MeasurementSchema>;
export type KernelRecord = z.infer<typeof KernelRecordSchema>;
export type IsolationValue = z.infer<typeof IsolationValueSchema>;
export type IsolationRecord = z.infer<typeof IsolationSchema>;
export type HostChangeRecord = z.infer<typeof HostChangeSchema>;
export type HostKernelRecord = z.infer<typeof HostKernelSchema>;
export type NoteRecord = z.infer<typeof NoteSchema>;
export type ErrorRecord = z.infer<typeof ErrorRecordSchema>;
export type RunStatus = z.infer<typeof RunStatusSchema>;
export type RunFinished = z.infer<typeof RunFinishedSchema>;
export type RawRecord = z.infer<typeof RawRecordSchema>;
export type RawRecordType = RawRecord['type'];
