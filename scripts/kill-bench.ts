/**
 * The kill benchmark (not a test: it takes about an hour and the whole machine):
 *
 *   npm run bench:kill -- [--kills 20] [--scale 0.2] [--scenario scripts/kill-bench.scenario.yaml] [--out DIR]
 *
 * Runs the scenario once to learn how long each phase takes, then N times: starts a run, and
 * SIGKILLs its whole process group (what a cancelled CI job or the OOM killer of its cgroup does)
 * at a random moment of a target phase (toolchain, cluster-create, deploy, load, probes,
 * procedures, cluster-delete in turn), then runs the scenario normally, as the next CI job would.
 * After each pair and at the end it counts what is left of the bench's runs: kind clusters,
 * containers, networks, volumes, kubeconfig entries (goal 0), measurements a killed run had
 * finished but not kept (goal 0), and this machine's /proc/sys differences from before the bench
 * (goal 0). Figures go to <out>/kill-bench.json and <out>/kill-bench.md.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compareHost, describeDifference, type HostDifference } from '../harness/host/compare.js';
import { snapshotProcSys } from '../harness/host/procsys.js';
import { runLabel } from '../harness/load/labels.js';
import { run } from '../harness/toolchain/exec.js';

const TARGETS = ['toolchain', 'cluster-create', 'deploy', 'load', 'probes', 'procedures', 'cluster-delete'] as const;

const { values: flags } = parseArgs({
  options: {
    kills: { type: 'string', default: '20' },
    scale: { type: 'string', default: '0.2' },
    scenario: { type: 'string', default: 'scripts/kill-bench.scenario.yaml' },
    out: { type: 'string' },
  },
});
const kills = Number(flags.kills);
const out = resolve(flags.out ?? join('reports', `kill-bench-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}`));
mkdirSync(out, { recursive: true });
const bin = resolve('bin/sysctl-bench');
const tag = randomBytes(2).toString('hex');

interface RunRecord {
  name: string;
  dir: string;
  exitCode: number | null;
  killed: boolean;
  /** The phase that was running when the kill came (the last ▶ line). */
  phaseAtKill?: string;
  killAfterMs?: number;
  durationMs: number;
  /** Measurements the run said it had finished ("rep ..." lines) and the ones in its raw results. */
  measurementsSaid: number;
  measurementsKept: number;
}

interface Leftovers {
  clusters: string[];
  containers: string[];
  networks: string[];
  volumes: string[];
  kubeconfigEntries: string[];
}

async function docker(args: string[]): Promise<string[]> {
  const result = await run('docker', args, { allowFailure: true });
  return result.exitCode === 0 ? result.stdout.split('\n').map((line) => line.trim()).filter(Boolean) : [];
}

function runIdsOf(records: readonly RunRecord[]): Set<string> {
  const ids = new Set<string>();
  for (const record of records) {
    const raw = join(record.dir, 'raw', 'results.jsonl');
    if (!existsSync(raw)) continue;
    const first = readFileSync(raw, 'utf8').split('\n').find((line) => line.includes('"type":"run-started"'));
    if (first) ids.add((JSON.parse(first) as { runId: string }).runId);
  }
  return ids;
}

/**
 * The volumes the bench's own kind nodes mount, sampled every few seconds while they exist:
 * anonymous volumes carry no label, and other programs on the machine make theirs too.
 */
const ownVolumes = new Set<string>();
const sampler = setInterval(() => {
  void (async () => {
    for (const node of await docker(['ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster', '--format', '{{.Names}}'])) {
      if (!node.startsWith(`sb-kb-${tag}-`)) continue;
      for (const volume of (await docker(['inspect', node, '--format', '{{range .Mounts}}{{if .Name}}{{.Name}} {{end}}{{end}}'])).join(' ').split(/\s+/)) if (volume) ownVolumes.add(volume);
    }
  })().catch(() => undefined);
}, 3_000);

