import { describe, expect, it } from 'vitest';
import type { NodeAccess } from '../../../harness/provider/types.js';
import { applyKubeletExtraArgs, findRefusal, illegalAllowlistLine } from '../../../harness/run/kubelet-runbook.js';

describe('the kubelet runbook on a node', () => {
  it('writes the drop-in as an argument, never inside the script text, then restarts', async () => {
    const commands: string[] = [];
    const node: NodeAccess = {
      name: 'node-a', via: 'fake', readSysctl: async () => '0', writeSysctl: async () => {}, kubeletCommandLine: async () => undefined,
      async exec(command) {
        commands.push(command.join(' '));
        return { exitCode: 0, stdout: command[1] === 'show' ? 'ActiveState=active\nSubState=running\nMainPID=7' : '', stderr: '' };
      },
    };
    const restart = await applyKubeletExtraArgs(node, 'KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls=net.*"');
    expect(restart.started.mainPid).toBe(7);
    expect(commands).toContain('sh -c mkdir -p /etc/sysconfig && printf "%s\\n" "$1" > "$2" sh KUBELET_EXTRA_ARGS="--allowed-unsafe-sysctls=net.*" /etc/sysconfig/kubelet');
    expect(commands.indexOf('systemctl restart kubelet')).toBeGreaterThan(commands.indexOf('systemctl daemon-reload'));
  });

  it('finds the kubelet refusing an illegal allowlist in its own words', () => {
    const { predicted } = illegalAllowlistLine(['vm.*']);
    const journal = 'E1202 run.go:72] "command failed" err="failed to run Kubelet: failed to create kubelet: the sysctls \\"vm.\\" are not known to be namespaced"';
    expect(findRefusal(journal, predicted)).toContain('not known to be namespaced');
  });
});
