import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../harness/toolchain/exec.js';
import { repoPath } from '../../harness/toolchain/paths.js';
import { pinned } from '../../harness/toolchain/versions.js';

/**
 * A fresh machine has no ~/.cache/sysctl-bench: `doctor --fix` into an empty cache must pass. Images
 * already in Docker are reused (they are bound to their inputs by a label, not to the cache), so
 * this rebuilds only what lives in the cache itself (kind), in minutes, and proves that every
 * cache folder is made before it is written (a missing bin/ once stopped the very first
 * `npm start`).
 */
const cache = mkdtempSync(join(tmpdir(), 'sb-cold-cache-'));
const cli = repoPath('bin', 'sysctl-bench');
const env = { SYSCTL_BENCH_CACHE: cache };

afterAll(() => {
  rmSync(cache, { recursive: true, force: true });
});

describe('doctor --fix into an empty SYSCTL_BENCH_CACHE', () => {
  it('makes everything a run needs, creating the cache folders it writes into', async () => {
    const fixed = await run(cli, ['doctor', '--fix'], { env, timeoutMs: 30 * 60_000, allowFailure: true });
    expect(fixed.exitCode, `${fixed.stdout}\n${fixed.stderr}`).toBe(0);
    expect(fixed.stdout).toMatch(/toolchain ready in/);
    expect(existsSync(join(cache, 'bin', `kind-${pinned.kind}`))).toBe(true);
    const records = JSON.parse(readFileSync(join(cache, 'builds.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(records)).toContain('kind');
  });

  it('then reports nothing missing that a run needs', async () => {
    const checked = await run(cli, ['doctor', '--json'], { env, timeoutMs: 5 * 60_000, allowFailure: true });
    expect(checked.exitCode, checked.stderr).toBe(0);
    const rows = JSON.parse(checked.stdout) as Array<{ id: string; probe: { state: string; detail: string } }>;
    const runNeeds = ['host-programs', 'docker-engine', 'privileged-containers', 'go', 'kind', 'workload-images', 'loadgen-image'];
    for (const id of runNeeds) {
      const row = rows.find((entry) => entry.id === id);
      expect(row?.probe.state, `${id}: ${row?.probe.detail}`).not.toBe('missing');
    }
    const node = rows.find((entry) => entry.id.startsWith('node-image@'));
    expect(node?.probe.state, node?.probe.detail).not.toBe('missing');
  });
});
