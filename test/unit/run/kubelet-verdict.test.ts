import { describe, expect, it } from 'vitest';
import type { NodeAccess } from '../../../harness/provider/types.js';
import {
  applyKubeletExtraArgs, awaitKubeletRefusal, awaitKubeletRunning, exitedSince, exitedWithFailure, parseKubeletUnit, type KubeletUnit,
} from '../../../harness/run/kubelet-runbook.js';
import type { RunResult } from '../../../harness/toolchain/exec.js';

/**
 * The kubelet's verdicts come from states that only move one way: systemd's record of the main
 * process and the journal after the restart. A fake node plays systemd with a kubelet that either
 * runs or refuses its flags, exits and is restarted every second; the test reads it at every
 * moment of that cycle, including the one where `is-active` says active.
 */
const show = (unit: Partial<Record<string, string | number>>) => Object.entries({
  ActiveState: 'active', SubState: 'running', Result: 'success', NRestarts: 0, MainPID: 0, ExecMainCode: 0, ExecMainStatus: 0,
  ExecMainStartTimestampMonotonic: 0, ExecMainExitTimestampMonotonic: 0, ...unit,
}).map(([key, value]) => `${key}=${value}`).join('\n');

const refusal = 'failed to run Kubelet: the sysctls "vm." are not known to be namespaced';

/** systemd with Restart=always: after `restart`, each `tick` moves the kubelet one step (start, run, exit). */
function fakeSystemd(kubelet: 'refuses' | 'runs', options: { journalLags?: boolean } = {}) {
  let clock = 1_000_000;
  let mainPid = 100;
  let unit = { ActiveState: 'active', SubState: 'running', Result: 'success', NRestarts: 0, MainPID: mainPid, ExecMainCode: 0, ExecMainStatus: 0, ExecMainStartTimestampMonotonic: clock, ExecMainExitTimestampMonotonic: 0 };
  const journal: string[] = ['old line'];
  const pendingJournal: string[] = [];
  let phase = 0;
  const start = () => {
    clock += 1000;
    mainPid += 1;
    unit = { ...unit, ActiveState: 'active', SubState: 'running', MainPID: mainPid, ExecMainStartTimestampMonotonic: clock };
  };
  const tick = () => {
    if (kubelet === 'runs') return;
    clock += 1000;
    if (phase % 2 === 0) {
      // the running kubelet refuses and exits; journald may write its line a moment later
      unit = { ...unit, ActiveState: 'activating', SubState: 'auto-restart', Result: 'exit-code', MainPID: 0, ExecMainCode: 1, ExecMainStatus: 1, ExecMainExitTimestampMonotonic: clock };
      (options.journalLags ? pendingJournal : journal).push(`E1202 "command failed" err="${refusal.replaceAll('"', '\\"')}"`, 'kubelet.service: Main process exited, code=exited, status=1/FAILURE');
    } else {
      journal.push(...pendingJournal.splice(0));
      // systemd zeroes the main process's record when it starts the next one
      unit = { ...unit, NRestarts: unit.NRestarts + 1, ExecMainCode: 0, ExecMainStatus: 0, ExecMainExitTimestampMonotonic: 0 };
      start();
    }
    phase += 1;
  };
  const node: NodeAccess = {
    name: 'sb-worker', via: 'fake',
    readSysctl: async () => '0', writeSysctl: async () => undefined, kubeletCommandLine: async () => undefined,
    async exec(command): Promise<RunResult> {
      const [program, ...args] = command;
      if (program === 'systemctl' && args[0] === 'restart') {
        clock += 1000;
        unit = { ...unit, NRestarts: 0, ExecMainCode: 2, ExecMainStatus: 15, ExecMainExitTimestampMonotonic: clock };
        start();
        return { exitCode: 0, stdout: '', stderr: '' };
      }
      if (program === 'systemctl' && args[0] === 'show') {
        const out = show(unit);
        tick();
        return { exitCode: 0, stdout: out, stderr: '' };
      }
      if (program === 'journalctl') {
        if (args.includes('--show-cursor')) return { exitCode: 0, stdout: `-- cursor: c${journal.length}`, stderr: '' };
        const after = args.indexOf('--after-cursor');
        const from = after >= 0 ? Number((args[after + 1] ?? 'c0').slice(1)) : 0;
        return { exitCode: 0, stdout: journal.slice(from).join('\n'), stderr: '' };
      }
      if (program === 'cat' && args[0]?.startsWith('/proc/')) {
        return unit.MainPID > 0 ? { exitCode: 0, stdout: '/usr/bin/kubelet\0--allowed-unsafe-sysctls=net.*\0', stderr: '' } : { exitCode: 1, stdout: '', stderr: 'No such file' };
      }
      return { exitCode: 0, stdout: '', stderr: '' };
    },
  };
  return node;
}