/** What is left on the machine of the bench's own runs: by their cluster names, run ids and node volumes, nothing else. */
async function leftovers(records: readonly RunRecord[]): Promise<Leftovers> {
  const names = new Set(records.map((record) => record.name));
  const ids = runIdsOf(records);
  const shortIds = new Set([...ids].map((id) => id.slice(-4)));
  const clusters = [...new Set(await docker(['ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster', '--format', '{{.Label "io.x-k8s.kind.cluster"}}']))].filter((name) => names.has(name));
  const containers = (await docker(['ps', '-a', '--filter', `label=${runLabel}`, '--format', `{{.Names}}\t{{.Label "${runLabel}"}}`]))
    .filter((line) => ids.has(line.split('\t')[1] ?? ''));
  const networks = (await docker(['network', 'ls', '--format', '{{.Name}}'])).filter((name) => shortIds.has(name.replace(/^sysctl-bench-/, '')) && name.startsWith('sysctl-bench-'));
  const volumes = (await docker(['volume', 'ls', '-q'])).filter((volume) => ownVolumes.has(volume));
  const kubeconfig = join(homedir(), '.kube', 'config');
  const kubeconfigEntries = existsSync(kubeconfig)
    ? [...names].filter((name) => readFileSync(kubeconfig, 'utf8').includes(`kind-${name}`)).map((name) => `kind-${name}`)
    : [];
  return { clusters, containers, networks, volumes, kubeconfigEntries };
}

/** Starts a run in its own process group; kills the group at `killAt(phase)` ms into that phase when given. */
function startRun(name: string, kill?: { phase: string; afterMs: number }): Promise<RunRecord> {
  const dir = join(out, name);
  const started = Date.now();
  return new Promise((resolvePromise) => {
    const child = spawn(bin, ['run', flags.scenario, '--scale', flags.scale, '--name', name, '--out', dir], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    let phase = '';
    let timer: NodeJS.Timeout | undefined;
    let killedIn: string | undefined;
    let killedAfter: number | undefined;
    const killNow = () => {
      if (killedIn !== undefined || child.pid === undefined) return;
      killedIn = phase;
      killedAfter = Date.now() - started;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        log.push(line);
        const match = /^▶ (\S+)/.exec(line);
        if (!match?.[1]) continue;
        // The target phase ended before the timer: the kill lands at the start of the next one.
        if (timer && phase === kill?.phase) {
          clearTimeout(timer);
          killNow();
        }
        phase = match[1];
        if (kill && phase === kill.phase) timer = setTimeout(killNow, kill.afterMs);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => log.push(chunk.toString('utf8')));
    child.on('exit', (code) => {
      if (timer) clearTimeout(timer);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'bench-output.log'), `${log.join('\n')}\n`);
      const raw = join(dir, 'raw', 'results.jsonl');
      const kept = existsSync(raw) ? readFileSync(raw, 'utf8').split('\n').filter((line) => line.includes('"type":"measurement"')).length : 0;
      resolvePromise({
        name, dir, exitCode: code, killed: killedIn !== undefined,
        ...(killedIn !== undefined ? { phaseAtKill: killedIn, killAfterMs: killedAfter } : {}),
        durationMs: Date.now() - started,
        measurementsSaid: log.filter((line) => /^ {2}(rep \d+\/\d+|warm-up) /.test(line)).length,
        measurementsKept: kept,
      });
    });
  });
}

function phaseDurations(dir: string): Map<string, number> {
  const durations = new Map<string, number>();
  const raw = join(dir, 'raw', 'results.jsonl');
  for (const line of readFileSync(raw, 'utf8').split('\n').filter(Boolean)) {
    const record = JSON.parse(line) as { type: string; name?: string; durationMs?: number };
    if (record.type === 'phase' && record.name && record.durationMs !== undefined) durations.set(record.name, record.durationMs);
  }
  return durations;
}

const count = (leftover: Leftovers) => leftover.clusters.length + leftover.containers.length + leftover.networks.length + leftover.volumes.length + leftover.kubeconfigEntries.length;

const hostBefore = snapshotProcSys();
const say = (line: string) => process.stdout.write(`${line}\n`);
say(`kill bench: ${kills} kills of ${flags.scenario} at --scale ${flags.scale}, each followed by a normal run -> ${out}`);

const calibration = await startRun(`sb-kb-${tag}-cal`);
if (calibration.exitCode !== 0) say(`  calibration run exited ${calibration.exitCode}: see ${calibration.dir}`);
const durations = phaseDurations(calibration.dir);
say(`  calibration: ${(calibration.durationMs / 1000).toFixed(0)} s; ${TARGETS.map((phase) => `${phase} ${((durations.get(phase) ?? 0) / 1000).toFixed(1)} s`).join(', ')}`);

