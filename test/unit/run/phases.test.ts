import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RAW_RESULTS_FILE, RawRecordSchema, type RawRecord } from '../../../harness/results/raw.js';
import { runScenario, type RunOptions } from '../../../harness/run/pipeline.js';
import { temporaryDirectories } from '../results/temp-dirs.js';
import { FakeProvider, untilAborted, type FakeOptions } from './fake-provider.js';

/**
 * The real phase list, run over the real pipeline against a fake provider: what each phase does
 * with the provider's answers, in which order, what is recorded, and that clean-up comes last.
 */
const tempDir = temporaryDirectories('sb-phases');

async function runWith(scenarioText: string, fake: FakeOptions, extra: Partial<RunOptions> = {}) {
  const dir = await tempDir();
  const scenarioFile = join(dir, 'scenario.yaml');
  writeFileSync(scenarioFile, scenarioText);
  const provider = new FakeProvider(fake);
  const lines: string[] = [];
  const outcome = await runScenario({
    scenarioFile, reportsDir: dir, out: join(dir, 'run'), keep: false, scale: 1, repetitions: 5, warmup: 0,
    say: (line) => lines.push(line), providerInstance: provider, ...extra,
  });
  const raw = readFileSync(join(outcome.runDir, RAW_RESULTS_FILE), 'utf8').split('\n').filter(Boolean).map((line) => RawRecordSchema.parse(JSON.parse(line)));
  return { outcome, provider, raw, lines, results: outcome.results! };
}

const of = <T extends RawRecord['type']>(raw: RawRecord[], type: T) => raw.filter((record): record is Extract<RawRecord, { type: T }> => record.type === type);

const netBacklog = (extra: { pools: string; generator?: string; isolation?: string; procedures?: string }) => `
apiVersion: sysctl-bench/v1
kind: Scenario
metadata: { name: fake-net }
spec:
  pools:
${extra.pools}
  workloads:
    - name: web
      kind: Deployment
      app: net-server
      pool: net
      variants:
        - name: baseline
          sysctls: { net.core.somaxconn: "128" }
        - name: tuned
          sysctls: { net.core.somaxconn: "4096" }
  load:
    - workload: web
      mode: burst
      connections: 100
      duration: 10s
      timeout: 3s
${extra.generator ?? ''}
  isolation:
    - check: namespaced-differs
      sysctl: net.core.somaxconn
      workload: web
${extra.isolation ?? ''}
${extra.procedures ?? ''}
  thresholds:
    - workload: web
      metric: connect_p99_ms
      expect: improved
`;

const kindPools = `    - name: net
      allowedUnsafeSysctls: ["net.*"]`;

const stagingPools = `    - name: net
      allowedUnsafeSysctls: ["net.*"]
      nodeSelector: { example.com/pool: tuned }
    - name: strict
      allowedUnsafeSysctls: []
      nodeSelector: { example.com/pool: strict }`;

