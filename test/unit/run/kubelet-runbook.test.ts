import { describe, expect, it } from 'vitest';
import type { NodeAccess } from '../../../harness/provider/types.js';
import { applyKubeletExtraArgs, findRefusal, illegalAllowlistLine } from '../../../harness/run/kubelet-runbook.js';

/** A node whose kubelet comes back with the new flag only on the third look at the process list. */
function slowNode(): NodeAccess & { commands: string[] } {
  const commands: string[] = [];
  let looks = 0;
  return {
    name: 'node-a', via: 'fake', commands,
    readSysctl: async () => '0', writeSysctl: async () => {}, kubeletCommandLine: async () => undefined,
    async exec(command) {
      commands.push(command.join(' '));
      if (command[0] === 'ps') {
        looks += 1;
        return { exitCode: 0, stdout: looks >= 3 ? 'init\n/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --allowed-unsafe-sysctls=net.*' : 'init', stderr: '' };
      }
      if (command[0] === 'systemctl' && command[1] === 'is-active') return { exitCode: 0, stdout: 'active', stderr: '' };
      return { exitCode: 0, stdout: '', stderr: '' };
    },
  };
}

describe('the kubelet runbook on a node', () => {
  it('writes the drop-in as an argument, restarts, and waits for the kubelet with the flag rather than for a fixed time', async () => {
    const node = slowNode();
    const restart = await applyKubeletExtraArgs(node, 'KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls=net.*"', 60_000, undefined, '--allowed-unsafe-sysctls=net.*');
    expect(restart.commandLine).toContain('--allowed-unsafe-sysctls=net.*');
    expect(restart.active).toBe(true);
    expect(node.commands.filter((command) => command.startsWith('ps')).length).toBeGreaterThanOrEqual(3);
    expect(node.commands).toContain('sh -c mkdir -p /etc/sysconfig && printf "%s\\n" "$1" > "$2" sh KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls=net.*" /etc/sysconfig/kubelet');
  });

  it('finds the kubelet refusing an illegal allowlist in its own words', () => {
    const { predicted } = illegalAllowlistLine(['vm.*']);
    const journal = 'E1202 run.go:72] "command failed" err="failed to run Kubelet: failed to create kubelet: the sysctls \\"vm.\\" are not known to be namespaced"';
    expect(findRefusal(journal, predicted)).toContain('not known to be namespaced');
  });
});
