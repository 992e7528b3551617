import type { V1Probe } from '@kubernetes/client-node';

/**
 * A workload app: what its pods run and how a run measures it. Adding one is a file in this
 * folder, a line in ./index.ts, and (for a built-in) its image in
 * harness/toolchain/artefacts/workload-images.ts. Only types (and zod, for an app's own scenario
 * fields) are imported here, so that the scenario schema can take its names from the registry
 * without loading a Kubernetes client.
 */
export interface WorkloadApp<Name extends string = string, Image extends 'built-in' | 'scenario' = 'built-in' | 'scenario'> {
  readonly name: Name;
  /** For docs and the schema's description. */
  readonly summary: string;
  /** What measures it: HTTP load (load[]) or the ipc-bench program run inside its pods (ipc[]). */
  readonly measuredBy: 'load' | 'ipc';
  /** Where its image comes from: sysctl-bench builds it, or the scenario names it (workloads[].image). */
  readonly image: Image;
  /**
   * Whether it calls another workload of the scenario (workloads[].upstream), whose Service address
   * it gets as UPSTREAM=<host>:<port>: required, optional, or (absent) not at all.
   */
  readonly upstream?: 'required' | 'optional';
  /** The container as the pod runs it; `own` is the workload's image block, for an app that takes one. */
  container(own: OwnImage | undefined): AppContainer;
}

export interface AppContainer {
  /** The container's command; undefined keeps the image's entrypoint. */
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  /** The port it serves; a Service is created in front of it. */
  readonly port?: number;
  readonly readiness?: V1Probe;
  /** The path the load generator requests (default /). */
  readonly loadPath?: string;
}

/** A team's own image as a scenario names it (workloads[].image): see ./image.ts. */
export interface OwnImage {
  reference: string;
  command?: string[];
  args?: string[];
  port: number;
  readinessPath?: string;
  loadPath?: string;
}
