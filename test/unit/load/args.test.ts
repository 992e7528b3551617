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
    expect(() => loadgenArgs({ mode: 'rate', target, rate: 1000, durationMs: 115_000 })).toThrow(/exceeds maxDurationMs/);
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
});
