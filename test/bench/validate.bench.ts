// `npm run bench`: how long `validate` takes on 10,000 pod templates, end to end (YAML text to
// report) and for the policy model alone (target: well under one second for the whole stream); and
// `bin/sysctl-bench validate` of one pod as a whole process, beside `node -e 0`, the floor any
// Node CLI pays (target: a median under 0.3 s on the 2-core CI machine); and the CLI on 200,000 pod
// templates in one stream, with its peak memory (issue 12: under 10 s and 1 GB, or a cap).
import { spawn as spawnChild, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { readWorkloads } from '../../harness/manifests/read-workloads.js';
import { splitAllowFlag } from '../../harness/policy/allowlist.js';
import { buildValidationReport } from '../../harness/policy/validation-report.js';

const TEMPLATES = 10_000;
const node = { allowedUnsafeSysctls: splitAllowFlag('kernel.msg*,kernel.shm*,kernel.sem,fs.mqueue.*,net.*'), kubernetesVersion: '1.34' };

const SYSCTL_SETS = [
  [['kernel.msgmax', '65536'], ['kernel.sem', '32000  1024000000  10000  32000']],
  [['net.core.somaxconn', '4096'], ['net.ipv4.ip_local_port_range', '1024 65535']],
  [['kernel.shm_rmid_forced', '1']],
  [['vm.swappiness', '10']],
];

function deployment(index: number): string {
  const sysctls = SYSCTL_SETS[index % SYSCTL_SETS.length]!
    .map(([name, value]) => `        - name: ${name}\n          value: "${value}"`).join('\n');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${index}
  namespace: bench
spec:
  replicas: 1
  selector:
    matchLabels: { app: app-${index} }
  template:
    metadata:
      labels: { app: app-${index} }
    spec:
      securityContext:
        sysctls:
${sysctls}
      containers:
      - name: app
        image: busybox:1.36
`;
}

const stream = Array.from({ length: TEMPLATES }, (_, i) => deployment(i)).join('---\n');
const parsed = readWorkloads(stream, 'bench.yaml');
if (parsed.templates.length !== TEMPLATES || parsed.problems.length > 0) throw new Error('bench input is wrong');

const bench = new Bench({ iterations: 5, warmupIterations: 1 });
bench
  .add(`validate ${TEMPLATES} pod templates: YAML stream to report`, () => {
    const read = readWorkloads(stream, 'bench.yaml');
    buildValidationReport({ templates: read.templates, problems: read.problems, node });
  })
  .add(`policy model alone on ${TEMPLATES} pod templates`, () => {
    buildValidationReport({ templates: parsed.templates, problems: [], node });
  });

await bench.run();
for (const task of bench.tasks) {
  const result = task.result as { latency?: { mean: number; p99?: number } } | undefined;
  const mean = result?.latency?.mean;
  process.stdout.write(`${task.name}: ${mean === undefined ? 'n/a' : `${mean.toFixed(1)} ms per run (${(mean / TEMPLATES * 1000).toFixed(1)} µs per template)`}\n`);
}

// Whole process: what a user (or a pre-commit hook piping `helm template`) waits for.
const repo = fileURLToPath(new URL('../../', import.meta.url));
const nodeBinary = join(repo, 'node_modules/.bin/node');
const cli = join(repo, 'bin/sysctl-bench');
const work = mkdtempSync(join(tmpdir(), 'sysctl-bench-bench-'));
const podFile = join(work, 'pod.yaml');
writeFileSync(podFile, `apiVersion: v1
kind: Pod
metadata:
  name: one
spec:
  securityContext:
    sysctls:
    - name: net.core.somaxconn
      value: "4096"
  containers:
  - name: app
    image: busybox:1.36
`);
const spawn = (exe: string, args: string[], okCodes: number[]) => {
  const child = spawnSync(exe, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (!okCodes.includes(child.status ?? -1)) throw new Error(`${exe} ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
};
// The first call builds dist/ when harness/ changed since the last build: not part of the measure.
spawn(cli, ['validate', podFile, '--allow', 'net.*'], [0]);

const processes = new Bench({ iterations: 20, warmupIterations: 2, time: 0, warmupTime: 0 });
processes
  .add('node -e 0', () => spawn(nodeBinary, ['-e', '0'], [0]))
  .add('bin/sysctl-bench validate pod.yaml (one pod)', () => spawn(cli, ['validate', podFile, '--allow', 'net.*'], [0]));
await processes.run();
rmSync(work, { recursive: true, force: true });

const medianOf = (index: number): number => {
  const result = processes.tasks[index]?.result as { latency?: { p50?: number } } | undefined;
  const median = result?.latency?.p50;
  if (median === undefined) throw new Error(`no measurement for ${processes.tasks[index]?.name}`);
  return median;
};
const floor = medianOf(0);
const validate = medianOf(1);
process.stdout.write(`node -e 0 as a process: median ${floor.toFixed(0)} ms (${processes.tasks[0]?.runs ?? 0} runs)\n`);
process.stdout.write(`validate of one pod as a process: median ${validate.toFixed(0)} ms (${processes.tasks[1]?.runs ?? 0} runs), `
  + `${(validate / floor).toFixed(1)}× node -e 0; target < 300 ms: ${validate < 300 ? 'met' : 'NOT MET'}\n`);

// Whole-process runs of the CLI on 200,000 pod templates in one stream (issue 12): the time and
// the peak resident memory (VmHWM, read from /proc while it runs), with the caps raised to take
// it all, and with the default caps, where it stops at the 64 MiB cap with an error (exit 2).
const BIG = 200_000;
const bigDir = mkdtempSync(join(tmpdir(), 'sysctl-bench-bench-'));
const bigFile = join(bigDir, 'big.yaml');
const out = openSync(bigFile, 'w');
for (let i = 0; i < BIG; i += 1) writeSync(out, `${i > 0 ? '---\n' : ''}${deployment(i)}`);
closeSync(out);

async function wholeProcess(args: string[]): Promise<{ seconds: number; peakMb: number; code: number | null; lastLine: string }> {
  const started = performance.now();
  const child = spawnChild(cli, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let peakKb = 0;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-2000); });
  const poll = setInterval(() => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // Exited between two polls.
    }
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
  clearInterval(poll);
  const lines = stderr.trim().split('\n').filter((line) => line.startsWith('error:'));
  return { seconds: (performance.now() - started) / 1000, peakMb: peakKb / 1024, code, lastLine: lines.at(-1) ?? '' };
}

try {
  const raised = await wholeProcess(['validate', bigFile, '--allow', 'kernel.msg*,kernel.shm*,kernel.sem,fs.mqueue.*,net.*', '--max-documents', String(BIG), '--max-input-size', '256']);
  process.stdout.write(`validate ${BIG.toLocaleString('en')} pod templates, whole process, caps raised: ${raised.seconds.toFixed(1)} s, peak RSS ${raised.peakMb.toFixed(0)} MB, exit ${raised.code}\n`);
  const capped = await wholeProcess(['validate', bigFile]);
  process.stdout.write(`validate ${BIG.toLocaleString('en')} pod templates, whole process, default caps: ${capped.seconds.toFixed(1)} s, peak RSS ${capped.peakMb.toFixed(0)} MB, exit ${capped.code} (${capped.lastLine})\n`);
} finally {
  rmSync(bigDir, { recursive: true, force: true });
}
