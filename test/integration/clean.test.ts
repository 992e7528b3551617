import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMachineLeftovers, removeMachineLeftovers } from '../../harness/clean/machine.js';
import { runLabel } from '../../harness/load/labels.js';
import { readOwnerships, writeOwnership } from '../../harness/run/ownership.js';
import { run } from '../../harness/toolchain/exec.js';

/**
 * `sysctl-bench clean` on a real Docker engine: what carries sysctl-bench's label goes, what does
 * not stays, and a live run keeps its own. Records and the host baseline live in a cache folder of
 * this test (SYSCTL_BENCH_CACHE), so no other run on the machine is touched; only networks and
 * volumes this file creates are ever removed.
 */
const tag = randomBytes(3).toString('hex');
const deadRun = `it-clean-dead-${tag}`;
const liveRun = `it-clean-live-${tag}`;
const names = {
  deadNetwork: `sysctl-bench-itc${tag}`,
  liveNetwork: `sysctl-bench-itl${tag}`,
  foreignNetwork: `not-sysctl-bench-${tag}`,
  deadVolume: `sysctl-bench-itc-${tag}`,
};
let cache = '';
const previousCache = process.env.SYSCTL_BENCH_CACHE;

beforeAll(async () => {
  cache = mkdtempSync(join(tmpdir(), 'sb-clean-cache-'));
  process.env.SYSCTL_BENCH_CACHE = cache;
  await run('docker', ['network', 'create', '--label', `${runLabel}=${deadRun}`, names.deadNetwork]);
  await run('docker', ['network', 'create', '--label', `${runLabel}=${liveRun}`, names.liveNetwork]);
  await run('docker', ['network', 'create', names.foreignNetwork]);
  await run('docker', ['volume', 'create', '--label', `${runLabel}=${deadRun}`, names.deadVolume]);
  // A run killed earlier (its pid is no process), and this process as a run still going.
  writeOwnership({ runId: deadRun, pid: 2 ** 22 + 17, clusters: [`sb-gone-${tag}`], keep: false, startedAt: new Date().toISOString() });
  writeOwnership({ runId: liveRun, pid: process.pid, clusters: [], keep: false, startedAt: new Date().toISOString() });
});

afterAll(async () => {
  for (const network of [names.deadNetwork, names.liveNetwork, names.foreignNetwork]) await run('docker', ['network', 'rm', network], { allowFailure: true });
  await run('docker', ['volume', 'rm', names.deadVolume], { allowFailure: true });
  if (previousCache === undefined) delete process.env.SYSCTL_BENCH_CACHE;
  else process.env.SYSCTL_BENCH_CACHE = previousCache;
  rmSync(cache, { recursive: true, force: true });
});

const networkExists = async (name: string) => (await run('docker', ['network', 'inspect', name], { allowFailure: true })).exitCode === 0;

describe('sysctl-bench clean', () => {
  it("lists a dead run's network, volume and record; keeps a live run's; never names what has no label", async () => {
    const items = (await findMachineLeftovers()).filter((item) => item.name.includes(tag) || item.why.includes(tag));
    const line = (kind: string, name: string) => items.find((item) => item.kind === kind && item.name.includes(name));
    expect(line('network', names.deadNetwork)).toMatchObject({ why: `network of run ${deadRun}` });
    expect(line('network', names.deadNetwork)?.skip).toBeUndefined();
    expect(line('network', names.liveNetwork)?.skip).toMatch(/still running/);
    expect(line('volume', names.deadVolume)).toBeDefined();
    expect(line('record', deadRun)?.skip).toBeUndefined();
    expect(line('record', liveRun)?.skip).toMatch(/still running/);
    expect(items.some((item) => item.name.includes(names.foreignNetwork))).toBe(false);
  });

  it('removes what it listed, and only that', async () => {
    const items = (await findMachineLeftovers()).filter((item) => item.name.includes(tag) || item.why.includes(tag));
    const outcomes = await removeMachineLeftovers(items);
    expect(outcomes.filter((outcome) => !outcome.done)).toEqual([]);
    expect(await networkExists(names.deadNetwork)).toBe(false);
    expect(await networkExists(names.liveNetwork)).toBe(true);
    expect(await networkExists(names.foreignNetwork)).toBe(true);
    expect((await run('docker', ['volume', 'inspect', names.deadVolume], { allowFailure: true })).exitCode).not.toBe(0);
    expect(readOwnerships().map((owner) => owner.runId)).toEqual([liveRun]);
  });
});