describe('the phase list on a provider that creates its clusters (kind flavour)', () => {
  it('runs plan, cluster, images, deploy, load and probes in order, measures every variant, and cleans up last', async () => {
    const { outcome, provider, raw, results } = await runWith(netBacklog({ pools: kindPools }), { flavour: 'kind' });
    expect(results.phases.map((phase) => phase.name)).toEqual(['host-before', 'toolchain', 'plan', 'leftovers', 'cluster-create', 'image-load', 'deploy', 'load', 'probes', 'cluster-delete', 'host-after', 'report']);
    expect(results.admission.mismatched).toBe(0);
    expect(of(raw, 'measurement')).toHaveLength(10);
    // The server pod's own network namespace, read through its node before and after each repetition.
    const measured = of(raw, 'measurement').filter((record) => !record.warmup);
    expect(measured.filter((record) => record.variant === 'baseline').map((record) => record.metrics.kernel_listen_overflows)).toEqual([422, 422, 422, 422, 422]);
    expect(measured.filter((record) => record.variant === 'tuned').map((record) => record.metrics.kernel_listen_overflows)).toEqual([0, 0, 0, 0, 0]);
    expect(measured[0]?.kernel).toMatchObject({ namespace: 'network', pods: [{ node: 'fake-net', pid: expect.any(Number) }] });
    expect(measured[0]?.kernel?.problem).toBeUndefined();
    expect(results.isolation.map((proof) => [proof.check, proof.passed])).toEqual([['namespaced-differs', true]]);
    expect(outcome.exitCode).toBe(0);
    // Containers first (the load runner), then the clusters, and only after the last phase.
    expect(provider.events.at(-1)).toBe('cleanup');
    expect(provider.events.indexOf('load-cleanup')).toBeGreaterThan(provider.events.lastIndexOf('load web/tuned'));
    expect(provider.clustersUp).toBe(0);
  });

  it("keeps the machine's whole /proc/sys before the first cluster, and puts back what the nodes changed once the clusters are gone", async () => {
    const { raw, results, provider } = await runWith(netBacklog({ pools: kindPools, isolation: '    - check: host-proc-unchanged' }), { flavour: 'kind', nodeHostWrites: { 'kernel.panic': '10', 'vm.overcommit_memory': '1' } }, { repetitions: 1 });
    const host = of(raw, 'host-kernel');
    expect(host).toHaveLength(1);
    expect(host[0]).toMatchObject({ status: 'restored', remaining: [], waitingFor: [] });
    expect(host[0]?.changes.map((change) => [change.name, change.before, change.found, change.restored, change.source])).toEqual([
      ['kernel.panic', '1', '10', true, 'node'], ['vm.overcommit_memory', '0', '1', true, 'node'],
    ]);
    expect(host[0]?.changes[0]?.who).toMatch(/kubelet/);
    expect(readFileSync(join(provider.machine, 'proc-sys/kernel/panic'), 'utf8').trim()).toBe('1');
    const proof = results.isolation.find((entry) => entry.check === 'host-proc-unchanged');
    expect(proof?.passed).toBe(true);
    expect(proof?.detail).toMatch(/the nodes changed 2: kernel.panic, vm.overcommit_memory, put back/);
  });

  it('puts the host back after a failed run too, and keeps it for later when the clusters are kept', async () => {
    const failed = await runWith(netBacklog({ pools: kindPools }), { flavour: 'kind', failDeployOf: 'web' });
    expect(of(failed.raw, 'host-kernel')[0]).toMatchObject({ status: 'restored', remaining: [] });
    expect(readFileSync(join(failed.provider.machine, 'proc-sys/kernel/panic'), 'utf8').trim()).toBe('1');

    const kept = await runWith(netBacklog({ pools: kindPools, isolation: '    - check: host-proc-unchanged' }), { flavour: 'kind', keepClusters: true }, { repetitions: 1, keep: true });
    const host = of(kept.raw, 'host-kernel')[0];
    expect(host).toMatchObject({ status: 'deferred', waitingFor: ['cluster fake'], remaining: [] });
    expect(kept.results.isolation.find((entry) => entry.check === 'host-proc-unchanged')?.passed).toBe(true);
    expect(readFileSync(join(kept.provider.machine, 'proc-sys/kernel/panic'), 'utf8').trim()).toBe('10');
  });

  it('names the clusters after the scenario and the run, unique per run, or as --name says', async () => {
    const first = await runWith(netBacklog({ pools: kindPools }), { flavour: 'kind' }, { repetitions: 1 });
    const second = await runWith(netBacklog({ pools: kindPools }), { flavour: 'kind' }, { repetitions: 1 });
    const named = await runWith(netBacklog({ pools: kindPools }), { flavour: 'kind' }, { repetitions: 1, name: 'provider-test' });
    const nodeNames = (run: typeof first) => run.results.environment?.nodes.map((node) => node.name) ?? [];
    expect(nodeNames(first)[0]).toMatch(/^sb-fake-net-[a-z0-9]{4}-control-plane$/);
    expect(nodeNames(first)[0]).not.toBe(nodeNames(second)[0]);
    expect(nodeNames(named)[0]).toBe('provider-test-control-plane');
  });
});

