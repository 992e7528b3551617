import { normaliseValue, procPath } from '../../probes/sysctl-path.js';
import { run, type RunResult } from '../../toolchain/exec.js';
import type { NodeAccess } from '../types.js';

/**
 * A kind node is a container: `docker exec` runs in its root namespaces (its own network and IPC
 * namespaces, the machine's kernel). The only place in the run that says docker for a node.
 */
export class DockerExecNode implements NodeAccess {
  readonly via = 'docker exec';

  constructor(readonly name: string, private readonly signal?: AbortSignal) {}

  exec(command: readonly string[], options: { allowFailure?: boolean } = {}): Promise<RunResult> {
    return run('docker', ['exec', this.name, ...command], { allowFailure: options.allowFailure ?? false, signal: this.signal });
  }

  async readSysctl(name: string): Promise<string> {
    return normaliseValue((await this.exec(['cat', procPath(name)])).stdout);
  }

  /** The value travels as an argument of `sh -c`, never inside the script text. */
  async writeSysctl(name: string, value: string): Promise<void> {
    await this.exec(['sh', '-c', 'printf "%s\\n" "$1" > "$2"', 'sh', value, procPath(name)]);
  }

  async kubeletCommandLine(): Promise<string | undefined> {
    const processes = await this.exec(['ps', '-eo', 'args'], { allowFailure: true });
    return processes.stdout.split('\n').find((entry) => /(^|\/)kubelet\s/.test(entry));
  }
}
