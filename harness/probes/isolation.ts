import type { Kube } from '../kube/client.js';
import type { IsolationRecord, IsolationValue } from '../results/raw.js';
import { describePlace, readSysctl, tryWritePodSysctl, writeNodeSysctl, type Place } from './readers.js';
import { normaliseValue } from './sysctl-path.js';

export interface IsolationContext {
  kube: Kube;
  /** The kind node (container) the pods share. */
  node: string;
  /** A pod that set the sysctl in its securityContext. */
  tunedPod: string;
  /** A pod on the same node that did not. */
  neighbourPod: string;
  /** A privileged pod on the same node, for runtime writes. */
  privilegedPod?: string;
  workload?: string;
}

type Check = Omit<IsolationRecord, 'type'>;

class Recorder {
  readonly values: IsolationValue[] = [];

  constructor(private readonly kube: Kube) {}

  async read(place: Place, name: string, at: string): Promise<string> {
    const value = await readSysctl(this.kube, place, name);
    this.values.push({ where: describePlace(place), name, value, at });
    return value;
  }
}

/** A tuned pod's namespaced value is its own: it differs from its node's and from its neighbour's. */
export async function namespacedDiffers(context: IsolationContext, sysctl: string, tunedValue: string): Promise<Check> {
  const recorder = new Recorder(context.kube);
  const pod = await recorder.read({ where: 'pod', pod: context.tunedPod }, sysctl, 'now');
  const node = await recorder.read({ where: 'node', node: context.node }, sysctl, 'now');
  const neighbour = await recorder.read({ where: 'pod', pod: context.neighbourPod }, sysctl, 'now');
  const wanted = normaliseValue(tunedValue);
  const passed = pod === wanted && pod !== node && pod !== neighbour;
  return {
    check: 'namespaced-differs', sysctl, workload: context.workload, passed, values: recorder.values,
    detail: passed
      ? `the tuned pod reads ${pod}; its node reads ${node} and its neighbour ${neighbour}`
      : `expected the tuned pod to read ${wanted} and to differ from node (${node}) and neighbour (${neighbour}); it reads ${pod}`,
  };
}

/**
 * Changing the value on the node (the pods' host) reaches no pod's namespaced value.
 * The node's value is put back whatever happens.
 */
export async function hostChangeNotLeaked(context: IsolationContext, sysctl: string): Promise<Check> {
  const recorder = new Recorder(context.kube);
  const nodePlace: Place = { where: 'node', node: context.node };
  const original = await recorder.read(nodePlace, sysctl, 'before');
  const tunedBefore = await recorder.read({ where: 'pod', pod: context.tunedPod }, sysctl, 'before');
  const neighbourBefore = await recorder.read({ where: 'pod', pod: context.neighbourPod }, sysctl, 'before');
  const changed = alternativeValue(original, [tunedBefore, neighbourBefore]);
  let restored = false;
  try {
    await writeNodeSysctl(context.node, sysctl, changed);
    await recorder.read(nodePlace, sysctl, 'after node change');
    const tunedAfter = await recorder.read({ where: 'pod', pod: context.tunedPod }, sysctl, 'after node change');
    const neighbourAfter = await recorder.read({ where: 'pod', pod: context.neighbourPod }, sysctl, 'after node change');
    const passed = tunedAfter === tunedBefore && neighbourAfter === neighbourBefore;
    return {
      check: 'host-change-not-leaked', sysctl, workload: context.workload, passed, values: recorder.values,
      detail: passed
        ? `the node changed ${original} -> ${changed}; the pods kept ${tunedBefore} and ${neighbourBefore}`
        : `the node changed ${original} -> ${changed} and a pod followed: tuned ${tunedBefore} -> ${tunedAfter}, neighbour ${neighbourBefore} -> ${neighbourAfter}`,
    };
  } finally {
    await writeNodeSysctl(context.node, sysctl, original);
    restored = (await recorder.read(nodePlace, sysctl, 'restored')) === original;
    if (!restored) throw new Error(`could not restore ${sysctl} on node ${context.node} to ${original}`);
  }
}

