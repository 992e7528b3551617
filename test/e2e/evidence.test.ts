import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { counterDeltas, parseProcNet } from '../../harness/counters/parse.js';
import { listClusters } from '../../harness/provider/kind/cli.js';
import type { Results } from '../../harness/results/results.js';
import { runScenario } from '../../harness/run/pipeline.js';
import { imageRef } from '../../harness/toolchain/artefacts/workload-images.js';
import { ensureArtefacts } from '../../harness/toolchain/ensure.js';
import { run } from '../../harness/toolchain/exec.js';

/**
 * The kernel's evidence, end to end on kind, at reduced size: the accept-queue overflows of
 * net-backlog counted in the server pod's own namespace (and not in this machine's), a team's own
 * image driven and counted the same way, and the connection-churn proof. Clusters are named
 * evidence-*, and removed by each run.
 */
const reportsDir = join(process.cwd(), 'reports', 'e2e');
const lines: string[] = [];
const exampleImage = 'sysctl-bench-example/api:1.0';

async function runSmall(scenario: string, name: string, options: { scale: number; repetitions: number }): Promise<{ results: Results; runDir: string }> {
  const outcome = await runScenario({
    scenarioFile: `scenarios/${scenario}.yaml`, reportsDir, name, keep: false, scale: options.scale, repetitions: options.repetitions, warmup: 0,
    say: (line) => lines.push(line),
  });
  const results = JSON.parse(readFileSync(join(outcome.runDir, 'results.json'), 'utf8')) as Results;
  expect(results.outcome.exitCode, `${scenario}: ${results.outcome.reason}\n${lines.slice(-30).join('\n')}`).not.toBe(2);
  expect(results.outcome.exitCode, `${scenario}: ${results.outcome.reason}`).not.toBe(3);
  return { results, runDir: outcome.runDir };
}

/** The measured repetitions' values of one metric, per variant, in repetition order. */
function perRepetition(results: Results, workload: string, metric: string): Record<string, number[]> {
  const performance = results.performance.find((entry) => entry.workload === workload);
  const comparisons = performance?.comparisons.filter((entry) => entry.metric === metric) ?? [];
  if (!performance || comparisons.length === 0) throw new Error(`no ${metric} for ${workload}`);
  return Object.fromEntries([[performance.baselineVariant, comparisons[0]?.baseline.values ?? []], ...comparisons.map((c) => [c.variant, c.tuned.values])]);
}

function hostCounters(): Map<string, bigint> {
  return new Map([...parseProcNet(readFileSync('/proc/net/netstat', 'utf8')), ...parseProcNet(readFileSync('/proc/net/snmp', 'utf8'))]);
}

async function expectNoClusterOf(prefix: string) {
  expect((await listClusters()).filter((cluster) => cluster.startsWith(prefix))).toEqual([]);
}

afterAll(async () => {
  await run('docker', ['rmi', exampleImage], { allowFailure: true });
  console.log(lines.filter((line) => line.startsWith('[evidence]')).join('\n'));
});

