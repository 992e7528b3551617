import { execInPod, type Kube } from '../kube/client.js';
import { ipcBenchArgs, parseIpcResult, type IpcResult, type IpcSpec } from '../load/ipc.js';
import { namespace } from '../workloads/spec.js';

/** Runs ipc-bench inside a pod (its own IPC namespace, so its own kernel.msg* and kernel.sem). */
export async function runIpcInPod(kube: Kube, pod: string, spec: IpcSpec): Promise<IpcResult> {
  const out = await execInPod(kube, namespace, pod, 'app', ['ipc-bench', ...ipcBenchArgs(spec)], (spec.seconds * 8 + 60) * 1000);
  if (!out.stdout.includes('{')) throw new Error(`ipc-bench in pod ${pod} printed no JSON: ${out.stderr || out.message || '(nothing)'}`);
  return parseIpcResult(out.stdout);
}
