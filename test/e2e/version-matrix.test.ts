import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listClusters } from '../../harness/provider/kind/cli.js';
import { RAW_RESULTS_FILE, RawRecordSchema, type RawRecord } from '../../harness/results/raw.js';
import type { Results } from '../../harness/results/results.js';
import { runScenario } from '../../harness/run/pipeline.js';
import { ensureNodeImage } from '../../harness/toolchain/artefacts/node-image.js';
import { run } from '../../harness/toolchain/exec.js';

/**
 * scenarios/version-matrix.yaml on real kind: a cluster of Kubernetes 1.37 and one of 1.36 side by
 * side (the node images are built once per minor and reused). net.ipv4.tcp_slow_start_after_idle is
 * one of the safe sysctls 1.37 added: with no allowlist the 1.37 kubelet admits the pod and the 1.36
 * kubelet refuses it with SysctlForbidden. Every observation must equal the prediction for its version.
 */
const reportsDir = join(process.cwd(), 'reports', 'e2e');

describe('a two-version matrix on kind', () => {
  // CI provisions the second version's node image here, under the hook's hour, not inside the
  // test's own timeout: on a machine without it that is a Kubernetes compile (about 45 min cold).
  beforeAll(async () => {
    for (const minor of ['1.37', '1.36']) await ensureNodeImage(minor, (id, detail) => console.log(`[version-matrix] ${id}: ${detail}`));
  });

  it('version-matrix: tcp_slow_start_after_idle admitted on 1.37, SysctlForbidden on 1.36, observed as predicted; both clusters removed', async () => {
    const lines: string[] = [];
    const outcome = await runScenario({
      scenarioFile: 'scenarios/version-matrix.yaml', reportsDir, keep: false, scale: 1, repetitions: 1, warmup: 0, say: (line) => lines.push(line),
    });
    const results = JSON.parse(readFileSync(join(outcome.runDir, 'results.json'), 'utf8')) as Results;
    expect(results.outcome.exitCode, `${results.outcome.reason}\n${lines.slice(-30).join('\n')}`).toBe(0);

    const rows = results.admission.cases.map((entry) => [entry.kubernetesVersion, entry.variant, entry.predicted.outcome, entry.observed.outcome, entry.observed.reason ?? '']);
    expect(rows).toEqual([
      ['1.37', 'none', 'admitted', 'admitted', ''],
      ['1.37', 'slow-start-off', 'admitted', 'admitted', ''],
      ['1.36', 'none', 'admitted', 'admitted', ''],
      ['1.36', 'slow-start-off', 'forbidden', 'forbidden', 'SysctlForbidden'],
    ]);
    expect(results.admission.cases.every((entry) => entry.match)).toBe(true);
    // The reports name each row's version.
    const summary = readFileSync(join(outcome.runDir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/^\| 1\.36 \| idle \| slow-start-off \| none \| .+ \| forbidden \| forbidden \(SysctlForbidden\) \| ✅ \|$/m);
    expect(readFileSync(join(outcome.runDir, 'junit.xml'), 'utf8')).toContain('Deployment idle [slow-start-off] on pool none on Kubernetes 1.36 is forbidden');

    // Each minor ran from its own node image (the release the run recorded for it).
    const versions = results.environment?.kubernetesVersions ?? [];
    expect(versions.map((entry) => [entry.minor, entry.patch])).toEqual([['1.37', '1.37.2'], ['1.36', '1.36.3']]);
    const raw = readFileSync(join(outcome.runDir, RAW_RESULTS_FILE), 'utf8').split('\n').filter(Boolean).map((line) => RawRecordSchema.parse(JSON.parse(line)) as RawRecord);
    const started = raw.find((record) => record.type === 'run-started');
    expect(started?.type === 'run-started' ? started.environment.kubernetesVersion : undefined).toBe('1.37.2');

    // Both clusters of the run are gone, and its network.
    const ours = versions.flatMap((entry) => entry.clusters);
    expect(ours).toHaveLength(2);
    expect((await listClusters()).filter((name) => ours.includes(name))).toEqual([]);
    const networks = await run('docker', ['network', 'ls', '--filter', `label=io.sysctl-bench.run=${results.run.runId}`, '--format', '{{.Name}}']);
    expect(networks.stdout.trim()).toBe('');
  });
});