describe('the run directory', () => {
  it('--out refuses a folder that holds a run already: raw results would mix', async () => {
    const first = await runWith(netBacklog({ pools: kindPools }), { flavour: 'kind' }, { repetitions: 1 });
    await expect(runScenario({
      scenarioFile: first.outcome.runDir.replace(/run$/, 'scenario.yaml'), reportsDir: '/nonexistent', out: first.outcome.runDir, keep: false, scale: 1,
      say: () => {}, providerInstance: new FakeProvider({ flavour: 'kind' }),
    })).rejects.toThrow(/holds a run already/);
  });
});

describe('the phase list on an existing cluster (read-only provider)', () => {
  const isolation = `    - check: host-change-not-leaked
      sysctl: net.core.somaxconn
      workload: web
    - check: node-level-shared
      sysctl: vm.swappiness
      workload: web
    - check: host-proc-unchanged`;
  const procedures = `  procedures:
    - kind: runbook
      pool: strict
      allowedUnsafeSysctls: ["net.*"]
      workload: web
      variant: tuned`;
  const generator = `      generator: { where: cluster, pods: 2 }`;

  it('connects instead of creating, loads nothing into nodes, and measures with an Indexed Job of 2 pods whose summaries are merged', async () => {
    const { provider, raw, results } = await runWith(netBacklog({ pools: stagingPools, generator, isolation, procedures }), { flavour: 'existing' });
    const phases = results.phases.map((phase) => phase.name);
    expect(phases).toEqual(['toolchain', 'plan', 'leftovers', 'cluster-connect', 'nodes-before', 'deploy', 'load', 'probes', 'procedures', 'nodes-after', 'namespace-delete', 'report']);
    expect(provider.jobs).toHaveLength(10);
    for (const job of provider.jobs) {
      expect(job.pods).toBe(2);
      expect(job.args).toContain('--shard-count');
      expect(job.args[job.args.indexOf('--shard-count') + 1]).toBe('2');
      expect(Number(job.args[job.args.indexOf('--start-at') + 1])).toBeGreaterThan(Date.now() - 60_000);
      expect(job.image).toBe('fake/loadgen:1');
    }
    const measurements = of(raw, 'measurement');
    expect(measurements.every((record) => record.generator.generators?.length === 2)).toBe(true);
    // Counts add: two pods with 4 connects each.
    expect(measurements[0]?.metrics.connected).toBe(8);
    // Through the node agent, as on kind through docker exec: the server pod's own counters.
    expect(measurements.map((record) => record.kernel?.problem)).toEqual(measurements.map(() => undefined));
    expect(measurements.filter((record) => record.variant === 'tuned').every((record) => record.metrics.kernel_listen_overflows === 0)).toBe(true);
    expect(results.performance[0]?.comparisons.find((comparison) => comparison.metric === 'connect_p99_ms')?.tuned.median).toBeLessThan(1000);
  });

  it('runs the read-only proofs and records the writing ones and the kubelet runbook as not run, with why', async () => {
    const { results, raw } = await runWith(netBacklog({ pools: stagingPools, generator, isolation, procedures }), { flavour: 'existing' });
    expect(results.isolation.map((proof) => [proof.check, proof.passed]).sort()).toEqual([['host-proc-unchanged', true], ['namespaced-differs', true]]);
    const notes = of(raw, 'note').map((note) => note.message);
    expect(notes.some((note) => note.startsWith('not run: host-change-not-leaked') && note.includes('--allow-node-writes'))).toBe(true);
    expect(notes.some((note) => note.startsWith('not run: node-level-shared'))).toBe(true);
    expect(notes.some((note) => note.startsWith('not run: procedure runbook') && note.includes('never restarts a kubelet'))).toBe(true);
    expect(results.outcome.exitCode).toBe(0);
  });

  it('predicts admission from what the kubelets allow, not from the scenario, so that prediction and observation agree', async () => {
    const { raw } = await runWith(netBacklog({ pools: stagingPools, generator }), { flavour: 'existing', actualAllowlists: { net: [], strict: [] } }, { repetitions: 1 });
    const admission = of(raw, 'admission');
    expect(admission.find((record) => record.variant === 'tuned')).toMatchObject({ predicted: { outcome: 'forbidden' }, observed: { outcome: 'forbidden' }, match: true });
    const started = of(raw, 'run-started')[0];
    expect(started?.environment.nodes.map((node) => [node.name, node.kubeletConfigSource, node.allowedUnsafeSysctls])).toEqual([['fake-net', 'configz (the live kubelet)', []], ['fake-strict', 'configz (the live kubelet)', []]]);
  });

  it('refuses a container load generator where there is no network beside the cluster', async () => {
    const { results } = await runWith(netBacklog({ pools: stagingPools, generator: '      generator: { where: container }' }), { flavour: 'existing' }, { repetitions: 1 });
    expect(results.run.status).toBe('failed');
    expect(results.problems.map((problem) => problem.message).join('\n')).toMatch(/generator.where is container/);
  });
});