describe('kernel counters and the team\'s own workload on kind', () => {
  it('net-backlog: the report shows each repetition\'s accept-queue overflows from the server pod\'s namespace, the verdict cites them, the host\'s counters do not move with them', async () => {
    const hostBefore = hostCounters();
    const { results, runDir } = await runSmall('net-backlog', 'evidence-backlog', { scale: 0.3, repetitions: 3 });
    const host = counterDeltas(hostBefore, hostCounters());
    const overflows = perRepetition(results, 'web', 'kernel_listen_overflows');
    lines.push(`[evidence] net-backlog overflows per repetition: ${JSON.stringify(overflows)}; this machine's own namespace over the whole run: ListenOverflows ${host.get('TcpExt.ListenOverflows')}, PassiveOpens ${host.get('Tcp.PassiveOpens')}`);
    expect(overflows.baseline).toHaveLength(3);
    for (const value of overflows.baseline ?? []) expect(value).toBeGreaterThan(0);
    expect(overflows.tuned).toEqual([0, 0, 0]);

    // Read from the server pods' own namespace, through their node.
    const web = results.performance.find((entry) => entry.workload === 'web');
    expect(web?.kernel?.namespace).toBe('network');
    expect(web?.kernel?.problems).toEqual([]);
    expect(web?.kernel?.pods.map((pod) => pod.variant).sort()).toEqual(['baseline', 'tuned']);
    for (const pod of web?.kernel?.pods ?? []) expect(pod.via).toMatch(/through docker exec on node evidence-backlog-worker/);

    // The verdict names the mechanism, whatever it decides (three repetitions cannot make a change significant).
    const item = [...results.recommendation.rollOut, ...results.recommendation.doNotRollOut].find((entry) => entry.workload === 'web');
    expect(item?.because).toMatch(/baseline: \d+ accept-queue overflows per repetition; tuned: 0/);
    expect(results.recommendation.summary).toMatch(/baseline: \d+ accept-queue overflows per repetition; tuned: 0/);

    // The report shows every repetition's count, per variant.
    const page = readFileSync(join(runDir, 'index.html'), 'utf8');
    const kernel = page.slice(page.indexOf('What the kernel counted'));
    expect(kernel).toContain((overflows.baseline ?? []).join(' · '));
    expect(kernel).toContain('0 · 0 · 0');

    // This machine's own namespace did not move with the pods': they were counted where they happened.
    const total = (overflows.baseline ?? []).reduce((sum, value) => sum + value, 0);
    expect(Number(host.get('TcpExt.ListenOverflows') ?? 0n) * 10).toBeLessThan(total);
    await expectNoClusterOf('evidence-backlog');
  });

  it('own-image: a team\'s image, named by reference only, is driven by the load generator and its pods\' counters are read', async () => {
    await ensureArtefacts(['workload-images']);
    await run('docker', ['tag', imageRef('net-server'), exampleImage]);
    const { results } = await runSmall('own-image', 'evidence-own', { scale: 0.3, repetitions: 2 });
    expect(results.admission.cases.map((entry) => [entry.variant, entry.observed.outcome])).toEqual([['baseline', 'admitted'], ['tuned', 'admitted']]);
    const completed = perRepetition(results, 'api', 'completed');
    for (const value of [...(completed.baseline ?? []), ...(completed.tuned ?? [])]) expect(value).toBeGreaterThan(0);
    const overflows = perRepetition(results, 'api', 'kernel_listen_overflows');
    const accepted = perRepetition(results, 'api', 'kernel_connections_accepted');
    lines.push(`[evidence] own-image overflows ${JSON.stringify(overflows)}, accepted ${JSON.stringify(accepted)}, completed ${JSON.stringify(completed)}`);
    for (const value of overflows.baseline ?? []) expect(value).toBeGreaterThan(0);
    expect(overflows.tuned).toEqual([0, 0]);
    // Every answered request was a connection the pod's namespace accepted.
    (accepted.tuned ?? []).forEach((value, index) => expect(value).toBeGreaterThanOrEqual(completed.tuned?.[index] ?? 0));
    expect(results.environment?.nodes.some((node) => node.name.startsWith('evidence-own'))).toBe(true);
    await expectNoClusterOf('evidence-own');
  });

  it('conn-churn: tcp_tw_reuse keeps a service that churns connections out of port exhaustion; tcp_fin_timeout does not, and the kernel shows why', async () => {
    const { results } = await runSmall('conn-churn', 'evidence-churn', { scale: 0.5, repetitions: 5 });
    const errors = perRepetition(results, 'gateway', 'errors');
    const reused = perRepetition(results, 'gateway', 'kernel_time_wait_reused');
    const opened = perRepetition(results, 'gateway', 'kernel_connections_opened');
    lines.push(`[evidence] conn-churn errors ${JSON.stringify(errors)}, TIME-WAIT reused ${JSON.stringify(reused)}, opened ${JSON.stringify(opened)}`);
    for (const value of [...(errors.baseline ?? []), ...(errors['fin-timeout'] ?? [])]) expect(value).toBeGreaterThan(0);
    expect(errors['tw-reuse']).toEqual([0, 0, 0, 0, 0]);
    expect(reused.baseline).toEqual([0, 0, 0, 0, 0]);
    for (const value of reused['tw-reuse'] ?? []) expect(value).toBeGreaterThan(0);
    // The scenario's thresholds hold, and the verdict: roll out tw_reuse, not fin_timeout.
    expect(results.thresholds.map((t) => [t.id, t.passed])).toEqual(results.thresholds.map((t) => [t.id, true]));
    expect(results.recommendation.rollOut.map((entry) => entry.variant)).toEqual(['tw-reuse']);
    expect(results.recommendation.rollOut[0]?.because).toMatch(/Mechanism: .*TIME-WAIT reuses/);
    expect(results.recommendation.doNotRollOut.find((entry) => entry.variant === 'fin-timeout')?.headline).toMatch(/no detectable change|got worse/);
    expect(results.outcome.exitCode).toBe(0);
    await expectNoClusterOf('evidence-churn');
  });
});
