import { beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../../harness/results/aggregate.js';
import type { HostKernelRecord, RawRecord } from '../../../harness/results/raw.js';
import { RawRecordSchema } from '../../../harness/results/raw.js';
import { thresholdsFromScenario } from '../../../harness/results/thresholds.js';
import { renderHtml } from '../../../harness/report/html/page.js';
import { renderSummaryMarkdown } from '../../../harness/report/summary-md.js';
import { fixtureRecords, scenarioOf } from '../results/fixture.js';

/** What the report says of this machine's kernel: each change, who made it, and that it was put back. */
let records: RawRecord[];
/** The fixture run without its own host-kernel record, so each case below adds the one it is about (or none). */
let withoutHost: RawRecord[];

const restored: HostKernelRecord = {
  type: 'host-kernel', at: '2026-12-02T07:14:00Z', status: 'restored',
  baseline: { takenAt: '2026-12-02T07:12:13Z', runId: 'r1', entries: 1452 }, sharedWith: [], waitingFor: [],
  compared: 1429, volatile: 23, transientInterfaces: ['veth1'],
  changes: [
    { name: 'kernel.panic', before: '1', found: '10', who: 'the kubelet of a kind node (its kernel tunables at start-up: kernel.panic=10; kubernetes/kubernetes#74151)', source: 'node', restored: true, after: '1' },
    { name: 'fs.file-max', before: '2466116', found: '9223372036854775807', who: 'systemd as PID 1 of a kind node (raises fs.file-max to its maximum at boot: bump_file_max_and_nr_open)', source: 'node', restored: true, after: '2466116' },
  ],
  earlier: [], remaining: [], foreign: [],
};

beforeAll(async () => {
  records = await fixtureRecords();
  withoutHost = records.filter((r) => r.type !== 'host-kernel');
});

function results(host: HostKernelRecord | undefined) {
  const all = host ? [...withoutHost, RawRecordSchema.parse(host)] : withoutHost;
  return aggregate(all, thresholdsFromScenario(scenarioOf(records)).thresholds);
}

describe("the report on this machine's kernel", () => {
  it('the recorded kind run carries its own record: every entry put back, nothing of ours left changed', () => {
    const own = records.findLast((r) => r.type === 'host-kernel');
    expect(own?.type).toBe('host-kernel');
    const result = aggregate(records, thresholdsFromScenario(scenarioOf(records)).thresholds);
    expect(result.hostKernel).toMatchObject({ status: 'restored', remaining: [] });
    expect(result.hostKernel?.compared).toBeGreaterThan(1000);
    const page = renderHtml({ results: result, chartJs: '' });
    expect(page).toContain('id="host-kernel"');
    expect(page).toContain('Every entry reads as before the first cluster.');
    expect(renderSummaryMarkdown(result)).toContain(`all ${result.hostKernel?.compared} /proc/sys entries read as before the first cluster.`);
  });

  it('results.json carries the record; the HTML names each change, its writer and that it was put back', () => {
    const result = results(restored);
    expect(result.hostKernel).toMatchObject({ status: 'restored', changes: [{ name: 'kernel.panic', restored: true }, { name: 'fs.file-max' }] });
    const page = renderHtml({ results: result, chartJs: '' });
    expect(page).toContain('id="host-kernel"');
    expect(page).toMatch(/kernel\.panic[\s\S]*?>1<[\s\S]*?>10<[\s\S]*?the kubelet of a kind node[\s\S]*?put back/);
    expect(page).toContain('Every entry reads as before the first cluster.');
    const md = renderSummaryMarkdown(result);
    expect(md).toContain("This machine's kernel (kind nodes share it): 2 changed (`kernel.panic` 10 by the kubelet of a kind node, put back; `fs.file-max` 9223372036854775807 by systemd as PID 1 of a kind node, put back); all 1429 /proc/sys entries read as before the first cluster.");
  });

  it('a deferred restoration says who it waits for, and another program\'s change is told apart', () => {
    const result = results({
      ...restored, status: 'deferred', waitingFor: ['cluster sb-other-ab12'],
      changes: [{ ...restored.changes[0]!, restored: false, after: undefined, error: 'deferred: put back when the last run or cluster is gone' },
        { name: 'net.ipv6.conf.all.forwarding', before: '0', found: '1', who: 'dockerd, when a network with IPv6 is created', source: 'other', restored: false }],
      foreign: [{ name: 'net.ipv6.conf.all.forwarding', before: '0', after: '1' }],
    });
    expect(renderHtml({ results: result, chartJs: '' })).toContain('Put back later: cluster sb-other-ab12 is still on the machine');
    const md = renderSummaryMarkdown(result);
    expect(md).toContain('put back by the last run once cluster sb-other-ab12 is gone');
    expect(md).toContain('Changed by another program during the run (not counted, not put back): `net.ipv6.conf.all.forwarding` 0 → 1.');
  });

  it('an existing cluster (or a run recorded before 1.2) has none, and the report says nothing of it', () => {
    // The recorded kind run has one; a run without it is that run with the record taken out.
    expect(withoutHost.length).toBe(records.length - 1);
    const result = results(undefined);
    expect(result.hostKernel).toBeNull();
    expect(renderHtml({ results: result, chartJs: '' })).not.toContain('id="host-kernel"');
  });
});
