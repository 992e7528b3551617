import { normaliseValue, procPath } from '../../probes/sysctl-path.js';
import type { RunResult } from '../../toolchain/exec.js';
import type { ClusterObjects, NodeAccess } from '../types.js';

/**
 * A node of a cluster sysctl-bench did not create, reached through a node agent: a privileged pod
 * pinned to it in the node's network, IPC and PID namespaces (as `kubectl debug node` makes one).
 * /proc/sys there is the node's own for every namespaced sysctl, and the kernel's for node-level
 * ones; the kubelet shows in its process list. Writes are refused unless the user allowed them.
 */
export class AgentPodNode implements NodeAccess {
  readonly via: string;

  constructor(
    private readonly objects: Pick<ClusterObjects, 'exec'>,
    readonly name: string,
    private readonly pod: string,
    private readonly writesAllowed: boolean,
  ) {
    this.via = `privileged pod ${pod}`;
  }

  async exec(command: readonly string[], options: { allowFailure?: boolean } = {}): Promise<RunResult> {
    const out = await this.objects.exec(this.pod, command);
    const result = { exitCode: out.ok ? 0 : 1, stdout: out.stdout.replace(/\n$/, ''), stderr: out.stderr || (out.ok ? '' : out.message ?? '') };
    if (!out.ok && !options.allowFailure) throw new Error(`${command.join(' ')} on node ${this.name} failed: ${result.stderr.trim()}`);
    return result;
  }

  async readSysctl(name: string): Promise<string> {
    return normaliseValue((await this.exec(['cat', procPath(name)])).stdout);
  }

  async writeSysctl(name: string, value: string): Promise<void> {
    if (!this.writesAllowed) throw new Error(`refusing to write ${name} on node ${this.name}: node writes on an existing cluster need --allow-node-writes`);
    await this.exec(['sh', '-c', 'printf "%s\\n" "$1" > "$2"', 'sh', value, procPath(name)]);
  }

  async kubeletCommandLine(): Promise<string | undefined> {
    const processes = await this.exec(['ps', '-eo', 'args'], { allowFailure: true });
    return processes.stdout.split('\n').map((line) => line.trim()).find((entry) => /(^|\/)kubelet\s/.test(entry));
  }
}
