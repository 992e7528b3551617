import { buildAllowlist, kubeletExtraArgsLine } from '../policy/index.js';
import type { NodeAccess } from '../provider/types.js';
import type { IsolationValue } from '../results/raw.js';
import { poll } from './abort.js';

/**
 * The seed article's procedure on a running node, step by step: the kubelet's drop-in reads
 * EnvironmentFile=-/etc/sysconfig/kubelet and passes $KUBELET_EXTRA_ARGS; write the allowlist
 * there, daemon-reload, restart the kubelet, and confirm the flag on the running kubelet.
 *
 * Nothing here decides from a moment after a sleep. What the kubelet did after the restart is
 * read from states that only move one way: systemd's record of the kubelet's main process (an
 * exit after the restarted process began, the restart count) and the journal after a cursor
 * taken before the restart. A kubelet that refuses its flags exits, and systemd restarts it every
 * second (Restart=always): `is-active` at one moment may catch it running.
 */
const sysconfigFile = '/etc/sysconfig/kubelet';

export interface RunbookStep {
  step: string;
  output: string;
}

/** `systemctl show kubelet`: the unit's state and its main process's record. */
export interface KubeletUnit {
  activeState: string;
  subState: string;
  result: string;
  /** Automatic restarts since the last start by hand (systemd resets it on `systemctl restart`). */
  nRestarts: number;
  mainPid: number;
  /** 1 exited, 2 killed, 3 dumped (CLD_*); 0 before any exit. */
  execMainCode: number;
  /** The exit status, or the signal with killed/dumped. */
  execMainStatus: number;
  /** CLOCK_MONOTONIC µs of the main process's start and of the last main process's exit (0: none). */
  execMainStartMono: number;
  execMainExitMono: number;
}

export const KUBELET_UNIT_PROPERTIES = ['ActiveState', 'SubState', 'Result', 'NRestarts', 'MainPID', 'ExecMainCode', 'ExecMainStatus', 'ExecMainStartTimestampMonotonic', 'ExecMainExitTimestampMonotonic'] as const;

export function parseKubeletUnit(text: string): KubeletUnit {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) values.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const number = (key: string) => {
    const value = Number(values.get(key) ?? '0');
    return Number.isFinite(value) ? value : 0;
  };
  return {
    activeState: values.get('ActiveState') ?? '', subState: values.get('SubState') ?? '', result: values.get('Result') ?? '',
    nRestarts: number('NRestarts'), mainPid: number('MainPID'), execMainCode: number('ExecMainCode'), execMainStatus: number('ExecMainStatus'),
    execMainStartMono: number('ExecMainStartTimestampMonotonic'), execMainExitMono: number('ExecMainExitTimestampMonotonic'),
  };
}

/**
 * The kubelet started by the restart (whose state is `started`, read right after `systemctl
 * restart` returned) has exited since, or a successor of it has: systemd restarted it on its own,
 * or recorded a main-process exit no earlier than that process's start. Once true, it stays true.
 */
export function exitedSince(started: KubeletUnit, now: KubeletUnit): boolean {
  return now.nRestarts > started.nRestarts || (now.execMainExitMono > 0 && started.execMainStartMono > 0 && now.execMainExitMono >= started.execMainStartMono);
}

/** It exited with a failure of its own (not killed by a signal, not 0). */
export function exitedWithFailure(unit: KubeletUnit): boolean {
  return unit.execMainCode === 1 && unit.execMainStatus !== 0;
}

export function runningNow(unit: KubeletUnit): boolean {
  return unit.activeState === 'active' && unit.subState === 'running' && unit.mainPid > 0;
}

export function describeUnit(unit: KubeletUnit): string {
  const code = ({ 0: 'none', 1: 'exited', 2: 'killed', 3: 'dumped' } as Record<number, string>)[unit.execMainCode] ?? String(unit.execMainCode);
  return `${unit.activeState}/${unit.subState}, result ${unit.result}, restarts ${unit.nRestarts}, last exit: ${code} ${unit.execMainStatus}`;
}