describe('stopping', () => {
  it('Ctrl-C aborts the running phase, and clean-up starts only once it has stopped', async () => {
    let provider: FakeProvider | undefined;
    const events: string[] = [];
    const onLoad = async (signal: AbortSignal) => {
      events.push('load running');
      setTimeout(() => process.emit('SIGINT', 'SIGINT'), 10);
      try {
        await untilAborted(signal);
      } finally {
        events.push('load stopped');
        provider?.events.push('load stopped');
      }
    };
    const dir = await tempDir();
    const scenarioFile = join(dir, 'scenario.yaml');
    writeFileSync(scenarioFile, netBacklog({ pools: kindPools }));
    provider = new FakeProvider({ flavour: 'kind', onLoad });
    const outcome = await runScenario({
      scenarioFile, reportsDir: dir, out: join(dir, 'run'), keep: false, scale: 1, repetitions: 2, warmup: 0, say: () => {}, providerInstance: provider,
    });
    expect(outcome.results?.run.status).toBe('interrupted');
    expect(events).toEqual(['load running', 'load stopped']);
    expect(provider.events.indexOf('cleanup')).toBeGreaterThan(provider.events.indexOf('load stopped'));
    expect(outcome.results?.phases.find((phase) => phase.name === 'load')?.ok).toBe(false);
    expect(outcome.results?.phases.map((phase) => phase.name)).not.toContain('probes');
    expect(provider.clustersUp).toBe(0);
  });

  it("a failure exports the clusters' logs into the run directory; --retain keeps the clusters then, and only then", async () => {
    const failed = await runWith(netBacklog({ pools: kindPools }), { flavour: 'kind', failDeployOf: 'web' }, { retain: true });
    expect(failed.provider.events).toContain('export-logs');
    expect(readFileSync(join(failed.outcome.runDir, 'logs/clusters', `${failed.results.environment?.nodes[0]?.name.replace(/-control-plane$/, '')}.log`), 'utf8')).toContain('fake node logs');
    expect(failed.provider.events).not.toContain('cleanup');
    expect(failed.provider.clustersUp).toBe(1);
    expect(of(failed.raw, 'note').map((note) => note.message).join('\n')).toMatch(/kept after the failure \(--retain\): fake.*sysctl-bench clean/);
    // The host waits for the kept cluster.
    expect(of(failed.raw, 'host-kernel')[0]).toMatchObject({ status: 'deferred', waitingFor: ['cluster fake'] });

    const passed = await runWith(netBacklog({ pools: kindPools }), { flavour: 'kind' }, { retain: true });
    expect(passed.results.expectations.filter((e) => e.status === 'failed').map((e) => e.id)).toEqual([]);
    expect(passed.provider.events).not.toContain('export-logs');
    expect(passed.provider.events.at(-1)).toBe('cleanup');
    expect(passed.provider.clustersUp).toBe(0);

    const failedWithoutRetain = await runWith(netBacklog({ pools: kindPools }), { flavour: 'kind', failDeployOf: 'web' });
    expect(failedWithoutRetain.provider.events).toContain('export-logs');
    expect(failedWithoutRetain.provider.clustersUp).toBe(0);
  });

  it('a failing phase stops the list; what was created is removed and the run cannot be judged', async () => {
    const { results, provider } = await runWith(netBacklog({ pools: kindPools }), { flavour: 'kind', failDeployOf: 'web' });
    expect(results.run.status).toBe('failed');
    expect(results.phases.map((phase) => phase.name)).not.toContain('load');
    expect(provider.events.at(-1)).toBe('cleanup');
    expect(results.outcome.exitCode).toBe(3);
  });
});

