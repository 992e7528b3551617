import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Artefact } from '../../../harness/toolchain/artefact.js';
import { buildLock } from '../../../harness/toolchain/ensure.js';

const cache = mkdtempSync(join(tmpdir(), 'sb-lock-'));
const previous = process.env.SYSCTL_BENCH_CACHE;
beforeAll(() => { process.env.SYSCTL_BENCH_CACHE = cache; });
afterAll(() => {
  if (previous === undefined) delete process.env.SYSCTL_BENCH_CACHE;
  else process.env.SYSCTL_BENCH_CACHE = previous;
  rmSync(cache, { recursive: true, force: true });
});

const artefact = { id: 'node-image@1.37', title: 'test', dependsOn: [], fingerprint: () => 'x', probe: async () => ({ state: 'missing', detail: '' }) } as Artefact;

describe('the build lock', () => {
  it('lets one build of an artefact run at a time; the next waits, says so, and gets it once released', async () => {
    const order: string[] = [];
    const first = await buildLock(artefact, () => order.push('first waits'));
    const said: string[] = [];
    let waiting: () => void = () => undefined;
    const told = new Promise<void>((resolve) => { waiting = resolve; });
    const second = buildLock(artefact, (detail) => { said.push(detail); waiting(); })
      .then((release) => { order.push('second holds'); return release; });
    await told; // the second has found the lock held
    order.push('first releases');
    await first();
    const release = await second;
    await release();
    expect(order).toEqual(['first releases', 'second holds']);
    expect(said).toEqual(['another sysctl-bench is building this; waiting for it']);
  });

  it('locks each artefact on its own', async () => {
    const a = await buildLock(artefact, () => undefined);
    const b = await buildLock({ ...artefact, id: 'node-image@1.36' }, () => undefined);
    await b();
    await a();
  });
});
