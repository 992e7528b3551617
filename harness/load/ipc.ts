import { z } from 'zod';

/**
 * ipc-bench (images/ipc-bench): its arguments, the one JSON object it prints, and the flat metrics a
 * raw `measurement` record (kind `ipc`) holds. Under the defaults of these machines a 16 KiB message
 * fails with EINVAL (kernel.msgmax=8192) and a semop of 1,000 operations with E2BIG (SEMOPM=500);
 * with kernel.msgmax=65536 and kernel.sem="32000 1024000000 1000 32000" both succeed.
 */

const ErrnoCountsSchema = z.object({
  EINVAL: z.number().int().nonnegative(),
  E2BIG: z.number().int().nonnegative(),
  ENOSPC: z.number().int().nonnegative(),
  EAGAIN: z.number().int().nonnegative(),
  other: z.number().int().nonnegative(),
});
export type ErrnoCounts = z.infer<typeof ErrnoCountsSchema>;

const LimitsSchema = z
  .object({
    'kernel.msgmax': z.number().nullable(),
    'kernel.msgmnb': z.number().nullable(),
    'kernel.msgmni': z.number().nullable(),
    'kernel.sem': z.string().nullable(),
    semmsl: z.number().optional(),
    semmns: z.number().optional(),
    semopm: z.number().optional(),
    semmni: z.number().optional(),
  })
  .passthrough();

const caseFields = {
  ops: z.number().int().nonnegative(),
  attempts: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
  ops_per_s: z.number().nonnegative(),
  errors: ErrnoCountsSchema,
  stopped_early: z.boolean(),
};

export const MsgResultSchema = z.object({
  test: z.literal('msg'),
  seconds: z.number(),
  limits: LimitsSchema,
  cases: z.array(
    z.object({
      size: z.number().int().positive(),
      ...caseFields,
      queue_fill: z.object({ messages: z.number().int().nonnegative(), bytes: z.number().int().nonnegative(), stopped_by: z.string() }),
    }),
  ),
});

export const SemResultSchema = z.object({
  test: z.literal('sem'),
  seconds: z.number(),
  limits: LimitsSchema,
  cases: z.array(z.object({ nsops: z.number().int().positive(), nsems: z.number().int().positive(), ...caseFields })),
  sets: z.array(z.object({ nsems: z.number().int().positive(), ok: z.boolean(), errors: ErrnoCountsSchema })),
});

export const IpcResultSchema = z.discriminatedUnion('test', [MsgResultSchema, SemResultSchema]);
export type MsgResult = z.infer<typeof MsgResultSchema>;
export type SemResult = z.infer<typeof SemResultSchema>;
export type IpcResult = z.infer<typeof IpcResultSchema>;

export type IpcSpec = { test: 'msg'; sizes: number[]; seconds: number } | { test: 'sem'; nsops: number[]; nsems?: number[]; seconds: number };

function list(name: string, values: readonly number[], max: number): string {
  if (values.length === 0 || values.length > 32) throw new Error(`${name}: 1 to 32 values`);
  for (const v of values) if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`${name}: ${v} is not an integer in [1, ${max}]`);
  return values.join(',');
}

/** ipc-bench's argument array. */
export function ipcBenchArgs(spec: IpcSpec): string[] {
  if (!(spec.seconds > 0 && spec.seconds <= 60)) throw new Error(`seconds must be in (0, 60] (got ${spec.seconds})`);
  if (spec.test === 'msg') return ['msg', '--sizes', list('sizes', spec.sizes, 16 * 1024 * 1024), '--seconds', String(spec.seconds)];
  const args = ['sem', '--nsops', list('nsops', spec.nsops, 65536)];
  if (spec.nsems) args.push('--nsems', list('nsems', spec.nsems, 1 << 20));
  args.push('--seconds', String(spec.seconds));
  return args;
}

/** Parses ipc-bench's stdout (its last JSON line). */
export function parseIpcResult(stdout: string): IpcResult {
  const last = stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('{'))
    .at(-1);
  if (last === undefined) throw new Error(`ipc-bench printed no JSON (stdout: ${JSON.stringify(stdout.slice(0, 300))})`);
  const parsed = IpcResultSchema.safeParse(JSON.parse(last));
  if (!parsed.success) {
    throw new Error(`ipc-bench's output does not match the expected shape: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

function sumErrors(cases: readonly { errors: ErrnoCounts }[]): ErrnoCounts {
  const total: ErrnoCounts = { EINVAL: 0, E2BIG: 0, ENOSPC: 0, EAGAIN: 0, other: 0 };
  for (const c of cases) for (const key of Object.keys(total) as (keyof ErrnoCounts)[]) total[key] += c.errors[key];
  return total;
}

/**
 * Flat metrics, prefixed by the test so that msg and sem runs of one workload never mix:
 * errno counts summed over the cases (`msg_einval`, `sem_e2big`, ...), how many cases failed
 * outright (`msg_failed_cases`), and per case its throughput and errors, named by what varies
 * (`msg_16384_ops_per_s`, `msg_16384_errors`, `sem_1000_e2big`). For msg, the messages each queue
 * held (`msg_4096_queue_messages`): what kernel.msgmnb allows.
 */
export function ipcMetrics(result: IpcResult): Record<string, number> {
  const test = result.test;
  const errors = sumErrors(result.cases);
  const metrics: Record<string, number> = {
    [`${test}_einval`]: errors.EINVAL,
    [`${test}_e2big`]: errors.E2BIG,
    [`${test}_enospc`]: errors.ENOSPC,
    [`${test}_eagain`]: errors.EAGAIN,
    [`${test}_failed_cases`]: result.cases.filter((c) => c.ops === 0).length,
  };
  const perCase = (key: string, c: { ops_per_s: number; errors: ErrnoCounts }) => {
    metrics[`${test}_${key}_ops_per_s`] = c.ops_per_s;
    metrics[`${test}_${key}_errors`] = c.errors.EINVAL + c.errors.E2BIG + c.errors.ENOSPC + c.errors.other;
    metrics[`${test}_${key}_einval`] = c.errors.EINVAL;
    metrics[`${test}_${key}_e2big`] = c.errors.E2BIG;
  };
  if (result.test === 'msg') {
    for (const c of result.cases) {
      perCase(String(c.size), c);
      metrics[`msg_${c.size}_queue_messages`] = c.queue_fill.messages;
    }
  } else {
    for (const c of result.cases) perCase(String(c.nsops), c);
    metrics.sem_sets_refused = result.sets.filter((s) => !s.ok).length;
  }
  return metrics;
}