export async function kubeletUnit(node: NodeAccess): Promise<KubeletUnit> {
  const out = await node.exec(['systemctl', 'show', 'kubelet', ...KUBELET_UNIT_PROPERTIES.flatMap((property) => ['-p', property])]);
  return parseKubeletUnit(out.stdout);
}

export interface KubeletRestart {
  steps: RunbookStep[];
  values: IsolationValue[];
  /** The unit right after `systemctl restart` returned: what "since the restart" is measured from. */
  started: KubeletUnit;
  /** The journal's cursor before the restart: only the lines after it are the restarted kubelet's. */
  cursor: string | undefined;
}

async function step(steps: RunbookStep[], node: NodeAccess, title: string, command: string[]): Promise<string> {
  const out = await node.exec(command, { allowFailure: true });
  const output = [out.stdout, out.stderr].filter(Boolean).join('\n').trim();
  steps.push({ step: title, output: out.exitCode === 0 ? output : `exit ${out.exitCode}: ${output}` });
  return output;
}

export async function readSysconfig(node: NodeAccess): Promise<string | undefined> {
  const out = await node.exec(['cat', sysconfigFile], { allowFailure: true });
  return out.exitCode === 0 ? out.stdout : undefined;
}

/** The journal's cursor now (`-- cursor: ...`), so that later reads start after it. */
export async function journalCursor(node: NodeAccess): Promise<string | undefined> {
  const out = await node.exec(['journalctl', '-u', 'kubelet', '-n', '1', '--show-cursor', '--no-pager', '-o', 'cat'], { allowFailure: true });
  return /-- cursor: (\S+)/.exec(out.stdout)?.[1];
}

/** Writes /etc/sysconfig/kubelet (content as an argument, never in the script text) and restarts the kubelet; does not wait for what it does next. */
export async function applyKubeletExtraArgs(node: NodeAccess, line: string | undefined): Promise<KubeletRestart> {
  const steps: RunbookStep[] = [];
  await step(steps, node, 'systemctl cat kubelet (the drop-in reads /etc/sysconfig/kubelet)', ['systemctl', 'cat', 'kubelet']);
  if (line === undefined) {
    await step(steps, node, `rm -f ${sysconfigFile}`, ['rm', '-f', sysconfigFile]);
  } else {
    await step(steps, node, `write ${sysconfigFile}`, ['sh', '-c', 'mkdir -p /etc/sysconfig && printf "%s\\n" "$1" > "$2"', 'sh', line, sysconfigFile]);
  }
  await step(steps, node, 'systemctl daemon-reload', ['systemctl', 'daemon-reload']);
  const cursor = await journalCursor(node);
  await step(steps, node, 'systemctl restart kubelet', ['systemctl', 'restart', 'kubelet']);
  const started = await kubeletUnit(node);
  steps.push({ step: 'systemctl show kubelet (after the restart)', output: describeUnit(started) });
  const values: IsolationValue[] = [{ where: `node ${node.name}`, name: sysconfigFile, value: line ?? '(absent)', at: 'after write' }];
  return { steps, values, started, cursor };
}

/** The kubelet's log lines since the cursor (all recent ones without one), to quote its own words. */
export async function kubeletJournal(node: NodeAccess, cursor?: string, lines = 200): Promise<string> {
  const out = await node.exec(['journalctl', '-u', 'kubelet', '--no-pager', '-o', 'cat', ...(cursor ? ['--after-cursor', cursor] : ['-n', String(lines)])], { allowFailure: true });
  return out.stdout;
}

export interface KubeletRunning {
  state: 'running';
  unit: KubeletUnit;
  /** The main process's own command line (/proc/<MainPID>/cmdline). */
  commandLine: string;
}

/**
 * Waits until systemd reports the kubelet running with a main process, and reads that process's
 * command line: any kubelet running after the restart was started from the rewritten files.
 * Undefined when none ran within the time (the caller says so).
 */