const records: RunRecord[] = [calibration];
const rounds: Array<{ round: number; target: string; killed: RunRecord; next: RunRecord; left: Leftovers; lost: number; host: HostDifference[] }> = [];
for (let round = 1; round <= kills; round += 1) {
  const target = TARGETS[(round - 1) % TARGETS.length] ?? 'load';
  const afterMs = Math.floor(Math.random() * Math.max(50, (durations.get(target) ?? 1000) * 0.9));
  const killed = await startRun(`sb-kb-${tag}-k${round}`, { phase: target, afterMs });
  const next = await startRun(`sb-kb-${tag}-n${round}`);
  records.push(killed, next);
  const left = await leftovers(records);
  const lost = Math.max(0, killed.measurementsSaid - killed.measurementsKept);
  const host = compareHost(hostBefore, snapshotProcSys()).differences;
  rounds.push({ round, target, killed, next, left, lost, host });
  say(`  ${String(round).padStart(2)}: killed in ${killed.killed ? `${killed.phaseAtKill} after ${(killed.killAfterMs ?? 0) / 1000} s` : `nothing (ended first, exit ${killed.exitCode})`}; `
    + `measurements kept ${killed.measurementsKept}/${killed.measurementsSaid}; next run exit ${next.exitCode} in ${(next.durationMs / 1000).toFixed(0)} s; `
    + `left ${count(left)}; host differences ${host.length}${host.length ? ` (${host.map(describeDifference).join(', ')})` : ''}`);
}

const final = await leftovers(records);
clearInterval(sampler);
const hostAfter = compareHost(hostBefore, snapshotProcSys());
const summary = {
  scenario: flags.scenario, scale: Number(flags.scale), kills, startedWith: calibration.name,
  killedIn: Object.fromEntries(TARGETS.map((phase) => [phase, rounds.filter((entry) => entry.killed.phaseAtKill === phase).length])),
  killsThatLanded: rounds.filter((entry) => entry.killed.killed).length,
  nextRunsExitCodes: rounds.map((entry) => entry.next.exitCode),
  left: { clusters: final.clusters.length, containers: final.containers.length, networks: final.networks.length, volumes: final.volumes.length, kubeconfigEntries: final.kubeconfigEntries.length, names: final },
  measurements: { finishedByKilledRuns: rounds.reduce((sum, entry) => sum + entry.killed.measurementsSaid, 0), kept: rounds.reduce((sum, entry) => sum + entry.killed.measurementsKept, 0), lost: rounds.reduce((sum, entry) => sum + entry.lost, 0) },
  host: { compared: hostAfter.compared, differences: hostAfter.differences },
  rounds: rounds.map((entry) => ({
    round: entry.round, target: entry.target, killedIn: entry.killed.phaseAtKill ?? null, killAfterS: (entry.killed.killAfterMs ?? 0) / 1000,
    kept: entry.killed.measurementsKept, said: entry.killed.measurementsSaid, nextExit: entry.next.exitCode, nextS: Math.round(entry.next.durationMs / 1000),
    left: count(entry.left), hostDifferences: entry.host.map(describeDifference),
  })),
};
writeFileSync(join(out, 'kill-bench.json'), `${JSON.stringify(summary, null, 2)}\n`);
const table = [
  `| kills | landed in (${TARGETS.join(' / ')}) | clusters | containers | networks | volumes | kubeconfig entries | measurements lost | host /proc/sys differences |`,
  '|---|---|---|---|---|---|---|---|---|',
  `| ${kills} | ${TARGETS.map((phase) => summary.killedIn[phase]).join(' / ')} | ${final.clusters.length} | ${final.containers.length} | ${final.networks.length} | ${final.volumes.length} | ${final.kubeconfigEntries.length} | ${summary.measurements.lost} of ${summary.measurements.finishedByKilledRuns} | ${hostAfter.differences.length} of ${hostAfter.compared} |`,
].join('\n');
writeFileSync(join(out, 'kill-bench.md'), `${table}\n`);
say(`\n${table}\nnext runs' exit codes: ${summary.nextRunsExitCodes.join(' ')}${hostAfter.differences.length ? `\nhost differences: ${hostAfter.differences.map(describeDifference).join(', ')}` : ''}`);
process.exitCode = count(final) === 0 && summary.measurements.lost === 0 && hostAfter.differences.length === 0 ? 0 : 1;
