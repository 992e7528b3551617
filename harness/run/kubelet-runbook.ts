import { buildAllowlist, kubeletExtraArgsLine } from '../policy/index.js';
import type { NodeAccess } from '../provider/types.js';
import type { IsolationValue } from '../results/raw.js';
import { poll, sleep } from './abort.js';

/**
 * The seed article's procedure on a running node, step by step: the kubelet's drop-in reads
 * EnvironmentFile=-/etc/sysconfig/kubelet and passes $KUBELET_EXTRA_ARGS; write the allowlist
 * there, daemon-reload, restart the kubelet, and confirm the flag in the process list.
 */
const sysconfigFile = '/etc/sysconfig/kubelet';

export interface RunbookStep {
  step: string;
  output: string;
}

export interface KubeletRestart {
  steps: RunbookStep[];
  values: IsolationValue[];
  /** The kubelet's command line after the restart, when it runs. */
  commandLine: string | undefined;
  active: boolean;
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

const kubeletProcess = /(^|\/)kubelet\s/;

/**
 * Writes /etc/sysconfig/kubelet (content as an argument, never in the script text) and restarts
 * the kubelet. With `expectFlag`, waits until a kubelet with that flag is in the process list
 * (up to `settleMs`, checked every second): a loaded machine restarts a kubelet slower, and a
 * fixed wait then read the process list before the kubelet was back. Without it, waits `settleMs`.
 */
export async function applyKubeletExtraArgs(
  node: NodeAccess, line: string | undefined, settleMs = 15_000, signal?: AbortSignal, expectFlag?: string,
): Promise<KubeletRestart> {
  const steps: RunbookStep[] = [];
  await step(steps, node, 'systemctl cat kubelet (the drop-in reads /etc/sysconfig/kubelet)', ['systemctl', 'cat', 'kubelet']);
  if (line === undefined) {
    await step(steps, node, `rm -f ${sysconfigFile}`, ['rm', '-f', sysconfigFile]);
  } else {
    await step(steps, node, `write ${sysconfigFile}`, ['sh', '-c', 'mkdir -p /etc/sysconfig && printf "%s\\n" "$1" > "$2"', 'sh', line, sysconfigFile]);
  }
  await step(steps, node, 'systemctl daemon-reload', ['systemctl', 'daemon-reload']);
  await step(steps, node, 'systemctl restart kubelet', ['systemctl', 'restart', 'kubelet']);
  if (expectFlag === undefined) {
    await sleep(settleMs, signal);
  } else {
    await poll(async () => {
      const listed = await node.exec(['ps', '-eo', 'args'], { allowFailure: true });
      return listed.stdout.split('\n').some((entry) => kubeletProcess.test(entry) && entry.includes(expectFlag)) ? true : undefined;
    }, { timeoutMs: settleMs, intervalMs: 1_000, ...(signal ? { signal } : {}) });
  }
  const active = (await step(steps, node, 'systemctl is-active kubelet', ['systemctl', 'is-active', 'kubelet'])) === 'active';
  const processes = await step(steps, node, 'ps -eo args (kubelet)', ['ps', '-eo', 'args']);
  const commandLine = processes.split('\n').find((entry) => kubeletProcess.test(entry));
  const values: IsolationValue[] = [{ where: `node ${node.name}`, name: sysconfigFile, value: line ?? '(absent)', at: 'after write' }];
  if (commandLine) values.push({ where: `node ${node.name}`, name: 'kubelet command line', value: commandLine, at: 'after restart' });
  return { steps, values, commandLine, active };
}

/** The kubelet's recent log lines, to quote its own words when it refuses to start. */
export async function kubeletJournal(node: NodeAccess, lines = 80): Promise<string> {
  const out = await node.exec(['journalctl', '-u', 'kubelet', '--no-pager', '-n', String(lines), '-o', 'cat'], { allowFailure: true });
  return out.stdout;
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
  const unescaped = journal.replaceAll('\\"', '"');
  const lines = unescaped.split('\n');
  for (const message of predicted) {
    const hit = lines.find((entry) => entry.includes(message));
    if (hit) return hit.trim();
  }
  return undefined;
}
