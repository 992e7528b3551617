import { z } from 'zod';
import { execInPod, type Kube } from '../kube/client.js';
import { namespace } from '../workloads/spec.js';

const errorsSchema = z.object({ EINVAL: z.number(), E2BIG: z.number(), ENOSPC: z.number(), EAGAIN: z.number(), other: z.number() });

/** The one JSON object ipc-bench prints (images/ipc-bench/ipc-bench.c). */
export const ipcReportSchema = z.object({
  test: z.enum(['msg', 'sem']),
  seconds: z.number(),
  limits: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  cases: z.array(z.object({
    size: z.number().optional(),
    nsops: z.number().optional(),
    nsems: z.number().optional(),
    ops: z.number(),
    ops_per_s: z.number(),
    errors: errorsSchema,
  }).loose()),
  sets: z.array(z.object({ nsems: z.number(), ok: z.boolean(), errors: errorsSchema })).optional(),
}).loose();

export type IpcReport = z.infer<typeof ipcReportSchema>;

export interface IpcRequest {
  test: 'msg' | 'sem';
  sizes?: number[];
  semopsPerCall?: number[];
  seconds: number;
}

export function ipcArgs(request: IpcRequest): string[] {
  const args: string[] = [request.test];
  if (request.test === 'msg' && request.sizes?.length) args.push('--sizes', request.sizes.join(','));
  if (request.test === 'sem' && request.semopsPerCall?.length) args.push('--nsops', request.semopsPerCall.join(','));
  args.push('--seconds', String(request.seconds));
  return args;
}

/**
 * Flat metrics per case, named by what varies: msg_16384_ops_per_s, msg_16384_einval,
 * sem_1000_ops_per_s, sem_1000_e2big. Error counts are what the kernel limits produce.
 */
export function ipcMetrics(report: IpcReport): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const entry of report.cases) {
    const key = `${report.test}_${report.test === 'msg' ? entry.size : entry.nsops}`;
    metrics[`${key}_ops_per_s`] = entry.ops_per_s;
    metrics[`${key}_einval`] = entry.errors.EINVAL;
    metrics[`${key}_e2big`] = entry.errors.E2BIG;
    metrics[`${key}_enospc`] = entry.errors.ENOSPC;
    metrics[`${key}_errors`] = entry.errors.EINVAL + entry.errors.E2BIG + entry.errors.ENOSPC + entry.errors.other;
  }
  return metrics;
}

/** Runs ipc-bench inside a pod (its own IPC namespace, so its own kernel.msg* and kernel.sem). */
export async function runIpcInPod(kube: Kube, pod: string, request: IpcRequest): Promise<IpcReport> {
  const out = await execInPod(kube, namespace, pod, 'app', ['ipc-bench', ...ipcArgs(request)], (request.seconds * 4 + 60) * 1000);
  const line = out.stdout.trim().split('\n').filter((text) => text.startsWith('{')).pop();
  if (!line) throw new Error(`ipc-bench in pod ${pod} printed no JSON: ${out.stderr || out.message || '(nothing)'}`);
  return ipcReportSchema.parse(JSON.parse(line));
}
