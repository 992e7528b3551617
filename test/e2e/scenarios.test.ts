import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareHost } from '../../harness/host/compare.js';
import { snapshotProcSys, type ProcSysSnapshot } from '../../harness/host/procsys.js';
import { attribute } from '../../harness/host/writers.js';
import { listClusters } from '../../harness/provider/kind/cli.js';
import type { Results } from '../../harness/results/results.js';
import { runScenario } from '../../harness/run/pipeline.js';
import { run } from '../../harness/toolchain/exec.js';
import { inspectReport } from '../report/inspect-report.js';

/**
 * Every shipped scenario, end to end on real kind clusters, at reduced size (fewer connections,
 * shorter runs, two repetitions): what must hold is the direction and the proofs, not the figures.
 */
const reportsDir = join(process.cwd(), 'reports', 'e2e');
const lines: string[] = [];

let lastRunDir = '';

async function runSmall(scenario: string, overrides: { repetitions?: number; scale?: number } = {}): Promise<Results> {
  const outcome = await runScenario({
    scenarioFile: `scenarios/${scenario}.yaml`,
    reportsDir,
    keep: false,
    scale: overrides.scale ?? 0.3,
    repetitions: overrides.repetitions ?? 2,
    warmup: 0,
    say: (line) => lines.push(line),
  });
  lastRunDir = outcome.runDir;
  const results = JSON.parse(readFileSync(join(outcome.runDir, 'results.json'), 'utf8')) as Results;
  expect(results.outcome.exitCode, `${scenario}: ${results.outcome.reason}\n${lines.slice(-30).join('\n')}`).not.toBe(3);
  return results;
}

function median(results: Results, workload: string, metric: string) {
  const comparison = results.performance.find((entry) => entry.workload === workload)?.comparisons.find((entry) => entry.metric === metric);
  if (!comparison) throw new Error(`no comparison of ${metric} for ${workload}`);
  return { baseline: comparison.baseline.median, tuned: comparison.tuned.median };
}

function expectAdmissionAsPredicted(results: Results) {
  const mismatches = results.admission.cases.filter((entry) => !entry.match)
    .map((entry) => `${entry.workload}/${entry.variant} on ${entry.pool}: predicted ${entry.predicted.outcome}, observed ${entry.observed.outcome} ${entry.observed.message ?? ''}`);
  expect(mismatches).toEqual([]);
  expect(results.admission.total).toBeGreaterThan(0);
}

function expectProofsPassed(results: Results) {
  const failed = results.isolation.filter((proof) => !proof.passed).map((proof) => `${proof.check} ${proof.sysctl}: ${proof.detail}`);
  expect(failed).toEqual([]);
}

/**
 * What the last run created is gone: its clusters (unique per run), its containers, its network
 * (sysctl-bench-<short id>, labelled with the run id), and no kubeconfig entry of it in the user's
 * kubeconfig (kind writes each run's into its run directory). Other runs' on this machine are theirs.
 */
async function expectNothingLeft() {
  const results = JSON.parse(readFileSync(join(lastRunDir, 'results.json'), 'utf8')) as Results;
  const ours = new Set((results.environment?.nodes ?? []).map((node) => node.name.replace(/-(control-plane|worker\d*)$/, '')));
  expect(ours.size).toBeGreaterThan(0);
  const clusters = await listClusters();
  expect(clusters.filter((name) => ours.has(name))).toEqual([]);
  const containers = await run('docker', ['ps', '-a', '--filter', `label=io.sysctl-bench.run=${results.run.runId}`, '--format', '{{.Names}}']);
  expect(containers.stdout.trim()).toBe('');
  const networks = await run('docker', ['network', 'ls', '--filter', `label=io.sysctl-bench.run=${results.run.runId}`, '--format', '{{.Name}}']);
  expect(networks.stdout.trim()).toBe('');
  const kubeconfig = join(process.env.HOME ?? '', '.kube', 'config');
  if (existsSync(kubeconfig)) expect([...ours].filter((name) => readFileSync(kubeconfig, 'utf8').includes(`kind-${name}`))).toEqual([]);
}

