import { describe, expect, it } from 'vitest';
import { checkTarget, containerDeadlineMs, loadgenArgs, resolveLimits } from '../../../harness/load/args.js';

const target = 'http://172.18.0.5:8080/';

describe('loadgenArgs', () => {
  it('builds a burst with the default bounds', () => {
    expect(loadgenArgs({ mode: 'burst', target, connections: 1500 })).toEqual([
      '--mode', 'burst', '--target', target, '--connections', '1500',
      '--connect-timeout', '5000ms', '--timeout', '10000ms', '--max-duration', '120000ms',
      '--max-requests', '100000', '--max-concurrency', '5000', '--samples', '2000',
    ]);
  });

  it('builds a rate run with its own bounds', () => {
    const args = loadgenArgs({ mode: 'rate', target, rate: 200, durationMs: 30_000, connectTimeoutMs: 2000, timeoutMs: 4000, maxConcurrency: 300, samples: 500 });
    expect(args.slice(0, 8)).toEqual(['--mode', 'rate', '--target', target, '--rate', '200', '--duration', '30000ms']);
    expect(args).toContain('--max-concurrency');
    expect(args[args.indexOf('--max-concurrency') + 1]).toBe('300');
    expect(args[args.indexOf('--connect-timeout') + 1]).toBe('2000ms');
    expect(args[args.indexOf('--samples') + 1]).toBe('500');
  });

  it('keeps every value a separate argument, whatever the target holds', () => {
    const args = loadgenArgs({ mode: 'burst', target: 'http://10.0.0.1:80/a b;$(x)', connections: 1 });
    expect(args[3]).toBe('http://10.0.0.1:80/a b;$(x)');
  });

  it('refuses runs beyond the bounds', () => {
    expect(() => loadgenArgs({ mode: 'burst', target, connections: 6000 })).toThrow(/connections/);
    expect(() => loadgenArgs({ mode: 'burst', target, connections: 10, maxDurationMs: 700_000 })).toThrow(/maxDurationMs/);
    expect(() => loadgenArgs({ mode: 'rate', target, rate: 100, durationMs: 115_000, maxDurationMs: 120_000 })).toThrow(/exceeds maxDurationMs/);
    expect(() => loadgenArgs({ mode: 'rate', target, rate: 100, durationMs: 595_000 })).toThrow(/exceeds maxDurationMs 600000/);
    expect(() => loadgenArgs({ mode: 'rate', target, rate: 5000, durationMs: 30_000 })).toThrow(/exceeds maxRequests/);
    expect(() => loadgenArgs({ mode: 'rate', target, rate: 0, durationMs: 1000 })).toThrow(/rate/);
    expect(() => loadgenArgs({ mode: 'burst', target, connections: 1.5 })).toThrow(/connections/);
  });

  it('refuses targets that are not plain http URLs', () => {
    expect(() => checkTarget('172.18.0.5:8080')).toThrow();
    expect(() => checkTarget('https://172.18.0.5/')).toThrow(/http/);
    expect(() => checkTarget('http://u:p@172.18.0.5/')).toThrow(/credentials/);
    expect(checkTarget(target).port).toBe('8080');
  });
});

describe('limits', () => {
  it('fills defaults and gives the container a deadline past loadgen\'s own', () => {
    const spec = { mode: 'burst' as const, target, connections: 10, maxDurationMs: 30_000 };
    expect(resolveLimits(spec).maxRequests).toBe(100_000);
    expect(containerDeadlineMs(spec)).toBeGreaterThan(30_000 + 15_000);
  });

  it('fits the default bound to a load longer than it, up to the ceiling', () => {
    expect(resolveLimits({ mode: 'rate', target, rate: 10, durationMs: 30_000 }).maxDurationMs).toBe(120_000);
    expect(resolveLimits({ mode: 'ramp', target, startRate: 0, stages: [{ durationMs: 300_000, target: 10 }] }).maxDurationMs).toBe(340_000);
    expect(resolveLimits({ mode: 'keepalive', target, connections: 2, durationMs: 300_000, maxDurationMs: 400_000 }).maxDurationMs).toBe(400_000);
  });
});