/** A pod's own runtime change (a privileged pod writing /proc/sys) reaches neither its node nor its neighbour. */
export async function podChangeContained(context: IsolationContext, sysctl: string): Promise<Check> {
  if (!context.privilegedPod) throw new Error('pod-change-contained needs a privileged probe pod');
  const recorder = new Recorder(context.kube);
  const probe: Place = { where: 'pod', pod: context.privilegedPod };
  const nodeBefore = await recorder.read({ where: 'node', node: context.node }, sysctl, 'before');
  const neighbourBefore = await recorder.read({ where: 'pod', pod: context.neighbourPod }, sysctl, 'before');
  const probeBefore = await recorder.read(probe, sysctl, 'before');
  const changed = alternativeValue(probeBefore, [nodeBefore, neighbourBefore]);
  const write = await tryWritePodSysctl(context.kube, context.privilegedPod, sysctl, changed);
  const probeAfter = await recorder.read(probe, sysctl, 'after pod change');
  const nodeAfter = await recorder.read({ where: 'node', node: context.node }, sysctl, 'after pod change');
  const neighbourAfter = await recorder.read({ where: 'pod', pod: context.neighbourPod }, sysctl, 'after pod change');
  const passed = write.ok && probeAfter === changed && nodeAfter === nodeBefore && neighbourAfter === neighbourBefore;
  return {
    check: 'pod-change-contained', sysctl, workload: context.workload, passed, values: recorder.values,
    detail: !write.ok
      ? `the privileged pod could not write ${sysctl}: ${write.message}`
      : passed
        ? `the pod changed its own value ${probeBefore} -> ${changed}; node kept ${nodeBefore}, neighbour kept ${neighbourBefore}`
        : `after the pod's change: pod ${probeAfter}, node ${nodeBefore} -> ${nodeAfter}, neighbour ${neighbourBefore} -> ${neighbourAfter}`,
  };
}

/**
 * A node-level sysctl is one value for the whole kernel: the host, the node and every pod read
 * the same, a change on the node shows in the pods, and an ordinary pod cannot write it.
 * The value is put back whatever happens.
 */
export async function nodeLevelShared(context: IsolationContext, sysctl: string): Promise<Check> {
  const recorder = new Recorder(context.kube);
  const host = await recorder.read({ where: 'host' }, sysctl, 'before');
  const node = await recorder.read({ where: 'node', node: context.node }, sysctl, 'before');
  const pod = await recorder.read({ where: 'pod', pod: context.neighbourPod }, sysctl, 'before');
  const changed = alternativeValue(node, []);
  let followed = false;
  try {
    await writeNodeSysctl(context.node, sysctl, changed);
    followed = (await recorder.read({ where: 'pod', pod: context.neighbourPod }, sysctl, 'after node change')) === changed;
  } finally {
    await writeNodeSysctl(context.node, sysctl, node);
    await recorder.read({ where: 'host' }, sysctl, 'restored');
  }
  const write = await tryWritePodSysctl(context.kube, context.neighbourPod, sysctl, changed);
  const passed = host === node && node === pod && followed && !write.ok;
  return {
    check: 'node-level-shared', sysctl, workload: context.workload, passed, values: recorder.values,
    detail: `host ${host}, node ${node}, pod ${pod}; a node change ${followed ? 'reached' : 'did not reach'} the pod; `
      + `the pod's own write ${write.ok ? 'succeeded (it should not)' : `was refused (${write.message || 'read-only'})`}`,
  };
}

/**
 * A value different from all the given ones, of the same shape: the first integer field moves by
 * one (down when it can, so that no limit of the host is ever raised by a proof).
 */
export function alternativeValue(current: string, avoid: readonly string[]): string {
  const fields = normaliseValue(current).split(' ');
  // BigInt: some limits sit at 2^63-1 (fs.file-max), past what a double holds exactly.
  if (!/^\d+$/.test(fields[0] ?? '')) throw new Error(`cannot derive a test value from ${JSON.stringify(current)}`);
  const first = BigInt(fields[0] ?? '0');
  for (const step of [-1n, 1n, -2n, 2n, -3n, 3n]) {
    const next = first + step;
    const candidate = [String(next), ...fields.slice(1)].join(' ');
    if (next >= 0n && candidate !== current && !avoid.includes(candidate)) return candidate;
  }
  throw new Error(`cannot derive a test value from ${JSON.stringify(current)}`);
}
