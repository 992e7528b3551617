import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipcBenchArgs } from '../../../harness/load/ipc.js';
import { loadgenArgs } from '../../../harness/load/args.js';
import { clusterName } from '../../../harness/plan/plan.js';
import { durationMs as runDurationMs, loadSpec } from '../../../harness/measure/schedule.js';
import { APP_SETTINGS, settingVariable } from '../../../harness/scenario/app-settings.js';
import { parseDuration } from '../../../harness/scenario/duration.js';
import { SCENARIO_LIMITS } from '../../../harness/scenario/limits.js';
import { checkScenario, type ScenarioProblem } from '../../../harness/scenario/load.js';

// Class: plan accepts what run cannot do. The schema and the run read durations with one
// function and bound numbers with the run's own limits, so that what plan accepts, run can do.

const scenario = (spec: string) => `apiVersion: sysctl-bench/v1\nkind: Scenario\nmetadata: {name: t}\nspec:\n${spec}`;
const BASE = [
  '  pools: [{name: p}]',
  '  workloads:',
  '  - {name: web, kind: Deployment, app: net-server, pool: p, variants: [{name: a}, {name: b}]}',
  '',
].join('\n');

function problems(text: string): ScenarioProblem[] {
  const result = checkScenario(text, 's.yaml');
  return result.ok ? [] : result.problems;
}

const loadEntry = (fields: string) => scenario(`${BASE}  load:\n  - {workload: web, ${fields}}\n`);

describe('durations', { timeout: 120_000 }, () => {
  it('are read by one function: every duration the schema accepts, the run converts', () => {
    fc.assert(fc.property(fc.oneof(
      fc.tuple(fc.double({ min: 0, max: 1e4, noNaN: true }), fc.constantFrom('ms', 's', 'm', 'h', 'sec', 'min', ' s', 'x', '')).map(([n, unit]) => `${n}${unit}`),
      fc.string({ maxLength: 12 }),
    ), (text) => {
      const accepted = problems(loadEntry(`mode: burst, connections: 10, duration: 10s, timeout: "${text.replaceAll('"', '')}"`)).every((p) => !p.field.endsWith('timeout') || !p.message.startsWith('must be a duration'));
      const ms = parseDuration(text.replaceAll('"', ''));
      if (accepted && ms !== undefined) expect(runDurationMs(text.replaceAll('"', ''))).toBe(ms);
      if (!accepted) expect(ms === undefined || !Number.isInteger(ms)).toBe(true);
    }), { numRuns: 300, seed: 7 });
  });

  it('accept 1h, which the run used to refuse after the clusters were up, and bound it', () => {
    expect(runDurationMs('1h')).toBe(3_600_000);
    expect(problems(loadEntry('mode: rate, rate: 10, duration: 1h'))).toContainEqual(expect.objectContaining({ field: 'spec.load[0].duration' }));
    expect(problems(loadEntry('mode: rate, rate: 10, duration: 1.5m'))).toEqual([]);
  });
});

describe('load numbers the run\'s own limits would refuse are refused by the schema', { timeout: 120_000 }, () => {
  const entry = fc.oneof(
    fc.record({ mode: fc.constant('burst' as const), connections: fc.integer({ min: 1, max: 200_000 }), duration: fc.integer({ min: 1, max: 700 }).map((s) => `${s}s`), timeout: fc.integer({ min: 1, max: 700 }).map((s) => `${s}s`) }),
    fc.record({ mode: fc.constant('rate' as const), rate: fc.integer({ min: 1, max: 120_000 }), duration: fc.integer({ min: 1, max: 700 }).map((s) => `${s}s`), timeout: fc.integer({ min: 1, max: 700 }).map((s) => `${s}s`) }),
  );

  it('accepts exactly what the run\'s loadSpec and loadgenArgs accept', () => {
    fc.assert(fc.property(entry, (load) => {
      const fields = Object.entries(load).map(([key, value]) => `${key}: ${value}`).join(', ');
      const accepted = problems(loadEntry(fields)).length === 0;
      const runsAt = (scale: number): boolean => {
        try {
          loadgenArgs(loadSpec({ workload: 'web', ...load }, 'http://127.0.0.1:8080/', scale));
          return true;
        } catch {
          return false;
        }
      };
      // What the schema accepts runs at every scale; what it refuses fails at some scale.
      expect(accepted).toBe(runsAt(1) && runsAt(0.001));
      if (accepted) expect(runsAt(0.3)).toBe(true);
    }), { numRuns: 300, seed: 11 });
  });

  it('names the load generator\'s own reason', () => {
    expect(problems(loadEntry('mode: rate, rate: 100000, duration: 5m'))).toContainEqual(expect.objectContaining({ field: 'spec.load[0]', message: expect.stringContaining('the load generator would refuse this load') }));
  });
});