describe('shipped scenarios on kind', () => {
  it('net-backlog: a longer accept queue cuts connect-time tail and errors under a burst', async () => {
    const results = await runSmall('net-backlog', { repetitions: 3 });
    expectAdmissionAsPredicted(results);
    expectProofsPassed(results);
    const p99 = median(results, 'web', 'connect_p99_ms');
    expect(p99.tuned).toBeLessThan(p99.baseline);
    const errors = median(results, 'web', 'errors');
    expect(errors.tuned).toBeLessThanOrEqual(errors.baseline);
    await expectNothingLeft();
  });

  it('port-range: a narrow client port range runs out of ports under a burst; a wide one does not', async () => {
    const results = await runSmall('port-range', { scale: 0.5 });
    expectAdmissionAsPredicted(results);
    const exhausted = median(results, 'web', 'port_exhaustion');
    expect(exhausted.baseline).toBeGreaterThan(0);
    expect(exhausted.tuned).toBe(0);
    await expectNothingLeft();
  });

  it('ipc-msg: messages above kernel.msgmax fail with EINVAL by default and pass when tuned', async () => {
    const results = await runSmall('ipc-msg');
    expectAdmissionAsPredicted(results);
    expectProofsPassed(results);
    expect(median(results, 'queue', 'msg_16384_einval').baseline).toBeGreaterThan(0);
    expect(median(results, 'queue', 'msg_16384_errors').tuned).toBe(0);
    expect(median(results, 'queue', 'msg_4096_errors')).toEqual({ baseline: 0, tuned: 0 });
    await expectNothingLeft();
  });

  it('ipc-sem: semop batches above SEMOPM fail with E2BIG by default and pass when tuned (DaemonSet)', async () => {
    const results = await runSmall('ipc-sem');
    expectAdmissionAsPredicted(results);
    expectProofsPassed(results);
    expect(median(results, 'sem', 'sem_1000_e2big').baseline).toBeGreaterThan(0);
    expect(median(results, 'sem', 'sem_1000_errors').tuned).toBe(0);
    await expectNothingLeft();
  });

  it('admission-matrix: every observed admission equals the prediction; runbook and illegal allowlist replayed', async () => {
    const results = await runSmall('admission-matrix');
    expectAdmissionAsPredicted(results);
    const outcomes = new Set(results.admission.cases.map((entry) => entry.observed.outcome));
    expect([...outcomes].sort()).toEqual(['admitted', 'forbidden', 'unsupported']);
    const forbidden = results.admission.cases.find((entry) => entry.observed.outcome === 'forbidden');
    expect(forbidden?.observed.reason).toBe('SysctlForbidden');
    expect(forbidden?.observed.message).toMatch(/forbidden sysctl: ".+" not allowlisted/);
    expectProofsPassed(results);
    expect(results.isolation.map((proof) => proof.check).sort()).toEqual(['illegal-allowlist', 'runbook-replay']);
    await expectNothingLeft();
  });

  // The killed run's own directory and cluster name, so that earlier runs' leftovers never stand in for it.
  const killedRunDir = join(reportsDir, 'killed', `run-${process.pid}-${Date.now()}`);
  const killedCluster = `sb-killed-${process.pid}`;

  /** This machine's whole /proc/sys before the killed run: the run after it must leave it so. */
  let hostBefore: ProcSysSnapshot = {};
  const panicBefore = readFileSync('/proc/sys/kernel/panic', 'utf8').trim();

  it('a run killed with SIGKILL during load keeps its finished measurements', async () => {
    hostBefore = snapshotProcSys();
    const child = spawn('bin/sysctl-bench', ['run', 'scenarios/net-backlog.yaml', '--scale', '0.3', '--repetitions', '5', '--warmup', '0',
      '--out', killedRunDir, '--name', killedCluster], { detached: true, stdio: 'ignore' });
    const deadline = Date.now() + 20 * 60_000;
    const raw = join(killedRunDir, 'raw', 'results.jsonl');
    let measured = 0;
    while (Date.now() < deadline && measured === 0) {
      await sleep(5_000);
      measured = existsSync(raw) ? readFileSync(raw, 'utf8').split('\n').filter((line) => line.includes('"type":"measurement"')).length : 0;
    }
    expect(measured, 'the run never reached its load phase').toBeGreaterThan(0);
    // What the kubelet of a node does at start-up where the node image does not prevent it
    // (kernel.panic=10): the killed run leaves it on this machine, and the next run must put it back.
    writeFileSync('/proc/sys/kernel/panic', '10\n');
    process.kill(-(child.pid ?? 0), 'SIGKILL');
    await sleep(2_000);
    expect(await listClusters()).toContain(killedCluster);
  });

  it('host-leak (the run after the killed one): removes its leftovers; namespaced values stay in their pods, node-level ones are shared, the host is untouched', async () => {
    const results = await runSmall('host-leak');
    expect(results.phases.map((phase) => phase.name)).toContain('leftovers');
    expect(await listClusters()).not.toContain(killedCluster);
    const rebuilt = await run('bin/sysctl-bench', ['report', killedRunDir], { allowFailure: true });
    const killed = JSON.parse(readFileSync(join(killedRunDir, 'results.json'), 'utf8')) as Results;
    await expectNothingLeft();
    expect(killed.run.status, rebuilt.stdout + rebuilt.stderr).toBe('unfinished');
    expect(killed.performance.flatMap((entry) => entry.variants).some((variant) => variant.repetitions > 0)).toBe(true);
    expectAdmissionAsPredicted(results);
    expectProofsPassed(results);
    expect(new Set(results.isolation.map((proof) => proof.check))).toEqual(new Set([
      'namespaced-differs', 'host-change-not-leaked', 'pod-change-contained', 'node-level-shared', 'host-proc-unchanged',
    ]));

    // The killed run's change was put back, named with its writer, and the whole /proc/sys reads as before it.
    expect(results.hostKernel?.status, JSON.stringify(results.hostKernel?.waitingFor)).toBe('restored');
    const panic = results.hostKernel?.changes.find((change) => change.name === 'kernel.panic');
    expect(panic).toMatchObject({ before: panicBefore, found: '10', source: 'node', restored: true, after: panicBefore });
    expect(panic?.who).toMatch(/kubelet/);
    expect(results.hostKernel?.remaining).toEqual([]);
    expect(readFileSync('/proc/sys/kernel/panic', 'utf8').trim()).toBe(panicBefore);
    // Only a named program outside sysctl-bench may differ (dockerd's IPv6 forwarding for someone else's network).
    const differences = compareHost(hostBefore, snapshotProcSys()).differences.filter((difference) => attribute(difference.name, difference.after).source !== 'other');
    expect(differences).toEqual([]);
    const page = readFileSync(join(lastRunDir, 'index.html'), 'utf8');
    expect(page).toContain('id="host-kernel"');
    expect(page).toMatch(/kernel\.panic[\s\S]*?the kubelet of a kind node[\s\S]*?put back/);
    expect(readFileSync(join(lastRunDir, 'summary.md'), 'utf8')).toMatch(/`kernel\.panic` 10 by the kubelet of a kind node, put back/);
  });

  it('default: the whole suite in one cluster, reports written', async () => {
    const results = await runSmall('default');
    expectAdmissionAsPredicted(results);
    expectProofsPassed(results);
    expect(median(results, 'web', 'connect_p99_ms').tuned).toBeLessThan(median(results, 'web', 'connect_p99_ms').baseline);
    expect(median(results, 'ipc', 'msg_16384_errors').tuned).toBe(0);
    expect(median(results, 'ipc', 'sem_1000_errors').tuned).toBe(0);
    const phases = results.phases.map((phase) => phase.name);
    for (const phase of ['toolchain', 'cluster-create', 'image-load', 'deploy', 'load', 'probes', 'procedures', 'report']) expect(phases).toContain(phase);
    await expectNothingLeft();

    // The report of this real run, in a real browser: self-contained, every chart drawn, readable.
    const page = await inspectReport(join(lastRunDir, 'index.html'), join(lastRunDir, 'screenshot.png'));
    expect(page.requests).toEqual([page.fileUrl]);
    expect(page.pageErrors).toEqual([]);
    expect(page.charts).toBeGreaterThan(5);
    expect(page.undrawnCharts).toEqual([]);
    expect(page.h1Count).toBe(1);
    expect(page.headingSkips).toEqual([]);
    expect(page.tablesWithoutHeaders).toBe(0);
    expect(page.contrastFailures).toBe(0);
  });
});
