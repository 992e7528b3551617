import type { HostEnd } from '../../host/guard.js';
import type { KernelSnapshot } from '../../provider/types.js';
import type { IsolationValue } from '../../results/raw.js';
import { describePlace, type Place, type Prober } from '../readers.js';

/**
 * An isolation check: one proof about where a sysctl's value lives. Adding one is a file in this
 * folder, a line in ./index.ts, and its test; the scenario's `isolation[].check` enum and its
 * cross-checks come from the entry. Only types and pure helpers are imported here, so that the
 * schema can load the registry without a Kubernetes client.
 */
export interface IsolationCheck<Name extends string = string> {
  readonly name: Name;
  /** One line for docs and the schema. */
  readonly summary: string;
  /** What the scenario's `sysctl` must be: namespaced, node-level, or none at all. */
  readonly sysctl: 'namespaced' | 'node-level' | 'none';
  /**
   * Changes a value in a node's own namespaces (and puts it back). On a cluster sysctl-bench did
   * not create, such a check runs only when the user allows node writes.
   */
  readonly writesNode: boolean;
  /** probes: while the workloads run; end: once the run's clusters are gone (or released). */
  readonly stage: 'probes' | 'end';
  run(context: CheckContext): Promise<CheckOutcome>;
}

export interface PodOnNode {
  pod: string;
  node: string;
}

/** A pod that set the sysctl, and a neighbour on the same node that set it otherwise or not at all. */
export interface IsolationPair {
  tuned: PodOnNode;
  neighbour: string;
  /** The value the tuned pod's spec asks for. */
  tunedValue: string;
}

export interface CheckContext {
  /** The sysctl, dot-separated ('' for checks that take none). */
  readonly sysctl: string;
  readonly workload: string | undefined;
  readonly prober: Prober;
  /** The nodes run on the kernel of the machine running sysctl-bench (kind): host reads mean something. */
  readonly sharesHostKernel: boolean;
  findPair(): Promise<IsolationPair | undefined>;
  /** Any running pod of the check's workloads. */
  findPod(): Promise<PodOnNode | undefined>;
  /** Runs `body` with a privileged pod on `node`, removed afterwards. */
  withPrivilegedPod<T>(node: string, body: (pod: string) => Promise<T>): Promise<T>;
  /** For end-stage checks: the kernel values before the run and after it. */
  readonly snapshots?: { before: KernelSnapshot; after: KernelSnapshot };
  /** For end-stage checks on kind: this machine's whole /proc/sys, compared (and put back) once no cluster is left. */
  readonly host?: HostEnd;
}

export interface CheckOutcome {
  passed: boolean;
  values: IsolationValue[];
  detail: string;
}

/** Every read a proof makes is recorded with where and when, so the report shows the evidence. */
export class Recorder {
  readonly values: IsolationValue[] = [];

  constructor(private readonly prober: Prober) {}

  async read(place: Place, name: string, at: string): Promise<string> {
    const value = await this.prober.read(place, name);
    this.values.push({ where: describePlace(place), name, value, at });
    return value;
  }

  note(where: string, name: string, value: string, at: string): void {
    this.values.push({ where, name, value, at });
  }

  failed(detail: string): CheckOutcome {
    return { passed: false, values: this.values, detail };
  }
}

export function nothingToProbe(detail: string): CheckOutcome {
  return { passed: false, values: [], detail };
}

/** The pair checks' outcome when the run holds no tuned pod with a neighbour on its node. */
export function noPairToProbe(sysctl: string): CheckOutcome {
  return nothingToProbe(`no running pod that sets ${sysctl} with a neighbour on the same node that sets it otherwise or not at all`);
}
