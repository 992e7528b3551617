import type { V1Probe } from '@kubernetes/client-node';

/**
 * A built-in workload app: what its pods run and how a run measures it. Adding one is a file in
 * this folder, a line in ./index.ts, and its image in harness/toolchain/artefacts/workload-images.ts.
 * Only types are imported here, so that the scenario schema can take its names from the registry
 * without loading a Kubernetes client.
 */
export interface WorkloadApp<Name extends string = string> {
  readonly name: Name;
  /** For docs and the schema's description. */
  readonly summary: string;
  /** What measures it: HTTP load (load[]) or the ipc-bench program run inside its pods (ipc[]). */
  readonly measuredBy: 'load' | 'ipc';
  /** The container's command; undefined keeps the image's entrypoint. */
  readonly command?: readonly string[];
  /** The port it serves; a Service is created in front of it. */
  readonly port?: number;
  readonly readiness?: V1Probe;
}
