import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ipcBenchArgs, ipcMetrics, parseIpcResult } from '../../../harness/load/ipc.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('ipc-bench output', () => {
  it('reads the msg test under default limits: 16 KiB messages fail with EINVAL', () => {
    const result = parseIpcResult(fixture('ipc-msg.json'));
    expect(result.test).toBe('msg');
    expect(result.limits['kernel.msgmax']).toBe(8192);
    const metrics = ipcMetrics(result);
    expect(metrics.msg_einval).toBeGreaterThan(0);
    expect(metrics.msg_failed_cases).toBe(1);
    expect(metrics.msg_16384_einval).toBeGreaterThan(0);
    expect(metrics.msg_16384_errors).toBe(metrics.msg_16384_einval);
    expect(metrics.msg_4096_errors).toBe(0);
    expect(metrics.msg_4096_ops_per_s).toBeGreaterThan(0);
    expect(metrics.msg_16384_ops_per_s).toBe(0);
    expect(metrics.msg_4096_queue_messages).toBe(4); // kernel.msgmnb 16384 / 4096
  });

  it('reads the sem test under default limits: 1000 operations fail with E2BIG', () => {
    const result = parseIpcResult(fixture('ipc-sem.json'));
    expect(result.test).toBe('sem');
    if (result.test !== 'sem') return;
    expect(result.limits.semopm).toBe(500);
    const metrics = ipcMetrics(result);
    expect(metrics.sem_e2big).toBeGreaterThan(0);
    expect(metrics.sem_einval).toBe(0);
    expect(metrics.sem_1000_e2big).toBeGreaterThan(0);
    expect(metrics.sem_1000_errors).toBeGreaterThan(0);
    expect(metrics.sem_100_errors).toBe(0);
    expect(metrics.sem_100_ops_per_s).toBeGreaterThan(0);
    expect(metrics.sem_1000_ops_per_s).toBe(0);
    expect(metrics.sem_sets_refused).toBe(1); // SEMMSL + 1
  });

  it('rejects output of another shape', () => {
    expect(() => parseIpcResult('{"test":"msg"}')).toThrow(/shape/);
    expect(() => parseIpcResult('usage: ipc-bench msg')).toThrow(/no JSON/);
  });
});

describe('ipcBenchArgs', () => {
  it('builds the argument arrays', () => {
    expect(ipcBenchArgs({ test: 'msg', sizes: [4096, 16384], seconds: 2 })).toEqual(['msg', '--sizes', '4096,16384', '--seconds', '2']);
    expect(ipcBenchArgs({ test: 'sem', nsops: [100, 1000], nsems: [250], seconds: 1 })).toEqual(['sem', '--nsops', '100,1000', '--nsems', '250', '--seconds', '1']);
  });

  it('refuses values ipc-bench would refuse', () => {
    expect(() => ipcBenchArgs({ test: 'msg', sizes: [], seconds: 2 })).toThrow();
    expect(() => ipcBenchArgs({ test: 'msg', sizes: [0], seconds: 2 })).toThrow();
    expect(() => ipcBenchArgs({ test: 'sem', nsops: [10], seconds: 61 })).toThrow(/seconds/);
  });
});