export async function awaitKubeletRunning(node: NodeAccess, options: { timeoutMs: number; signal?: AbortSignal }): Promise<KubeletRunning | undefined> {
  return poll(async () => {
    const unit = await kubeletUnit(node);
    if (!runningNow(unit)) return undefined;
    const cmdline = await node.exec(['cat', `/proc/${unit.mainPid}/cmdline`], { allowFailure: true });
    if (cmdline.exitCode !== 0) return undefined;
    return { state: 'running' as const, unit, commandLine: cmdline.stdout.split('\0').filter(Boolean).join(' ') };
  }, { timeoutMs: options.timeoutMs, intervalMs: 1_000, ...(options.signal ? { signal: options.signal } : {}) });
}

export interface KubeletRefusal {
  /** The restarted kubelet exited (systemd's record or its journal line), */
  exited: boolean;
  /** with a failure status of its own: "Main process exited, code=exited, status=1/FAILURE". */
  failed: boolean;
  /** systemd's words for the exit, from the journal after the restart. */
  exit: string | undefined;
  unit: KubeletUnit;
  /** The journal line after the restart that says what the model predicted. */
  refusal: string | undefined;
}

/**
 * systemd's own journal line for a main-process exit of the unit. ExecMainCode/ExecMainStatus are
 * no evidence once systemd has restarted the kubelet (a new main process starts with them zeroed);
 * this line stays in the journal.
 */
export function exitLine(journal: string): { line: string; status: number } | undefined {
  for (const line of journal.split('\n')) {
    const match = /Main process exited, code=exited, status=(\d+)/.exec(line);
    if (match) return { line: line.trim(), status: Number(match[1]) };
  }
  return undefined;
}

/**
 * Waits for the signs of a refusal, each of which only ever becomes true once it is true: an exit
 * of the restarted kubelet (systemd restarted it, or recorded the exit), systemd's journal line
 * with its failure status, and the predicted message in the kubelet's journal after the restart.
 * On time-out, says which of them was never seen.
 */
export async function awaitKubeletRefusal(node: NodeAccess, restart: KubeletRestart, predicted: readonly string[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<KubeletRefusal> {
  let last: KubeletRefusal = { exited: false, failed: false, exit: undefined, unit: restart.started, refusal: undefined };
  const decided = await poll(async () => {
    const unit = await kubeletUnit(node);
    const journal = await kubeletJournal(node, restart.cursor);
    const exit = exitLine(journal);
    const exited = last.exited || exitedSince(restart.started, unit) || exit !== undefined;
    last = {
      exited, unit, failed: last.failed || (exit !== undefined && exit.status !== 0) || (exitedSince(restart.started, unit) && exitedWithFailure(unit)),
      exit: last.exit ?? exit?.line, refusal: last.refusal ?? findRefusal(journal, predicted),
    };
    return last.exited && last.failed && last.refusal !== undefined ? last : undefined;
  }, { timeoutMs: options.timeoutMs, intervalMs: 1_000, ...(options.signal ? { signal: options.signal } : {}) });
  return decided ?? last;
}

export function runbookLine(allowlist: readonly string[]): string {
  return kubeletExtraArgsLine(allowlist);
}

/**
 * An illegal allowlist written the seed's way: the predicted refusal (from the model) and the
 * line of the kubelet's journal that shows it, if the kubelet really refused.
 */
export function illegalAllowlistLine(patterns: readonly string[]): { line: string; predicted: string[] } {
  const { errors } = buildAllowlist(patterns);
  return {
    line: `KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls=${patterns.join(',')}"`,
    predicted: errors.map((error) => error.message),
  };
}

export function findRefusal(journal: string, predicted: readonly string[]): string | undefined {
  if (predicted.length === 0) return undefined;
  const unescaped = journal.replaceAll('\\"', '"');
  const lines = unescaped.split('\n');
  for (const message of predicted) {
    const hit = lines.find((entry) => entry.includes(message));
    if (hit) return hit.trim();
  }
  return undefined;
}