describe('loadgenArgs for the other modes and for shards', () => {
  it('builds a ramp with its stages in loadgen\'s DURATION:TARGET form', () => {
    const args = loadgenArgs({ mode: 'ramp', target, startRate: 10, stages: [{ durationMs: 10_000, target: 100 }, { durationMs: 500, target: 0 }] });
    expect(args.slice(0, 8)).toEqual(['--mode', 'ramp', '--target', target, '--start-rate', '10', '--stages', '10000ms:100,500ms:0']);
  });

  it('builds keepalive as a closed loop, or with a rate as an open model', () => {
    expect(loadgenArgs({ mode: 'keepalive', target, connections: 8, durationMs: 5_000 }).slice(4, 8)).toEqual(['--connections', '8', '--duration', '5000ms']);
    expect(loadgenArgs({ mode: 'keepalive', target, connections: 8, durationMs: 5_000, rate: 50 }).slice(4, 10))
      .toEqual(['--connections', '8', '--duration', '5000ms', '--rate', '50']);
  });

  it('passes the shard and the start barrier', () => {
    const args = loadgenArgs({ mode: 'burst', target, connections: 1500, shard: { index: 1, count: 3 }, startAtMs: 1_800_000_000_000 });
    expect(args.slice(-4)).toEqual(['--shard', '1/3', '--start-at', '1800000000000']);
    // An Indexed Job: every pod gets the same arguments; loadgen reads $JOB_COMPLETION_INDEX.
    expect(loadgenArgs({ mode: 'burst', target, connections: 1500, shard: { count: 3 } }).slice(-2)).toEqual(['--shard-count', '3']);
  });

  it('checks bounds per load generator when the load is split', () => {
    // 6000 connections at once are too many for one generator's --max-concurrency 5000, not for two.
    expect(() => loadgenArgs({ mode: 'burst', target, connections: 6000 })).toThrow(/connections/);
    expect(loadgenArgs({ mode: 'burst', target, connections: 6000, shard: { index: 0, count: 2 } })).toContain('6000');
    expect(() => loadgenArgs({ mode: 'rate', target, rate: 8000, durationMs: 30_000, shard: { count: 2 } })).toThrow(/per shard exceeds maxRequests/);
    expect(loadgenArgs({ mode: 'rate', target, rate: 8000, durationMs: 30_000, shard: { count: 2 }, maxRequests: 120_000 })).toContain('--shard-count');
  });

  it('refuses a bad shard, barrier or ramp', () => {
    expect(() => loadgenArgs({ mode: 'burst', target, connections: 10, shard: { index: 2, count: 2 } })).toThrow(/shard.index/);
    expect(() => loadgenArgs({ mode: 'burst', target, connections: 10, shard: { count: 0 } })).toThrow(/shard.count/);
    expect(() => loadgenArgs({ mode: 'burst', target, connections: 10, startAtMs: 1.5 })).toThrow(/startAtMs/);
    expect(() => loadgenArgs({ mode: 'ramp', target, startRate: 0, stages: [{ durationMs: 1000, target: 0 }] })).toThrow(/rate is 0 throughout/);
    expect(() => loadgenArgs({ mode: 'ramp', target, startRate: 0, stages: [] })).toThrow(/stages/);
    expect(() => loadgenArgs({ mode: 'keepalive', target, connections: 10, durationMs: 115_000, maxDurationMs: 120_000 })).toThrow(/exceeds maxDurationMs/);
  });

  it('lets the container wait for the start barrier', () => {
    const now = 1_800_000_000_000;
    const spec = { mode: 'burst' as const, target, connections: 10, maxDurationMs: 30_000 };
    expect(containerDeadlineMs({ ...spec, startAtMs: now + 20_000 }, now)).toBe(containerDeadlineMs(spec, now) + 20_000);
    expect(containerDeadlineMs({ ...spec, startAtMs: now - 5_000 }, now)).toBe(containerDeadlineMs(spec, now));
  });
});