describe('a scenario listing several Kubernetes versions (kind flavour)', () => {
  // net.ipv4.tcp_slow_start_after_idle is safe from 1.37: without an allowlist 1.37 admits it, 1.36 forbids it.
  const matrix = `
apiVersion: sysctl-bench/v1
kind: Scenario
metadata: { name: fake-matrix }
spec:
  kubernetesVersion: ["1.37", "1.36"]
  pools:
    - name: none
      allowedUnsafeSysctls: []
  workloads:
    - name: web
      kind: Deployment
      app: net-server
      pool: none
      variants:
        - name: baseline
          sysctls: {}
        - name: idle
          sysctls: { net.ipv4.tcp_slow_start_after_idle: "0" }
  load:
    - workload: web
      mode: burst
      connections: 100
      duration: 10s
      timeout: 3s
`;

  it('brings a cluster up per version, observes admission on each as predicted for it, and measures on the first only', async () => {
    const { outcome, provider, raw, results } = await runWith(matrix, { flavour: 'kind' }, { repetitions: 1 });
    const admission = of(raw, 'admission').map((record) => [record.kubernetesVersion, record.variant, record.predicted.outcome, record.observed.outcome]);
    expect(admission).toEqual([
      ['1.37', 'baseline', 'admitted', 'admitted'], ['1.37', 'idle', 'admitted', 'admitted'],
      ['1.36', 'baseline', 'admitted', 'admitted'], ['1.36', 'idle', 'forbidden', 'forbidden'],
    ]);
    expect(results.admission.mismatched).toBe(0);
    // The clusters' kubelets decided as their own version does.
    expect(provider.events.filter((event) => event.startsWith('apply '))).toEqual([
      'apply web-baseline (1.37)', 'apply web-idle (1.37)', 'apply web-baseline (1.36)', 'apply web-idle (1.36)',
    ]);
    // Measured once per variant (repetitions 1), on 1.37's deployments.
    expect(of(raw, 'measurement').map((record) => record.variant)).toEqual(['baseline', 'idle']);
    const started = of(raw, 'run-started')[0];
    expect(started?.environment.kubernetesVersion).toBe('1.37.0');
    expect(started?.environment.kubernetesVersions?.map((entry) => [entry.minor, entry.patch, entry.clusters.map((name) => name.replace(/-[a-z0-9]{4}$/, ''))])).toEqual([
      ['1.37', '1.37.0', ['sb-fake-matrix-1-37']], ['1.36', '1.36.0', ['sb-fake-matrix-1-36']],
    ]);
    expect(outcome.exitCode).toBe(0);
    expect(provider.clustersUp).toBe(0);
  });
});
