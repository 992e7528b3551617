/**
 * Who changes the host's kernel values while kind clusters run. A kind node is a privileged
 * container on this machine's kernel: every node-level write made inside it (by the kubelet, by
 * systemd, by a proof) is a write to this machine. The toolchain's node image prevents what it
 * can; whatever still differs once the last cluster is gone is put back and named here.
 */
export interface KnownWriter {
  /** Exact sysctl names, or a pattern (per-interface entries). */
  readonly names: readonly string[] | RegExp;
  /** The value it writes, when it always writes the same one. */
  readonly value?: string;
  readonly who: string;
  /** A kind node (goes with the clusters) or another program of this machine. */
  readonly source: 'node' | 'other';
  /** False for a value the writer still needs while it runs: named, never put back. */
  readonly restore: boolean;
  readonly why?: string;
}

/** kubelet: pkg/kubelet/cm/container_manager_linux.go setupKernelTunables (KernelTunableModify), values from k8s.io/component-helpers/node/util/sysctl. */
const kubelet = (name: string, value: string): KnownWriter => ({
  names: [name], value, restore: true, source: 'node',
  who: `the kubelet of a kind node (its kernel tunables at start-up: ${name}=${value}; kubernetes/kubernetes#74151)`,
});

export const KNOWN_WRITERS: readonly KnownWriter[] = [
  kubelet('vm.overcommit_memory', '1'),
  kubelet('vm.panic_on_oom', '0'),
  kubelet('kernel.panic', '10'),
  kubelet('kernel.panic_on_oops', '1'),
  kubelet('kernel.keys.root_maxkeys', '1000000'),
  kubelet('kernel.keys.root_maxbytes', '25000000'),
  {
    names: ['fs.file-max'], value: '9223372036854775807', restore: true, source: 'node',
    who: 'systemd as PID 1 of a kind node (raises fs.file-max to its maximum at boot: bump_file_max_and_nr_open)',
  },
  {
    names: ['fs.nr_open'], restore: true, source: 'node',
    who: 'systemd as PID 1 of a kind node (raises fs.nr_open to the largest value the kernel takes at boot)',
  },
  {
    names: ['fs.protected_fifos', 'fs.protected_regular', 'fs.protected_symlinks', 'fs.protected_hardlinks'], restore: true, source: 'node',
    who: "systemd-sysctl in a kind node (the sysctl.d files of the node's Debian packages: procps protect-links.conf, systemd 50-default.conf)",
  },
  {
    names: ['kernel.sysrq', 'kernel.core_uses_pid', 'kernel.kptr_restrict', 'kernel.core_pattern', 'kernel.pid_max', 'net.core.default_qdisc'], restore: true, source: 'node',
    who: "systemd-sysctl in a kind node (systemd's sysctl.d defaults: 50-default.conf, 50-pid-max.conf, 50-coredump.conf)",
  },
  {
    names: /^net\.ipv6\.conf\.[^.]+\.forwarding$/, value: '1', restore: false, source: 'other',
    who: 'dockerd, when a network with IPv6 is created (sysctl-bench makes its networks IPv4-only, so another program did)',
    why: "Docker's IPv6 networks need it while they exist",
  },
];

export interface Attribution {
  who: string;
  /** node: a kind node's own software; proof: a run's proof; other: another program; unknown: none of these. */
  source: 'node' | 'proof' | 'other' | 'unknown';
  restore: boolean;
  why?: string;
}

export const UNKNOWN_WRITER = 'not a known writer';

function matches(writer: KnownWriter, name: string): boolean {
  return Array.isArray(writer.names) ? writer.names.includes(name) : (writer.names as RegExp).test(name);
}

/**
 * Names who most likely wrote `value` to `name`: a known writer whose name (and value, when it
 * always writes the same) matches, else a proof of a run that writes that sysctl on a node.
 * Anything else is "not a known writer", and still put back.
 */
export function attribute(name: string, value: string | undefined, proofWrites: ReadonlyMap<string, string> = new Map(), writers: readonly KnownWriter[] = KNOWN_WRITERS): Attribution {
  const writer = writers.find((candidate) => matches(candidate, name) && (candidate.value === undefined || candidate.value === value));
  const proof = proofWrites.get(name);
  const why = writer?.why ? { why: writer.why } : {};
  if (writer && proof) return { who: `${writer.who}, or ${proof}`, source: writer.source === 'node' ? 'node' : 'proof', restore: writer.restore, ...why };
  if (writer) return { who: writer.who, source: writer.source, restore: writer.restore, ...why };
  if (proof) return { who: proof, source: 'proof', restore: true };
  return { who: UNKNOWN_WRITER, source: 'unknown', restore: true };
}

/** Whether a change goes away with the clusters: made by a kind node or a run's proof. */
export function explainedByClusters(attribution: Attribution): boolean {
  return attribution.source === 'node' || attribution.source === 'proof';
}