describe('upper bounds a 2-core machine can run', { timeout: 120_000 }, () => {
  it.each([
    ['repetitions', `${BASE}  repetitions: ${SCENARIO_LIMITS.repetitions + 1}\n`, 'spec.repetitions'],
    ['warm-up runs', `${BASE}  warmup: ${SCENARIO_LIMITS.warmup + 1}\n`, 'spec.warmup'],
    ['connections', `${BASE}  load: [{workload: web, mode: burst, connections: ${SCENARIO_LIMITS.connections + 1}, duration: 10s}]\n`, 'spec.load[0]'],
    ['ipc seconds', `${BASE}  ipc: [{workload: web, test: msg, sizes: [1], seconds: ${SCENARIO_LIMITS.ipcSeconds + 1}}]\n`, 'spec.ipc[0].seconds'],
    ['message sizes', `${BASE}  ipc: [{workload: web, test: msg, sizes: [${SCENARIO_LIMITS.ipcMessageBytes + 1}]}]\n`, 'spec.ipc[0].sizes[0]'],
  ])('refuses too many %s', (_what, spec, field) => {
    expect(problems(scenario(spec))).toContainEqual(expect.objectContaining({ field }));
  });

  it('bounds ipc lists exactly where ipc-bench does', () => {
    const sizes = Array.from({ length: SCENARIO_LIMITS.ipcListLength }, () => SCENARIO_LIMITS.ipcMessageBytes);
    expect(() => ipcBenchArgs({ test: 'msg', sizes, seconds: SCENARIO_LIMITS.ipcSeconds })).not.toThrow();
    expect(() => ipcBenchArgs({ test: 'msg', sizes: [...sizes, 1], seconds: 1 })).toThrow();
    expect(() => ipcBenchArgs({ test: 'msg', sizes: [SCENARIO_LIMITS.ipcMessageBytes + 1], seconds: 1 })).toThrow();
    expect(() => ipcBenchArgs({ test: 'sem', nsops: [SCENARIO_LIMITS.ipcSemops], seconds: 1 })).not.toThrow();
    expect(() => ipcBenchArgs({ test: 'sem', nsops: [SCENARIO_LIMITS.ipcSemops + 1], seconds: 1 })).toThrow();
  });
});

describe('metrics a threshold may name', { timeout: 120_000 }, () => {
  it('refuses a metric no load or ipc entry of the workload records, with the near miss', () => {
    const text = scenario(`${BASE}  load: [{workload: web, mode: burst, connections: 10, duration: 10s}]\n  thresholds: [{workload: web, metric: connect_p999_ms, expect: improved}]\n`);
    expect(problems(text)).toContainEqual(expect.objectContaining({ field: 'spec.thresholds[0].metric', message: expect.stringContaining('did you mean "connect_p99_ms"') }));
  });

  it('refuses a threshold on a workload nothing measures, and accepts the ipc metrics its sizes name', () => {
    expect(problems(scenario(`${BASE}  thresholds: [{workload: web, metric: errors, expect: improved}]\n`))).toContainEqual(expect.objectContaining({ message: expect.stringContaining('nothing measures web') }));
    const ipc = scenario(`${BASE.replace('app: net-server', 'app: ipc-bench')}  ipc: [{workload: web, test: msg, sizes: [16384]}]\n  thresholds: [{workload: web, metric: msg_16384_einval, expect: improved}, {workload: web, metric: msg_8192_einval, expect: improved}]\n`);
    expect(problems(ipc).map((p) => p.field)).toEqual(['spec.thresholds[1].metric']);
  });
});

describe('names that become cluster, object and environment names', { timeout: 120_000 }, () => {
  it('keeps per-pool cluster names distinct after shortening', () => {
    const long = 'a-rather-long-scenario-name-for-a-cluster';
    expect(clusterName(long, 'pool-aaaaaaa')).not.toBe(clusterName(long, 'pool-aaaaaab'));
    expect(clusterName(long, 'pool-aaaaaaa').length).toBeLessThanOrEqual(40);
    expect(clusterName('short', 'p')).toBe('sb-short-p');
  });

  it('refuses two variants that would become one object', () => {
    const text = scenario('  pools: [{name: p}]\n  workloads:\n  - {name: web-tuned, kind: Deployment, app: net-server, pool: p, variants: [{name: x}]}\n  - {name: web, kind: Deployment, app: net-server, pool: p, variants: [{name: tuned-x}]}\n');
    expect(problems(text)).toContainEqual(expect.objectContaining({ message: expect.stringContaining('would both be the object web-tuned-x') }));
  });

  it('takes only the settings the app reads, as the variables it reads', () => {
    const source = readFileSync('images/net-server/main.go', 'utf8');
    for (const key of APP_SETTINGS['net-server'].keys()) expect(source).toContain(`envInt("${settingVariable(key)}"`);
    const gateway = readFileSync('images/gateway/main.go', 'utf8');
    for (const key of APP_SETTINGS.gateway.keys()) expect(gateway).toContain(`envInt("${settingVariable(key)}"`);
    const text = scenario(BASE.replace('pool: p,', 'pool: p, settings: {backlgo: 5, "accept-rate": 1, acceptRate: "x"},'));
    expect(problems(text)).toEqual([
      expect.objectContaining({ field: 'spec.workloads[0].settings.backlgo', message: expect.stringContaining('did you mean "backlog"') }),
      expect.objectContaining({ field: 'spec.workloads[0].settings.accept-rate', message: expect.stringContaining('did you mean "acceptRate"') }),
      expect.objectContaining({ field: 'spec.workloads[0].settings.acceptRate', message: expect.stringContaining('ACCEPT_RATE') }),
    ]);
  });
});

describe('kubernetesVersion written as a number', { timeout: 120_000 }, () => {
  it('gets the fix that quotes what was written', () => {
    expect(problems(scenario(`  kubernetesVersion: 1.30\n${BASE}`))).toContainEqual(expect.objectContaining({ fix: 'quote it: "1.30"' }));
  });
});
