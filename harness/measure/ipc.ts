import { ipcBenchArgs, parseIpcResult, type IpcResult, type IpcSpec } from '../load/ipc.js';
import type { ClusterObjects } from '../provider/types.js';

/** Runs ipc-bench inside a pod (its own IPC namespace, so its own kernel.msg* and kernel.sem). */
export async function runIpcInPod(objects: Pick<ClusterObjects, 'exec'>, pod: string, spec: IpcSpec): Promise<IpcResult> {
  const out = await objects.exec(pod, ['ipc-bench', ...ipcBenchArgs(spec)], { timeoutMs: (spec.seconds * 8 + 60) * 1000 });
  if (!out.stdout.includes('{')) throw new Error(`ipc-bench in pod ${pod} printed no JSON: ${out.stderr || out.message || '(nothing)'}`);
  return parseIpcResult(out.stdout);
}
