import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listClusters } from '../../harness/provider/kind/cli.js';
import type { Results } from '../../harness/results/results.js';
import { runScenario } from '../../harness/run/pipeline.js';

/**
 * scenarios/pod-security.yaml on real kind (Kubernetes 1.37): the pool's kubelets allow
 * net.core.somaxconn, and the run's namespace enforces Pod Security `baseline`. The API server
 * refuses the pod that sets it before any kubelet sees it (the Deployment's ReplicaSet reports
 * FailedCreate "violates PodSecurity"), as the model predicts; a sysctl on PSA's baseline list and
 * a pod with none are admitted. A kubelet allowlist cannot fix the first: the report says so.
 */
const reportsDir = join(process.cwd(), 'reports', 'e2e');

describe('Pod Security on kind', () => {
  it('pod-security: a baseline namespace refuses an allowlisted unsafe sysctl at the API server, as predicted; PSA\'s own list is admitted', async () => {
    const lines: string[] = [];
    const outcome = await runScenario({
      scenarioFile: 'scenarios/pod-security.yaml', reportsDir, keep: false, scale: 1, repetitions: 1, warmup: 0, say: (line) => lines.push(line),
    });
    const results = JSON.parse(readFileSync(join(outcome.runDir, 'results.json'), 'utf8')) as Results;
    expect(results.outcome.exitCode, `${results.outcome.reason}\n${lines.slice(-30).join('\n')}`).toBe(0);

    const rows = results.admission.cases.map((entry) => [entry.variant, entry.predicted.outcome, entry.observed.outcome]);
    expect(rows).toEqual([
      ['none', 'admitted', 'admitted'],
      ['psa-allowed', 'admitted', 'admitted'],
      ['allowlisted', 'pod-security-forbidden', 'pod-security-forbidden'],
    ]);
    const refused = results.admission.cases.find((entry) => entry.variant === 'allowlisted');
    // Kubernetes' own words, from the controller's event, not the model's.
    expect(refused?.observed.reason).toBe('FailedCreate');
    expect(refused?.observed.message).toMatch(/violates PodSecurity "baseline:latest": forbidden sysctls \(net\.core\.somaxconn\)/);

    // The rollout section tells the operator that no allowlist fixes it.
    const summary = readFileSync(join(outcome.runDir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/enforces Pod Security "baseline:latest"/);
    expect(summary).toContain('a kubelet allowlist cannot fix that');

    expect((await listClusters()).filter((name) => name.startsWith('sb-pod-security-') && name.endsWith(results.run.runId.split('-').at(-1)!))).toEqual([]);
  });
});