describe("systemd's record of the kubelet", () => {
  it('parses systemctl show', () => {
    expect(parseKubeletUnit(show({ NRestarts: 3, ExecMainCode: 1, ExecMainStatus: 1, MainPID: 0, SubState: 'auto-restart' }))).toMatchObject({
      nRestarts: 3, execMainCode: 1, execMainStatus: 1, mainPid: 0, subState: 'auto-restart',
    });
  });

  it('an exit counts only after the restarted process began, and stays counted', () => {
    const started: KubeletUnit = parseKubeletUnit(show({ MainPID: 7, ExecMainStartTimestampMonotonic: 500, ExecMainExitTimestampMonotonic: 400, ExecMainCode: 2, ExecMainStatus: 15 }));
    expect(exitedSince(started, started)).toBe(false); // the exit at 400 is the old kubelet's, stopped by the restart
    const exited = parseKubeletUnit(show({ MainPID: 0, ExecMainStartTimestampMonotonic: 500, ExecMainExitTimestampMonotonic: 600, ExecMainCode: 1, ExecMainStatus: 1 }));
    expect(exitedSince(started, exited)).toBe(true);
    expect(exitedWithFailure(exited)).toBe(true);
    const runningAgain = parseKubeletUnit(show({ MainPID: 9, NRestarts: 1, ExecMainStartTimestampMonotonic: 1600, ExecMainExitTimestampMonotonic: 600, ExecMainCode: 1, ExecMainStatus: 1 }));
    expect(exitedSince(started, runningAgain)).toBe(true);
  });
});

describe('the illegal-allowlist verdict', () => {
  it('a kubelet that refuses is judged refused even when read while systemd has it running again', async () => {
    const node = fakeSystemd('refuses');
    const restart = await applyKubeletExtraArgs(node, 'KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls=vm.*"');
    expect(restart.started.subState).toBe('running');
    const seen = await awaitKubeletRefusal(node, restart, ['the sysctls "vm." are not known to be namespaced'], { timeoutMs: 20_000 });
    expect(seen).toMatchObject({ exited: true, failed: true, exit: 'kubelet.service: Main process exited, code=exited, status=1/FAILURE' });
    expect(seen.refusal).toContain('not known to be namespaced');
  });

  it('waits for the journal line when journald writes it after systemd saw the exit', async () => {
    const node = fakeSystemd('refuses', { journalLags: true });
    const restart = await applyKubeletExtraArgs(node, 'KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls=vm.*"');
    const seen = await awaitKubeletRefusal(node, restart, ['the sysctls "vm." are not known to be namespaced'], { timeoutMs: 20_000 });
    expect(seen.exited && seen.refusal !== undefined).toBe(true);
  });

  it('a kubelet that keeps running is never judged refused: at the end of the wait it is still running, with no exit', async () => {
    const node = fakeSystemd('runs');
    const restart = await applyKubeletExtraArgs(node, 'KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls=net.*"');
    const seen = await awaitKubeletRefusal(node, restart, ['not known to be namespaced'], { timeoutMs: 1_500 });
    expect(seen).toMatchObject({ exited: false, refusal: undefined });
    const running = await awaitKubeletRunning(node, { timeoutMs: 5_000 });
    expect(running?.commandLine).toBe('/usr/bin/kubelet --allowed-unsafe-sysctls=net.*');
  });
});
